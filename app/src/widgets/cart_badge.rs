//! The cart's link in the public header, with how many items it holds (from the browser's
//! cart, so nothing until the page has hydrated: the server has no cart to count).

use leptos::prelude::*;

use crate::client::cart::use_cart;
use crate::core::locale::Locale;
use crate::i18n::*;

/// The shop's and the cart's addresses in the page's language.
pub fn shop_path(locale: Locale) -> &'static str {
    match locale {
        Locale::fr => "/boutique",
        Locale::en => "/shop",
    }
}

pub fn cart_path(locale: Locale) -> &'static str {
    match locale {
        Locale::fr => "/panier",
        Locale::en => "/cart",
    }
}

#[component]
pub fn CartBadge() -> impl IntoView {
    let i18n = use_i18n();
    let cart = use_cart();
    let count = move || cart.count();
    view! {
        <a class="cart-link" href=move || cart_path(i18n.get_locale()) data-testid="cart-link"
            aria-label=move || t_string!(i18n, common.cart.label, n = count()).to_string()>
            <span aria-hidden="true">{t!(i18n, common.cart.short)}</span>
            <span class="badge" data-testid="cart-count" aria-hidden="true" hidden=move || count() == 0>{count}</span>
        </a>
    }
}
