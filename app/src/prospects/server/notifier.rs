//! What a change to a prospect tells a member: a new prospect (from a booking or the site's
//! form), a new or cancelled meeting (from the booking tool), a prospect assigned to them.

use crate::core::locale::current;
use crate::core::notification::Notification;
use crate::core::principal::Identity;
use crate::core::protocol::{ChangeEvent, ChangeOp};
use crate::i18n::*;
use crate::prospects::model::{Activity, Prospect, ProspectSource};

pub fn notification(event: &ChangeEvent, me: &Identity) -> Option<Notification> {
    let prospect: Prospect = event.record()?;
    let l = current();
    let name = prospect.display_name();
    let (kind, title) = match event.op {
        ChangeOp::Created
            if matches!(
                prospect.source,
                ProspectSource::Booking | ProspectSource::SiteForm
            ) =>
        {
            (
                "new_prospect",
                td_string!(l, prospects.notifications.new_prospect),
            )
        }
        ChangeOp::Updated
            if event.actor == "booking" && event.changed.iter().any(|f| f == "meetings") =>
        {
            match prospect.activity? {
                Activity::MeetingBooked => (
                    "new_meeting",
                    td_string!(l, prospects.notifications.new_meeting),
                ),
                Activity::MeetingCancelled => (
                    "meeting_cancelled",
                    td_string!(l, prospects.notifications.meeting_cancelled),
                ),
                // The first half of a reschedule: its second half is the new meeting.
                Activity::MeetingRescheduled => return None,
            }
        }
        ChangeOp::Updated
            if event.changed.iter().any(|f| f == "owner")
                && prospect.owner.eq_ignore_ascii_case(&me.email)
                && !event.actor.starts_with(&me.email) =>
        {
            ("assigned", td_string!(l, prospects.notifications.assigned))
        }
        _ => return None,
    };
    Some(Notification {
        seq: event.seq,
        kind: kind.to_string(),
        title: title.to_string(),
        text: name,
        link: format!("/admin/prospects/{}", event.record_id),
        action: td_string!(l, prospects.notifications.see).to_string(),
        at: event.at,
        seen: false,
    })
}
