//! Typed records shared by the server and the browser.

mod collection;
mod settings;
mod validate;

pub use collection::{Collection, META_FIELDS};
pub use settings::SiteSettings;
pub use validate::{FieldError, Validator};
