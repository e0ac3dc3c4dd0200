-- Proofs of identity the company's backend makes for the browser to carry:
-- verification secrets for user hashes (M3), keys for customer-signed JWTs
-- (M4); the aliases a vendor's embed code knows an app by (W2); and, on
-- users and sessions, what such a proof covered and which key made it.

-- +goose Up
CREATE TABLE verification_secrets (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id),
    app_id     TEXT NOT NULL REFERENCES apps (id),
    -- The key itself: an HMAC is checked with it, so it cannot be hashed.
    secret     TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX verification_secrets_app ON verification_secrets (app_id);

CREATE TABLE jwt_keys (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES orgs (id),
    app_id         TEXT NOT NULL REFERENCES apps (id),
    kid            TEXT NOT NULL,
    alg            TEXT NOT NULL,
    secret         TEXT NOT NULL DEFAULT '',
    public_key_pem TEXT NOT NULL DEFAULT '',
    jwks_url       TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    UNIQUE (app_id, kid)
);

CREATE TABLE app_aliases (
    alias      TEXT PRIMARY KEY,
    app_id     TEXT NOT NULL REFERENCES apps (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX app_aliases_app ON app_aliases (app_id);

ALTER TABLE users ADD COLUMN unverified_email TEXT NOT NULL DEFAULT '';
ALTER TABLE widget_sessions ADD COLUMN proof TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE widget_sessions DROP COLUMN proof;
ALTER TABLE users DROP COLUMN unverified_email;
DROP TABLE app_aliases;
DROP TABLE jwt_keys;
DROP TABLE verification_secrets;
