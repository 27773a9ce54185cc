/*
 * What is written in a book: per page, the entries, and per entry every field of the layout
 * with its canonical value, the text as written and its code, plus the text of each cell as it
 * is drawn and the anomalies planted in it. Everything follows from the seed and the book's
 * identity (type, year, volume), never from the image options, so a book rendered at another
 * dpi or compression says the same thing.
 */
#ifndef GEN_CONTENT_H
#define GEN_CONTENT_H

#include <stddef.h>
#include <stdint.h>

#include "hand.h"
#include "register/layout.h"
#include "register/refdata.h"

struct writer;

#define FIELD_NAME_MAX 48
#define ANOMALY_FIELDS_MAX 64
#define ANOMALIES_PER_ENTRY 2

struct field_value {
	char name[FIELD_NAME_MAX];  /* "child.full_name", "mother.birth_date" */
	char *value;                /* canonical, NULL for null */
	char *raw;                  /* as written (label-less in person cells), NULL when absent */
	char *code;                 /* commune or ethnic-group code, NULL for none */
	int coded;                  /* the field carries a "code" member (places, ethnicity) */
	char hint;                  /* writing hint for person cells: 'y' partial birth date */
};

enum anomaly_kind {
	ANOMALY_IMPOSSIBLE_DATE,
	ANOMALY_ID_SEX_MISMATCH,
	ANOMALY_DUPLICATE_NUMBER,
	ANOMALY_HANDWRITING,
	ANOMALY_SMUDGE,
	ANOMALY_COUNT
};

struct anomaly {
	enum anomaly_kind kind;
	char fields[ANOMALY_FIELDS_MAX][FIELD_NAME_MAX];
	size_t nfields;
	char message[160];
};

struct entry {
	int number;                 /* registration number */
	struct field_value *fields;
	size_t nfields, capfields;
	char **cells;               /* one per layout column, "" when empty */
	size_t ncells;
	int handwritten;            /* the whole row in a handwriting font */
	int smudged_column;         /* 0-based column with an ink blot, or -1 */
	/* filled in by hand (--handwritten; the planted handwriting row too): the writer, the
	 * columns it wrote (bit i: column i, 0-based; the others are printed or stamped) and the
	 * stream of its strokes. NULL, 0, 0 for a printed entry. */
	const struct writer *writer;
	uint64_t hand_cols;
	uint64_t hand_seed;
	double hand_slant;          /* this entry's slant in degrees (its clerk's, ± a little) */
	double hand_scale;          /* its writing size against the writer's */
	double hand_ink;            /* its pen's ink, a factor of the pressure */
	struct anomaly anomalies[ANOMALIES_PER_ENTRY];
	size_t nanomalies;
};

struct book_page {
	int blank;                  /* an empty sheet: no table */
	int printed_number;         /* "Trang N" */
	int rows;                   /* entry rows drawn */
	struct entry *entries;      /* the filled rows, from the top */
	size_t nentries;
};

/* What the user asked for, as far as the content is concerned. */
struct book_request {
	const char *type;           /* birth, marriage, death, parentage */
	int year;
	const char *volume;
	const char *authority;      /* commune code, or NULL to draw one */
	int pages;                  /* pages with a table */
	int blank_pages;
	int rows;                   /* entry rows per page, 0 to draw per page */
	int anomalies;
	const struct hand *hand;    /* the style family (NULL: classic) */
};

struct book_content {
	const struct so_layout *layout;
	int new_units;              /* the unit list from 2025-07-01 applies */
	char authority_code[8];
	char *authority_text;       /* "UBND Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh" */
	char old_province[4];       /* the authority's province in the old list, "79" */
	struct book_page *pages;    /* every page of the file, blank ones included */
	size_t npages;
	struct entry *entries;      /* every entry of the book in order; pages point into it */
	size_t nentries;
};

/* The years a book may have. */
#define CONTENT_YEAR_MIN 1945
#define CONTENT_YEAR_MAX 2099

/* Generates the book. Returns NULL with the error set (an authority code that is not a commune
 * of the list valid for the year is an error). Free with content_free. */
struct book_content *content_generate(const struct book_request *req,
                                      const struct so_layout *layout,
                                      const struct so_refdata *rd, uint64_t seed);
void content_free(struct book_content *b);
/* The field NAME of E, or NULL. */
const struct field_value *entry_field(const struct entry *e, const char *name);
/* Names of the flags an anomaly may raise, its kind as text, and its primary flag. */
const char *anomaly_kind_name(enum anomaly_kind k);
const char *const *anomaly_flags(enum anomaly_kind k, size_t *n);

#endif
