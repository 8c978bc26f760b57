//! Browser sessions and personal API tokens: issued, resolved on every request, revoked.
//! Revocations are also broadcast so live sockets opened with them close at once.

use sqlx::{AnyConnection, Row};
use tokio::sync::broadcast;

use crate::core::error::AppError;
use crate::core::time::now_ms;
use crate::core::validate::FieldError;
use crate::i18n::*;
use crate::identity::api::TokenInfo;

use crate::core::principal::{Credential, Identity, OrgId, UserId};
use crate::engine::Engine;
use crate::identity::server::accounts;
use crate::identity::server::secrets::{random_secret, secret_hash};

/// How long a browser session lasts.
pub const SESSION_DAYS: i64 = 14;
pub const TOKEN_PREFIX: &str = "courant_";

/// What was revoked; live sockets compare it with their own identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revoked {
    Credential(Credential),
    /// Everything of this user's (membership changed).
    User(UserId),
    /// Every browser session of this user's but one (password changed there).
    OtherSessions {
        user: UserId,
        keep: Option<String>,
    },
    /// Every API token of this user's.
    Tokens(UserId),
}

impl Revoked {
    pub fn applies_to(&self, who: &Identity) -> bool {
        match self {
            Revoked::Credential(c) => *c == who.credential,
            Revoked::User(u) => *u == who.user,
            Revoked::OtherSessions { user, keep } => {
                *user == who.user
                    && matches!(&who.credential, Credential::Session(h) if Some(h) != keep.as_ref())
            }
            Revoked::Tokens(user) => {
                *user == who.user && matches!(who.credential, Credential::Token { .. })
            }
        }
    }
}

#[derive(Clone)]
pub struct Revocations(broadcast::Sender<Revoked>);

impl Default for Revocations {
    fn default() -> Self {
        Revocations(broadcast::channel(256).0)
    }
}

impl Revocations {
    pub fn subscribe(&self) -> broadcast::Receiver<Revoked> {
        self.0.subscribe()
    }

    pub fn announce(&self, revoked: Revoked) {
        let _ = self.0.send(revoked);
    }
}

/// Start a session; returns the secret for the cookie.
pub async fn open_session(engine: &Engine, user: UserId, org: OrgId) -> Result<String, AppError> {
    let secret = random_secret();
    let now = now_ms();
    let mut conn = engine.db.writer().await?;
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, org_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(secret_hash(&secret))
    .bind(user)
    .bind(org)
    .bind(now)
    .bind(now + SESSION_DAYS * 86_400_000)
    .execute(&mut *conn)
    .await?;
    Ok(secret)
}

pub async fn resolve_session(
    conn: &mut AnyConnection,
    secret: &str,
) -> Result<Option<Identity>, sqlx::Error> {
    resolve_session_hash(conn, &secret_hash(secret)).await
}

pub async fn resolve_session_hash(
    conn: &mut AnyConnection,
    hash: &str,
) -> Result<Option<Identity>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT s.user_id, s.org_id, u.email, m.role FROM sessions s \
         JOIN users u ON u.id = s.user_id \
         LEFT JOIN memberships m ON m.user_id = s.user_id AND m.org_id = s.org_id \
         WHERE s.id_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2",
    )
    .bind(hash)
    .bind(now_ms())
    .fetch_optional(conn)
    .await?;
    row.map(|r| identity(&r, Credential::Session(hash.to_string())))
        .transpose()
}

fn identity(r: &sqlx::any::AnyRow, credential: Credential) -> Result<Identity, sqlx::Error> {
    Ok(Identity {
        user: r.try_get("user_id")?,
        email: r.try_get("email")?,
        org: r.try_get("org_id")?,
        role: accounts::role_column(r, "role")?,
        credential,
    })
}

pub async fn close_session(engine: &Engine, session_hash: &str) -> Result<(), AppError> {
    let mut conn = engine.db.writer().await?;
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id_hash = $2 AND revoked_at IS NULL")
        .bind(now_ms())
        .bind(session_hash)
        .execute(&mut *conn)
        .await?;
    crate::identity::server::access::auth(engine)
        .revocations
        .announce(Revoked::Credential(Credential::Session(
            session_hash.to_string(),
        )));
    Ok(())
}

/// Sign out every other session of `user`'s (all of them when `keep` is `None`), inside the
/// caller's transaction; announce it with [`announce_other_sessions_closed`] once committed.
pub async fn close_other_sessions_in(
    conn: &mut AnyConnection,
    user: UserId,
    keep: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL AND id_hash <> $3",
    )
    .bind(now_ms())
    .bind(user)
    .bind(keep.unwrap_or(""))
    .execute(conn)
    .await?;
    Ok(())
}

