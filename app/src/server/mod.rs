//! Server-only side of Courant: storage, the sync engine and the live hub.
//! Plain async Rust, usable and testable without HTTP.

pub mod access;
pub mod accounts;
pub mod csrf;
pub mod db;
pub mod demo;
pub mod dispatch;
pub mod hub;
pub mod save;
pub mod secrets;
pub mod sessions;
pub mod signin;
pub mod store;
pub mod subscription;
pub mod throttle;
pub mod webhooks;

pub use db::{Backend, Db};
pub use hub::Hub;

/// Everything a request needs: the database, the live hub and sign-in state.
#[derive(Clone)]
pub struct Engine {
    pub db: Db,
    pub hub: Hub,
    pub auth: access::Auth,
}

impl Engine {
    /// Connect, apply migrations and load first-start content (the example team, services
    /// and solutions too when `with_examples`).
    pub async fn start(database_url: &str, with_examples: bool) -> Result<Engine, StartError> {
        Engine::start_with(database_url, with_examples, access::AuthConfig::default()).await
    }

    pub async fn start_with(
        database_url: &str,
        with_examples: bool,
        auth: access::AuthConfig,
    ) -> Result<Engine, StartError> {
        let db = Db::connect(database_url).await?;
        db.migrate().await?;
        let engine = Engine {
            db,
            hub: Hub::default(),
            auth: access::Auth::new(auth),
        };
        demo::seed_if_empty(&engine, with_examples).await?;
        Ok(engine)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open the database: {0}")]
    Connect(#[from] sqlx::Error),
    #[error("cannot apply database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot load first-start content: {0}")]
    Seed(#[from] crate::error::AppError),
}
