-- +goose Up
-- The last message seen per linked channel, so that after downtime longer
-- than a platform's own redelivery window Parley can fetch what it missed.
-- key is a blind index of the channel; sealed holds the message reference.
CREATE TABLE cursors (
    tenant  TEXT   NOT NULL,
    idx     TEXT   NOT NULL,
    sealed  BLOB   NOT NULL,
    updated BIGINT NOT NULL,
    PRIMARY KEY (tenant, idx)
);
