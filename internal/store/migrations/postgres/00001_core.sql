-- Times are Unix microseconds (UTC) in both dialects, so that the Go code
-- reads and compares them the same way on SQLite and PostgreSQL. JSON
-- columns are JSONB here, for operators who query them.

-- +goose Up
CREATE TABLE orgs (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE apps (
    id                         TEXT PRIMARY KEY,
    org_id                     TEXT NOT NULL REFERENCES orgs (id),
    name                       TEXT NOT NULL,
    session_secret             BYTEA NOT NULL,
    verification_required      BOOLEAN NOT NULL DEFAULT FALSE,
    email_unique               BOOLEAN NOT NULL DEFAULT TRUE,
    anonymous_expiry_us        BIGINT NOT NULL,
    on_login                   TEXT NOT NULL DEFAULT 'keep',
    allowed_origins            JSONB NOT NULL DEFAULT '[]',
    session_token_max_lifetime_us BIGINT NOT NULL,
    created_at                 BIGINT NOT NULL
);
CREATE INDEX apps_org ON apps (org_id);

CREATE TABLE access_tokens (
    id           TEXT PRIMARY KEY,
    app_id       TEXT NOT NULL REFERENCES apps (id),
    org_id       TEXT NOT NULL REFERENCES orgs (id),
    hash         BYTEA NOT NULL UNIQUE,
    scopes       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT,
    revoked_at   BIGINT,
    last_used_at BIGINT
);
CREATE INDEX access_tokens_app ON access_tokens (app_id);

CREATE TABLE custom_fields (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id),
    object     TEXT NOT NULL,
    name       TEXT NOT NULL,
    type       TEXT NOT NULL,
    enum_values JSONB NOT NULL DEFAULT '[]',
    created_at BIGINT NOT NULL,
    UNIQUE (org_id, object, name)
);

CREATE TABLE accounts (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES orgs (id),
    account_ref   TEXT,
    display_name  TEXT NOT NULL,
    domains       JSONB NOT NULL DEFAULT '[]',
    phone_numbers JSONB NOT NULL DEFAULT '[]',
    custom_fields JSONB NOT NULL DEFAULT '{}',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX accounts_ref ON accounts (org_id, account_ref) WHERE account_ref IS NOT NULL;

CREATE TABLE workspaces (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES orgs (id),
    account_id    TEXT NOT NULL REFERENCES accounts (id),
    workspace_ref TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    custom_fields JSONB NOT NULL DEFAULT '{}',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    UNIQUE (org_id, workspace_ref)
);
CREATE INDEX workspaces_account ON workspaces (account_id);

CREATE TABLE users (
    id                       TEXT PRIMARY KEY,
    org_id                   TEXT NOT NULL REFERENCES orgs (id),
    trust                    TEXT NOT NULL,
    user_ref                 TEXT,
    email                    TEXT,
    display_name             TEXT NOT NULL,
    phone_numbers            JSONB NOT NULL DEFAULT '[]',
    avatar_url               TEXT NOT NULL DEFAULT '',
    language                 TEXT NOT NULL DEFAULT '',
    custom_fields            JSONB NOT NULL DEFAULT '{}',
    unverified_custom_fields JSONB NOT NULL DEFAULT '{}',
    account_id               TEXT REFERENCES accounts (id),
    created_at               BIGINT NOT NULL,
    updated_at               BIGINT NOT NULL
);
-- R1, V7: one user per user_ref within a trust namespace.
CREATE UNIQUE INDEX users_ref ON users (org_id, trust, user_ref) WHERE user_ref IS NOT NULL;
-- R5: an email alone always finds the one user with that email and no ref.
CREATE UNIQUE INDEX users_email_without_ref ON users (org_id, trust, email)
    WHERE user_ref IS NULL AND email IS NOT NULL;
CREATE INDEX users_email ON users (org_id, trust, email) WHERE email IS NOT NULL;
CREATE INDEX users_account ON users (account_id) WHERE account_id IS NOT NULL;

CREATE TABLE workspace_members (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    user_id      TEXT NOT NULL REFERENCES users (id),
    org_id       TEXT NOT NULL REFERENCES orgs (id),
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX workspace_members_user ON workspace_members (user_id);

CREATE TABLE identity_events (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    app_id     TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL,
    method     TEXT NOT NULL,
    detail     JSONB NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL
);
CREATE INDEX identity_events_user ON identity_events (user_id, id);

-- +goose Down
DROP TABLE identity_events;
DROP TABLE workspace_members;
DROP TABLE users;
DROP TABLE workspaces;
DROP TABLE accounts;
DROP TABLE custom_fields;
DROP TABLE access_tokens;
DROP TABLE apps;
DROP TABLE orgs;
