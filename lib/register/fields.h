/*
 * From the text of a cell to fields: cleaning a reading, splitting composite cells (a person,
 * a declarant, a death notice) into their labelled facts, and reading dates and date-times in
 * the forms the registers use. Labels are matched tolerantly (case, diacritics, one or two
 * recognition errors), values keep their byte span in the cell text so that each field can
 * get the confidence and box of the words it came from.
 */
#ifndef SO_FIELDS_H
#define SO_FIELDS_H

#include <stddef.h>

#define SO_FIELD_MAX 16

/* A cell with at least this many marks was written in (a few specks are not writing); one the
 * recognizer reads nothing in is UNREADABLE. */
#define SO_WRITTEN_MARKS 3

struct so_span {
	const char *sub;      /* sub-field name: "full_name", "birth_date", ... */
	size_t start, end;    /* byte span of the value in the cell text (end exclusive) */
};

struct so_parsed {
	struct so_span spans[SO_FIELD_MAX];
	size_t n;
};

/* Splits the text of a composite cell read with PARSER ("person", "declarant",
 * "death_notice") into spans. Facts that are absent have no span. 0, or -1 for an unknown
 * parser. A line (or ';' part) whose label is misread past tolerance opens its fact by the
 * shape of what follows a few label words: twelve or nine digits (a CCCD, a CMND) or a letter
 * and seven digits (a passport) the identity document, label kept ("ŒCCCPD số 0791…"); a date
 * the birth date (the notice's date); a reference opening a death notice its number. Other
 * text continues the fact before it. */
int so_composite_parse(const char *parser, const char *text, struct so_parsed *out);

/* A reading cleaned for storage: whitespace runs (newlines included) collapsed to one space,
 * trimmed, NFC. NULL (and no error) for an empty cell or one meaning "not applicable" ("-",
 * "—", "x"). Caller frees. */
char *so_text_clean(const char *text, size_t len);

/* A date as written. Parsed forms: d/m/y with '/', '-' or '.' (spaces around them too), day
 * and month of one or two digits, "ngày d tháng m năm y", "m/y" and "y" (old books). 1 when
 * parsed (valid says whether it is a calendar date: 30/02 is parsed but not valid), 0 when the
 * text is not a date — a year of fewer than four digits included ("05/03/19" is 1919 or 2019:
 * no century is guessed, the field has no value and goes to review). */
struct so_date {
	int year, month, day;   /* month and day 0 when not written */
	int valid;
	int hour, minute;       /* -1 when no time was written */
};
int so_date_parse(const char *text, struct so_date *d);
/* A date-time as "14 giờ 30 phút, ngày 05/03/2021" (also "14h30 ngày …", "14 giờ 30, …"). */
int so_datetime_parse(const char *text, struct so_date *d);
/* Canonical ISO form: "2019-03-05", "1985-03", "1985", "2021-03-05T14:30". buf >= 20. */
void so_date_iso(const struct so_date *d, char *buf, size_t size);

/* Folds text for comparisons that ignore case and diacritics ("Đặng" -> "dang"): one byte per
 * character (non-Latin characters become '?'). map (may be NULL, size strlen(text) + 1) gets,
 * for each folded byte, the byte offset of its character in TEXT. Caller frees. */
char *so_fold(const char *text, size_t *map);

#endif
