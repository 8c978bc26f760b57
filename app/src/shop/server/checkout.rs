//! A checkout: the cart's products re-read and priced on the server (the browser's prices
//! are never used), stock taken, the order written with its `CMD-` number, all in one write.
//! The last unit goes to one buyer only (each product's row is locked while it is taken); a
//! confirm sent twice with the same key gets the same order back; a number drawn twice draws
//! again (a unique index says so).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use crate::core::collection::Collection;
use crate::core::error::AppError;
use crate::core::locale::current;
use crate::core::principal::{OrgId, Principal};
use crate::core::time::now_ms;
use crate::core::validate::FieldError;
use crate::engine::rate::PerAddress;
use crate::engine::{save, Engine};
use crate::i18n::*;
pub use crate::shop::api::{CartLine, Placed};
use crate::shop::model::{
    Order, OrderLine, OrderNumber, OrderStatus, Product, MAX_LINES, MAX_QUANTITY,
};

/// Who orders, as the checkout's form says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub notes: String,
}

/// Orders one address may place per hour (README, "Configuration").
#[derive(Clone)]
pub struct CheckoutLimit(PerAddress);

impl CheckoutLimit {
    pub fn from_env() -> Self {
        let per_hour = std::env::var("COURANT_CHECKOUTS_PER_HOUR")
            .ok()
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(30)
            .max(1);
        Self(PerAddress::new(per_hour, Duration::from_secs(3600)))
    }
}

/// Place an order on organisation `who.org`'s shop.
pub async fn checkout(
    engine: &Engine,
    who: &Principal,
    address: &str,
    lines: Vec<CartLine>,
    customer: Customer,
    key: String,
) -> Result<Placed, AppError> {
    let l = current();
    let customer = Customer {
        name: customer.name.trim().to_string(),
        email: customer.email.trim().to_lowercase(),
        phone: customer.phone.trim().to_string(),
        notes: customer.notes.trim().to_string(),
    };
    let lines = check_cart(lines)?;
    let problems = Order {
        customer_name: customer.name.clone(),
        email: customer.email.clone(),
        phone: customer.phone.clone(),
        notes: customer.notes.clone(),
        ..Default::default()
    }
    .validate();
    if !problems.is_empty() {
        return Err(AppError::Validation(
            problems
                .into_iter()
                .map(|p| {
                    let field = if p.field == "customer_name" {
                        "name".to_string()
                    } else {
                        p.field
                    };
                    FieldError { field, ..p }
                })
                .collect(),
        ));
    }
    let key_ok = (16..=64).contains(&key.len())
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !key_ok {
        return Err(AppError::Validation(vec![FieldError::new(
            "key",
            td_string!(l, shop.errors.bad_key).to_string(),
        )]));
    }
    if !engine.feature::<CheckoutLimit>().0.allow(address) {
        return Err(AppError::TooManyRequests);
    }
    let org = who.org;
    let db = engine.db.clone();
    engine
        .write(org, move |conn: &mut AnyConnection| {
            Box::pin(async move {
                crate::engine::writer::savepoint(conn, "checkout").await?;
                let result = place_in(&db, conn, org, &key, &lines, &customer).await;
                crate::engine::writer::end_savepoint(conn, "checkout", result.is_ok()).await?;
                result
            })
        })
        .await
}

