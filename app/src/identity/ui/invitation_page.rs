//! The page an invitation link opens: someone new chooses their password (a plain POST form,
//! so it works before the WASM has loaded); someone with an account signs in and accepts.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::i18n::*;
use crate::identity::api::me;
use crate::identity::form_problem::FormProblem;
use crate::identity::members_api::INVITATION_PATH;
use crate::identity::members_api::{
    accept_invitation, view_invitation, AcceptInvitationAsNew, InvitationView,
};
use crate::identity::return_to::{sign_in_url, BACKOFFICE_HOME};
use crate::identity::ui::layout::role_name;

use crate::identity::ui::layout::go_to;

#[component]
pub fn InvitationPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token")).unwrap_or_default();
    let invitation = Resource::new(token, view_invitation);
    view! {
        <Title text=move || t_string!(i18n, identity.invitation.page_title)/>
        <crate::identity::ui::layout::AuthLayout>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, identity.loading)}</p> }>
                {move || Suspend::new(async move {
                    match invitation.await {
                        Ok(found) => view! { <Invitation found token=token()/> }.into_any(),
                        Err(e) => view! {
                            <h1>{t!(i18n, identity.invitation.heading)}</h1>
                            <p class="error" role="alert" data-testid="invitation-error">{move || e.message(i18n.get_locale())}</p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </crate::identity::ui::layout::AuthLayout>
    }
}

#[component]
fn Invitation(found: InvitationView, token: String) -> impl IntoView {
    let i18n = use_i18n();
    let organisation = found.organisation.clone();
    let email = found.email.clone();
    let role = found.role;
    view! {
        <h1>{t!(i18n, identity.invitation.join, organisation = found.organisation.clone())}</h1>
        <p data-testid="invitation">
            {t_view!(i18n, identity.invitation.invited,
                organisation = move || view! { <strong>{organisation.clone()}</strong> },
                role = move || view! { <strong>{role_name(role, i18n.get_locale())}</strong> },
                email = move || view! { <strong>{email.clone()}</strong> })}
        </p>
        {if found.has_account {
            view! { <AcceptSignedIn email=found.email token/> }.into_any()
        } else {
            view! { <ChoosePassword token/> }.into_any()
        }}
    }
}

/// New to Courant: choose a password, and be signed in.
#[component]
fn ChoosePassword(token: String) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<AcceptInvitationAsNew>::new();
    let query = use_query_map();
    // As on the sign-in page: this page's own answers, or a fixed code after a plain post.
    let error = move || {
        if action.version().get() > 0 {
            action.value().with(|v| {
                v.as_ref().and_then(|r| {
                    r.as_ref().err().map(|e| {
                        e.field_message("password")
                            .unwrap_or_else(|| e.message(i18n.get_locale()))
                    })
                })
            })
        } else {
            query
                .with(|q| FormProblem::from_query(q.get_str("problem"), q.get_str("wait")))
                .map(|p| p.message_in(i18n.get_locale()))
        }
    };
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            go_to(BACKOFFICE_HOME);
        }
    });
    let busy = move || action.pending().get() || action.value().with(|v| matches!(v, Some(Ok(_))));
    view! {
        <ActionForm action=action attr:class="editor">
            <input type="hidden" name="token" value=token/>
            <label class="field">
                <span>{t!(i18n, identity.invitation.choose_password)}</span>
                <input id="new-password" name="password" type="password" autocomplete="new-password" required aria-describedby="invitation-error"/>
            </label>
            <p class="error" role="alert" id="invitation-error" data-testid="invitation-error">{error}</p>
            <button type="submit" data-testid="accept-invitation" disabled=busy>
                {move || if busy() {
                    t_string!(i18n, identity.invitation.joining)
                } else {
                    t_string!(i18n, identity.invitation.create_and_join)
                }}
            </button>
        </ActionForm>
    }
}

/// An account with this email exists: its owner signs in, then accepts.
#[component]
fn AcceptSignedIn(email: String, token: String) -> impl IntoView {
    let i18n = use_i18n();
    // Who is signed in is asked after hydration (the server renders the same page for all).
    let signed_in_as = RwSignal::new(None::<Option<String>>);
    Effect::new(move |_| {
        spawn_local(async move {
            let who = me().await.ok().flatten().map(|u| u.email);
            signed_in_as.set(Some(who));
        });
    });
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let accept = {
        let token = token.clone();
        move |_| {
            let token = token.clone();
            busy.set(true);
            spawn_local(async move {
                match accept_invitation(token).await {
                    Ok(()) => go_to(BACKOFFICE_HOME),
                    Err(e) => {
                        error.set(Some(e.message(i18n.get_locale_untracked())));
                        busy.set(false);
                    }
                }
            });
        }
    };
    let sign_in = sign_in_url(&format!("{INVITATION_PATH}{token}"));
    let is_invited = {
        let email = email.clone();
        move || signed_in_as.get().flatten().as_deref() == Some(email.as_str())
    };
    view! {
        <p>{t!(i18n, identity.invitation.has_account)}</p>
        <Show when=is_invited fallback=move || view! {
            <p><a href=sign_in.clone() data-testid="sign-in-to-accept">{t!(i18n, identity.invitation.sign_in_to_accept)}</a>
                " " {t!(i18n, identity.invitation.someone_else)}</p>
        }>
            <button type="button" data-testid="accept-invitation" disabled=move || busy.get() on:click=accept.clone()>
                {t!(i18n, identity.invitation.accept)}
            </button>
        </Show>
        <p class="error" role="alert" data-testid="invitation-error">{move || error.get()}</p>
    }
}
