//! Members of the current organisation: invite someone with a role (a one-time link to pass
//! on; they choose their own password when they accept), withdraw a pending invitation,
//! change a member's role, remove a member. Supervisors see the page read-only (the frame
//! disables it; the server refuses their changes anyway).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use crate::core::error::AppError;
use crate::core::locale::relative_time;
use crate::core::roles::{Permission, Role};
use crate::core::time::now_ms;
use crate::i18n::*;
use crate::identity::members_api::{
    invite_member, list_invitations, list_members, remove_member, revoke_invitation,
    set_member_role, CreatedInvitation, InvitationInfo, MemberInfo,
};
use crate::identity::ui::layout::AdminLayout;
use crate::identity::ui::layout::{reload, role_name, use_signed_in};
use crate::widgets::dialog::use_confirm;

#[component]
pub fn MembersPage() -> impl IntoView {
    let i18n = use_i18n();
    let feed = crate::client::use_live_feed();
    Effect::new(move |_| feed.start_at_head());
    let members = Resource::new(|| (), |_| list_members());
    let invitations = Resource::new(|| (), |_| list_invitations());
    let refetch = Callback::new(move |_| {
        members.refetch();
        invitations.refetch();
    });
    view! {
        <AdminLayout read=Permission::ReadSyncCentre write=Permission::ManagePeople>
            <Title text=move || t_string!(i18n, identity.members.page_title)/>
            <h1>{t!(i18n, identity.members.heading)}</h1>
            <p class="meta">{t!(i18n, identity.members.intro)}</p>
            <InviteForm on_invited=refetch/>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match invitations.await {
                        Ok(list) if list.is_empty() => ().into_any(),
                        Ok(list) => view! {
                            <h2>{t!(i18n, identity.members.waiting)}</h2>
                            <ul class="cards" data-testid="invitations">
                                {list.into_iter().map(|i| view! { <PendingInvitation invitation=i on_changed=refetch/> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{move || e.message(i18n.get_locale())}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <h2>{t!(i18n, identity.members.heading)}</h2>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, identity.loading)}</p> }>
                {move || Suspend::new(async move {
                    match members.await {
                        Ok(list) => view! {
                            <ul class="cards" data-testid="members">
                                {list.into_iter().map(|m| view! { <MemberCard member=m on_changed=refetch/> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{move || e.message(i18n.get_locale())}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminLayout>
    }
}

#[component]
fn InviteForm(on_invited: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Editor);
    let error = RwSignal::new(None::<AppError>);
    let created = RwSignal::new(None::<CreatedInvitation>);
    let busy = RwSignal::new(false);
    // The server's rule, as the admin types: an address it would refuse cannot be sent.
    let unreadable = move || {
        email.with(|e| !e.trim().is_empty() && crate::core::email::Email::parse(e).is_none())
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if unreadable() || email.with_untracked(|e| e.trim().is_empty()) {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match invite_member(email.get_untracked(), role.get_untracked()).await {
                Ok(done) => {
                    created.set(Some(done));
                    error.set(None);
                    email.set(String::new());
                    on_invited.run(());
                }
                Err(e) => {
                    created.set(None);
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
                    <span>{t!(i18n, identity.members.email)}</span>
                    <input id="invite-email" type="email" autocomplete="off" aria-describedby="invite-email-error" placeholder=move || t_string!(i18n, identity.members.email_placeholder)
                        aria-invalid=move || unreadable().to_string()
                        prop:value=email on:input=move |ev| { error.set(None); email.set(event_target_value(&ev)) }/>
                </label>
                <label class="field">
                    <span>{t!(i18n, identity.members.role)}</span>
                    <RoleSelect id="invite-role" value=role on_change=Callback::new(move |r| role.set(r))/>
                </label>
            </div>
            <span class="field-error" id="invite-email-error" role="alert">
                {move || error.with(|e| e.as_ref().map(|e| e.field_message("email").unwrap_or_else(|| e.message(i18n.get_locale()))))
                    .or_else(|| unreadable().then(|| t_string!(i18n, identity.server.invalid_email).to_string()))}
            </span>
            <div class="actions">
                <button type="submit" data-testid="invite" disabled=move || busy.get() || unreadable() || email.with(|e| e.trim().is_empty())>{t!(i18n, identity.members.invite)}</button>
            </div>
            {move || created.get().map(|c| view! {
                <p class="notice" role="status" data-testid="invited">
                    {t!(i18n, identity.members.invited_notice,
                        email = c.invitation.email.clone(),
                        role = role_name(c.invitation.role, i18n.get_locale()))}
                    " "
                    <code data-testid="invitation-link">{full_link(&c.link)}</code>
                </p>
            })}
        </form>
    }
}

/// The link with this site's address in front, as the person will receive it.
fn full_link(path: &str) -> String {
    #[cfg(feature = "hydrate")]
    if let Some(origin) = web_sys::window().and_then(|w| w.location().origin().ok()) {
        return format!("{origin}{path}");
    }
    path.to_string()
}

#[component]
fn PendingInvitation(invitation: InvitationInfo, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<String>);
    let id = invitation.id.clone();
    let withdraw = move |_| {
        let id = id.clone();
        spawn_local(async move {
            match revoke_invitation(id).await {
                Ok(()) => on_changed.run(()),
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <li class="card member" data-testid="invitation" data-email=invitation.email.clone()>
            <strong>{invitation.email.clone()}</strong>
            <span class="meta">" · " {move || role_name(invitation.role, i18n.get_locale())} " · "
                {t!(i18n, identity.members.invited_ago,
                    ago = relative_time(now_ms(), invitation.created_at, i18n.get_locale()))}</span>
            <div class="card-actions">
                <button type="button" class="danger" data-testid="withdraw" on:click=withdraw>{t!(i18n, identity.members.withdraw)}</button>
            </div>
            <p class="error" role="alert">{move || error.get()}</p>
        </li>
    }
}

#[component]
fn MemberCard(member: MemberInfo, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let signed_in = use_signed_in();
    let email = member.email.clone();
    let is_me = {
        let email = email.clone();
        Memo::new(move |_| signed_in.with(|u| u.as_ref().is_some_and(|u| u.email == email)))
    };
    let error = RwSignal::new(None::<String>);
    let id = member.id.clone();
    let role = RwSignal::new(member.role);
    // Changing one's own role or leaving changes what this page may show: start again.
    let after = move |me: bool| {
        if me {
            reload();
        } else {
            on_changed.run(());
        }
    };
    let change_role = Callback::new({
        let id = id.clone();
        move |new: Role| {
            let me = is_me.get_untracked();
            let id = id.clone();
            spawn_local(async move {
                match set_member_role(id, new).await {
                    Ok(()) => {
                        error.set(None);
                        after(me);
                    }
                    Err(e) => {
                        // Show the role the member still has, and why it did not change.
                        error.set(Some(e.explain()));
                        role.set(member.role);
                    }
                }
            });
        }
    });
    let confirm = use_confirm();
    let remove = {
        let email = email.clone();
        move |_| {
            let me = is_me.get_untracked();
            let locale = i18n.get_locale_untracked();
            let question = if me {
                td_string!(locale, identity.members.confirm_leave).to_string()
            } else {
                td_string!(locale, identity.members.confirm_remove, email = &email).to_string()
            };
            let yes = if me {
                td_string!(locale, identity.members.leave).to_string()
            } else {
                td_string!(locale, identity.members.remove).to_string()
            };
            let id = id.clone();
            spawn_local(async move {
                if !confirm.ask(question, yes, true).await {
                    return;
                }
                match remove_member(id).await {
                    Ok(()) => after(me),
                    Err(e) => error.set(Some(e.explain())),
                }
            });
        }
    };
    view! {
        <li class="card member" data-testid="member" data-email=email.clone() data-role=move || role.get().as_str()>
            <strong>{email.clone()}</strong>
            <Show when=move || is_me.get()><span class="meta">" " {t!(i18n, identity.members.you)}</span></Show>
            <span class="meta">" · " {t!(i18n, identity.members.joined,
                ago = relative_time(now_ms(), member.joined_at, i18n.get_locale()))}</span>
            <div class="card-actions">
                <label>
                    {t!(i18n, identity.members.role)} " "
                    <RoleSelect id="" value=role on_change=change_role/>
                </label>
                <button type="button" class="danger" data-testid="remove-member" on:click=remove>
                    {move || if is_me.get() {
                        t_string!(i18n, identity.members.leave)
                    } else {
                        t_string!(i18n, identity.members.remove)
                    }}
                </button>
            </div>
            <p class="error" role="alert">{move || error.get()}</p>
        </li>
    }
}

#[component]
fn RoleSelect(id: &'static str, value: RwSignal<Role>, on_change: Callback<Role>) -> impl IntoView {
    let i18n = use_i18n();
    let changed = move |ev: leptos::ev::Event| {
        if let Some(r) = Role::parse(&event_target_value(&ev)) {
            on_change.run(r);
        }
    };
    view! {
        <select id=(!id.is_empty()).then_some(id) data-testid="role" on:change=changed
            prop:value=move || value.get().as_str()>
            {Role::ALL.into_iter().map(|r| view! {
                <option value=r.as_str() selected=r == value.get_untracked()>{move || role_name(r, i18n.get_locale())}</option>
            }).collect_view()}
        </select>
    }
}
