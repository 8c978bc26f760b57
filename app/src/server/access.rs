//! The one place access is decided. Every server function and the live endpoint call
//! [`authorize`]; sign-in and roles (a later issue) plug in here and nowhere else.

use crate::error::AppError;

use super::store::OrgId;

/// The organisation every request belongs to until organisations can be chosen.
pub const DEFAULT_ORG: OrgId = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Published content, public fields: anyone.
    ReadPublic,
    /// Backoffice view of content.
    ReadContent,
    /// Saving content.
    WriteContent,
    /// The sync centre: webhooks, logs, backups.
    ManageSyncCentre,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub org: OrgId,
    /// Who is recorded in the change log.
    pub actor: String,
}

/// Decide whether the request may do `permission`.
///
/// Until accounts exist there is no sign-in: every request acts for the default organisation,
/// as the demo editor when it edits. The request's headers are taken so the rule can change
/// here without touching any caller.
pub fn authorize(
    _headers: &http::HeaderMap,
    permission: Permission,
) -> Result<Principal, AppError> {
    let actor = match permission {
        Permission::ReadPublic => "visitor",
        Permission::ReadContent | Permission::WriteContent | Permission::ManageSyncCentre => {
            "demo-editor"
        }
    };
    Ok(Principal {
        org: DEFAULT_ORG,
        actor: actor.into(),
    })
}
