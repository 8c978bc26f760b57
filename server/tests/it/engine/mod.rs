//! The engine: saves and their merge over HTTP, the feed (gap-free, resumable), group commit,
//! concurrency, several server processes on one database.

mod concurrency;
mod feed;
mod group_commit;
mod processes;
mod subscription;
mod sync_loop;
