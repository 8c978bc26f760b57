//! Small components every feature's pages use: dialogs, fields, the sync indicator, and the
//! page's hydration state.

pub mod backup_badge;
pub mod cart_badge;
pub mod dialog;
pub mod field;
pub mod hydrated;
pub mod indicator;
pub mod language_switch;
pub mod lazy_island;
pub mod lazy_page;
pub mod not_found;
pub mod notification_bell;
pub mod toast;
