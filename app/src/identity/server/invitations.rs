//! Invitations to join an organisation. An admin gets a one-time link (shown once, valid for
//! [`INVITATION_DAYS`]) and passes it on; whoever was invited opens it and either chooses the
//! password of a new account, or, if an account with that email exists, signs in to it and
//! accepts. Until then they are not a member, and nobody but them ever knows or sets their
//! password. Only a hash of the link's secret is stored.

use sqlx::{AnyConnection, Row};

use crate::core::error::{on_unique, AppError};
use crate::core::roles::Role;
use crate::core::time::now_ms;
use crate::core::validate::FieldError;
use crate::identity::members_api::{InvitationInfo, InvitationView};

use crate::core::principal::OrgId;
use crate::core::principal::{Identity, UserId};
use crate::engine::Engine;
use crate::i18n::*;
use crate::identity::server::accounts;
use crate::identity::server::secrets::{self, random_secret, secret_hash};

pub const INVITATION_DAYS: i64 = 7;

/// A link already given stays the one that works: an admin who lost it withdraws it first.
fn already_invited() -> String {
    td_string!(
        crate::core::locale::current(),
        identity.server.already_invited
    )
    .to_string()
}

/// Invite `email` to `org` with `role`, unless an invitation to them is waiting already
/// (422; an expired one makes way). Returns the invitation and its link's secret (shown
/// once). The answer is the same whether or not the email has an account, so it reveals none.
pub async fn invite(
    engine: &Engine,
    org: OrgId,
    invited_by: UserId,
    email: &str,
    role: Role,
) -> Result<(InvitationInfo, String), AppError> {
    let email = accounts::normalise_email(email)?;
    let secret = random_secret();
    let now = now_ms();
    let info = InvitationInfo {
        id: random_secret()[..16].to_string(),
        email,
        role,
        created_at: now,
        expires_at: now + INVITATION_DAYS * 86_400_000,
    };
    let per_day = crate::identity::server::access::auth(engine)
        .config
        .quotas
        .invitations_per_day;
    let mut conn = engine.db.writer().await?;
    let mut tx = engine.db.begin_write(&mut conn).await?;
    // One invitation at a time per organisation, so the daily limit holds.
    crate::engine::db::lock_row(&mut tx, "organisations", org).await?;
    let already: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.org_id = $1 AND u.email = $2",
    )
    .bind(org)
    .bind(&info.email)
    .fetch_one(&mut *tx)
    .await?;
    if already > 0 {
        return Err(AppError::Validation(vec![FieldError::new(
            "email",
            td_string!(
                crate::core::locale::current(),
                identity.server.already_member
            )
            .to_string(),
        )]));
    }
    let today: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM invitations WHERE org_id = $1 AND created_at > $2",
    )
    .bind(org)
    .bind(now - 86_400_000)
    .fetch_one(&mut *tx)
    .await?;
    if today >= per_day {
        return Err(AppError::LimitReached(
            td_string!(
                crate::core::locale::current(),
                identity.server.invitation_limit,
                n = per_day
            )
            .to_string(),
        ));
    }
    // An expired link is over: it makes way for a new one.
    sqlx::query(
        "UPDATE invitations SET revoked_at = $1 \
         WHERE org_id = $2 AND email = $3 AND accepted_at IS NULL AND revoked_at IS NULL \
         AND expires_at <= $1",
    )
    .bind(now)
    .bind(org)
    .bind(&info.email)
    .execute(&mut *tx)
    .await?;
    let pending: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM invitations \
         WHERE org_id = $1 AND email = $2 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(org)
    .bind(&info.email)
    .fetch_one(&mut *tx)
    .await?;
    if pending > 0 {
        return Err(AppError::Validation(vec![FieldError::new(
            "email",
            already_invited(),
        )]));
    }
    sqlx::query(
        "INSERT INTO invitations (id, token_hash, org_id, email, role, invited_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&info.id)
    .bind(secret_hash(&secret))
    .bind(org)
    .bind(&info.email)
    .bind(role.as_str())
    .bind(invited_by)
    .bind(info.created_at)
    .bind(info.expires_at)
    .execute(&mut *tx)
    .await
    // Invited at the same moment by another request (the database's unique index).
    .map_err(|e| on_unique(e, "email", &already_invited()))?;
    tx.commit().await?;
    Ok((info, secret))
}

