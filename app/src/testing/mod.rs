//! A collection only the tests register: customers' data, read and written by the people
//! who serve customers, with a field that readers who may not write do not see. The role
//! and live-audience rules are tested on it before a real feature (orders, prospects) needs
//! them. Built only with the `test-collections` feature, which the server's tests turn on.

use serde::{Deserialize, Serialize};

use crate::core::collection::{Collection, Meta};
use crate::core::roles::Permission;
use crate::core::validate::{FieldError, Validator};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CustomerNote {
    pub name: String,
    /// Seen by those who may write customers' records (operators, admins), not by
    /// supervisors.
    #[serde(default)]
    pub phone: String,
    #[serde(flatten)]
    pub meta: Meta,
}

impl Collection for CustomerNote {
    const NAME: &'static str = "customer_notes";
    const READ: Permission = Permission::ReadCustomers;
    const WRITE: Permission = Permission::WriteCustomers;
    const PUBLIC: bool = false;
    const RESTRICTED: &'static [(&'static str, Permission)] =
        &[("phone", Permission::WriteCustomers)];

    fn validate(&self) -> Vec<FieldError> {
        let mut v = Validator::default();
        v.required("name", "Name", &self.name)
            .max_chars("name", "Name", &self.name, 120)
            .max_chars("phone", "Phone", &self.phone, 40);
        v.finish()
    }
}

/// Plug the test collection into the engine.
#[cfg(feature = "ssr")]
pub fn plug_in(parts: &mut crate::engine::Parts) {
    parts.registry.add::<CustomerNote>();
}
