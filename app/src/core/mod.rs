//! The core: what every part of Courant shares and that depends on nothing else of Courant's —
//! the collection trait, the merge, the live protocol, errors, roles and who is asking, time,
//! and the wire types of records. Compiled for the server and the browser.

pub mod call;
pub mod collection;
pub mod email;
pub mod error;
pub mod locale;
pub mod merge;
#[cfg(test)]
mod merge_props;
pub mod notification;
pub mod operation;
pub mod principal;
pub mod protocol;
pub mod roles;
pub mod secret;
pub mod time;
pub mod validate;
pub mod wire;
