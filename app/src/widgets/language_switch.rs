//! The FR / EN switch in every header. Choosing a language re-renders the page in it at once
//! (an islands page is reloaded: client/islands.rs) and remembers it in the `courant_lang`
//! cookie, which the server reads on the next request.

use leptos::prelude::*;

use crate::i18n::*;

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let choice = move |locale: Locale, short: &'static str, shown: &'static str| {
        let name = move || match locale {
            Locale::fr => t_string!(i18n, common.language.fr),
            Locale::en => t_string!(i18n, common.language.en),
        };
        // The name starts with what the button shows ("FR — Français"), as speech input
        // users say what they see.
        let label = move || format!("{shown} — {}", name());
        view! {
            <button type="button" lang=locale.as_str() data-testid=format!("language-{short}")
                aria-pressed=move || (i18n.get_locale() == locale).to_string()
                aria-label=label title=name
                on:click=move |_| switch_to(i18n, locale)>
                {shown}
            </button>
        }
    };
    view! {
        <div class="language-switch" role="group" aria-label=move || t_string!(i18n, common.language.label)>
            {choice(Locale::fr, "fr", "FR")}
            {choice(Locale::en, "en", "EN")}
        </div>
    }
}

/// Switches the page's language. An islands page (client/islands.rs) is mostly the server's
/// HTML, which only the server can write again: it loads the page anew, in the language the
/// switch has just remembered.
fn switch_to(i18n: I18n, locale: Locale) {
    i18n.set_locale(locale);
    #[cfg(feature = "hydrate")]
    if crate::client::islands::is_island_page() {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    }
}
