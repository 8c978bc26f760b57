//! Identity: accounts, organisations, sessions and API tokens, signing in, members and
//! invitations, and the gate every request passes (who is asking, with which role).

pub mod api;
pub mod form_problem;
pub mod members_api;
pub mod return_to;
#[cfg(feature = "ssr")]
pub mod server;
pub mod ui;
