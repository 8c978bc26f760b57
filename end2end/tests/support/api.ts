// Talk to a Courant server the way a script would: through its server functions over HTTP,
// signed in as the first admin.

import { ADMIN } from "./server";

const cookies = new Map<string, string>();

async function signInCookie(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/sign_in`, { method: "POST", body: new URLSearchParams(ADMIN) });
  if (!res.ok) throw new Error(`sign in: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie()[0].split(";")[0];
  cookies.set(baseUrl, cookie);
  return cookie;
}

/** fetch as the admin; a server restarted on a new database gets a new sign-in. */
async function adminFetch(baseUrl: string, path: string, init: RequestInit): Promise<Response> {
  for (const fresh of [false, true]) {
    const cookie = !fresh && cookies.has(baseUrl) ? cookies.get(baseUrl)! : await signInCookie(baseUrl);
    const res = await fetch(`${baseUrl}${path}`, { ...init, headers: { ...(init.headers as any), cookie } });
    if (res.status !== 401 || fresh) return res;
  }
  throw new Error("unreachable");
}

export async function publicSettings(baseUrl: string): Promise<{ record: Record<string, unknown>; seq: number }> {
  const res = await fetch(`${baseUrl}/api/settings/public`, { method: "POST" });
  if (!res.ok) throw new Error(`settings: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Change one field from its stored value; returns the save's JSON answer. */
export async function setField(baseUrl: string, field: string, to: string): Promise<any> {
  const { record } = await publicSettings(baseUrl);
  const res = await adminFetch(baseUrl, "/api/settings/save", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ edit: { id: "main", base_version: 0, changes: { [field]: { from: record[field], to } } } }),
  });
  if (!res.ok) throw new Error(`save: ${res.status} ${await res.text()}`);
  return res.json();
}

/** The generic sync server function: create, update or delete one record of any collection. */
export async function syncRecord(baseUrl: string, collection: string, op: "create" | "update" | "delete", payload: unknown): Promise<any> {
  const res = await adminFetch(baseUrl, "/api/sync", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ collection, op, payload }),
  });
  if (!res.ok) throw new Error(`sync: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function staffList(baseUrl: string, collection: string): Promise<any[]> {
  const res = await adminFetch(baseUrl, "/api/list/staff", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ collection }),
  });
  if (!res.ok) throw new Error(`list: ${res.status} ${await res.text()}`);
  return (await res.json()).record;
}

/** The admin invites `email`; returns the invitation link's path (`/invite/…`). */
export async function invitationLink(baseUrl: string, email: string, role: "admin" | "editor" | "supervisor" | "operator"): Promise<string> {
  const res = await adminFetch(baseUrl, "/api/members/invite", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, role }),
  });
  if (!res.ok) throw new Error(`invite: ${res.status} ${await res.text()}`);
  return (await res.json()).link;
}

/** Add someone to the admin's organisation the way people join: the admin's invitation, then
 *  the person's own acceptance with a password they choose. Returns that password. */
export async function invite(baseUrl: string, email: string, role: "admin" | "editor" | "supervisor" | "operator"): Promise<string> {
  const token = (await invitationLink(baseUrl, email, role)).replace("/invite/", "");
  const password = `their own ${role} pick ${Date.now()}`;
  const accepted = await fetch(`${baseUrl}/api/invitations/accept_new`, {
    method: "POST",
    body: new URLSearchParams({ token, password }),
  });
  if (!accepted.ok) throw new Error(`accept: ${accepted.status} ${await accepted.text()}`);
  return password;
}

/** Server functions as someone signed in with their own session (not the admin). */
export async function signedInAs(baseUrl: string, who: { email: string; password: string }) {
  const res = await fetch(`${baseUrl}/api/auth/sign_in`, { method: "POST", body: new URLSearchParams(who) });
  if (!res.ok) throw new Error(`sign in: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie()[0].split(";")[0];
  return async (path: string, body: URLSearchParams | object): Promise<any> => {
    const json = !(body instanceof URLSearchParams);
    const answer = await fetch(`${baseUrl}${path}`, {
      method: "POST",
      headers: { cookie, ...(json ? { "content-type": "application/json" } : {}) },
      body: json ? JSON.stringify(body) : body,
    });
    if (!answer.ok) throw new Error(`${path}: ${answer.status} ${await answer.text()}`);
    return answer.json();
  };
}

/** As the admin, any server function taking a form. */
export async function adminForm(baseUrl: string, path: string, form: Record<string, string>): Promise<any> {
  const res = await adminFetch(baseUrl, path, { method: "POST", body: new URLSearchParams(form) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** As the admin, any server function taking JSON. */
export async function adminJson(baseUrl: string, path: string, body: unknown): Promise<any> {
  const res = await adminFetch(baseUrl, path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}
