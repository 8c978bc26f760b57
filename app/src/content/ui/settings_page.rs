use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use crate::client::{use_live_feed, use_realtime_sync};
use crate::content::settings::SiteSettings;
use crate::content::settings_api::{editable_settings, save_settings};
use crate::core::collection::Collection;
use crate::core::error::AppError;
use crate::core::merge::{rebase, RecordEdit};
use crate::core::wire::{SaveOutcome, Snapshot, SyncOp};
use crate::i18n::*;
use crate::identity::ui::layout::AdminLayout;
use crate::widgets::field::{focus_field, TextField};
use crate::widgets::toast::{use_toasts, ToastKind};

/// The fields the form shows; a message about any other is shown above the button.
const FIELDS: [&str; 6] = [
    "company_name",
    "tagline",
    "email",
    "phone",
    "address",
    "opening_hours",
];

#[component]
pub fn AdminSettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let snapshot = Resource::new(|| (), |_| editable_settings());
    view! {
        <AdminLayout>
            <Title text=move || t_string!(i18n, content.settings.page_title)/>
            <h1>{t!(i18n, content.settings.heading)}</h1>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, content.loading)}</p> }>
                {move || Suspend::new(async move {
                    match snapshot.await {
                        Ok(snap) => view! { <SettingsForm snap/> }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminLayout>
    }
}

/// The editor's form. `base` is the stored version the draft started from; changes made by
/// others arrive live and are folded in without touching what this editor is typing.
#[component]
fn SettingsForm(snap: Snapshot<SiteSettings>) -> impl IntoView {
    let i18n = use_i18n();
    let id = SiteSettings::SINGLETON_ID;
    let base = RwSignal::new(snap.record.clone());
    let draft = RwSignal::new(snap.record.clone());
    let error = RwSignal::new(None::<AppError>);
    let toasts = use_toasts();
    let sync = use_realtime_sync();
    // A save from the queue may already be on its way when this page's code arrives; until
    // the form has hydrated it shows what the server rendered (docs/ARCHITECTURE.md, "Build").
    let hydrated = crate::widgets::hydrated::use_hydrated();
    let syncing = {
        let syncing = sync.syncing();
        move || hydrated.get() && syncing.get()
    };

    let feed = use_live_feed();
    feed.on_change(move |event| {
        if event.collection != "site_settings" || event.record_id != id {
            return;
        }
        let Some(incoming) = event.record::<SiteSettings>() else {
            return;
        };
        if incoming.meta.version <= base.with_untracked(|b| b.meta.version) {
            return;
        }
        let (b, d) = draft.with_untracked(|d| base.with_untracked(|b| rebase(b, d, &incoming)));
        base.set(b);
        draft.set(d);
    });
    let (seq, seq_at) = (snap.seq, snap.seq_at);
    Effect::new(move |_| feed.start(seq, seq_at));

    let dirty = move || {
        draft.with(|d| base.with(|b| !RecordEdit::between(id, b.meta.version, b, d).is_empty()))
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let sent = draft.get_untracked();
        // The server's own rules first: an invalid value is never sent, and the person is
        // taken to the first field to fix.
        let problems = sent.validate();
        if let Some(first) = problems.first() {
            focus_field("form.editor", first.field.clone());
            error.set(Some(AppError::Validation(problems)));
            return;
        }
        let edit = base.with_untracked(|b| RecordEdit::between(id, b.meta.version, b, &sent));
        if edit.is_empty() {
            toasts.show(
                ToastKind::Info,
                tu_string!(i18n, content.save.nothing_to_save),
            );
            return;
        }
        spawn_local(async move {
            let queued = serde_json::to_value(&edit).unwrap_or_default();
            let sent_now = sync.save_or_queue(
                save_settings(edit),
                SiteSettings::NAME,
                SyncOp::Update,
                queued,
            );
            match sent_now.await {
                // Kept in the browser; the form takes the stored version when the feed brings it.
                Ok(None) => {
                    error.set(None);
                    toasts.show(ToastKind::Info, tu_string!(i18n, content.save.queued));
                }
                Ok(Some(outcome)) => {
                    // Fields typed while the save was on its way stay as typed.
                    let (b, d) = draft.with_untracked(|d| rebase(&sent, d, outcome.record()));
                    base.set(b);
                    draft.set(d);
                    error.set(None);
                    match outcome {
                        SaveOutcome::Saved { .. } => toasts.show(
                            ToastKind::Success,
                            tu_string!(i18n, content.save.saved_everywhere),
                        ),
                        SaveOutcome::Unchanged { .. } => toasts.show(
                            ToastKind::Info,
                            tu_string!(i18n, content.save.unchanged_nothing_written),
                        ),
                    }
                }
                Err(AppError::Conflict(conflicts)) => {
                    // Base the conflicting fields on the other person's value: saving again
                    // then keeps this editor's text on purpose.
                    base.update(|b| {
                        let mut m = crate::core::merge::to_map(b);
                        for c in &conflicts {
                            m.insert(c.field.clone(), c.theirs.clone());
                        }
                        if let Ok(next) = serde_json::from_value(serde_json::Value::Object(m)) {
                            *b = next;
                        }
                    });
                    // Said once, at each field concerned.
                    if let Some(first) = conflicts.first() {
                        focus_field("form.editor", first.field.clone());
                    }
                    error.set(Some(AppError::Conflict(conflicts)));
                }
                Err(e) => {
                    if let AppError::Validation(list) = &e {
                        if let Some(first) = list.first() {
                            focus_field("form.editor", first.field.clone());
                        }
                    }
                    error.set(Some(e));
                }
            }
        });
    };

    view! {
        <form class="editor form-grid" on:submit=on_submit novalidate>
            <TextField label=move || t_string!(i18n, content.fields.company_name) name="company_name" draft error
                get=|s: &SiteSettings| s.company_name.clone() set=|s, v| s.company_name = v/>
            <TextField label=move || t_string!(i18n, content.fields.tagline) name="tagline" draft error
                get=|s: &SiteSettings| s.tagline.clone() set=|s, v| s.tagline = v/>
            <TextField label=move || t_string!(i18n, content.fields.email) name="email" kind="email" draft error
                get=|s: &SiteSettings| s.email.clone() set=|s, v| s.email = v/>
            <TextField label=move || t_string!(i18n, content.fields.phone) name="phone" kind="tel" draft error
                get=|s: &SiteSettings| s.phone.clone() set=|s, v| s.phone = v/>
            <TextField label=move || t_string!(i18n, content.fields.address) name="address" multiline=true draft error
                get=|s: &SiteSettings| s.address.clone() set=|s, v| s.address = v/>
            <TextField label=move || t_string!(i18n, content.fields.opening_hours) name="opening_hours" multiline=true draft error
                get=|s: &SiteSettings| s.opening_hours.clone() set=|s, v| s.opening_hours = v/>
            <div class="actions">
                <button type="submit" data-testid="save" disabled=syncing>
                    {move || if syncing() { t_string!(i18n, content.save.saving) } else { t_string!(i18n, content.save.save) }}
                </button>
                <span class="dirty" data-testid="dirty">{move || dirty().then(|| t_string!(i18n, content.save.unsaved))}</span>
            </div>
            // Only what no field shows: field errors and conflicts are said at their fields.
            <p class="form-error" role="alert" data-testid="form-error">
                {move || error.get().and_then(|e| match e {
                    AppError::Conflict(_) => None,
                    AppError::Validation(list) => list
                        .iter()
                        .find(|p| !FIELDS.contains(&p.field.as_str()))
                        .map(|p| p.message.clone()),
                    other => Some(other.to_string()),
                }).map(|text| view! {
                    {text}
                    " "
                    <button type="button" class="link" data-testid="dismiss-error"
                        on:click=move |_| { sync.clear_error(); error.set(None); }>{t!(i18n, content.save.dismiss)}</button>
                })}
            </p>
            <p class="meta" data-testid="version">
                {move || base.with(|b| {
                    let version = b.meta.version;
                    // The first version is written by the installation, not by a person.
                    let who = match b.meta.updated_by.as_str() {
                        "setup" => t_string!(i18n, content.settings.by_setup).to_string(),
                        someone => someone.to_string(),
                    };
                    t_string!(i18n, content.settings.version, version, who).to_string()
                })}
            </p>
        </form>
    }
}
