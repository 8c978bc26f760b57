//! The shop's pages: the public shop, the cart and its checkout, the buyer's confirmation;
//! in the backoffice the products, the orders desk and the dashboard.

pub mod cart_page;
pub mod dashboard_page;
pub mod desk;
pub mod receipt_page;
pub mod shop_page;
pub mod specs;

use crate::core::locale::Locale;
use crate::i18n::*;
use crate::shop::model::OrderStatus;

/// An order's status as people read it.
pub fn status_label(status: OrderStatus, locale: Locale) -> &'static str {
    match status {
        OrderStatus::Pending => td_string!(locale, shop.status.pending),
        OrderStatus::InProgress => td_string!(locale, shop.status.in_progress),
        OrderStatus::Done => td_string!(locale, shop.status.done),
        OrderStatus::Cancelled => td_string!(locale, shop.status.cancelled),
    }
}
