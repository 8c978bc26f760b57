//! Two real server processes (the `server` binary, started twice) on one PostgreSQL database:
//! they share nothing but the database, as two nodes behind a reverse proxy do.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use app::core::protocol::{ChangeOp, ServerMsg};

use crate::common::{fresh_database, next_msg, Backend, Ws};

const EMAIL: &str = "nodes@courant.test";
const PASSWORD: &str = "two nodes, one feed";

/// A running `server` process, killed when dropped.
struct Node {
    child: Child,
    base: String,
    http: reqwest::Client,
    /// The session cookie, once signed in.
    cookie: String,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Node {
    async fn start(database_url: &str) -> Node {
        // Port 0 cannot be passed on: take a free port and hand it over.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_server"))
            .env("DATABASE_URL", database_url)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_OUTPUT_NAME", "courant")
            .env("COURANT_DEMO_CONTENT", "0")
            .env("COURANT_ADMIN_EMAIL", EMAIL)
            .env("COURANT_ADMIN_PASSWORD", PASSWORD)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("the server binary starts");
        let node = Node {
            child,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
            cookie: String::new(),
        };
        for _ in 0..200 {
            if let Ok(res) = node.http.get(format!("{}/healthz", node.base)).send().await {
                if res.status().is_success() {
                    return node;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server on port {port} did not answer /healthz within 20 s");
    }

    async fn sign_in(&mut self) {
        let res = self
            .http
            .post(format!("{}/api/auth/sign_in", self.base))
            .form(&[("email", EMAIL), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "sign in: {}", res.status());
        self.cookie = res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
    }

    async fn sync(&self, body: Value) -> Value {
        let res = self
            .http
            .post(format!("{}/api/sync", self.base))
            .header("cookie", &self.cookie)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        assert!(status.is_success(), "sync: {status} {body}");
        body
    }

    async fn describe(&self, id: &str, from: &str, to: &str) -> i64 {
        let res = self
            .sync(json!({
                "collection": "services",
                "op": "update",
                "payload": {"id": id, "base_version": 0,
                            "changes": {"description": {"from": from, "to": to}}},
            }))
            .await;
        res["seq"].as_i64().expect("a saved change's seq")
    }

    /// A public socket at the head, its hello read.
    async fn public_socket(&self) -> Ws {
        let url = format!("{}/live?audience=public", self.base.replace("http", "ws"));
        let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        assert!(matches!(next_msg(&mut ws).await, ServerMsg::Hello { .. }));
        ws
    }
}

/// The next change: its sequence number and description.
async fn next_description(ws: &mut Ws) -> (i64, String) {
    match next_msg(ws).await {
        ServerMsg::Change { event } => {
            assert_eq!(event.op, ChangeOp::Updated);
            let data = event.data.expect("an update carries the record");
            (event.seq, data["description"].as_str().unwrap().to_string())
        }
        other => panic!("expected a change, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_on_one_process_reaches_a_subscriber_on_the_other() {
    let url = fresh_database(Backend::Postgres).await;
    // One after the other: the first creates the schema and the admin.
    let mut a = Node::start(&url).await;
    let mut b = Node::start(&url).await;
    a.sign_in().await;
    b.sign_in().await;
    let created = a
        .sync(json!({
            "collection": "services",
            "op": "create",
            "payload": {"name": "Shared", "description": "d0", "price_cents": 100, "published": true},
        }))
        .await;
    let id = created["record"]["id"].as_str().unwrap().to_string();

    let mut on_a = a.public_socket().await;
    let mut on_b = b.public_socket().await;
    let first = a.describe(&id, "d0", "saved on A").await;
    assert_eq!(
        next_description(&mut on_b).await,
        (first, "saved on A".into())
    );
    assert_eq!(
        next_description(&mut on_a).await,
        (first, "saved on A".into())
    );

    let second = b.describe(&id, "saved on A", "saved on B").await;
    assert_eq!(second, first + 1, "one gap-free sequence across processes");
    assert_eq!(
        next_description(&mut on_a).await,
        (second, "saved on B".into())
    );
    assert_eq!(
        next_description(&mut on_b).await,
        (second, "saved on B".into())
    );

    // A node going away takes nothing from the other.
    drop(on_a);
    drop(a);
    let third = b.describe(&id, "saved on B", "A is gone").await;
    assert_eq!(
        next_description(&mut on_b).await,
        (third, "A is gone".into())
    );
}
