//! Public pages for the content collections, kept live. Only published records and public
//! fields ever reach them (the server filters pages and events).

use leptos::prelude::*;
use leptos_meta::Title;
use serde_json::Value;

use crate::client::list::{id_of, use_live_list, Item};
use crate::content::ui::specs::Text;
use crate::core::locale::money;
use crate::core::wire::Snapshot;
use crate::engine::api::{public_list, public_record};
use crate::i18n::*;
use crate::identity::ui::layout::PublicLayout;

/// A public list page: title, then one card per live record.
#[component]
pub fn LivePublicList(
    collection: &'static str,
    title: Text,
    empty: Text,
    card: fn(&Item) -> AnyView,
) -> impl IntoView {
    let i18n = use_i18n();
    let snapshot = Resource::new(|| (), move |_| public_list(collection.to_string()));
    let title = move || title(i18n.get_locale());
    view! {
        <PublicLayout>
            <Title text=title/>
            <h1>{title}</h1>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, content.loading)}</p> }>
                {move || Suspend::new(async move {
                    match snapshot.await {
                        Ok(snap) => {
                            let list = use_live_list(collection, snap);
                            view! {
                                <ul class="public-cards" data-testid="public-list">
                                    <For each=move || list.get() key=|m| (id_of(m).to_string(), m.get("version").cloned()) let:item>
                                        <li class="public-card" data-testid="public-card">{card(&item)}</li>
                                    </For>
                                </ul>
                                <p class="empty">{move || list.with(Vec::is_empty).then(|| empty(i18n.get_locale()))}</p>
                            }.into_any()
                        }
                        Err(e) => view! { <p class="error" role="alert">{move || e.public_message(i18n.get_locale())}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </PublicLayout>
    }
}

/// A record's price as the page's language writes it, following the language switch.
pub fn price(m: &Item) -> impl Fn() -> String + Send + Sync + 'static {
    let i18n = use_i18n();
    let cents = m.get("price_cents").and_then(Value::as_i64).unwrap_or(0);
    move || money(cents, i18n.get_locale())
}

pub fn text(m: &Item, field: &str) -> String {
    m.get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

#[component]
pub fn ServicesPage() -> impl IntoView {
    view! {
        <LivePublicList collection="services"
            title=|l| td_string!(l, content.public.services_title)
            empty=|l| td_string!(l, content.public.services_empty)
            card=|m| view! {
                <h2><a href=format!("/services/{}", id_of(m))>{text(m, "name")}</a></h2>
                <p class="price">{price(m)}</p>
                <p>{text(m, "description")}</p>
            }.into_any()/>
    }
}

#[component]
pub fn SolutionsPage() -> impl IntoView {
    view! {
        <LivePublicList collection="solutions"
            title=|l| td_string!(l, content.public.solutions_title)
            empty=|l| td_string!(l, content.public.solutions_empty)
            card=|m| view! {
                <p class="category">{text(m, "category")}</p>
                <h2><a href=format!("/solutions/{}", id_of(m))>{text(m, "title")}</a></h2>
                <p>{text(m, "description")}</p>
            }.into_any()/>
    }
}

#[component]
pub fn TeamPage() -> impl IntoView {
    view! {
        <LivePublicList collection="team"
            title=|l| td_string!(l, content.public.team_title)
            empty=|l| td_string!(l, content.public.team_empty)
            card=|m| {
                let photo = text(m, "photo_url");
                view! {
                    {(!photo.is_empty()).then(|| view! { <img src=photo alt="" width="96" height="96"/> })}
                    <h2>{text(m, "name")}</h2>
                    <p class="role">{text(m, "role")}</p>
                    <p>{text(m, "bio")}</p>
                }.into_any()
            }/>
    }
}

/// One published record's own page. Opening it counts a view (on the server, once per visit).
#[component]
fn LiveDetail(
    collection: &'static str,
    back: &'static str,
    back_label: Text,
    body: fn(&Item) -> AnyView,
) -> impl IntoView {
    let i18n = use_i18n();
    let params = leptos_router::hooks::use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let snapshot = Resource::new(id, move |id| public_record(collection.to_string(), id));
    view! {
        <PublicLayout>
            <p><a href=back>{move || back_label(i18n.get_locale())}</a></p>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, content.loading)}</p> }>
                {move || Suspend::new(async move {
                    match snapshot.await {
                        Ok(snap) => {
                            let one = Snapshot { record: vec![snap.record], seq: snap.seq, seq_at: snap.seq_at };
                            let list = use_live_list(collection, one);
                            view! {
                                {move || match list.with(|l| l.first().cloned()) {
                                    Some(item) => view! { <article class="detail" data-testid="detail">{body(&item)}</article> }.into_any(),
                                    None => view! { <p class="empty" data-testid="detail-gone">{t!(i18n, content.public.no_longer_published)}</p> }.into_any(),
                                }}
                            }.into_any()
                        }
                        Err(e) => view! { <p class="error" role="alert">{move || e.public_message(i18n.get_locale())}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </PublicLayout>
    }
}

/// "Viewed 3 times", in the page's language.
fn views_line(m: &Item) -> impl Fn() -> String + Send + Sync + 'static {
    let i18n = use_i18n();
    let views = m.get("views").and_then(Value::as_i64).unwrap_or(0);
    move || match views {
        1 => t_string!(i18n, content.public.viewed_once).to_string(),
        n => t_string!(i18n, content.public.viewed_times, n).to_string(),
    }
}

#[component]
pub fn ServiceDetailPage() -> impl IntoView {
    view! {
        <LiveDetail collection="services" back="/services"
            back_label=|l| td_string!(l, content.public.all_services)
            body=|m| view! {
                <Title text=text(m, "name")/>
                <h1>{text(m, "name")}</h1>
                <p class="price">{price(m)}</p>
                <p>{text(m, "description")}</p>
                <p class="meta" data-testid="views">{views_line(m)}</p>
            }.into_any()/>
    }
}

#[component]
pub fn SolutionDetailPage() -> impl IntoView {
    view! {
        <LiveDetail collection="solutions" back="/solutions"
            back_label=|l| td_string!(l, content.public.all_solutions)
            body=|m| view! {
                <Title text=text(m, "title")/>
                <p class="category">{text(m, "category")}</p>
                <h1>{text(m, "title")}</h1>
                <p>{text(m, "description")}</p>
                <p class="meta" data-testid="views">{views_line(m)}</p>
            }.into_any()/>
    }
}
