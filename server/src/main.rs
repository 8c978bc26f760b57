use std::process::ExitCode;

use leptos::prelude::get_configuration;
use tracing_subscriber::EnvFilter;

use app::engine::db::DEFAULT_DATABASE_URL;
use app::identity::server::accounts::{ensure_first_admin, FirstAdmin};
use app::startup::Settings;
use server::{serve, AppState};

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .init();

    let mut leptos_options = match get_configuration(None) {
        Ok(conf) => conf.leptos_options,
        Err(e) => return fail(format!("cannot read the Leptos configuration: {e}")),
    };
    leptos_options.hash_files = server::hashed_site(&leptos_options);
    let database_url =
        std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE_URL.to_string());
    let engine = match app::startup::start(&database_url, Settings::from_env()).await {
        Ok(engine) => engine,
        Err(e) => return fail(format!("{e} (DATABASE_URL={database_url})")),
    };
    let first_admin = match (
        std::env::var("COURANT_ADMIN_EMAIL"),
        std::env::var("COURANT_ADMIN_PASSWORD"),
    ) {
        (Ok(email), Ok(password)) => FirstAdmin::Given { email, password },
        _ => FirstAdmin::Generate,
    };
    match ensure_first_admin(&engine, first_admin).await {
        Ok(Some((email, password))) => tracing::warn!(
            "created the first admin: sign in at /signin as {email} with password {password} \
             (shown this once; change it under Account, or start with COURANT_ADMIN_EMAIL and \
             COURANT_ADMIN_PASSWORD set)"
        ),
        Ok(None) => {}
        Err(e) => {
            return fail(format!(
                "cannot create the first admin: {} (check COURANT_ADMIN_EMAIL and COURANT_ADMIN_PASSWORD)",
                e.explain()
            ))
        }
    }
    app::integrations::webhooks::server::deliveries::spawn_worker(
        engine.clone(),
        Default::default(),
    );
    app::engine::retention::spawn(engine.clone());
    app::sync_centre::server::schedule::spawn(engine.clone());
    let addr = leptos_options.site_addr;
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            return fail(format!(
                "cannot listen on {addr}: {e}. Is Courant already running? Set LEPTOS_SITE_ADDR to use another address."
            ))
        }
    };
    tracing::info!(
        "Courant is serving http://{addr} (database: {})",
        engine.db.backend_name()
    );
    match serve(
        listener,
        AppState {
            leptos_options,
            engine,
        },
        shutdown_signal(),
    )
    .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(format!("server error: {e}")),
    }
}

fn fail(message: String) -> ExitCode {
    tracing::error!("{message}");
    eprintln!("courant: {message}");
    ExitCode::FAILURE
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
