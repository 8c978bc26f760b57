use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::content::settings::SiteSettings;
use crate::core::error::AppError;
use crate::core::merge::RecordEdit;
use crate::core::wire::{SaveOutcome, Snapshot};

#[cfg(feature = "ssr")]
use crate::{core::roles::Permission, engine::save};

/// The settings as the public site shows them.
#[server(endpoint = "settings/public")]
pub async fn public_settings() -> Result<Snapshot<SiteSettings>, AppError> {
    crate::engine::server_fn::with_access(Permission::ReadPublic, |engine, who| async move {
        save::public_snapshot(&engine, &who, SiteSettings::SINGLETON_ID).await
    })
    .await
}

/// The settings as the backoffice edits them.
#[server(endpoint = "settings/edit")]
pub async fn editable_settings() -> Result<Snapshot<SiteSettings>, AppError> {
    crate::engine::server_fn::with_access(Permission::ReadContent, |engine, who| async move {
        save::snapshot(&engine, &who, SiteSettings::SINGLETON_ID).await
    })
    .await
}

/// Merge the editor's changes into the stored settings.
#[server(endpoint = "settings/save", input = Json)]
pub async fn save_settings(edit: RecordEdit) -> Result<SaveOutcome<SiteSettings>, AppError> {
    crate::engine::server_fn::with_access(Permission::WriteContent, |engine, who| async move {
        let edit = RecordEdit {
            id: SiteSettings::SINGLETON_ID.into(),
            ..edit
        };
        save::save::<SiteSettings>(&engine, &who, &edit).await
    })
    .await
}
