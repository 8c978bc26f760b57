//! `/panier` (`/cart`): the cart with the products' current prices and stock (live), the
//! quantities, the total; "Passer commande" opens the checkout's modal. The prices shown are
//! the shop's, never the ones the browser remembered; the server prices the order anyway.
//! An islands page: the cart is a lazy island, its code (the checkout) in the shop's chunk.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use serde_json::Value;

use crate::client::cart::{items_once_hydrated, use_cart, CartItem, MAX_QUANTITY};
use crate::client::list::{id_of, use_live_list, Item};
use crate::core::collection::Collection;
use crate::core::error::AppError;
use crate::core::locale::money;
use crate::core::wire::Snapshot;
use crate::engine::api::public_list;
use crate::i18n::*;
use crate::identity::ui::layout::PublicLayout;
use crate::shop::api::{checkout, CartLine};
use crate::widgets::cart_badge::shop_path;
use crate::widgets::dialog::Modal;
use crate::widgets::lazy_island::lazy_island;

/// One line as the page shows it: the cart's quantity, the shop's current product.
#[derive(Clone, PartialEq)]
struct Line {
    item: CartItem,
    /// The product as the shop has it now; `None`: no longer on sale.
    name: String,
    price_cents: Option<i64>,
    stock: Option<i64>,
}

fn lines(items: &[CartItem], products: &[Item]) -> Vec<Line> {
    items
        .iter()
        .map(|item| {
            let p = products.iter().find(|p| id_of(p) == item.id);
            Line {
                item: item.clone(),
                name: p
                    .and_then(|p| p.get("name").and_then(Value::as_str))
                    .unwrap_or(&item.name)
                    .to_string(),
                price_cents: p.and_then(|p| p.get("price_cents").and_then(Value::as_i64)),
                stock: p.and_then(|p| p.get("stock").and_then(Value::as_i64)),
            }
        })
        .collect()
}

