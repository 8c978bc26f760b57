//! Signing in and out, and the session cookie. Plain async functions under the thin server
//! functions in `api::auth`.

use crate::core::error::AppError;
use crate::identity::api::CurrentUser;

use crate::core::principal::Credential;
use crate::core::principal::Principal;
use crate::engine::Engine;
use crate::identity::server::access::SESSION_COOKIE;
use crate::identity::server::sessions::{self, SESSION_DAYS};
use crate::identity::server::{accounts, secrets};

use crate::identity::form_problem::wrong_credentials;

/// Check the password and open a session in the user's first organisation (the default one
/// if they belong to it). Returns the session secret for the cookie, and who signed in.
pub async fn sign_in(
    engine: &Engine,
    email: &str,
    password: &str,
    address: &str,
) -> Result<(String, CurrentUser), AppError> {
    let email = email.trim().to_lowercase();
    // No address is longer (RFC 5321); a longer one is no account, and no throttle key.
    if email.len() > 254 {
        return Err(AppError::SignIn(wrong_credentials()));
    }
    let throttle = &crate::identity::server::access::auth(engine).throttle;
    throttle
        .attempt(&email, address)
        .map_err(AppError::Throttled)?;
    let mut conn = engine.db.read.acquire().await?;
    let found = accounts::find_by_email(&mut conn, &email).await?;
    drop(conn);
    let ok =
        secrets::verify_password(password.to_string(), found.as_ref().map(|f| f.1.clone())).await?;
    let Some((user, _)) = found.filter(|_| ok) else {
        return Err(AppError::SignIn(wrong_credentials()));
    };
    throttle.succeeded(&email, address);
    let orgs = accounts::organisations_of(engine, user).await?;
    let current = orgs
        .iter()
        .find(|o| o.id == crate::core::principal::DEFAULT_ORG)
        .or(orgs.first());
    let (org, role) = current.map_or((crate::core::principal::DEFAULT_ORG, None), |o| {
        (o.id, Some(o.role))
    });
    let secret = sessions::open_session(engine, user, org).await?;
    Ok((
        secret,
        CurrentUser {
            email,
            org,
            role,
            orgs,
        },
    ))
}

/// End the caller's session (a token cannot sign out; revoke it instead).
pub async fn sign_out(engine: &Engine, who: &Principal) -> Result<(), AppError> {
    if let Some(Credential::Session(hash)) = who.identity.as_ref().map(|i| &i.credential) {
        sessions::close_session(engine, hash).await?;
    }
    Ok(())
}

/// Change one's own password after checking the current one (throttled like signing in);
/// every other session of the account is signed out, its live sockets at once, and, when
/// asked, every API token of the account is revoked.
pub async fn change_password(
    engine: &Engine,
    who: &Principal,
    address: &str,
    current: &str,
    new: &str,
    revoke_tokens: bool,
) -> Result<(), AppError> {
    let me = who.signed_in()?;
    let throttle = &crate::identity::server::access::auth(engine).throttle;
    throttle
        .attempt(&me.email, address)
        .map_err(AppError::Throttled)?;
    let stored = accounts::password_hash(engine, me.user).await?;
    if !secrets::verify_password(current.to_string(), stored).await? {
        return Err(AppError::Validation(vec![
            crate::core::validate::FieldError::new(
                "current",
                crate::identity::form_problem::wrong_current_password(),
            ),
        ]));
    }
    throttle.succeeded(&me.email, address);
    let hash = accounts::new_password_hash(engine, me.user, new).await?;
    let keep = match &me.credential {
        Credential::Session(hash) => Some(hash.as_str()),
        Credential::Token { .. } => None,
    };
    // The password, the other sessions and the tokens change together or not at all: a new
    // password with the old sessions still open would leave out nobody it was meant to.
    let mut conn = engine.db.writer().await?;
    let mut tx = engine.db.begin_write(&mut conn).await?;
    accounts::store_password_hash(&mut tx, me.user, &hash).await?;
    sessions::close_other_sessions_in(&mut tx, me.user, keep).await?;
    if revoke_tokens {
        sessions::revoke_all_tokens_in(&mut tx, me.user).await?;
    }
    tx.commit().await?;
    drop(conn);
    sessions::announce_other_sessions_closed(engine, me.user, keep);
    if revoke_tokens {
        sessions::announce_tokens_revoked(engine, me.user);
    }
    Ok(())
}

