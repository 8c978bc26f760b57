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
                let resolved = RwSignal::new(None::<Resolved>);
                let use_theirs = move |_| {
                    on_use_theirs.run((field.clone(), theirs.clone()));
                    resolved.set(Some(Resolved::Theirs));
                };
                view! {
                    <div class="conflict" data-field=c.field.clone()>
                        <strong>{label}</strong>
                        <span>" " {t!(i18n, content.conflicts.theirs)} " " <q data-testid="theirs">{let (f, v) = (c.field.clone(), c.theirs.clone()); move || spec.show_value(&f, &v, i18n.get_locale())}</q></span>
                        <span>" " {t!(i18n, content.conflicts.yours)} " " <q data-testid="mine">{let (f, v) = (c.field.clone(), c.mine.clone()); move || spec.show_value(&f, &v, i18n.get_locale())}</q></span>
                        <button class="secondary" data-testid="keep-mine" on:click=move |_| resolved.set(Some(Resolved::Mine))>{t!(i18n, content.conflicts.keep_mine)}</button>
                        <button class="secondary" data-testid="use-theirs" on:click=use_theirs>{t!(i18n, content.conflicts.use_theirs)}</button>
                        <span class="resolved" data-testid="resolved">{move || resolved.get().map(|r| match r {
                            Resolved::Mine => t_string!(i18n, content.conflicts.kept_mine),
                            Resolved::Theirs => t_string!(i18n, content.conflicts.used_theirs),
                        })}</span>
                    </div>
                }
            }).collect_view()}
        </section>
    }
}

/// Which value the editor chose for a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resolved {
    Mine,
    Theirs,
}
