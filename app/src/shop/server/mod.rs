//! The shop's server side: the checkout, the orders' statuses, the buyer's confirmation,
//! the notifications, the dashboard's figures.

pub mod checkout;
pub mod dashboard;
pub mod demo;
pub mod notifier;
pub mod receipt;
pub mod status;
