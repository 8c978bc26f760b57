//! Prospects pages: the backoffice list and a prospect, the booking webhook settings, the public contact page.

pub mod booking_page;
pub mod contact_page;
pub mod spec;
