//! Content's pages: the public site and the backoffice editors.

pub mod collection_editor;
pub mod home_page;
pub mod public_pages;
pub mod settings_page;
pub mod specs;
