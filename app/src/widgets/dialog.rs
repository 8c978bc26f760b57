//! Modal dialogs on the browser's own `<dialog>`, opened with `showModal()`: the page behind
//! is inert, focus stays inside, Escape closes, and focus returns to where it was. The drawer
//! is the same element at the side of the screen. [`use_confirm`] replaces `window.confirm()`.

use leptos::prelude::*;

use crate::i18n::*;

/// A dialog shown while `open` is true; `on_close` runs when the person closes it (Escape,
/// or a button calling it). `kind` is `"modal"` (centred) or `"drawer"` (at the right; the
/// whole screen on a phone). The content is rendered only while open.
#[component]
pub fn Modal(
    #[prop(into)] open: Signal<bool>,
    on_close: Callback<()>,
    /// What the dialog is about, for screen readers.
    #[prop(into)]
    label: Signal<String>,
    #[prop(default = "modal")] kind: &'static str,
    #[prop(optional)] testid: &'static str,
    children: ChildrenFn,
) -> impl IntoView {
    let node = NodeRef::<leptos::html::Dialog>::new();
    Effect::new(move |_| {
        let Some(dialog) = node.get() else { return };
        if open.get() {
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
        } else if dialog.open() {
            dialog.close();
        }
    });
    view! {
        <dialog node_ref=node class=kind aria-label=move || label.get() data-testid=testid
            on:close=move |_| if open.get_untracked() { on_close.run(()) }>
            {move || open.get().then(|| children())}
        </dialog>
    }
}

/// Asks the person to confirm, in a modal of the page's own look: [`provide_confirm`] once
/// (the backoffice layout does), then `use_confirm().ask(…).await` anywhere below.
#[derive(Clone, Copy)]
pub struct Confirm {
    asking: RwSignal<Option<(String, String, bool)>>,
    answer: StoredValue<Option<futures::channel::oneshot::Sender<bool>>>,
}

impl Confirm {
    /// Whether the person confirmed `message` by pressing `confirm` (a danger button when
    /// `danger`); `false` when they cancel or close the dialog.
    pub async fn ask(&self, message: String, confirm: String, danger: bool) -> bool {
        let (answer, answered) = futures::channel::oneshot::channel();
        // A question asked while another is open answers the older one "no".
        self.settle(false);
        self.answer.set_value(Some(answer));
        self.asking.set(Some((message, confirm, danger)));
        answered.await.unwrap_or(false)
    }

    fn settle(&self, yes: bool) {
        if let Some(answer) = self.answer.try_update_value(Option::take).flatten() {
            let _ = answer.send(yes);
        }
        self.asking.set(None);
    }
}

pub fn provide_confirm() -> Confirm {
    let confirm = Confirm {
        asking: RwSignal::new(None),
        answer: StoredValue::new(None),
    };
    provide_context(confirm);
    confirm
}

pub fn use_confirm() -> Confirm {
    use_context::<Confirm>().unwrap_or_else(provide_confirm)
}

/// Where [`Confirm`]'s questions appear; once per page, inside what provides it.
#[component]
pub fn ConfirmHost() -> impl IntoView {
    let i18n = use_i18n();
    let confirm = use_confirm();
    let asking = confirm.asking;
    let open = Signal::derive(move || asking.with(Option::is_some));
    let label = Signal::derive(move || t_string!(i18n, common.dialog.confirm_title).to_string());
    view! {
        <Modal open on_close=Callback::new(move |_| confirm.settle(false)) label testid="confirm-dialog">
            {move || asking.get().map(|(message, yes, danger)| view! {
                <h2 class="modal-title">{t!(i18n, common.dialog.confirm_title)}</h2>
                <p class="modal-message" data-testid="confirm-message">{message}</p>
                <div class="modal-actions">
                    <button type="button" class="secondary" data-testid="confirm-cancel" autofocus
                        on:click=move |_| confirm.settle(false)>{t!(i18n, common.dialog.cancel)}</button>
                    <button type="button" class=if danger { "danger-solid" } else { "" } data-testid="confirm-ok"
                        on:click=move |_| confirm.settle(true)>{yes}</button>
                </div>
            })}
        </Modal>
    }
}
