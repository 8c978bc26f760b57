//! Prospects pages: the backoffice list and a prospect, the booking webhook settings, the public contact page.
