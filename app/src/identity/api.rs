//! Server functions of accounts: signing in and out, one's own password, API tokens and
//! organisations.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::core::error::AppError;
use crate::core::roles::Role;

#[cfg(feature = "ssr")]
use crate::core::principal::Credential;
#[cfg(feature = "ssr")]
use crate::core::roles::Permission;
#[cfg(feature = "ssr")]
use crate::identity::server::{accounts, sessions, signin};

/// An organisation one belongs to, with one's role there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgInfo {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// The signed-in user, as the backoffice shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub email: String,
    /// The organisation the backoffice is switched to.
    pub org: i64,
    /// The role there; `None` if no longer a member.
    pub role: Option<Role>,
    pub orgs: Vec<OrgInfo>,
}

/// A personal API token (the token itself is shown only when created).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub id: String,
    pub name: String,
    pub org: i64,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub token: TokenInfo,
    /// Shown this once: send it as `Authorization: Bearer …`.
    pub secret: String,
}

/// Check the password and start a session (an HttpOnly cookie). The sign-in page's form
/// posts here directly when the WASM has not loaded: the browser is then sent to `next` (a
/// path of this site) or back to the form with what went wrong.
#[server(endpoint = "auth/sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    #[server(default)] next: Option<String>,
) -> Result<CurrentUser, AppError> {
    use crate::identity::form_problem::FormProblem;
    use crate::identity::return_to::{after_sign_in, sign_in_url};

    let next = after_sign_in(next.as_deref()).to_string();
    let to = |result: &Result<CurrentUser, AppError>| match result {
        Ok(_) => next.clone(),
        Err(e) => format!("{}&{}", sign_in_url(&next), FormProblem::of(e).to_query()),
    };
    let call = crate::engine::server_fn::with_request(|engine, parts| async move {
        let address = signin::client_address(&engine, &parts);
        let (secret, user) = signin::sign_in(&engine, &email, &password, &address).await?;
        let cookie = signin::session_cookie(&secret, signin::wants_secure(&engine, &parts.headers));
        crate::engine::server_fn::set_cookie(&cookie);
        Ok(user)
    });
    crate::engine::server_fn::answer_plain_form(call, to).await
}

/// End this browser's session; its live sockets close.
#[server(endpoint = "auth/sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    crate::engine::server_fn::with_request(|engine, parts| async move {
        let who = crate::identity::server::access::authorize(
            &engine,
            &parts.headers,
            None,
            Permission::ReadPublic,
        )
        .await?;
        signin::sign_out(&engine, &who).await?;
        crate::engine::server_fn::set_cookie(&signin::cleared_cookie(signin::wants_secure(
            &engine,
            &parts.headers,
        )));
        Ok(())
    })
    .await
}

/// Who is signed in, if anyone.
#[server(endpoint = "auth/me")]
pub async fn me() -> Result<Option<CurrentUser>, AppError> {
    crate::engine::server_fn::with_access(Permission::ReadPublic, |engine, who| async move {
        match &who.identity {
            Some(id) => me_of(&engine, id).await.map(Some),
            None => Ok(None),
        }
    })
    .await
}

#[cfg(feature = "ssr")]
async fn me_of(
    engine: &crate::engine::Engine,
    who: &crate::core::principal::Identity,
) -> Result<CurrentUser, AppError> {
    Ok(CurrentUser {
        email: who.email.clone(),
        org: who.org,
        role: who.role,
        orgs: accounts::organisations_of(engine, who.user).await?,
    })
}

/// Change one's own password; other sessions of the account are signed out. The account
/// page's form posts here directly when the WASM has not loaded, and is sent back to the
/// account page saying how it went.
#[server(endpoint = "auth/password")]
pub async fn change_password(
    current: String,
    new: String,
    // A checkbox: present ("on") to revoke every API token of the account too.
    #[server(default)] revoke_tokens: Option<String>,
) -> Result<(), AppError> {
    let to = |result: &Result<(), AppError>| match result {
        Ok(()) => PASSWORD_CHANGED_PATH.to_string(),
        Err(e) => format!(
            "{ACCOUNT_PATH}?{}",
            crate::identity::form_problem::FormProblem::of(e).to_query()
        ),
    };
    let call = crate::engine::server_fn::with_request(|engine, parts| async move {
        let who = crate::identity::server::access::authorize(
            &engine,
            &parts.headers,
            None,
            Permission::Account,
        )
        .await?;
        let address = signin::client_address(&engine, &parts);
        let revoke = revoke_tokens.is_some();
        signin::change_password(&engine, &who, &address, &current, &new, revoke).await
    });
    crate::engine::server_fn::answer_plain_form(call, to).await
}

pub const ACCOUNT_PATH: &str = "/admin/account";
/// Where a password changed without the WASM lands: the account page, saying it is done.
pub const PASSWORD_CHANGED_PATH: &str = "/admin/account?changed=password";

/// A personal API token for the organisation the backoffice is switched to. Only from a
/// signed-in browser: a token cannot mint more tokens.
#[server(endpoint = "auth/tokens/create")]
pub async fn create_api_token(name: String) -> Result<CreatedToken, AppError> {
    crate::engine::server_fn::with_access(Permission::Account, |engine, who| async move {
        let me = who.signed_in()?;
        if !matches!(me.credential, Credential::Session(_)) {
            return Err(AppError::Forbidden);
        }
        let (token, secret) = sessions::create_token(&engine, me.user, me.org, &name).await?;
        Ok(CreatedToken { token, secret })
    })
    .await
}

#[server(endpoint = "auth/tokens/list")]
pub async fn list_api_tokens() -> Result<Vec<TokenInfo>, AppError> {
    crate::engine::server_fn::with_access(Permission::Account, |engine, who| async move {
        sessions::tokens_of(&engine, who.signed_in()?.user).await
    })
    .await
}

/// Revoke one of one's own tokens; live sockets opened with it close.
#[server(endpoint = "auth/tokens/revoke")]
pub async fn revoke_api_token(id: String) -> Result<(), AppError> {
    crate::engine::server_fn::with_access(Permission::Account, |engine, who| async move {
        sessions::revoke_token(&engine, who.signed_in()?.user, &id).await
    })
    .await
}

/// Switch the backoffice to another of one's organisations.
#[server(endpoint = "auth/switch")]
pub async fn switch_organisation(org: i64) -> Result<(), AppError> {
    crate::engine::server_fn::with_access(Permission::Account, |engine, who| async move {
        sessions::switch_organisation(&engine, who.signed_in()?, org).await
    })
    .await
}

/// A new organisation with oneself as its admin.
#[server(endpoint = "auth/organisations/create")]
pub async fn create_organisation(name: String) -> Result<OrgInfo, AppError> {
    crate::engine::server_fn::with_access(Permission::Account, |engine, who| async move {
        let me = who.signed_in()?;
        let id = accounts::create_organisation(&engine, &name, me.user).await?;
        Ok(OrgInfo {
            id,
            name: name.trim().to_string(),
            role: Role::Admin,
        })
    })
    .await
}