/// The organisation's invitations still waiting to be accepted, newest first.
pub async fn pending(engine: &Engine, org: OrgId) -> Result<Vec<InvitationInfo>, AppError> {
    let mut conn = engine.db.read.acquire().await?;
    let rows = sqlx::query(
        "SELECT id, email, role, created_at, expires_at FROM invitations \
         WHERE org_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2 \
         ORDER BY created_at DESC",
    )
    .bind(org)
    .bind(now_ms())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(InvitationInfo {
                id: r.try_get("id")?,
                email: r.try_get("email")?,
                role: accounts::role_column(r, "role")?.unwrap_or(Role::Supervisor),
                created_at: r.try_get("created_at")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

pub async fn revoke(engine: &Engine, org: OrgId, id: &str) -> Result<(), AppError> {
    let mut conn = engine.db.writer().await?;
    let done = sqlx::query(
        "UPDATE invitations SET revoked_at = $1 \
         WHERE id = $2 AND org_id = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(now_ms())
    .bind(id)
    .bind(org)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound(
            td_string!(
                crate::core::locale::current(),
                identity.server.this_invitation
            )
            .to_string(),
        ));
    }
    Ok(())
}

/// What the invitation page shows to whoever holds the link.
pub async fn view(engine: &Engine, secret: &str) -> Result<InvitationView, AppError> {
    let mut conn = engine.db.read.acquire().await?;
    let found = usable(&mut conn, secret).await?;
    let has_account = accounts::find_by_email(&mut conn, &found.email)
        .await?
        .is_some();
    let organisation: String = sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1")
        .bind(found.org)
        .fetch_one(&mut *conn)
        .await?;
    Ok(InvitationView {
        organisation: accounts::organisation_name(found.org, organisation),
        email: found.email,
        role: found.role,
        expires_at: found.expires_at,
        has_account,
    })
}

fn account_exists() -> AppError {
    AppError::Validation(vec![FieldError::new(
        "password",
        td_string!(
            crate::core::locale::current(),
            identity.server.account_exists_accept
        )
        .to_string(),
    )])
}

/// A person new to Courant accepts: their account, with the password they chose, and their
/// membership, in one transaction that uses the invitation up. Returns the new account.
pub async fn accept_as_new(
    engine: &Engine,
    secret: &str,
    password: &str,
) -> Result<(UserId, OrgId), AppError> {
    let mut conn = engine.db.read.acquire().await?;
    let found = usable(&mut conn, secret).await?;
    // Before the (costly) hash: an invitation to an existing account is never used up here,
    // so without this check it could make the server hash passwords at will.
    let exists = accounts::find_by_email(&mut conn, &found.email)
        .await?
        .is_some();
    drop(conn);
    if exists {
        return Err(account_exists());
    }
    accounts::password_error(password, &found.email)?;
    let hash = secrets::hash_password(password.to_string()).await?;
    let mut conn = engine.db.writer().await?;
    let mut tx = engine.db.begin_write(&mut conn).await?;
    let found = claim(&mut tx, secret).await?;
    let user = match accounts::insert_user(&mut tx, &found.email, &hash).await {
        Err(AppError::Validation(_)) => return Err(account_exists()),
        other => other?,
    };
    accounts::write_membership(&mut tx, found.org, user, None, found.role).await?;
    tx.commit().await?;
    Ok((user, found.org))
}

/// Someone signed in to the account with the invited email accepts. Returns the organisation.
pub async fn accept_signed_in(
    engine: &Engine,
    who: &Identity,
    secret: &str,
) -> Result<OrgId, AppError> {
    let mut conn = engine.db.writer().await?;
    let mut tx = engine.db.begin_write(&mut conn).await?;
    let found = claim(&mut tx, secret).await?;
    if found.email != who.email {
        return Err(AppError::WrongAccount(found.email));
    }
    if accounts::role_in(&mut tx, who.user, found.org)
        .await?
        .is_none()
    {
        accounts::write_membership(&mut tx, found.org, who.user, None, found.role).await?;
    }
    tx.commit().await?;
    Ok(found.org)
}

struct Usable {
    org: OrgId,
    email: String,
    role: Role,
    expires_at: i64,
}

async fn usable(conn: &mut AnyConnection, secret: &str) -> Result<Usable, AppError> {
    let row = sqlx::query(
        "SELECT org_id, email, role, expires_at FROM invitations \
         WHERE token_hash = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2",
    )
    .bind(secret_hash(secret))
    .bind(now_ms())
    .fetch_optional(conn)
    .await?;
    let Some(r) = row else {
        return Err(AppError::InvitationUnusable);
    };
    Ok(Usable {
        org: r.try_get("org_id")?,
        email: r.try_get("email")?,
        role: accounts::role_column(&r, "role")?.unwrap_or(Role::Supervisor),
        expires_at: r.try_get("expires_at")?,
    })
}

/// Use the invitation up, atomically: of two acceptances at once, one wins.
async fn claim(conn: &mut AnyConnection, secret: &str) -> Result<Usable, AppError> {
    let found = usable(conn, secret).await?;
    let used = sqlx::query(
        "UPDATE invitations SET accepted_at = $1 \
         WHERE token_hash = $2 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(now_ms())
    .bind(secret_hash(secret))
    .execute(&mut *conn)
    .await?;
    if used.rows_affected() != 1 {
        return Err(AppError::InvitationUnusable);
    }
    Ok(found)
}