/// The cart's lines, each product once, within the limits.
fn check_cart(lines: Vec<CartLine>) -> Result<Vec<CartLine>, AppError> {
    let l = current();
    let refuse =
        |message: String| Err(AppError::Validation(vec![FieldError::new("cart", message)]));
    if lines.is_empty() {
        return refuse(td_string!(l, shop.errors.empty_cart).to_string());
    }
    // Counted before merging: a body of thousands of lines is refused without comparing them.
    if lines.len() > MAX_LINES {
        return refuse(td_string!(l, shop.errors.too_many_lines, max = MAX_LINES).to_string());
    }
    let mut merged: Vec<CartLine> = Vec::new();
    for line in lines {
        if line.product_id.is_empty() || line.product_id.len() > 64 {
            return refuse(td_string!(l, shop.errors.unknown_product).to_string());
        }
        match merged.iter_mut().find(|m| m.product_id == line.product_id) {
            Some(m) => m.quantity = m.quantity.saturating_add(line.quantity),
            None => merged.push(line),
        }
    }
    if merged.len() > MAX_LINES {
        return refuse(td_string!(l, shop.errors.too_many_lines, max = MAX_LINES).to_string());
    }
    if merged
        .iter()
        .any(|m| !(1..=MAX_QUANTITY).contains(&m.quantity))
    {
        return refuse(td_string!(l, shop.errors.bad_quantity, max = MAX_QUANTITY).to_string());
    }
    Ok(merged)
}

async fn place_in(
    db: &crate::engine::Db,
    conn: &mut AnyConnection,
    org: OrgId,
    key: &str,
    lines: &[CartLine],
    customer: &Customer,
) -> crate::engine::writer::JobResult<Placed> {
    let l = current();
    let now = now_ms();
    // Claim the key first: the same confirm sent again, even at the same moment (PostgreSQL
    // makes the second insert wait for the first), finds the order it made.
    let fingerprint = fingerprint(lines, customer);
    let claimed = sqlx::query(
        "INSERT INTO shop_checkouts (org_id, idem_key, number, fingerprint, created_at) \
         VALUES ($1, $2, '', $3, $4) ON CONFLICT (org_id, idem_key) DO NOTHING",
    )
    .bind(org)
    .bind(key)
    .bind(&fingerprint)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if claimed == 0 {
        let row: (String, String, String) = sqlx::query_as(
            "SELECT o.number, o.secret, c.fingerprint FROM shop_checkouts c \
             JOIN shop_orders o ON o.number = c.number WHERE c.org_id = $1 AND c.idem_key = $2",
        )
        .bind(org)
        .bind(key)
        .fetch_one(&mut *conn)
        .await?;
        // Another cart or buyer under the same key: not the same confirm sent again, and
        // never a way to read someone else's order.
        if row.2 != fingerprint {
            return Err(AppError::Validation(vec![FieldError::new(
                "key",
                td_string!(l, shop.errors.bad_key).to_string(),
            )]));
        }
        return Ok((
            Placed {
                number: row.0,
                key: row.1,
            },
            Vec::new(),
        ));
    }
    let who = Principal::system(org, "shop");
    let mut changes = Vec::new();
    let mut order_lines: Vec<Option<OrderLine>> = vec![None; lines.len()];
    // Products are taken in one order whatever the carts' orders, so two checkouts never
    // each hold a row the other waits for.
    let mut by_id: Vec<(usize, &CartLine)> = lines.iter().enumerate().collect();
    by_id.sort_by(|a, b| a.1.product_id.cmp(&b.1.product_id));
    for (at, line) in by_id {
        let mut taken: Option<OrderLine> = None;
        let mut short: Option<(String, i64)> = None;
        let updated = save::update_owned_in::<Product>(db, conn, &who, &line.product_id, |p| {
            if !p.published {
                return;
            }
            if !p.can_sell(line.quantity) {
                short = Some((p.name.clone(), p.stock.unwrap_or(0).max(0)));
                return;
            }
            if let Some(left) = p.stock.as_mut() {
                *left -= line.quantity;
            }
            p.sold_count += line.quantity;
            taken = Some(OrderLine {
                product_id: line.product_id.clone(),
                name: p.name.clone(),
                unit_price_cents: p.price_cents,
                quantity: line.quantity,
            });
        })
        .await;
        let refuse =
            |message: String| Err(AppError::Validation(vec![FieldError::new("cart", message)]));
        match updated {
            Err(AppError::NotFound(_)) => {
                return refuse(td_string!(l, shop.errors.unknown_product).to_string())
            }
            Err(e) => return Err(e),
            Ok(change) => changes.extend(change.map(|(_, c)| c)),
        }
        if let Some((name, left)) = short {
            return refuse(td_string!(l, shop.errors.out_of_stock, name = &name, left).to_string());
        }
        match taken {
            Some(taken) => order_lines[at] = Some(taken),
            None => return refuse(td_string!(l, shop.errors.unknown_product).to_string()),
        }
    }
    let order_lines: Vec<OrderLine> = order_lines.into_iter().flatten().collect();
    let total_cents = order_lines.iter().map(OrderLine::total_cents).sum();
    let order_id = uuid::Uuid::new_v4().simple().to_string();
    let secret = random_key();
    let number = draw_number(conn, org, &order_id, &secret, now).await?;
    let order = Order {
        number: number.to_string(),
        customer_name: customer.name.clone(),
        email: customer.email.clone(),
        phone: customer.phone.clone(),
        notes: customer.notes.clone(),
        staff_notes: String::new(),
        lines: order_lines,
        total_cents,
        status: OrderStatus::Pending,
        meta: crate::core::collection::Meta {
            id: order_id,
            ..Default::default()
        },
    };
    let (_, change) = save::create_in(db, conn, &who, order).await?;
    changes.push(change);
    sqlx::query("UPDATE shop_checkouts SET number = $1 WHERE org_id = $2 AND idem_key = $3")
        .bind(number.as_str())
        .bind(org)
        .bind(key)
        .execute(&mut *conn)
        .await?;
    Ok((
        Placed {
            number: number.to_string(),
            key: secret,
        },
        changes,
    ))
}

