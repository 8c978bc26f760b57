//! An order's status moves forward only (`en attente` → `en cours` → `terminée`, or
//! `annulée`), from the status the operator saw: if a colleague moved it meanwhile, the
//! change is refused as a conflict and the page shows who did what, so no one silently
//! overwrites anyone. A cancellation puts the units back in stock, in the same write.

use sqlx::AnyConnection;

use crate::core::error::AppError;
use crate::core::locale::current;
use crate::core::merge::FieldConflict;
use crate::core::principal::Principal;
use crate::core::validate::FieldError;
use crate::engine::{save, Engine};
use crate::i18n::*;
use crate::shop::model::{Order, OrderStatus, Product};

/// Move order `id` from `seen` (what the operator's page showed) to `to`.
pub async fn set_status(
    engine: &Engine,
    who: &Principal,
    id: String,
    seen: OrderStatus,
    to: OrderStatus,
) -> Result<Order, AppError> {
    let db = engine.db.clone();
    let who = who.clone();
    engine
        .write(who.org, move |conn: &mut AnyConnection| {
            Box::pin(async move {
                crate::engine::writer::savepoint(conn, "order_status").await?;
                let result = set_in(&db, conn, &who, &id, seen, to).await;
                crate::engine::writer::end_savepoint(conn, "order_status", result.is_ok()).await?;
                result
            })
        })
        .await
}

async fn set_in(
    db: &crate::engine::Db,
    conn: &mut AnyConnection,
    who: &Principal,
    id: &str,
    seen: OrderStatus,
    to: OrderStatus,
) -> crate::engine::writer::JobResult<Order> {
    let mut found: Option<OrderStatus> = None;
    let updated = save::update_owned_in::<Order>(db, conn, who, id, |order| {
        found = Some(order.status);
        if order.status == seen && seen.next().contains(&to) {
            order.status = to;
        }
    })
    .await?;
    let current_status = found.unwrap_or(seen);
    if current_status != seen {
        return Err(AppError::Conflict(vec![FieldConflict {
            field: "status".into(),
            base: serde_json::json!(seen.as_str()),
            theirs: serde_json::json!(current_status.as_str()),
            mine: serde_json::json!(to.as_str()),
        }]));
    }
    let Some((order, change)) = updated else {
        return Err(AppError::Validation(vec![FieldError::new(
            "status",
            td_string!(current(), shop.errors.bad_transition).to_string(),
        )]));
    };
    let mut changes = vec![change];
    if to == OrderStatus::Cancelled {
        for line in &order.lines {
            let back = save::update_owned_in::<Product>(db, conn, who, &line.product_id, |p| {
                if let Some(left) = p.stock.as_mut() {
                    *left += line.quantity;
                }
                p.sold_count = (p.sold_count - line.quantity).max(0);
            })
            .await;
            match back {
                Ok(change) => changes.extend(change.map(|(_, c)| c)),
                // A product deleted since: nothing to put back.
                Err(AppError::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok((order, changes))
}
