//! Identity's server side: storage of accounts, sessions and invitations, throttles, and the
//! gate the engine asks for every request.

pub mod access;
pub mod accounts;
pub mod csrf;
pub mod invitations;
pub mod secrets;
pub mod sessions;
pub mod signin;
pub mod throttle;
