/*
 * Civil dates for the generator: day arithmetic on the proleptic Gregorian calendar, and the
 * ways a register writes a date (`05/03/2019`, `5/3/2019`, `05-03-2019`, `05.03.2019`,
 * `ngày 05 tháng 3 năm 2019`, with spaces
 * around the separators `05 / 03 / 2019`, partial `03/1965` and `1965`) beside its canonical form
 * (`2019-03-05`, `1965-03`, `1965`).
 */
#ifndef GEN_CALENDAR_H
#define GEN_CALENDAR_H

#include <stddef.h>

struct date {
	int y, m, d;
};

enum date_precision { DATE_DAY, DATE_MONTH, DATE_YEAR };

enum date_form {
	DATE_FORM_SLASH_PADDED,  /* 05/03/2019 */
	DATE_FORM_SLASH,         /* 5/3/2019 */
	DATE_FORM_DASH,          /* 05-03-2019 */
	DATE_FORM_DOT,           /* 05.03.2019 */
	DATE_FORM_WORDS,         /* ngày 05 tháng 3 năm 2019 */
	DATE_FORM_CLASSIC,       /* the forms above are the classic hand's */
	DATE_FORM_SLASH_SPACED = DATE_FORM_CLASSIC,   /* 05 / 03 / 2019 */
	DATE_FORM_DASH_SPACED,   /* 5 - 3 - 2019 */
	DATE_FORM_DOT_SHORT,     /* 5.3.2019 */
	DATE_FORM_WORDS_SHORT,   /* ngày 5 tháng 3 năm 2019 */
	DATE_FORM_COUNT
};

#define DATE_TEXT_MAX 64

int days_in_month(int y, int m);
/* Days since 1970-01-01 (negative before). */
long date_to_days(struct date d);
struct date date_from_days(long days);
struct date date_add_days(struct date d, long n);
/* Whole years between A and B (B later), as an age. */
int date_age(struct date birth, struct date at);
/* Writes D as a register would, in FORM, to PRECISION (a partial date is written `03/1965`,
 * `3/1965` or `1965` whatever the form). Does not check that D is a calendar date, so that an
 * impossible date can be planted. */
void date_write(char out[DATE_TEXT_MAX], struct date d, enum date_precision p,
                enum date_form form);
/* Canonical text: "2019-03-05", "1965-03" or "1965". */
void date_canonical(char out[DATE_TEXT_MAX], struct date d, enum date_precision p);

#endif
