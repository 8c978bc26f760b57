//! The public site's content collections: team, services, solutions.

use serde::{Deserialize, Serialize};

use crate::core::collection::{Collection, Meta};
use crate::core::locale::current;
use crate::core::roles::Permission;
use crate::core::validate::{FieldError, Validator};
use crate::i18n::*;

const MAX_NAME: usize = 120;
const MAX_TEXT: usize = 5_000;
const MAX_URL: usize = 2_000;
/// Highest list position: far more items than a list holds, far from overflowing.
pub const MAX_ORDER: i64 = 1_000_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TeamMember {
    pub name: String,
    /// Staff contact; never sent to public visitors (whose copy has it empty, hence the
    /// default: the public projection must still fit the model).
    #[serde(default)]
    pub email: String,
    pub role: String,
    pub bio: String,
    pub photo_url: String,
    #[serde(default)]
    pub order: i64,
    /// `YYYY-MM-DD`; set when the member is added, kept by every later save.
    #[serde(default)]
    pub join_date: String,
    #[serde(flatten)]
    pub meta: Meta,
}

impl Collection for TeamMember {
    const NAME: &'static str = "team";
    const READ: Permission = Permission::ReadContent;
    const WRITE: Permission = Permission::WriteContent;
    const PUBLIC: bool = true;
    const PRESERVED: &'static [&'static str] = &["join_date"];
    const PRIVATE: &'static [&'static str] = &["email"];

    fn validate(&self) -> Vec<FieldError> {
        // Field names in the language of the request.
        let l = current();
        let name_label = td_string!(l, content.fields.name);
        let email_label = td_string!(l, content.fields.email);
        let role_label = td_string!(l, content.fields.role);
        let bio_label = td_string!(l, content.fields.bio);
        let photo_url_label = td_string!(l, content.fields.photo_url);
        let position_label = td_string!(l, content.fields.position);
        let mut v = Validator::default();
        v.required("name", name_label, &self.name)
            .max_chars("name", name_label, &self.name, MAX_NAME)
            .max_chars("email", email_label, &self.email, 254)
            .email("email", &self.email)
            .max_chars("role", role_label, &self.role, MAX_NAME)
            .max_chars("bio", bio_label, &self.bio, MAX_TEXT)
            .max_chars("photo_url", photo_url_label, &self.photo_url, MAX_URL)
            .url("photo_url", &self.photo_url)
            .range("order", position_label, self.order, 0, MAX_ORDER);
        v.finish()
    }

    fn prepare_new(&mut self, now_ms: i64) {
        if !is_date(&self.join_date) {
            self.join_date = date_of(now_ms);
        }
    }

    fn order(&self) -> i64 {
        self.order
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Service {
    pub name: String,
    pub description: String,
    /// In cents, so sums and comparisons are exact.
    pub price_cents: i64,
    pub published: bool,
    #[serde(default)]
    pub order: i64,
    /// Public page views, counted by the server.
    #[serde(default)]
    pub views: i64,
    /// Average rating, 0–5, computed by the server.
    #[serde(default)]
    pub rating: f64,
    #[serde(flatten)]
    pub meta: Meta,
}

impl Collection for Service {
    const NAME: &'static str = "services";
    const READ: Permission = Permission::ReadContent;
    const WRITE: Permission = Permission::WriteContent;
    const PUBLIC: bool = true;
    const PRESERVED: &'static [&'static str] = &["views", "rating"];

    fn validate(&self) -> Vec<FieldError> {
        // Field names in the language of the request.
        let l = current();
        let name_label = td_string!(l, content.fields.name);
        let description_label = td_string!(l, content.fields.description);
        let position_label = td_string!(l, content.fields.position);
        let mut v = Validator::default();
        v.required("name", name_label, &self.name)
            .max_chars("name", name_label, &self.name, MAX_NAME)
            .max_chars(
                "description",
                description_label,
                &self.description,
                MAX_TEXT,
            )
            .range("order", position_label, self.order, 0, MAX_ORDER);
        let mut errors = v.finish();
        if !(0..=100_000_000).contains(&self.price_cents) {
            errors.push(FieldError::new(
                "price_cents",
                td_string!(l, content.errors.price_range),
            ));
        }
        errors
    }

    fn is_public(&self) -> bool {
        self.published
    }

    fn prepare_new(&mut self, _now_ms: i64) {
        self.views = 0;
        self.rating = 0.0;
    }

    fn order(&self) -> i64 {
        self.order
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Solution {
    pub title: String,
    pub description: String,
    /// Chosen when the solution is created; later saves never change it.
    pub category: String,
    pub published: bool,
    #[serde(default)]
    pub order: i64,
    #[serde(default)]
    pub views: i64,
    #[serde(flatten)]
    pub meta: Meta,
}

impl Collection for Solution {
    const NAME: &'static str = "solutions";
    const READ: Permission = Permission::ReadContent;
    const WRITE: Permission = Permission::WriteContent;
    const PUBLIC: bool = true;
    const PRESERVED: &'static [&'static str] = &["views", "category"];

    fn validate(&self) -> Vec<FieldError> {
        // Field names in the language of the request.
        let l = current();
        let title_label = td_string!(l, content.fields.title);
        let description_label = td_string!(l, content.fields.description);
        let category_label = td_string!(l, content.fields.category);
        let position_label = td_string!(l, content.fields.position);
        let mut v = Validator::default();
        v.required("title", title_label, &self.title)
            .max_chars("title", title_label, &self.title, MAX_NAME)
            .max_chars(
                "description",
                description_label,
                &self.description,
                MAX_TEXT,
            )
            .required("category", category_label, &self.category)
            .max_chars("category", category_label, &self.category, MAX_NAME)
            .range("order", position_label, self.order, 0, MAX_ORDER);
        v.finish()
    }

    fn is_public(&self) -> bool {
        self.published
    }

    fn prepare_new(&mut self, _now_ms: i64) {
        self.views = 0;
    }

    fn order(&self) -> i64 {
        self.order
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// `YYYY-MM-DD` (UTC) of a Unix time in milliseconds.
pub fn date_of(ms: i64) -> String {
    // Civil-from-days (Howard Hinnant's algorithm): no date crate for one conversion.
    let days = ms.div_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::merge::to_map;

    #[test]
    fn dates() {
        assert_eq!(date_of(0), "1970-01-01");
        assert_eq!(date_of(1_795_364_252_457), "2026-11-22");
        assert_eq!(date_of(951_782_400_000), "2000-02-29");
        assert!(is_date("2026-01-31") && !is_date("2026-1-31") && !is_date(""));
    }

    #[test]
    fn meta_is_flattened_into_the_record_json() {
        let s = Service {
            name: "Bread".into(),
            meta: Meta {
                id: "s1".into(),
                version: 3,
                ..Default::default()
            },
            ..Default::default()
        };
        let m = to_map(&s);
        assert_eq!(
            (m["id"].as_str(), m["version"].as_i64()),
            (Some("s1"), Some(3))
        );
        assert!(!m.contains_key("meta"));
    }

    #[test]
    fn drafts_and_private_fields_never_reach_the_public() {
        let draft = Service {
            name: "Secret".into(),
            published: false,
            ..Default::default()
        };
        assert_eq!(Service::public_projection(&to_map(&draft)), None);
        let live = Service {
            published: true,
            ..draft
        };
        let public = Service::public_projection(&to_map(&live)).unwrap();
        assert!(public.contains_key("name") && !public.contains_key("updated_by"));
        let member = TeamMember {
            name: "Ada".into(),
            email: "ada@x.test".into(),
            ..Default::default()
        };
        let public = TeamMember::public_projection(&to_map(&member)).unwrap();
        assert!(!public.contains_key("email"));
    }

    /// The public pages decode what a visitor may see into the model: a private field
    /// without a default made the public team page answer 500.
    #[test]
    fn what_the_public_sees_still_fits_the_model() {
        fn fits<T: Collection>(record: &T) {
            let public = T::public_projection(&to_map(record)).expect("a public record");
            if let Err(e) = serde_json::from_value::<T>(serde_json::Value::Object(public)) {
                panic!("the public view of {} does not fit its model: {e}", T::NAME);
            }
        }
        fits(&TeamMember {
            name: "Ada".into(),
            email: "ada@x.test".into(),
            ..Default::default()
        });
        fits(&Service {
            published: true,
            ..Default::default()
        });
        fits(&Solution {
            published: true,
            ..Default::default()
        });
    }

    #[test]
    fn new_records_start_with_server_owned_values() {
        let mut s = Service {
            views: 999,
            rating: 5.0,
            ..Default::default()
        };
        s.prepare_new(0);
        assert_eq!((s.views, s.rating), (0, 0.0));
        let mut t = TeamMember::default();
        t.prepare_new(1_795_364_252_457);
        assert_eq!(t.join_date, "2026-11-22");
        let mut kept = TeamMember {
            join_date: "2020-05-01".into(),
            ..Default::default()
        };
        kept.prepare_new(0);
        assert_eq!(kept.join_date, "2020-05-01");
    }

    #[test]
    fn category_and_counters_are_not_editable() {
        assert!(!Solution::is_editable("category") && !Solution::is_editable("views"));
        assert!(!Service::is_editable("rating") && Service::is_editable("price_cents"));
        assert!(!TeamMember::is_editable("join_date"));
    }
}
