//! The sign-in page. Its form posts to the `sign_in` server function, so it signs people in
//! before the WASM has loaded, or without it (the server then redirects); once hydrated, the
//! form is sent by the WASM and the page goes to `next` itself. Either way the password
//! travels in a POST body, never in a URL.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::i18n::*;
use crate::identity::api::SignIn;
use crate::identity::form_problem::FormProblem;
use crate::identity::return_to::after_sign_in;

// A full page load, so the backoffice starts with the new session (its own live socket).
use crate::identity::ui::layout::go_to;

#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SignIn>::new();
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next")).unwrap_or_default();
    // This page's own submissions say what went wrong; a form posted without the WASM comes
    // back with a fixed code in the URL. (The action also starts with any error a URL
    // brings in server_fn's own encoding: free text a crafted link could choose, so unused.)
    let error = move || {
        if action.version().get() > 0 {
            action.value().with(|v| {
                v.as_ref()
                    .and_then(|r| r.as_ref().err().map(|e| e.message(i18n.get_locale())))
            })
        } else {
            query
                .with(|q| FormProblem::from_query(q.get_str("problem"), q.get_str("wait")))
                .map(|p| p.message_in(i18n.get_locale()))
        }
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            go_to(after_sign_in(Some(&next())));
        }
    });
    let busy = move || action.pending().get() || action.value().with(|v| matches!(v, Some(Ok(_))));
    view! {
        <Title text=move || t_string!(i18n, identity.signin.page_title)/>
        <crate::identity::ui::layout::AuthLayout>
            <h1>{t!(i18n, identity.signin.heading)}</h1>
            <ActionForm action=action attr:class="editor">
                <input type="hidden" name="next" value=next/>
                <label class="field">
                    <span>{t!(i18n, identity.signin.email)}</span>
                    <input id="email" name="email" type="email" autocomplete="username" required aria-describedby="signin-error"/>
                </label>
                <label class="field">
                    <span>{t!(i18n, identity.signin.password)}</span>
                    <input id="password" name="password" type="password" autocomplete="current-password" required aria-describedby="signin-error"/>
                </label>
                <p class="error" role="alert" id="signin-error" data-testid="signin-error">
                    {error}
                </p>
                <button type="submit" data-testid="sign-in" disabled=busy>
                    {move || if busy() {
                        t_string!(i18n, identity.signin.busy)
                    } else {
                        t_string!(i18n, identity.signin.submit)
                    }}
                </button>
            </ActionForm>
        </crate::identity::ui::layout::AuthLayout>
    }
}
