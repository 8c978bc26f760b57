//! One live subscriber: open the socket like a browser would, then note the sequence number
//! and arrival time of every change frame.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use futures::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::Error;

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// What one subscriber saw.
#[derive(Default)]
pub struct Received {
    /// (sequence number, microseconds since the run's clock started), in arrival order.
    pub events: Vec<(i64, u64)>,
    pub resyncs: u32,
    /// The server closed the socket before the run ended.
    pub closed: bool,
}

/// Open `/live` (staff sockets carry the session cookie) and wait for the greeting.
pub async fn connect(base: &str, staff: bool, cookie: &str) -> Result<Socket, Error> {
    let ws_base = base.replacen("http", "ws", 1);
    let url = if staff {
        format!("{ws_base}/live?audience=staff")
    } else {
        format!("{ws_base}/live")
    };
    let mut request = url.into_client_request()?;
    if staff {
        request.headers_mut().insert("cookie", cookie.parse()?);
    }
    // Small buffers: thousands of these share one process.
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0);
    let (mut socket, _) =
        tokio_tungstenite::connect_async_with_config(request, Some(config), true).await?;
    match socket.next().await {
        Some(Ok(Message::Text(t))) if t.starts_with(r#"{"type":"hello""#) => Ok(socket),
        other => Err(format!("expected hello, got {other:?}").into()),
    }
}

/// Read until `stop` turns true or the server closes.
pub async fn receive(
    mut socket: Socket,
    clock: Instant,
    delivered: Arc<AtomicU64>,
    mut stop: watch::Receiver<bool>,
) -> Received {
    let mut got = Received::default();
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            frame = socket.next() => match frame {
                Some(Ok(Message::Text(text))) => {
                    // The sync centre's log of what the server did (a booking received) is
                    // bookkeeping, not the data a page shows: not counted.
                    if text.contains(OPERATIONS) {
                        continue;
                    }
                    if let Some(seq) = change_seq(&text) {
                        got.events.push((seq, clock.elapsed().as_micros() as u64));
                        delivered.fetch_add(1, Ordering::Relaxed);
                    } else if text.starts_with(r#"{"type":"resync""#) {
                        got.resyncs += 1;
                    } else if text.starts_with(r#"{"type":"ping""#) {
                        let _ = socket.send(Message::text(r#"{"type":"pong"}"#)).await;
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => {
                    got.closed = true;
                    break;
                }
            },
        }
    }
    got
}

/// How a change frame of the operations log names its collection.
const OPERATIONS: &str = r#""collection":"sync_operations""#;

/// The sequence number of a change frame, read without parsing the whole JSON (the load
/// generator must not be the bottleneck at 10,000 subscribers).
pub fn change_seq(frame: &str) -> Option<i64> {
    let rest = frame.strip_prefix(r#"{"type":"change","event":{"seq":"#)?;
    let end = rest.find(|c: char| !c.is_ascii_digit())?;
    rest[..end].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_sequence_of_change_frames_only() {
        let frame = app::engine::hub::change_frame(&app::core::protocol::ChangeEvent {
            seq: 4711,
            collection: "services".into(),
            record_id: "x".into(),
            op: app::core::protocol::ChangeOp::Updated,
            version: 2,
            data: None,
            changed: vec![],
            actor: "a".into(),
            at: 0,
        });
        assert_eq!(change_seq(&frame), Some(4711));
        assert_eq!(change_seq(r#"{"type":"hello","head":3}"#), None);
    }
}
