//! Content: the collections, their public pages and view counts.

mod collections;
