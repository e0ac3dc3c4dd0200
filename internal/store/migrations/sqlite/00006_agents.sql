-- Agents who log in to the inbox (I1, I3), their server-side sessions (the
-- inbox's cookie, stored as a hash), and the failed logins that throttle
-- guessing, kept in the database so that every process counts them and a
-- store that cannot be read refuses logins rather than allows them.

-- +goose Up
CREATE TABLE agents (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES orgs (id),
    -- Lower-cased; the login, so unique across the installation.
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    -- argon2id, in the PHC string form.
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    disabled_at   INTEGER,
    last_login_at INTEGER
);
CREATE INDEX agents_org ON agents (org_id, id);

CREATE TABLE agent_sessions (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES orgs (id),
    agent_id     TEXT NOT NULL REFERENCES agents (id),
    token_hash   BLOB NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    user_agent   TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX agent_sessions_agent ON agent_sessions (agent_id, id);

CREATE TABLE login_failures (
    -- "email:" or "addr:" and a SHA-256 of the value: no email at rest here.
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start INTEGER NOT NULL
);

-- +goose Down
DROP TABLE login_failures;
DROP TABLE agent_sessions;
DROP TABLE agents;
