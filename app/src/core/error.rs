//! The one error type server functions return; it crosses to the browser intact.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::core::call::BodyEncoding;
use crate::core::locale::{current, Locale};
use crate::core::merge::FieldConflict;
use crate::core::validate::FieldError;
use crate::i18n::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum AppError {
    Validation(Vec<FieldError>),
    Conflict(Vec<FieldConflict>),
    NotFound(String),
    Unauthorized,
    Forbidden,
    /// Asked with an API token for something only a signed-in person may do.
    SessionOnly,
    /// A request body over the limit (in KiB).
    TooLarge(usize),
    /// An invitation link that was used, revoked, or has expired (or never existed).
    InvitationUnusable,
    /// An invitation opened while signed in to another account than the invited one.
    WrongAccount(String),
    /// A limit on how much one account may do (organisations created per day, …).
    LimitReached(String),
    TooManyRequests,
    /// Sign-in refused for a reason the person can act on (wrong email or password).
    SignIn(String),
    /// Too many failed sign-ins: wait this many seconds.
    Throttled(u64),
    /// A cross-site request (a page on another site tried to act for you).
    CrossSite(String),
    /// A body the server function cannot read (wrong encoding, missing or mistyped
    /// arguments, too deep): what it expects, when known, and the message saying so in the
    /// request's language, for a script as much as for the page. The parser's words stay in
    /// the log.
    Unreadable {
        expects: Option<BodyEncoding>,
        message: String,
    },
    /// A method the function is not called with.
    MethodNotAllowed,
    /// The server cannot do it now for a reason an admin can fix (a directory it cannot
    /// write to): said as it is.
    Unavailable(String),
    Internal(String),
    Transport(String),
}

impl std::error::Error for AppError {}

/// In the language of the request being answered (server) or of the page (browser).
impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(current()))
    }
}

impl AppError {
    /// What went wrong and what to do, in `locale`. Texts that came from the server
    /// (`NotFound`'s subject, `SignIn`, …) were written in the request's language there.
    pub fn message(&self, locale: Locale) -> String {
        match self {
            AppError::Validation(errors) => {
                td_string!(locale, errors.validation, problems = list_problems(errors)).to_string()
            }
            // The fields are highlighted, under their labels, where the person sees them.
            AppError::Conflict(_) => td_string!(locale, errors.conflict).to_string(),
            AppError::NotFound(what) => td_string!(locale, errors.not_found, what).to_string(),
            AppError::Unauthorized => td_string!(locale, errors.unauthorized).to_string(),
            AppError::Forbidden => td_string!(locale, errors.forbidden).to_string(),
            AppError::SessionOnly => td_string!(locale, errors.session_only).to_string(),
            AppError::TooLarge(kib) => td_string!(locale, errors.too_large, kib).to_string(),
            AppError::InvitationUnusable => {
                td_string!(locale, errors.invitation_unusable).to_string()
            }
            AppError::WrongAccount(email) => {
                td_string!(locale, errors.wrong_account, email).to_string()
            }
            AppError::LimitReached(text)
            | AppError::SignIn(text)
            | AppError::CrossSite(text)
            | AppError::Unavailable(text) => text.clone(),
            AppError::TooManyRequests => td_string!(locale, errors.too_many_requests).to_string(),
            AppError::Throttled(secs) => {
                td_string!(locale, errors.throttled, wait = wait_text(*secs, locale)).to_string()
            }
            AppError::Unreadable { message, .. } => message.clone(),
            AppError::MethodNotAllowed => td_string!(locale, errors.method_not_allowed).to_string(),
            // What failed inside is for the log, not for the person.
            AppError::Internal(_) => td_string!(locale, errors.internal).to_string(),
            // What the browser said is for the console, not for the person.
            AppError::Transport(_) => td_string!(locale, errors.transport).to_string(),
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Validation(_) => 422,
            AppError::Conflict(_) => 409,
            AppError::NotFound(_) => 404,
            AppError::Unauthorized => 401,
            AppError::Forbidden | AppError::SessionOnly => 403,
            AppError::LimitReached(_) => 429,
            AppError::InvitationUnusable => 410,
            AppError::TooLarge(_) => 413,
            AppError::WrongAccount(_) => 403,
            AppError::TooManyRequests | AppError::Throttled(_) => 429,
            AppError::SignIn(_) => 401,
            AppError::CrossSite(_) => 403,
            AppError::Unreadable { .. } => 400,
            AppError::MethodNotAllowed => 405,
            AppError::Unavailable(_) => 503,
            AppError::Internal(_) => 500,
            AppError::Transport(_) => 502,
        }
    }

    /// What a public page says when its data cannot be had: not found, or try again. A
    /// visitor needs no more, and the public pages' code then carries neither the whole
    /// message table nor its formatting (docs/BUNDLE.md).
    pub fn public_message(&self, locale: Locale) -> &'static str {
        match self {
            AppError::NotFound(_) => td_string!(locale, errors.public.not_found),
            _ => td_string!(locale, errors.public.unavailable),
        }
    }

    /// What went wrong in full: a validation error's own messages rather than the list of
    /// fields to correct (for places with no form to highlight: a log line, a refused change).
    pub fn explain(&self) -> String {
        match self {
            AppError::Validation(errors) if !errors.is_empty() => errors
                .iter()
                .map(|f| f.message.clone())
                .collect::<Vec<_>>()
                .join(" "),
            other => other.to_string(),
        }
    }

    /// The message for one field, if this error has one.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            AppError::Validation(errors) => errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone()),
            AppError::Conflict(conflicts) => conflicts.iter().find(|c| c.field == field).map(|c| {
                td_string!(current(), errors.conflict_field, theirs = &c.theirs).to_string()
            }),
            _ => None,
        }
    }
}

