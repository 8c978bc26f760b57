use leptos::prelude::*;
use leptos_meta::Title;

use crate::client::islands::follow_title;
use crate::client::use_live_record;
use crate::content::settings::SiteSettings;
use crate::content::settings_api::public_settings;
use crate::core::wire::Snapshot;
use crate::i18n::*;
use crate::identity::ui::layout::PublicLayout;

/// The public front page: the organisation's settings, kept live.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let snapshot = Resource::new(|| (), |_| public_settings());
    view! {
        <PublicLayout>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, content.loading)}</p> }>
                {move || Suspend::new(async move {
                    match snapshot.await {
                        Ok(snap) => view! {
                            <Title text=snap.record.company_name.clone()/>
                            <LiveSettings snap/>
                        }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{move || e.public_message(i18n.get_locale())}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </PublicLayout>
    }
}

/// The settings as they change: an island (client/islands.rs), the page's only live part
/// with the header's corner.
#[island]
fn LiveSettings(snap: Snapshot<SiteSettings>) -> impl IntoView {
    let i18n = use_i18n();
    let rendered_at = snap.seq;
    let s = use_live_record(snap, SiteSettings::SINGLETON_ID);
    let field = move |f: fn(&SiteSettings) -> String| move || s.with(f);
    follow_title(move || Some(s.with(|s| s.company_name.clone())));
    view! {
        <section class="hero" data-rendered-seq=rendered_at>
            <h1 data-testid="company-name">{field(|s| s.company_name.clone())}</h1>
            <p class="tagline" data-testid="tagline">{field(|s| s.tagline.clone())}</p>
        </section>
        <section class="contact" aria-label=move || t_string!(i18n, content.home.contact)>
            <dl>
                <dt>{t!(i18n, content.fields.address)}</dt>
                <dd data-testid="address">{field(|s| s.address.clone())}</dd>
                <dt>{t!(i18n, content.fields.opening_hours)}</dt>
                <dd data-testid="opening-hours">{field(|s| s.opening_hours.clone())}</dd>
                <dt>{t!(i18n, content.fields.phone)}</dt>
                <dd data-testid="phone">{field(|s| s.phone.clone())}</dd>
                <dt>{t!(i18n, content.fields.email)}</dt>
                <dd data-testid="email">{field(|s| s.email.clone())}</dd>
            </dl>
        </section>
    }
}
