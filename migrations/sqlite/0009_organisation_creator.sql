-- Who created each organisation, so the daily limit counts what an account created, not the
-- organisations it is still admin of (handing them over would reset it).
ALTER TABLE organisations ADD COLUMN created_by INTEGER;
CREATE INDEX organisations_created_by ON organisations (created_by, created_at);
CREATE INDEX invitations_org_created ON invitations (org_id, created_at);
