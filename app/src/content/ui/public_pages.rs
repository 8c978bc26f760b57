//! Public pages for the content collections, kept live. Only published records and public
//! fields ever reach them (the server filters pages and events).

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::islands::follow_title;
use crate::client::list::{id_of, use_live_list, Item};
use crate::content::ui::specs::Text;
use crate::core::locale::{money, Locale};
use crate::core::wire::Snapshot;
use crate::engine::api::{public_list, public_record};
use crate::i18n::*;
use crate::identity::ui::layout::PublicLayout;

/// The public lists. An island's props travel to the browser as JSON, and a card function
/// cannot: the island is told which list it draws and finds its card here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PublicList {
    Team,
    Services,
    Solutions,
}

impl PublicList {
    fn collection(self) -> &'static str {
        match self {
            PublicList::Team => "team",
            PublicList::Services => "services",
            PublicList::Solutions => "solutions",
        }
    }

    fn title(self) -> Text {
        match self {
            PublicList::Team => |l| td_string!(l, content.public.team_title),
            PublicList::Services => |l| td_string!(l, content.public.services_title),
            PublicList::Solutions => |l| td_string!(l, content.public.solutions_title),
        }
    }

    fn empty(self) -> Text {
        match self {
            PublicList::Team => |l| td_string!(l, content.public.team_empty),
            PublicList::Services => |l| td_string!(l, content.public.services_empty),
            PublicList::Solutions => |l| td_string!(l, content.public.solutions_empty),
        }
    }

    fn card(self, m: &Item) -> AnyView {
        match self {
            PublicList::Services => view! {
                <h2><a href=format!("/services/{}", id_of(m))>{text(m, "name")}</a></h2>
                <p class="price">{price(m)}</p>
                <p>{text(m, "description")}</p>
            }
            .into_any(),
            PublicList::Solutions => view! {
                <p class="category">{text(m, "category")}</p>
                <h2><a href=format!("/solutions/{}", id_of(m))>{text(m, "title")}</a></h2>
                <p>{text(m, "description")}</p>
            }
            .into_any(),
            PublicList::Team => {
                let photo = text(m, "photo_url");
                view! {
                    {(!photo.is_empty()).then(|| view! { <img src=photo alt="" width="96" height="96"/> })}
                    <h2>{text(m, "name")}</h2>
                    <p class="role">{text(m, "role")}</p>
                    <p>{text(m, "bio")}</p>
                }
                .into_any()
            }
        }
    }
}

