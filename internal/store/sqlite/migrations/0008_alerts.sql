-- +goose Up
-- Monitoring alerts, content-free (kinds, counts, limits, rule names);
-- tenant '' holds the installation's (bursts of rejected credentials),
-- and the links an alert quarantined until an admin releases them.
CREATE TABLE alerts (
    tenant  TEXT   NOT NULL,
    id      TEXT   NOT NULL,
    at      BIGINT NOT NULL,
    kind    TEXT   NOT NULL,
    link    TEXT   NOT NULL,
    detail  TEXT   NOT NULL,
    expires BIGINT NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX alerts_at ON alerts (tenant, at);
CREATE INDEX alerts_expires ON alerts (expires);

CREATE TABLE quarantines (
    tenant TEXT   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    link   TEXT   NOT NULL,
    since  BIGINT NOT NULL,
    reason TEXT   NOT NULL,
    PRIMARY KEY (tenant, link)
);
