//! Prospects' server side: the booking webhook, the contact form, the notifications.

pub mod booking;
pub mod calendly;
pub mod contact;
pub mod notifier;
pub mod receipts;
