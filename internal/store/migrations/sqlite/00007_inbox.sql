-- What the inbox keeps of a conversation (I1): its state (open, snoozed,
-- resolved), its assignee, and since when its user waits for an answer;
-- agents' private notes, in a table of their own so that no query of the
-- widget can ever reach one; and how far each agent has read.

-- +goose Up
ALTER TABLE conversations ADD COLUMN status TEXT NOT NULL DEFAULT 'open';
ALTER TABLE conversations ADD COLUMN snoozed_until INTEGER;
ALTER TABLE conversations ADD COLUMN assignee_id TEXT NOT NULL DEFAULT '';
-- When the user's first message not answered yet was written; the largest
-- value when nobody waits, so that "waiting longest" is an index in order.
ALTER TABLE conversations ADD COLUMN waiting_since INTEGER NOT NULL DEFAULT 9223372036854775807;
UPDATE conversations SET waiting_since = COALESCE((
    SELECT MIN(u.created_at) FROM messages u
    WHERE u.conversation_id = conversations.id AND u.author = 'user'
      AND u.id > COALESCE((SELECT MAX(a.id) FROM messages a
                           WHERE a.conversation_id = conversations.id AND a.author = 'agent'), '')
), 9223372036854775807);
CREATE INDEX conversations_inbox_recent ON conversations (org_id, status, updated_at, id);
CREATE INDEX conversations_inbox_waiting ON conversations (org_id, status, waiting_since, id);
CREATE INDEX conversations_inbox_assignee ON conversations (org_id, assignee_id, status, updated_at, id);

CREATE TABLE notes (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs (id),
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    agent_id        TEXT NOT NULL,
    agent_name      TEXT NOT NULL,
    body            TEXT NOT NULL,
    -- "note", or "trust": a mark where the conversation's trust changed,
    -- its body the change as JSON.
    kind            TEXT NOT NULL DEFAULT 'note',
    created_at      INTEGER NOT NULL
);
CREATE INDEX notes_conversation ON notes (conversation_id, id);

-- An inbox resumes from every event of its organization after a cursor.
CREATE INDEX live_events_org ON live_events (org_id, id);

CREATE TABLE agent_reads (
    agent_id        TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    last_read_id    TEXT NOT NULL,
    PRIMARY KEY (agent_id, conversation_id)
);

-- +goose Down
DROP TABLE agent_reads;
DROP INDEX live_events_org;
DROP TABLE notes;
DROP INDEX conversations_inbox_assignee;
DROP INDEX conversations_inbox_waiting;
DROP INDEX conversations_inbox_recent;
ALTER TABLE conversations DROP COLUMN waiting_since;
ALTER TABLE conversations DROP COLUMN assignee_id;
ALTER TABLE conversations DROP COLUMN snoozed_until;
ALTER TABLE conversations DROP COLUMN status;
