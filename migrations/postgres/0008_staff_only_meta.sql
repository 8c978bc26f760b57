-- Who last changed a record is staff-only in every collection: remove it from what the public
-- was sent for changes logged before (site settings carried it).
UPDATE change_log SET public_data = (public_data::jsonb - 'updated_by')::text
WHERE public_data IS NOT NULL AND public_data <> 'null';
