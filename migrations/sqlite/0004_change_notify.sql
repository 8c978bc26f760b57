-- Changes saved with sync(..., notify: false) stay in the log and the live feed (which must
-- stay gap-free) but are not sent to webhooks.
ALTER TABLE change_log ADD COLUMN notify INTEGER NOT NULL DEFAULT 1;
