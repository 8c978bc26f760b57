//! Users, organisations and memberships: who exists, where they belong, with which role.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::api::{MemberInfo, OrgInfo};
use crate::error::AppError;
use crate::model::FieldError;
use crate::roles::Role;
use crate::time::now_ms;

use super::access::Principal;
use super::sessions::Revoked;
use super::store::OrgId;
use super::{secrets, Engine};

pub type UserId = i64;

/// An email address as stored: trimmed, lowercased, roughly checked.
pub fn normalise_email(raw: &str) -> Result<String, AppError> {
    let email = raw.trim().to_lowercase();
    let ok = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !email.contains(char::is_whitespace);
    if ok {
        Ok(email)
    } else {
        Err(AppError::Validation(vec![FieldError::new(
            "email",
            "Enter an email address, like name@example.com.",
        )]))
    }
}

fn password_error(password: &str) -> Result<(), AppError> {
    secrets::check_new_password(password)
        .map_err(|m| AppError::Validation(vec![FieldError::new("password", m)]))
}

/// (id, password hash) of the account with this email.
pub async fn find_by_email(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<Option<(UserId, String)>, sqlx::Error> {
    let row = sqlx::query("SELECT id, password_hash FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(conn)
        .await?;
    row.map(|r| Ok((r.try_get("id")?, r.try_get("password_hash")?)))
        .transpose()
}

pub async fn create_user(engine: &Engine, email: &str, password: &str) -> Result<UserId, AppError> {
    let email = normalise_email(email)?;
    password_error(password)?;
    let hash = secrets::hash_password(password.to_string()).await?;
    let mut conn = engine.db.writer().await?;
    if find_by_email(&mut conn, &email).await?.is_some() {
        return Err(AppError::Validation(vec![FieldError::new(
            "email",
            "An account with this email already exists.",
        )]));
    }
    let id: UserId = sqlx::query(
        "INSERT INTO users (email, password_hash, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(&email)
    .bind(&hash)
    .bind(now_ms())
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")?;
    Ok(id)
}

pub async fn set_password(engine: &Engine, user: UserId, password: &str) -> Result<(), AppError> {
    password_error(password)?;
    let hash = secrets::hash_password(password.to_string()).await?;
    let mut conn = engine.db.writer().await?;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(&hash)
        .bind(user)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn password_hash(engine: &Engine, user: UserId) -> Result<Option<String>, AppError> {
    let mut conn = engine.db.read.acquire().await?;
    Ok(
        sqlx::query_scalar::<_, String>("SELECT password_hash FROM users WHERE id = $1")
            .bind(user)
            .fetch_optional(&mut *conn)
            .await?,
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

/// Add `user` to `org` with `role`, or change their role there. A change closes the live
/// sockets the user has open, so they reconnect with the new role.
pub async fn set_membership(
    engine: &Engine,
    org: OrgId,
    user: UserId,
    role: Role,
) -> Result<(), AppError> {
    let mut conn = engine.db.writer().await?;
    let mut tx = engine.db.begin_write(&mut conn).await?;
    let current = role_in(&mut tx, user, org).await?;
    if current == Some(Role::Admin) && role != Role::Admin {
        refuse_last_admin(&mut tx, org).await?;
    }
    if current.is_some() {
        sqlx::query("UPDATE memberships SET role = $1 WHERE user_id = $2 AND org_id = $3")
            .bind(role.as_str())
            .bind(user)
            .bind(org)
            .execute(&mut *tx)
            .await?;
    } else {
        sqlx::query(
            "INSERT INTO memberships (user_id, org_id, role, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(user)
        .bind(org)
        .bind(role.as_str())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    if current.is_some_and(|r| r != role) {
        engine.auth.revocations.announce(Revoked::User(user));
    }
    Ok(())
}

/// Remove `user` from `org`; their live sockets close.
pub async fn remove_membership(engine: &Engine, org: OrgId, user: UserId) -> Result<(), AppError> {
    let mut conn = engine.db.writer().await?;
    let mut tx = engine.db.begin_write(&mut conn).await?;
    match role_in(&mut tx, user, org).await? {
        None => return Err(AppError::NotFound("This member".into())),
        Some(Role::Admin) => refuse_last_admin(&mut tx, org).await?,
        Some(_) => {}
    }
    sqlx::query("DELETE FROM memberships WHERE user_id = $1 AND org_id = $2")
        .bind(user)
        .bind(org)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    engine.auth.revocations.announce(Revoked::User(user));
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
            "This is the organisation's last admin. Make someone else admin first.",
        )]));
    }
    Ok(())
}

pub async fn members(engine: &Engine, org: OrgId) -> Result<Vec<MemberInfo>, AppError> {
    let mut conn = engine.db.read.acquire().await?;
    let rows = sqlx::query(
        "SELECT u.id, u.email, m.role, m.created_at FROM memberships m \
         JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 ORDER BY u.email",
    )
    .bind(org)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(MemberInfo {
                user_id: r.try_get("id")?,
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
                name: r.try_get("name")?,
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
            "Give the organisation a name of 1 to 100 characters.",
        )]));
    }
    let mut conn = engine.db.writer().await?;
    let mut tx = engine.db.begin_write(&mut conn).await?;
    let id: OrgId = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM organisations")
        .fetch_one(&mut *tx)
        .await?;
    let now = now_ms();
    sqlx::query("INSERT INTO organisations (id, slug, name, created_at) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(format!("org-{id}"))
        .bind(name)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO change_heads (org_id, last_seq) VALUES ($1, 0)")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO memberships (user_id, org_id, role, created_at) VALUES ($1, $2, 'admin', $3)",
    )
    .bind(creator)
    .bind(id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    drop(conn);
    super::demo::seed_settings(engine, &Principal::system(id, "setup"), name).await?;
    Ok(id)
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
    set_membership(engine, super::access::DEFAULT_ORG, id, Role::Admin).await?;
    Ok(generated.then_some((email, password)))
}

/// Add someone to `org`: an existing account joins with `role`; an unknown email gets an
/// account with a one-time password, returned so the admin can pass it on.
pub async fn invite(
    engine: &Engine,
    org: OrgId,
    email: &str,
    role: Role,
) -> Result<Option<String>, AppError> {
    let email = normalise_email(email)?;
    let mut conn = engine.db.read.acquire().await?;
    let existing = find_by_email(&mut conn, &email).await?;
    drop(conn);
    let (user, password) = match existing {
        Some((id, _)) => (id, None),
        None => {
            let password = secrets::random_secret()[..16].to_string();
            (
                create_user(engine, &email, &password).await?,
                Some(password),
            )
        }
    };
    set_membership(engine, org, user, role).await?;
    Ok(password)
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
