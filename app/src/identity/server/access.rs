//! The one place access is decided. Every server function and the live endpoint call
//! [`authorize`]: it finds who is asking (session cookie or API token), in which organisation
//! and with which role, and checks the role table in [`crate::core::roles`].

use http::HeaderMap;

use crate::core::error::AppError;
use crate::core::roles::Permission;

use crate::core::principal::{principal_for, Identity, Principal};
use crate::engine::{BoxFuture, Engine, Gate, Parts};

use super::sessions::{self, Revocations};
use super::throttle::{Limits, Throttle};

pub const SESSION_COOKIE: &str = "courant_session";

/// Settings of sign-in and cross-site protection.
#[derive(Debug, Clone, Default)]
pub struct AuthConfig {
    /// Origins allowed to call state-changing endpoints and open the live socket from a
    /// browser. Empty: the site's own origin (the request's `Host`).
    pub allowed_origins: Vec<String>,
    /// Mark cookies `Secure`. `None`: when the request came over HTTPS (`X-Forwarded-Proto`).
    pub secure_cookies: Option<bool>,
    /// How many proxies in front of Courant append to `X-Forwarded-For` (0: none; the
    /// client's address is the connection's).
    pub trusted_proxies: usize,
    pub limits: Limits,
    pub quotas: Quotas,
}

/// How much one organisation or account may do in a day; counted under a lock, so parallel
/// requests cannot go past them.
#[derive(Debug, Clone, Copy)]
pub struct Quotas {
    /// Invitations one organisation may send (`COURANT_INVITATIONS_PER_DAY`): plenty for a
    /// team, and a bound on the accounts anyone can make through organisations of their own.
    pub invitations_per_day: i64,
    /// Organisations one account may create (`COURANT_ORGANISATIONS_PER_DAY`).
    pub organisations_per_day: i64,
}

impl Default for Quotas {
    fn default() -> Self {
        Quotas {
            invitations_per_day: 50,
            organisations_per_day: 5,
        }
    }
}

impl AuthConfig {
    /// `COURANT_ALLOWED_ORIGINS` (comma-separated), `COURANT_SECURE_COOKIES` (1/0),
    /// `COURANT_TRUSTED_PROXIES` (a number of hops; `COURANT_TRUST_PROXY=1` means one).
    pub fn from_env() -> AuthConfig {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        AuthConfig {
            allowed_origins: var("COURANT_ALLOWED_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|o| o.trim().trim_end_matches('/').to_string())
                        .collect()
                })
                .unwrap_or_default(),
            secure_cookies: var("COURANT_SECURE_COOKIES").map(|v| v == "1" || v == "true"),
            trusted_proxies: var("COURANT_TRUSTED_PROXIES")
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or_else(|| {
                    usize::from(var("COURANT_TRUST_PROXY").is_some_and(|v| v == "1" || v == "true"))
                }),
            limits: Limits::default(),
            quotas: Quotas {
                invitations_per_day: var("COURANT_INVITATIONS_PER_DAY")
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(Quotas::default().invitations_per_day),
                organisations_per_day: var("COURANT_ORGANISATIONS_PER_DAY")
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(Quotas::default().organisations_per_day),
            },
        }
    }
}

/// Sign-in state shared by every request.
#[derive(Clone, Default)]
pub struct Auth {
    pub config: AuthConfig,
    pub throttle: Throttle,
    pub revocations: Revocations,
}

impl Auth {
    pub fn new(config: AuthConfig) -> Auth {
        Auth {
            throttle: Throttle::new(config.limits),
            config,
            revocations: Revocations::default(),
        }
    }
}

/// The session cookie's or bearer token's secret in these headers, if any.
pub enum Presented<'a> {
    Session(&'a str),
    Token(&'a str),
    Nothing,
}

pub fn presented<'a>(headers: &'a HeaderMap, query_token: Option<&'a str>) -> Presented<'a> {
    let bearer = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    if let Some(token) = bearer.or(query_token) {
        return Presented::Token(token);
    }
    match cookie(headers, SESSION_COOKIE) {
        Some(secret) => Presented::Session(secret),
        None => Presented::Nothing,
    }
}

/// One cookie's value from the `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// Who presented these headers: `Ok(None)` for nobody (a visitor); an unknown, expired or
/// revoked token is 401 (a script should hear its token is bad), a stale cookie is a visitor.
pub async fn identify(
    engine: &Engine,
    headers: &HeaderMap,
    query_token: Option<&str>,
) -> Result<Option<Identity>, AppError> {
    match presented(headers, query_token) {
        Presented::Nothing => Ok(None),
        Presented::Session(secret) => {
            let mut conn = engine.db.read.acquire().await?;
            Ok(sessions::resolve_session(&mut conn, secret).await?)
        }
        Presented::Token(secret) => {
            let mut conn = engine.db.read.acquire().await?;
            match sessions::resolve_token(&mut conn, secret).await? {
                Some(who) => Ok(Some(who)),
                None => Err(AppError::Unauthorized),
            }
        }
    }
}

/// Decide whether the request may do `permission`: 401 when it must sign in first, 403 when
/// the role does not allow it.
pub async fn authorize(
    engine: &Engine,
    headers: &HeaderMap,
    query_token: Option<&str>,
    permission: Permission,
) -> Result<Principal, AppError> {
    let identity = identify(engine, headers, query_token).await?;
    principal_for(identity, permission)
}

/// Identity's state in the engine.
pub fn auth(engine: &Engine) -> &Auth {
    engine.feature::<Auth>()
}

/// What identity gives the engine to decide who is asking.
pub struct IdentityGate;

impl Gate for IdentityGate {
    fn authorize<'a>(
        &'a self,
        engine: &'a Engine,
        request: &'a http::request::Parts,
        permission: Permission,
    ) -> BoxFuture<'a, Result<Principal, AppError>> {
        Box::pin(authorize(engine, &request.headers, None, permission))
    }

    fn client_address(&self, engine: &Engine, request: &http::request::Parts) -> String {
        super::signin::client_address(engine, request)
    }
}

/// Plug identity into the engine: its gate and its sign-in state.
pub fn plug_in(parts: &mut Parts, config: AuthConfig) {
    parts.gate = std::sync::Arc::new(IdentityGate);
    parts.features.insert(Auth::new(config));
    // Backups list who belonged to the organisation with which role: emails and roles,
    // never a password hash, a session or a token.
    parts.backup_sections.push((
        "members",
        std::sync::Arc::new(|engine, org| {
            Box::pin(async move {
                Ok(super::accounts::members(engine, org)
                    .await?
                    .into_iter()
                    .map(|m| {
                        let mut row = serde_json::Map::new();
                        row.insert("id".into(), m.id.into());
                        row.insert("email".into(), m.email.into());
                        row.insert("role".into(), m.role.as_str().into());
                        row.insert("joined_at".into(), m.joined_at.into());
                        row
                    })
                    .collect())
            })
        }),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_come_from_bearer_then_cookie() {
        let mut h = HeaderMap::new();
        h.insert("cookie", "a=1; courant_session=abc; b=2".parse().unwrap());
        assert!(matches!(presented(&h, None), Presented::Session("abc")));
        h.insert("authorization", "Bearer courant_x".parse().unwrap());
        assert!(matches!(presented(&h, None), Presented::Token("courant_x")));
        assert!(matches!(
            presented(&HeaderMap::new(), Some("q")),
            Presented::Token("q")
        ));
        assert!(matches!(
            presented(&HeaderMap::new(), None),
            Presented::Nothing
        ));
    }
}
