-- +goose Up
-- The admin plane. Origins let the config file, applied at each start,
-- remove what it made and nothing the admin API made. Rows made before
-- this migration all came from the config file.
ALTER TABLE links ADD COLUMN origin TEXT NOT NULL DEFAULT 'config';
ALTER TABLE workspaces ADD COLUMN origin TEXT NOT NULL DEFAULT 'config';

-- Who holds which role where. person is a keyed hash of the email (the
-- same in every tenant); the email is sealed. tenant '' is the
-- installation (deployment-wide operators).
CREATE TABLE roles (
    tenant       TEXT   NOT NULL,
    person       TEXT   NOT NULL,
    role         TEXT   NOT NULL,
    sealed_email BLOB   NOT NULL,
    provider     TEXT   NOT NULL,
    origin       TEXT   NOT NULL,
    updated      BIGINT NOT NULL,
    PRIMARY KEY (tenant, person)
);
CREATE INDEX roles_person ON roles (person);

-- Personal API tokens and console sessions: only a keyed hash of the
-- secret. What a token may do is looked up in roles at each use.
CREATE TABLE access_tokens (
    hash     TEXT   NOT NULL PRIMARY KEY,
    id       TEXT   NOT NULL UNIQUE,
    kind     TEXT   NOT NULL,
    person   TEXT   NOT NULL,
    provider TEXT   NOT NULL,
    created  BIGINT NOT NULL,
    expires  BIGINT NOT NULL
);
CREATE INDEX access_tokens_person ON access_tokens (person, kind);
CREATE INDEX access_tokens_expires ON access_tokens (expires);

-- The audit log: one hash chain per tenant ('' for the installation).
-- Append-only: the triggers refuse updates; deletes happen only by
-- retention purge (PurgeAudit), which the chain's checkpoints account for.
CREATE TABLE audit_log (
    tenant  TEXT    NOT NULL,
    seq     BIGINT  NOT NULL,
    at      BIGINT  NOT NULL,
    actor   TEXT    NOT NULL,
    role    TEXT    NOT NULL,
    action  TEXT    NOT NULL,
    target  TEXT    NOT NULL,
    outcome TEXT    NOT NULL,
    prev    TEXT    NOT NULL,
    mac     TEXT    NOT NULL,
    PRIMARY KEY (tenant, seq)
);
-- +goose StatementBegin
CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd
