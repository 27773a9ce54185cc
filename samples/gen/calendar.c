/* Date arithmetic and the written forms of dates (see calendar.h). */
#include <stdio.h>

#include "calendar.h"

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m)
{
	static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12)
		return 0;
	return len[m - 1] + (m == 2 && is_leap(y));
}

/* The usual era-based conversion between civil dates and a day count. */
long date_to_days(struct date d)
{
	long y = d.y - (d.m <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long mp = (d.m + 9) % 12;
	long doy = (153 * mp + 2) / 5 + d.d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

struct date date_from_days(long z)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	struct date r;
	r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
	r.m = (int)(mp < 10 ? mp + 3 : mp - 9);
	r.y = (int)(yoe + era * 400 + (r.m <= 2));
	return r;
}

struct date date_add_days(struct date d, long n)
{
	return date_from_days(date_to_days(d) + n);
}

int date_age(struct date birth, struct date at)
{
	int age = at.y - birth.y;
	if (at.m < birth.m || (at.m == birth.m && at.d < birth.d))
		age--;
	return age;
}

void date_write(char out[DATE_TEXT_MAX], struct date d, enum date_precision p,
                enum date_form form)
{
	if (p == DATE_YEAR) {
		snprintf(out, DATE_TEXT_MAX, "%04d", d.y);
		return;
	}
	if (p == DATE_MONTH) {
		if (form == DATE_FORM_SLASH || form == DATE_FORM_DOT_SHORT ||
		    form == DATE_FORM_DASH_SPACED || form == DATE_FORM_WORDS_SHORT)
			snprintf(out, DATE_TEXT_MAX, "%d/%04d", d.m, d.y);
		else if (form == DATE_FORM_SLASH_SPACED)
			snprintf(out, DATE_TEXT_MAX, "%02d / %04d", d.m, d.y);
		else
			snprintf(out, DATE_TEXT_MAX, "%02d/%04d", d.m, d.y);
		return;
	}
	switch (form) {
	case DATE_FORM_SLASH:
		snprintf(out, DATE_TEXT_MAX, "%d/%d/%04d", d.d, d.m, d.y);
		break;
	case DATE_FORM_DASH:
		snprintf(out, DATE_TEXT_MAX, "%02d-%02d-%04d", d.d, d.m, d.y);
		break;
	case DATE_FORM_DOT:
		snprintf(out, DATE_TEXT_MAX, "%02d.%02d.%04d", d.d, d.m, d.y);
		break;
	case DATE_FORM_WORDS:
		snprintf(out, DATE_TEXT_MAX, "ngày %02d tháng %d năm %04d", d.d, d.m, d.y);
		break;
	case DATE_FORM_SLASH_SPACED:
		snprintf(out, DATE_TEXT_MAX, "%02d / %02d / %04d", d.d, d.m, d.y);
		break;
	case DATE_FORM_DASH_SPACED:
		snprintf(out, DATE_TEXT_MAX, "%d - %d - %04d", d.d, d.m, d.y);
		break;
	case DATE_FORM_DOT_SHORT:
		snprintf(out, DATE_TEXT_MAX, "%d.%d.%04d", d.d, d.m, d.y);
		break;
	case DATE_FORM_WORDS_SHORT:
		snprintf(out, DATE_TEXT_MAX, "ngày %d tháng %d năm %04d", d.d, d.m, d.y);
		break;
	default:
		snprintf(out, DATE_TEXT_MAX, "%02d/%02d/%04d", d.d, d.m, d.y);
		break;
	}
}

void date_canonical(char out[DATE_TEXT_MAX], struct date d, enum date_precision p)
{
	if (p == DATE_YEAR)
		snprintf(out, DATE_TEXT_MAX, "%04d", d.y);
	else if (p == DATE_MONTH)
		snprintf(out, DATE_TEXT_MAX, "%04d-%02d", d.y, d.m);
	else
		snprintf(out, DATE_TEXT_MAX, "%04d-%02d-%02d", d.y, d.m, d.d);
}
