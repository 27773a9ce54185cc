-- Handwriting detection: per cell the ocr stage's decision (printed or handwritten; a blank
-- cell has no row), its score 0..1 (1: surely handwritten) and the features it was made from
-- (a JSON object, lib/read/handwriting.h). A handwritten cell's fields get HANDWRITTEN until a
-- person keys them.
CREATE TABLE cell_hand (
	record_id  INTEGER NOT NULL REFERENCES records (id),
	col        INTEGER NOT NULL,
	hand       TEXT NOT NULL CHECK (hand IN ('printed', 'handwritten')),
	score      REAL NOT NULL,
	features   TEXT NOT NULL,
	PRIMARY KEY (record_id, col)
) WITHOUT ROWID;
