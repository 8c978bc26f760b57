//! The sign-in page. After signing in, the browser goes to `next` (a backoffice path) or the
//! settings editor.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use crate::api::sign_in;
use crate::error::AppError;

#[component]
pub fn SignInPage() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        spawn_local(async move {
            match sign_in(email.get_untracked(), password.get_untracked()).await {
                Ok(_) => go_next(),
                Err(e) => {
                    error.set(Some(e));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <Title text="Sign in · Courant"/>
        <main class="signin">
            <h1>"Sign in to Courant"</h1>
            <form class="editor" on:submit=submit>
                <label class="field">
                    <span>"Email"</span>
                    <input id="email" name="email" type="email" autocomplete="username" required
                        prop:value=email on:input=move |ev| email.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span>"Password"</span>
                    <input id="password" name="password" type="password" autocomplete="current-password" required
                        prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                </label>
                <p class="error" role="alert" data-testid="signin-error">
                    {move || error.get().map(|e| e.to_string())}
                </p>
                <button type="submit" data-testid="sign-in" disabled=busy>
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </main>
    }
}

/// Only a path on this site is followed, so a link cannot send people elsewhere after signing in.
fn go_next() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let search = w.location().search().unwrap_or_default();
        let next = search
            .trim_start_matches('?')
            .split('&')
            .find_map(|kv| kv.strip_prefix("next="))
            .and_then(|v| js_sys::decode_uri_component(v).ok())
            .and_then(|v| v.as_string())
            .filter(|p| p.starts_with('/') && !p.starts_with("//"))
            .unwrap_or_else(|| "/admin/settings".into());
        let _ = w.location().assign(&next);
    }
}
