//! The one place access is decided. Every server function and the live endpoint call
//! [`authorize`]: it finds who is asking (session cookie or API token), in which organisation
//! and with which role, and checks the role table in [`crate::roles`].

use http::HeaderMap;

use crate::error::AppError;
use crate::roles::{allows, Permission};

use super::sessions::{self, Credential, Identity, Revocations};
use super::store::OrgId;
use super::throttle::{Limits, Throttle};
use super::Engine;

/// The organisation whose published content the public site shows, and where the first admin
/// is created.
pub const DEFAULT_ORG: OrgId = 1;
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

/// Who a request acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub org: OrgId,
    /// Who is recorded in the change log: the user's email, and the token's name if a token.
    pub actor: String,
    /// `None`: a public visitor, or the server itself.
    pub identity: Option<Identity>,
}

impl Principal {
    /// The server acting on its own (first-start content, new organisations).
    pub fn system(org: OrgId, actor: &str) -> Principal {
        Principal {
            org,
            actor: actor.into(),
            identity: None,
        }
    }

    /// The signed-in identity, or 401.
    pub fn signed_in(&self) -> Result<&Identity, AppError> {
        self.identity.as_ref().ok_or(AppError::Unauthorized)
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

/// The role check itself, without the database.
pub fn principal_for(
    identity: Option<Identity>,
    permission: Permission,
) -> Result<Principal, AppError> {
    if permission == Permission::ReadPublic {
        // The public site is the default organisation's, whoever is looking.
        return Ok(Principal {
            org: DEFAULT_ORG,
            actor: identity.as_ref().map_or("visitor".into(), actor_of),
            identity,
        });
    }
    let Some(identity) = identity else {
        return Err(AppError::Unauthorized);
    };
    if permission.needs_session() && !matches!(identity.credential, Credential::Session(_)) {
        return Err(AppError::SessionOnly);
    }
    if permission != Permission::Account && !allows(identity.role, permission) {
        return Err(AppError::Forbidden);
    }
    Ok(Principal {
        org: identity.org,
        actor: actor_of(&identity),
        identity: Some(identity),
    })
}

fn actor_of(who: &Identity) -> String {
    match &who.credential {
        Credential::Session(_) => who.email.clone(),
        Credential::Token { name, .. } => format!("{} (token “{name}”)", who.email),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roles::Role;

    fn someone(role: Option<Role>, credential: Credential) -> Identity {
        Identity {
            user: 7,
            email: "ana@example.org".into(),
            org: 3,
            role,
            credential,
        }
    }

    #[test]
    fn visitors_must_sign_in_and_roles_are_checked() {
        assert_eq!(
            principal_for(None, Permission::ReadContent),
            Err(AppError::Unauthorized)
        );
        let editor = someone(Some(Role::Editor), Credential::Session("h".into()));
        assert_eq!(
            principal_for(Some(editor.clone()), Permission::ManageSyncCentre),
            Err(AppError::Forbidden)
        );
        let p = principal_for(Some(editor), Permission::WriteContent).unwrap();
        assert_eq!((p.org, p.actor.as_str()), (3, "ana@example.org"));
    }

    #[test]
    fn tokens_never_act_on_people_or_the_account() {
        let token = Credential::Token {
            id: "t".into(),
            name: "ci".into(),
        };
        let admin_script = someone(Some(Role::Admin), token);
        for p in [Permission::ManagePeople, Permission::Account] {
            assert_eq!(
                principal_for(Some(admin_script.clone()), p),
                Err(AppError::SessionOnly)
            );
        }
        assert!(principal_for(Some(admin_script), Permission::ManageSyncCentre).is_ok());
        let admin = someone(Some(Role::Admin), Credential::Session("h".into()));
        assert!(principal_for(Some(admin), Permission::ManagePeople).is_ok());
    }

    #[test]
    fn a_member_removed_from_the_organisation_keeps_only_their_account() {
        let former = someone(None, Credential::Session("h".into()));
        assert!(principal_for(Some(former.clone()), Permission::Account).is_ok());
        assert_eq!(
            principal_for(Some(former), Permission::ReadContent),
            Err(AppError::Forbidden)
        );
    }

    #[test]
    fn public_reads_are_of_the_public_organisation_and_tokens_are_named_in_the_log() {
        let token = someone(
            Some(Role::Admin),
            Credential::Token {
                id: "t".into(),
                name: "ci".into(),
            },
        );
        let p = principal_for(Some(token.clone()), Permission::ReadPublic).unwrap();
        assert_eq!(p.org, DEFAULT_ORG);
        let p = principal_for(Some(token), Permission::WriteContent).unwrap();
        assert_eq!(p.actor, "ana@example.org (token “ci”)");
    }

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
