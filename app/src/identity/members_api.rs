//! Server functions of the organisation's people: members, their roles, invitations, and
//! accepting an invitation. Changing people needs an admin's signed-in session
//! (`ManagePeople`); an API token never can.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::core::error::AppError;
use crate::core::roles::Role;

#[cfg(feature = "ssr")]
use crate::core::roles::Permission;
#[cfg(feature = "ssr")]
use crate::identity::server::{accounts, invitations, sessions, signin};

/// Where an invitation's link leads; the link's secret follows.
pub const INVITATION_PATH: &str = "/invite/";

/// A member of the current organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberInfo {
    /// A random id naming the member to admins (not the account's sequential id).
    pub id: String,
    pub email: String,
    pub role: Role,
    pub joined_at: i64,
}

/// An invitation waiting to be accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationInfo {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub created_at: i64,
    pub expires_at: i64,
}

/// A new invitation and its link, shown to the admin this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedInvitation {
    pub invitation: InvitationInfo,
    /// A path on this site (`/invite/…`); the page adds its own origin.
    pub link: String,
}

/// What the invitation page shows whoever holds the link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationView {
    pub organisation: String,
    pub email: String,
    pub role: Role,
    pub expires_at: i64,
    /// An account with this email exists: its owner signs in to accept.
    pub has_account: bool,
}

#[server(endpoint = "members/list")]
pub async fn list_members() -> Result<Vec<MemberInfo>, AppError> {
    crate::engine::server_fn::with_access(Permission::ReadSyncCentre, |engine, who| async move {
        accounts::members(&engine, who.org).await
    })
    .await
}

/// Invite someone by email: a one-time link for the admin to pass on. They become a member
/// when they accept.
#[server(endpoint = "members/invite", input = Json)]
pub async fn invite_member(email: String, role: Role) -> Result<CreatedInvitation, AppError> {
    crate::engine::server_fn::with_access(Permission::ManagePeople, |engine, who| async move {
        let me = who.signed_in()?;
        let (invitation, secret) =
            invitations::invite(&engine, who.org, me.user, &email, role).await?;
        Ok(CreatedInvitation {
            invitation,
            link: format!("{}{secret}", INVITATION_PATH),
        })
    })
    .await
}

#[server(endpoint = "members/invitations")]
pub async fn list_invitations() -> Result<Vec<InvitationInfo>, AppError> {
    crate::engine::server_fn::with_access(Permission::ReadSyncCentre, |engine, who| async move {
        invitations::pending(&engine, who.org).await
    })
    .await
}

/// Withdraw an invitation that was not accepted yet; its link stops working.
#[server(endpoint = "members/invitations/revoke")]
pub async fn revoke_invitation(id: String) -> Result<(), AppError> {
    crate::engine::server_fn::with_access(Permission::ManagePeople, |engine, who| async move {
        invitations::revoke(&engine, who.org, &id).await
    })
    .await
}

/// Change a member's role; their open pages reconnect with the new one.
#[server(endpoint = "members/role", input = Json)]
pub async fn set_member_role(member: String, role: Role) -> Result<(), AppError> {
    crate::engine::server_fn::with_access(Permission::ManagePeople, |engine, who| async move {
        accounts::change_role(&engine, who.org, &member, role).await
    })
    .await
}

#[server(endpoint = "members/remove", input = Json)]
pub async fn remove_member(member: String) -> Result<(), AppError> {
    crate::engine::server_fn::with_access(Permission::ManagePeople, |engine, who| async move {
        accounts::remove_member(&engine, who.org, &member).await
    })
    .await
}

/// The invitation behind a link, for its page.
#[server(endpoint = "invitations/view")]
pub async fn view_invitation(token: String) -> Result<InvitationView, AppError> {
    crate::engine::server_fn::with_request(|engine, _| async move {
        invitations::view(&engine, &token).await
    })
    .await
}

/// Accept an invitation as someone new to Courant: the account gets the password they chose,
/// joins the organisation, and is signed in. Its page's form posts here directly before the
/// WASM has loaded, and is then sent to the backoffice or back with what went wrong.
#[server(endpoint = "invitations/accept_new")]
pub async fn accept_invitation_as_new(token: String, password: String) -> Result<(), AppError> {
    use crate::identity::form_problem::FormProblem;

    let back = format!("{}{token}", INVITATION_PATH);
    let to = move |result: &Result<(), AppError>| match result {
        Ok(()) => crate::identity::return_to::BACKOFFICE_HOME.to_string(),
        Err(e) => format!("{back}?{}", FormProblem::of(e).to_query()),
    };
    let call = crate::engine::server_fn::with_request(|engine, parts| async move {
        let (user, org) = invitations::accept_as_new(&engine, &token, &password).await?;
        let secret = sessions::open_session(&engine, user, org).await?;
        let cookie = signin::session_cookie(&secret, signin::wants_secure(&engine, &parts.headers));
        crate::engine::server_fn::set_cookie(&cookie);
        Ok(())
    });
    crate::engine::server_fn::answer_plain_form(call, to).await
}

/// Accept an invitation while signed in to the invited account; the backoffice switches to
/// the organisation joined.
#[server(endpoint = "invitations/accept")]
pub async fn accept_invitation(token: String) -> Result<(), AppError> {
    crate::engine::server_fn::with_access(Permission::Account, |engine, who| async move {
        let me = who.signed_in()?;
        let org = invitations::accept_signed_in(&engine, me, &token).await?;
        sessions::switch_organisation(&engine, me, org).await
    })
    .await
}
