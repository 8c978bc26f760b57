//! Server-only side of Courant: storage, the sync engine and the live hub.
//! Plain async Rust, usable and testable without HTTP.

pub mod access;
pub mod accounts;
pub mod csrf;
pub mod db;
pub mod demo;
pub mod dispatch;
pub mod doorbell;
pub mod hub;
pub mod invitations;
pub mod live_config;
pub mod outbound;
pub mod save;
pub mod secrets;
pub mod sessions;
pub mod signin;
pub mod store;
pub mod subscription;
pub mod throttle;
pub mod views;
pub mod webhooks;
pub mod writer;

use std::sync::Arc;

pub use db::{Backend, Db};
pub use hub::Hub;
pub use live_config::LiveConfig;

/// Everything a request needs: the database, the live hub and sign-in state.
#[derive(Clone)]
pub struct Engine {
    pub db: Db,
    pub hub: Hub,
    pub auth: access::Auth,
    pub live: live_config::LiveConfig,
    /// Names this database's change log; a client that saw another one must reload
    /// (the database was replaced or restored) instead of resuming by sequence number.
    pub epoch: Arc<str>,
    /// Tells the other server processes on this PostgreSQL database about new changes.
    pub doorbell: Option<Arc<doorbell::Doorbell>>,
    /// Where the server may send requests of its own (webhooks): public addresses only,
    /// unless set otherwise.
    pub outbound: outbound::OutboundPolicy,
    /// Which visitor saw which public page lately (views count once per period).
    pub views: views::SeenViews,
    /// Group commit on SQLite; `None` on PostgreSQL, where saves run concurrently.
    writer: Option<writer::GroupWriter>,
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
        Engine::start_configured(database_url, with_examples, auth, LiveConfig::default()).await
    }

    /// [`Engine::start_with`] with the live feed's settings. On PostgreSQL (unless
    /// `live.single_node`) the node joins the shared feed of every node on that database.
    pub async fn start_configured(
        database_url: &str,
        with_examples: bool,
        auth: access::AuthConfig,
        live: LiveConfig,
    ) -> Result<Engine, StartError> {
        let db = Db::connect(database_url).await?;
        db.migrate().await?;
        let epoch = store::feed_epoch(&db).await?.into();
        let shared = db.backend == Backend::Postgres && !live.single_node;
        let mut engine = Engine {
            db,
            hub: Hub::default(),
            auth: access::Auth::new(auth),
            live,
            epoch,
            doorbell: shared.then(Default::default),
            outbound: Default::default(),
            views: Default::default(),
            writer: None,
        };
        engine.writer = engine.spawn_writer();
        if let Some(bell) = &engine.doorbell {
            doorbell::spawn(engine.clone(), database_url.to_string(), bell.clone());
        }
        demo::seed_if_empty(&engine, with_examples).await?;
        Ok(engine)
    }
}

impl Engine {
    /// Another engine on this one's database with its own hub and doorbell: what a second
    /// node on the same database is (its publishes reach only its own subscribers).
    pub fn on_same_database(&self, hub: Hub, doorbell: Option<Arc<doorbell::Doorbell>>) -> Engine {
        let mut other = Engine {
            hub,
            doorbell,
            writer: None,
            ..self.clone()
        };
        other.writer = other.spawn_writer();
        other
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
