//! The shop's cart, kept in the browser (localStorage) so a reload or a closed tab keeps it.
//! It remembers each product's name and price as they were when added, for the page to show
//! while it loads; the checkout sends only ids and quantities, and the server prices them.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const KEY: &str = "courant.cart.v1";
/// As many lines as an order may hold.
pub const MAX_LINES: usize = 50;
pub const MAX_QUANTITY: i64 = 99;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartItem {
    pub id: String,
    pub name: String,
    pub price_cents: i64,
    pub quantity: i64,
}

/// The cart, shared by the header's badge and the pages.
#[derive(Clone, Copy)]
pub struct Cart(pub RwSignal<Vec<CartItem>>);

impl Cart {
    /// Units in the cart (the badge).
    pub fn count(&self) -> i64 {
        self.0.with(|items| items.iter().map(|i| i.quantity).sum())
    }

    pub fn add(&self, id: &str, name: &str, price_cents: i64) {
        self.update(|items| {
            if let Some(i) = items.iter_mut().find(|i| i.id == id) {
                i.quantity = (i.quantity + 1).min(MAX_QUANTITY);
            } else if items.len() < MAX_LINES {
                items.push(CartItem {
                    id: id.to_string(),
                    name: name.to_string(),
                    price_cents,
                    quantity: 1,
                });
            }
        });
    }

    pub fn set_quantity(&self, id: &str, quantity: i64) {
        self.update(|items| {
            if quantity <= 0 {
                items.retain(|i| i.id != id);
            } else if let Some(i) = items.iter_mut().find(|i| i.id == id) {
                i.quantity = quantity.min(MAX_QUANTITY);
            }
        });
    }

    pub fn remove(&self, id: &str) {
        self.update(|items| items.retain(|i| i.id != id));
    }

    pub fn clear(&self) {
        self.update(Vec::clear);
    }

    fn update(&self, f: impl FnOnce(&mut Vec<CartItem>)) {
        self.0.update(f);
        store(&self.0.get_untracked());
    }
}

/// The page's cart: empty while the server renders (it has no cart), then the browser's own.
pub fn use_cart() -> Cart {
    if let Some(cart) = use_context::<Cart>() {
        return cart;
    }
    let cart = Cart(RwSignal::new(Vec::new()));
    provide_context(cart);
    Effect::new(move |_| cart.0.set(load()));
    cart
}

/// The cart's lines as a view the server drew must see them: none while it hydrates (the
/// server has no cart), then the browser's. A lazy island (widgets/lazy_island.rs) hydrates
/// after the cart has been read, and would otherwise meet a page it did not draw.
pub fn items_once_hydrated(cart: Cart) -> Signal<Vec<CartItem>> {
    let hydrated = RwSignal::new(false);
    // Effects run once the view they are made in has been hydrated.
    Effect::new(move |_| hydrated.set(true));
    Signal::derive(move || {
        if hydrated.get() {
            cart.0.get()
        } else {
            Vec::new()
        }
    })
}

#[cfg(feature = "hydrate")]
fn load() -> Vec<CartItem> {
    let text = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(KEY).ok().flatten());
    let mut items: Vec<CartItem> = text
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    // Whatever was written there by hand, the cart stays within an order's limits.
    items.retain(|i| i.quantity > 0 && !i.id.is_empty());
    items.truncate(MAX_LINES);
    for i in &mut items {
        i.quantity = i.quantity.min(MAX_QUANTITY);
    }
    items
}

#[cfg(feature = "hydrate")]
fn store(items: &[CartItem]) {
    let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else {
        return;
    };
    if items.is_empty() {
        let _ = s.remove_item(KEY);
    } else if let Ok(text) = serde_json::to_string(items) {
        let _ = s.set_item(KEY, &text);
    }
}

#[cfg(not(feature = "hydrate"))]
fn load() -> Vec<CartItem> {
    Vec::new()
}

#[cfg(not(feature = "hydrate"))]
fn store(_items: &[CartItem]) {}
