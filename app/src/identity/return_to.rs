//! Where the browser goes after signing in: back to the backoffice page it asked for, and
//! never to another site (a crafted `next` must not turn the sign-in page into a redirector).

/// The sign-in page.
pub const SIGN_IN_PATH: &str = "/signin";
/// Where signing in leads when no page was asked for: the server sends it on to the page of
/// the person's role ([`home_for`]).
pub const BACKOFFICE_HOME: &str = "/admin";
/// The dashboard of who serves customers (operators, admins, supervisors).
pub const DESK_PATH: &str = "/admin";

/// The first page a role can use.
pub fn home_for(role: Option<crate::core::roles::Role>) -> &'static str {
    use crate::core::roles::{allows, Permission};
    if allows(role, Permission::ReadCustomers) {
        DESK_PATH
    } else if allows(role, Permission::ReadContent) {
        "/admin/settings"
    } else {
        // No role in this organisation any more: one's own account still works.
        "/admin/account"
    }
}

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
    ["/admin", "/synchronisation"]
        .iter()
        .any(|home| path == *home || path.strip_prefix(home).is_some_and(|r| r.starts_with('/')))
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
    fn each_role_lands_on_a_page_it_can_use() {
        use crate::core::roles::Role;
        assert_eq!(home_for(Some(Role::Admin)), DESK_PATH);
        assert_eq!(home_for(Some(Role::Editor)), "/admin/settings");
        assert_eq!(home_for(Some(Role::Supervisor)), DESK_PATH);
        assert_eq!(home_for(Some(Role::Operator)), DESK_PATH);
        assert_eq!(home_for(None), "/admin/account");
    }

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
