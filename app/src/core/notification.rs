//! Notifications: what a change means for one member ("Nouveau prospect", "Rendez-vous
//! annulé"), derived from the change log by the feature that owns the collection, so a
//! member who was away finds what they missed and nothing twice (each is one change's
//! sequence number). Which ones a member has seen is kept per member, up to a sequence.

use serde::{Deserialize, Serialize};

/// One notification, in the language of the request that read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// The change it comes from.
    pub seq: i64,
    /// What kind it is, for the page (`new_prospect`, `meeting_cancelled`, …).
    pub kind: String,
    pub title: String,
    pub text: String,
    /// The page that shows what it is about.
    pub link: String,
    /// What the toast's button says ("Voir le prospect").
    pub action: String,
    /// When the change was committed (ms).
    pub at: i64,
    pub seen: bool,
}

/// A member's notifications: the latest, how many they have not seen, and the feed's head
/// when they were read (live changes after it are news).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Notifications {
    pub items: Vec<Notification>,
    pub unseen: usize,
    pub head: i64,
    /// The collections whose changes may bring one: the page asks again when one changes.
    pub watched: Vec<String>,
}
