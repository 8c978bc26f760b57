//! Identity's pages, and the layouts that show who is signed in.

pub mod account_page;
pub mod design_page;
pub mod invitation_page;
pub mod layout;
pub mod members_page;
pub mod signin_page;
