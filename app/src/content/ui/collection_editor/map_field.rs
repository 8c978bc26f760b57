//! One field of a record's card, edited as the collection's spec says (text, money, …).

use leptos::prelude::*;
use serde_json::Value;

use crate::content::ui::specs::{money_text, parse_money, CollectionSpec, FieldKind, FieldSpec};
use crate::core::locale::Locale;
use crate::i18n::*;

#[component]
pub(super) fn MapField(
    collection: &'static CollectionSpec,
    spec: FieldSpec,
    value: Signal<Value>,
    message: Signal<Option<String>>,
    creating: bool,
    on_change: Callback<Value>,
    /// Unique on the page (several cards show the same field): the control names it in
    /// `aria-describedby`, so a screen reader reads the error with the field.
    error_id: String,
    /// Told whether the field's text can be read as its kind (a price), so the card can
    /// refuse to save a value it could not read rather than the last one it could.
    on_unreadable: Callback<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let described_by = error_id.clone();
    let text = move || match value.get() {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let invalid_money = RwSignal::new(false);
    let kind = match spec.kind {
        FieldKind::CreateOnly if creating => FieldKind::Text,
        FieldKind::CreateOnly => FieldKind::ReadOnly,
        k => k,
    };
    let control = match kind {
        FieldKind::Text | FieldKind::Email | FieldKind::Url => {
            let input_type = match kind {
                FieldKind::Email => "email",
                FieldKind::Url => "url",
                _ => "text",
            };
            view! { <input type=input_type name=spec.name aria-describedby=described_by prop:value=text aria-invalid=move || message.get().is_some().to_string()
                on:input=move |ev| on_change.run(Value::String(event_target_value(&ev)))/> }
            .into_any()
        }
        FieldKind::LongText => view! {
            <textarea name=spec.name rows="3" aria-describedby=described_by prop:value=text aria-invalid=move || message.get().is_some().to_string()
                on:input=move |ev| on_change.run(Value::String(event_target_value(&ev)))></textarea>
        }
        .into_any(),
        FieldKind::Money => {
            // What is typed stands in the field while it has focus: the price it reads as goes
            // into the draft at each keystroke (so the field counts as edited at once, and a
            // colleague's save to it is a conflict), but the text is not rewritten under the
            // cursor; it is written the language's way when the field is left.
            let typed = RwSignal::new(None::<String>);
            view! {
                <input type="text" inputmode="decimal" name=spec.name aria-describedby=described_by
                    aria-invalid=move || (invalid_money.get() || message.get().is_some()).to_string()
                    prop:value=move || typed.get().unwrap_or_else(|| money_input_text(value.get().as_i64().unwrap_or(0), i18n.get_locale()))
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        match parse_money(&text) {
                            Some(cents) => { invalid_money.set(false); on_unreadable.run(false); on_change.run(Value::from(cents)) }
                            None => { invalid_money.set(true); on_unreadable.run(true) }
                        }
                        typed.set(Some(text));
                    }
                    on:blur=move |_| if !invalid_money.get_untracked() { typed.set(None) }/>
            }
            .into_any()
        }
        FieldKind::Toggle => view! {
            <input type="checkbox" name=spec.name aria-describedby=described_by prop:checked=move || value.get().as_bool().unwrap_or(false)
                on:change=move |ev| on_change.run(Value::Bool(event_target_checked(&ev)))/>
        }
        .into_any(),
        FieldKind::Choice(options) => view! {
            <select name=spec.name aria-describedby=described_by
                aria-invalid=move || message.get().is_some().to_string()
                on:change=move |ev| on_change.run(Value::String(event_target_value(&ev)))>
                {options.iter().map(|(v, label)| {
                    let v: &'static str = v;
                    view! { <option value=v selected=move || value.get().as_str() == Some(v)>{move || label(i18n.get_locale())}</option> }
                }).collect_view()}
            </select>
        }
        .into_any(),
        FieldKind::Meetings => {
            let error_id = error_id.clone();
            return view! {
                <div class="field">
                    <span>{move || (spec.label)(i18n.get_locale())}</span>
                    <Meetings value/>
                    <span class="field-error" id=error_id>{move || message.get()}</span>
                </div>
            }
            .into_any()
        }
        FieldKind::Count => {
            let unreadable = invalid_money;
            view! {
                <input type="number" min="0" step="1" inputmode="numeric" name=spec.name aria-describedby=described_by
                    aria-invalid=move || (unreadable.get() || message.get().is_some()).to_string()
                    prop:value=move || value.get().as_i64().map(|n| n.to_string()).unwrap_or_default()
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        let text = text.trim();
                        if text.is_empty() {
                            unreadable.set(false); on_unreadable.run(false); on_change.run(Value::Null)
                        } else if let Ok(n) = text.parse::<i64>() {
                            unreadable.set(false); on_unreadable.run(false); on_change.run(Value::from(n))
                        } else {
                            unreadable.set(true); on_unreadable.run(true)
                        }
                    }/>
            }
            .into_any()
        }
        FieldKind::Custom(custom) => {
            let error_id = error_id.clone();
            return view! {
                <div class="field">
                    <span>{move || (spec.label)(i18n.get_locale())}</span>
                    {(custom.view)(value)}
                    <span class="field-error" id=error_id>{move || message.get()}</span>
                </div>
            }
            .into_any();
        }
        FieldKind::ReadOnly
        | FieldKind::CreateOnly
        | FieldKind::Rating
        | FieldKind::ChoiceShown(_)
        | FieldKind::MoneyShown
        | FieldKind::Moment => {
            let shown = move || collection.show_value(spec.name, &value.get(), i18n.get_locale());
            view! { <output name=spec.name aria-describedby=described_by>{shown}</output> }.into_any()
        }
    };
    view! {
        <label class="field">
            <span>{move || (spec.label)(i18n.get_locale())}</span>
            {control}
            <span class="field-error" id=error_id>
                {move || invalid_money.get().then(|| match kind {
                    FieldKind::Count => t_string!(i18n, content.errors.count_format),
                    _ => t_string!(i18n, content.errors.price_format),
                })}
                {move || message.get()}
            </span>
        </label>
    }
    .into_any()
}

