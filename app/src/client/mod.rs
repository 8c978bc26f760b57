//! Reactive client state shared by pages: the live feed and the save hook. Safe to create
//! during server rendering, where the feed stays idle.

pub mod cart;
mod feed;
pub mod islands;
pub mod list;
pub mod queue;
mod socket;
mod sync;

pub use feed::{provide_live_feed, use_live_feed, use_live_record, FeedStatus, LiveFeed};
pub use sync::{current_realtime_sync, provide_sync_slot, use_realtime_sync, RealtimeSync};
