-- +goose Up
-- A tenant's sealed policy document, as in the SQLite store's
-- 0007_policies.sql.
CREATE TABLE policies (
    tenant  TEXT COLLATE "C" NOT NULL PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    sealed  BYTEA  NOT NULL,
    updated BIGINT NOT NULL
);
