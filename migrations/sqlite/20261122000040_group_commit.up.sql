-- One response per invitation: a one-time link is enforced by the database itself, and a link's response is
-- found by its invitation (a group commit gives back the invitation of a link whose row was not stored).
CREATE UNIQUE INDEX responses_invitation ON responses (invitation_id) WHERE invitation_id IS NOT NULL;