#[component]
pub fn CartPage() -> impl IntoView {
    let i18n = use_i18n();
    let snapshot = Resource::new(|| (), |_| public_list("products".to_string()));
    view! {
        <Title text=move || t_string!(i18n, shop.cart.title)/>
        <PublicLayout>
            <h1>{t!(i18n, shop.cart.title)}</h1>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, content.loading)}</p> }>
                {move || Suspend::new(async move {
                    match snapshot.await {
                        Ok(snap) => CartIsland(snap).into_any(),
                        Err(e) => view! { <p class="error" role="alert">{move || e.public_message(i18n.get_locale())}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </PublicLayout>
    }
}

lazy_island!(CartIsland(Snapshot<Vec<Value>>) = cart_view in shop as courant_cart);

/// The cart's lines against the shop's products, from the server's snapshot on.
fn cart_view(snap: Snapshot<Vec<Value>>) -> impl IntoView {
    let products = use_live_list("products", snap);
    view! { <CartLines products/> }
}

#[component]
fn CartLines(products: RwSignal<Vec<Item>>) -> impl IntoView {
    let i18n = use_i18n();
    let items = items_once_hydrated(use_cart());
    let shown = Memo::new(move |_| items.with(|items| products.with(|p| lines(items, p))));
    let total = move || {
        shown.with(|l| {
            l.iter()
                .filter_map(|l| l.price_cents.map(|p| p * l.item.quantity))
                .sum::<i64>()
        })
    };
    let blocked = move || {
        shown.with(|l| {
            l.is_empty()
                || l.iter().any(|l| {
                    l.price_cents.is_none() || l.stock.is_some_and(|s| s < l.item.quantity)
                })
        })
    };
    let open = RwSignal::new(false);
    view! {
        <Show when=move || shown.with(|l| !l.is_empty()) fallback=move || view! {
            <p class="empty" data-testid="cart-empty">{t!(i18n, shop.cart.empty)} " "
                <a href=move || shop_path(i18n.get_locale())>{t!(i18n, shop.cart.to_shop)}</a></p>
        }>
            <table class="table cart" data-testid="cart-lines">
                <thead><tr>
                    <th scope="col">{t!(i18n, shop.fields.name)}</th>
                    <th scope="col">{t!(i18n, shop.fields.price)}</th>
                    <th scope="col">{t!(i18n, shop.cart.quantity)}</th>
                    <th scope="col">{t!(i18n, shop.fields.total)}</th>
                    <th scope="col"><span class="visually-hidden">{t!(i18n, shop.cart.remove)}</span></th>
                </tr></thead>
                <tbody>
                    <For each=move || shown.get() key=|l| (l.item.id.clone(), l.item.quantity, l.price_cents, l.stock) let:line>
                        <CartRow line/>
                    </For>
                </tbody>
            </table>
            <p class="total" data-testid="cart-total">
                {t!(i18n, shop.fields.total)} " : " <strong>{move || money(total(), i18n.get_locale())}</strong>
            </p>
            <div class="actions">
                <button type="button" class="primary" data-testid="checkout" disabled=blocked
                    on:click=move |_| open.set(true)>{t!(i18n, shop.cart.checkout)}</button>
            </div>
            <CheckoutModal open total=Signal::derive(total)/>
        </Show>
    }
}

#[component]
fn CartRow(line: Line) -> impl IntoView {
    let i18n = use_i18n();
    let cart = use_cart();
    let id = line.item.id.clone();
    let quantity_id = format!("qty-{id}");
    let problem = match (line.price_cents, line.stock) {
        (None, _) => Some(t_string!(i18n, shop.cart.gone).to_string()),
        (_, Some(s)) if s < line.item.quantity => {
            Some(t_string!(i18n, shop.cart.short, n = s.max(0)).to_string())
        }
        _ => None,
    };
    let set = {
        let id = id.clone();
        move |ev| {
            let q = event_target_value(&ev).parse::<i64>().unwrap_or(1);
            cart.set_quantity(&id, q.clamp(1, MAX_QUANTITY));
        }
    };
    let remove = move |_| cart.remove(&id);
    let each = line.price_cents;
    let quantity = line.item.quantity;
    view! {
        <tr data-testid="cart-line">
            <td>
                <label for=quantity_id.clone()>{line.name.clone()}</label>
                {problem.map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
            </td>
            <td>{move || each.map(|c| money(c, i18n.get_locale()))}</td>
            <td><input id=quantity_id type="number" min="1" max=MAX_QUANTITY inputmode="numeric"
                class="quantity" data-testid="cart-quantity" prop:value=quantity on:change=set/></td>
            <td data-testid="line-total">{move || each.map(|c| money(c * quantity, i18n.get_locale()))}</td>
            <td><button type="button" class="ghost" data-testid="cart-remove" on:click=remove>{t!(i18n, shop.cart.remove)}</button></td>
        </tr>
    }
}

/// A key for this checkout: the same confirm sent twice (a double click, a retry after a
/// lost answer) makes one order. From the browser's cryptographic source: a key guessed is a
/// cart refused, not another's order, but nobody should guess one.
fn new_key() -> String {
    #[cfg(feature = "hydrate")]
    {
        let mut bytes = [0u8; 16];
        let filled = web_sys::window()
            .and_then(|w| w.crypto().ok())
            .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
        if !filled {
            for b in &mut bytes {
                *b = (js_sys::Math::random() * 256.0) as u8;
            }
        }
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

#[component]
fn CheckoutModal(open: RwSignal<bool>, total: Signal<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let cart = use_cart();
    let (name, email, phone, notes) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let key = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let sending = RwSignal::new(false);
    Effect::new(move |_| {
        if open.get() && key.get_untracked().is_empty() {
            key.set(new_key());
        }
    });
    let field =
        move |f: &'static str| move || error.with(|e| e.as_ref().and_then(|e| e.field_message(f)));
    let other = move || {
        error.with(|e| match e {
            Some(AppError::Validation(list)) => list
                .iter()
                .find(|p| !["name", "email", "phone", "notes"].contains(&p.field.as_str()))
                .map(|p| p.message.clone()),
            Some(e) => Some(e.message(i18n.get_locale())),
            None => None,
        })
    };
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() {
            return;
        }
        // The server's own rules, here first: what cannot be an order is not sent.
        let problems = crate::shop::model::Order {
            customer_name: name.get_untracked().trim().to_string(),
            email: email.get_untracked().trim().to_string(),
            phone: phone.get_untracked().trim().to_string(),
            notes: notes.get_untracked().trim().to_string(),
            ..Default::default()
        }
        .validate();
        if !problems.is_empty() {
            let problems = problems
                .into_iter()
                .map(|mut p| {
                    if p.field == "customer_name" {
                        p.field = "name".into();
                    }
                    p
                })
                .collect();
            error.set(Some(AppError::Validation(problems)));
            return;
        }
        sending.set(true);
        error.set(None);
        let lines: Vec<CartLine> = cart.0.with_untracked(|items| {
            items
                .iter()
                .map(|i| CartLine {
                    product_id: i.id.clone(),
                    quantity: i.quantity,
                })
                .collect()
        });
        let args = (
            name.get_untracked(),
            email.get_untracked(),
            phone.get_untracked(),
            notes.get_untracked(),
            key.get_untracked(),
        );
        spawn_local(async move {
            let (name, email, phone, notes, key) = args;
            match checkout(lines, name, email, phone, notes, key).await {
                Ok(placed) => {
                    cart.clear();
                    // A page load: the receipt is the server's page (an islands page).
                    let to = format!("/commande/{}?cle={}", placed.number, placed.key);
                    #[cfg(feature = "hydrate")]
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().assign(&to);
                    }
                    #[cfg(not(feature = "hydrate"))]
                    let _ = to;
                }
                Err(e) => {
                    error.set(Some(e));
                    sending.set(false);
                }
            }
        });
    };
    let input = move |id: &'static str,
                      label: Signal<String>,
                      value: RwSignal<String>,
                      kind: &'static str,
                      auto: &'static str| {
        let error_id = format!("{id}-error");
        view! {
            <div class="field">
                <label for=id>{move || label.get()}</label>
                <input id=id name=id type=kind autocomplete=auto aria-describedby=error_id.clone()
                    aria-invalid=move || field(id)().is_some().to_string()
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
                <p class="field-error" id=error_id>{field(id)}</p>
            </div>
        }
    };
    view! {
        <Modal open=open on_close=Callback::new(move |_| open.set(false))
            label=Signal::derive(move || t_string!(i18n, shop.checkout.title).to_string()) testid="checkout-modal">
            <form class="editor form-grid" novalidate on:submit=confirm>
                <h2>{t!(i18n, shop.checkout.title)}</h2>
                {input("name", Signal::derive(move || t_string!(i18n, shop.checkout.name).to_string()), name, "text", "name")}
                {input("email", Signal::derive(move || t_string!(i18n, shop.checkout.email).to_string()), email, "email", "email")}
                {input("phone", Signal::derive(move || t_string!(i18n, shop.checkout.phone).to_string()), phone, "tel", "tel")}
                <div class="field">
                    <label for="notes">{t!(i18n, shop.checkout.notes)}</label>
                    <textarea id="notes" name="notes" rows="3" aria-describedby="notes-error"
                        prop:value=move || notes.get() on:input=move |ev| notes.set(event_target_value(&ev))></textarea>
                    <p class="field-error" id="notes-error">{field("notes")}</p>
                </div>
                <p class="total">{t!(i18n, shop.fields.total)} " : " <strong>{move || money(total.get(), i18n.get_locale())}</strong></p>
                <p class="form-error" role="alert" data-testid="checkout-error">{other}</p>
                <div class="actions">
                    <button type="button" class="ghost" on:click=move |_| open.set(false)>{t!(i18n, shop.checkout.cancel)}</button>
                    <button type="submit" class="primary" data-testid="confirm-order" disabled=move || sending.get()>
                        {move || if sending.get() { t_string!(i18n, shop.checkout.sending) } else { t_string!(i18n, shop.checkout.confirm) }}
                    </button>
                </div>
            </form>
        </Modal>
    }
}
