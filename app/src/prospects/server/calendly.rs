//! What a booking tool sends, read as Calendly writes it: the signature header
//! (`t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`) and the `invitee.created` /
//! `invitee.canceled` payloads. Pure functions, tested without a server.

use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

/// The header Calendly signs its webhooks with.
pub const SIGNATURE_HEADER: &str = "calendly-webhook-signature";

/// Why a signature does not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureProblem {
    Missing,
    Malformed,
    /// Older (or newer) than the tolerance: a replay, or a clock far off.
    Stale,
    Mismatch,
    /// No signing key set for this organisation yet.
    NoKey,
}

/// Check `header` against `body` with any of `secrets` (the current key, and the previous
/// one during a rotation), the timestamp within `tolerance_secs` of `now_secs`. The MAC is
/// compared in constant time.
pub fn verify(
    header: Option<&str>,
    body: &[u8],
    secrets: &[&str],
    now_secs: i64,
    tolerance_secs: i64,
) -> Result<(), SignatureProblem> {
    let header = header.ok_or(SignatureProblem::Missing)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", sig)) => {
                signatures.push(hex::decode(sig).map_err(|_| SignatureProblem::Malformed)?)
            }
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureProblem::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureProblem::Malformed);
    }
    if (now_secs - timestamp).abs() > tolerance_secs {
        return Err(SignatureProblem::Stale);
    }
    let secrets: Vec<&str> = secrets.iter().copied().filter(|s| !s.is_empty()).collect();
    if secrets.is_empty() {
        return Err(SignatureProblem::NoKey);
    }
    for secret in secrets {
        for signature in &signatures {
            let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
                .expect("HMAC takes any key length");
            mac.update(timestamp.to_string().as_bytes());
            mac.update(b".");
            mac.update(body);
            if mac.verify_slice(signature).is_ok() {
                return Ok(());
            }
        }
    }
    Err(SignatureProblem::Mismatch)
}

/// The header a booking tool would send for `body` at `timestamp`, signed with `secret`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// The envelope of every webhook.
#[derive(Debug, Deserialize)]
pub struct Envelope {
    pub event: String,
    pub payload: Invitee,
}

/// An invitee (someone who booked), as `invitee.created` and `invitee.canceled` carry it.
#[derive(Debug, Deserialize)]
pub struct Invitee {
    /// The booking's id: the invitee's URI.
    pub uri: String,
    pub email: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub text_reminder_number: Option<String>,
    #[serde(default)]
    pub cancel_url: Option<String>,
    #[serde(default)]
    pub reschedule_url: Option<String>,
    /// On a cancellation: whether it is the first half of a reschedule.
    #[serde(default)]
    pub rescheduled: bool,
    /// On a new booking that replaces another (the second half of a reschedule).
    #[serde(default)]
    pub old_invitee: Option<String>,
    pub scheduled_event: ScheduledEvent,
}

#[derive(Debug, Deserialize)]
pub struct ScheduledEvent {
    #[serde(default)]
    pub name: String,
    pub start_time: String,
    pub end_time: String,
    #[serde(default)]
    pub location: Option<Location>,
}

#[derive(Debug, Deserialize)]
pub struct Location {
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub join_url: Option<String>,
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
}

impl Invitee {
    /// First and last name: given apart, or split from the full name.
    pub fn names(&self) -> (String, String) {
        let first = self.first_name.clone().unwrap_or_default();
        let last = self.last_name.clone().unwrap_or_default();
        if !first.is_empty() || !last.is_empty() {
            return (first, last);
        }
        let full = self.name.clone().unwrap_or_default();
        match full.trim().split_once(' ') {
            Some((f, l)) => (f.to_string(), l.trim().to_string()),
            None => (full.trim().to_string(), String::new()),
        }
    }

    /// Where the meeting takes place, in words or as a link.
    pub fn location(&self) -> String {
        self.scheduled_event
            .location
            .as_ref()
            .and_then(|l| l.join_url.clone().or(l.location.clone()).or(l.kind.clone()))
            .unwrap_or_default()
    }
}

/// An RFC 3339 time (`2026-12-10T14:00:00.000000Z`) in milliseconds since the epoch.
pub fn millis(text: &str) -> Option<i64> {
    let at =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_hold_for_either_key_within_the_tolerance_only() {
        let body = br#"{"event":"invitee.created"}"#;
        let header = sign("new-key", 1_000, body);
        assert_eq!(
            verify(Some(&header), body, &["new-key"], 1_100, 180),
            Ok(())
        );
        // During a rotation, either key.
        assert_eq!(
            verify(Some(&header), body, &["other", "new-key"], 1_100, 180),
            Ok(())
        );
        let old = sign("old-key", 1_000, body);
        assert_eq!(
            verify(Some(&old), body, &["new-key", "old-key"], 1_000, 180),
            Ok(())
        );
        // A wrong key, a changed body, a replay, a broken header, no key.
        assert_eq!(
            verify(Some(&header), body, &["wrong"], 1_000, 180),
            Err(SignatureProblem::Mismatch)
        );
        assert_eq!(
            verify(Some(&header), b"{}", &["new-key"], 1_000, 180),
            Err(SignatureProblem::Mismatch)
        );
        assert_eq!(
            verify(Some(&header), body, &["new-key"], 1_181, 180),
            Err(SignatureProblem::Stale)
        );
        assert_eq!(
            verify(Some("t=1000,v1=zz"), body, &["new-key"], 1_000, 180),
            Err(SignatureProblem::Malformed)
        );
        assert_eq!(
            verify(Some("v1=00"), body, &["new-key"], 1_000, 180),
            Err(SignatureProblem::Malformed)
        );
        assert_eq!(
            verify(None, body, &["new-key"], 1_000, 180),
            Err(SignatureProblem::Missing)
        );
        assert_eq!(
            verify(Some(&header), body, &["", ""], 1_000, 180),
            Err(SignatureProblem::NoKey)
        );
    }

    #[test]
    fn calendly_payloads_read_with_names_times_and_places() {
        let body = serde_json::json!({
            "event": "invitee.created",
            "payload": {
                "uri": "https://api.calendly.com/scheduled_events/E1/invitees/I1",
                "email": "jeanne@example.org", "name": "Jeanne Martin",
                "cancel_url": "https://calendly.com/cancellations/I1",
                "reschedule_url": "https://calendly.com/reschedulings/I1",
                "rescheduled": false,
                "scheduled_event": {
                    "name": "Découverte", "start_time": "2026-12-10T14:00:00.000000Z",
                    "end_time": "2026-12-10T14:30:00.000000Z",
                    "location": { "type": "zoom", "join_url": "https://zoom.example/j/1" }
                }
            }
        });
        let e: Envelope = serde_json::from_value(body).unwrap();
        assert_eq!(e.payload.names(), ("Jeanne".into(), "Martin".into()));
        assert_eq!(e.payload.location(), "https://zoom.example/j/1");
        assert_eq!(
            millis(&e.payload.scheduled_event.start_time),
            Some(1_796_911_200_000)
        );
        assert_eq!(millis("not a time"), None);
    }
}
