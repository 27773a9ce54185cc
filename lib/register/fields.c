/* Cell text to fields (see fields.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/util.h"
#include "register/fields.h"

/* Folding ------------------------------------------------------------------------------------ */

char *so_fold(const char *text, size_t *map)
{
	size_t len = strlen(text);
	char *out = so_malloc(len + 1);
	if (!out)
		return NULL;
	size_t n = 0;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text;
	size_t i = 0;
	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
		if (k <= 0) {
			k = 1;
			cp = '?';
		}
		char c = '?';
		if (cp == 0x0110 || cp == 0x0111) {
			c = 'd';
		} else if (cp < 0x80) {
			c = (char)tolower(cp);
		} else {
			utf8proc_int32_t dec[8];
			int sz;
			utf8proc_ssize_t m = utf8proc_decompose_char(cp, dec, 8,
				UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD, &sz);
			if (m >= 1 && dec[0] < 0x80)
				c = (char)tolower(dec[0]);
			else if (utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS)
				c = ' ';
		}
		if (map)
			map[n] = i;
		out[n++] = c;
		i += (size_t)k;
	}
	if (map)
		map[n] = len;
	out[n] = 0;
	return out;
}

/* Cleaning ----------------------------------------------------------------------------------- */

static int not_applicable(const char *s)
{
	return strcmp(s, "-") == 0 || strcmp(s, "\xe2\x80\x94") == 0 /* — */ ||
	       strcmp(s, "\xe2\x80\x93") == 0 /* – */ || strcmp(s, "x") == 0 ||
	       strcmp(s, "X") == 0 || strcmp(s, "--") == 0;
}

char *so_text_clean(const char *text, size_t len)
{
	struct so_buf b = SO_BUF_INIT(len + 1);
	int space = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = b.len > 0;
			continue;
		}
		if (space && so_buf_add(&b, " ", 1) < 0)
			goto error;
		space = 0;
		if (so_buf_add(&b, &text[i], 1) < 0)
			goto error;
	}
	if (b.len == 0 || not_applicable(b.data)) {
		so_buf_release(&b);
		return NULL;
	}
	utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)b.data);
	so_buf_release(&b);
	if (!nfc) {
		so_error("invalid UTF-8 in a reading");
		return NULL;
	}
	return (char *)nfc;
error:
	so_buf_release(&b);
	return NULL;
}

/* Composite cells ----------------------------------------------------------------------------- */

struct label {
	const char *folded;   /* label as folded text, without colon */
	const char *sub;      /* the sub-field it introduces; NULL for a prefix to skip */
	int keep;             /* the label is part of the value (identity documents) */
};

static const struct label person_labels[] = {
	{ "ho ten", "full_name", 0 },
	{ "ho va ten", "full_name", 0 },
	{ "sinh nam", "birth_date", 0 },
	{ "nam sinh", "birth_date", 0 },
	{ "sinh ngay", "birth_date", 0 },
	{ "ngay sinh", "birth_date", 0 },
	{ "ngay, thang, nam sinh", "birth_date", 0 },
	{ "dan toc", "ethnicity", 0 },
	{ "quoc tich", "nationality", 0 },
	{ "noi cu tru", "residence", 0 },
	{ "cu tru", "residence", 0 },
	{ "noi thuong tru", "residence", 0 },
	{ "dia chi", "residence", 0 },
	{ "giay to tuy than", NULL, 0 },
	{ "giay to", NULL, 0 },
	{ "cccd so", "id_document", 1 },
	{ "cmnd so", "id_document", 1 },
	{ "ho chieu so", "id_document", 1 },
	{ "so dinh danh ca nhan", "id_document", 1 },
	{ "so dinh danh", "id_document", 1 },
	{ "quan he", "relationship", 0 },
	{ NULL, NULL, 0 },
};

static const struct label notice_labels[] = {
	{ "so", "number", 0 },
	{ "ngay cap", "date", 0 },
	{ "noi cap", "issuer", 0 },
	{ NULL, NULL, 0 },
};

/* Does the folded segment F start with the label L (tolerating recognition errors)? Returns the
 * folded length the label takes, or 0. A label must end at a word boundary. */
