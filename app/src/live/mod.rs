//! The typed live feed: what travels over the WebSocket, in both directions.

mod protocol;

pub use protocol::{
    ChangeEvent, ChangeOp, ClientMsg, ServerMsg, LIVE_PATH, MAX_CLIENT_MESSAGE_BYTES,
};
