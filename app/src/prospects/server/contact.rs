//! The public site's contact form: whoever writes becomes a prospect (source: site form), or
//! their message is added to the prospect they already are. The answer is the same whatever
//! the team knows of them; a hidden field catches bots; each address may write a few times
//! an hour.

use std::time::Duration;

use sqlx::AnyConnection;

use crate::core::error::AppError;
use crate::core::locale::{current, date};
use crate::core::principal::Principal;
use crate::core::time::now_ms;
use crate::core::validate::Validator;
use crate::engine::rate::PerAddress;
use crate::engine::{save, store, Engine};
use crate::i18n::*;
use crate::prospects::model::{Prospect, ProspectSource};

/// Messages one address may send in [`WINDOW`].
pub const PER_ADDRESS: u32 = 5;
const WINDOW: Duration = Duration::from_secs(3600);
const MAX_MESSAGE: usize = 5_000;

/// What a visitor wrote.
#[derive(Debug, Clone, Default)]
pub struct Message {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub message: String,
    /// The hidden field: a person leaves it empty.
    pub website: String,
}

/// Messages per address, counted in this process.
#[derive(Clone)]
pub struct ContactLimit(PerAddress);

impl Default for ContactLimit {
    fn default() -> Self {
        Self(PerAddress::new(PER_ADDRESS, WINDOW))
    }
}

/// Take a visitor's message for organisation `who.org`.
pub async fn submit(
    engine: &Engine,
    who: &Principal,
    address: &str,
    form: Message,
) -> Result<(), AppError> {
    let l = current();
    let name = form.name.trim().to_string();
    let email = form.email.trim().to_lowercase();
    let phone = form.phone.trim().to_string();
    let message = form.message.trim().to_string();
    let mut v = Validator::default();
    v.required("name", td_string!(l, prospects.contact.name), &name)
        .max_chars("name", td_string!(l, prospects.contact.name), &name, 120)
        .required("email", td_string!(l, prospects.contact.email), &email)
        .email("email", &email)
        .max_chars("phone", td_string!(l, prospects.contact.phone), &phone, 40)
        .phone("phone", &phone)
        .required(
            "message",
            td_string!(l, prospects.contact.message),
            &message,
        )
        .max_chars(
            "message",
            td_string!(l, prospects.contact.message),
            &message,
            MAX_MESSAGE,
        );
    let problems = v.finish();
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    if !engine.feature::<ContactLimit>().0.allow(address) {
        return Err(AppError::TooManyRequests);
    }
    // A bot filled the field people do not see: it is thanked, and nothing is kept.
    if !form.website.trim().is_empty() {
        return Ok(());
    }
    let org = who.org;
    let db = engine.db.clone();
    let note = td_string!(
        l,
        prospects.contact.note,
        day = date(now_ms(), l),
        message = &message
    )
    .to_string();
    engine
        .write(org, move |conn: &mut AnyConnection| {
            Box::pin(async move {
                let who = Principal::system(org, "site");
                let existing =
                    store::find_record_by_field(conn, org, "prospects", "email", &email).await?;
                let change = match existing {
                    Some(id) => save::update_owned_in::<Prospect>(&db, conn, &who, &id, |p| {
                        p.notes = if p.notes.is_empty() {
                            note.clone()
                        } else {
                            format!("{}\n\n{note}", p.notes)
                        }
                        .chars()
                        .rev()
                        .take(10_000)
                        .collect::<Vec<_>>()
                        .into_iter()
                        .rev()
                        .collect();
                        p.last_contact_at = now_ms();
                        if p.phone.is_empty() {
                            p.phone = phone.clone();
                        }
                    })
                    .await?
                    .map(|(_, c)| c),
                    None => {
                        let (first_name, last_name) = match name.split_once(' ') {
                            Some((f, l)) => (f.to_string(), l.trim().to_string()),
                            None => (name.clone(), String::new()),
                        };
                        let prospect = Prospect {
                            first_name,
                            last_name,
                            email: email.clone(),
                            phone: phone.clone(),
                            source: ProspectSource::SiteForm,
                            notes: note,
                            last_contact_at: now_ms(),
                            ..Default::default()
                        };
                        Some(save::create_in(&db, conn, &who, prospect).await?.1)
                    }
                };
                Ok(((), change.into_iter().collect()))
            })
        })
        .await
}
