-- The batch store, version 5: who works on what in the review, and how fast.
--
-- review_claims: a record an archivist has open. Opening a record claims it for a while
-- (`sohoa review serve --claim-minutes`, 10 by default); another archivist sees who has it
-- and cannot change it until the claim ends (released by an approval or a rejection, or
-- expired: until_at, Unix seconds, passed). claimed_at is when the claimant first took it
-- (a renewal moves only until_at on), ttl the claim's length in seconds.
--
-- review_timings: one row per approval or rejection made in the review application: how
-- long the archivist spent on the record (seconds, as the page's script measured it, else
-- from the claim; NULL when unknown) and the keys pressed (NULL when not counted).

CREATE TABLE review_claims (
	record_id  INTEGER PRIMARY KEY REFERENCES records (id),
	reviewer   TEXT NOT NULL,
	claimed_at INTEGER NOT NULL,
	until_at   INTEGER NOT NULL,
	ttl        INTEGER NOT NULL
);
CREATE INDEX review_claims_reviewer ON review_claims (reviewer);

CREATE TABLE review_timings (
	id        INTEGER PRIMARY KEY,
	record_id INTEGER NOT NULL REFERENCES records (id),
	reviewer  TEXT NOT NULL,
	outcome   TEXT NOT NULL CHECK (outcome IN ('approved', 'rejected')),
	seconds   REAL,
	keys      INTEGER,
	at        TEXT NOT NULL
);
CREATE INDEX review_timings_reviewer ON review_timings (reviewer, id);
