-- +goose Up
-- A tenant's policy document (file sharing, restricted people, content
-- rules, limits), sealed with the tenant's key: it names people.
CREATE TABLE policies (
    tenant  TEXT   NOT NULL PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    sealed  BLOB   NOT NULL,
    updated BIGINT NOT NULL
);
