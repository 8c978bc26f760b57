-- What a public visitor receives for each change: computed when the change is written, so
-- catch-up from the log never needs the model code and never leaks a draft or a private field.
-- public_op is NULL when the change is invisible to the public.
ALTER TABLE change_log ADD COLUMN public_op TEXT;
ALTER TABLE change_log ADD COLUMN public_data TEXT;

-- A record's history, newest first, for history pages and rebuilding older versions.
CREATE INDEX change_log_record ON change_log (org_id, collection, record_id, version);
