-- Who created each organisation, so the daily limit counts what an account created, not the
-- organisations it is still admin of (handing them over would reset it).
ALTER TABLE organisations ADD COLUMN created_by BIGINT;
CREATE INDEX organisations_created_by ON organisations (created_by, created_at);
CREATE INDEX invitations_org_created ON invitations (org_id, created_at);
-- One waiting invitation per person and organisation, also when two admins send one at the
-- same moment (the second is told, never a 500). Older duplicates are withdrawn first.
UPDATE invitations SET revoked_at = created_at
WHERE accepted_at IS NULL AND revoked_at IS NULL AND EXISTS (
    SELECT 1 FROM invitations newer
    WHERE newer.org_id = invitations.org_id AND newer.email = invitations.email
      AND newer.accepted_at IS NULL AND newer.revoked_at IS NULL
      AND (newer.created_at > invitations.created_at
           OR (newer.created_at = invitations.created_at AND newer.id > invitations.id))
);
CREATE UNIQUE INDEX invitations_one_waiting ON invitations (org_id, email)
WHERE accepted_at IS NULL AND revoked_at IS NULL;
