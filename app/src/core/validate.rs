use serde::{Deserialize, Serialize};

use crate::core::locale::current;
use crate::i18n::*;

/// One problem with one field, in words the editor can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// Collects field errors with the few rules every text field needs.
#[derive(Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn required(&mut self, field: &str, label: &str, value: &str) -> &mut Self {
        if value.trim().is_empty() {
            self.push(
                field,
                td_string!(current(), errors.required, label).to_string(),
            );
        }
        self
    }

    pub fn max_chars(&mut self, field: &str, label: &str, value: &str, max: usize) -> &mut Self {
        let n = value.chars().count();
        if n > max {
            let text = td_string!(current(), errors.too_long, label, n, max);
            self.push(field, text.to_string());
        }
        self
    }

    /// A whole number within `min..=max` (list positions, quantities).
    pub fn range(&mut self, field: &str, label: &str, value: i64, min: i64, max: i64) -> &mut Self {
        if !(min..=max).contains(&value) {
            let text = td_string!(current(), errors.out_of_range, label, min, max);
            self.push(field, text.to_string());
        }
        self
    }

    /// An empty value is allowed; use [`Validator::required`] as well when it is not.
    pub fn email(&mut self, field: &str, value: &str) -> &mut Self {
        if !value.is_empty() && !looks_like_email(value) {
            self.push(field, td_string!(current(), errors.email).to_string());
        }
        self
    }

    pub fn phone(&mut self, field: &str, value: &str) -> &mut Self {
        let ok = value
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c));
        if !value.is_empty() && (!ok || value.chars().filter(char::is_ascii_digit).count() < 4) {
            self.push(field, td_string!(current(), errors.phone).to_string());
        }
        self
    }

    /// An empty value is allowed; otherwise an http(s) address or a site path.
    pub fn url(&mut self, field: &str, value: &str) -> &mut Self {
        let ok = value.is_empty()
            || ((value.starts_with("https://")
                || value.starts_with("http://")
                || value.starts_with('/'))
                && !value.chars().any(char::is_whitespace));
        if !ok {
            self.push(field, td_string!(current(), errors.url).to_string());
        }
        self
    }

    fn push(&mut self, field: &str, message: impl Into<String>) {
        // One message per field is what a form can show next to the input.
        if !self.errors.iter().any(|e| e.field == field) {
            self.errors.push(FieldError::new(field, message));
        }
    }

    pub fn finish(&mut self) -> Vec<FieldError> {
        std::mem::take(&mut self.errors)
    }
}

fn looks_like_email(s: &str) -> bool {
    crate::core::email::Email::parse(s).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_rules() {
        for ok in ["a@b.co", "first.last+tag@example.org"] {
            assert!(looks_like_email(ok), "{ok}");
        }
        for bad in [
            "",
            "a",
            "a@b",
            "@b.co",
            "a@b.",
            "a b@c.de",
            "a@@b.co",
            "<script>x</script>@a.com",
        ] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }

    #[test]
    fn one_message_per_field() {
        let mut v = Validator::default();
        v.required("name", "Name", " ")
            .max_chars("name", "Name", " ", 0);
        let errors = v.finish();
        // French unless a request asks otherwise.
        assert_eq!(
            errors,
            vec![FieldError::new("name", "Name est obligatoire.")]
        );
    }

    #[test]
    fn max_chars_counts_characters_not_bytes() {
        let mut v = Validator::default();
        v.max_chars("t", "T", "éééé", 4);
        assert!(v.finish().is_empty());
        v.max_chars("t", "T", "ééééé", 4);
        assert_eq!(
            v.finish()[0].message,
            "T est trop long (5 caractères, 4 au plus)."
        );
    }
}
