-- Who last changed a record is staff-only in every collection: remove it from what the public
-- was sent for changes logged before (site settings carried it).
UPDATE change_log SET public_data = json_remove(public_data, '$.updated_by')
WHERE public_data IS NOT NULL AND json_valid(public_data);
