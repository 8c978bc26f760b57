//! `/boutique` (`/shop`): the published products, live — a price or a stock changed in the
//! backoffice shows at once; a sold-out product says so and cannot be added. An islands page
//! (client/islands.rs): the cards are a lazy island, their code in the shop's chunk with the
//! cart's (widgets/lazy_island.rs), sharing the islands' root's cart with the header's badge.

use leptos::prelude::*;
use serde_json::Value;

use crate::client::cart::{items_once_hydrated, use_cart};
use crate::client::list::{id_of, Item};
use crate::content::ui::public_pages::{live_cards, price, text, PublicListPage};
use crate::core::wire::Snapshot;
use crate::i18n::*;
use crate::widgets::lazy_island::lazy_island;

#[component]
pub fn ShopPage() -> impl IntoView {
    view! {
        <PublicListPage collection="products" title=|l| td_string!(l, shop.public.title)
            cards=|snap| LiveProducts(snap).into_any()/>
    }
}

lazy_island!(LiveProducts(Snapshot<Vec<Value>>) = products_view in shop as courant_products);

/// The products, kept live.
fn products_view(snap: Snapshot<Vec<Value>>) -> impl IntoView {
    live_cards(
        "products",
        snap,
        |m| view! { <ProductCard item=m.clone()/> }.into_any(),
        |l| td_string!(l, shop.public.empty),
    )
}

#[component]
fn ProductCard(item: Item) -> impl IntoView {
    let i18n = use_i18n();
    let cart = use_cart();
    let id = id_of(&item).to_string();
    let name = text(&item, "name");
    let image = text(&item, "image_url");
    let cents = item.get("price_cents").and_then(Value::as_i64).unwrap_or(0);
    let stock = item.get("stock").and_then(Value::as_i64);
    let sold_out = stock.is_some_and(|s| s <= 0);
    let items = items_once_hydrated(cart);
    let in_cart = {
        let id = id.clone();
        Memo::new(move |_| {
            items.with(|items| {
                items
                    .iter()
                    .find(|i| i.id == id)
                    .map(|i| i.quantity)
                    .unwrap_or(0)
            })
        })
    };
    // Not more in the cart than there is in stock.
    let full = move || stock.is_some_and(|s| in_cart.get() >= s);
    let stock_line = move || match stock {
        Some(s) if s <= 0 => Some(t_string!(i18n, shop.public.sold_out).to_string()),
        Some(s) if s <= 5 => Some(t_string!(i18n, shop.public.few_left, n = s).to_string()),
        _ => None,
    };
    let add = {
        let (id, name) = (id.clone(), name.clone());
        move |_| cart.add(&id, &name, cents)
    };
    view! {
        {(!image.is_empty()).then(|| view! { <img src=image alt="" width="240" height="160" loading="lazy"/> })}
        <h2>{name.clone()}</h2>
        <p class="price" data-testid="product-price">{price(&item)}</p>
        <p>{text(&item, "description")}</p>
        <p class="stock" data-testid="product-stock">{stock_line}</p>
        <button type="button" class="primary" data-testid="add-to-cart" on:click=add
            disabled=move || sold_out || full()>
            {move || if sold_out { t_string!(i18n, shop.public.sold_out) } else { t_string!(i18n, shop.public.add) }}
        </button>
        <p class="in-cart" role="status">{move || match in_cart.get() {
            0 => None,
            n => Some(t_string!(i18n, shop.public.in_cart, n).to_string()),
        }}</p>
    }
}
