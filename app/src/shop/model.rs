//! The shop's records: products (site content, edited like the rest, shown on the public
//! shop) and orders (customers' data: operators and admins, supervisors read; never the
//! public or editors). An order's number, lines, total and status are the server's: a
//! checkout writes them, and a status changes only through `set_status` (server/status.rs),
//! which restores stock when an order is cancelled.

use serde::{Deserialize, Serialize};

use crate::core::collection::{Collection, Meta};
use crate::core::locale::current;
use crate::core::roles::Permission;
use crate::core::validate::{FieldError, Validator};
use crate::i18n::*;

/// Highest price of one product: 100 000 €.
pub const MAX_PRICE_CENTS: i64 = 10_000_000;
/// Highest stock a product may be given.
pub const MAX_STOCK: i64 = 1_000_000;
/// Lines in one order, and units of one product in a line.
pub const MAX_LINES: usize = 50;
pub const MAX_QUANTITY: i64 = 99;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Product {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Euro cents.
    #[serde(default)]
    pub price_cents: i64,
    /// Units left; `None`: not counted (always available).
    #[serde(default)]
    pub stock: Option<i64>,
    #[serde(default)]
    pub image_url: String,
    #[serde(default)]
    pub published: bool,
    #[serde(default)]
    pub order: i64,
    /// Server-owned: units sold.
    #[serde(default)]
    pub sold_count: i64,
    #[serde(flatten)]
    pub meta: Meta,
}

impl Product {
    /// Whether `quantity` more units can be sold.
    pub fn can_sell(&self, quantity: i64) -> bool {
        self.stock.is_none_or(|left| left >= quantity)
    }

    pub fn sold_out(&self) -> bool {
        self.stock.is_some_and(|left| left <= 0)
    }
}

impl Collection for Product {
    const NAME: &'static str = "products";
    const EVENT: &'static str = "product";
    const READ: Permission = Permission::ReadContent;
    const WRITE: Permission = Permission::WriteContent;
    const PUBLIC: bool = true;
    const PRESERVED: &'static [&'static str] = &["sold_count"];
    const PRIVATE: &'static [&'static str] = &["sold_count"];

    fn validate(&self) -> Vec<FieldError> {
        let l = current();
        let name = td_string!(l, shop.fields.name);
        let mut v = Validator::default();
        v.required("name", name, &self.name)
            .max_chars("name", name, &self.name, 120)
            .max_chars(
                "description",
                td_string!(l, shop.fields.description),
                &self.description,
                5_000,
            )
            .range(
                "price_cents",
                td_string!(l, shop.fields.price),
                self.price_cents,
                0,
                MAX_PRICE_CENTS,
            )
            .max_chars(
                "image_url",
                td_string!(l, shop.fields.image_url),
                &self.image_url,
                500,
            )
            .url("image_url", &self.image_url);
        if let Some(stock) = self.stock {
            v.range(
                "stock",
                td_string!(l, shop.fields.stock),
                stock,
                0,
                MAX_STOCK,
            );
        }
        v.finish()
    }

    fn is_public(&self) -> bool {
        self.published
    }

    fn prepare_new(&mut self, _now_ms: i64) {
        self.sold_count = 0;
    }

    fn order(&self) -> i64 {
        self.order
    }
}

/// Where an order is: `en attente` → `en cours` → `terminée`, or `annulée`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, Hash)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    #[default]
    Pending,
    InProgress,
    Done,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 4] = [
        OrderStatus::Pending,
        OrderStatus::InProgress,
        OrderStatus::Done,
        OrderStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Pending => "pending",
            OrderStatus::InProgress => "in_progress",
            OrderStatus::Done => "done",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The statuses an order may move to from this one.
    pub fn next(self) -> &'static [OrderStatus] {
        match self {
            OrderStatus::Pending => &[OrderStatus::InProgress, OrderStatus::Cancelled],
            OrderStatus::InProgress => &[OrderStatus::Done, OrderStatus::Cancelled],
            OrderStatus::Done | OrderStatus::Cancelled => &[],
        }
    }
}

/// One product of an order, at the price it had when it was ordered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct OrderLine {
    pub product_id: String,
    pub name: String,
    pub unit_price_cents: i64,
    pub quantity: i64,
}

