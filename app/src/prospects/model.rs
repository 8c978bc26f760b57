//! A prospect: someone the sales team works with, their status, where they came from, their
//! owner, and the meetings they booked. Personal data: operators and admins read and write,
//! supervisors read; editors and the public never see one.

use serde::{Deserialize, Serialize};

use crate::core::collection::{Collection, Meta};
use crate::core::locale::current;
use crate::core::roles::Permission;
use crate::core::validate::{FieldError, Validator};
use crate::i18n::*;

const MAX_NAME: usize = 120;
const MAX_NOTES: usize = 10_000;
/// Meetings kept on one prospect: a booking tool's bookings, not a calendar.
pub const MAX_MEETINGS: usize = 200;

/// Where a prospect is in the sales process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ProspectStatus {
    #[default]
    New,
    Contacted,
    Qualified,
    Won,
    Lost,
}

impl ProspectStatus {
    pub const ALL: [ProspectStatus; 5] = [
        ProspectStatus::New,
        ProspectStatus::Contacted,
        ProspectStatus::Qualified,
        ProspectStatus::Won,
        ProspectStatus::Lost,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProspectStatus::New => "new",
            ProspectStatus::Contacted => "contacted",
            ProspectStatus::Qualified => "qualified",
            ProspectStatus::Won => "won",
            ProspectStatus::Lost => "lost",
        }
    }
}

/// How a prospect reached the team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ProspectSource {
    Booking,
    SiteForm,
    #[default]
    Manual,
    Import,
}

impl ProspectSource {
    pub const ALL: [ProspectSource; 4] = [
        ProspectSource::Booking,
        ProspectSource::SiteForm,
        ProspectSource::Manual,
        ProspectSource::Import,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProspectSource::Booking => "booking",
            ProspectSource::SiteForm => "site_form",
            ProspectSource::Manual => "manual",
            ProspectSource::Import => "import",
        }
    }
}

/// A meeting's state, as the booking tool last said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    #[default]
    Planned,
    Cancelled,
    Rescheduled,
}

/// One meeting booked through the booking tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Meeting {
    /// The booking tool's id of this booking (Calendly's invitee URI).
    pub invitee: String,
    pub event_name: String,
    /// Start and end, milliseconds since the Unix epoch.
    pub start: i64,
    pub end: i64,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub cancel_url: String,
    #[serde(default)]
    pub reschedule_url: String,
    #[serde(default)]
    pub status: MeetingStatus,
}

/// What the booking tool last did on a prospect, for the notifications the team gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    MeetingBooked,
    MeetingCancelled,
    MeetingRescheduled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Prospect {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub company: String,
    #[serde(default)]
    pub status: ProspectStatus,
    /// Set when the prospect is created, never changed by an editor.
    #[serde(default)]
    pub source: ProspectSource,
    #[serde(default)]
    pub notes: String,
    /// The member who follows this prospect: their email, or empty.
    #[serde(default)]
    pub owner: String,
    /// Server-owned: written by the booking webhook.
    #[serde(default)]
    pub meetings: Vec<Meeting>,
    /// Server-owned: when the prospect last booked, cancelled or wrote (ms).
    #[serde(default)]
    pub last_contact_at: i64,
    /// Server-owned: the booking tool's last action, for notifications.
    #[serde(default)]
    pub activity: Option<Activity>,
    #[serde(flatten)]
    pub meta: Meta,
}

impl Prospect {
    /// "Jeanne Martin", or the email when no name was given.
    pub fn display_name(&self) -> String {
        let name = format!("{} {}", self.first_name.trim(), self.last_name.trim());
        let name = name.trim();
        if name.is_empty() {
            self.email.clone()
        } else {
            name.to_string()
        }
    }
}

impl Collection for Prospect {
    const NAME: &'static str = "prospects";
    const EVENT: &'static str = "prospect";
    const READ: Permission = Permission::ReadCustomers;
    const WRITE: Permission = Permission::WriteCustomers;
    const PUBLIC: bool = false;
    const PRESERVED: &'static [&'static str] =
        &["source", "meetings", "last_contact_at", "activity"];

    fn validate(&self) -> Vec<FieldError> {
        let l = current();
        let first = td_string!(l, prospects.fields.first_name);
        let last = td_string!(l, prospects.fields.last_name);
        let company = td_string!(l, prospects.fields.company);
        let notes = td_string!(l, prospects.fields.notes);
        let owner = td_string!(l, prospects.fields.owner);
        let mut v = Validator::default();
        v.required("email", td_string!(l, prospects.fields.email), &self.email)
            .max_chars(
                "email",
                td_string!(l, prospects.fields.email),
                &self.email,
                254,
            )
            .email("email", &self.email)
            .max_chars("first_name", first, &self.first_name, MAX_NAME)
            .max_chars("last_name", last, &self.last_name, MAX_NAME)
            .max_chars("company", company, &self.company, MAX_NAME)
            .max_chars(
                "phone",
                td_string!(l, prospects.fields.phone),
                &self.phone,
                40,
            )
            .phone("phone", &self.phone)
            .max_chars("notes", notes, &self.notes, MAX_NOTES)
            .max_chars("owner", owner, &self.owner, 254);
        let mut errors = v.finish();
        if self.meetings.len() > MAX_MEETINGS {
            errors.push(FieldError::new(
                "meetings",
                td_string!(l, prospects.errors.too_many_meetings, max = MAX_MEETINGS).to_string(),
            ));
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prospect_needs_an_email_and_reads_its_enums_by_name() {
        let p = Prospect::default();
        assert_eq!(p.validate()[0].field, "email");
        let p: Prospect = serde_json::from_value(serde_json::json!({
            "first_name": "Jeanne", "last_name": "Martin", "email": "jeanne@example.org",
            "status": "qualified", "source": "site_form"
        }))
        .unwrap();
        assert!(p.validate().is_empty(), "{:?}", p.validate());
        assert_eq!(
            (p.status, p.source),
            (ProspectStatus::Qualified, ProspectSource::SiteForm)
        );
        assert_eq!(p.display_name(), "Jeanne Martin");
        assert_eq!(
            Prospect {
                email: "a@b.test".into(),
                ..Default::default()
            }
            .display_name(),
            "a@b.test"
        );
    }
}
