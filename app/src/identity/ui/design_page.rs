//! `/admin/design`: every component of the design system as the pages use it, for admins
//! building or checking a page (the later pages are made of these).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use crate::core::roles::Permission;
use crate::i18n::*;
use crate::identity::ui::layout::AdminLayout;
use crate::widgets::dialog::{use_confirm, Modal};
use crate::widgets::toast::{use_toasts, ToastKind};

#[component]
pub fn DesignPage() -> impl IntoView {
    let i18n = use_i18n();
    let feed = crate::client::use_live_feed();
    Effect::new(move |_| feed.start_at_head());
    view! {
        <AdminLayout read=Permission::ManagePeople write=Permission::ManagePeople>
            <Title text=move || t_string!(i18n, identity.design.page_title)/>
            <h1>{t!(i18n, identity.design.heading)}</h1>
            <p class="muted">{t!(i18n, identity.design.intro)}</p>
            <Components/>
        </AdminLayout>
    }
}

#[component]
fn Components() -> impl IntoView {
    let i18n = use_i18n();
    let confirm = use_confirm();
    let toasts = use_toasts();
    let drawer = RwSignal::new(false);
    let answer = RwSignal::new(None::<bool>);
    let ask = move |_| {
        let question = t_string!(i18n, identity.design.question).to_string();
        let yes = t_string!(i18n, identity.design.delete).to_string();
        spawn_local(async move { answer.set(Some(confirm.ask(question, yes, true).await)) });
    };
    let label = Signal::derive(move || t_string!(i18n, identity.design.drawer).to_string());
    view! {
        <div class="design-grid" data-testid="design">
            <section class="card">
                <h2>{t!(i18n, identity.design.colours)}</h2>
                <div class="design-row">
                    {["ink", "muted", "accent", "ok", "warn", "bad", "bg", "line"].into_iter().map(|c| view! {
                        <span class="design-row"><span class=format!("swatch swatch-{c}")></span><code>{format!("--{c}")}</code></span>
                    }).collect_view()}
                </div>
            </section>
            <section class="card">
                <h2>{t!(i18n, identity.design.buttons)}</h2>
                <div class="design-row">
                    <button type="button">{t!(i18n, identity.design.primary)}</button>
                    <button type="button" class="secondary">{t!(i18n, identity.design.secondary)}</button>
                    <button type="button" class="quiet">{t!(i18n, identity.design.quiet)}</button>
                    <button type="button" class="danger">{t!(i18n, identity.design.danger)}</button>
                    <button type="button" disabled>{t!(i18n, identity.design.disabled)}</button>
                </div>
            </section>
            <section class="card">
                <h2>{t!(i18n, identity.design.fields)}</h2>
                <div class="editor form-grid">
                    <label class="field">
                        <span>{t!(i18n, identity.design.text)}</span>
                        <input type="text" value="Courant"/>
                    </label>
                    <label class="field">
                        <span>{t!(i18n, identity.design.invalid)}</span>
                        <input type="text" aria-invalid="true" aria-describedby="design-error" value="@"/>
                        <span class="field-error" id="design-error">{t!(i18n, identity.design.invalid_message)}</span>
                    </label>
                    <label class="field">
                        <span>{t!(i18n, identity.design.choice)}</span>
                        <select><option>{t!(i18n, identity.design.one)}</option><option>{t!(i18n, identity.design.two)}</option></select>
                    </label>
                    <label class="check">
                        <input type="checkbox" checked/>
                        <span>{t!(i18n, identity.design.switch)}</span>
                    </label>
                    <label class="field">
                        <span>{t!(i18n, identity.design.long_text)}</span>
                        <textarea></textarea>
                    </label>
                </div>
            </section>
            <section class="card">
                <h2>{t!(i18n, identity.design.messages)}</h2>
                <div class="design-row">
                    <span class="chip">{t!(i18n, identity.design.draft)}</span>
                    <span class="chip ok">{t!(i18n, identity.design.published)}</span>
                    <span class="chip warn">{t!(i18n, identity.design.waiting)}</span>
                    <span class="chip info">{t!(i18n, identity.design.edited)}</span>
                    <span class="chip bad">{t!(i18n, identity.design.failed)}</span>
                </div>
                <p class="banner info">{t!(i18n, identity.design.info)}</p>
                <p class="banner warning">{t!(i18n, identity.design.warning)}</p>
                <p class="banner error">{t!(i18n, identity.design.error)}</p>
            </section>
            <section class="card">
                <h2>{t!(i18n, identity.design.table)}</h2>
                <div class="table-wrap">
                    <table class="table">
                        <thead><tr>
                            <th scope="col">{t!(i18n, identity.design.name)}</th>
                            <th scope="col">{t!(i18n, identity.design.status)}</th>
                        </tr></thead>
                        <tbody>
                            <tr><th scope="row">{t!(i18n, identity.design.one)}</th><td><span class="chip ok">{t!(i18n, identity.design.published)}</span></td></tr>
                            <tr><th scope="row">{t!(i18n, identity.design.two)}</th><td><span class="chip">{t!(i18n, identity.design.draft)}</span></td></tr>
                        </tbody>
                    </table>
                </div>
            </section>
            <section class="card">
                <h2>{t!(i18n, identity.design.states)}</h2>
                <div class="empty-state"><p>{t!(i18n, identity.design.empty)}</p></div>
                <div class="skeleton-table" aria-hidden="true"><div class="skeleton-row"></div><div class="skeleton-row"></div></div>
            </section>
            <section class="card">
                <h2>{t!(i18n, identity.design.overlays)}</h2>
                <div class="design-row">
                    <button type="button" class="secondary" data-testid="design-modal" on:click=ask>{t!(i18n, identity.design.open_modal)}</button>
                    <button type="button" class="secondary" data-testid="design-drawer" on:click=move |_| drawer.set(true)>{t!(i18n, identity.design.open_drawer)}</button>
                    <button type="button" class="secondary" data-testid="design-toast"
                        on:click=move |_| toasts.show(ToastKind::Success, t_string!(i18n, identity.design.toast))>{t!(i18n, identity.design.show_toast)}</button>
                    <span data-testid="design-answer">{move || answer.get().map(|yes| if yes { t_string!(i18n, identity.design.confirmed) } else { t_string!(i18n, identity.design.cancelled) })}</span>
                </div>
            </section>
            <Modal kind="drawer" open=drawer on_close=Callback::new(move |_| drawer.set(false)) label testid="design-drawer-dialog">
                <div class="record-editor">
                    <header class="drawer-header">
                        <h2 class="drawer-title">{t!(i18n, identity.design.drawer)}</h2>
                        <button type="button" class="quiet icon-button" aria-label=move || t_string!(i18n, identity.design.close)
                            on:click=move |_| drawer.set(false)><span class="icon icon-close" aria-hidden="true"></span></button>
                    </header>
                    <div class="drawer-body"><p>{t!(i18n, identity.design.drawer_text)}</p></div>
                    <footer class="drawer-footer">
                        <button type="button" on:click=move |_| drawer.set(false)>{t!(i18n, identity.design.close)}</button>
                    </footer>
                </div>
            </Modal>
        </div>
    }
}
