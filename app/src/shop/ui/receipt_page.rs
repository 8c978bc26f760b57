//! `/commande/{number}?cle={key}`: the buyer's confirmation — the number to quote, what they
//! ordered at which price, the total. Only with the key the checkout gave.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::core::locale::{date_time, money};
use crate::i18n::*;
use crate::identity::ui::layout::PublicLayout;
use crate::shop::api::order_receipt;
use crate::shop::ui::status_label;
use crate::widgets::cart_badge::shop_path;

#[component]
pub fn ReceiptPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let asked = move || {
        (
            params.read().get("number").unwrap_or_default(),
            query.read().get("cle").unwrap_or_default(),
        )
    };
    let receipt = Resource::new(asked, |(number, key)| order_receipt(number, key));
    view! {
        <Title text=move || t_string!(i18n, shop.receipt.title)/>
        <PublicLayout>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, content.loading)}</p> }>
                {move || Suspend::new(async move {
                    match receipt.await {
                        Ok(r) => {
                            let total = r.total_cents;
                            let (at, status) = (r.created_at, r.status);
                            view! {
                                <h1>{t!(i18n, shop.receipt.thanks)}</h1>
                                <p class="banner success" role="status">
                                    {t!(i18n, shop.receipt.number)} " " <strong data-testid="order-number">{r.number.clone()}</strong>
                                </p>
                                <p>{move || t_string!(i18n, shop.receipt.sent_to, email = r.email.clone()).to_string()}</p>
                                <p class="meta">{move || date_time(at, i18n.get_locale())} " · " {move || status_label(status, i18n.get_locale())}</p>
                                <table class="table" data-testid="receipt-lines">
                                    <thead><tr>
                                        <th scope="col">{t!(i18n, shop.fields.name)}</th>
                                        <th scope="col">{t!(i18n, shop.cart.quantity)}</th>
                                        <th scope="col">{t!(i18n, shop.fields.total)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {r.lines.into_iter().map(|l| {
                                            let cents = l.total_cents();
                                            view! { <tr><td>{l.name}</td><td>{l.quantity}</td><td>{move || money(cents, i18n.get_locale())}</td></tr> }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <p class="total" data-testid="receipt-total">{t!(i18n, shop.fields.total)} " : "
                                    <strong>{move || money(total, i18n.get_locale())}</strong></p>
                                <p><a href=move || shop_path(i18n.get_locale())>{t!(i18n, shop.cart.to_shop)}</a></p>
                            }.into_any()
                        }
                        Err(e) => view! {
                            <h1>{t!(i18n, shop.receipt.title)}</h1>
                            <p class="error" role="alert" data-testid="receipt-error">{e.to_string()}</p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </PublicLayout>
    }
}
