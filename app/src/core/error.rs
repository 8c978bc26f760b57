//! The one error type server functions return; it crosses to the browser intact.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::core::merge::FieldConflict;
use crate::core::validate::FieldError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please correct the highlighted fields ({}), then save again.", list_fields(.0))]
    Validation(Vec<FieldError>),
    #[error("Someone else changed {} while you were editing. Review and save again.", list_conflicts(.0))]
    Conflict(Vec<FieldConflict>),
    #[error("{0} was not found. It may have been deleted; reload the page.")]
    NotFound(String),
    #[error("Please sign in to do this.")]
    Unauthorized,
    #[error("You do not have permission to do this.")]
    Forbidden,
    /// Asked with an API token for something only a signed-in person may do.
    #[error("API tokens cannot do this: sign in to Courant in a browser and do it there.")]
    SessionOnly,
    /// A request body over the limit (in KiB).
    #[error("This request is too large (over {0} KiB). Send less at once.")]
    TooLarge(usize),
    /// An invitation link that was used, revoked, or has expired (or never existed).
    #[error("This invitation link cannot be used any more: it was used already, withdrawn, or it expired. Ask whoever invited you for a new one.")]
    InvitationUnusable,
    /// An invitation opened while signed in to another account than the invited one.
    #[error("This invitation is for {0}. Sign out, then open the link again and sign in as {0}.")]
    WrongAccount(String),
    /// A limit on how much one account may do (organisations created per day, …).
    #[error("{0}")]
    LimitReached(String),
    #[error("Too many requests. Wait a moment and try again.")]
    TooManyRequests,
    /// Sign-in refused for a reason the person can act on (wrong email or password).
    #[error("{0}")]
    SignIn(String),
    /// Too many failed sign-ins: wait this many seconds.
    #[error("Too many failed sign-in attempts. Wait {} and try again, or ask an admin to reset your password.", wait_text(*.0))]
    Throttled(u64),
    /// A cross-site request (a page on another site tried to act for you).
    #[error("{0}")]
    CrossSite(String),
    #[error("The server had a problem ({0}). Your changes were not saved; try again.")]
    Internal(String),
    #[error("Could not reach the server ({0}). Check your connection and try again.")]
    Transport(String),
}

impl AppError {
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
            AppError::Internal(_) => 500,
            AppError::Transport(_) => 502,
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
            AppError::Validation(errors) => {
                errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
            }
            AppError::Conflict(conflicts) => conflicts.iter().find(|c| c.field == field).map(|c| {
                format!(
                    "Someone else changed this to {} while you were editing. Save again to keep yours.",
                    c.theirs
                )
            }),
            _ => None,
        }
    }
}

fn wait_text(seconds: u64) -> String {
    if seconds >= 90 {
        format!("{} minutes", seconds.div_ceil(60))
    } else {
        format!("{seconds} seconds")
    }
}

fn list_fields(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| e.field.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn list_conflicts(conflicts: &[FieldConflict]) -> String {
    conflicts
        .iter()
        .map(|c| c.field.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(e) | ServerFnErrorErr::Response(e) => AppError::Transport(e),
            other => AppError::Internal(other.to_string()),
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
        assert!(AppError::Internal("database".into())
            .to_string()
            .contains("try again"));
    }
}
