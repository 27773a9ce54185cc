-- The batch store, version 3: how each page's grid read against its book's layout. A page
-- whose grid has the layout's columns is read even when its index row (1) ... (n) or its
-- header row reads poorly; what they gave is the ocr stage's evidence, kept here page by
-- page with the reason the layout is in doubt. The rules raise LAYOUT_UNCERTAIN on every
-- record of a page in doubt until an archivist confirms the page once.
CREATE TABLE page_layout (
	page_id      INTEGER PRIMARY KEY REFERENCES pages (id),
	index_read   INTEGER NOT NULL,            -- cells of the index row read as their (n)
	index_cells  INTEGER NOT NULL,            -- cells of the index row; 0: the page has none
	index_poor   INTEGER NOT NULL DEFAULT 0,  -- 1: too few of them for the index row to stand
	header       REAL NOT NULL,               -- share 0..1 of the header titles' words found
	header_poor  INTEGER NOT NULL DEFAULT 0,  -- 1: the header reads unlike the layout's titles
	doubt        TEXT,                        -- why the layout is in doubt; NULL when not
	confirmed_by TEXT,                        -- the archivist who confirmed the page, or NULL
	confirmed_at TEXT
);
