-- The batch store, version 6: keying handwritten fields (SPEC.md, "Handwritten entries").
--
-- reviewers.roles: what a reviewer account may do, a comma-separated list of keyer (keys
-- handwritten fields), arbitrator (settles two keyings that disagree) and checker (reviews
-- records and sampled lots). Accounts made before this version keep doing what they did.
--
-- keyings: every value a person keyed for a handwritten field, kept for good: the record and
-- field, the field's kind (as the layout names it), who keyed it, the text as typed, the
-- canonical value and code it makes (NULL: the field is empty in the book), the seconds the
-- keyer spent on it (NULL when unknown), when, and its role: first or second of a double
-- keying, single (one keying stands), spot (a second keying drawn to check a trusted keyer's
-- single one) or arbitration (the arbitrator's decision).
--
-- keying_fields: where the keying of one field stands: its mode from the keying policy
-- (single or double), the keyings it needs before it is judged (1 or 2), whether a spot check
-- was drawn, its state (open: keyings awaited; conflict: two keyings disagree and an
-- arbitrator decides; accepted) and, once accepted, the value and code accepted.

ALTER TABLE reviewers ADD COLUMN roles TEXT NOT NULL DEFAULT 'keyer,checker';

CREATE TABLE keyings (
	id        INTEGER PRIMARY KEY,
	record_id INTEGER NOT NULL REFERENCES records (id),
	field     TEXT NOT NULL,
	kind      TEXT NOT NULL,
	keyer     TEXT NOT NULL,
	typed     TEXT NOT NULL,
	value     TEXT,
	code      TEXT,
	seconds   REAL,
	at        TEXT NOT NULL,
	role      TEXT NOT NULL
	          CHECK (role IN ('first', 'second', 'single', 'spot', 'arbitration'))
);
CREATE INDEX keyings_field ON keyings (record_id, field);
CREATE INDEX keyings_keyer ON keyings (keyer, kind);

CREATE TABLE keying_fields (
	record_id INTEGER NOT NULL REFERENCES records (id),
	field     TEXT NOT NULL,
	mode      TEXT NOT NULL CHECK (mode IN ('single', 'double')),
	needed    INTEGER NOT NULL CHECK (needed IN (1, 2)),
	spot      INTEGER NOT NULL DEFAULT 0,
	state     TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'conflict', 'accepted')),
	value     TEXT,
	code      TEXT,
	PRIMARY KEY (record_id, field)
) WITHOUT ROWID;
CREATE INDEX keying_fields_state ON keying_fields (state);