static size_t label_match(const char *f, const char *l)
{
	/* the first word must be the label's first word, give or take one misread letter in a
	 * longer word: "ngoc sinh" is a name going on, not "ngay sinh" */
	size_t fw = strcspn(f, " :;,"), lw = strcspn(l, " ,");
	if (so_edit_distance(f, fw, l, lw) > (lw >= 4 ? 1 : 0))
		return 0;
	size_t nl = strlen(l), nf = strlen(f);
	int allowed = nl >= 9 ? 2 : nl >= 5 ? 1 : 0;
	size_t best = 0;
	int bestd = allowed + 1;
	for (size_t take = nl > (size_t)allowed ? nl - (size_t)allowed : 1; take <= nl + (size_t)allowed
	     && take <= nf; take++) {
		char after = f[take];
		if (after && isalnum((unsigned char)after))
			continue;
		int d = so_edit_distance(f, take, l, nl);
		if (d < bestd) {
			bestd = d;
			best = take;
		}
	}
	return bestd <= allowed ? best : 0;
}

/*
 * Facts by the shape of their value, for a label misread beyond what label_match tolerates
 * ("ŒCCCPD số 079190001234"): one to five words of a label (each with a letter; a colon may
 * end them), then a value of the fact's shape and nothing else. Twelve or nine digits after a
 * document word are a CCCD or a CMND, a letter and seven digits a passport; a date after a
 * birth label is the birth date. A reference (the death notice's "125/GBT") only opens a cell:
 * later, digits after words are more likely an issuer wrapped ("Quân y 175").
 */
struct shaped {
	const char *sub;                            /* the sub-field its value is */
	int (*fits)(const char *v, size_t n);       /* the folded value has the shape */
	int keep;                                   /* the label is part of the value */
	int opening;                                /* only before any other fact */
};

#define SHAPE_LABEL_WORDS 5
#define SHAPE_YEAR_MIN 1850
#define SHAPE_YEAR_MAX 2100

static int is_digit_char(char c)
{
	return c >= '0' && c <= '9';
}

static int is_letter_char(char c)
{
	return (c >= 'a' && c <= 'z') || c == '?';
}

/* Twelve (CCCD) or nine (CMND) digits, spaces and dots between them; or a letter and seven
 * digits (a passport). */
static int identity_shape(const char *v, size_t n)
{
	if (n == 8 && is_letter_char(v[0]) && v[0] != '?') {
		for (size_t i = 1; i < n; i++)
			if (!is_digit_char(v[i]))
				return 0;
		return 1;
	}
	size_t digits = 0;
	for (size_t i = 0; i < n; i++) {
		if (is_digit_char(v[i]))
			digits++;
		else if (v[i] != ' ' && v[i] != '.')
			return 0;
	}
	return is_digit_char(v[0]) && (digits == 12 || digits == 9);
}

/* A run of digits of MIN to MAX at *I (advanced past it). */
static int digit_run(const char *v, size_t n, size_t *i, size_t min, size_t max)
{
	size_t s = *i;
	while (*i < n && is_digit_char(v[*i]))
		(*i)++;
	return *i - s >= min && *i - s <= max;
}

/* A separator of dates at *I, spaces around it (advanced past them). */
static int date_separator(const char *v, size_t n, size_t *i)
{
	while (*i < n && v[*i] == ' ')
		(*i)++;
	if (*i >= n || !strchr("/-.", v[*i]))
		return 0;
	(*i)++;
	while (*i < n && v[*i] == ' ')
		(*i)++;
	return 1;
}

/* d/m/yyyy (any separator, spaces around it), or a year alone that a person may be born in
 * (a house number alone is not: "Số 1234"). */
static int date_shape(const char *v, size_t n)
{
	size_t i = 0;
	if (digit_run(v, n, &i, 4, 4) && i == n)
		return atoi(v) >= SHAPE_YEAR_MIN && atoi(v) <= SHAPE_YEAR_MAX;
	i = 0;
	return digit_run(v, n, &i, 1, 2) && date_separator(v, n, &i) && digit_run(v, n, &i, 1, 2) &&
	       date_separator(v, n, &i) && digit_run(v, n, &i, 4, 4) && i == n;
}

/* A number, perhaps with parts after a slash: 125, 125/GBT, 12/2021/GBT. */
static int reference_shape(const char *v, size_t n)
{
	size_t i = 0;
	if (!digit_run(v, n, &i, 1, 6))
		return 0;
	while (i < n && v[i] == '/') {
		size_t s = ++i;
		while (i < n && (is_digit_char(v[i]) || is_letter_char(v[i])))
			i++;
		if (i == s)
			return 0;
	}
	return i == n;
}