impl OrderLine {
    pub fn total_cents(&self) -> i64 {
        self.unit_price_cents * self.quantity
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Order {
    /// `CMD-YYYYMMDD-XXXXXX`, set by the checkout.
    pub number: String,
    pub customer_name: String,
    pub email: String,
    #[serde(default)]
    pub phone: String,
    /// What the customer wrote with the order.
    #[serde(default)]
    pub notes: String,
    /// The team's own notes on the order.
    #[serde(default)]
    pub staff_notes: String,
    #[serde(default)]
    pub lines: Vec<OrderLine>,
    #[serde(default)]
    pub total_cents: i64,
    #[serde(default)]
    pub status: OrderStatus,
    #[serde(flatten)]
    pub meta: Meta,
}

impl Collection for Order {
    const NAME: &'static str = "orders";
    const EVENT: &'static str = "order";
    const READ: Permission = Permission::ReadCustomers;
    const WRITE: Permission = Permission::WriteCustomers;
    const PUBLIC: bool = false;
    const MADE_BY_SERVER: bool = true;
    const PRESERVED: &'static [&'static str] =
        &["number", "lines", "total_cents", "status", "notes"];

    fn validate(&self) -> Vec<FieldError> {
        let l = current();
        let name = td_string!(l, shop.checkout.name);
        let mut v = Validator::default();
        v.required("customer_name", name, &self.customer_name)
            .max_chars("customer_name", name, &self.customer_name, 120)
            .required("email", td_string!(l, shop.checkout.email), &self.email)
            .max_chars(
                "email",
                td_string!(l, shop.checkout.email),
                &self.email,
                254,
            )
            .email("email", &self.email)
            .max_chars("phone", td_string!(l, shop.checkout.phone), &self.phone, 40)
            .phone("phone", &self.phone)
            .max_chars(
                "notes",
                td_string!(l, shop.checkout.notes),
                &self.notes,
                2_000,
            )
            .max_chars(
                "staff_notes",
                td_string!(l, shop.fields.staff_notes),
                &self.staff_notes,
                10_000,
            );
        v.finish()
    }
}

/// An order number as the checkout makes them: `CMD-`, the day, six characters that cannot be
/// misread (no 0/O, 1/I/L).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderNumber(String);

impl OrderNumber {
    pub const ALPHABET: &'static [u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    /// `day` is `YYYYMMDD`; `draw` six indexes into the alphabet (any bytes: reduced here).
    pub fn make(day: &str, draw: [u8; 6]) -> Self {
        let tail: String = draw
            .iter()
            .map(|b| Self::ALPHABET[*b as usize % Self::ALPHABET.len()] as char)
            .collect();
        Self(format!("CMD-{day}-{tail}"))
    }

    /// A number as a person typed or a link carried it.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().to_ascii_uppercase();
        let rest = text.strip_prefix("CMD-")?;
        let (day, tail) = rest.split_once('-')?;
        let ok = day.len() == 8
            && day.bytes().all(|b| b.is_ascii_digit())
            && tail.len() == 6
            && tail.bytes().all(|b| Self::ALPHABET.contains(&b));
        ok.then_some(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for OrderNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_numbers_are_made_and_read_back() {
        let n = OrderNumber::make("20251126", [0, 1, 2, 29, 30, 31]);
        assert_eq!(n.as_str(), "CMD-20251126-ABC89A");
        assert_eq!(OrderNumber::parse("cmd-20251126-abc89a"), Some(n));
        for bad in [
            "CMD-2025112-ABC123",
            "CMD-20251126-ABC12O",
            "CMD-20251126-ABC1234",
            "XYZ-20251126-ABC123",
            "CMD-20251126",
        ] {
            assert_eq!(OrderNumber::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn statuses_move_forward_only() {
        assert!(OrderStatus::Pending
            .next()
            .contains(&OrderStatus::InProgress));
        assert!(OrderStatus::Done.next().is_empty());
        assert!(!OrderStatus::InProgress
            .next()
            .contains(&OrderStatus::Pending));
        assert_eq!(
            OrderStatus::parse("in_progress"),
            Some(OrderStatus::InProgress)
        );
    }

    #[test]
    fn a_product_sells_what_it_has() {
        let p = Product {
            stock: Some(2),
            ..Default::default()
        };
        assert!(p.can_sell(2) && !p.can_sell(3) && !p.sold_out());
        assert!(
            Product::default().can_sell(99),
            "not counted: always available"
        );
        let mut bad = Product {
            name: "Mug".into(),
            price_cents: -1,
            image_url: "javascript:alert(1)".into(),
            ..Default::default()
        };
        let fields: Vec<_> = bad.validate().into_iter().map(|e| e.field).collect();
        assert!(fields.contains(&"price_cents".to_string()), "{fields:?}");
        assert!(fields.contains(&"image_url".to_string()), "{fields:?}");
        bad.price_cents = 450;
        bad.image_url = "/images/mug.webp".into();
        assert!(bad.validate().is_empty());
    }
}
