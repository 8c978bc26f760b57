//! `/synchronisation/config`: the backup schedule (off, or every N minutes or hours) and the
//! retention rule; the other connections' own pages (webhooks, the booking tool).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use crate::core::error::AppError;
use crate::core::roles::Permission;
use crate::i18n::*;
use crate::identity::ui::layout::AdminLayout;
use crate::sync_centre::api::{backup_schedule, save_backup_schedule};
use crate::widgets::field::focus_field;

#[component]
pub fn ConfigPage() -> impl IntoView {
    let i18n = use_i18n();
    let feed = crate::client::use_live_feed();
    Effect::new(move |_| feed.start_at_head());
    view! {
        <AdminLayout read=Permission::ReadSyncCentre write=Permission::ManageSyncCentre>
            <Title text=move || t_string!(i18n, sync.config.title)/>
            <h1>{t!(i18n, sync.config.title)}</h1>
            <ScheduleForm/>
            <section aria-labelledby="connections-heading">
                <h2 id="connections-heading">{t!(i18n, sync.config.connections)}</h2>
                <ul class="links">
                    <li><a href="/admin/webhooks">{t!(i18n, sync.config.webhooks)}</a></li>
                    <li><a href="/admin/booking">{t!(i18n, sync.config.booking)}</a></li>
                </ul>
            </section>
        </AdminLayout>
    }
}

#[component]
fn ScheduleForm() -> impl IntoView {
    let i18n = use_i18n();
    let on = RwSignal::new(false);
    let every = RwSignal::new(String::from("60"));
    let unit = RwSignal::new(60i64);
    let keep_last = RwSignal::new(String::from("10"));
    let keep_days = RwSignal::new(String::from("7"));
    let error = RwSignal::new(None::<AppError>);
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);
    Effect::new(move |_| {
        spawn_local(async move {
            match backup_schedule().await {
                Ok((s, _min)) => {
                    on.set(s.every_secs > 0);
                    let (n, u) = if s.every_secs > 0 && s.every_secs % 3600 == 0 {
                        (s.every_secs / 3600, 3600)
                    } else {
                        ((s.every_secs / 60).max(1), 60)
                    };
                    if s.every_secs > 0 {
                        every.set(n.to_string());
                        unit.set(u);
                    }
                    keep_last.set(s.keep_last.to_string());
                    keep_days.set(s.keep_daily_days.to_string());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let message =
        move |field: &'static str| error.with(|e| e.as_ref().and_then(|e| e.field_message(field)));
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let number = |s: RwSignal<String>| s.get_untracked().trim().parse::<i64>().unwrap_or(-1);
        let every_secs = if on.get_untracked() {
            number(every).max(0) * unit.get_untracked()
        } else {
            0
        };
        let (last, days) = (number(keep_last), number(keep_days));
        busy.set(true);
        spawn_local(async move {
            match save_backup_schedule(every_secs, last, days).await {
                Ok(_) => {
                    error.set(None);
                    saved.set(true);
                }
                Err(e) => {
                    if let Some(field) = ["every_secs", "keep_last", "keep_daily_days"]
                        .into_iter()
                        .find(|f| e.field_message(f).is_some())
                    {
                        focus_field("[data-testid=schedule-form]", field.to_string());
                    }
                    error.set(Some(e));
                }
            }
            busy.set(false);
        });
    };
    view! {
        <section aria-labelledby="schedule-heading">
            <h2 id="schedule-heading">{t!(i18n, sync.config.schedule)}</h2>
            <form class="form" on:submit=save data-testid="schedule-form">
                <label class="check">
                    <input type="checkbox" data-testid="schedule-on" prop:checked=move || on.get()
                        on:change=move |ev| on.set(event_target_checked(&ev))/>
                    {t!(i18n, sync.config.on)}
                </label>
                <div class="field">
                    <label for="schedule-every_secs">{t!(i18n, sync.config.every)}</label>
                    <div class="inline">
                        <input id="schedule-every_secs" name="every_secs" type="number" min="1" inputmode="numeric" data-testid="schedule-every"
                            aria-describedby="schedule-every_secs-error" disabled=move || !on.get()
                            prop:value=move || every.get() on:input=move |ev| every.set(event_target_value(&ev))/>
                        <select aria-label=move || t_string!(i18n, sync.config.unit) disabled=move || !on.get()
                            on:change=move |ev| unit.set(event_target_value(&ev).parse().unwrap_or(60))>
                            <option value="60" selected=move || unit.get() == 60>{t!(i18n, sync.config.minutes)}</option>
                            <option value="3600" selected=move || unit.get() == 3600>{t!(i18n, sync.config.hours)}</option>
                        </select>
                    </div>
                    <p class="field-error" id="schedule-every_secs-error">{move || message("every_secs")}</p>
                </div>
                <div class="field">
                    <label for="schedule-keep_last">{t!(i18n, sync.config.keep_last)}</label>
                    <input id="schedule-keep_last" name="keep_last" type="number" min="1" inputmode="numeric" data-testid="schedule-keep-last"
                        aria-describedby="schedule-keep_last-error"
                        prop:value=move || keep_last.get() on:input=move |ev| keep_last.set(event_target_value(&ev))/>
                    <p class="field-error" id="schedule-keep_last-error">{move || message("keep_last")}</p>
                </div>
                <div class="field">
                    <label for="schedule-keep_daily_days">{t!(i18n, sync.config.keep_days)}</label>
                    <input id="schedule-keep_daily_days" name="keep_daily_days" type="number" min="0" inputmode="numeric" data-testid="schedule-keep-days"
                        aria-describedby="schedule-keep_daily_days-error"
                        prop:value=move || keep_days.get() on:input=move |ev| keep_days.set(event_target_value(&ev))/>
                    <p class="field-error" id="schedule-keep_daily_days-error">{move || message("keep_daily_days")}</p>
                </div>
                {move || error.with(|e| e.as_ref().filter(|e| !matches!(e, AppError::Validation(_))).map(|e| view! {
                    <p class="banner error" role="alert">{e.to_string()}</p>
                }))}
                <p class="actions">
                    <button type="submit" class="primary" data-testid="schedule-save" disabled=move || busy.get()>{t!(i18n, sync.config.save)}</button>
                    <span role="status" data-testid="schedule-saved">{move || saved.get().then(|| t_string!(i18n, sync.config.saved))}</span>
                </p>
            </form>
        </section>
    }
}
