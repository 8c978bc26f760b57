//! Typed records shared by the server and the browser.

mod collection;
mod content;
mod settings;
mod validate;

pub use collection::{Collection, META_FIELDS};
pub use content::{date_of, Meta, Service, Solution, TeamMember};
pub use settings::SiteSettings;
pub use validate::{FieldError, Validator};
