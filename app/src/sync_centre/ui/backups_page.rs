//! `/synchronisation/backups`: the backups kept (live), each downloadable, restorable after
//! a dry run, or deleted; "Sauvegarder maintenant"; a file to upload and restore from.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use serde_json::Value;

use crate::client::list::Item;
use crate::core::error::AppError;
use crate::core::locale::{date_time, file_size, Locale};
use crate::core::roles::Permission;
use crate::i18n::*;
use crate::identity::ui::layout::AdminLayout;
use crate::sync_centre::api::{backup_file_path, delete_backup, preview_restore, restore_backup};
use crate::sync_centre::model::{Backup, Origin, RestorePreview};
use crate::widgets::dialog::{use_confirm, Modal};
use crate::widgets::toast::{use_toasts, ToastKind};

use super::dashboard_page::BackupNowButton;
use super::ops::LiveCollection;

/// Which backup the restore dialog is about (its id), for every part of the page.
#[derive(Clone, Copy)]
struct Restoring(RwSignal<Option<String>>);

#[component]
pub fn BackupsPage() -> impl IntoView {
    let i18n = use_i18n();
    let restoring = Restoring(RwSignal::new(None));
    provide_context(restoring);
    view! {
        <AdminLayout read=Permission::ReadSyncCentre write=Permission::ManageSyncCentre>
            <Title text=move || t_string!(i18n, sync.backups.title)/>
            <h1>{t!(i18n, sync.backups.title)}</h1>
            <p class="muted">{t!(i18n, sync.backups.intro)}</p>
            <BackupNowButton/>
            <LiveCollection collection="sync_backups" view=backups_table/>
            <Export/>
            <Upload/>
            <RestoreDialog/>
        </AdminLayout>
    }
}

pub fn origin_label(origin: Origin, l: Locale) -> &'static str {
    match origin {
        Origin::Manual => td_string!(l, sync.origin.manual),
        Origin::Schedule => td_string!(l, sync.origin.schedule),
        Origin::BeforeRestore => td_string!(l, sync.origin.before_restore),
        Origin::Upload => td_string!(l, sync.origin.upload),
    }
}

fn backups(items: &[Item]) -> Vec<Backup> {
    let mut list: Vec<Backup> = items
        .iter()
        .filter_map(|m| serde_json::from_value(Value::Object(m.clone())).ok())
        .collect();
    list.sort_by_key(|b: &Backup| std::cmp::Reverse((b.made_at, b.meta.created_at)));
    list
}

fn backups_table(list: RwSignal<Vec<Item>>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = Memo::new(move |_| list.with(|l| backups(l)));
    view! {
        <Show when=move || !rows.with(Vec::is_empty)
            fallback=move || view! { <p class="empty-state" data-testid="no-backups">{t!(i18n, sync.backups.empty)}</p> }>
            <div class="table-wrap">
                <table class="table" data-testid="backups">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, sync.backups.made_at)}</th>
                            <th scope="col">{t!(i18n, sync.backups.origin)}</th>
                            <th scope="col">{t!(i18n, sync.backups.records)}</th>
                            <th scope="col">{t!(i18n, sync.backups.size)}</th>
                            <th scope="col">{t!(i18n, sync.backups.made_by)}</th>
                            <th scope="col"><span class="visually-hidden">{t!(i18n, sync.backups.actions)}</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || rows.get() key=|b| (b.meta.id.clone(), b.meta.version) let:backup>
                            <BackupRow backup/>
                        </For>
                    </tbody>
                </table>
            </div>
        </Show>
    }
}

#[component]
fn BackupRow(backup: Backup) -> impl IntoView {
    let i18n = use_i18n();
    let Restoring(restoring) = expect_context();
    let confirm = use_confirm();
    let toasts = use_toasts();
    let (made_at, origin, size) = (
        backup.made_at,
        backup.origin,
        backup.size_bytes.max(0) as u64,
    );
    let id = StoredValue::new(backup.meta.id.clone());
    let file = StoredValue::new(backup.file.clone());
    let remove = move |_| {
        spawn_local(async move {
            let question =
                tu_string!(i18n, sync.backups.delete_question, file = file.get_value()).to_string();
            let yes = tu_string!(i18n, sync.backups.delete).to_string();
            if confirm.ask(question, yes, true).await {
                if let Err(e) = delete_backup(id.get_value()).await {
                    toasts.show(ToastKind::Error, e.to_string());
                }
            }
        });
    };
    view! {
        <tr data-testid="backup" data-origin=match origin { Origin::Manual => "manual", Origin::Schedule => "schedule", Origin::BeforeRestore => "before_restore", Origin::Upload => "upload" }>
            <th scope="row">{move || date_time(made_at, i18n.get_locale())}</th>
            <td>{move || origin_label(origin, i18n.get_locale())}</td>
            <td>{backup.records}</td>
            <td>{move || file_size(size, i18n.get_locale())}</td>
            <td>{backup.made_by.clone()}</td>
            <td><div class="cell-actions">
                <a class="button secondary" href=backup_file_path(&backup.meta.id) download=backup.file.clone() rel="external"
                    data-testid="download">{t!(i18n, sync.backups.download)}</a>
                <a class="button quiet" href=format!("{}?gzip=1", backup_file_path(&backup.meta.id)) download=format!("{}.gz", backup.file) rel="external"
                    data-testid="download-gzip">{t!(i18n, sync.backups.download_gzip)}</a>
                <button type="button" class="secondary" data-testid="restore"
                    on:click=move |_| restoring.set(Some(id.get_value()))>{t!(i18n, sync.backups.restore)}</button>
                <button type="button" class="quiet danger" data-testid="delete" on:click=remove>{t!(i18n, sync.backups.delete)}</button>
            </div></td>
        </tr>
    }
}