static const struct shaped person_shapes[] = {
	{ "id_document", identity_shape, 1, 0 },
	{ "birth_date", date_shape, 0, 0 },
	{ NULL, NULL, 0, 0 },
};

static const struct shaped notice_shapes[] = {
	{ "date", date_shape, 0, 0 },
	{ "number", reference_shape, 0, 1 },
	{ NULL, NULL, 0, 0 },
};

/* The shape of what follows the label words that start the folded segment F (N bytes): the
 * row of SHAPES it fits, with *VALUE the offset of its value in F; NULL when none does. The
 * value is the rest of the segment, trailing dots aside. */
static const struct shaped *shape_match(const struct shaped *shapes, const char *f, size_t n,
					size_t *value)
{
	while (n && (f[n - 1] == '.' || f[n - 1] == ' '))
		n--;
	size_t i = 0;
	for (int words = 0; words < SHAPE_LABEL_WORDS; words++) {
		/* one word of a label: letters (digits misread among them), a colon may end it */
		size_t s = i;
		int letter = 0;
		while (i < n && f[i] != ' ' && f[i] != ':') {
			letter |= is_letter_char(f[i]);
			i++;
		}
		if (i == s || !letter)
			return NULL;
		while (i < n && (f[i] == ':' || f[i] == ' '))
			i++;
		if (i >= n)
			return NULL;
		for (const struct shaped *sh = shapes; sh->sub; sh++)
			if (sh->fits(f + i, n - i)) {
				*value = i;
				return sh;
			}
	}
	return NULL;
}

static int has_span(const struct so_parsed *out, const char *sub)
{
	for (size_t i = 0; i < out->n; i++)
		if (strcmp(out->spans[i].sub, sub) == 0)
			return 1;
	return 0;
}

