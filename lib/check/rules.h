/*
 * The validation catalogue of REGISTERS.md: rules within a record (required fields, unreadable
 * cells, confidence under the calibrated threshold, impossible and out-of-order dates, identity
 * numbers against sex and birth year, values outside their lists, names that are not
 * Vietnamese, unmatched places, late registration, ages) and across a book (duplicate and
 * missing registration numbers, the same entry twice). Each broken rule is a flag with its
 * stable code, severity, fields and a message in Vietnamese an archivist understands.
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
};

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

/* Confidence thresholds per field kind, from schemas/confidence-thresholds.json. */
double so_confidence_threshold(enum so_kind kind);

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

#endif
