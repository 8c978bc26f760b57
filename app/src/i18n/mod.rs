//! Words on screen: the message files (`app/locales/{fr,en}/*.json`, compiled by build.rs into
//! `keys`), the page's language, and the macros that read a message in it.
//!
//! - `t!(i18n, common.nav.team)`: in a view, follows the language switch.
//! - `t_string!(i18n, key)`: the text now, tracked (inside a reactive closure it re-runs).
//! - `tu_string!(i18n, key)`: the text now, untracked (event handlers).
//! - `td_string!(locale, key)`: the text in a given language (server messages).
//!
//! Placeholders are named arguments: `t_string!(i18n, common.sync.pending, n = count)`, or
//! `version` alone for `version = version`. A wrong key or a missing or unknown argument does
//! not compile.
//!
//! The language is decided once, by [`resolve`] (the cookie, then `Accept-Language`, then
//! French), for the server's messages and the rendered page alike; the page's `<html lang>`
//! carries it to the browser, which starts from it, so SSR and hydration agree.

include!(concat!(env!("OUT_DIR"), "/messages.rs"));

use leptos::prelude::*;

/// The cookie the language switch sets and every request is read with.
pub const COOKIE: &str = "courant_lang";

/// The page's language, shared by every view of the page.
#[derive(Clone, Copy)]
pub struct I18n {
    locale: RwSignal<Locale>,
}

impl I18n {
    /// The language, tracked: a view or effect reading it follows the switch.
    pub fn get_locale(self) -> Locale {
        self.locale.get()
    }

    pub fn get_locale_untracked(self) -> Locale {
        self.locale.get_untracked()
    }

    /// Switches the page to `locale` at once and remembers it for the next requests.
    pub fn set_locale(self, locale: Locale) {
        // The cookie first: anything the switch makes ask the server must ask in the new language.
        #[cfg(feature = "hydrate")]
        remember(locale);
        self.locale.set(locale);
    }
}

/// Gives the page its language: the request's on the server, `<html lang>` in the browser.
pub fn provide_i18n() -> I18n {
    let i18n = I18n {
        locale: RwSignal::new(initial_locale()),
    };
    provide_context(i18n);
    i18n
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

#[cfg(feature = "ssr")]
fn initial_locale() -> Locale {
    let Some(parts) = use_context::<http::request::Parts>() else {
        return Locale::default();
    };
    let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
    resolve(
        header(http::header::COOKIE),
        header(http::header::ACCEPT_LANGUAGE),
    )
}

#[cfg(not(feature = "ssr"))]
fn initial_locale() -> Locale {
    #[cfg(feature = "hydrate")]
    {
        let lang = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"));
        if let Some(locale) = lang.and_then(|l| l.parse().ok()) {
            return locale;
        }
    }
    Locale::default()
}

/// The whole site, a year, not sent along by other sites' requests.
#[cfg(feature = "hydrate")]
fn remember(locale: Locale) {
    use wasm_bindgen::JsCast;
    let document = web_sys::window().and_then(|w| w.document());
    if let Some(doc) = document.and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok()) {
        let cookie = format!("{COOKIE}={locale}; path=/; max-age=31536000; samesite=lax");
        let _ = doc.set_cookie(&cookie);
    }
}

/// The language a request asks for: the cookie, then `Accept-Language`, then French.
pub fn resolve(cookie_header: Option<&str>, accept_language: Option<&str>) -> Locale {
    let from_cookie = cookie_header.and_then(|h| {
        h.split(';')
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == COOKIE)
            .and_then(|(_, v)| v.trim().parse::<Locale>().ok())
    });
    if let Some(l) = from_cookie {
        return l;
    }
    let Some(header) = accept_language else {
        return Locale::default();
    };
    // "en-GB,en;q=0.8,fr;q=0.5": most wanted first; a weight of 0 means "not this one".
    let mut wanted: Vec<(f32, &str)> = header
        .split(',')
        .filter_map(|part| {
            let mut bits = part.trim().split(';');
            let tag = bits.next()?.trim();
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (!tag.is_empty() && q > 0.0).then_some((q, tag))
        })
        .take(16)
        .collect();
    wanted.sort_by(|a, b| b.0.total_cmp(&a.0));
    wanted
        .iter()
        .find_map(|(_, tag)| tag.split('-').next().and_then(|p| p.parse::<Locale>().ok()))
        .unwrap_or_default()
}

