-- The batch store, version 4: every failed sign-in to the review application, for the
-- operator: the name as it was typed (it may name no reviewer), the client's address and
-- the time. The application throttles sign-ins by account and by address (README).

CREATE TABLE login_failures (
	id       INTEGER PRIMARY KEY,
	at       TEXT NOT NULL,
	reviewer TEXT NOT NULL,
	address  TEXT NOT NULL
);
CREATE INDEX login_failures_reviewer ON login_failures (reviewer, at);
