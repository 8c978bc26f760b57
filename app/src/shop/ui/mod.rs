//! The shop's pages.
