//! The engine: saves and their merge over HTTP, the feed (gap-free, resumable), group commit,
//! concurrency, several server processes on one database.

mod concurrency;
mod feed;
mod group_commit;
// Bounded history reads and change-log retention.
mod history;
mod processes;
mod subscription;
mod sync_loop;
