//! The shop: checkouts (stock under concurrency, a confirm sent twice, the server's prices,
//! limits), the buyer's confirmation behind its key, orders' statuses between operators,
//! who may see an order, the dashboard's figures.

mod checkout;
mod desk;