/// A prospect's meetings, newest first: when, what, where, and their state.
#[component]
fn Meetings(value: Signal<Value>) -> impl IntoView {
    let i18n = use_i18n();
    let list = move || {
        let mut meetings: Vec<serde_json::Map<String, Value>> = value
            .get()
            .as_array()
            .map(|a| a.iter().filter_map(|m| m.as_object().cloned()).collect())
            .unwrap_or_default();
        meetings.sort_by_key(|m| {
            std::cmp::Reverse(m.get("start").and_then(Value::as_i64).unwrap_or(0))
        });
        meetings
    };
    view! {
        <ul class="meetings" data-testid="meetings">
            {move || {
                let l = i18n.get_locale();
                let items = list();
                if items.is_empty() {
                    return view! { <li class="muted">{td_string!(l, prospects.meetings.none)}</li> }.into_any();
                }
                items.into_iter().map(|m| {
                    let text = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
                    let start = m.get("start").and_then(Value::as_i64).unwrap_or(0);
                    let status = text("status");
                    let (chip, label) = match status.as_str() {
                        "cancelled" => ("chip bad", td_string!(l, prospects.meetings.cancelled)),
                        "rescheduled" => ("chip warn", td_string!(l, prospects.meetings.rescheduled)),
                        _ => ("chip ok", td_string!(l, prospects.meetings.planned)),
                    };
                    let location = text("location");
                    let is_link = location.starts_with("https://");
                    view! {
                        <li class="meeting" data-status=status.clone()>
                            <strong>{crate::core::locale::date_time(start, l)}</strong>
                            " · " {text("event_name")} " "
                            <span class=chip>{label}</span>
                            {(!location.is_empty()).then(|| if is_link {
                                view! { <a href=location.clone() target="_blank" rel="noopener noreferrer">{td_string!(l, prospects.meetings.join)}</a> }.into_any()
                            } else {
                                view! { <span class="muted">{location.clone()}</span> }.into_any()
                            })}
                        </li>
                    }
                }).collect_view().into_any()
            }}
        </ul>
    }
}

/// A price in the money input as the language writes it: "4,50" in French, "4.50" in
/// English ([`parse_money`] reads both).
fn money_input_text(cents: i64, locale: Locale) -> String {
    let text = money_text(cents);
    match locale {
        Locale::fr => text.replace('.', ","),
        Locale::en => text,
    }
}
