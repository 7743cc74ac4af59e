-- +goose Up
-- Events set aside because handling them panicked. sealed is the event as
-- it was on the bus (sealed with the tenant's data key); reason is
-- content-free. Rows are purged at expires like the message map.
CREATE TABLE dead_letters (
    tenant  TEXT   NOT NULL,
    id      TEXT   NOT NULL,
    sealed  BLOB   NOT NULL,
    reason  TEXT   NOT NULL,
    at      BIGINT NOT NULL,
    expires BIGINT NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX dead_letters_expires ON dead_letters (expires);
