use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Where the live socket is served; `?since=<seq>` resumes after that sequence.
pub const LIVE_PATH: &str = "/live";
/// Clients only send tiny control messages; anything larger is refused.
pub const MAX_CLIENT_MESSAGE_BYTES: usize = 64 * 1024;

/// Why the server closed a live socket: the Close frame's code, which the page reads to
/// decide what to do (4000–4999 are the application's own).
pub mod close {
    /// The server is stopping or the client went silent: reconnect.
    pub const GOING_AWAY: u16 = 1001;
    /// The server could not start the subscription: reconnect after the usual wait.
    pub const SERVER_ERROR: u16 = 1011;
    /// The page did not take the events sent to it in time (a stalled tab): reconnect and
    /// resume from the log.
    pub const TOO_SLOW: u16 = 4008;
    /// The credential was revoked or its role changed (signed out elsewhere, password
    /// changed, removed): reconnect with whatever rights remain; a page that needed them
    /// offers to sign in again.
    pub const ACCESS_CHANGED: u16 = 4001;
    /// This address has as many live sockets open as the server allows: wait longer before
    /// trying again (another tab or device on the same network holds them).
    pub const TOO_MANY_SOCKETS: u16 = 4029;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeOp {
    Created,
    Updated,
    Deleted,
}

/// One committed change, as stored in the change log and pushed to subscribers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeEvent {
    /// Per-organisation sequence number: strictly increasing, no gaps.
    pub seq: i64,
    pub collection: String,
    pub record_id: String,
    pub op: ChangeOp,
    pub version: i64,
    /// The whole record after the change; `None` for deletions.
    pub data: Option<Value>,
    /// Names of the fields this change wrote.
    pub changed: Vec<String>,
    pub actor: String,
    /// Commit time, milliseconds since the Unix epoch.
    pub at: i64,
}

impl ChangeEvent {
    /// The record after the change, typed; `None` for deletions or another collection's shape.
    pub fn record<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        self.data
            .clone()
            .and_then(|d| serde_json::from_value(d).ok())
    }
}

/// Server → browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    /// First message on every connection: the organisation's current head, and the epoch
    /// to send back when resuming (sequence numbers only mean something within one epoch).
    Hello {
        head: i64,
        head_at: Option<i64>,
        #[serde(default)]
        epoch: String,
    },
    /// A change after the client's `since`, in sequence order, each exactly once.
    Change {
        event: ChangeEvent,
    },
    /// The client's position cannot be resumed from: reload the data, then resume from `head`.
    Resync {
        head: i64,
        reason: String,
    },
    Ping,
    Pong,
}

/// Browser → server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMsg {
    Ping,
    Pong,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_format_is_tagged_and_lowercase() {
        let msg = ServerMsg::Change {
            event: ChangeEvent {
                seq: 7,
                collection: "site_settings".into(),
                record_id: "main".into(),
                op: ChangeOp::Updated,
                version: 2,
                data: Some(serde_json::json!({"tagline": "x"})),
                changed: vec!["tagline".into()],
                actor: "editor".into(),
                at: 1,
            },
        };
        let text = serde_json::to_string(&msg).unwrap();
        assert!(
            text.starts_with(r#"{"type":"change","event":{"seq":7"#),
            "{text}"
        );
        assert!(text.contains(r#""op":"updated""#));
        assert_eq!(serde_json::from_str::<ServerMsg>(&text).unwrap(), msg);
        assert_eq!(
            serde_json::to_string(&ClientMsg::Pong).unwrap(),
            r#"{"type":"pong"}"#
        );
    }
}
