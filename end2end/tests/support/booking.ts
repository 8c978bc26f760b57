// A booking tool, as the tests play it: Calendly's payloads, signed as Calendly signs them.
import crypto from "node:crypto";
import { adminForm } from "./api";

export const SECRET = "a signing key of thirty chars!";

/** The booking webhook's URL, with `SECRET` as its signing key. */
export async function bookingUrl(baseUrl: string): Promise<string> {
  const config = await adminForm(baseUrl, "/api/booking/secret", { secret: SECRET });
  return `${baseUrl}${config.path}`;
}

export function invitee(event: "invitee.created" | "invitee.canceled", n: number, email: string, name = "Jeanne Martin", extra: Record<string, unknown> = {}) {
  return {
    event,
    payload: {
      uri: `https://api.calendly.com/scheduled_events/E${n}/invitees/I${n}`,
      email,
      name,
      cancel_url: `https://calendly.com/cancellations/I${n}`,
      reschedule_url: `https://calendly.com/reschedulings/I${n}`,
      rescheduled: false,
      scheduled_event: {
        name: "Découverte",
        start_time: "2026-12-10T14:00:00.000000Z",
        end_time: "2026-12-10T14:30:00.000000Z",
        location: { type: "zoom", join_url: "https://zoom.example/j/1" },
      },
      ...extra,
    },
  };
}

/** Post `body` to the webhook signed with `secret`; the answer's status. */
export async function postBooking(url: string, body: unknown, secret = SECRET): Promise<number> {
  const text = JSON.stringify(body);
  const t = Math.floor(Date.now() / 1000);
  const v1 = crypto.createHmac("sha256", secret).update(`${t}.${text}`).digest("hex");
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "calendly-webhook-signature": `t=${t},v1=${v1}` },
    body: text,
  });
  return res.status;
}
