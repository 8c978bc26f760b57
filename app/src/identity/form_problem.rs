//! What a form posted without the WASM is told when it comes back: a fixed code in the URL
//! (`problem=…`), which the page turns into a fixed message. Never free text (a crafted link
//! would otherwise write any message into the genuine page) and never a submitted value.

use crate::core::error::AppError;
use crate::core::locale::{current, Locale};
use crate::i18n::*;

/// Shown for a wrong email or a wrong password alike, so it reveals no accounts.
pub fn wrong_credentials() -> String {
    td_string!(current(), identity.problems.wrong_credentials).to_string()
}

pub fn wrong_current_password() -> String {
    td_string!(current(), identity.problems.wrong_current_password).to_string()
}
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

    /// In the language of the request (server) or of the page (browser).
    pub fn message(self) -> String {
        self.message_in(current())
    }

    pub fn message_in(self, locale: Locale) -> String {
        match self {
            FormProblem::WrongCredentials => {
                td_string!(locale, identity.problems.wrong_credentials).to_string()
            }
            FormProblem::Throttled(wait) => AppError::Throttled(wait).message(locale),
            FormProblem::CurrentPassword => {
                td_string!(locale, identity.problems.wrong_current_password).to_string()
            }
            FormProblem::NewPassword => {
                td_string!(locale, identity.problems.new_password_rule).to_string()
            }
            FormProblem::InvitationUnusable => AppError::InvitationUnusable.message(locale),
            FormProblem::Failed => td_string!(locale, identity.problems.failed).to_string(),
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
        assert_eq!(FormProblem::of(&wrong).message(), wrong_credentials());
        assert_eq!(
            FormProblem::of(&wrong).message_in(Locale::en),
            "Wrong email or password. Check both and try again."
        );
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
