//! The engine value every request and background task holds, and how features plug into it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::core::error::AppError;
use crate::core::principal::{OrgId, Principal};
use crate::core::roles::Permission;

use sqlx::AnyConnection;

use super::registry::Registry;
use super::store::LoggedChange;
use super::{doorbell, store, views, writer};

pub use super::db::{Backend, Db};
pub use super::hub::Hub;
pub use super::live_config::LiveConfig;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Says who is asking. Identity provides it; the engine asks it for every server function
/// and live socket, and never looks at sessions or tokens itself.
pub trait Gate: Send + Sync + 'static {
    /// Who sent these request headers, if they may do `permission` (401 or 403 otherwise).
    fn authorize<'a>(
        &'a self,
        engine: &'a Engine,
        request: &'a http::request::Parts,
        permission: Permission,
    ) -> BoxFuture<'a, Result<Principal, AppError>>;

    /// The client's address as the trusted proxies report it (views, throttles).
    fn client_address(&self, engine: &Engine, request: &http::request::Parts) -> String;
}

/// What a feature writes when an organisation is created (its first records, say): inside
/// the creation's transaction, so an organisation never exists without them. Returns the
/// changes it logged, published once committed.
pub type OnNewOrganisation = Arc<
    dyn for<'c> Fn(&'c Db, &'c mut AnyConnection, OrgId, &'c str) -> BoxFuture<'c, HookResult>
        + Send
        + Sync,
>;

/// What an [`OnNewOrganisation`] hook returns.
pub type HookResult = Result<Vec<LoggedChange>, AppError>;

/// Writes a new organisation's own rows in the caller's transaction and returns its id.
pub type InsertOrganisation =
    Box<dyn for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<OrgId, AppError>> + Send>;

/// What a feature adds to every backup besides records (identity: the members and their
/// roles, never a password hash or a secret): rows as JSON objects, for the record only — a
/// restore never applies them.
pub type BackupSection = Arc<
    dyn for<'c> Fn(
            &'c Engine,
            OrgId,
        ) -> BoxFuture<
            'c,
            Result<Vec<serde_json::Map<String, serde_json::Value>>, AppError>,
        > + Send
        + Sync,
>;

