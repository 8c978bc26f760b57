//! Courant's integration tests, in one binary (one link instead of one per file): the real
//! server over HTTP and WebSockets, each test on a fresh SQLite file and a fresh PostgreSQL
//! database.

#[macro_use]
mod common;

// Grouped by the part of Courant they test, like app/src.
mod content;
mod engine;
// Cross-cutting: headers, limits, overflow, what the public may never see.
mod hardening;
mod identity;
mod integrations;
// French by default, English on request: pages and server messages.
mod language;
// Limits under parallel requests, and on input: invitations, webhooks, live sockets.
mod limits;
// Every server function given bodies it cannot read: 4xx, never 500.
mod malformed_bodies;
// Prospects: the booking webhook, the contact form, notifications, privacy.
mod prospects;
// The shop: checkouts, the orders desk, the dashboard.
mod shop;
// The site's files: compression, caching, their own status.
mod static_files;
mod sync_centre;