/// A message in `locale`.
macro_rules! td_string {
    ($locale:expr, $($key:ident).+ $(,)?) => {
        $crate::i18n::keys::$($key)::+($locale)
    };
    ($locale:expr, $($key:ident).+, $($arg:ident $(= $val:expr)?),+ $(,)?) => {
        $crate::i18n::keys::$($key)::+(
            $locale,
            $crate::i18n::keys::$($key)::+ { $($arg $(: $val)?),+ },
        )
    };
}

/// A message in the page's language, tracked.
macro_rules! t_string {
    ($i18n:expr, $($rest:tt)+) => {
        $crate::i18n::td_string!($i18n.get_locale(), $($rest)+)
    };
}

/// A message in the page's language, untracked.
macro_rules! tu_string {
    ($i18n:expr, $($rest:tt)+) => {
        $crate::i18n::td_string!($i18n.get_locale_untracked(), $($rest)+)
    };
}

/// A message as a view that follows the language switch (its arguments are read each time).
macro_rules! t {
    ($i18n:expr, $($rest:tt)+) => {{
        let i18n = $i18n;
        move || $crate::i18n::td_string!(i18n.get_locale(), $($rest)+)
    }};
}

/// A message whose placeholders are views (`<strong>`, `<code>`): each argument is a
/// closure returning the view put in its place.
macro_rules! t_view {
    ($i18n:expr, $($key:ident).+, $($arg:ident = $view:expr),+ $(,)?) => {{
        use ::leptos::prelude::{CollectView, IntoAny};
        let i18n = $i18n;
        // Bound together, so no view closure sees another argument's name in place of the
        // variable it meant.
        let ($($arg,)+) = ($($view,)+);
        move || {
            let text = $crate::i18n::td_string!(
                i18n.get_locale(),
                $($key).+,
                $($arg = $crate::i18n::Slot(stringify!($arg))),+
            );
            $crate::i18n::pieces(&text)
                .map(|piece| match piece {
                    $crate::i18n::Piece::Text(t) => t.to_string().into_any(),
                    $crate::i18n::Piece::Slot(name) => {
                        $(if name == stringify!($arg) {
                            return $arg().into_any();
                        })+
                        ().into_any()
                    }
                })
                .collect_view()
        }
    }};
}

pub(crate) use {t, t_string, t_view, td_string, tu_string};

/// Stands for a view in a message until [`pieces`] cuts the message around it.
pub struct Slot(pub &'static str);

const SLOT_MARK: char = '\u{1}';

impl std::fmt::Display for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{SLOT_MARK}{}{SLOT_MARK}", self.0)
    }
}

pub enum Piece<'a> {
    Text(&'a str),
    Slot(&'a str),
}

/// A message written with [`Slot`]s, as its text and slots in order.
pub fn pieces(text: &str) -> impl Iterator<Item = Piece<'_>> {
    text.split(SLOT_MARK)
        .enumerate()
        .filter(|(_, s)| !s.is_empty())
        .map(|(i, s)| {
            if i % 2 == 1 {
                Piece::Slot(s)
            } else {
                Piece::Text(s)
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_wins_then_the_browser_then_french() {
        assert_eq!(
            resolve(Some("a=1; courant_lang=en"), Some("fr")),
            Locale::en
        );
        assert_eq!(
            resolve(Some("courant_lang=xx"), Some("en-GB,fr;q=0.5")),
            Locale::en
        );
        assert_eq!(resolve(None, Some("de,fr;q=0.9,en;q=0.8")), Locale::fr);
        assert_eq!(resolve(None, Some("en;q=0,de")), Locale::fr);
        assert_eq!(resolve(None, None), Locale::fr);
    }

    #[test]
    fn messages_take_their_placeholders_by_name() {
        assert_eq!(td_string!(Locale::fr, common.nav.team), "Équipe");
        assert_eq!(td_string!(Locale::en, common.nav.team), "Team");
        let n = 3;
        assert_eq!(
            td_string!(Locale::fr, common.time.seconds_ago, n),
            "il y a 3 s"
        );
        assert_eq!(
            td_string!(Locale::en, common.time.seconds_ago, n = 12),
            "12 s ago"
        );
    }
}
