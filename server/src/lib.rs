//! Courant's HTTP server: one router assembled from the Leptos app, the live socket and
//! health checks, over one shared state.

pub mod booking_hook;
pub mod cross_site;
pub mod limits;
pub mod live_socket;
pub mod request_locale;
pub mod request_log;
pub mod security_headers;
pub mod sign_in_gate;
pub mod sync_routes;

use axum::extract::FromRef;
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};

use app::core::protocol::LIVE_PATH;
use app::engine::Engine;
use app::{shell, App};

/// Largest request body accepted anywhere (server functions, forms).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub engine: Engine,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let engine = state.engine.clone();
    let options = state.leptos_options.clone();
    let site_root = state.leptos_options.site_root.to_string();
    Router::new()
        .route(LIVE_PATH, get(live_socket::upgrade))
        .route("/healthz", get(|| async { "ok" }))
        .route(
            "/hooks/booking/{key}",
            axum::routing::post(booking_hook::receive),
        )
        .route(
            &format!("{}/{{id}}", app::sync_centre::api::FILE_PATH),
            get(sync_routes::download),
        )
        .route(app::sync_centre::api::EXPORT_PATH, get(sync_routes::export))
        .route(
            app::sync_centre::api::LOGS_CSV_PATH,
            get(sync_routes::logs_csv),
        )
        .route(
            app::sync_centre::api::IMPORT_PATH,
            axum::routing::post(sync_routes::import),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(engine.clone()),
            move || shell(options.clone()),
        )
        // The site's files (the build's /pkg, public/), precompressed when the client takes
        // brotli or gzip, with conditional requests; anything else is Leptos's not-found page
        // (leptos_axum's handler, reached only once ServeDir found no file). Its own file
        // serving is not used: it answered a file with the status of the page rendered before
        // it on the same thread (a 403 page made the next .wasm a 403), and it ignored
        // conditional requests.
        .fallback_service(
            tower_http::services::ServeDir::new(site_root)
                .precompressed_br()
                .precompressed_gzip()
                .call_fallback_on_method_not_allowed(true)
                .fallback(axum::handler::Handler::with_state(
                    leptos_axum::file_and_error_handler::<AppState, _>(shell),
                    state.clone(),
                )),
        )
        // A server function called with GET, a page posted to: say which method works.
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            sign_in_gate::gate_backoffice,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            cross_site::refuse_cross_site,
        ))
        .layer(axum::middleware::from_fn(limits::limit_body))
        .layer(axum::middleware::from_fn(
            security_headers::add_security_headers,
        ))
        .layer(axum::middleware::from_fn(
            request_locale::answer_in_asked_language,
        ))
        .layer(request_log::layer())
        .with_state(state)
}

/// 405 with the allowed method and a message in the request's language, instead of axum's
/// empty answer.
async fn method_not_allowed(method: axum::http::Method) -> axum::response::Response {
    use axum::response::IntoResponse;
    let allow = if method == axum::http::Method::POST {
        "GET, HEAD"
    } else {
        "POST"
    };
    (
        [(axum::http::header::ALLOW, allow)],
        app::core::error::AppError::MethodNotAllowed,
    )
        .into_response()
}

/// Serve until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    // Live events are small writes that must leave at once: with Nagle's algorithm a second
    // event waits for the first one's ACK, which the client may delay by 40 ms.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!(error = %e, "cannot set TCP_NODELAY");
        }
    });
    // The peer address is what sign-in throttling counts per client.
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Whether the site's files carry hashes in their names (cargo-leptos's `hash-files`): as
/// `LEPTOS_HASH_FILES` says when set (`cargo leptos serve` sets it); otherwise, for the binary
/// started by itself (the tests, a deployment), when the build left its list of hashes
/// (`hash.txt`) beside the binary and no unhashed main script in the site.
pub fn hashed_site(options: &leptos::config::LeptosOptions) -> bool {
    if let Ok(set) = std::env::var("LEPTOS_HASH_FILES") {
        return set == "true";
    }
    let beside_binary = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join(options.hash_file.as_ref())))
        .is_some_and(|f| f.is_file());
    let plain_script = std::path::Path::new(options.site_root.as_ref())
        .join(options.site_pkg_dir.as_ref())
        .join(format!("{}.js", options.output_name))
        .is_file();
    beside_binary && !plain_script
}
