//! A value the server keeps to itself: a password hash, a webhook's signing secret. It is
//! not `Serialize`, so it cannot reach a browser, a log line or a live event by mistake, and
//! its `Debug` shows nothing of it.
//!
//! ```compile_fail
//! fn sent_somewhere<T: serde::Serialize>(_: &T) {}
//! sent_somewhere(&app::core::secret::Secret::new("argon2id$…".into()));
//! ```

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Secret {
        Secret(value)
    }

    /// The value itself, for the one place that needs it (a hash check, a signature).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_nothing_of_it() {
        let s = Secret::new("hunter2-hash".into());
        assert_eq!(format!("{s:?}"), "Secret(…)");
        assert_eq!(s.expose(), "hunter2-hash");
    }
}
