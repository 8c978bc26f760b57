//! `spawn_app()`: a real server on port 0 over a fresh database of either back end.
#![allow(dead_code)]

/// Run each listed `async fn name(backend)` as two tests, `sqlite::name` and `postgres::name`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name($crate::common::Backend::Sqlite).await } )*
        }
        mod postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name($crate::common::Backend::Postgres).await } )*
        }
    };
}

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use leptos::prelude::LeptosOptions;
use serde_json::{json, Value};
use sqlx::{Connection, Executor, PgConnection};
use tokio::net::TcpStream;
use tokio_tungstenite::{tungstenite::Message, MaybeTlsStream, WebSocketStream};

use app::core::protocol::ServerMsg;
use app::core::roles::Role;
use app::engine::{Engine, LiveConfig};
use app::identity::server::access::AuthConfig;
use app::identity::server::{accounts, sessions};
use app::integrations::webhooks::server::outbound::OutboundPolicy;
use app::startup::Settings;
pub use app::sync_centre::server::config::BackupConfig;
use server::{serve, AppState};

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub database_url: String,
    pub engine: Engine,
    /// Signed in as the default organisation's admin (an API token).
    pub http: reqwest::Client,
    pub admin_id: i64,
    pub admin_token: String,
    /// No credentials: a public visitor or a script without a token.
    pub anon: reqwest::Client,
    /// Where this server writes its backups.
    pub backup_dir: std::path::PathBuf,
    /// The site's files (LEPTOS_SITE_ROOT): a directory of this server's own, absent until a
    /// test writes in it.
    pub site_root: std::path::PathBuf,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

pub const ADMIN_EMAIL: &str = "admin@courant.test";
pub const PASSWORD: &str = "correct horse battery";

/// A user with `role` in `org` (created if needed); their id.
pub async fn member(engine: &Engine, email: &str, org: i64, role: Role) -> i64 {
    let mut conn = engine.db.read.acquire().await.unwrap();
    let existing = accounts::find_by_email(&mut conn, email).await.unwrap();
    drop(conn);
    let user = match existing {
        Some((id, _)) => id,
        None => accounts::create_user(engine, email, PASSWORD)
            .await
            .unwrap(),
    };
    accounts::set_membership(engine, org, user, role)
        .await
        .unwrap();
    user
}

/// A user with `role` in `org` (created if needed) and an API token of theirs for it.
pub async fn member_with_token(engine: &Engine, email: &str, org: i64, role: Role) -> String {
    let user = member(engine, email, org, role).await;
    sessions::create_token(engine, user, org, "tests")
        .await
        .unwrap()
        .1
}

/// The tests read the server's messages in English, as a browser set to English asks for
/// them (French, the default, is checked in `identity::language`).
pub fn english_headers() -> reqwest::header::HeaderMap {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::ACCEPT_LANGUAGE, "en".parse().unwrap());
    headers
}

/// A client asking for English, with no credentials.
pub fn english_client() -> reqwest::Client {
    reqwest::Client::builder()
        .default_headers(english_headers())
        .build()
        .unwrap()
}

