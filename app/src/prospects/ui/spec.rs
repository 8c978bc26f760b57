//! How prospects appear in the backoffice's collection editor: the table's columns and
//! filters (status, source, who follows them), newest first, and the editor's fields.

use serde_json::json;

use crate::content::ui::specs::{
    validate_as, Choice, CollectionSpec, FieldKind, FieldSpec, FilterSpec,
};
use crate::core::roles::Permission;
use crate::i18n::*;
use crate::prospects::model::Prospect;

pub static STATUSES: [Choice; 5] = [
    ("new", |l| td_string!(l, prospects.status.new)),
    ("contacted", |l| td_string!(l, prospects.status.contacted)),
    ("qualified", |l| td_string!(l, prospects.status.qualified)),
    ("won", |l| td_string!(l, prospects.status.won)),
    ("lost", |l| td_string!(l, prospects.status.lost)),
];

pub static SOURCES: [Choice; 4] = [
    ("booking", |l| td_string!(l, prospects.source.booking)),
    ("site_form", |l| td_string!(l, prospects.source.site_form)),
    ("manual", |l| td_string!(l, prospects.source.manual)),
    ("import", |l| td_string!(l, prospects.source.import)),
];

const fn field(
    name: &'static str,
    label: crate::content::ui::specs::Text,
    kind: FieldKind,
) -> FieldSpec {
    FieldSpec { name, label, kind }
}

pub static PROSPECTS: CollectionSpec = CollectionSpec {
    name: "prospects",
    title: |l| td_string!(l, prospects.page.title),
    add: |l| td_string!(l, prospects.page.add),
    empty: |l| td_string!(l, prospects.page.empty),
    label_field: "email",
    columns: &["first_name", "last_name", "company", "status", "owner"],
    fields: &[
        field(
            "first_name",
            |l| td_string!(l, prospects.fields.first_name),
            FieldKind::Text,
        ),
        field(
            "last_name",
            |l| td_string!(l, prospects.fields.last_name),
            FieldKind::Text,
        ),
        field(
            "email",
            |l| td_string!(l, prospects.fields.email),
            FieldKind::Email,
        ),
        field(
            "phone",
            |l| td_string!(l, prospects.fields.phone),
            FieldKind::Text,
        ),
        field(
            "company",
            |l| td_string!(l, prospects.fields.company),
            FieldKind::Text,
        ),
        field(
            "status",
            |l| td_string!(l, prospects.fields.status),
            FieldKind::Choice(&STATUSES),
        ),
        field(
            "owner",
            |l| td_string!(l, prospects.fields.owner),
            FieldKind::Email,
        ),
        field(
            "notes",
            |l| td_string!(l, prospects.fields.notes),
            FieldKind::LongText,
        ),
        field(
            "source",
            |l| td_string!(l, prospects.fields.source),
            FieldKind::ChoiceShown(&SOURCES),
        ),
        field(
            "last_contact_at",
            |l| td_string!(l, prospects.fields.last_contact_at),
            FieldKind::Moment,
        ),
        field(
            "meetings",
            |l| td_string!(l, prospects.fields.meetings),
            FieldKind::Meetings,
        ),
    ],
    filters: &[
        FilterSpec {
            field: "status",
            label: |l| td_string!(l, prospects.fields.status),
            options: Some(&STATUSES),
        },
        FilterSpec {
            field: "source",
            label: |l| td_string!(l, prospects.fields.source),
            options: Some(&SOURCES),
        },
        FilterSpec {
            field: "owner",
            label: |l| td_string!(l, prospects.fields.owner),
            options: None,
        },
    ],
    newest_first: true,
    read: Permission::ReadCustomers,
    write: Permission::WriteCustomers,
    record_path: Some("/admin/prospects"),
    record_actions: None,
    can_add: true,
    blank: || {
        json!({ "first_name": "", "last_name": "", "email": "", "phone": "", "company": "",
                "status": "new", "owner": "", "notes": "" })
    },
    validate: validate_as::<Prospect>,
};
