-- V4: a scope the page picks (Open CX externalId, or any workspace_ref of
-- an unverified or anonymous session) is a label that partitions the
-- user's own history; workspace_ref is kept for verified membership of an
-- account's workspace.

-- +goose Up
ALTER TABLE widget_sessions ADD COLUMN label TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN label TEXT NOT NULL DEFAULT '';
ALTER TABLE live_events ADD COLUMN label TEXT NOT NULL DEFAULT '';
-- What unverified and anonymous sessions named was only ever the page's
-- word: it becomes their label. (Verified sessions named by the page before
-- this rule stay as they were.)
UPDATE widget_sessions SET label = workspace_ref, workspace_ref = '' WHERE trust <> 'verified' AND workspace_ref <> '';
UPDATE conversations SET label = workspace_ref, workspace_ref = '' WHERE verified = false AND workspace_ref <> '';
UPDATE live_events SET label = workspace_ref, workspace_ref = '' WHERE verified = false AND workspace_ref <> '';
DROP INDEX conversations_user;
CREATE INDEX conversations_user ON conversations (user_id, workspace_ref, label);

-- +goose Down
DROP INDEX conversations_user;
CREATE INDEX conversations_user ON conversations (user_id, workspace_ref);
UPDATE live_events SET workspace_ref = label WHERE label <> '';
UPDATE conversations SET workspace_ref = label WHERE label <> '';
UPDATE widget_sessions SET workspace_ref = label WHERE label <> '';
ALTER TABLE live_events DROP COLUMN label;
ALTER TABLE conversations DROP COLUMN label;
ALTER TABLE widget_sessions DROP COLUMN label;