/// A public list page: title, then the live cards `cards` draws from the server's snapshot.
#[component]
pub fn PublicListPage<C>(collection: &'static str, title: Text, cards: C) -> impl IntoView
where
    C: Fn(Snapshot<Vec<Value>>) -> AnyView + Clone + Send + Sync + 'static,
{
    let i18n = use_i18n();
    let snapshot = Resource::new(|| (), move |_| public_list(collection.to_string()));
    let title = move || title(i18n.get_locale());
    view! {
        <PublicLayout>
            <Title text=title/>
            <h1>{title}</h1>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, content.loading)}</p> }>
                {move || {
                    let cards = cards.clone();
                    Suspend::new(async move {
                        match snapshot.await {
                            Ok(snap) => cards(snap),
                            Err(e) => view! { <p class="error" role="alert">{move || e.public_message(i18n.get_locale())}</p> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </PublicLayout>
    }
}

/// One card per live record of `collection`, from the snapshot on; `empty` when there is none.
pub fn live_cards(
    collection: &'static str,
    snap: Snapshot<Vec<Value>>,
    card: impl Fn(&Item) -> AnyView + Clone + Send + Sync + 'static,
    empty: Text,
) -> impl IntoView {
    let i18n = use_i18n();
    let items = use_live_list(collection, snap);
    view! {
        <ul class="public-cards" data-testid="public-list">
            <For each=move || items.get() key=|m| (id_of(m).to_string(), m.get("version").cloned()) let:item>
                <li class="public-card" data-testid="public-card">{card(&item)}</li>
            </For>
        </ul>
        <p class="empty">{move || items.with(Vec::is_empty).then(|| empty(i18n.get_locale()))}</p>
    }
}

/// The team, services and solutions pages.
#[component]
fn LivePublicList(list: PublicList) -> impl IntoView {
    view! {
        <PublicListPage collection=list.collection() title=list.title()
            cards=move |snap| view! { <LiveCards list snap/> }.into_any()/>
    }
}

/// The cards, kept live: an island (client/islands.rs).
#[island]
fn LiveCards(list: PublicList, snap: Snapshot<Vec<Value>>) -> impl IntoView {
    live_cards(list.collection(), snap, move |m| list.card(m), list.empty())
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
    view! { <LivePublicList list=PublicList::Services/> }
}

#[component]
pub fn SolutionsPage() -> impl IntoView {
    view! { <LivePublicList list=PublicList::Solutions/> }
}

#[component]
pub fn TeamPage() -> impl IntoView {
    view! { <LivePublicList list=PublicList::Team/> }
}

/// The public records with a page of their own; told to the island as [`PublicList`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PublicDetail {
    Service,
    Solution,
}

impl PublicDetail {
    fn collection(self) -> &'static str {
        match self {
            PublicDetail::Service => "services",
            PublicDetail::Solution => "solutions",
        }
    }

    fn back(self) -> &'static str {
        match self {
            PublicDetail::Service => "/services",
            PublicDetail::Solution => "/solutions",
        }
    }

    fn back_label(self, l: Locale) -> &'static str {
        match self {
            PublicDetail::Service => td_string!(l, content.public.all_services),
            PublicDetail::Solution => td_string!(l, content.public.all_solutions),
        }
    }

    /// The record's name, the page's title.
    fn title(self, m: &Item) -> String {
        match self {
            PublicDetail::Service => text(m, "name"),
            PublicDetail::Solution => text(m, "title"),
        }
    }

    fn body(self, m: &Item) -> AnyView {
        match self {
            PublicDetail::Service => view! {
                <h1>{text(m, "name")}</h1>
                <p class="price">{price(m)}</p>
                <p>{text(m, "description")}</p>
                <p class="meta" data-testid="views">{views_line(m)}</p>
            }
            .into_any(),
            PublicDetail::Solution => view! {
                <p class="category">{text(m, "category")}</p>
                <h1>{text(m, "title")}</h1>
                <p>{text(m, "description")}</p>
                <p class="meta" data-testid="views">{views_line(m)}</p>
            }
            .into_any(),
        }
    }
}

/// One published record's own page. Opening it counts a view (on the server, once per visit).
#[component]
fn LiveDetail(detail: PublicDetail) -> impl IntoView {
    let i18n = use_i18n();
    let params = leptos_router::hooks::use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let snapshot = Resource::new(id, move |id| {
        public_record(detail.collection().to_string(), id)
    });
    view! {
        <PublicLayout>
            <p><a href=detail.back()>{move || detail.back_label(i18n.get_locale())}</a></p>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, content.loading)}</p> }>
                {move || Suspend::new(async move {
                    match snapshot.await {
                        Ok(snap) => {
                            let title = snap.record.as_object().map(|m| detail.title(m)).unwrap_or_default();
                            let snap = Snapshot { record: vec![snap.record], seq: snap.seq, seq_at: snap.seq_at };
                            view! {
                                <Title text=title/>
                                <LiveRecord detail snap/>
                            }.into_any()
                        }
                        Err(e) => view! { <p class="error" role="alert">{move || e.public_message(i18n.get_locale())}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </PublicLayout>
    }
}

/// The record, kept live (gone once it is unpublished or deleted): an island.
#[island]
fn LiveRecord(detail: PublicDetail, snap: Snapshot<Vec<Value>>) -> impl IntoView {
    let i18n = use_i18n();
    let list = use_live_list(detail.collection(), snap);
    follow_title(move || list.with(|l| l.first().map(|m| detail.title(m))));
    move || match list.with(|l| l.first().cloned()) {
        Some(item) => view! {
            <article class="detail" data-testid="detail">{detail.body(&item)}</article>
        }
        .into_any(),
        None => view! {
            <p class="empty" data-testid="detail-gone">
                {t!(i18n, content.public.no_longer_published)}
            </p>
        }
        .into_any(),
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
    view! { <LiveDetail detail=PublicDetail::Service/> }
}

#[component]
pub fn SolutionDetailPage() -> impl IntoView {
    view! { <LiveDetail detail=PublicDetail::Solution/> }
}
