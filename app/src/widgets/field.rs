use leptos::prelude::*;

use crate::core::error::AppError;

/// A labelled text input bound to one field of a draft record, with its error underneath.
#[component]
pub fn TextField<T: Send + Sync + 'static>(
    /// What the field is called: a message (`move || t_string!(i18n, …)`) follows the
    /// language switch.
    #[prop(into)]
    label: TextProp,
    name: &'static str,
    draft: RwSignal<T>,
    get: fn(&T) -> String,
    set: fn(&mut T, String),
    error: RwSignal<Option<AppError>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] multiline: bool,
) -> impl IntoView {
    let message = move || error.with(|e| e.as_ref().and_then(|e| e.field_message(name)));
    let error_id = format!("{name}-error");
    let on_input = move |ev| draft.update(|d| set(d, event_target_value(&ev)));
    let value = move || draft.with(get);
    let control = if multiline {
        view! {
            <textarea id=name name=name rows="3" prop:value=value on:input=on_input
                aria-invalid=move || message().is_some().to_string()
                aria-describedby=error_id.clone()></textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=name name=name type=kind prop:value=value on:input=on_input
                aria-invalid=move || message().is_some().to_string()
                aria-describedby=error_id.clone()/>
        }
        .into_any()
    };
    view! {
        <div class="field" class:invalid=move || message().is_some()>
            <label for=name>{move || label.get().to_string()}</label>
            {control}
            <p class="field-error" id=error_id data-testid=format!("{name}-error")>{message}</p>
        </div>
    }
}

/// Move the keyboard focus to the control named `name` inside `scope` (a CSS selector), once
/// the page has drawn the error: the person lands where the first thing to fix is.
pub fn focus_field(scope: &'static str, name: String) {
    #[cfg(feature = "hydrate")]
    leptos::prelude::set_timeout(
        move || {
            use wasm_bindgen::JsCast;
            let selector = format!("{scope} [name=\"{name}\"]");
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.query_selector(&selector).ok().flatten())
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
            }
        },
        std::time::Duration::ZERO,
    );
    #[cfg(not(feature = "hydrate"))]
    let _ = (scope, name);
}