/// A client that sends `Authorization: Bearer <token>` on every request.
pub fn client_with_token(token: &str) -> reqwest::Client {
    let mut headers = english_headers();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap()
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// Where PostgreSQL is; tests create their own database on it.
pub fn postgres_base_url() -> String {
    std::env::var("COURANT_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// A fresh, empty database URL of the given back end.
pub async fn fresh_database(backend: Backend) -> String {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join("courant-tests");
            std::fs::create_dir_all(&dir).unwrap();
            format!("sqlite://{}/{}.db", dir.display(), unique("t"))
        }
        Backend::Postgres => {
            let base = postgres_base_url();
            let mut admin = PgConnection::connect(&format!("{base}/postgres")).await.unwrap_or_else(|e| {
                panic!(
                    "PostgreSQL is not reachable at {base} ({e}). Start it (on Debian: \
                     pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) \
                     or point COURANT_TEST_POSTGRES_URL at a server where user postgres may create databases."
                )
            });
            let name = unique("courant_test");
            admin
                .execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
                .await
                .unwrap();
            format!("{base}/{name}")
        }
    }
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_on(fresh_database(backend).await).await
}

pub async fn spawn_app_on(database_url: String) -> TestApp {
    spawn_app_with(database_url, AuthConfig::default()).await
}

pub async fn spawn_app_with(database_url: String, auth: AuthConfig) -> TestApp {
    spawn_app_configured(database_url, auth, LiveConfig::default()).await
}

/// A server whose live feed has these settings.
pub async fn spawn_app_live(backend: Backend, live: LiveConfig) -> TestApp {
    spawn_app_configured(fresh_database(backend).await, AuthConfig::default(), live).await
}

pub async fn spawn_app_configured(
    database_url: String,
    auth: AuthConfig,
    live: LiveConfig,
) -> TestApp {
    // Tests' webhook receivers listen on loopback, as COURANT_WEBHOOK_ALLOW_PRIVATE=1 allows.
    let local = OutboundPolicy {
        allow_private: true,
        ..Default::default()
    };
    spawn_app_sending_to(database_url, auth, live, local).await
}

/// A server behind one trusted proxy: a test names the visitor's address in
/// `X-Forwarded-For` ([`TestApp::visit`]).
pub async fn spawn_app_behind_proxy(backend: Backend) -> TestApp {
    let auth = AuthConfig {
        trusted_proxies: 1,
        ..Default::default()
    };
    spawn_app_with(fresh_database(backend).await, auth).await
}

/// A server that refuses private and local webhook addresses, as in production.
pub async fn spawn_app_public_only(backend: Backend) -> TestApp {
    let database_url = fresh_database(backend).await;
    let policy = OutboundPolicy::default();
    spawn_app_sending_to(
        database_url,
        AuthConfig::default(),
        LiveConfig::default(),
        policy,
    )
    .await
}

pub async fn spawn_app_sending_to(
    database_url: String,
    auth: AuthConfig,
    live: LiveConfig,
    outbound: OutboundPolicy,
) -> TestApp {
    spawn_app_full(database_url, auth, live, outbound, test_backups()).await
}

/// Backups in a directory of the test's own, with a one-second shortest schedule and a
/// 256 KiB upload limit (so "ten times too large" is quick to send).
pub fn test_backups() -> BackupConfig {
    BackupConfig {
        dir: std::env::temp_dir().join(unique("courant_backups")),
        min_every_secs: 1,
        tick: std::time::Duration::from_millis(100),
        max_upload_bytes: 256 * 1024,
    }
}

/// A server whose backups have these settings.
pub async fn spawn_app_backing_up(backend: Backend, backups: BackupConfig) -> TestApp {
    let local = OutboundPolicy {
        allow_private: true,
        ..Default::default()
    };
    let url = fresh_database(backend).await;
    spawn_app_full(
        url,
        AuthConfig::default(),
        LiveConfig::default(),
        local,
        backups,
    )
    .await
}

pub async fn spawn_app_full(
    database_url: String,
    auth: AuthConfig,
    live: LiveConfig,
    outbound: OutboundPolicy,
    backups: BackupConfig,
) -> TestApp {
    let backup_dir = backups.dir.clone();
    let settings = Settings {
        with_examples: false,
        auth,
        live,
        outbound,
        backups,
    };
    let engine = app::startup::start(&database_url, settings)
        .await
        .expect("engine starts");
    let admin_id = member(&engine, ADMIN_EMAIL, 1, Role::Admin).await;
    let admin_token = sessions::create_token(&engine, admin_id, 1, "tests")
        .await
        .unwrap()
        .1;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let site_root = std::env::temp_dir().join(unique("courant_site"));
    let leptos_options = LeptosOptions::builder()
        .output_name("courant")
        .site_addr(addr)
        .site_root(site_root.to_string_lossy().to_string())
        .build();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let state = AppState {
        leptos_options,
        engine: engine.clone(),
    };
    tokio::spawn(async move {
        serve(listener, state, async {
            let _ = rx.await;
        })
        .await
        .unwrap()
    });
    TestApp {
        addr,
        database_url,
        engine,
        http: client_with_token(&admin_token),
        admin_id,
        admin_token,
        anon: english_client(),
        backup_dir,
        site_root,
        _shutdown: tx,
    }
}

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Call a JSON server function; returns the status and the JSON answer.
    pub async fn call(&self, path: &str, body: Value) -> (u16, Value) {
        let res = self
            .http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Call a server function that takes form-encoded arguments.
    pub async fn call_form(&self, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let res = self
            .http
            .post(self.url(path))
            .form(form)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Call a JSON server function as the browser session `session` (a cookie's secret).
    pub async fn call_as(&self, session: &str, path: &str, body: Value) -> (u16, Value) {
        let req = self.anon.post(self.url(path)).json(&body);
        answer(req.header("cookie", format!("courant_session={session}"))).await
    }

    /// Call a form-encoded server function as the browser session `session`.
    pub async fn call_form_as(
        &self,
        session: &str,
        path: &str,
        form: &[(&str, &str)],
    ) -> (u16, Value) {
        let req = self.anon.post(self.url(path)).form(form);
        answer(req.header("cookie", format!("courant_session={session}"))).await
    }

    /// Call a public server function as the visitor at `address` (a server from
    /// [`spawn_app_behind_proxy`] takes it from `X-Forwarded-For`).
    pub async fn visit(&self, path: &str, form: &[(&str, &str)], address: &str) -> (u16, Value) {
        let req = self.anon.post(self.url(path)).form(form);
        answer(req.header("x-forwarded-for", address)).await
    }

    /// A browser session of `user`'s, switched to `org`.
    pub async fn session_of(&self, user: i64, org: i64) -> String {
        sessions::open_session(&self.engine, user, org)
            .await
            .unwrap()
    }

    /// Sign in the way a script does (the server function, form-encoded, no cookie yet).
    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.anon
            .post(self.url("/api/auth/sign_in"))
            .form(&[("email", email), ("password", password)])
            .send()
            .await
            .unwrap()
    }

    /// A public socket opened at the current head, its hello already read; and that head.
    pub async fn public_socket_at_head(&self) -> (i64, Ws) {
        let head = self.head().await;
        let mut ws = self.live_as(head, "public").await;
        next_msg(&mut ws).await;
        (head, ws)
    }

    /// A live socket with the admin's token.
    pub async fn live_as(&self, since: i64, audience: &str) -> Ws {
        self.live_with(since, audience, Some(&self.admin_token), None)
            .await
            .expect("live socket opens")
    }

    /// Open a live socket with an optional token and `Origin`; the handshake's HTTP status if
    /// it is refused.
    pub async fn live_with(
        &self,
        since: i64,
        audience: &str,
        token: Option<&str>,
        origin: Option<&str>,
    ) -> Result<Ws, u16> {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let url = format!("ws://{}/live?since={since}&audience={audience}", self.addr);
        let mut req = url.into_client_request().unwrap();
        if let Some(token) = token {
            req.headers_mut()
                .insert("authorization", format!("Bearer {token}").parse().unwrap());
        }
        if let Some(origin) = origin {
            req.headers_mut().insert("origin", origin.parse().unwrap());
        }
        match tokio_tungstenite::connect_async(req).await {
            Ok((ws, _)) => Ok(ws),
            Err(tokio_tungstenite::tungstenite::Error::Http(res)) => Err(res.status().as_u16()),
            Err(e) => panic!("live socket failed: {e}"),
        }
    }

    /// A staff live socket opened with a browser session's cookie, its hello read.
    pub async fn live_with_session(&self, session: &str) -> Ws {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let url = format!("ws://{}/live?audience=staff", self.addr);
        let mut req = url.into_client_request().unwrap();
        req.headers_mut().insert(
            "cookie",
            format!("courant_session={session}").parse().unwrap(),
        );
        let (mut ws, _) = tokio_tungstenite::connect_async(req)
            .await
            .expect("live socket opens");
        assert!(matches!(next_msg(&mut ws).await, ServerMsg::Hello { .. }));
        ws
    }

    /// Call the save server function over HTTP as the browser does.
    pub async fn save(&self, changes: Value) -> (u16, Value) {
        let edit = json!({ "edit": { "id": "main", "base_version": 0, "changes": changes } });
        let res = self
            .http
            .post(self.url("/api/settings/save"))
            .json(&edit)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Change one text field from its stored value.
    pub async fn set_field(&self, field: &str, to: &str) -> (u16, Value) {
        let from = self.settings().await[field].clone();
        self.save(json!({ field: { "from": from, "to": to } }))
            .await
    }

    /// The settings snapshot as the public page reads it.
    pub async fn snapshot(&self) -> Value {
        let res = self
            .http
            .post(self.url("/api/settings/public"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    pub async fn settings(&self) -> Value {
        self.snapshot().await["record"].clone()
    }

    /// The settings as the backoffice sees them (staff-only fields too).
    pub async fn staff_settings(&self) -> Value {
        self.call_form("/api/settings/edit", &[]).await.1["record"].clone()
    }

    pub async fn head(&self) -> i64 {
        self.snapshot().await["seq"].as_i64().unwrap()
    }

    pub async fn live(&self, since: i64) -> Ws {
        let (ws, _) =
            tokio_tungstenite::connect_async(format!("ws://{}/live?since={since}", self.addr))
                .await
                .expect("live socket opens");
        ws
    }

    /// Rows of the change log as (seq, version, op), in order.
    pub async fn change_log(&self) -> Vec<(i64, i64, String)> {
        sqlx::query_as::<_, (i64, i64, String)>(
            "SELECT seq, version, op FROM change_log WHERE org_id = 1 ORDER BY seq",
        )
        .fetch_all(&self.engine.db.read)
        .await
        .unwrap()
    }
}

/// The next message from the server that is not a heartbeat.
/// The status and the JSON answer (the error's text as a JSON string when it is not JSON).
async fn answer(req: reqwest::RequestBuilder) -> (u16, Value) {
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Wait (at most 5 s) for the server to close this socket.
pub async fn expect_closed(ws: &mut Ws) {
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match ws.next().await {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the socket was not closed");
}

pub async fn next_msg(ws: &mut Ws) -> ServerMsg {
    next_msg_within(ws, 5).await
}

/// [`next_msg`], waiting up to `secs` for it.
pub async fn next_msg_within(ws: &mut Ws, secs: u64) -> ServerMsg {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(secs), ws.next())
            .await
            .unwrap_or_else(|_| panic!("a live message within {secs} s"))
            .expect("socket still open")
            .expect("no socket error");
        if let Message::Text(text) = msg {
            match serde_json::from_str::<ServerMsg>(&text).expect("a ServerMsg") {
                ServerMsg::Ping => ws.send(Message::text(r#"{"type":"pong"}"#)).await.unwrap(),
                other => return other,
            }
        }
    }
}

/// Sequence numbers of the next `n` change messages.
pub async fn next_changes(ws: &mut Ws, n: usize) -> Vec<i64> {
    next_changes_within(ws, n, 5).await
}

/// [`next_changes`], waiting up to `secs` for each.
pub async fn next_changes_within(ws: &mut Ws, n: usize, secs: u64) -> Vec<i64> {
    let mut seqs = Vec::new();
    while seqs.len() < n {
        match next_msg_within(ws, secs).await {
            ServerMsg::Change { event } => seqs.push(event.seq),
            ServerMsg::Hello { .. } => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    seqs
}

/// Nothing but heartbeats arrives for `ms` milliseconds.
/// The raw text of the frames `ws` receives until one holds `needle` (5 s at most each):
/// what a socket was sent, as a browser would read it.
pub async fn frames_until(ws: &mut Ws, needle: &str) -> String {
    let mut frames = String::new();
    while !frames.contains(needle) {
        let frame = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .unwrap_or_else(|_| panic!("no frame with {needle} within 5 s; got {frames}"))
            .unwrap()
            .unwrap();
        frames.push_str(&frame.into_text().unwrap());
    }
    frames
}

pub async fn expect_quiet(ws: &mut Ws, ms: u64) {
    if let Ok(msg) = tokio::time::timeout(Duration::from_millis(ms), next_msg(ws)).await {
        panic!("expected no message, got {msg:?}");
    }
}

/// The field names of a 422 answer, in order.
pub fn validation_fields(body: &Value) -> Vec<&str> {
    body["Validation"]
        .as_array()
        .expect("a Validation error")
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect()
}

/// Make the database refuse every `event` (`INSERT` or `UPDATE`) on `table` for which `when`
/// holds (a condition on `NEW`), as a full disk or a broken connection would at that step;
/// [`remove_failure`] takes it away.
pub async fn inject_failure(app: &TestApp, name: &str, event: &str, table: &str, when: &str) {
    use sqlx::Executor;
    let pool = &app.engine.db.write;
    match app.engine.db.backend {
        app::engine::Backend::Sqlite => {
            pool.execute(
                format!(
                    "CREATE TRIGGER {name} BEFORE {event} ON {table} WHEN {when} \
                     BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
                )
                .as_str(),
            )
            .await
            .unwrap();
        }
        app::engine::Backend::Postgres => {
            pool.execute(
                format!(
                    "CREATE FUNCTION {name}() RETURNS trigger AS $$ \
                     BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql"
                )
                .as_str(),
            )
            .await
            .unwrap();
            pool.execute(
                format!(
                    "CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW \
                     WHEN ({when}) EXECUTE FUNCTION {name}()"
                )
                .as_str(),
            )
            .await
            .unwrap();
        }
    }
}

/// Take away a failure [`inject_failure`] made.
pub async fn remove_failure(app: &TestApp, name: &str, table: &str) {
    use sqlx::Executor;
    let statement = match app.engine.db.backend {
        app::engine::Backend::Sqlite => format!("DROP TRIGGER {name}"),
        app::engine::Backend::Postgres => format!("DROP TRIGGER {name} ON {table}"),
    };
    app.engine
        .db
        .write
        .execute(statement.as_str())
        .await
        .unwrap();
}

/// What Chromium sends with a form submission or a link.
pub const HTML: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/// Where a redirect sends the browser.
pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get(reqwest::header::LOCATION)
        .unwrap_or_else(|| panic!("no Location on a {} answer", res.status()))
        .to_str()
        .unwrap()
        .to_string()
}
