//! Passwords and bearer secrets: argon2id for passwords (slow on purpose, so off the async
//! threads), SHA-256 for random session and token secrets (already unguessable, so a fast hash
//! is enough and lookups stay one indexed query).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};

use crate::error::AppError;

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

pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).expect("the operating system's random source");
        let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::Internal(e.to_string()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(format!("password hashing: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

/// Whether `password` matches `stored`. With no stored hash (unknown account) a dummy hash is
/// checked anyway, so the answer takes as long and does not reveal which emails exist.
pub async fn verify_password(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_string());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
            && known
    })
    .await
    .unwrap_or(false)
}

/// argon2id of a random password nobody knows, with the default parameters.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0Zl5xV0wS3y0mCq8tU0n1cW9qJf3yD4mYQ6vJb1mVrA";

/// The rules a new password must meet, as a message for the person choosing it.
pub fn check_new_password(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < 10 {
        return Err("Use at least 10 characters.".into());
    }
    if chars > 200 {
        return Err("Use at most 200 characters.".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords_verify_only_themselves() {
        let h = hash_password("correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery".into(), Some(h.clone())).await);
        assert!(!verify_password("wrong horse battery".into(), Some(h)).await);
        assert!(!verify_password("anything".into(), None).await);
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
    fn short_passwords_are_refused_with_a_reason() {
        assert!(check_new_password("short").unwrap_err().contains("10"));
        assert!(check_new_password("long enough pass").is_ok());
    }
}
