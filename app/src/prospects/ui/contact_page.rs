//! `/contact`: the public site's contact form. What a visitor writes reaches the team as a
//! prospect; the page only ever says "thank you", whatever the team knew of them. An islands
//! page whose form is a lazy island: its code is a chunk of its own, so the other public pages
//! do not carry it. Without the WASM the form still posts, as an HTML form.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server::ServerActionError;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::core::error::AppError;
use crate::i18n::*;
use crate::identity::ui::layout::PublicLayout;
use crate::prospects::api::SendContact;
use crate::widgets::lazy_island::lazy_island;

#[component]
pub fn ContactPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, prospects.contact_page.page_title)/>
        <PublicLayout>
            <h1>{t!(i18n, prospects.contact_page.heading)}</h1>
            {ContactIsland(posted())}
        </PublicLayout>
    }
}

lazy_island!(ContactIsland(Posted) = contact_form in contact as courant_contact);

/// What a form posted before (or without) the WASM came back with, in the address: an error
/// (server_fn's `__err`), or `?envoye=1` once sent (`SENT_PATH`). The island is given it, so
/// the browser hydrates the page the server drew.
#[derive(Clone, Default, Serialize, Deserialize)]
struct Posted {
    failed: bool,
    sent: bool,
}

fn posted() -> Posted {
    let sent = leptos_router::hooks::use_query_map()
        .read_untracked()
        .get("envoye")
        .is_some();
    let failed = use_context::<ServerActionError>().is_some();
    Posted { failed, sent }
}

/// The form, then the thanks once it is sent.
fn contact_form(posted: Posted) -> impl IntoView {
    // The error in the address is free text anyone can put in a link to this page: it is not
    // shown (docs/ARCHITECTURE.md, "Forms"). An error for no path hides it from the action;
    // a fixed message says what to do instead.
    provide_context(ServerActionError::new("", ""));
    let i18n = use_i18n();
    let feed = crate::client::use_live_feed();
    Effect::new(move |_| feed.start_at_head());
    let action = ServerAction::<SendContact>::new();
    let error = move || {
        action
            .value()
            .with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned()))
    };
    let sent = move || posted.sent || action.value().with(|v| matches!(v, Some(Ok(()))));
    let field =
        move |name: &'static str| move || error().and_then(|e: AppError| e.field_message(name));
    let other = move || match error() {
        Some(AppError::Validation(_)) => None,
        Some(e) => Some(e.message(i18n.get_locale())),
        None if posted.failed && action.value().with(Option::is_none) => {
            Some(t_string!(i18n, prospects.contact_page.not_sent).to_string())
        }
        None => None,
    };
    view! {
            <Show when=sent fallback=move || view! {
                <p>{t!(i18n, prospects.contact_page.intro)}</p>
                <ActionForm action=action attr:class="editor form-grid" attr:novalidate=true>
                    <div class="field">
                        <label for="contact-name">{t!(i18n, prospects.contact.name)}</label>
                        <input id="contact-name" name="name" autocomplete="name" required aria-describedby="contact-name-error"
                            aria-invalid=move || field("name")().is_some().to_string()/>
                        <p class="field-error" id="contact-name-error">{field("name")}</p>
                    </div>
                    <div class="field">
                        <label for="contact-email">{t!(i18n, prospects.contact.email)}</label>
                        <input id="contact-email" name="email" type="email" autocomplete="email" required aria-describedby="contact-email-error"
                            aria-invalid=move || field("email")().is_some().to_string()/>
                        <p class="field-error" id="contact-email-error">{field("email")}</p>
                    </div>
                    <div class="field">
                        <label for="contact-phone">{t!(i18n, prospects.contact_page.phone_optional)}</label>
                        <input id="contact-phone" name="phone" type="tel" autocomplete="tel" aria-describedby="contact-phone-error"
                            aria-invalid=move || field("phone")().is_some().to_string()/>
                        <p class="field-error" id="contact-phone-error">{field("phone")}</p>
                    </div>
                    <div class="field">
                        <label for="contact-message">{t!(i18n, prospects.contact.message)}</label>
                        <textarea id="contact-message" name="message" rows="6" required aria-describedby="contact-message-error"
                            aria-invalid=move || field("message")().is_some().to_string()></textarea>
                        <p class="field-error" id="contact-message-error">{field("message")}</p>
                    </div>
                    // People never see this field; a bot fills it in, and is thanked for nothing.
                    <div class="honeypot">
                        <label for="contact-website">{t!(i18n, prospects.contact_page.leave_empty)}</label>
                        <input id="contact-website" name="website" tabindex="-1" autocomplete="off"/>
                    </div>
                    <p class="form-error" role="alert" data-testid="contact-error">{other}</p>
                    <div class="actions">
                        <button type="submit" data-testid="send" disabled=move || action.pending().get()>
                            {move || if action.pending().get() { t_string!(i18n, prospects.contact_page.sending) } else { t_string!(i18n, prospects.contact_page.send) }}
                        </button>
                    </div>
                </ActionForm>
            }>
                <p class="banner info" role="status" data-testid="contact-thanks">{t!(i18n, prospects.contact_page.thanks)}</p>
            </Show>
    }
}
