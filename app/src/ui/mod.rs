//! Components and pages.

mod admin_settings;
mod field;
mod home;
mod indicator;
mod layout;

pub use admin_settings::AdminSettingsPage;
pub use home::HomePage;
pub use indicator::RealtimeSyncIndicator;
pub use layout::{AdminLayout, PublicLayout};