/// The dry run of a restore, then its confirmation.
#[component]
fn RestoreDialog() -> impl IntoView {
    let i18n = use_i18n();
    let Restoring(restoring) = expect_context();
    let toasts = use_toasts();
    let preview = RwSignal::new(None::<Result<RestorePreview, AppError>>);
    let busy = RwSignal::new(false);
    Effect::new(move |_| {
        preview.set(None);
        if let Some(id) = restoring.get() {
            spawn_local(async move {
                let answer = preview_restore(id.clone()).await;
                if restoring.get_untracked().as_ref() == Some(&id) {
                    preview.set(Some(answer));
                }
            });
        }
    });
    let close = Callback::new(move |_| {
        if !busy.get_untracked() {
            restoring.set(None);
        }
    });
    let apply = move |_| {
        let Some(Ok(p)) = preview.get_untracked() else {
            return;
        };
        busy.set(true);
        spawn_local(async move {
            match restore_backup(p.backup.meta.id.clone(), p.backup.checksum.clone()).await {
                Ok(done) => {
                    let t = done.total();
                    toasts.show(
                        ToastKind::Success,
                        tu_string!(
                            i18n,
                            sync.restore.done,
                            created = t.created,
                            updated = t.updated,
                            deleted = t.deleted
                        )
                        .to_string(),
                    );
                    busy.set(false);
                    restoring.set(None);
                }
                Err(e) => {
                    busy.set(false);
                    preview.set(Some(Err(e)));
                }
            }
        });
    };
    view! {
        <Modal open=Signal::derive(move || restoring.get().is_some()) on_close=close
            label=Signal::derive(move || t_string!(i18n, sync.restore.title).to_string()) testid="restore-dialog">
            <h2>{t!(i18n, sync.restore.title)}</h2>
            {move || match preview.get() {
                None => view! { <p class="loading">{t!(i18n, sync.restore.checking)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="banner error" role="alert" data-testid="restore-error">{e.to_string()}</p> }.into_any(),
                Some(Ok(p)) => {
                    let refused = p.plan.rejected_count > 0;
                    let total = p.plan.total();
                    view! {
                        <p>{t!(i18n, sync.restore.from, file = p.backup.file.clone())}</p>
                        <div class="table-wrap">
                            <table class="table compact" data-testid="restore-plan">
                                <thead><tr>
                                    <th scope="col">{t!(i18n, sync.restore.collection)}</th>
                                    <th scope="col">{t!(i18n, sync.restore.created)}</th>
                                    <th scope="col">{t!(i18n, sync.restore.updated)}</th>
                                    <th scope="col">{t!(i18n, sync.restore.deleted)}</th>
                                    <th scope="col">{t!(i18n, sync.restore.unchanged)}</th>
                                </tr></thead>
                                <tbody>
                                    {p.plan.collections.iter().map(|(name, t)| view! {
                                        <tr data-collection=name.clone()><th scope="row">{super::ops::collection_label(name, i18n.get_locale_untracked())}</th>
                                            <td>{t.created}</td><td>{t.updated}</td><td>{t.deleted}</td><td>{t.unchanged}</td></tr>
                                    }).collect_view()}
                                </tbody>
                                <tfoot><tr data-testid="restore-total"><th scope="row">{t!(i18n, sync.restore.total)}</th>
                                    <td>{total.created}</td><td>{total.updated}</td><td>{total.deleted}</td><td>{total.unchanged}</td></tr></tfoot>
                            </table>
                        </div>
                        {refused.then(|| view! {
                            <div class="banner error" role="alert" data-testid="restore-rejected">
                                <p>{t!(i18n, sync.restore.rejected, n = p.plan.rejected_count)}</p>
                                <ul>{p.plan.rejected.iter().take(10).map(|r| view! { <li>{format!("{} « {} » : {}", super::ops::collection_label(&r.collection, i18n.get_locale_untracked()), r.id, r.message)}</li> }).collect_view()}</ul>
                            </div>
                        })}
                        {p.kept.get("members").copied().map(|n| view! {
                            <p class="muted" data-testid="restore-members">{t!(i18n, sync.restore.members_kept, n = n)}</p>
                        })}
                        <p class="banner warning">{t!(i18n, sync.restore.warning)}</p>
                        <div class="modal-actions">
                            <button type="button" class="danger" data-testid="confirm-restore" disabled=move || busy.get() || refused
                                on:click=apply>
                                {move || if busy.get() { t_string!(i18n, sync.restore.restoring) } else { t_string!(i18n, sync.restore.confirm) }}
                            </button>
                            <button type="button" class="secondary" on:click=move |_| close.run(())>{t!(i18n, sync.restore.cancel)}</button>
                        </div>
                    }.into_any()
                }
            }}
        </Modal>
    }
}

/// The organisation's data now, whole or one collection, in the backup format.
#[component]
fn Export() -> impl IntoView {
    let i18n = use_i18n();
    let collections = [
        "site_settings",
        "team",
        "services",
        "solutions",
        "products",
        "orders",
        "prospects",
    ];
    let path = crate::sync_centre::api::EXPORT_PATH;
    view! {
        <section aria-labelledby="export-heading">
            <h2 id="export-heading">{t!(i18n, sync.export.title)}</h2>
            <p class="muted">{t!(i18n, sync.export.intro)}</p>
            <p class="actions">
                <a class="button secondary" href=path rel="external" download="" data-testid="export-all">{t!(i18n, sync.export.all)}</a>
                {collections.into_iter().map(|c| view! {
                    <a class="button quiet" href=format!("{path}?collection={c}") rel="external" download="">
                        {move || super::ops::collection_label(c, i18n.get_locale())}</a>
                }).collect_view()}
            </p>
        </section>
    }
}

/// A backup file from elsewhere (a download, another server of this organisation): sent,
/// checked by the server, then shown in the restore dialog for its dry run.
#[component]
fn Upload() -> impl IntoView {
    let i18n = use_i18n();
    let Restoring(restoring) = expect_context();
    let input = NodeRef::<leptos::html::Input>::new();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        #[cfg(feature = "hydrate")]
        {
            let Some(file) = input.get().and_then(|i| i.files()).and_then(|f| f.get(0)) else {
                error.set(Some(t_string!(i18n, sync.upload.choose).to_string()));
                return;
            };
            busy.set(true);
            spawn_local(async move {
                match send_file(file).await {
                    Ok(backup) => restoring.set(Some(backup.meta.id)),
                    Err(message) => error.set(Some(message)),
                }
                busy.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (input, restoring);
    };
    view! {
        <section aria-labelledby="upload-heading">
            <h2 id="upload-heading">{t!(i18n, sync.upload.title)}</h2>
            <p class="muted">{t!(i18n, sync.upload.intro)}</p>
            <form class="upload" on:submit=send>
                <label for="backup-file">{t!(i18n, sync.upload.file)}</label>
                <input id="backup-file" type="file" accept=".json,.gz,application/json,application/gzip" node_ref=input
                    aria-describedby="backup-file-error" data-testid="upload-file"/>
                <p class="field-error" id="backup-file-error" role="alert" data-testid="upload-error">{move || error.get()}</p>
                <button type="submit" class="secondary" disabled=move || busy.get() data-testid="upload">
                    {move || if busy.get() { t_string!(i18n, sync.upload.sending) } else { t_string!(i18n, sync.upload.send) }}
                </button>
            </form>
        </section>
    }
}

/// POST the file as the body; the server's refusal is its plain-text message.
#[cfg(feature = "hydrate")]
async fn send_file(file: web_sys::File) -> Result<Backup, String> {
    let path = format!(
        "{}?name={}",
        crate::sync_centre::api::IMPORT_PATH,
        form_urlencoded::byte_serialize(file.name().as_bytes()).collect::<String>()
    );
    let sent = gloo_net::http::Request::post(&path)
        .header("content-type", "application/json")
        .body(file)
        .map_err(|e| e.to_string())?
        .send()
        .await
        .map_err(|_| AppError::Transport(String::new()).to_string())?;
    if sent.ok() {
        sent.json::<Backup>().await.map_err(|e| e.to_string())
    } else {
        Err(sent.text().await.unwrap_or_default())
    }
}
