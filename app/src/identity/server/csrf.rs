//! Cross-site request checks. Browsers send `Origin` on every cross-site POST and WebSocket
//! handshake (and `Sec-Fetch-Site` on every request); scripts send neither and authenticate
//! with a bearer token a foreign page cannot read, so a request without them is not refused.

use http::HeaderMap;

use crate::i18n::*;
use crate::identity::server::access::AuthConfig;

/// Why a request looks cross-site, as a message for the person who gets it.
pub fn check_same_site(headers: &HeaderMap, config: &AuthConfig) -> Result<(), String> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(origin) = header("origin") {
        if origin_allowed(origin, header("host"), config) {
            return Ok(());
        }
        return Err(td_string!(
            crate::core::locale::current(),
            identity.server.cross_site_origin,
            origin
        )
        .to_string());
    }
    match header("sec-fetch-site") {
        Some("cross-site") | Some("same-site") => {
            Err(td_string!(crate::core::locale::current(), identity.server.cross_site).to_string())
        }
        _ => Ok(()),
    }
}

fn origin_allowed(origin: &str, host: Option<&str>, config: &AuthConfig) -> bool {
    let origin = origin.trim_end_matches('/');
    if !config.allowed_origins.is_empty() {
        return config.allowed_origins.iter().any(|o| o == origin);
    }
    // The site's own origin: the scheme can differ behind a TLS-terminating proxy, the host
    // and port cannot.
    let authority = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    matches!((authority, host), (Some(a), Some(h)) if a.eq_ignore_ascii_case(h))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn same_origin_and_scripts_pass_foreign_origins_do_not() {
        let c = AuthConfig::default();
        let own = headers(&[
            ("host", "courant.example:3000"),
            ("origin", "http://courant.example:3000"),
        ]);
        assert!(check_same_site(&own, &c).is_ok());
        let script = headers(&[("host", "courant.example:3000")]);
        assert!(check_same_site(&script, &c).is_ok());
        let foreign = headers(&[
            ("host", "courant.example:3000"),
            ("origin", "https://evil.example"),
        ]);
        assert!(check_same_site(&foreign, &c)
            .unwrap_err()
            .contains("evil.example"));
        let other_port = headers(&[
            ("host", "courant.example:3000"),
            ("origin", "http://courant.example:4000"),
        ]);
        assert!(check_same_site(&other_port, &c).is_err());
        let no_origin_cross = headers(&[("host", "a"), ("sec-fetch-site", "cross-site")]);
        assert!(check_same_site(&no_origin_cross, &c).is_err());
        let null_origin = headers(&[("host", "a"), ("origin", "null")]);
        assert!(check_same_site(&null_origin, &c).is_err());
    }

    #[test]
    fn a_configured_list_replaces_the_default() {
        let c = AuthConfig {
            allowed_origins: vec!["https://admin.courant.example".into()],
            ..Default::default()
        };
        let listed = headers(&[
            ("host", "internal:3000"),
            ("origin", "https://admin.courant.example"),
        ]);
        assert!(check_same_site(&listed, &c).is_ok());
        let own = headers(&[
            ("host", "internal:3000"),
            ("origin", "http://internal:3000"),
        ]);
        assert!(check_same_site(&own, &c).is_err());
    }
}
