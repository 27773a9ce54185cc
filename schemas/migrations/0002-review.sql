-- The batch store, version 2: the archivists' review. Reviewers sign in with a name and a
-- password kept only as a salted yescrypt hash; a session is known by the SHA-256 of its
-- cookie token (the token itself is never stored) and carries the CSRF token every change
-- must send back. expires_at is in Unix seconds.

CREATE TABLE reviewers (
	name       TEXT PRIMARY KEY,
	hash       TEXT NOT NULL,
	created_at TEXT NOT NULL,
	last_login TEXT
);

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	reviewer   TEXT NOT NULL REFERENCES reviewers (name),
	csrf       TEXT NOT NULL,
	created_at TEXT NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_reviewer ON sessions (reviewer);
CREATE INDEX audit_actor ON audit (actor);
