//! Prospects: the booking webhook (signatures, idempotency, reschedules, receipts), the
//! contact form, notifications, and who may see a prospect (never editors or the public).

mod booking;
mod contact;
mod privacy;
