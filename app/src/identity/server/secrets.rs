//! Passwords and bearer secrets: argon2id for passwords (slow on purpose, so off the async
//! threads), SHA-256 for random session and token secrets (already unguessable, so a fast hash
//! is enough and lookups stay one indexed query).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};
use std::time::Duration;
use tokio::sync::Semaphore;

use crate::core::error::AppError;
use crate::core::locale::current;
use crate::core::secret::Secret;
use crate::i18n::*;

/// A new random secret: 32 bytes, hex.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    hex::encode(bytes)
}

/// What is stored for a session or token secret.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Password hashes running at once, server-wide: each takes ~19 MiB and a core for tens of
/// milliseconds, so a burst of sign-ins waits its turn instead of eating the server's memory.
static HASHING: Semaphore = Semaphore::const_new(HASHES_AT_ONCE);
const HASHES_AT_ONCE: usize = 4;
/// How long a sign-in may wait for its turn before hearing the server is busy.
const HASHING_WAIT: Duration = Duration::from_secs(10);

/// Run one argon2 computation when a slot is free, off the async threads.
async fn with_hashing_slot<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let _slot = tokio::time::timeout(HASHING_WAIT, HASHING.acquire())
        .await
        .map_err(|_| AppError::TooManyRequests)?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

pub async fn hash_password(password: String) -> Result<Secret, AppError> {
    with_hashing_slot(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).expect("the operating system's random source");
        let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::Internal(e.to_string()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| Secret::new(h.to_string()))
            .map_err(|e| AppError::Internal(format!("password hashing: {e}")))
    })
    .await?
}

/// Whether `password` matches `stored`. With no stored hash (unknown account) a dummy hash is
/// checked anyway, so the answer takes as long and does not reveal which emails exist.
pub async fn verify_password(password: String, stored: Option<Secret>) -> Result<bool, AppError> {
    with_hashing_slot(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| Secret::new(DUMMY_HASH.to_string()));
        let Ok(parsed) = PasswordHash::new(stored.expose()) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
            && known
    })
    .await
}

/// argon2id of a random password nobody knows, with the default parameters.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0Zl5xV0wS3y0mCq8tU0n1cW9qJf3yD4mYQ6vJb1mVrA";

/// The rules a new password must meet, as a message for the person choosing it: 10 to 200
/// characters, not the email (or built on it), not common or easily guessed (zxcvbn's
/// lists of common passwords, words and patterns, with the email as a known input).
pub fn check_new_password(password: &str, email: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < 10 {
        return Err(td_string!(current(), identity.server.password_too_short).to_string());
    }
    if chars > 200 {
        return Err(td_string!(current(), identity.server.password_too_long).to_string());
    }
    let lower = password.to_lowercase();
    let local = email.split('@').next().unwrap_or_default();
    if lower.contains(email) || lower == local {
        return Err(td_string!(current(), identity.server.password_is_email).to_string());
    }
    if zxcvbn::zxcvbn(password, &[email, local]).score() < zxcvbn::Score::Three {
        return Err(td_string!(current(), identity.server.password_too_common).to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords_verify_only_themselves() {
        let h = hash_password("correct horse battery".into()).await.unwrap();
        assert!(h.expose().starts_with("$argon2id$"));
        let verify = |p: &str, h: Option<Secret>| verify_password(p.into(), h);
        assert!(verify("correct horse battery", Some(h.clone()))
            .await
            .unwrap());
        assert!(!verify("wrong horse battery", Some(h)).await.unwrap());
        assert!(!verify("anything", None).await.unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_burst_of_hashes_runs_a_few_at_a_time() {
        let running = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let most = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let jobs = (0..12).map(|_| {
            let (running, most) = (running.clone(), most.clone());
            with_hashing_slot(move || {
                use std::sync::atomic::Ordering::SeqCst;
                let now = running.fetch_add(1, SeqCst) + 1;
                most.fetch_max(now, SeqCst);
                std::thread::sleep(Duration::from_millis(20));
                running.fetch_sub(1, SeqCst);
            })
        });
        for done in futures::future::join_all(jobs).await {
            done.unwrap();
        }
        let most = most.load(std::sync::atomic::Ordering::SeqCst);
        assert!((1..=HASHES_AT_ONCE).contains(&most), "{most} at once");
    }

    #[test]
    fn secrets_are_random_and_hashed() {
        let (a, b) = (random_secret(), random_secret());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(secret_hash(&a), secret_hash(&a));
        assert_ne!(secret_hash(&a), a);
    }

    #[test]
    // Without a request, messages are in French, the default.
    fn weak_passwords_are_refused_with_a_reason() {
        let email = "ana.lopez@example.org";
        let refused = |p: &str| check_new_password(p, email).unwrap_err();
        assert!(refused("short").contains("10"));
        assert!(refused(email).contains("e-mail"));
        assert!(refused("ANA.LOPEZ@EXAMPLE.ORG!").contains("e-mail"));
        assert!(check_new_password("ana.lopez@2026", email).is_err());
        for common in ["password123", "1234567890", "qwertyuiop", "iloveyou12"] {
            assert!(refused(common).contains("trop courant"), "{common}");
        }
        for fine in [
            "correct horse battery",
            "a brand new passphrase",
            "tulip orbit 77 cellar",
        ] {
            assert_eq!(check_new_password(fine, email), Ok(()), "{fine}");
        }
    }
}