fn wait_text(seconds: u64, locale: Locale) -> String {
    if seconds >= 90 {
        td_string!(locale, errors.wait_minutes, n = seconds.div_ceil(60)).to_string()
    } else {
        td_string!(locale, errors.wait_seconds, n = seconds).to_string()
    }
}

/// The fields' own messages (they name the field by its label), so the reason shows even
/// where no field is highlighted — a rule on a field the form does not show.
fn list_problems(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// The one mapping of server_fn's own errors. On the server, the argument errors come
    /// before the function runs (so before `with_request` could give a status): the status is
    /// set here, on the response options leptos_axum applies after the handler.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let error = match value {
            ServerFnErrorErr::Request(e) | ServerFnErrorErr::Response(e) => AppError::Transport(e),
            // On the server these are the request's body; in the browser, `Deserialization` is
            // an answer it could not read, which is the connection's fault as far as a person
            // can tell.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Args(detail)
            | ServerFnErrorErr::MissingArg(detail)
            | ServerFnErrorErr::Deserialization(detail) => {
                // The parser quotes what was sent: for debugging, not for the usual log.
                tracing::debug!(%detail, "unreadable server function arguments");
                let expects = server::expected_here();
                AppError::Unreadable {
                    expects,
                    message: server::unreadable_message(expects, current()),
                }
            }
            #[cfg(not(feature = "ssr"))]
            ServerFnErrorErr::Deserialization(e) => AppError::Transport(e),
            ServerFnErrorErr::UnsupportedRequestMethod(_) => AppError::MethodNotAllowed,
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function failed outside its body");
                #[cfg(not(feature = "ssr"))]
                let _ = other;
                AppError::Internal("server function".into())
            }
        };
        #[cfg(feature = "ssr")]
        server::set_status(&error);
        error
    }
}

#[cfg(feature = "ssr")]
mod server {
    use leptos::prelude::use_context;

    use super::AppError;
    use crate::core::call::{expected, is_plain_form_post, BodyEncoding};
    use crate::core::locale::Locale;
    use crate::i18n::*;

    /// What to send instead of a body a server function could not read.
    pub(super) fn unreadable_message(expects: Option<BodyEncoding>, locale: Locale) -> String {
        let Some(expects) = expects else {
            return td_string!(locale, errors.unreadable).to_string();
        };
        let content_type = expects.content_type();
        match expects {
            BodyEncoding::Json => {
                td_string!(locale, errors.unreadable_json, content_type).to_string()
            }
            BodyEncoding::Form => {
                td_string!(locale, errors.unreadable_form, content_type).to_string()
            }
        }
    }

    /// What the server function being called reads, from the request's path.
    pub(super) fn expected_here() -> Option<BodyEncoding> {
        use_context::<http::request::Parts>().and_then(|p| expected(p.uri.path()))
    }

    /// A browser's plain form post keeps the redirect to its page (the error in the URL):
    /// a status would replace it with a bare error page.
    pub(super) fn set_status(error: &AppError) {
        let plain_form =
            use_context::<http::request::Parts>().is_some_and(|p| is_plain_form_post(&p));
        if let (Some(res), false) = (use_context::<leptos_axum::ResponseOptions>(), plain_form) {
            res.set_status(http::StatusCode::from_u16(error.status()).unwrap_or_default());
        }
    }
}

/// A unique-constraint violation as the field error the check before it gives: two requests
/// that both passed the check at the same moment get the same clear answer, never a 500.
/// Any other database error stays one.
#[cfg(feature = "ssr")]
pub fn on_unique(e: sqlx::Error, field: &str, message: &str) -> AppError {
    if e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
    {
        AppError::Validation(vec![FieldError::new(field, message)])
    } else {
        e.into()
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "database error");
        AppError::Internal("database".into())
    }
}

#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let status = http::StatusCode::from_u16(self.status())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        (status, self.to_string()).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_tell_the_user_what_to_do() {
        let e = AppError::Validation(vec![FieldError::new("email", "Enter an email address.")]);
        assert_eq!(e.status(), 422);
        assert_eq!(
            e.field_message("email").as_deref(),
            Some("Enter an email address.")
        );
        // French unless the request asked for English.
        assert!(AppError::Internal("database".into())
            .to_string()
            .contains("réessayez"));
        assert!(AppError::Internal("database".into())
            .message(Locale::en)
            .contains("try again"));
    }

    #[test]
    fn messages_name_no_internal_field() {
        let e = AppError::Validation(vec![FieldError::new(
            "company_name",
            "Company name is required.",
        )]);
        let text = e.message(Locale::en);
        assert!(text.contains("Company name is required."), "{text}");
        assert!(!text.contains("company_name"), "{text}");
        let c = AppError::Conflict(vec![FieldConflict {
            field: "price_cents".into(),
            base: serde_json::json!(100),
            mine: serde_json::json!(120),
            theirs: serde_json::json!(130),
        }]);
        assert!(!c.message(Locale::fr).contains("price_cents"));
    }
}
