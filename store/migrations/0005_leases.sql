-- Claims on translation work, so that several runs (or, later, several
-- workers) sharing one database never pay twice for one sentence. key is
-- the translation-memory key of the sentence being translated; owner names
-- the run (host/pid/random); expires_at is Unix milliseconds. A live owner
-- renews its leases; a crashed owner's leases expire and are taken over.
-- Plain SQL that PostgreSQL runs too.
CREATE TABLE leases (
    key        TEXT    PRIMARY KEY,
    owner      TEXT    NOT NULL,
    expires_at BIGINT  NOT NULL
);
CREATE INDEX leases_owner ON leases(owner);
