//! The backoffice is for people who signed in: a signed-out visit to `/admin/…` is sent to
//! the sign-in page (which brings them back afterwards) before any page renders, so nobody
//! sees an empty backoffice saying "Please sign in". Someone signed in who opens the sign-in
//! page goes straight to where they were heading.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::Method;

use app::core::error::AppError;
use app::identity::return_to::{
    after_sign_in, home_for, needs_sign_in, sign_in_url, BACKOFFICE_HOME, SIGN_IN_PATH,
};
use app::identity::server::access::identify;

use crate::AppState;

pub async fn gate_backoffice(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return next.run(req).await;
    }
    let path = req.uri().path();
    let is_sign_in = path == SIGN_IN_PATH;
    if !is_sign_in && !needs_sign_in(path) {
        return next.run(req).await;
    }
    let who = match identify(&state.engine, req.headers(), None).await {
        Ok(who) => who,
        Err(AppError::Unauthorized) => None,
        // The page itself will say what went wrong; the sign-in page would not help.
        Err(_) => return next.run(req).await,
    };
    let signed_in = who.is_some();
    match (signed_in, is_sign_in) {
        (false, false) => {
            let asked = req.uri().path_and_query().map_or(path, |p| p.as_str());
            Redirect::to(&sign_in_url(asked)).into_response()
        }
        (true, true) => {
            let next_page = query_value(req.uri().query(), "next");
            Redirect::to(after_sign_in(next_page.as_deref())).into_response()
        }
        // The backoffice's front door: the dashboard for who serves customers, otherwise the
        // first page the person's role can use.
        (true, false)
            if (path == BACKOFFICE_HOME || path == "/admin/")
                && home_for(who.as_ref().and_then(|w| w.role)) != BACKOFFICE_HOME =>
        {
            Redirect::to(home_for(who.and_then(|w| w.role))).into_response()
        }
        _ => next.run(req).await,
    }
}

fn query_value(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}
