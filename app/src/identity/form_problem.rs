//! What a form posted without the WASM is told when it comes back: a fixed code in the URL
//! (`problem=…`), which the page turns into a fixed message. Never free text (a crafted link
//! would otherwise write any message into the genuine page) and never a submitted value.

use crate::core::error::AppError;

/// Shown for a wrong email or a wrong password alike, so it reveals no accounts.
pub const WRONG_CREDENTIALS: &str = "Wrong email or password. Check both and try again.";
pub const WRONG_CURRENT_PASSWORD: &str = "This is not your current password.";
const NEW_PASSWORD_RULE: &str =
    "Choose another password: 10 to 200 characters, not your email, not a common one.";
const FAILED: &str = "That did not work. Try again in a moment.";
/// Longest wait a URL may claim (the throttle's window is 15 minutes).
const MAX_WAIT_SECS: u64 = 3_600;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormProblem {
    WrongCredentials,
    /// Too many failed sign-ins: wait this many seconds.
    Throttled(u64),
    CurrentPassword,
    NewPassword,
    InvitationUnusable,
    Failed,
}

impl FormProblem {
    pub fn of(error: &AppError) -> FormProblem {
        match error {
            AppError::SignIn(_) => FormProblem::WrongCredentials,
            AppError::Throttled(wait) => FormProblem::Throttled(*wait),
            AppError::InvitationUnusable => FormProblem::InvitationUnusable,
            AppError::Validation(_) if error.field_message("current").is_some() => {
                FormProblem::CurrentPassword
            }
            AppError::Validation(_) if error.field_message("password").is_some() => {
                FormProblem::NewPassword
            }
            _ => FormProblem::Failed,
        }
    }

    /// The query parameters that carry it.
    pub fn to_query(self) -> String {
        match self {
            FormProblem::WrongCredentials => "problem=credentials".into(),
            FormProblem::Throttled(wait) => format!("problem=throttled&wait={wait}"),
            FormProblem::CurrentPassword => "problem=current".into(),
            FormProblem::NewPassword => "problem=new".into(),
            FormProblem::InvitationUnusable => "problem=invitation".into(),
            FormProblem::Failed => "problem=failed".into(),
        }
    }

    pub fn from_query(problem: Option<&str>, wait: Option<&str>) -> Option<FormProblem> {
        Some(match problem? {
            "credentials" => FormProblem::WrongCredentials,
            "throttled" => FormProblem::Throttled(
                wait.and_then(|w| w.parse().ok())
                    .unwrap_or(MAX_WAIT_SECS)
                    .min(MAX_WAIT_SECS),
            ),
            "current" => FormProblem::CurrentPassword,
            "new" => FormProblem::NewPassword,
            "invitation" => FormProblem::InvitationUnusable,
            "failed" => FormProblem::Failed,
            _ => return None,
        })
    }

    /// The form field it is about, if one.
    pub fn field(self) -> Option<&'static str> {
        match self {
            FormProblem::CurrentPassword => Some("current"),
            FormProblem::NewPassword => Some("password"),
            _ => None,
        }
    }

    pub fn message(self) -> String {
        match self {
            FormProblem::WrongCredentials => WRONG_CREDENTIALS.into(),
            FormProblem::Throttled(wait) => AppError::Throttled(wait).to_string(),
            FormProblem::CurrentPassword => WRONG_CURRENT_PASSWORD.into(),
            FormProblem::NewPassword => NEW_PASSWORD_RULE.into(),
            FormProblem::InvitationUnusable => AppError::InvitationUnusable.to_string(),
            FormProblem::Failed => FAILED.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::validate::FieldError;

    #[test]
    fn every_problem_survives_the_url() {
        for p in [
            FormProblem::WrongCredentials,
            FormProblem::Throttled(900),
            FormProblem::CurrentPassword,
            FormProblem::NewPassword,
            FormProblem::InvitationUnusable,
            FormProblem::Failed,
        ] {
            let q = p.to_query();
            let get = |k: &str| {
                q.split('&')
                    .find_map(|kv| kv.strip_prefix(k)?.strip_prefix('='))
            };
            assert_eq!(
                FormProblem::from_query(get("problem"), get("wait")),
                Some(p)
            );
        }
    }

    #[test]
    fn errors_become_codes_and_a_url_cannot_bring_its_own_words() {
        let wrong = AppError::SignIn("anything at all".into());
        assert_eq!(FormProblem::of(&wrong).message(), WRONG_CREDENTIALS);
        let short = AppError::Validation(vec![FieldError::new("password", "Use at least 10.")]);
        assert_eq!(FormProblem::of(&short), FormProblem::NewPassword);
        assert_eq!(
            FormProblem::of(&AppError::Internal("db".into())),
            FormProblem::Failed
        );
        assert_eq!(
            FormProblem::from_query(Some("Courant has moved"), None),
            None
        );
        assert_eq!(
            FormProblem::from_query(Some("throttled"), Some("99999999")),
            Some(FormProblem::Throttled(MAX_WAIT_SECS))
        );
    }
}
