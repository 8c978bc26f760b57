//! What an editor sees when someone else saved the same fields meanwhile: each field with
//! both values, to keep one's own or take theirs before saving again.

use leptos::prelude::*;
use serde_json::Value;

use crate::content::ui::specs::CollectionSpec;
use crate::core::merge::FieldConflict;
use crate::i18n::*;

#[component]
pub(super) fn ConflictPanel(
    spec: &'static CollectionSpec,
    conflicts: Vec<FieldConflict>,
    /// Called with (field, their value) when the editor takes theirs.
    on_use_theirs: Callback<(String, Value)>,
    /// Called with the field when the editor keeps their own value (the next save writes it).
    on_keep_mine: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="conflicts" role="group" aria-label=move || t_string!(i18n, content.conflicts.label) data-testid="conflicts">
            <h3>{t!(i18n, content.conflicts.heading)}</h3>
            {conflicts.into_iter().map(|c| {
                let field = c.field.clone();
                let name = c.field.clone();
                let label = move || spec.label_of(&name, i18n.get_locale());
                let theirs = c.theirs.clone();
                let mine_field = c.field.clone();
                let use_theirs = move |_| on_use_theirs.run((field.clone(), theirs.clone()));
                let keep_mine = move |_| on_keep_mine.run(mine_field.clone());
                view! {
                    <div class="conflict" data-field=c.field.clone()>
                        <strong>{label}</strong>
                        <span>" " {t!(i18n, content.conflicts.theirs)} " " <q data-testid="theirs">{let (f, v) = (c.field.clone(), c.theirs.clone()); move || spec.show_value(&f, &v, i18n.get_locale())}</q></span>
                        <span>" " {t!(i18n, content.conflicts.yours)} " " <q data-testid="mine">{let (f, v) = (c.field.clone(), c.mine.clone()); move || spec.show_value(&f, &v, i18n.get_locale())}</q></span>
                        <div class="conflict-actions">
                            <button type="button" class="secondary" data-testid="keep-mine" on:click=keep_mine>{t!(i18n, content.conflicts.keep_mine)}</button>
                            <button type="button" class="secondary" data-testid="use-theirs" on:click=use_theirs>{t!(i18n, content.conflicts.use_theirs)}</button>
                        </div>
                    </div>
                }
            }).collect_view()}
        </section>
    }
}
