//! Courant's integration tests, in one binary (one link instead of one per file): the real
//! server over HTTP and WebSockets, each test on a fresh SQLite file and a fresh PostgreSQL
//! database.

#[macro_use]
mod common;

mod access;
mod collections;
mod concurrency;
mod feed;
mod group_commit;
mod hardening;
mod live_access;
mod people;
mod processes;
mod sign_in_forms;
mod subscription;
mod sync_loop;
mod webhooks;
