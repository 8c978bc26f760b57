//! How each content collection appears in the backoffice editor: its fields, in order.

use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    LongText,
    Email,
    Url,
    /// Stored in cents, edited in units ("4.50").
    Money,
    Toggle,
    /// Server-owned: shown, never edited.
    ReadOnly,
    /// Chosen when the record is created, read-only afterwards.
    CreateOnly,
}

#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: FieldKind,
}

#[derive(Debug)]
pub struct CollectionSpec {
    pub name: &'static str,
    pub title: &'static str,
    pub singular: &'static str,
    /// The field that names a record in lists and confirmations.
    pub label_field: &'static str,
    pub fields: &'static [FieldSpec],
    pub blank: fn() -> Value,
}

impl CollectionSpec {
    /// Whether the editor sends this field in an edit of an existing record.
    pub fn is_editable(&self, field: &str) -> bool {
        self.fields.iter().any(|f| {
            f.name == field && !matches!(f.kind, FieldKind::ReadOnly | FieldKind::CreateOnly)
        })
    }

    pub fn has_field(&self, field: &str) -> bool {
        self.fields.iter().any(|f| f.name == field)
    }
}

const fn field(name: &'static str, label: &'static str, kind: FieldKind) -> FieldSpec {
    FieldSpec { name, label, kind }
}

pub static TEAM: CollectionSpec = CollectionSpec {
    name: "team",
    title: "Team",
    singular: "team member",
    label_field: "name",
    fields: &[
        field("name", "Name", FieldKind::Text),
        field("role", "Role", FieldKind::Text),
        field("email", "Email (staff only)", FieldKind::Email),
        field("bio", "Bio", FieldKind::LongText),
        field("photo_url", "Photo URL", FieldKind::Url),
        field("join_date", "Joined", FieldKind::ReadOnly),
    ],
    blank: || json!({ "name": "", "role": "", "email": "", "bio": "", "photo_url": "" }),
};

pub static SERVICES: CollectionSpec = CollectionSpec {
    name: "services",
    title: "Services",
    singular: "service",
    label_field: "name",
    fields: &[
        field("name", "Name", FieldKind::Text),
        field("description", "Description", FieldKind::LongText),
        field("price_cents", "Price (€)", FieldKind::Money),
        field("published", "Published", FieldKind::Toggle),
        field("views", "Views", FieldKind::ReadOnly),
        field("rating", "Rating", FieldKind::ReadOnly),
    ],
    blank: || json!({ "name": "", "description": "", "price_cents": 0, "published": false }),
};

pub static SOLUTIONS: CollectionSpec = CollectionSpec {
    name: "solutions",
    title: "Solutions",
    singular: "solution",
    label_field: "title",
    fields: &[
        field("title", "Title", FieldKind::Text),
        field("description", "Description", FieldKind::LongText),
        field("category", "Category", FieldKind::CreateOnly),
        field("published", "Published", FieldKind::Toggle),
        field("views", "Views", FieldKind::ReadOnly),
    ],
    blank: || json!({ "title": "", "description": "", "category": "", "published": false }),
};

/// "4.50" from 450 cents.
pub fn money_text(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, (cents % 100).abs())
}

/// Cents from what a person typed ("4.5", "4,50", "4"); `None` if it is not a price.
pub fn parse_money(text: &str) -> Option<i64> {
    let t = text.trim().replace(',', ".");
    let (units, frac) = t.split_once('.').unwrap_or((&t, ""));
    if units.is_empty()
        || !units.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let units: i64 = units.parse().ok()?;
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().ok()?
    };
    units.checked_mul(100)?.checked_add(frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_round_trips() {
        assert_eq!(money_text(450), "4.50");
        assert_eq!(money_text(5), "0.05");
        assert_eq!(parse_money("4.5"), Some(450));
        assert_eq!(parse_money("4,50"), Some(450));
        assert_eq!(parse_money(" 12 "), Some(1200));
        for bad in ["", "abc", "4.505", "-3", "1e3", ".5"] {
            assert_eq!(parse_money(bad), None, "{bad}");
        }
    }

    #[test]
    fn specs_only_edit_what_the_model_lets_editors_write() {
        use crate::content::model::{Service, Solution, TeamMember};
        use crate::core::collection::Collection;
        for (spec, editable) in [
            (&TEAM, TeamMember::is_editable as fn(&str) -> bool),
            (&SERVICES, Service::is_editable),
            (&SOLUTIONS, Solution::is_editable),
        ] {
            for f in spec.fields {
                if spec.is_editable(f.name) {
                    assert!(editable(f.name), "{}.{} is server-owned", spec.name, f.name);
                }
            }
        }
    }
}
