// Talk to a Courant server the way a script would: through its server functions over HTTP.

export async function publicSettings(baseUrl: string): Promise<{ record: Record<string, unknown>; seq: number }> {
  const res = await fetch(`${baseUrl}/api/settings/public`, { method: "POST" });
  if (!res.ok) throw new Error(`settings: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Change one field from its stored value; returns the save's JSON answer. */
export async function setField(baseUrl: string, field: string, to: string): Promise<any> {
  const { record } = await publicSettings(baseUrl);
  const res = await fetch(`${baseUrl}/api/settings/save`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ edit: { id: "main", base_version: 0, changes: { [field]: { from: record[field], to } } } }),
  });
  if (!res.ok) throw new Error(`save: ${res.status} ${await res.text()}`);
  return res.json();
}

/** The generic sync server function: create, update or delete one record of any collection. */
export async function syncRecord(baseUrl: string, collection: string, op: "create" | "update" | "delete", payload: unknown): Promise<any> {
  const res = await fetch(`${baseUrl}/api/sync`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ collection, op, payload }),
  });
  if (!res.ok) throw new Error(`sync: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function staffList(baseUrl: string, collection: string): Promise<any[]> {
  const res = await fetch(`${baseUrl}/api/list/staff`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ collection }),
  });
  if (!res.ok) throw new Error(`list: ${res.status} ${await res.text()}`);
  return (await res.json()).record;
}
