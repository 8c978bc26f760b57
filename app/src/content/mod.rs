//! The public site's content: site settings, team, services and solutions — their models,
//! editors, public pages and first-start content.

pub mod model;
#[cfg(feature = "ssr")]
pub mod server;
pub mod settings;
pub mod settings_api;
pub mod ui;
