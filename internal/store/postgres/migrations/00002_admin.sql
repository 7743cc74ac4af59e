-- +goose Up
-- The admin plane, as in the SQLite store's 0006_admin.sql. Origins let
-- the config file, applied at each start, remove what it made and nothing
-- the admin API made; rows from before came from the config file.
ALTER TABLE links ADD COLUMN origin TEXT COLLATE "C" NOT NULL DEFAULT 'config';
ALTER TABLE workspaces ADD COLUMN origin TEXT COLLATE "C" NOT NULL DEFAULT 'config';

-- person is a keyed hash of the email; the email is sealed. tenant '' is
-- the installation.
CREATE TABLE roles (
    tenant       TEXT COLLATE "C" NOT NULL,
    person       TEXT COLLATE "C" NOT NULL,
    role         TEXT   NOT NULL,
    sealed_email BYTEA  NOT NULL,
    provider     TEXT   NOT NULL,
    origin       TEXT   NOT NULL,
    updated      BIGINT NOT NULL,
    PRIMARY KEY (tenant, person)
);
CREATE INDEX roles_person ON roles (person);

CREATE TABLE access_tokens (
    hash     TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    id       TEXT COLLATE "C" NOT NULL UNIQUE,
    kind     TEXT   NOT NULL,
    person   TEXT COLLATE "C" NOT NULL,
    provider TEXT   NOT NULL,
    created  BIGINT NOT NULL,
    expires  BIGINT NOT NULL
);
CREATE INDEX access_tokens_person ON access_tokens (person, kind);
CREATE INDEX access_tokens_expires ON access_tokens (expires);

-- One hash chain per tenant; updates refused.
CREATE TABLE audit_log (
    tenant  TEXT COLLATE "C" NOT NULL,
    seq     BIGINT NOT NULL,
    at      BIGINT NOT NULL,
    actor   TEXT   NOT NULL,
    role    TEXT   NOT NULL,
    action  TEXT   NOT NULL,
    target  TEXT   NOT NULL,
    outcome TEXT   NOT NULL,
    prev    TEXT   NOT NULL,
    mac     TEXT   NOT NULL,
    PRIMARY KEY (tenant, seq)
);
-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
