//! Passwords and bearer secrets: argon2id for passwords (slow on purpose, so off the async
//! threads), SHA-256 for random session and token secrets (already unguessable, so a fast hash
//! is enough and lookups stay one indexed query).

use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use sha2::{Digest, Sha256};
use std::sync::{Arc, LazyLock, Mutex};
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
/// The largest argon2 work area a stored hash may ask for (64 MiB): more is no hash of ours.
const MAX_BLOCKS: usize = 64 * 1024;

/// A hash's work, given its thread's reusable work area.
type HashJob = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

/// The threads that compute password hashes, [`HASHES_AT_ONCE`] of them, each reusing one
/// work area for every hash. On the runtime's blocking pool each burst of sign-ins ran on
/// fresh threads, and the allocator kept every thread's freed 19 MiB in an arena of its own:
/// a server's memory went from 35 to 833 MB after a few bursts and stayed there. Here it is
/// the threads' work areas, allocated once (server/tests/memory.rs measures it).
static HASHERS: LazyLock<std::sync::mpsc::SyncSender<HashJob>> = LazyLock::new(|| {
    let (jobs, queue) = std::sync::mpsc::sync_channel::<HashJob>(HASHES_AT_ONCE);
    let queue = Arc::new(Mutex::new(queue));
    for n in 0..HASHES_AT_ONCE {
        let queue = queue.clone();
        std::thread::Builder::new()
            .name(format!("password-hash-{n}"))
            .spawn(move || {
                let mut area = Vec::new();
                loop {
                    let job = queue.lock().map(|q| q.recv());
                    match job {
                        Ok(Ok(job)) => job(&mut area),
                        _ => return,
                    }
                }
            })
            .expect("a thread for password hashing");
    }
    jobs
});

/// Run one argon2 computation on a hashing thread when a slot is free.
async fn with_hashing_slot<T: Send + 'static>(
    work: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
) -> Result<T, AppError> {
    let slot = tokio::time::timeout(HASHING_WAIT, HASHING.acquire())
        .await
        .map_err(|_| AppError::TooManyRequests)?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let (done, answer) = tokio::sync::oneshot::channel();
    // The slot goes with the job and is given back when the hash is done, not when the
    // caller stops waiting (a client that gives up): so at most HASHES_AT_ONCE jobs are ever
    // queued or running, and the queue, as big, always has room.
    let job: HashJob = Box::new(move |area| {
        let _ = done.send(work(area));
        drop(slot);
    });
    HASHERS
        .try_send(job)
        .map_err(|_| AppError::TooManyRequests)?;
    answer
        .await
        .map_err(|_| AppError::Internal("password hashing".into()))
}

/// The first `blocks` blocks of a thread's work area, grown the first time.
fn work_area(area: &mut Vec<Block>, blocks: usize) -> &mut [Block] {
    if area.len() < blocks {
        area.resize(blocks, Block::default());
    }
    &mut area[..blocks]
}

pub async fn hash_password(password: String) -> Result<Secret, AppError> {
    with_hashing_slot(move |area| {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).expect("the operating system's random source");
        hash_in(area, password.as_bytes(), &salt)
            .map(Secret::new)
            .map_err(|e| AppError::Internal(format!("password hashing: {e}")))
    })
    .await?
}

/// argon2id with the default parameters, in `area`, as a PHC string (what
/// `Argon2::default().hash_password` writes).
fn hash_in(area: &mut Vec<Block>, password: &[u8], salt: &[u8]) -> Result<String, String> {
    let params = Params::default();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon
        .hash_password_into_with_memory(
            password,
            salt,
            &mut out,
            work_area(area, params.block_count()),
        )
        .map_err(|e| e.to_string())?;
    let salt = SaltString::encode_b64(salt).map_err(|e| e.to_string())?;
    let hash = Output::new(&out).map_err(|e| e.to_string())?;
    Ok(format!(
        "$argon2id$v=19$m={},t={},p={}${}${hash}",
        params.m_cost(),
        params.t_cost(),
        params.p_cost(),
        salt.as_str()
    ))
}

/// Whether `password` matches the PHC string `stored`, computed in `area`.
fn verify_in(area: &mut Vec<Block>, password: &[u8], stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    if params.block_count() > MAX_BLOCKS {
        return false;
    }
    let mut out = vec![0u8; expected.len()];
    let area = work_area(area, params.block_count());
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password, salt, &mut out, area)
        .is_ok()
        // Output compares in constant time.
        && Output::new(&out).is_ok_and(|o| o == expected)
}

/// Whether `password` matches `stored`. With no stored hash (unknown account) a dummy hash is
/// checked anyway, so the answer takes as long and does not reveal which emails exist.
pub async fn verify_password(password: String, stored: Option<Secret>) -> Result<bool, AppError> {
    with_hashing_slot(move |area| {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| Secret::new(DUMMY_HASH.to_string()));
        verify_in(area, password.as_bytes(), stored.expose()) && known
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

    #[test]
    fn hashes_are_those_of_the_argon2_crate_both_ways() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let mut area = Vec::new();
        // Ours verifies with the crate's own verifier…
        let ours = hash_in(&mut area, b"correct horse battery", b"saltsaltsaltsalt").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default()
            .verify_password(b"correct horse battery", &parsed)
            .is_ok());
        // …and a hash the crate made (every stored hash so far) verifies with ours.
        let salt = SaltString::encode_b64(b"anothersaltvalue").unwrap();
        let theirs = Argon2::default()
            .hash_password(b"tulip orbit 77 cellar", &salt)
            .unwrap()
            .to_string();
        assert_eq!(
            theirs,
            hash_in(&mut area, b"tulip orbit 77 cellar", b"anothersaltvalue").unwrap()
        );
        assert!(verify_in(&mut area, b"tulip orbit 77 cellar", &theirs));
        assert!(!verify_in(&mut area, b"tulip orbit 77 cellaR", &theirs));
        assert!(!verify_in(
            &mut area,
            b"x",
            "$argon2id$v=19$m=999999999,t=1,p=1$c2FsdHNhbHQ$aGFzaA"
        ));
        assert!(!verify_in(&mut area, b"x", "not a hash"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_burst_of_hashes_runs_a_few_at_a_time() {
        let running = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let most = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let jobs = (0..12).map(|_| {
            let (running, most) = (running.clone(), most.clone());
            with_hashing_slot(move |_| {
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn callers_who_give_up_leave_no_queue_behind() {
        // Sign-ins whose clients leave at once: their hashes still run, but hold their slots.
        for _ in 0..24 {
            let give_up = verify_password("guess".into(), None);
            let _ = tokio::time::timeout(Duration::from_millis(1), give_up).await;
        }
        // The runtime is not blocked, and the next hash gets its turn.
        let next = tokio::time::timeout(
            Duration::from_secs(30),
            verify_password("guess".into(), None),
        )
        .await;
        assert!(matches!(next, Ok(Ok(false))), "{next:?}");
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