/// Their live sockets close at once.
pub fn announce_other_sessions_closed(engine: &Engine, user: UserId, keep: Option<&str>) {
    crate::identity::server::access::auth(engine)
        .revocations
        .announce(Revoked::OtherSessions {
            user,
            keep: keep.map(str::to_string),
        });
}

/// Revoke every API token of `user`'s, inside the caller's transaction; announce it with
/// [`announce_tokens_revoked`] once committed.
pub async fn revoke_all_tokens_in(conn: &mut AnyConnection, user: UserId) -> Result<(), AppError> {
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(now_ms())
        .bind(user)
        .execute(conn)
        .await?;
    Ok(())
}

/// Live sockets opened with them close.
pub fn announce_tokens_revoked(engine: &Engine, user: UserId) {
    crate::identity::server::access::auth(engine)
        .revocations
        .announce(Revoked::Tokens(user));
}

/// Switch a session to another organisation the user belongs to.
pub async fn switch_organisation(
    engine: &Engine,
    who: &Identity,
    org: OrgId,
) -> Result<(), AppError> {
    let Credential::Session(hash) = &who.credential else {
        return Err(AppError::Forbidden);
    };
    let mut conn = engine.db.writer().await?;
    if accounts::role_in(&mut conn, who.user, org).await?.is_none() {
        return Err(AppError::Forbidden);
    }
    sqlx::query("UPDATE sessions SET org_id = $1 WHERE id_hash = $2")
        .bind(org)
        .bind(hash)
        .execute(&mut *conn)
        .await?;
    crate::identity::server::access::auth(engine)
        .revocations
        .announce(Revoked::Credential(who.credential.clone()));
    Ok(())
}

/// A new token for `user` in `org`; returns its description and the token, shown once.
pub async fn create_token(
    engine: &Engine,
    user: UserId,
    org: OrgId,
    name: &str,
) -> Result<(TokenInfo, String), AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::Validation(vec![FieldError::new(
            "name",
            td_string!(crate::core::locale::current(), identity.server.token_name).to_string(),
        )]));
    }
    let id = uuid::Uuid::new_v4().to_string();
    let secret = format!("{TOKEN_PREFIX}{}", random_secret());
    let now = now_ms();
    let mut conn = engine.db.writer().await?;
    sqlx::query(
        "INSERT INTO api_tokens (id, user_id, org_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(user)
    .bind(org)
    .bind(name)
    .bind(secret_hash(&secret))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let info = TokenInfo {
        id,
        name: name.to_string(),
        org,
        created_at: now,
    };
    Ok((info, secret))
}

pub async fn resolve_token(
    conn: &mut AnyConnection,
    secret: &str,
) -> Result<Option<Identity>, sqlx::Error> {
    token_where(conn, "t.token_hash", &secret_hash(secret)).await
}

pub async fn resolve_token_id(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<Identity>, sqlx::Error> {
    token_where(conn, "t.id", id).await
}

async fn token_where(
    conn: &mut AnyConnection,
    column: &str,
    value: &str,
) -> Result<Option<Identity>, sqlx::Error> {
    let sql = format!(
        "SELECT t.id, t.name, t.user_id, t.org_id, u.email, m.role FROM api_tokens t \
         JOIN users u ON u.id = t.user_id \
         LEFT JOIN memberships m ON m.user_id = t.user_id AND m.org_id = t.org_id \
         WHERE {column} = $1 AND t.revoked_at IS NULL"
    );
    let row = sqlx::query(&sql).bind(value).fetch_optional(conn).await?;
    row.map(|r| {
        let credential = Credential::Token {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
        };
        identity(&r, credential)
    })
    .transpose()
}

pub async fn tokens_of(engine: &Engine, user: UserId) -> Result<Vec<TokenInfo>, AppError> {
    let mut conn = engine.db.read.acquire().await?;
    let rows = sqlx::query(
        "SELECT id, name, org_id, created_at FROM api_tokens \
         WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC",
    )
    .bind(user)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(TokenInfo {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                org: r.try_get("org_id")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// Revoke one of `user`'s own tokens and close the live sockets it opened.
pub async fn revoke_token(engine: &Engine, user: UserId, id: &str) -> Result<(), AppError> {
    let mut conn = engine.db.writer().await?;
    let row = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL RETURNING name",
    )
    .bind(now_ms())
    .bind(id)
    .bind(user)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Err(AppError::NotFound(
            td_string!(crate::core::locale::current(), identity.server.this_token).to_string(),
        ));
    };
    crate::identity::server::access::auth(engine)
        .revocations
        .announce(Revoked::Credential(Credential::Token {
            id: id.to_string(),
            name: row.try_get("name")?,
        }));
    Ok(())
}