/// `Set-Cookie` for a new session; `secure` when the site is served over HTTPS.
pub fn session_cookie(secret: &str, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        SESSION_DAYS * 86_400,
        if secure { "; Secure" } else { "" }
    )
}

/// `Set-Cookie` that removes the session cookie.
pub fn cleared_cookie(secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Whether cookies should be `Secure` for this request.
pub fn wants_secure(engine: &Engine, headers: &http::HeaderMap) -> bool {
    crate::identity::server::access::auth(engine)
        .config
        .secure_cookies
        .unwrap_or_else(|| {
            headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|p| p.eq_ignore_ascii_case("https"))
        })
}

/// The client's address for throttling. Behind `trusted_proxies` proxies (each appending
/// the address it got the request from to `X-Forwarded-For`), it is the entry the outermost
/// of them wrote: entries further left were written by the client and prove nothing.
pub fn client_address(engine: &Engine, parts: &http::request::Parts) -> String {
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or("unknown".into(), |c| c.0.ip().to_string());
    let forwarded: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    network_of(&address_behind_proxies(
        &peer,
        &forwarded,
        crate::identity::server::access::auth(engine)
            .config
            .trusted_proxies,
    ))
}

/// What counts as one client for throttles and view counts: an IPv4 address, or an IPv6
/// /64 (one subscriber's network: counting each of its addresses apart would let anyone
/// with a /64 make up fresh ones at will).
fn network_of(address: &str) -> String {
    match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Ok(ip) => ip.to_string(),
        // Whatever a proxy sent that is no address: bounded, so it cannot grow the keys.
        Err(_) => address.chars().take(64).collect(),
    }
}

fn address_behind_proxies(peer: &str, forwarded: &[&str], trusted_proxies: usize) -> String {
    if trusted_proxies == 0 {
        return peer.to_string();
    }
    // The last entry is the innermost proxy's view; `trusted_proxies` of them are ours.
    forwarded
        .len()
        .checked_sub(trusted_proxies)
        .and_then(|i| forwarded.get(i))
        .filter(|a| !a.is_empty())
        .map_or_else(|| peer.to_string(), |a| a.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_count_by_their_64_and_mapped_ipv4_as_ipv4() {
        assert_eq!(network_of("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(
            network_of("2001:db8:1:2:bbbb::9"),
            network_of("2001:db8:1:2::1")
        );
        assert_ne!(network_of("2001:db8:1:3::1"), network_of("2001:db8:1:2::1"));
        assert_eq!(network_of("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(network_of("203.0.113.7"), "203.0.113.7");
        assert_eq!(network_of(&"x".repeat(500)).len(), 64);
    }

    #[test]
    fn the_client_address_is_what_the_trusted_proxies_saw() {
        let xff = ["6.6.6.6", "203.0.113.9", "10.0.0.2"];
        // No proxy trusted: the connection's own peer, whatever the header says.
        assert_eq!(address_behind_proxies("10.0.0.3", &xff, 0), "10.0.0.3");
        // One proxy: the address it appended (the client's), not what the client wrote.
        assert_eq!(address_behind_proxies("10.0.0.3", &xff, 1), "10.0.0.2");
        assert_eq!(address_behind_proxies("10.0.0.3", &xff, 2), "203.0.113.9");
        // More hops configured than the request went through: the peer.
        assert_eq!(address_behind_proxies("10.0.0.3", &xff[..1], 2), "10.0.0.3");
    }

    #[test]
    fn the_cookie_is_http_only_lax_and_secure_when_asked() {
        let c = session_cookie("s3cret", false);
        assert!(c.starts_with("courant_session=s3cret; Path=/; HttpOnly; SameSite=Lax"));
        assert!(!c.contains("Secure"));
        assert!(session_cookie("s", true).ends_with("; Secure"));
        assert!(cleared_cookie(false).contains("Max-Age=0"));
    }
}
