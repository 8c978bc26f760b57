//! The shop's own server functions: the checkout and the buyer's confirmation (the public),
//! an order's status (operators and admins), the dashboard's figures (whoever reads
//! customers). Products' and orders' lists, edits, history and restore go through the
//! generic functions (engine/api.rs), which check the collections' permissions.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::core::error::AppError;
use crate::shop::model::{Order, OrderLine, OrderStatus};

#[cfg(feature = "ssr")]
use crate::core::roles::Permission;

/// One product and how many, as the cart sends it: the server prices it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub product_id: String,
    pub quantity: i64,
}

/// The order made: its number, and the key of its confirmation page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placed {
    pub number: String,
    pub key: String,
}

/// What the buyer sees of their order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub number: String,
    pub customer_name: String,
    pub email: String,
    pub lines: Vec<OrderLine>,
    pub total_cents: i64,
    pub status: OrderStatus,
    pub created_at: i64,
}

/// One day of the dashboard's chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Day {
    pub start: i64,
    pub orders: i64,
    pub revenue_cents: i64,
}

/// The dashboard's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Figures {
    pub orders_today: i64,
    pub revenue_today_cents: i64,
    pub pending: i64,
    pub prospects_today: i64,
    pub days: Vec<Day>,
}

/// Place an order. `key` is the checkout's own (made when its form opened): the same key
/// sent again returns the same order.
#[server(endpoint = "shop/checkout", input = Json)]
pub async fn checkout(
    lines: Vec<CartLine>,
    name: String,
    email: String,
    #[server(default)] phone: String,
    #[server(default)] notes: String,
    key: String,
) -> Result<Placed, AppError> {
    use crate::shop::server::checkout as c;
    crate::engine::server_fn::with_access(Permission::ReadPublic, |engine, who| async move {
        let address = crate::engine::server_fn::visitor(&engine);
        let customer = c::Customer {
            name,
            email,
            phone,
            notes,
        };
        c::checkout(&engine, &who, &address, lines, customer, key).await
    })
    .await
}

/// The buyer's confirmation: only with the key their checkout gave.
#[server(endpoint = "shop/receipt", input = Json)]
pub async fn order_receipt(number: String, key: String) -> Result<Receipt, AppError> {
    crate::engine::server_fn::with_access(Permission::ReadPublic, |engine, who| async move {
        crate::shop::server::receipt::receipt(&engine, &who, &number, &key).await
    })
    .await
}

/// Move an order from the status the page showed (`seen`) to `to`.
#[server(endpoint = "shop/status", input = Json)]
pub async fn set_order_status(
    id: String,
    seen: OrderStatus,
    to: OrderStatus,
) -> Result<Order, AppError> {
    crate::engine::server_fn::with_access(Permission::WriteCustomers, |engine, who| async move {
        crate::shop::server::status::set_status(&engine, &who, id, seen, to).await
    })
    .await
}

/// Today's figures and the last 14 days' orders.
#[server(endpoint = "shop/dashboard")]
pub async fn dashboard() -> Result<Figures, AppError> {
    crate::engine::server_fn::with_access(Permission::ReadCustomers, |engine, who| async move {
        crate::shop::server::dashboard::figures(&engine, &who).await
    })
    .await
}