static int add_span(struct so_parsed *out, const char *sub, size_t start, size_t end)
{
	/* the same fact twice: the first one stands, the second continues nothing */
	for (size_t i = 0; i < out->n; i++)
		if (strcmp(out->spans[i].sub, sub) == 0)
			return -1;
	if (out->n >= SO_FIELD_MAX)
		return -1;
	out->spans[out->n].sub = sub;
	out->spans[out->n].start = start;
	out->spans[out->n].end = end;
	out->n++;
	return (int)out->n - 1;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Walks the cell segment by segment (lines, and ';' within a line). A segment that starts with
 * a label opens its fact; any other segment continues the last fact (a wrapped value) — or,
 * before any label, the name (person and declarant cells start with the name).
 */
int so_composite_parse(const char *parser, const char *text, struct so_parsed *out)
{
	memset(out, 0, sizeof(*out));
	const struct label *labels;
	const struct shaped *shapes;
	const char *first;
	if (strcmp(parser, "person") == 0 || strcmp(parser, "declarant") == 0) {
		labels = person_labels;
		shapes = person_shapes;
		first = "full_name";
	} else if (strcmp(parser, "death_notice") == 0) {
		labels = notice_labels;
		shapes = notice_shapes;
		first = NULL;
	} else {
		return so_error("unknown composite parser '%s'", parser);
	}
	size_t len = strlen(text);
	size_t *map = so_malloc((len + 1) * sizeof(*map));
	char *folded = map ? so_fold(text, map) : NULL;
	if (!folded) {
		free(map);
		return -1;
	}
	size_t nf = strlen(folded);
	int current = -1;
	size_t i = 0;
	while (i < nf) {
		/* one segment: up to a newline or ';' (folded bytes map to text characters) */
		size_t s = i;
		while (i < nf && text[map[i]] != '\n' && folded[i] != ';')
			i++;
		size_t e = i;
		if (i < nf)
			i++;
		while (s < e && is_space(text[map[s]]))
			s++;
		while (e > s && is_space(text[map[e - 1]]))
			e--;
		if (s == e)
			continue;
		/* labels are looked for in the text from here on, lines joined: a label may be
		 * wrapped over two lines ("Ngày\ncấp") */
		char seg[256];
		size_t sl = nf - s < sizeof(seg) - 1 ? nf - s : sizeof(seg) - 1;
		memcpy(seg, folded + s, sl);
		seg[sl] = 0;
		for (size_t q = 0; q < sl; q++)
			if (seg[q] == '\n')
				seg[q] = ' ';
		const struct label *hit = NULL;
		size_t take = 0;
		for (const struct label *l = labels; l->folded; l++) {
			size_t t = label_match(seg, l->folded);
			if (t && t > take) {
				hit = l;
				take = t;
			}
		}
		/* "Giấy tờ: CCCD số ...": skip the prefix and look again */
		size_t prefix = 0;
		if (hit && !hit->sub) {
			size_t k = take;
			while (k < sl && (seg[k] == ':' || seg[k] == ' '))
				k++;
			const struct label *inner = NULL;
			size_t t2 = 0;
			for (const struct label *l = labels; l->folded; l++) {
				size_t t = label_match(seg + k, l->folded);
				if (t && l->sub && t > t2) {
					inner = l;
					t2 = t;
				}
			}
			if (inner) {
				s += k;
				memmove(seg, seg + k, sl - k + 1);
				sl -= k;
				hit = inner;
				take = t2;
			} else {
				hit = NULL;
				prefix = k;
			}
		}
		if (hit && s + take > e) {
			/* the label went on to the next line: so does this segment */
			size_t j = s + take;
			while (j < nf && text[map[j]] != '\n' && folded[j] != ';')
				j++;
			e = j;
			i = j < nf ? j + 1 : j;
			while (e > s && is_space(text[map[e - 1]]))
				e--;
		}
		if (hit) {
			size_t vs = s;
			if (!hit->keep) {
				vs = s + take;
				while (vs < e && (folded[vs] == ':' || folded[vs] == ' '))
					vs++;
			}
			int k = add_span(out, hit->sub, map[vs], map[e]);
			current = k;
			continue;
		}
		/* no label read: a misread one, by the shape of what follows it */
		size_t value = 0, at = s + prefix < e ? s + prefix : e;
		const struct shaped *sh = shape_match(shapes, folded + at, e - at, &value);
		if (sh && !has_span(out, sh->sub) && (!sh->opening || out->n == 0)) {
			current = add_span(out, sh->sub, map[sh->keep ? at : at + value], map[e]);
		} else if (current >= 0) {
			/* a wrapped value: the fact now ends here; a label whose value starts on
			 * the next line or after a ';' ("Ngày cấp:\n07-03-2022", "Số; 927") starts
			 * it here */
			if (out->spans[current].end == out->spans[current].start)
				out->spans[current].start = map[s];
			out->spans[current].end = map[e];
		} else if (first) {
			current = add_span(out, first, map[s], map[e]);
		}
	}
	/* a fact that opened with a label but holds nothing is absent */
	size_t k = 0;
	for (size_t j = 0; j < out->n; j++)
		if (out->spans[j].end > out->spans[j].start)
			out->spans[k++] = out->spans[j];
	out->n = k;
	free(folded);
	free(map);
	return 0;
}

/* Dates -------------------------------------------------------------------------------------- */

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Up to MAXN numbers of the folded text, with what separates them. */
struct tokens {
	long num[8];
	int n;
	int words;     /* letters seen outside the allowed words */
};

static void set_valid(struct so_date *d)
{
	d->valid = d->year >= 1800 && d->year <= 2200 &&
		   (d->month == 0 || (d->month >= 1 && d->month <= 12)) &&
		   (d->day == 0 || (d->month && d->day >= 1 && d->day <= days_in(d->year, d->month)));
}

/* Numbers in F (folded), and whether anything other than date words and separators is there. */
static void tokenize(const char *f, struct tokens *t, const char *const *words)
{
	memset(t, 0, sizeof(*t));
	size_t i = 0, n = strlen(f);
	while (i < n) {
		if (isdigit((unsigned char)f[i])) {
			long v = 0;
			int digits = 0;
			while (i < n && isdigit((unsigned char)f[i])) {
				if (digits < 9)
					v = v * 10 + (f[i] - '0');
				digits++;
				i++;
			}
			if (t->n < 8)
				t->num[t->n] = digits > 4 ? -1 : v;
			t->n++;
		} else if (isalpha((unsigned char)f[i]) || f[i] == '?') {
			size_t s = i;
			while (i < n && (isalpha((unsigned char)f[i]) || f[i] == '?'))
				i++;
			int known = 0;
			for (const char *const *w = words; *w; w++)
				if (strlen(*w) == i - s && strncmp(f + s, *w, i - s) == 0)
					known = 1;
			if (!known)
				t->words++;
		} else {
			i++;
		}
	}
}

/* The canonical form itself ("2019-03-05", "1985-03", "2021-03-05T14:30" when TIME): a value
 * an archivist set is read again by the rules. 1 when TEXT is one, with *D filled. */
static int iso_parse(const char *text, int time, struct so_date *d)
{
	while (*text == ' ')
		text++;
	size_t n = strlen(text);
	while (n && text[n - 1] == ' ')
		n--;
	static const char *const shapes[2][2] = { { "dddd-dd-dd", "dddd-dd" },
						  { "dddd-dd-ddTdd:dd", NULL } };
	for (int k = 0; k < 2; k++) {
		const char *shape = shapes[time][k];
		if (!shape || strlen(shape) != n)
			continue;
		size_t i;
		for (i = 0; i < n; i++)
			if (shape[i] == 'd' ? !isdigit((unsigned char)text[i]) : text[i] != shape[i])
				break;
		if (i < n)
			continue;
		d->year = atoi(text);
		d->month = atoi(text + 5);
		d->day = n >= 10 ? atoi(text + 8) : 0;
		if (time) {
			d->hour = atoi(text + 11);
			d->minute = atoi(text + 14);
		}
		if (d->year < 1000 || d->month == 0)
			return 0;
		set_valid(d);
		if (time && (d->hour > 23 || d->minute > 59))
			d->valid = 0;
		return 1;
	}
	return 0;
}

int so_date_parse(const char *text, struct so_date *d)
{
	memset(d, 0, sizeof(*d));
	d->hour = d->minute = -1;
	if (iso_parse(text, 0, d))
		return 1;
	d->year = d->month = d->day = 0;
	char *f = so_fold(text, NULL);
	if (!f)
		return 0;
	static const char *const words[] = { "ngay", "thang", "nam", NULL };
	struct tokens t;
	tokenize(f, &t, words);
	free(f);
	if (t.words || t.n < 1 || t.n > 3)
		return 0;
	for (int i = 0; i < t.n; i++)
		if (t.num[i] < 0)
			return 0;
	if (t.n == 3) {
		d->day = (int)t.num[0];
		d->month = (int)t.num[1];
		d->year = (int)t.num[2];
	} else if (t.n == 2) {
		d->month = (int)t.num[0];
		d->year = (int)t.num[1];
		if (d->month == 0)
			return 0;
	} else {
		d->year = (int)t.num[0];
	}
	if (d->year < 1000)
		return 0;
	set_valid(d);
	return 1;
}

int so_datetime_parse(const char *text, struct so_date *d)
{
	memset(d, 0, sizeof(*d));
	d->hour = d->minute = -1;
	if (iso_parse(text, 1, d))
		return 1;
	memset(d, 0, sizeof(*d));
	d->hour = d->minute = -1;
	char *f = so_fold(text, NULL);
	if (!f)
		return 0;
	/* "14 gio 30 phut, ngay 05/03/2021", "14h30 ngay 05/03/2021" */
	static const char *const words[] = { "gio", "phut", "ngay", "thang", "nam", "h", "luc", NULL };
	struct tokens t;
	tokenize(f, &t, words);
	free(f);
	if (t.words || t.n < 4 || t.n > 5)
		return 0;
	for (int i = 0; i < t.n; i++)
		if (t.num[i] < 0)
			return 0;
	/* hour, [minute,] day, month, year */
	d->hour = (int)t.num[0];
	d->minute = t.n == 5 ? (int)t.num[1] : 0;
	d->day = (int)t.num[t.n - 3];
	d->month = (int)t.num[t.n - 2];
	d->year = (int)t.num[t.n - 1];
	if (d->year < 1000)
		return 0;
	set_valid(d);
	if (d->hour > 23 || d->minute > 59)
		d->valid = 0;
	return 1;
}

void so_date_iso(const struct so_date *d, char *buf, size_t size)
{
	if (d->month == 0)
		snprintf(buf, size, "%04d", d->year);
	else if (d->day == 0)
		snprintf(buf, size, "%04d-%02d", d->year, d->month);
	else if (d->hour < 0)
		snprintf(buf, size, "%04d-%02d-%02d", d->year, d->month, d->day);
	else
		snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d", d->year, d->month, d->day, d->hour,
			 d->minute);
}