/// What the features bring to the engine when it starts.
pub struct Parts {
    pub registry: Registry,
    pub gate: Arc<dyn Gate>,
    /// Each feature's own state, by type (identity's sign-in state, webhooks' address policy).
    pub features: http::Extensions,
    pub on_new_organisation: Vec<OnNewOrganisation>,
    /// What each feature still needs of the change log (retention keeps it).
    pub log_holds: Vec<super::retention::LogHold>,
    /// What changes of a feature's collection mean for a member (its notifications).
    pub notifiers: Vec<(&'static str, super::notifications::Notifier)>,
    /// What backups hold besides records, by section name.
    pub backup_sections: Vec<(&'static str, BackupSection)>,
}

/// Everything a request needs: the database, the live hub, the collections and the features'
/// state.
#[derive(Clone)]
pub struct Engine {
    pub db: Db,
    pub hub: Hub,
    pub live: LiveConfig,
    /// Names this database's change log; a client that saw another one must reload
    /// (the database was replaced or restored) instead of resuming by sequence number.
    pub epoch: Arc<str>,
    /// Tells the other server processes on this PostgreSQL database about new changes.
    pub doorbell: Option<Arc<doorbell::Doorbell>>,
    /// Which visitor saw which public page lately (views count once per period).
    pub views: views::SeenViews,
    /// Live sockets open per client address.
    pub sockets: super::sockets::SocketsPerAddress,
    /// The collections, by name.
    pub registry: Arc<Registry>,
    gate: Arc<dyn Gate>,
    features: Arc<http::Extensions>,
    on_new_organisation: Arc<[OnNewOrganisation]>,
    pub(super) log_holds: Arc<[super::retention::LogHold]>,
    pub(super) notifiers: Arc<[(&'static str, super::notifications::Notifier)]>,
    /// What backups hold besides records ([`Parts::backup_sections`]).
    pub backup_sections: Arc<[(&'static str, BackupSection)]>,
    /// Group commit on SQLite; `None` on PostgreSQL, where saves run concurrently.
    pub(super) writer: Option<writer::GroupWriter>,
}

impl Engine {
    /// Connect, apply migrations, and start the write job and (on PostgreSQL unless
    /// `live.single_node`) the doorbell that joins the shared feed of every node on that
    /// database.
    pub async fn open(
        database_url: &str,
        live: LiveConfig,
        parts: Parts,
    ) -> Result<Engine, StartError> {
        let db = Db::connect(database_url).await?;
        db.migrate().await?;
        let epoch = store::feed_epoch(&db).await?.into();
        let shared = db.backend == Backend::Postgres && !live.single_node;
        let mut registry = parts.registry;
        // The operations log is the engine's: every feature may run an operation.
        registry.add::<crate::core::operation::Operation>();
        let registry = Arc::new(registry);
        let mut engine = Engine {
            db,
            hub: Hub::new(registry.clone()),
            live,
            epoch,
            doorbell: shared.then(Default::default),
            views: Default::default(),
            sockets: Default::default(),
            registry,
            gate: parts.gate,
            features: Arc::new(parts.features),
            on_new_organisation: parts.on_new_organisation.into(),
            log_holds: parts.log_holds.into(),
            notifiers: parts.notifiers.into(),
            backup_sections: parts.backup_sections.into(),
            writer: None,
        };
        engine.writer = engine.spawn_writer();
        if let Some(bell) = &engine.doorbell {
            doorbell::spawn(engine.clone(), database_url.to_string(), bell.clone());
        }
        Ok(engine)
    }

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

    /// A feature's state, put in [`Parts::features`] when the engine started.
    ///
    /// # Panics
    /// If the feature was not started with the engine: a wiring mistake, found by any test.
    pub fn feature<T: Send + Sync + Clone + 'static>(&self) -> &T {
        self.features.get::<T>().unwrap_or_else(|| {
            panic!(
                "{} was not given to the engine when it started",
                std::any::type_name::<T>()
            )
        })
    }

    pub fn gate(&self) -> &dyn Gate {
        &*self.gate
    }

    /// Create an organisation: `insert` writes its own rows, then every feature's hook its
    /// first records, in the order they were given — all in one transaction, so a failure
    /// anywhere leaves nothing (no organisation without its settings, none counted against a
    /// limit). Returns its id once committed and its first changes published.
    pub async fn create_organisation(
        &self,
        name: &str,
        insert: InsertOrganisation,
    ) -> Result<OrgId, AppError> {
        let hooks = self.on_new_organisation.clone();
        let (db, name) = (self.db.clone(), name.to_string());
        // The new organisation's changes are published below, under its id, which the
        // job learns only once it has inserted it: the write itself publishes nothing.
        let (org, changes) = self
            .write(
                crate::core::principal::DEFAULT_ORG,
                move |conn: &mut AnyConnection| {
                    Box::pin(async move {
                        writer::savepoint(conn, "new_organisation").await?;
                        let created = async {
                            let org = insert(conn).await?;
                            let mut changes = Vec::new();
                            for hook in hooks.iter() {
                                changes.extend(hook(&db, conn, org, &name).await?);
                            }
                            Ok::<_, AppError>((org, changes))
                        }
                        .await;
                        writer::end_savepoint(conn, "new_organisation", created.is_ok()).await?;
                        Ok((created?, Vec::new()))
                    })
                },
            )
            .await?;
        writer::publish(&self.hub, self.doorbell.as_deref(), org, &changes);
        Ok(org)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open the database: {0}")]
    Connect(#[from] sqlx::Error),
    #[error("cannot apply database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot load first-start content: {0}")]
    Seed(#[from] AppError),
}
