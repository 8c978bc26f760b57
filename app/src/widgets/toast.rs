//! Toasts: short messages stacked in a corner of every page — a save that went through or
//! failed, and (next) live notifications. Each hides itself after [`AUTO_HIDE`] unless the
//! pointer or the keyboard focus is on it, can be dismissed, and may carry one action
//! ("Voir le prospect"). The stack is a polite live region, so screen readers announce each
//! new one. It sits at the bottom right, away from the save buttons (at the left of forms and
//! cards), and never grows past a few.

use std::time::Duration;

use leptos::prelude::*;

use crate::i18n::*;

/// How long a toast stays when nobody looks at it.
pub const AUTO_HIDE: Duration = Duration::from_secs(5);
/// Older toasts make way past this many.
const MOST_SHOWN: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Error,
    Info,
}

impl ToastKind {
    fn as_str(self) -> &'static str {
        match self {
            ToastKind::Success => "success",
            ToastKind::Error => "error",
            ToastKind::Info => "info",
        }
    }
}

/// A button on a toast; the toast closes once it has run.
#[derive(Clone)]
pub struct ToastAction {
    pub label: String,
    pub run: Callback<()>,
}

#[derive(Clone)]
struct Toast {
    id: u64,
    kind: ToastKind,
    message: String,
    action: Option<ToastAction>,
}

/// The page's toasts: [`provide_toasts`] once, [`use_toasts`] anywhere below.
#[derive(Clone, Copy)]
pub struct Toasts {
    shown: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

impl Toasts {
    pub fn show(&self, kind: ToastKind, message: impl Into<String>) {
        self.push(kind, message.into(), None);
    }

    pub fn show_with_action(
        &self,
        kind: ToastKind,
        message: impl Into<String>,
        action: ToastAction,
    ) {
        self.push(kind, message.into(), Some(action));
    }

    pub fn dismiss(&self, id: u64) {
        self.shown.update(|s| s.retain(|t| t.id != id));
    }

    fn push(&self, kind: ToastKind, message: String, action: Option<ToastAction>) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.shown.update(|s| {
            s.push(Toast {
                id,
                kind,
                message,
                action,
            });
            let extra = s.len().saturating_sub(MOST_SHOWN);
            s.drain(..extra);
        });
    }
}

pub fn provide_toasts() -> Toasts {
    let toasts = Toasts {
        shown: RwSignal::new(Vec::new()),
        next_id: StoredValue::new(0),
    };
    provide_context(toasts);
    toasts
}

pub fn use_toasts() -> Toasts {
    use_context::<Toasts>().unwrap_or_else(provide_toasts)
}

/// Where the toasts appear; once per page (the app renders it).
#[component]
pub fn ToastStack() -> impl IntoView {
    let toasts = use_toasts();
    let i18n = use_i18n();
    view! {
        <div class="toasts" aria-live="polite" data-testid="toasts" role="region"
            aria-label=move || t_string!(i18n, common.toast.region)>
            <For each=move || toasts.shown.get() key=|t| t.id let:toast>
                <ToastItem toast/>
            </For>
        </div>
    }
}

#[component]
fn ToastItem(toast: Toast) -> impl IntoView {
    let toasts = use_toasts();
    let i18n = use_i18n();
    let id = toast.id;
    let timer = StoredValue::new(None::<leptos::leptos_dom::helpers::TimeoutHandle>);
    let pause = move || {
        if let Some(Some(h)) = timer.try_get_value() {
            h.clear();
        }
        timer.set_value(None);
    };
    let resume = move || {
        pause();
        if let Ok(h) = leptos::leptos_dom::helpers::set_timeout_with_handle(
            move || toasts.dismiss(id),
            AUTO_HIDE,
        ) {
            timer.set_value(Some(h));
        }
    };
    // Only in the browser: the server never shows a toast.
    Effect::new(move |_| resume());
    on_cleanup(move || {
        if let Some(Some(h)) = timer.try_get_value() {
            h.clear();
        }
    });
    let action = toast.action.map(|a| {
        let run = a.run;
        view! {
            <button type="button" class="toast-action" data-testid="toast-action"
                on:click=move |_| { run.run(()); toasts.dismiss(id); }>{a.label}</button>
        }
    });
    view! {
        <div class=format!("toast toast-{}", toast.kind.as_str()) data-testid="toast"
            data-kind=toast.kind.as_str()
            on:mouseenter=move |_| pause() on:mouseleave=move |_| resume()
            on:focusin=move |_| pause() on:focusout=move |_| resume()>
            <span class="toast-message">{toast.message}</span>
            {action}
            <button type="button" class="toast-close" data-testid="toast-close"
                aria-label=move || t_string!(i18n, common.toast.dismiss)
                title=move || t_string!(i18n, common.toast.dismiss) on:click=move |_| toasts.dismiss(id)>"×"</button>
        </div>
    }
}
