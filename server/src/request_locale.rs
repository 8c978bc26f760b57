//! Every request is answered in the language it asks for (the `courant_lang` cookie, then
//! `Accept-Language`, then French): server errors and field messages built while answering
//! it read that language from `app::core::locale::current`.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::header::{ACCEPT_LANGUAGE, COOKIE};

use app::core::locale;

pub async fn answer_in_asked_language(request: Request, next: Next) -> Response {
    let headers = request.headers();
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let asked = locale::resolve(text(COOKIE), text(ACCEPT_LANGUAGE));
    locale::scope(asked, next.run(request)).await
}
