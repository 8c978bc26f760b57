//! The page for an address Courant has no page at: says so, answers 404, and offers the
//! way home.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::*;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=move || t_string!(i18n, common.not_found.title)/>
        <div class="public">
            <main class="state-page" data-testid="not-found">
                <p class="state-code" aria-hidden="true">"404"</p>
                <h1>{t!(i18n, common.not_found.title)}</h1>
                <p>{t!(i18n, common.not_found.why)}</p>
                <p class="actions centred">
                    <a class="button" href="/">{t!(i18n, common.not_found.home)}</a>
                    <a href="/admin">{t!(i18n, common.nav.backoffice)}</a>
                </p>
            </main>
        </div>
    }
}
