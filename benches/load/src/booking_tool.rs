//! A booking tool as Courant's webhook sees it: Calendly's `invitee.created` payload, signed
//! the way Calendly signs it (the server's own `calendly::sign`, so the two cannot drift).
//! `courant-load sample-booking` sends one, for demos and for people wiring their tool.

use clap::Args;
use reqwest::header::CONTENT_TYPE;
use serde_json::{json, Value};

use app::prospects::server::calendly::{sign, SIGNATURE_HEADER};

use crate::Error;

/// Calendly's `invitee.created` for booking number `n` of `email`.
pub fn invitee_created(n: u64, email: &str, name: &str) -> Value {
    json!({
        "event": "invitee.created",
        "created_at": "2026-12-06T10:00:00.000000Z",
        "payload": {
            "uri": format!("https://api.calendly.com/scheduled_events/S{n}/invitees/I{n}"),
            "email": email,
            "name": name,
            "cancel_url": format!("https://calendly.com/cancellations/I{n}"),
            "reschedule_url": format!("https://calendly.com/reschedulings/I{n}"),
            "rescheduled": false,
            "scheduled_event": {
                "name": "Découverte",
                "start_time": "2026-12-10T14:00:00.000000Z",
                "end_time": "2026-12-10T14:30:00.000000Z",
                "location": { "type": "physical", "location": "12 rue de la Paix, Paris" }
            }
        }
    })
}

/// Post `body` to the webhook at `url`, signed with `secret` now; the status and the answer.
pub async fn post(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    body: &Value,
) -> Result<(u16, String), Error> {
    let text = body.to_string();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    let res = client
        .post(url)
        .header(CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, sign(secret, now, text.as_bytes()))
        .body(text)
        .send()
        .await?;
    let status = res.status().as_u16();
    Ok((status, res.text().await?))
}

#[derive(Args)]
pub struct SampleArgs {
    /// The webhook's URL, as the booking page of the backoffice shows it
    /// (`http://…/hooks/booking/<organisation key>`).
    #[arg(long)]
    pub url: String,
    /// The signing key set on that page.
    #[arg(long, env = "COURANT_BOOKING_SECRET")]
    pub secret: String,
    /// The person booking.
    #[arg(long, default_value = "jeanne.martin@example.org")]
    pub email: String,
    #[arg(long, default_value = "Jeanne Martin")]
    pub name: String,
    /// Distinguishes bookings: the same number again is a redelivery (answered 200, ignored).
    #[arg(long, default_value_t = 1)]
    pub number: u64,
}

/// Send one sample booking; true when Courant accepted it (a redelivery counts).
pub async fn sample(args: SampleArgs) -> Result<bool, Error> {
    let client = reqwest::Client::new();
    let body = invitee_created(args.number, &args.email, &args.name);
    let (status, answer) = post(&client, &args.url, &args.secret, &body).await?;
    println!("{status} {answer}");
    Ok((200..300).contains(&status))
}
