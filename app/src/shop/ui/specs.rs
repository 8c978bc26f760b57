//! How products and orders appear in the backoffice's collection editor. Orders come from
//! the checkout only (no "add"); their number, lines, total and status are the server's, the
//! status moved by the buttons of `desk::StatusActions`.

use leptos::prelude::*;
use serde_json::{json, Value};

use crate::content::ui::specs::{
    validate_as, Choice, CollectionSpec, CustomKind, FieldKind, FieldSpec, FilterSpec, Text,
};
use crate::core::locale::{money, Locale};
use crate::core::roles::Permission;
use crate::i18n::*;
use crate::shop::model::{Order, OrderLine, Product};

pub static ORDER_STATUSES: [Choice; 4] = [
    ("pending", |l| td_string!(l, shop.status.pending)),
    ("in_progress", |l| td_string!(l, shop.status.in_progress)),
    ("done", |l| td_string!(l, shop.status.done)),
    ("cancelled", |l| td_string!(l, shop.status.cancelled)),
];

const fn field(name: &'static str, label: Text, kind: FieldKind) -> FieldSpec {
    FieldSpec { name, label, kind }
}

pub static PRODUCTS: CollectionSpec = CollectionSpec {
    name: "products",
    title: |l| td_string!(l, shop.products.title),
    add: |l| td_string!(l, shop.products.add),
    empty: |l| td_string!(l, shop.products.empty),
    label_field: "name",
    columns: &["price_cents", "stock"],
    fields: &[
        field("name", |l| td_string!(l, shop.fields.name), FieldKind::Text),
        field(
            "description",
            |l| td_string!(l, shop.fields.description),
            FieldKind::LongText,
        ),
        field(
            "price_cents",
            |l| td_string!(l, shop.fields.price),
            FieldKind::Money,
        ),
        field(
            "stock",
            |l| td_string!(l, shop.fields.stock),
            FieldKind::Count,
        ),
        field(
            "image_url",
            |l| td_string!(l, shop.fields.image_url),
            FieldKind::Url,
        ),
        field(
            "published",
            |l| td_string!(l, shop.fields.published),
            FieldKind::Toggle,
        ),
        field(
            "sold_count",
            |l| td_string!(l, shop.fields.sold_count),
            FieldKind::ReadOnly,
        ),
    ],
    filters: &[],
    newest_first: false,
    read: Permission::ReadContent,
    write: Permission::WriteContent,
    record_path: None,
    record_actions: None,
    can_add: true,
    blank: || {
        json!({ "name": "", "description": "", "price_cents": 0, "stock": null,
                "image_url": "", "published": false })
    },
    validate: validate_as::<Product>,
};

fn lines_of(value: &Value) -> Vec<OrderLine> {
    serde_json::from_value(value.clone()).unwrap_or_default()
}

/// "2 × Mug, 1 × Tote bag".
fn show_lines(value: &Value, _locale: Locale) -> String {
    lines_of(value)
        .iter()
        .map(|l| format!("{} × {}", l.quantity, l.name))
        .collect::<Vec<_>>()
        .join(", ")
}

fn lines_view(value: Signal<Value>) -> AnyView {
    let i18n = use_i18n();
    view! {
        <table class="table compact" data-testid="order-lines">
            <tbody>
                {move || lines_of(&value.get()).into_iter().map(|l| {
                    let (each, total) = (l.unit_price_cents, l.total_cents());
                    view! {
                        <tr>
                            <td>{l.name}</td>
                            <td>{l.quantity} " × " {move || money(each, i18n.get_locale())}</td>
                            <td>{move || money(total, i18n.get_locale())}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

static LINES: CustomKind = CustomKind {
    show: show_lines,
    view: lines_view,
};

pub static ORDERS: CollectionSpec = CollectionSpec {
    name: "orders",
    title: |l| td_string!(l, shop.desk.title),
    add: |l| td_string!(l, shop.desk.title),
    empty: |l| td_string!(l, shop.desk.empty),
    label_field: "number",
    columns: &["customer_name", "total_cents", "status"],
    fields: &[
        field(
            "number",
            |l| td_string!(l, shop.fields.number),
            FieldKind::ReadOnly,
        ),
        field(
            "status",
            |l| td_string!(l, shop.fields.status),
            FieldKind::ChoiceShown(&ORDER_STATUSES),
        ),
        field(
            "lines",
            |l| td_string!(l, shop.fields.lines),
            FieldKind::Custom(&LINES),
        ),
        field(
            "total_cents",
            |l| td_string!(l, shop.fields.total),
            FieldKind::MoneyShown,
        ),
        field(
            "customer_name",
            |l| td_string!(l, shop.fields.customer_name),
            FieldKind::Text,
        ),
        field(
            "email",
            |l| td_string!(l, shop.fields.email),
            FieldKind::Email,
        ),
        field(
            "phone",
            |l| td_string!(l, shop.fields.phone),
            FieldKind::Text,
        ),
        field(
            "notes",
            |l| td_string!(l, shop.fields.notes),
            FieldKind::ReadOnly,
        ),
        field(
            "staff_notes",
            |l| td_string!(l, shop.fields.staff_notes),
            FieldKind::LongText,
        ),
    ],
    filters: &[FilterSpec {
        field: "status",
        label: |l| td_string!(l, shop.fields.status),
        options: Some(&ORDER_STATUSES),
    }],
    newest_first: true,
    read: Permission::ReadCustomers,
    write: Permission::WriteCustomers,
    record_path: Some("/admin/orders"),
    record_actions: Some(super::desk::status_actions),
    can_add: false,
    blank: || json!({}),
    validate: validate_as::<Order>,
};
