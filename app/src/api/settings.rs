use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{SaveOutcome, Snapshot};
use crate::error::AppError;
use crate::merge::RecordEdit;
use crate::model::SiteSettings;

#[cfg(feature = "ssr")]
use crate::{roles::Permission, server::save};

/// The settings as the public site shows them.
#[server(endpoint = "settings/public")]
pub async fn public_settings() -> Result<Snapshot<SiteSettings>, AppError> {
    super::with_access(Permission::ReadPublic, |engine, who| async move {
        save::public_snapshot(&engine, &who, SiteSettings::SINGLETON_ID).await
    })
    .await
}

/// The settings as the backoffice edits them.
#[server(endpoint = "settings/edit")]
pub async fn editable_settings() -> Result<Snapshot<SiteSettings>, AppError> {
    super::with_access(Permission::ReadContent, |engine, who| async move {
        save::snapshot(&engine, &who, SiteSettings::SINGLETON_ID).await
    })
    .await
}

/// Merge the editor's changes into the stored settings.
#[server(endpoint = "settings/save", input = Json)]
pub async fn save_settings(edit: RecordEdit) -> Result<SaveOutcome<SiteSettings>, AppError> {
    super::with_access(Permission::WriteContent, |engine, who| async move {
        let edit = RecordEdit {
            id: SiteSettings::SINGLETON_ID.into(),
            ..edit
        };
        save::save::<SiteSettings>(&engine, &who, &edit).await
    })
    .await
}
