//! Where the browser goes after signing in: back to the backoffice page it asked for, and
//! never to another site (a crafted `next` must not turn the sign-in page into a redirector).

/// The sign-in page.
pub const SIGN_IN_PATH: &str = "/signin";
/// Where signing in leads when no page was asked for.
pub const BACKOFFICE_HOME: &str = "/admin/settings";

/// `next` if it is a path on this site, otherwise the backoffice's first page.
pub fn after_sign_in(next: Option<&str>) -> &str {
    next.filter(|p| is_local_path(p)).unwrap_or(BACKOFFICE_HOME)
}

/// A path of this site: `/…`, but not `//host` or `/\host` (browsers read both as another
/// host), and nothing a URL parser would silently drop (tabs, newlines) to make one of those.
fn is_local_path(p: &str) -> bool {
    p.starts_with('/')
        && !p.starts_with("//")
        && !p.contains('\\')
        && !p.chars().any(|c| c.is_control() || c.is_whitespace())
        && !p.starts_with(SIGN_IN_PATH)
}

/// Whether a request for `path` must come from someone signed in (the backoffice).
pub fn needs_sign_in(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/")
}

/// The sign-in page, asked to come back to `path_and_query` afterwards.
pub fn sign_in_url(path_and_query: &str) -> String {
    let next: String = form_urlencoded::byte_serialize(path_and_query.as_bytes()).collect();
    format!("{SIGN_IN_PATH}?next={next}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_site_are_followed() {
        assert_eq!(after_sign_in(Some("/admin/team?f=1")), "/admin/team?f=1");
        for hostile in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "\n//evil.example",
            "javascript:alert(1)",
            "",
            "/signin?next=//evil.example",
        ] {
            assert_eq!(after_sign_in(Some(hostile)), BACKOFFICE_HOME, "{hostile:?}");
        }
        assert_eq!(after_sign_in(None), BACKOFFICE_HOME);
    }

    #[test]
    fn the_backoffice_needs_a_sign_in_and_the_public_site_does_not() {
        assert!(needs_sign_in("/admin"));
        assert!(needs_sign_in("/admin/members"));
        assert!(!needs_sign_in("/administration"));
        assert!(!needs_sign_in("/"));
        assert!(!needs_sign_in("/signin"));
    }

    #[test]
    fn the_sign_in_url_carries_the_whole_path_back() {
        let url = sign_in_url("/admin/team?filter=drafts&x=a b");
        assert_eq!(
            url,
            "/signin?next=%2Fadmin%2Fteam%3Ffilter%3Ddrafts%26x%3Da+b"
        );
    }
}
