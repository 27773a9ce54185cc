-- The batch store, version 1: everything sohoa knows of one batch. Each migration file is
-- applied once, in number order, in its own transaction; PRAGMA user_version holds the
-- number of the last one applied. Timestamps are UTC ISO 8601 text.

CREATE TABLE batch_meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- A register book: the unit the law numbers entries in.
CREATE TABLE books (
	id             INTEGER PRIMARY KEY,
	type           TEXT NOT NULL CHECK (type IN ('birth', 'marriage', 'death', 'parentage')),
	year           INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2200),
	volume         TEXT NOT NULL,
	authority_code TEXT NOT NULL,
	layout         TEXT NOT NULL,
	created_at     TEXT NOT NULL,
	UNIQUE (type, year, volume, authority_code)
);

-- A scan file given for a book. The same content registered again is a duplicate, not new work.
CREATE TABLE scan_files (
	id           INTEGER PRIMARY KEY,
	book_id      INTEGER NOT NULL REFERENCES books (id),
	path         TEXT NOT NULL,
	name         TEXT NOT NULL,
	size         INTEGER,
	sha256       TEXT,
	page_count   INTEGER,
	duplicate_of INTEGER REFERENCES scan_files (id),
	created_at   TEXT NOT NULL,
	UNIQUE (book_id, path)
);
CREATE INDEX scan_files_sha256 ON scan_files (sha256);

-- A page of a scan file and what scan made of it.
CREATE TABLE pages (
	id               INTEGER PRIMARY KEY,
	scan_file_id     INTEGER NOT NULL REFERENCES scan_files (id),
	page_index       INTEGER NOT NULL,
	sha256           TEXT,
	width            INTEGER,
	height           INTEGER,
	dpi              INTEGER,
	dpi_source       TEXT,
	bits             INTEGER,
	color            TEXT,
	compression      TEXT,
	orientation      INTEGER,
	orientation_conf REAL,
	skew             REAL,
	skew_conf        REAL,
	ink              REAL,
	state            TEXT NOT NULL
	                 CHECK (state IN ('prepared', 'blank', 'rejected', 'failed', 'duplicate')),
	reason           TEXT,
	image            TEXT,
	duplicate_of     INTEGER REFERENCES pages (id),
	created_at       TEXT NOT NULL,
	UNIQUE (scan_file_id, page_index)
);
CREATE INDEX pages_sha256 ON pages (sha256);

-- Progress of every stage: one row per unit of work (a scan file for scan, a page for ocr, a
-- record for validate and normalize). A unit is claimed by a worker process, then done or
-- failed; a claim whose owner is gone is taken back. crashes counts the workers seen to die
-- on the unit since it last made progress, so that a unit that kills workers is given up
-- while one whose run was merely stopped is not.
CREATE TABLE stage_units (
	stage       TEXT NOT NULL,
	unit_id     INTEGER NOT NULL,
	state       TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed')),
	attempts    INTEGER NOT NULL DEFAULT 0,
	crashes     INTEGER NOT NULL DEFAULT 0,
	owner       TEXT,
	claimed_at  TEXT,
	finished_at TEXT,
	error       TEXT,
	PRIMARY KEY (stage, unit_id)
) WITHOUT ROWID;
CREATE INDEX stage_units_state ON stage_units (stage, state);

-- An entry row of a register page.
CREATE TABLE records (
	id            INTEGER PRIMARY KEY,
	book_id       INTEGER NOT NULL REFERENCES books (id),
	page_id       INTEGER NOT NULL REFERENCES pages (id),
	row           INTEGER NOT NULL,
	x0 INTEGER, y0 INTEGER, x1 INTEGER, y1 INTEGER,
	status        TEXT NOT NULL
	              CHECK (status IN ('extracted', 'needs_review', 'valid', 'approved', 'rejected',
	                                'synced')),
	version       INTEGER NOT NULL DEFAULT 1,
	reject_reason TEXT,
	entry_key     TEXT,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	UNIQUE (page_id, row)
);
CREATE INDEX records_status ON records (status);
CREATE INDEX records_book ON records (book_id);
CREATE INDEX records_entry_key ON records (entry_key);

