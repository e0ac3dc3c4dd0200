-- Devices, widget sessions, conversations, messages and the live-event log
-- the widget resumes from.

-- +goose Up
ALTER TABLE users ADD COLUMN last_seen_at BIGINT;

CREATE TABLE devices (
    id                TEXT PRIMARY KEY,
    org_id            TEXT NOT NULL REFERENCES orgs (id),
    app_id            TEXT NOT NULL REFERENCES apps (id),
    token_hash        BYTEA NOT NULL UNIQUE,
    -- The device's anonymous user, made when the visitor first writes (M6).
    anonymous_user_id TEXT REFERENCES users (id),
    -- The name the visitor sees before that user exists, and which it takes.
    anonymous_name    TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    last_seen_at      BIGINT NOT NULL
);
CREATE INDEX devices_app_seen ON devices (app_id, last_seen_at);
CREATE INDEX devices_anonymous_user ON devices (anonymous_user_id) WHERE anonymous_user_id IS NOT NULL;

CREATE TABLE widget_sessions (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES orgs (id),
    app_id        TEXT NOT NULL REFERENCES apps (id),
    device_id     TEXT NOT NULL REFERENCES devices (id),
    -- NULL for an anonymous session whose user does not exist yet.
    user_id       TEXT REFERENCES users (id),
    trust         TEXT NOT NULL,
    workspace_ref TEXT NOT NULL DEFAULT '',
    method        TEXT NOT NULL,
    token_hash    BYTEA NOT NULL UNIQUE,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    revoked_at    BIGINT,
    last_seen_at  BIGINT NOT NULL
);
CREATE INDEX widget_sessions_user ON widget_sessions (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX widget_sessions_device ON widget_sessions (device_id);

-- A session token is redeemed by one device only.
CREATE TABLE redeemed_session_tokens (
    jti        TEXT NOT NULL,
    app_id     TEXT NOT NULL REFERENCES apps (id),
    device_id  TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (app_id, jti)
);

CREATE TABLE conversations (
    id                TEXT PRIMARY KEY,
    org_id            TEXT NOT NULL REFERENCES orgs (id),
    app_id            TEXT NOT NULL REFERENCES apps (id),
    user_id           TEXT NOT NULL REFERENCES users (id),
    device_id         TEXT NOT NULL,
    -- Created by a verified session: visible to the user on any device (V2).
    verified          BOOLEAN NOT NULL,
    workspace_ref     TEXT NOT NULL DEFAULT '',
    user_last_read_id TEXT NOT NULL DEFAULT '',
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX conversations_user ON conversations (user_id, workspace_ref);
CREATE INDEX conversations_org_updated ON conversations (org_id, updated_at);

CREATE TABLE messages (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs (id),
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    author          TEXT NOT NULL,
    author_id       TEXT NOT NULL DEFAULT '',
    author_name     TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);

-- Every change a widget hears about, in order, so that a widget that lost
-- its connection can resume from the last event it saw.
CREATE TABLE live_events (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id          TEXT NOT NULL,
    app_id          TEXT NOT NULL,
    kind            TEXT NOT NULL,
    user_id         TEXT NOT NULL DEFAULT '',
    device_id       TEXT NOT NULL DEFAULT '',
    session_id      TEXT NOT NULL DEFAULT '',
    conversation_id TEXT NOT NULL DEFAULT '',
    verified        BOOLEAN NOT NULL DEFAULT FALSE,
    workspace_ref   TEXT NOT NULL DEFAULT '',
    payload         JSONB NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX live_events_user ON live_events (user_id, id);
CREATE INDEX live_events_device ON live_events (device_id, id);
CREATE INDEX live_events_session ON live_events (session_id, id) WHERE session_id <> '';
CREATE INDEX live_events_created ON live_events (created_at);

-- +goose Down
DROP TABLE live_events;
DROP TABLE messages;
DROP TABLE conversations;
DROP TABLE redeemed_session_tokens;
DROP TABLE widget_sessions;
DROP TABLE devices;
ALTER TABLE users DROP COLUMN last_seen_at;
