//! Components and pages.

mod account;
mod admin_settings;
mod collection_admin;
mod dialog;
mod field;
mod home;
mod hydrated;
mod indicator;
mod invitation;
mod layout;
mod members_admin;
mod public_content;
mod signin;
pub mod specs;
mod webhooks_admin;

pub use account::AccountPage;
pub use admin_settings::AdminSettingsPage;
pub use collection_admin::CollectionAdminPage;
pub use home::HomePage;
pub use hydrated::{provide_hydrated, use_hydrated};
pub use indicator::RealtimeSyncIndicator;
pub use invitation::InvitationPage;
pub use layout::{AdminLayout, PublicLayout};
pub use members_admin::MembersPage;
pub use public_content::{
    ServiceDetailPage, ServicesPage, SolutionDetailPage, SolutionsPage, TeamPage,
};
pub use signin::SignInPage;
pub use webhooks_admin::WebhooksPage;
