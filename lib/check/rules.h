/*
 * The validation catalogue of REGISTERS.md: rules within a record (a page whose layout is in
 * doubt, required fields, unreadable cells, confidence under the calibrated threshold,
 * impossible and out-of-order dates, identity numbers against sex and birth year, values
 * outside their lists, names that are not Vietnamese, unmatched places, late registration,
 * ages) and across a book (duplicate and missing registration numbers, the same entry
 * twice). Each broken rule is a flag with its stable code, severity, fields and a message in
 * Vietnamese an archivist understands. The rules are rows of one table (so_rules_catalogue)
 * and the legal deadlines and age limits rows of another (so_legal_limit).
 */
#ifndef SO_RULES_H
#define SO_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "register/layout.h"

struct so_rule_field {
	const char *name;       /* "child.birth_date" */
	const char *raw;        /* the reading, NULL when empty */
	double conf;            /* -1 when unknown */
	int marks;              /* written marks in its cell (ink), 0 when blank */
	int hand;               /* its cell is handwritten (the ocr stage's decision) */
	int keyed;              /* a person set its value (fields.source 'archivist') */
};

/* Why the layout of a record's page is in doubt: its grid has the layout's columns, but its
 * index row or its header row reads poorly (the ocr stage's evidence, batch/store.h's
 * so_page_layout). */
struct so_layout_doubt {
	int index_poor;              /* the index row does not read (1) ... (n) */
	int index_read, index_cells; /* its cells read as their number, of all its cells (0:
					the page has no index row) */
	int header_poor;             /* the header row reads unlike the layout's titles */
	double header;               /* share 0..1 of the titles' words found in it */
};

struct so_record_view {
	int64_t id;
	const struct so_layout *layout;
	int book_year;
	long scan_date;         /* yyyymmdd: dates after it are in the future */
	struct so_rule_field *fields;
	size_t nfields;
	int number_in_sequence; /* its registration number follows or precedes a neighbour's */
	long number_expected;   /* > 0: its neighbours' numbers leave room for this one only, and
				   its own is another (139, 1440, 141): a misreading, likely */
	const struct so_layout_doubt *layout_doubt; /* its page's layout in doubt and not confirmed
						       by an archivist, or NULL */
};

/* The flag raised on every record of a page whose layout is in doubt: an archivist who
 * verifies it on one record confirms the page, and it is verified on all of its records. */
#define SO_LAYOUT_UNCERTAIN "LAYOUT_UNCERTAIN"

/* The flag raised on every field of a handwritten cell no person has keyed: only keying (a
 * value from an archivist) clears it, never a look (verifying the flag). */
#define SO_HANDWRITTEN "HANDWRITTEN"

struct so_flag_spec {
	char code[32];
	const char *severity;   /* "error" or "warning" */
	char fields[512];       /* JSON array of field names */
	char message[512];
};

struct so_flag_list {
	struct so_flag_spec *v;
	size_t n, cap;
};
void so_flag_list_release(struct so_flag_list *l);

/* How an archivist knows field NAME of layout L: "“Ngày, tháng, năm sinh” (cột 4)" or
 * "họ tên của “Người mẹ” (cột 11)" in a flag's message; with PLAIN, the column's title alone
 * ("Ngày, tháng, năm sinh", "Người mẹ — họ tên") for a form. The name itself when unknown. */
void so_field_label(const struct so_layout *l, const char *name, int plain, char *buf,
		    size_t size);

/* The rules within one record: appends its flags to OUT. 0, or -1 (no memory). */
int so_rules_record(const struct so_record_view *r, struct so_flag_list *out);

/* The rules across the records of one book, in register order: appends to OUT[i] the flags
 * of record i (sequence duplicates and gaps, the same entry twice). 0 or -1. */
int so_rules_book(const struct so_record_view *records, size_t n, struct so_flag_list *out);

