use serde::{Deserialize, Serialize};

use crate::core::collection::{Collection, Meta};
use crate::core::locale::current;
use crate::core::roles::Permission;
use crate::core::validate::{FieldError, Validator};
use crate::i18n::*;

/// The organisation's public identity, shown on every public page. One per organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SiteSettings {
    pub company_name: String,
    pub tagline: String,
    pub email: String,
    pub phone: String,
    pub address: String,
    pub opening_hours: String,
    /// Server-owned: written by the engine only.
    #[serde(flatten)]
    pub meta: Meta,
}

impl SiteSettings {
    /// The single settings record of an organisation has this id.
    pub const SINGLETON_ID: &'static str = "main";
    pub const MAX_SHORT: usize = 200;
    pub const MAX_LONG: usize = 2_000;
}

impl Collection for SiteSettings {
    const NAME: &'static str = "site_settings";
    const READ: Permission = Permission::ReadContent;
    const WRITE: Permission = Permission::WriteContent;
    const PUBLIC: bool = true;

    fn validate(&self) -> Vec<FieldError> {
        // Field names in the language of the request.
        let l = current();
        let company_name_label = td_string!(l, content.fields.company_name);
        let tagline_label = td_string!(l, content.fields.tagline);
        let email_label = td_string!(l, content.fields.email);
        let phone_label = td_string!(l, content.fields.phone);
        let address_label = td_string!(l, content.fields.address);
        let opening_hours_label = td_string!(l, content.fields.opening_hours);
        let mut v = Validator::default();
        v.required("company_name", company_name_label, &self.company_name)
            .max_chars("company_name", company_name_label, &self.company_name, 120)
            .max_chars("tagline", tagline_label, &self.tagline, Self::MAX_SHORT)
            .max_chars("email", email_label, &self.email, 254)
            .email("email", &self.email)
            .max_chars("phone", phone_label, &self.phone, 40)
            .phone("phone", &self.phone)
            .max_chars("address", address_label, &self.address, Self::MAX_LONG)
            .max_chars(
                "opening_hours",
                opening_hours_label,
                &self.opening_hours,
                Self::MAX_LONG,
            );
        v.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> SiteSettings {
        SiteSettings {
            company_name: "Courant".into(),
            email: "hello@courant.example".into(),
            phone: "+33 1 23 45 67 89".into(),
            ..Default::default()
        }
    }

    #[test]
    fn valid_settings_pass() {
        assert!(valid().validate().is_empty());
    }

    #[test]
    fn each_bad_field_is_reported_by_name() {
        let s = SiteSettings {
            company_name: "".into(),
            email: "nope".into(),
            phone: "call me".into(),
            tagline: "x".repeat(SiteSettings::MAX_SHORT + 1),
            ..valid()
        };
        let fields: Vec<_> = s.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["company_name", "tagline", "email", "phone"]);
    }

    #[test]
    fn messages_name_fields_in_the_language_of_the_request() {
        // No request here: French, the default.
        let s = SiteSettings {
            company_name: "".into(),
            ..valid()
        };
        assert_eq!(
            s.validate()[0].message,
            "Nom de l’entreprise est obligatoire."
        );
    }

    #[test]
    fn server_owned_fields_are_not_editable() {
        for f in ["id", "version", "created_at", "updated_at", "updated_by"] {
            assert!(!SiteSettings::is_editable(f));
        }
        assert!(SiteSettings::is_editable("tagline"));
    }
}
