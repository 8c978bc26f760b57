//! What an editor sees when someone else saved the same fields meanwhile: each field with
//! both values, to keep one's own or take theirs before saving again.

use leptos::prelude::*;
use serde_json::Value;

use crate::core::merge::FieldConflict;

use super::history_panel::show;

#[component]
pub(super) fn ConflictPanel(
    conflicts: Vec<FieldConflict>,
    /// Called with (field, their value) when the editor takes theirs.
    on_use_theirs: Callback<(String, Value)>,
) -> impl IntoView {
    view! {
        <section class="conflicts" role="group" aria-label="Conflicting changes" data-testid="conflicts">
            <h3>"Someone else changed the same fields. Choose, then save again:"</h3>
            {conflicts.into_iter().map(|c| {
                let field = c.field.clone();
                let theirs = c.theirs.clone();
                let resolved = RwSignal::new(None::<&'static str>);
                let use_theirs = move |_| {
                    on_use_theirs.run((field.clone(), theirs.clone()));
                    resolved.set(Some("theirs"));
                };
                view! {
                    <div class="conflict" data-field=c.field.clone()>
                        <strong>{c.field.clone()}</strong>
                        <span>" theirs: " <q data-testid="theirs">{show(&c.theirs)}</q></span>
                        <span>" yours: " <q data-testid="mine">{show(&c.mine)}</q></span>
                        <button class="secondary" data-testid="keep-mine" on:click=move |_| resolved.set(Some("mine"))>"Keep mine"</button>
                        <button class="secondary" data-testid="use-theirs" on:click=use_theirs>"Use theirs"</button>
                        <span class="resolved">{move || resolved.get().map(|r| format!("✓ {r}"))}</span>
                    </div>
                }
            }).collect_view()}
        </section>
    }
}