-- A field of a record: the reading (raw, never overwritten) and its canonical value.
CREATE TABLE fields (
	record_id  INTEGER NOT NULL REFERENCES records (id),
	name       TEXT NOT NULL,
	raw        TEXT,
	value      TEXT,
	code       TEXT,
	successor  TEXT,
	confidence REAL,
	x0 INTEGER, y0 INTEGER, x1 INTEGER, y1 INTEGER,
	source     TEXT NOT NULL DEFAULT 'ocr' CHECK (source IN ('ocr', 'normalize', 'archivist')),
	PRIMARY KEY (record_id, name)
) WITHOUT ROWID;

-- The text read from each cell of a record, as recognized (before any parsing).
CREATE TABLE cells (
	record_id  INTEGER NOT NULL REFERENCES records (id),
	col        INTEGER NOT NULL,
	text       TEXT,
	confidence REAL,
	marks      INTEGER NOT NULL DEFAULT 0,
	x0 INTEGER, y0 INTEGER, x1 INTEGER, y1 INTEGER,
	PRIMARY KEY (record_id, col)
) WITHOUT ROWID;

-- A broken rule (or a server's objection) on a record.
CREATE TABLE flags (
	id         INTEGER PRIMARY KEY,
	record_id  INTEGER NOT NULL REFERENCES records (id),
	code       TEXT NOT NULL,
	severity   TEXT NOT NULL CHECK (severity IN ('error', 'warning')),
	fields     TEXT NOT NULL DEFAULT '[]',
	state      TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'verified', 'resolved')),
	message    TEXT NOT NULL,
	source     TEXT NOT NULL DEFAULT 'validate',
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX flags_record ON flags (record_id);
CREATE INDEX flags_code ON flags (code, state);

-- Who changed what, when.
CREATE TABLE audit (
	id        INTEGER PRIMARY KEY,
	at        TEXT NOT NULL,
	actor     TEXT NOT NULL,
	record_id INTEGER REFERENCES records (id),
	action    TEXT NOT NULL,
	field     TEXT,
	before    TEXT,
	after     TEXT
);
CREATE INDEX audit_record ON audit (record_id);

-- Records waiting for delivery to the national database. A row is claimed by one sync process
-- at a time (owner, until lease_until); it is 'acked' in the same transaction that stores the
-- remote id and marks the record synced; 'refused' when the server answered 409 or 422 (the
-- record then needs review; approved again, it is queued again at a newer version); 'held'
-- when the record cannot be delivered as it is (no business key, or the key of another
-- record).
CREATE TABLE outbox (
	record_id       INTEGER PRIMARY KEY REFERENCES records (id),
	idempotency_key TEXT NOT NULL,
	version         INTEGER NOT NULL DEFAULT 1,
	state           TEXT NOT NULL DEFAULT 'queued'
	                CHECK (state IN ('queued', 'acked', 'refused', 'held')),
	owner           TEXT,
	lease_until     TEXT,
	attempts        INTEGER NOT NULL DEFAULT 0,
	last_status     INTEGER,
	last_error      TEXT,
	last_attempt_at TEXT,
	remote_id       TEXT,
	acked_at        TEXT,
	created_at      TEXT NOT NULL
);
CREATE INDEX outbox_key ON outbox (idempotency_key);
CREATE INDEX outbox_state ON outbox (state);

-- What happened, unit by unit, for the operator's report.
CREATE TABLE events (
	id      INTEGER PRIMARY KEY,
	at      TEXT NOT NULL,
	stage   TEXT NOT NULL,
	level   TEXT NOT NULL CHECK (level IN ('info', 'warning', 'error')),
	unit    TEXT,
	message TEXT NOT NULL
);
