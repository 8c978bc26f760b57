//! Users, organisations and memberships: who exists, where they belong, with which role.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::core::error::{on_unique, AppError};
use crate::core::roles::Role;
use crate::core::secret::Secret;
use crate::core::time::now_ms;
use crate::core::validate::FieldError;
use crate::identity::api::OrgInfo;
use crate::identity::members_api::MemberInfo;

use crate::core::principal::{OrgId, UserId};
use crate::engine::Engine;
use crate::i18n::*;
use crate::identity::server::secrets;
use crate::identity::server::sessions::Revoked;

/// An email address as stored: trimmed, lowercased, read by [`crate::core::email::Email::parse`].
pub fn normalise_email(raw: &str) -> Result<String, AppError> {
    let parsed = crate::core::email::Email::parse(raw);
    if let Some(email) = parsed {
        Ok(email.as_str().to_string())
    } else {
        Err(AppError::Validation(vec![FieldError::new(
            "email",
            td_string!(
                crate::core::locale::current(),
                identity.server.invalid_email
            )
            .to_string(),
        )]))
    }
}

/// (id, password hash) of the account with this email.
pub async fn find_by_email(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<Option<(UserId, Secret)>, sqlx::Error> {
    let row = sqlx::query("SELECT id, password_hash FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(conn)
        .await?;
    row.map(|r| Ok((r.try_get("id")?, Secret::new(r.try_get("password_hash")?))))
        .transpose()
}

pub async fn create_user(engine: &Engine, email: &str, password: &str) -> Result<UserId, AppError> {
    let email = normalise_email(email)?;
    password_error(password, &email)?;
    let hash = secrets::hash_password(password.to_string()).await?;
    let mut conn = engine.db.writer().await?;
    insert_user(&mut conn, &email, &hash).await
}

/// A new account with an already hashed password, inside the caller's transaction.
pub(super) async fn insert_user(
    conn: &mut AnyConnection,
    email: &str,
    password_hash: &Secret,
) -> Result<UserId, AppError> {
    if find_by_email(conn, email).await?.is_some() {
        return Err(AppError::Validation(vec![FieldError::new(
            "email",
            account_exists(),
        )]));
    }
    let inserted = sqlx::query(
        "INSERT INTO users (email, password_hash, created_at, public_id) VALUES ($1, $2, $3, $4) \
         RETURNING id",
    )
    .bind(email)
    .bind(password_hash.expose())
    .bind(now_ms())
    .bind(&secrets::random_secret()[..24])
    .fetch_one(conn)
    .await;
    // The same email created at the same moment by another request: the same answer.
    let row = inserted.map_err(|e| on_unique(e, "email", &account_exists()))?;
    Ok(row.try_get("id")?)
}

fn account_exists() -> String {
    td_string!(
        crate::core::locale::current(),
        identity.server.account_exists
    )
    .to_string()
}

/// The rules a new password must meet, as field errors on `password`.
pub(super) fn password_error(password: &str, email: &str) -> Result<(), AppError> {
    secrets::check_new_password(password, email)
        .map_err(|m| AppError::Validation(vec![FieldError::new("password", m)]))
}

pub async fn email_of(engine: &Engine, user: UserId) -> Result<String, AppError> {
    let mut conn = engine.db.read.acquire().await?;
    Ok(
        sqlx::query_scalar::<_, String>("SELECT email FROM users WHERE id = $1")
            .bind(user)
            .fetch_one(&mut *conn)
            .await?,
    )
}

/// Check a new password against the rules and hash it (slow: before any transaction).
pub async fn new_password_hash(
    engine: &Engine,
    user: UserId,
    password: &str,
) -> Result<Secret, AppError> {
    password_error(password, &email_of(engine, user).await?)?;
    secrets::hash_password(password.to_string()).await
}

/// Store a password hash, inside the caller's transaction.
pub async fn store_password_hash(
    conn: &mut AnyConnection,
    user: UserId,
    hash: &Secret,
) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash.expose())
        .bind(user)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn password_hash(engine: &Engine, user: UserId) -> Result<Option<Secret>, AppError> {
    let mut conn = engine.db.read.acquire().await?;
    Ok(
        sqlx::query_scalar::<_, String>("SELECT password_hash FROM users WHERE id = $1")
            .bind(user)
            .fetch_optional(&mut *conn)
            .await?
            .map(Secret::new),
    )
}

/// A role column; `None` for NULL (no membership) or a name this version does not know.
pub fn role_column(row: &AnyRow, column: &str) -> Result<Option<Role>, sqlx::Error> {
    Ok(row
        .try_get::<Option<String>, _>(column)?
        .as_deref()
        .and_then(Role::parse))
}

pub async fn role_in(
    conn: &mut AnyConnection,
    user: UserId,
    org: OrgId,
) -> Result<Option<Role>, sqlx::Error> {
    let row = sqlx::query("SELECT role FROM memberships WHERE user_id = $1 AND org_id = $2")
        .bind(user)
        .bind(org)
        .fetch_optional(conn)
        .await?;
    Ok(row
        .as_ref()
        .map(|r| role_column(r, "role"))
        .transpose()?
        .flatten())
}

/// Add `user` to `org` with `role`, or change their role there (the server's own doing:
/// the first admin, an accepted invitation). A change closes the live sockets the user has
/// open, so they reconnect with the new role.
pub async fn set_membership(
    engine: &Engine,
    org: OrgId,
    user: UserId,
    role: Role,
) -> Result<(), AppError> {
    let mut conn = engine.db.writer().await?;
    let mut tx = engine.db.begin_write(&mut conn).await?;
    lock_organisation(engine, &mut tx, org).await?;
    let current = role_in(&mut tx, user, org).await?;
    write_membership(&mut tx, org, user, current, role).await?;
    tx.commit().await?;
    if current.is_some_and(|r| r != role) {
        crate::identity::server::access::auth(engine)
            .revocations
            .announce(Revoked::User(user));
    }
    Ok(())
}

/// Someone who may no longer invite (removed, or no longer an admin) leaves no invitation
/// of theirs behind: one sent to a second account of their own would bring them back.
async fn withdraw_invitations_by(
    conn: &mut AnyConnection,
    org: OrgId,
    user: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE invitations SET revoked_at = $1 \
         WHERE org_id = $2 AND invited_by = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(now_ms())
    .bind(org)
    .bind(user)
    .execute(conn)
    .await?;
    Ok(())
}

/// Change the role of a member of `org`, named by their public id; anyone else is "not
/// found" (an admin cannot reach accounts outside their organisation).
pub async fn change_role(
    engine: &Engine,
    org: OrgId,
    member: &str,
    role: Role,
) -> Result<(), AppError> {
    let mut conn = engine.db.writer().await?;
    let mut tx = engine.db.begin_write(&mut conn).await?;
    lock_organisation(engine, &mut tx, org).await?;
    let (user, current) = member_of(&mut tx, org, member).await?;
    write_membership(&mut tx, org, user, Some(current), role).await?;
    if current == Role::Admin && role != Role::Admin {
        withdraw_invitations_by(&mut tx, org, user).await?;
    }
    tx.commit().await?;
    if current != role {
        crate::identity::server::access::auth(engine)
            .revocations
            .announce(Revoked::User(user));
    }
    Ok(())
}

/// Remove a member of `org`, named by their public id. Their sessions switched to `org` and
/// their tokens for it end, so being added again later does not bring them back.
pub async fn remove_member(engine: &Engine, org: OrgId, member: &str) -> Result<(), AppError> {
    let mut conn = engine.db.writer().await?;
    let mut tx = engine.db.begin_write(&mut conn).await?;
    lock_organisation(engine, &mut tx, org).await?;
    let (user, current) = member_of(&mut tx, org, member).await?;
    if current == Role::Admin {
        refuse_last_admin(&mut tx, org).await?;
    }
    sqlx::query("DELETE FROM memberships WHERE user_id = $1 AND org_id = $2")
        .bind(user)
        .bind(org)
        .execute(&mut *tx)
        .await?;
    let now = now_ms();
    sqlx::query(
        "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND org_id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(user)
    .bind(org)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND org_id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(user)
    .bind(org)
    .execute(&mut *tx)
    .await?;
    withdraw_invitations_by(&mut tx, org, user).await?;
    tx.commit().await?;
    crate::identity::server::access::auth(engine)
        .revocations
        .announce(Revoked::User(user));
    Ok(())
}

/// Membership changes of one organisation run one at a time, so the last-admin rule holds
/// when two admins demote each other at once (SQLite's write lock already serialises them).
async fn lock_organisation(
    engine: &Engine,
    conn: &mut AnyConnection,
    org: OrgId,
) -> Result<(), AppError> {
    let found = sqlx::query(&format!(
        "SELECT id FROM organisations WHERE id = $1{}",
        engine.db.for_update()
    ))
    .bind(org)
    .fetch_optional(conn)
    .await?;
    found.map(|_| ()).ok_or_else(|| {
        AppError::NotFound(
            td_string!(
                crate::core::locale::current(),
                identity.server.this_organisation
            )
            .to_string(),
        )
    })
}

/// (account id, role) of the member of `org` with this public id.
async fn member_of(
    conn: &mut AnyConnection,
    org: OrgId,
    member: &str,
) -> Result<(UserId, Role), AppError> {
    let row = sqlx::query(
        "SELECT u.id, m.role FROM users u JOIN memberships m ON m.user_id = u.id \
         WHERE u.public_id = $1 AND m.org_id = $2",
    )
    .bind(member)
    .bind(org)
    .fetch_optional(conn)
    .await?;
    match row {
        Some(r) => Ok((
            r.try_get("id")?,
            role_column(&r, "role")?.unwrap_or(Role::Supervisor),
        )),
        None => Err(AppError::NotFound(
            td_string!(crate::core::locale::current(), identity.server.this_member).to_string(),
        )),
    }
}

pub(super) async fn write_membership(
    conn: &mut AnyConnection,
    org: OrgId,
    user: UserId,
    current: Option<Role>,
    role: Role,
) -> Result<(), AppError> {
    if current == Some(Role::Admin) && role != Role::Admin {
        refuse_last_admin(conn, org).await?;
    }
    if current.is_some() {
        sqlx::query("UPDATE memberships SET role = $1 WHERE user_id = $2 AND org_id = $3")
            .bind(role.as_str())
            .bind(user)
            .bind(org)
            .execute(conn)
            .await?;
    } else {
        sqlx::query(
            "INSERT INTO memberships (user_id, org_id, role, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(user)
        .bind(org)
        .bind(role.as_str())
        .bind(now_ms())
        .execute(conn)
        .await?;
    }
    Ok(())
}

/// An organisation must keep an admin, or nobody could manage it again.
async fn refuse_last_admin(conn: &mut AnyConnection, org: OrgId) -> Result<(), AppError> {
    let admins: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE org_id = $1 AND role = 'admin'")
            .bind(org)
            .fetch_one(conn)
            .await?;
    if admins <= 1 {
        return Err(AppError::Validation(vec![FieldError::new(
            "role",
            td_string!(crate::core::locale::current(), identity.server.last_admin).to_string(),
        )]));
    }
    Ok(())
}

pub async fn members(engine: &Engine, org: OrgId) -> Result<Vec<MemberInfo>, AppError> {
    let mut conn = engine.db.read.acquire().await?;
    let rows = sqlx::query(
        "SELECT u.public_id, u.email, m.role, m.created_at FROM memberships m \
         JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 ORDER BY u.email",
    )
    .bind(org)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(MemberInfo {
                id: r.try_get("public_id")?,
                email: r.try_get("email")?,
                role: role_column(r, "role")?.unwrap_or(Role::Supervisor),
                joined_at: r.try_get("created_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// The organisations `user` belongs to, with their role in each.
pub async fn organisations_of(engine: &Engine, user: UserId) -> Result<Vec<OrgInfo>, AppError> {
    let mut conn = engine.db.read.acquire().await?;
    let rows = sqlx::query(
        "SELECT o.id, o.name, m.role FROM memberships m JOIN organisations o ON o.id = m.org_id \
         WHERE m.user_id = $1 ORDER BY o.name, o.id",
    )
    .bind(user)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(OrgInfo {
                id: r.try_get("id")?,
                name: organisation_name(r.try_get("id")?, r.try_get("name")?),
                role: role_column(r, "role")?.unwrap_or(Role::Supervisor),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// A new organisation with `creator` as its admin, its settings record, and an empty feed.
pub async fn create_organisation(
    engine: &Engine,
    name: &str,
    creator: UserId,
) -> Result<OrgId, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::Validation(vec![FieldError::new(
            "name",
            td_string!(crate::core::locale::current(), identity.server.org_name).to_string(),
        )]));
    }
    let per_day = crate::identity::server::access::auth(engine)
        .config
        .quotas
        .organisations_per_day;
    let name_owned = name.to_string();
    let insert: crate::engine::InsertOrganisation = Box::new(move |conn: &mut AnyConnection| {
        Box::pin(async move { insert_organisation(conn, &name_owned, creator, per_day).await })
    });
    engine.create_organisation(name, insert).await
}

/// The organisation's own rows (its feed's head, its creator's membership), unless the
/// creator has reached the daily limit.
async fn insert_organisation(
    conn: &mut AnyConnection,
    name: &str,
    creator: UserId,
    per_day: i64,
) -> Result<OrgId, AppError> {
    // One creation at a time per account, so the daily limit holds under parallel requests
    // (SQLite's write transaction is exclusive already).
    crate::engine::db::lock_row(conn, "users", creator).await?;
    let now = now_ms();
    let today: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM organisations WHERE created_by = $1 AND created_at > $2",
    )
    .bind(creator)
    .bind(now - 86_400_000)
    .fetch_one(&mut *conn)
    .await?;
    if today >= per_day {
        return Err(AppError::LimitReached(
            td_string!(
                crate::core::locale::current(),
                identity.server.org_limit,
                n = per_day
            )
            .to_string(),
        ));
    }
    // The id comes from the database (a sequence, or SQLite's rowid), never MAX(id) + 1.
    let id: OrgId = sqlx::query_scalar(
        "INSERT INTO organisations (slug, name, created_at, created_by) VALUES ($1, $2, $3, $4) \
         RETURNING id",
    )
    .bind(format!("org-{}", &secrets::random_secret()[..16]))
    .bind(name)
    .bind(now)
    .bind(creator)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("INSERT INTO change_heads (org_id, last_seq) VALUES ($1, 0)")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO memberships (user_id, org_id, role, created_at) VALUES ($1, $2, 'admin', $3)",
    )
    .bind(creator)
    .bind(id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// The name the first organisation got from the first migration, in English, until someone
/// renames it: said in the reader's language.
const FIRST_ORGANISATION_NAME: &str = "Default organisation";

/// An organisation's name as people read it.
pub fn organisation_name(id: OrgId, stored: String) -> String {
    if id == crate::core::principal::DEFAULT_ORG && stored == FIRST_ORGANISATION_NAME {
        td_string!(
            crate::core::locale::current(),
            identity.server.first_organisation
        )
        .to_string()
    } else {
        stored
    }
}

/// Where the first admin's credentials come from.
pub enum FirstAdmin {
    /// `COURANT_ADMIN_EMAIL` and `COURANT_ADMIN_PASSWORD`.
    Given { email: String, password: String },
    /// A generated password for `admin@courant.local`, printed once.
    Generate,
}

/// On a database without any account, create the first admin of the default organisation.
/// Returns the credentials when they were generated (to be shown once).
pub async fn ensure_first_admin(
    engine: &Engine,
    first: FirstAdmin,
) -> Result<Option<(String, String)>, AppError> {
    let mut conn = engine.db.read.acquire().await?;
    let any: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&mut *conn)
        .await?;
    drop(conn);
    if any > 0 {
        return Ok(None);
    }
    let (email, password, generated) = match first {
        FirstAdmin::Given { email, password } => (email, password, false),
        FirstAdmin::Generate => (
            "admin@courant.local".to_string(),
            secrets::random_secret()[..20].to_string(),
            true,
        ),
    };
    let id = create_user(engine, &email, &password).await?;
    set_membership(engine, crate::core::principal::DEFAULT_ORG, id, Role::Admin).await?;
    Ok(generated.then_some((email, password)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_or_refused() {
        assert_eq!(
            normalise_email("  Ana@Example.ORG ").unwrap(),
            "ana@example.org"
        );
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.org",
            "ana@localhost",
            "a na@example.org",
        ] {
            let e = normalise_email(bad).unwrap_err();
            assert!(e.field_message("email").is_some(), "{bad}");
        }
    }
}
