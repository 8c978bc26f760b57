//! The dashboard's figures: today's orders and revenue, pending orders, today's new
//! prospects, and orders per day over the last 14 days. Days are the server's UTC days.

use crate::core::error::AppError;
use crate::core::principal::Principal;
use crate::core::time::now_ms;
use crate::engine::{store, Engine};
use crate::shop::api::{Day, Figures};
use crate::shop::model::{Order, OrderStatus};

const DAY_MS: i64 = 86_400_000;
pub const DAYS: usize = 14;

pub async fn figures(engine: &Engine, who: &Principal) -> Result<Figures, AppError> {
    let now = now_ms();
    let today = now - now.rem_euclid(DAY_MS);
    let first = today - (DAYS as i64 - 1) * DAY_MS;
    let mut days: Vec<Day> = (0..DAYS as i64)
        .map(|i| Day {
            start: first + i * DAY_MS,
            orders: 0,
            revenue_cents: 0,
        })
        .collect();
    let mut conn = engine.db.read.acquire().await?;
    let mut pending = 0;
    for stored in store::list_records(&mut conn, who.org, "orders").await? {
        let Ok(order) = serde_json::from_value::<Order>(serde_json::Value::Object(stored.to_map()))
        else {
            continue;
        };
        if order.status == OrderStatus::Pending {
            pending += 1;
        }
        if order.status == OrderStatus::Cancelled || stored.created_at < first {
            continue;
        }
        let at = ((stored.created_at - first) / DAY_MS) as usize;
        if let Some(day) = days.get_mut(at) {
            day.orders += 1;
            day.revenue_cents += order.total_cents;
        }
    }
    // Prospects are another feature's records: counted by when they were made, through the
    // engine's store, never through the prospects feature's code.
    let prospects_today = store::list_records(&mut conn, who.org, "prospects")
        .await?
        .iter()
        .filter(|p| p.created_at >= today)
        .count() as i64;
    let last = days.last().cloned().unwrap_or(Day {
        start: today,
        orders: 0,
        revenue_cents: 0,
    });
    Ok(Figures {
        orders_today: last.orders,
        revenue_today_cents: last.revenue_cents,
        pending,
        prospects_today,
        days,
    })
}
