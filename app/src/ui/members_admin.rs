//! Members of the current organisation: invite someone with a role (a new account's password
//! is shown once), change a member's role, remove a member. Supervisors see the list
//! read-only (the frame disables it; the server refuses their changes anyway).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use super::dialog::confirm;
use super::layout::{reload, use_signed_in};
use super::AdminLayout;
use crate::api::{invite_member, list_members, remove_member, set_member_role, MemberInfo};
use crate::error::AppError;
use crate::roles::Role;
use crate::time::{now_ms, relative_time, Lang};

#[component]
pub fn MembersPage() -> impl IntoView {
    let feed = crate::client::use_live_feed();
    Effect::new(move |_| feed.start_at_head());
    let members = Resource::new(|| (), |_| list_members());
    let refetch = Callback::new(move |_| members.refetch());
    view! {
        <AdminLayout>
            <Title text="Members · Courant"/>
            <h1>"Members"</h1>
            <p class="meta">"Who can sign in to this organisation, and what each may do: admins everything; editors content, orders and prospects; supervisors look at everything but change nothing; operators handle orders and prospects only."</p>
            <InviteForm on_invited=refetch/>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match members.await {
                        Ok(list) => view! {
                            <ul class="cards" data-testid="members">
                                {list.into_iter().map(|m| view! { <MemberCard member=m on_changed=refetch/> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminLayout>
    }
}

#[component]
fn InviteForm(on_invited: Callback<()>) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Editor);
    let error = RwSignal::new(None::<AppError>);
    // Who was added, and the new account's password if one was made.
    let invited = RwSignal::new(None::<(String, Role, Option<String>)>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        spawn_local(async move {
            let (who, as_role) = (email.get_untracked(), role.get_untracked());
            match invite_member(who.clone(), as_role).await {
                Ok(done) => {
                    invited.set(Some((who.trim().to_string(), as_role, done.password)));
                    error.set(None);
                    email.set(String::new());
                    on_invited.run(());
                }
                Err(e) => {
                    invited.set(None);
                    error.set(Some(e));
                }
            }
            busy.set(false);
        });
    };
    view! {
        <form class="editor" on:submit=submit novalidate>
            <div class="invite">
                <label class="field">
                    <span>"Email"</span>
                    <input id="invite-email" type="email" autocomplete="off" placeholder="someone@example.com"
                        prop:value=email on:input=move |ev| email.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span>"Role"</span>
                    <RoleSelect id="invite-role" value=role on_change=Callback::new(move |r| role.set(r))/>
                </label>
            </div>
            <span class="field-error" role="alert">{move || error.with(|e| e.as_ref().map(|e| e.field_message("email").unwrap_or_else(|| e.to_string())))}</span>
            <div class="actions">
                <button type="submit" data-testid="invite" disabled=move || busy.get()>"Add member"</button>
            </div>
            {move || invited.get().map(|(who, r, password)| view! {
                <p class="notice" role="status" data-testid="invited">
                    {match password {
                        Some(p) => view! {
                            "Added " {who} " as " {r.as_str()} ". Their password, shown only now (they can change it on their account page): "
                            <code data-testid="invited-password">{p}</code>
                        }.into_any(),
                        None => view! {
                            "Added " {who} " as " {r.as_str()} ". They already have an account and sign in with their own password."
                        }.into_any(),
                    }}
                </p>
            })}
        </form>
    }
}

#[component]
fn MemberCard(member: MemberInfo, on_changed: Callback<()>) -> impl IntoView {
    let signed_in = use_signed_in();
    let email = member.email.clone();
    let is_me = {
        let email = email.clone();
        Memo::new(move |_| signed_in.with(|u| u.as_ref().is_some_and(|u| u.email == email)))
    };
    let error = RwSignal::new(None::<String>);
    let user_id = member.user_id;
    let role = RwSignal::new(member.role);
    // Changing one's own role or leaving changes what this page may show: start again.
    let after = move |me: bool| {
        if me {
            reload();
        } else {
            on_changed.run(());
        }
    };
    let change_role = Callback::new(move |new: Role| {
        let me = is_me.get_untracked();
        spawn_local(async move {
            match set_member_role(user_id, new).await {
                Ok(()) => {
                    error.set(None);
                    after(me);
                }
                Err(e) => {
                    // Show the role the member still has, and why it did not change.
                    error.set(Some(explain(&e)));
                    role.set(member.role);
                }
            }
        });
    });
    let remove = {
        let email = email.clone();
        move |_| {
            let me = is_me.get_untracked();
            let question = if me {
                "Leave this organisation? You will no longer see its backoffice.".to_string()
            } else {
                format!("Remove {email} from this organisation?")
            };
            if !confirm(&question) {
                return;
            }
            spawn_local(async move {
                match remove_member(user_id).await {
                    Ok(()) => after(me),
                    Err(e) => error.set(Some(explain(&e))),
                }
            });
        }
    };
    view! {
        <li class="card member" data-testid="member" data-email=email.clone() data-role=move || role.get().as_str()>
            <strong>{email.clone()}</strong>
            <Show when=move || is_me.get()><span class="meta">" (you)"</span></Show>
            <span class="meta">" · joined " {relative_time(now_ms(), member.joined_at, Lang::En)}</span>
            <div class="card-actions">
                <label>
                    "Role "
                    <RoleSelect id="" value=role on_change=change_role/>
                </label>
                <button type="button" class="danger" data-testid="remove-member" on:click=remove>
                    {move || if is_me.get() { "Leave" } else { "Remove" }}
                </button>
            </div>
            <p class="error" role="alert">{move || error.get()}</p>
        </li>
    }
}

#[component]
fn RoleSelect(id: &'static str, value: RwSignal<Role>, on_change: Callback<Role>) -> impl IntoView {
    let changed = move |ev: leptos::ev::Event| {
        if let Some(r) = Role::parse(&event_target_value(&ev)) {
            on_change.run(r);
        }
    };
    view! {
        <select id=(!id.is_empty()).then_some(id) data-testid="role" on:change=changed
            prop:value=move || value.get().as_str()>
            {Role::ALL.into_iter().map(|r| view! {
                <option value=r.as_str() selected=r == value.get_untracked()>{r.as_str()}</option>
            }).collect_view()}
        </select>
    }
}

/// What went wrong, in the words of the refusal itself (a refused role change is a
/// validation error naming the reason, not a form to correct).
fn explain(e: &AppError) -> String {
    match e {
        AppError::Validation(errors) if !errors.is_empty() => errors
            .iter()
            .map(|f| f.message.clone())
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    }
}
