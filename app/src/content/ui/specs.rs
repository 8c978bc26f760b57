//! How each content collection appears in the backoffice editor: its fields, in order.
//! Labels and titles are functions of the language, so the specs stay static.

use serde_json::{json, Map, Value};

use crate::content::model::{Service, Solution, TeamMember};
use crate::core::collection::Collection;
use crate::core::validate::FieldError;

use crate::core::locale::{iso_day, money, Locale};
use crate::i18n::*;

/// A text shown to people, in the language asked for.
pub type Text = fn(Locale) -> &'static str;

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
    /// Server-owned average out of 5 ("4,5/5"; none yet: "—").
    Rating,
    /// One of a few values, chosen in a list, each shown by its label.
    Choice(&'static [Choice]),
    /// One of a few values, set by the server, shown by its label.
    ChoiceShown(&'static [Choice]),
    /// A moment (ms since the epoch) set by the server, shown as a day and a time.
    Moment,
    /// A prospect's meetings, set by the booking tool, shown as a list.
    Meetings,
    /// A count that may be left empty (a stock not tracked): a whole number from 0, or null.
    Count,
    /// Server-owned money, shown ("12,50 €").
    MoneyShown,
    /// Server-owned, shown by the feature's own view (an order's lines).
    Custom(&'static CustomKind),
}

/// A server-owned field a feature shows its own way: `show` for history and conflicts (one
/// line of text), `view` in the editor.
#[derive(Debug)]
pub struct CustomKind {
    pub show: fn(&Value, Locale) -> String,
    pub view: fn(leptos::prelude::Signal<Value>) -> leptos::prelude::AnyView,
}

/// One kind is one static: the same kind is the same place in memory.
impl PartialEq for CustomKind {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for CustomKind {}

/// What a record's editor shows above its fields for the feature's own actions (an order's
/// status buttons): given the record's id and its stored state (`None` until loaded).
pub type RecordActions =
    fn(String, leptos::prelude::Signal<Option<Map<String, Value>>>) -> leptos::prelude::AnyView;

/// A value of a choice field and how people read it.
pub type Choice = (&'static str, Text);

/// A list filter on a field: its label and values (`None`: the values found in the list).
#[derive(Debug)]
pub struct FilterSpec {
    pub field: &'static str,
    pub label: Text,
    pub options: Option<&'static [Choice]>,
}

#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub name: &'static str,
    pub label: Text,
    pub kind: FieldKind,
}

#[derive(Debug)]
pub struct CollectionSpec {
    pub name: &'static str,
    pub title: Text,
    /// The button that starts a new record ("Add a service").
    pub add: Text,
    /// What the editor shows when the collection has no record.
    pub empty: Text,
    /// The field that names a record in lists and confirmations.
    pub label_field: &'static str,
    /// What the list shows of each record, after its name (its status and when it was last
    /// changed follow).
    pub columns: &'static [&'static str],
    pub fields: &'static [FieldSpec],
    /// Filters besides the published one and the search.
    pub filters: &'static [FilterSpec],
    /// The list shows the newest first (a CRM's inbox) rather than in its own order.
    pub newest_first: bool,
    /// What reading and changing the collection take (the page follows the role).
    pub read: crate::core::roles::Permission,
    pub write: crate::core::roles::Permission,
    /// Where a record's page is (`/admin/prospects/{id}`), when it has its own address.
    pub record_path: Option<&'static str>,
    /// The feature's own actions on a record, shown at the top of its editor.
    pub record_actions: Option<RecordActions>,
    /// Whether people may add records here (orders come from the shop's checkout only).
    pub can_add: bool,
    pub blank: fn() -> Value,
    /// The model's own rules (the ones the server applies), run on the editor's draft.
    pub validate: fn(&Map<String, Value>) -> Vec<FieldError>,
}

impl CollectionSpec {
    /// Whether the editor sends this field in an edit of an existing record.
    pub fn is_editable(&self, field: &str) -> bool {
        self.fields.iter().any(|f| {
            f.name == field
                && !matches!(
                    f.kind,
                    FieldKind::ReadOnly
                        | FieldKind::CreateOnly
                        | FieldKind::Rating
                        | FieldKind::ChoiceShown(_)
                        | FieldKind::Moment
                        | FieldKind::Meetings
                        | FieldKind::MoneyShown
                        | FieldKind::Custom(_)
                )
        })
    }

    pub fn has_field(&self, field: &str) -> bool {
        self.fields.iter().any(|f| f.name == field)
    }

    /// How a field is named to people (history, conflicts); its own name if the spec has
    /// no label for it.
    pub fn label_of(&self, field: &str, locale: Locale) -> String {
        match self.fields.iter().find(|f| f.name == field) {
            Some(f) => (f.label)(locale).to_string(),
            None if field == "order" => td_string!(locale, content.fields.position).to_string(),
            None => field.to_string(),
        }
    }
}

impl CollectionSpec {
    /// A stored value as people read it (history, conflicts): money as money, days as
    /// days, booleans as words, positions counted from 1.
    pub fn show_value(&self, field: &str, value: &Value, locale: Locale) -> String {
        let kind = self.fields.iter().find(|f| f.name == field).map(|f| f.kind);
        if let Some(FieldKind::Choice(options) | FieldKind::ChoiceShown(options)) = kind {
            if let Some((_, label)) = options.iter().find(|(v, _)| Some(*v) == value.as_str()) {
                return label(locale).to_string();
            }
        }
        if let (Some(FieldKind::Moment), Some(ms)) = (kind, value.as_i64()) {
            return if ms > 0 {
                crate::core::locale::date_time(ms, locale)
            } else {
                "—".to_string()
            };
        }
        if let Some(FieldKind::Custom(custom)) = kind {
            return (custom.show)(value, locale);
        }
        if let (Some(FieldKind::Count), Value::Null) = (kind, value) {
            return td_string!(locale, content.values.not_counted).to_string();
        }
        if let (Some(FieldKind::Meetings), Value::Array(list)) = (kind, value) {
            return td_string!(locale, content.values.meetings, n = list.len()).to_string();
        }
        match value {
            Value::Null => td_string!(locale, content.values.empty).to_string(),
            Value::Bool(true) => td_string!(locale, content.values.yes).to_string(),
            Value::Bool(false) => td_string!(locale, content.values.no).to_string(),
            Value::Number(n) if kind == Some(FieldKind::Rating) => match n.as_f64() {
                Some(r) if r > 0.0 => {
                    let text = format!("{r:.1}");
                    let text = match locale {
                        Locale::fr => text.replace('.', ","),
                        Locale::en => text,
                    };
                    format!("{text}/5")
                }
                _ => "—".to_string(),
            },
            Value::Number(n) => match (kind, n.as_i64()) {
                (Some(FieldKind::Money | FieldKind::MoneyShown), Some(cents)) => {
                    money(cents, locale)
                }
                (None, Some(i)) if field == "order" => (i + 1).to_string(),
                _ => match locale {
                    Locale::fr => n.to_string().replace('.', ","),
                    Locale::en => n.to_string(),
                },
            },
            Value::String(s) if s.is_empty() => {
                td_string!(locale, content.values.empty).to_string()
            }
            Value::String(s) => iso_day(s, locale).unwrap_or_else(|| s.clone()),
            other => other.to_string(),
        }
    }
}

/// Who made a change, as people read it: the installation's first records are nobody's.
pub fn actor_name(actor: &str, locale: Locale) -> String {
    match actor {
        "setup" => td_string!(locale, content.settings.by_setup).to_string(),
        someone => someone.to_string(),
    }
}

/// What the server would refuse in `draft`, by the model's [`Collection::validate`]. A draft
/// that does not even read as the model is left to the server to explain.
pub fn validate_as<T: Collection>(draft: &Map<String, Value>) -> Vec<FieldError> {
    serde_json::from_value::<T>(Value::Object(draft.clone()))
        .map(|record| record.validate())
        .unwrap_or_default()
}

const fn field(name: &'static str, label: Text, kind: FieldKind) -> FieldSpec {
    FieldSpec { name, label, kind }
}

pub static TEAM: CollectionSpec = CollectionSpec {
    name: "team",
    title: |l| td_string!(l, content.collections.team.title),
    add: |l| td_string!(l, content.collections.team.add),
    empty: |l| td_string!(l, content.collections.team.empty),
    label_field: "name",
    columns: &["role"],
    fields: &[
        field(
            "name",
            |l| td_string!(l, content.fields.name),
            FieldKind::Text,
        ),
        field(
            "role",
            |l| td_string!(l, content.fields.role),
            FieldKind::Text,
        ),
        field(
            "email",
            |l| td_string!(l, content.fields.email_staff_only),
            FieldKind::Email,
        ),
        field(
            "bio",
            |l| td_string!(l, content.fields.bio),
            FieldKind::LongText,
        ),
        field(
            "photo_url",
            |l| td_string!(l, content.fields.photo_url),
            FieldKind::Url,
        ),
        field(
            "join_date",
            |l| td_string!(l, content.fields.joined),
            FieldKind::ReadOnly,
        ),
    ],
    filters: &[],
    newest_first: false,
    read: crate::core::roles::Permission::ReadContent,
    write: crate::core::roles::Permission::WriteContent,
    record_path: None,
    record_actions: None,
    can_add: true,
    blank: || json!({ "name": "", "role": "", "email": "", "bio": "", "photo_url": "" }),
    validate: validate_as::<TeamMember>,
};

pub static SERVICES: CollectionSpec = CollectionSpec {
    name: "services",
    title: |l| td_string!(l, content.collections.services.title),
    add: |l| td_string!(l, content.collections.services.add),
    empty: |l| td_string!(l, content.collections.services.empty),
    label_field: "name",
    columns: &["price_cents"],
    fields: &[
        field(
            "name",
            |l| td_string!(l, content.fields.name),
            FieldKind::Text,
        ),
        field(
            "description",
            |l| td_string!(l, content.fields.description),
            FieldKind::LongText,
        ),
        field(
            "price_cents",
            |l| td_string!(l, content.fields.price),
            FieldKind::Money,
        ),
        field(
            "published",
            |l| td_string!(l, content.fields.published),
            FieldKind::Toggle,
        ),
        field(
            "views",
            |l| td_string!(l, content.fields.views),
            FieldKind::ReadOnly,
        ),
        field(
            "rating",
            |l| td_string!(l, content.fields.rating),
            FieldKind::Rating,
        ),
    ],
    filters: &[],
    newest_first: false,
    read: crate::core::roles::Permission::ReadContent,
    write: crate::core::roles::Permission::WriteContent,
    record_path: None,
    record_actions: None,
    can_add: true,
    blank: || json!({ "name": "", "description": "", "price_cents": 0, "published": false }),
    validate: validate_as::<Service>,
};

pub static SOLUTIONS: CollectionSpec = CollectionSpec {
    name: "solutions",
    title: |l| td_string!(l, content.collections.solutions.title),
    add: |l| td_string!(l, content.collections.solutions.add),
    empty: |l| td_string!(l, content.collections.solutions.empty),
    label_field: "title",
    columns: &["category"],
    fields: &[
        field(
            "title",
            |l| td_string!(l, content.fields.title),
            FieldKind::Text,
        ),
        field(
            "description",
            |l| td_string!(l, content.fields.description),
            FieldKind::LongText,
        ),
        field(
            "category",
            |l| td_string!(l, content.fields.category),
            FieldKind::CreateOnly,
        ),
        field(
            "published",
            |l| td_string!(l, content.fields.published),
            FieldKind::Toggle,
        ),
        field(
            "views",
            |l| td_string!(l, content.fields.views),
            FieldKind::ReadOnly,
        ),
    ],
    filters: &[],
    newest_first: false,
    read: crate::core::roles::Permission::ReadContent,
    write: crate::core::roles::Permission::WriteContent,
    record_path: None,
    record_actions: None,
    can_add: true,
    blank: || json!({ "title": "", "description": "", "category": "", "published": false }),
    validate: validate_as::<Solution>,
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
    fn money_typed_the_french_way() {
        assert_eq!(parse_money("12,5"), Some(1250));
        assert_eq!(parse_money("0,05"), Some(5));
        assert_eq!(parse_money(" 3,00 "), Some(300));
        for bad in ["4,505", "1,2,3", "1.2,3", ",5"] {
            assert_eq!(parse_money(bad), None, "{bad}");
        }
    }

    #[test]
    fn labels_follow_the_language() {
        let price = SERVICES
            .fields
            .iter()
            .find(|f| f.name == "price_cents")
            .unwrap();
        assert_eq!((price.label)(Locale::en), "Price (€)");
        assert_eq!((price.label)(Locale::fr), "Prix (€)");
        assert_eq!((TEAM.title)(Locale::fr), "Équipe");
        assert_eq!(SOLUTIONS.label_of("order", Locale::en), "Position");
        assert_eq!(SOLUTIONS.label_of("unknown", Locale::fr), "unknown");
    }

    #[test]
    fn values_read_as_people_write_them() {
        let show = |f: &str, v: Value, l| SERVICES.show_value(f, &v, l);
        assert_eq!(show("price_cents", json!(120), Locale::fr), "1,20\u{a0}€");
        assert_eq!(show("price_cents", json!(120), Locale::en), "€1.20");
        assert_eq!(show("published", json!(true), Locale::fr), "oui");
        assert_eq!(show("published", json!(false), Locale::en), "no");
        assert_eq!(show("rating", json!(4.5), Locale::fr), "4,5/5");
        assert_eq!(show("rating", json!(0.0), Locale::en), "—");
        assert_eq!(show("order", json!(0), Locale::en), "1");
        assert_eq!(show("description", json!(""), Locale::fr), "(vide)");
        assert_eq!(show("name", json!("Pain"), Locale::fr), "Pain");
        assert_eq!(
            TEAM.show_value("join_date", &json!("2026-12-02"), Locale::en),
            "2 Dec 2026"
        );
    }

    #[test]
    fn specs_only_edit_what_the_model_lets_editors_write() {
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
