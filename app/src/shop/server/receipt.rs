//! The buyer's confirmation page, `/commande/{number}?cle={key}`: only with the key the
//! checkout gave (a number alone, guessed or read over a shoulder, shows nothing).

use sqlx::Row;

use crate::core::error::AppError;
use crate::core::locale::current;
use crate::core::principal::Principal;
use crate::engine::{store, Engine};
use crate::i18n::*;
use crate::shop::api::Receipt;
use crate::shop::model::{Order, OrderNumber};

pub async fn receipt(
    engine: &Engine,
    who: &Principal,
    number: &str,
    key: &str,
) -> Result<Receipt, AppError> {
    let not_found = || AppError::NotFound(td_string!(current(), shop.receipt.unknown).to_string());
    let number = OrderNumber::parse(number).ok_or_else(not_found)?;
    let row = sqlx::query("SELECT org_id, order_id, secret FROM shop_orders WHERE number = $1")
        .bind(number.as_str())
        .fetch_optional(&engine.db.read)
        .await?
        .ok_or_else(not_found)?;
    let org: crate::core::principal::OrgId = row.try_get("org_id")?;
    let order_id: String = row.try_get("order_id")?;
    let secret: String = row.try_get("secret")?;
    if org != who.org || !same(secret.as_bytes(), key.as_bytes()) {
        return Err(not_found());
    }
    let mut conn = engine.db.read.acquire().await?;
    let stored = store::load_record(&mut conn, org, "orders", &order_id, "")
        .await?
        .ok_or_else(not_found)?;
    let order: Order = serde_json::from_value(serde_json::Value::Object(stored.to_map()))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Receipt {
        number: order.number,
        customer_name: order.customer_name,
        email: order.email,
        lines: order.lines,
        total_cents: order.total_cents,
        status: order.status,
        created_at: order.meta.created_at,
    })
}

/// Equal, in a time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
