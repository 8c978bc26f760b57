//! Content's server side: first-start content.

pub mod demo;

use std::sync::Arc;

use crate::content::model::{Service, Solution, TeamMember};
use crate::content::settings::SiteSettings;
use crate::core::principal::Principal;
use crate::engine::Parts;

/// Plug content into the engine: its collections, and a settings record for every new
/// organisation.
pub fn plug_in(parts: &mut Parts) {
    parts.registry.add::<SiteSettings>();
    parts.registry.add::<TeamMember>();
    parts.registry.add::<Service>();
    parts.registry.add::<Solution>();
    parts
        .on_new_organisation
        .push(Arc::new(|db, conn, org, name| {
            Box::pin(async move {
                demo::seed_settings(db, conn, &Principal::system(org, "setup"), name).await
            })
        }));
}
