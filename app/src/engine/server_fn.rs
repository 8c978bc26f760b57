//! What every server function does around its work: find the engine and the request, ask the
//! gate who is asking, give errors their HTTP status, answer plain HTML form posts.

/// Run `f` for the current request once the engine's gate allows `permission`, and
/// give errors their HTTP status.
#[cfg(feature = "ssr")]
pub(crate) async fn with_access<T, F, Fut>(
    permission: crate::core::roles::Permission,
    f: F,
) -> Result<T, crate::core::error::AppError>
where
    F: FnOnce(crate::engine::Engine, crate::core::principal::Principal) -> Fut,
    Fut: std::future::Future<Output = Result<T, crate::core::error::AppError>>,
{
    with_request(|engine, parts| async move {
        let who = engine.gate().authorize(&engine, &parts, permission).await?;
        f(engine, who).await
    })
    .await
}

/// Run `f` with the engine and the request, and give errors their HTTP status. Server
/// functions that decide access themselves (signing in and out) use this directly.
#[cfg(feature = "ssr")]
pub(crate) async fn with_request<T, F, Fut>(f: F) -> Result<T, crate::core::error::AppError>
where
    F: FnOnce(crate::engine::Engine, http::request::Parts) -> Fut,
    Fut: std::future::Future<Output = Result<T, crate::core::error::AppError>>,
{
    use leptos::prelude::use_context;

    let parts = use_context::<http::request::Parts>();
    let result = match (use_context::<crate::engine::Engine>(), parts) {
        (Some(engine), Some(parts)) => f(engine, parts).await,
        _ => Err(crate::core::error::AppError::Internal(
            "engine or request not provided".into(),
        )),
    };
    // A form posted without the WASM is sent to a page instead (`answer_plain_form`); an
    // error status would replace that redirect with a bare error page.
    let plain_form = use_context::<AnswersPlainForms>().is_some()
        && use_context::<http::request::Parts>()
            .is_some_and(|p| crate::core::call::is_plain_form_post(&p));
    if let Err(e) = &result {
        if let (Some(res), false) = (use_context::<leptos_axum::ResponseOptions>(), plain_form) {
            res.set_status(http::StatusCode::from_u16(e.status()).unwrap_or_default());
        }
    }
    result
}

/// Marks a server function that an HTML form may post to directly.
#[cfg(feature = "ssr")]
#[derive(Clone, Copy)]
struct AnswersPlainForms;

/// For the few server functions an HTML form posts to directly, before or without the WASM
/// (signing in, changing one's password): such a post is answered with a redirect to
/// `to(&result)`, a page that shows the outcome; the WASM's calls and scripts get the usual
/// answer and status. Only here, so no other function's errors turn into redirects.
#[cfg(feature = "ssr")]
pub(crate) async fn answer_plain_form<T, Fut>(
    call: Fut,
    to: impl FnOnce(&Result<T, crate::core::error::AppError>) -> String,
) -> Result<T, crate::core::error::AppError>
where
    Fut: std::future::Future<Output = Result<T, crate::core::error::AppError>>,
{
    use leptos::prelude::{provide_context, use_context};

    provide_context(AnswersPlainForms);
    let result = call.await;
    if use_context::<http::request::Parts>()
        .is_some_and(|p| crate::core::call::is_plain_form_post(&p))
    {
        // Replaces the Referer that server_fn's own form redirect would use: a browser may
        // not send one, and the error it would put in the URL is free text.
        leptos_axum::redirect(&to(&result));
    }
    result
}

/// For a server function whose HTML form comes back to its own page on an error (the page
/// reads server_fn's `__err` from the address, as the contact form does): a plain post's
/// error keeps server_fn's redirect back to the form (no error status, which would replace it
/// with a bare error page), and its success goes to `sent`, a page that says so.
#[cfg(feature = "ssr")]
pub(crate) async fn answer_plain_form_back<T, Fut>(
    call: Fut,
    sent: &str,
) -> Result<T, crate::core::error::AppError>
where
    Fut: std::future::Future<Output = Result<T, crate::core::error::AppError>>,
{
    use leptos::prelude::{provide_context, use_context};

    provide_context(AnswersPlainForms);
    let result = call.await;
    if result.is_ok()
        && use_context::<http::request::Parts>()
            .is_some_and(|p| crate::core::call::is_plain_form_post(&p))
    {
        leptos_axum::redirect(sent);
    }
    result
}

/// Who is asking, for counting page views once per visitor: their address (as the trusted
/// proxies report it).
#[cfg(feature = "ssr")]
pub(crate) fn visitor(engine: &crate::engine::Engine) -> String {
    leptos::prelude::use_context::<http::request::Parts>()
        .map(|p| engine.gate().client_address(engine, &p))
        .unwrap_or_default()
}

/// Add a `Set-Cookie` header to the response.
#[cfg(feature = "ssr")]
pub(crate) fn set_cookie(cookie: &str) {
    if let (Some(res), Ok(value)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(cookie),
    ) {
        res.append_header(http::header::SET_COOKIE, value);
    }
}
