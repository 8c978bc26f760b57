//! How a server function is called: the encoding it reads its arguments in, and whether a call
//! is a browser's own form submission. A body it cannot read is answered with the encoding
//! it expects (core/error.rs), so the caller learns what to send instead of a parser message.

use serde::{Deserialize, Serialize};

/// The encoding a server function reads its arguments in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BodyEncoding {
    Json,
    Form,
}

impl BodyEncoding {
    /// The `Content-Type` a caller sends.
    pub fn content_type(self) -> &'static str {
        match self {
            BodyEncoding::Json => "application/json",
            BodyEncoding::Form => "application/x-www-form-urlencoded",
        }
    }
}

#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "ssr")]
mod server {
    use std::collections::HashMap;
    use std::sync::OnceLock;

    use leptos::server_fn::codec::{Json, PostUrl};
    use leptos::server_fn::{Http, ServerFn};

    use super::BodyEncoding;

    /// A server function's protocol, read for the encoding of its arguments: a function
    /// given another encoding fails to compile where it is declared (startup.rs).
    pub trait ReadsArgsAs {
        const ENCODING: BodyEncoding;
    }

    impl<Output> ReadsArgsAs for Http<Json, Output> {
        const ENCODING: BodyEncoding = BodyEncoding::Json;
    }

    impl<Output> ReadsArgsAs for Http<PostUrl, Output> {
        const ENCODING: BodyEncoding = BodyEncoding::Form;
    }

    /// A server function's path and the encoding it reads, from its type.
    pub fn reads<S>() -> (&'static str, BodyEncoding)
    where
        S: ServerFn,
        S::Protocol: ReadsArgsAs,
    {
        (S::PATH, <S::Protocol as ReadsArgsAs>::ENCODING)
    }

    static EXPECTED: OnceLock<HashMap<&'static str, BodyEncoding>> = OnceLock::new();

    /// Declares what every server function reads (once, at start; later calls change nothing).
    pub fn declare(functions: impl IntoIterator<Item = (&'static str, BodyEncoding)>) {
        let _ = EXPECTED.set(functions.into_iter().collect());
    }

    /// What the function at `path` reads, if it was declared.
    pub fn expected(path: &str) -> Option<BodyEncoding> {
        EXPECTED.get()?.get(path).copied()
    }

    /// A browser's own submission of an HTML form, not the WASM's call or a script's: it asks
    /// for HTML, sends the form encoding, and (where the browser says) navigates. Such a post
    /// is answered with a redirect to a page, never with an error status.
    pub fn is_plain_form_post(parts: &http::request::Parts) -> bool {
        let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
        parts.method == http::Method::POST
            && header("accept").is_some_and(|v| v.contains("text/html"))
            && header("content-type")
                .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
            && header("sec-fetch-mode").is_none_or(|v| v == "navigate")
    }
}
