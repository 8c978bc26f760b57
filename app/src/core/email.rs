//! An email address that has been read, not guessed at: the same rule in the browser (as the
//! person types) and on the server (members, accounts, content), so neither accepts what the
//! other would refuse.

use std::fmt;

use email_address::{EmailAddress, Options};

/// Longest address SMTP carries (RFC 5321's path limit).
pub const MAX_LEN: usize = 254;

/// A trimmed, lowercased address with a local part, an `@` and a domain with a dot in it —
/// no display name (`Ann <ann@example.org>`), no `[192.0.2.1]` literal, nothing an HTML page
/// would read as markup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Option<Email> {
        let email = raw.trim().to_lowercase();
        let options = Options::default()
            .with_required_tld()
            .without_display_text()
            .without_domain_literal();
        let ok = email.len() <= MAX_LEN
            && EmailAddress::parse_with_options(&email, options).is_ok()
            // Valid quoted forms ("a b"@x.fr) that no mailbox anyone here uses would need.
            && !email.contains(['"', '<', '>', '\\', ' ']);
        ok.then_some(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_real_addresses() {
        for ok in [
            "a@b.co",
            "first.last+tag@example.org",
            " Ann@Example.FR ",
            "o'neil@exemple.fr",
        ] {
            assert!(Email::parse(ok).is_some(), "{ok}");
        }
        assert_eq!(
            Email::parse(" Ann@Example.FR ").unwrap().as_str(),
            "ann@example.fr"
        );
    }

    #[test]
    fn refuses_what_is_not_an_address() {
        let long = format!("{}@example.org", "a".repeat(250));
        for bad in [
            "",
            "a",
            "a@b",
            "@b.co",
            "a@b.",
            "a b@c.de",
            "a@@b.co",
            "<script>x</script>@a.com",
            "Ann <ann@example.org>",
            "ann@[192.0.2.1]",
            "\"a b\"@example.org",
            "a@-example.org",
            long.as_str(),
        ] {
            assert!(Email::parse(bad).is_none(), "{bad}");
        }
    }
}
