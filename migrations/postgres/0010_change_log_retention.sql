-- A record's changes in commit order: its last change (restoring a deleted record) and its
-- history page read the newest rows first, however long the history.
CREATE INDEX change_log_record_seq ON change_log (org_id, collection, record_id, seq);
-- Retention prunes old changes by time, one organisation at a time.
CREATE INDEX change_log_at ON change_log (org_id, at);