/* The person and event of an entry ("nguyen van an|2019-..." by book type), for finding the
 * same entry twice; NULL when its key fields are missing. Caller frees. */
char *so_entry_key(const struct so_record_view *r);
/* Sets number_in_sequence of each of the N records of a book in register order: its number
 * is one more than the one before or one less than the one after — the register itself
 * confirms the reading; and number_expected, when the number before and the one after are two
 * apart and its own is not the one between. 0 or -1. */
int so_rules_sequence(struct so_record_view *records, size_t n);

/* The catalogue ------------------------------------------------------------------------------ */

/* The books a rule applies to (bits). */
enum {
	SO_BOOKS_BIRTH = 1 << 0,
	SO_BOOKS_MARRIAGE = 1 << 1,
	SO_BOOKS_DEATH = 1 << 2,
	SO_BOOKS_PARENTAGE = 1 << 3,
	SO_BOOKS_ALL = 0xf,     /* every book, a book of a type not listed here too */
};

/* The bit of field kind K in a rule's kinds. */
#define SO_KIND_BIT(k) (1u << (k))

enum so_rule_scope {
	SO_RULE_RECORD,         /* once per record, on the fields the row names */
	SO_RULE_FIELD,          /* on each read field of the row's kinds; consecutive FIELD rows run
				   field by field in the record's order, each field through them all */
	SO_RULE_BOOK,           /* once per record, against the records before it in its book */
};

/* The legal deadlines and age limits, the only place their numbers are written. */
enum so_limit {
	SO_LIMIT_NONE,
	SO_LIMIT_BIRTH_REGISTRATION,    /* days from the birth to its registration, at most */
	SO_LIMIT_DEATH_REGISTRATION,    /* days from the death to its registration, at most */
	SO_LIMIT_PARENT_AGE_MIN,        /* a parent's age at the child's birth, at least */
	SO_LIMIT_PARENT_AGE_MAX,        /* a parent's age at the child's birth, at most */
	SO_LIMIT_HUSBAND_AGE,           /* the husband's age at the marriage, at least */
	SO_LIMIT_WIFE_AGE,              /* the wife's age at the marriage, at least */
	SO_LIMITS
};

enum so_limit_unit { SO_UNIT_DAYS, SO_UNIT_YEARS };

struct so_legal_limit {
	const char *what;       /* what is measured, in English */
	const char *book;       /* the book type it concerns */
	int at_least;           /* 1: the measure must be at least LIMIT; 0: at most LIMIT */
	int limit;
	enum so_limit_unit unit;
	const char *law;        /* where it comes from, in the law's words when it is a law's */
};

/* The row of limit ID; NULL for SO_LIMIT_NONE or a value out of range. Static data. */
const struct so_legal_limit *so_legal_limit(enum so_limit id);

struct so_rule_call;    /* what a check is given: the record, the field, the book (rules.c) */

/* One rule of the catalogue: which flag it raises, where, on what, and how it decides. */
struct so_rule {
	const char *code;               /* the flag's code: "LATE_REGISTRATION" */
	const char *severity;           /* "error" or "warning" */
	unsigned books;                 /* SO_BOOKS_* bits */
	enum so_rule_scope scope;
	unsigned kinds;                 /* FIELD: SO_KIND_BIT of each kind of field it judges */
	int dash;                       /* FIELD: it judges a dash ("not applicable") too */
	const char *fields[4];          /* RECORD, BOOK: the fields it looks at, in its flag's
					   order (the required ones, the two dates compared) */
	enum so_limit limits[2];        /* the legal limits it applies */
	const char *words[2];           /* the words its message is made of (see its check) */
	/* appends the flag(s) of RULE broken by CALL's record or field; 0, or -1 (no memory) */
	int (*check)(const struct so_rule *rule, const struct so_rule_call *call);
};

/* The catalogue, in the order its flags are raised; *N its number of rows. Static data. */
const struct so_rule *so_rules_catalogue(size_t *n);

#endif