/// What makes a checkout the same one sent again: the buyer and the cart.
fn fingerprint(lines: &[CartLine], customer: &Customer) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for part in [
        &customer.email,
        &customer.name,
        &customer.phone,
        &customer.notes,
    ] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    for line in lines {
        hash.update(line.product_id.as_bytes());
        hash.update(line.quantity.to_le_bytes());
    }
    hex::encode(hash.finalize())
}

/// A number not taken yet: `CMD-`, today (UTC), six random characters; drawn again while the
/// unique index refuses it.
async fn draw_number(
    conn: &mut AnyConnection,
    org: OrgId,
    order_id: &str,
    secret: &str,
    now: i64,
) -> Result<OrderNumber, AppError> {
    let day = utc_day(now);
    for _ in 0..20 {
        let mut draw = [0u8; 6];
        getrandom::fill(&mut draw).expect("the operating system's random source");
        let number = OrderNumber::make(&day, draw);
        let inserted = sqlx::query(
            "INSERT INTO shop_orders (number, org_id, order_id, secret, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (number) DO NOTHING",
        )
        .bind(number.as_str())
        .bind(org)
        .bind(order_id)
        .bind(secret)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if inserted == 1 {
            return Ok(number);
        }
    }
    Err(AppError::Internal(
        "no free order number in 20 draws".into(),
    ))
}

/// `YYYYMMDD` of a moment, in UTC.
pub fn utc_day(ms: i64) -> String {
    let date = time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .date();
    format!(
        "{:04}{:02}{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// The confirmation page's key: 128 random bits, in hex.
fn random_key() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_written_as_order_numbers_want_them() {
        assert_eq!(utc_day(1_764_115_200_000), "20251126");
        assert_eq!(utc_day(0), "19700101");
    }

    #[test]
    fn a_cart_is_merged_and_kept_within_limits() {
        let line = |id: &str, quantity| CartLine {
            product_id: id.into(),
            quantity,
        };
        let merged = check_cart(vec![line("a", 2), line("b", 1), line("a", 3)]).unwrap();
        assert_eq!(merged, vec![line("a", 5), line("b", 1)]);
        assert!(check_cart(vec![]).is_err());
        assert!(check_cart(vec![line("a", 0)]).is_err());
        assert!(check_cart(vec![line("a", 60), line("a", 60)]).is_err());
        assert!(check_cart((0..51).map(|i| line(&i.to_string(), 1)).collect()).is_err());
    }
}
