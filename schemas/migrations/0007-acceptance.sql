-- The batch store, version 7: batch acceptance by ISO 2859-1 single sampling.
--
-- acceptance_series: a series of lots judged one after the other (a book's key, or ALL for
-- the whole batch) and where the standard's switching rules stand: the severity the next
-- lot is inspected under, the switching score, the last lots under normal inspection (a bit
-- per lot, the newest lowest, 1 rejected; recent_n of them count), the lots accepted in a
-- row and rejected in all under tightened inspection, and the lots judged.
--
-- acceptance_lots: a lot and its plan: its records (a book's, or all the batch's, decided —
-- valid or approved — when it was drawn), the plan's code letter, the letter the arrows led
-- to, sample size, Ac and Re, AQL, level and severity, the seed the sample was drawn from
-- (the same seed draws the same sample), whether the whole lot is inspected, and its
-- verdict (open until every sampled record is checked; then accepted with at most Ac
-- defects, rejected with Re or more).
--
-- acceptance_members: the records of a lot; sample_pos numbers the sampled ones (from 1,
-- NULL for the others), and a sampled record's check: the checker, defect (1) or conforms
-- (0), a note and when.

CREATE TABLE acceptance_series (
	series         TEXT PRIMARY KEY,
	severity       TEXT NOT NULL
	               CHECK (severity IN ('normal', 'tightened', 'reduced', 'discontinued')),
	score          INTEGER NOT NULL DEFAULT 0,
	recent         INTEGER NOT NULL DEFAULT 0,
	recent_n       INTEGER NOT NULL DEFAULT 0,
	tight_accepted INTEGER NOT NULL DEFAULT 0,
	tight_rejected INTEGER NOT NULL DEFAULT 0,
	lots           INTEGER NOT NULL DEFAULT 0,
	updated_at     TEXT NOT NULL
);

CREATE TABLE acceptance_lots (
	id          INTEGER PRIMARY KEY,
	series      TEXT NOT NULL,
	book_id     INTEGER REFERENCES books (id),
	lot_size    INTEGER NOT NULL CHECK (lot_size >= 1),
	code_letter TEXT NOT NULL,
	plan_letter TEXT NOT NULL,
	sample_size INTEGER NOT NULL CHECK (sample_size >= 1),
	ac          INTEGER NOT NULL,
	re          INTEGER NOT NULL,
	aql         TEXT NOT NULL,
	level       TEXT NOT NULL,
	severity    TEXT NOT NULL CHECK (severity IN ('normal', 'tightened', 'reduced')),
	seed        INTEGER NOT NULL,
	full        INTEGER NOT NULL DEFAULT 0,
	state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'accepted', 'rejected')),
	defects     INTEGER,
	created_by  TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	decided_at  TEXT
);
CREATE INDEX acceptance_lots_series ON acceptance_lots (series, state);

CREATE TABLE acceptance_members (
	lot_id     INTEGER NOT NULL REFERENCES acceptance_lots (id),
	record_id  INTEGER NOT NULL REFERENCES records (id),
	sample_pos INTEGER,
	checker    TEXT,
	defect     INTEGER CHECK (defect IN (0, 1)),
	note       TEXT,
	checked_at TEXT,
	PRIMARY KEY (lot_id, record_id)
) WITHOUT ROWID;
CREATE INDEX acceptance_members_record ON acceptance_members (record_id);
