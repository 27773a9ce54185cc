/*
 * Test: the ground truth agrees with itself, with the layouts, with the rules of the validate
 * catalogue and with the TIFF files. Generates books of the four types over several periods
 * (year-only dates and CMND before 1995, CCCD after 2016, the new unit list in 2025) with the
 * anomalies planted, then checks every record: every layout field present, one cell per
 * column, NFC text, every CCCD consistent with sex, birth year and province except the planted
 * one, natural entries raising no flag, the planted anomalies where they belong, and each
 * page of pages.jsonl matching its TIFF directory (size, dpi, format); books in the other
 * hands (--style) keep the same invariants.
 * Usage: test-sample-truth PATH-TO-sohoa-sample-gen
 */
#include <jansson.h>
#include <math.h>
#include <tiffio.h>

#include "base/text.h"
#include "calendar.h"
#include "register/layout.h"
#include "testutil.h"

static const char *const books[] = {
	"--anomalies", "--dpi", "100", "--pages", "4",
	"--book", "birth", "--year", "1988", "--volume", "01", "--blank-pages", "1",
	"--book", "birth", "--year", "2019", "--volume", "02", "--compression", "lzw",
	"--color", "gray", "--tiled",
	"--book", "birth", "--year", "2025", "--volume", "03", "--rows", "6",
	"--book", "marriage", "--year", "1992", "--volume", "01", "--compression", "jpeg",
	"--book", "marriage", "--year", "2021", "--volume", "01", "--compression", "jpeg",
	"--color", "rgb", "--rotate", "90",
	"--book", "death", "--year", "2010", "--volume", "01", "--no-resolution",
	"--compression", "deflate",
	"--book", "death", "--year", "2022", "--volume", "01", "--compression", "none",
	"--defects", "skew,border", "--rotate", "270@2",
	"--book", "parentage", "--year", "2018", "--volume", "01", "--compression", "lzw",
	"--color", "bilevel",
	"--book", "parentage", "--year", "2025", "--volume", "02", "--authority", "26740",
	/* the other hands: their writing forms keep every invariant of the truth */
	"--book", "birth", "--year", "2020", "--volume", "s1", "--style", "serif",
	"--book", "death", "--year", "2022", "--volume", "s2", "--style", "sans",
	"--compression", "lzw", "--color", "rgb",
	"--book", "marriage", "--year", "2016", "--volume", "s3", "--style", "condensed",
	"--compression", "lzw", "--color", "gray",
	"--book", "parentage", "--year", "2019", "--volume", "s4", "--style", "typewriter",
	"--book", "birth", "--year", "2025", "--volume", "s5", "--style", "sans",
	NULL,
};

/* Province codes of the list before 2025-07-01 (the CCCD's first three digits). */
static const char *const old_provinces[] = {
	"01", "02", "04", "06", "08", "10", "11", "12", "14", "15", "17", "19", "20", "22", "24",
	"25", "26", "27", "30", "31", "33", "34", "35", "36", "37", "38", "40", "42", "44", "45",
	"46", "48", "49", "51", "52", "54", "56", "58", "60", "62", "64", "66", "67", "68", "70",
	"72", "74", "75", "77", "79", "80", "82", "83", "84", "86", "87", "89", "91", "92", "93",
	"94", "95", "96",
};

static const char *str_field(json_t *fields, const char *name, const char *member)
{
	json_t *f = json_object_get(fields, name);
	return json_string_value(json_object_get(f, member));
}

/* Parses a canonical date ("2019-03-05", "1965-03", "1965"); returns its precision or -1. */
static int parse_canonical(const char *s, struct date *d)
{
	memset(d, 0, sizeof(*d));
	if (!s)
		return -1;
	int n = sscanf(s, "%4d-%2d-%2d", &d->y, &d->m, &d->d);
	size_t len = strlen(s);
	if (n == 3 && len == 10 && d->d >= 1 && d->d <= days_in_month(d->y, d->m))
		return DATE_DAY;
	if (n == 2 && len == 7 && d->m >= 1 && d->m <= 12)
		return DATE_MONTH;
	if (n == 1 && len == 4)
		return DATE_YEAR;
	return -1;
}

/* The youngest and oldest age a person of (partial) birth date B can have on date AT. */
static void age_range(const char *birth, struct date at, int *lo, int *hi)
{
	struct date b;
	int p = parse_canonical(birth, &b);
	if (p == DATE_DAY) {
		*lo = *hi = date_age(b, at);
	} else if (p == DATE_MONTH) {
		struct date first = { b.y, b.m, 1 }, last = { b.y, b.m, days_in_month(b.y, b.m) };
		*lo = date_age(last, at);
		*hi = date_age(first, at);
	} else {
		struct date first = { b.y, 1, 1 }, last = { b.y, 12, 31 };
		*lo = date_age(last, at);
		*hi = date_age(first, at);
	}
}

static int is_digits(const char *s, size_t n)
{
	return s && strlen(s) == n && strspn(s, "0123456789") == n;
}

static int has_anomaly(json_t *rec, const char *kind, const char *field)
{
	size_t i, k;
	json_t *a, *f;
	json_array_foreach(json_object_get(rec, "anomalies"), i, a) {
		if (strcmp(json_string_value(json_object_get(a, "kind")), kind) != 0)
			continue;
		if (!field)
			return 1;
		json_array_foreach(json_object_get(a, "fields"), k, f)
			if (strcmp(json_string_value(f), field) == 0)
				return 1;
	}
	return 0;
}

/* Checks a 12-digit personal id against sex (-1 unknown) and birth date (may be NULL).
 * Returns 1 when consistent. */
static int cccd_consistent(const char *id, int female, const char *birth)
{
	char prov[3] = { id[1], id[2], 0 };
	int province_ok = 0;
	for (size_t i = 0; i < sizeof(old_provinces) / sizeof(old_provinces[0]); i++)
		if (id[0] == '0' && strcmp(prov, old_provinces[i]) == 0)
			province_ok = 1;
	if (!province_ok)
		return 0;
	int d4 = id[3] - '0', yy = (id[4] - '0') * 10 + (id[5] - '0');
	if (female >= 0 && (d4 & 1) != female)
		return 0;
	struct date b;
	if (birth && parse_canonical(birth, &b) >= 0) {
		int century = b.y < 2000 ? 0 : b.y < 2100 ? 2 : 4;
		if (d4 / 2 * 2 != century || b.y % 100 != yy)
			return 0;
	}
	return 1;
}

struct person_ref {
	const char *id_field, *birth_field;
	int female;                 /* -1: from another field */
	const char *sex_field;
};

static const struct person_ref persons[] = {
	{ "child.id_number", "child.birth_date", -1, "child.sex" },
	{ "deceased.id_number", "deceased.birth_date", -1, "deceased.sex" },
	{ "mother.id_document", "mother.birth_date", 1, NULL },
	{ "father.id_document", "father.birth_date", 0, NULL },
	{ "husband.id_document", "husband.birth_date", 0, NULL },
	{ "wife.id_document", "wife.birth_date", 1, NULL },
	{ "parent.id_document", "parent.birth_date", -1, "relationship" },
	{ "child.id_document", "child.birth_date", -2, NULL },
	{ "declarant.id_document", NULL, -2, NULL },
};

static int ncccd, nplanted_id;

static void check_ids(json_t *rec, json_t *fields)
{
	for (size_t i = 0; i < sizeof(persons) / sizeof(persons[0]); i++) {
		const struct person_ref *p = &persons[i];
		const char *v = str_field(fields, p->id_field, "value");
		if (!v)
			continue;
		if (strncmp(v, "CCCD ", 5) == 0)
			v += 5;
		else if (strncmp(v, "CMND ", 5) == 0) {
			CHECK(is_digits(v + 5, 9), "%s: bad CMND '%s'", p->id_field, v);
			continue;
		} else if (strncmp(v, "HO_CHIEU ", 9) == 0) {
			continue;
		}
		CHECK(is_digits(v, 12), "%s: bad personal id '%s'", p->id_field, v);
		if (!is_digits(v, 12))
			continue;
		int female = p->female;
		if (female == -1 && p->sex_field) {
			const char *s = str_field(fields, p->sex_field, "value");
			female = !s ? -2 : strcmp(s, "female") == 0 || strcmp(s, "mother") == 0;
		}
		const char *birth = p->birth_field ? str_field(fields, p->birth_field, "value") : NULL;
		int ok = cccd_consistent(v, female < 0 ? -1 : female, birth);
		ncccd++;
		if (has_anomaly(rec, "id_sex_mismatch", p->id_field)) {
			nplanted_id++;
			CHECK(!ok, "%s: planted mismatch '%s' is consistent",
			      json_string_value(json_object_get(rec, "record_id")), v);
		} else {
			CHECK(ok, "%s: %s '%s' disagrees with sex/birth year/province",
			      json_string_value(json_object_get(rec, "record_id")), p->id_field, v);
		}
	}
}

/* The rules natural entries must not break (LATE_REGISTRATION, PARENT_AGE, ...). */
static void check_rules(json_t *rec, json_t *fields, const char *type, int year)
{
	const char *id = json_string_value(json_object_get(rec, "record_id"));
	struct date reg, d;
	CHECK(parse_canonical(str_field(fields, "registration_date", "value"), &reg) == DATE_DAY,
	      "%s: registration date", id);
	CHECK(reg.y == year, "%s: registered in %d, book of %d", id, reg.y, year);
	if (year == 2025)
		CHECK(reg.m >= 7, "%s: a 2025 book on the new unit list starts on 2025-07-01", id);
	int lo, hi;
	if (strcmp(type, "birth") == 0) {
		const char *b = str_field(fields, "child.birth_date", "value");
		if (has_anomaly(rec, "impossible_date", "child.birth_date"))
			return;
		CHECK(parse_canonical(b, &d) == DATE_DAY, "%s: child birth date '%s'", id, STR(b));
		long gap = date_to_days(reg) - date_to_days(d);
		CHECK(gap >= 0 && gap <= 60, "%s: birth registered after %ld days", id, gap);
		const char *parents[] = { "mother.birth_date", "father.birth_date" };
		for (int i = 0; i < 2; i++) {
			const char *pb = str_field(fields, parents[i], "value");
			if (!pb)
				continue;
			age_range(pb, d, &lo, &hi);
			CHECK(lo >= 12 && hi <= 65 && lo >= 19 && hi <= 41, "%s: %s gives age %d-%d",
			      id, parents[i], lo, hi);
		}
	} else if (strcmp(type, "death") == 0) {
		const char *dt = str_field(fields, "death.datetime", "value");
		CHECK(dt && strlen(dt) == 16 && dt[10] == 'T', "%s: death datetime '%s'", id, STR(dt));
		char day[11] = { 0 };
		if (dt)
			memcpy(day, dt, 10);
		CHECK(parse_canonical(day, &d) == DATE_DAY, "%s: death date", id);
		long gap = date_to_days(reg) - date_to_days(d);
		CHECK(gap >= 0 && gap <= 15, "%s: death registered after %ld days", id, gap);
		const char *nd = str_field(fields, "death_notice.date", "value");
		struct date n;
		if (nd && parse_canonical(nd, &n) == DATE_DAY)
			CHECK(date_to_days(n) >= date_to_days(d) && date_to_days(n) <= date_to_days(reg),
			      "%s: death notice dated %s", id, nd);
	} else if (strcmp(type, "marriage") == 0) {
		const char *who[] = { "husband.birth_date", "wife.birth_date" };
		int min_age[] = { 20, 18 };
		for (int i = 0; i < 2; i++) {
			if (has_anomaly(rec, "impossible_date", who[i]))
				continue;
			age_range(str_field(fields, who[i], "value"), reg, &lo, &hi);
			CHECK(lo >= min_age[i], "%s: %s gives age %d at marriage", id, who[i], lo);
		}
	} else {
		const char *rel = str_field(fields, "relationship", "value");
		CHECK(rel && (strcmp(rel, "father") == 0 || strcmp(rel, "mother") == 0),
		      "%s: relationship '%s'", id, STR(rel));
		const char *raw = str_field(fields, "relationship", "raw");
		CHECK(rel && raw &&
		      strcmp(raw, strcmp(rel, "father") == 0 ? "Cha - con" : "Mẹ - con") == 0,
		      "%s: relationship written '%s'", id, STR(raw));
		const char *pb = str_field(fields, "parent.birth_date", "value");
		const char *cb = str_field(fields, "child.birth_date", "value");
		if (pb && cb && parse_canonical(cb, &d) == DATE_DAY) {
			age_range(pb, d, &lo, &hi);
			CHECK(lo >= 12 && hi <= 65, "%s: parent aged %d-%d at the birth", id, lo, hi);
		}
	}
}

static void check_record(json_t *rec, const struct so_layout *l, int year)
{
	const char *id = json_string_value(json_object_get(rec, "record_id"));
	json_t *fields = json_object_get(rec, "fields");
	json_t *cells = json_object_get(rec, "cells");
	char key[128];
	CHECK(json_is_object(fields), "%s: no fields", id);
	CHECK(json_array_size(cells) == l->ncolumns, "%s: %zu cells for %zu columns", id,
	      json_array_size(cells), l->ncolumns);
	size_t nfields = 0;
	for (size_t i = 0; i < l->ncolumns; i++) {
		const struct so_column *c = &l->columns[i];
		size_t n = c->kind == SO_COLUMN_COMPOSITE ? c->nsubfields : 1;
		for (size_t k = 0; k < n; k++) {
			if (c->kind == SO_COLUMN_COMPOSITE)
				snprintf(key, sizeof(key), "%s.%s", c->prefix, c->subfields[k]);
			else
				snprintf(key, sizeof(key), "%s", c->field);
			json_t *f = json_object_get(fields, key);
			CHECK(json_is_object(f) && json_object_get(f, "value") && json_object_get(f, "raw"),
			      "%s: field %s missing", id, key);
			const char *holds = c->kind == SO_COLUMN_COMPOSITE ? c->subfields[k] : so_kind_name(c->holds);
			int coded = strcmp(holds, "place") == 0 || strcmp(holds, "ethnicity") == 0 ||
			            strcmp(holds, "residence") == 0;
			CHECK(!coded || json_object_get(f, "code"), "%s: %s has no code", id, key);
			const char *v = json_string_value(json_object_get(f, "value"));
			const char *raw = json_string_value(json_object_get(f, "raw"));
			CHECK(!v || so_text_is_nfc(v), "%s: %s value not NFC", id, key);
			CHECK(!raw || so_text_is_nfc(raw), "%s: %s raw not NFC", id, key);
			CHECK(!v || raw, "%s: %s has a value but no raw text", id, key);
			const char *code = json_string_value(json_object_get(f, "code"));
			if (v && coded && strstr(holds, "ethnicity"))
				CHECK(is_digits(code, 2), "%s: %s code '%s'", id, key, STR(code));
			else if (v && coded)
				CHECK(is_digits(code, 5), "%s: %s code '%s'", id, key, STR(code));
			nfields++;
		}
	}
	CHECK(json_object_size(fields) == nfields, "%s: %zu fields, layout has %zu", id,
	      json_object_size(fields), nfields);
	size_t i;
	json_t *cell;
	json_array_foreach(cells, i, cell)
		CHECK(json_is_string(cell) && so_text_is_nfc(json_string_value(cell)),
		      "%s: cell %zu", id, i);
	/* a cell holds each written field text */
	for (size_t k = 0; k < l->ncolumns && k < json_array_size(cells); k++) {
		const struct so_column *c = &l->columns[k];
		const char *text = json_string_value(json_array_get(cells, k));
		if (c->kind == SO_COLUMN_FIELD) {
			const char *raw = str_field(fields, c->field, "raw");
			CHECK(strcmp(text, raw ? raw : "") == 0, "%s: cell %zu '%s' vs raw '%s'", id, k,
			      text, raw ? raw : "");
		} else {
			for (size_t s = 0; s < c->nsubfields; s++) {
				snprintf(key, sizeof(key), "%s.%s", c->prefix, c->subfields[s]);
				const char *raw = str_field(fields, key, "raw");
				CHECK(!raw || strstr(text, raw), "%s: %s '%s' not in its cell", id, key, raw);
			}
		}
	}
	/* status and flags follow the planted anomalies */
	size_t nanom = json_array_size(json_object_get(rec, "anomalies"));
	const char *status = json_string_value(json_object_get(rec, "status"));
	CHECK(strcmp(status, nanom ? "needs_review" : "valid") == 0, "%s: status %s", id, status);
	CHECK(json_array_size(json_object_get(rec, "flags")) == nanom, "%s: flags", id);
	if (has_anomaly(rec, "impossible_date", NULL)) {
		json_t *a = json_array_get(json_object_get(rec, "anomalies"), 0);
		const char *f = json_string_value(json_array_get(json_object_get(a, "fields"), 0));
		struct date d;
		CHECK(str_field(fields, f, "value") == NULL, "%s: impossible date has a value", id);
		const char *raw = str_field(fields, f, "raw");
		CHECK(raw && sscanf(raw, "%d%*[./-]%d", &d.d, &d.m) == 2 && d.d > 28 &&
		      d.d > days_in_month(2000, d.m) - (d.m == 2), "%s: impossible date '%s'", id,
		      raw ? raw : "");
	}
	const char *type = json_string_value(json_object_get(rec, "type"));
	check_ids(rec, fields);
	check_rules(rec, fields, type, year);
}

struct book_seen {
	char file[64];
	int last_number;
	int anomalies[5];
	size_t records;
};

static struct book_seen seen[32];
static size_t nseen;

static struct book_seen *book_of(const char *file)
{
	for (size_t i = 0; i < nseen; i++)
		if (strcmp(seen[i].file, file) == 0)
			return &seen[i];
	if (nseen == sizeof(seen) / sizeof(seen[0]))
		return &seen[0];
	snprintf(seen[nseen].file, sizeof(seen[nseen].file), "%s", file);
	seen[nseen].last_number = -1;
	return &seen[nseen++];
}

static void check_truth(const char *dir)
{
	static const char *const kinds[] = { "impossible_date", "id_sex_mismatch",
	                                     "duplicate_number", "handwriting", "smudge" };
	char path[4096];
	snprintf(path, sizeof(path), "%s/truth.jsonl", dir);
	FILE *f = fopen(path, "r");
	CHECK(f, "no truth.jsonl");
	if (!f)
		return;
	char line[1 << 16];
	size_t n = 0;
	struct so_layout *layouts[4] = { 0 };
	const char *types[] = { "birth", "marriage", "death", "parentage" };
	for (int i = 0; i < 4; i++)
		CHECK(so_layout_load(so_layout_default(types[i]), &layouts[i]) == 0, "layout %s",
		      types[i]);
	while (fgets(line, sizeof(line), f)) {
		json_error_t err;
		json_t *rec = json_loads(line, 0, &err);
		CHECK(rec, "line %zu: %s", n + 1, err.text);
		if (!rec)
			continue;
		n++;
		const char *type = json_string_value(json_object_get(rec, "type"));
		int year = (int)json_integer_value(json_object_get(json_object_get(rec, "book"), "year"));
		for (int i = 0; i < 4; i++)
			if (layouts[i] && strcmp(type, types[i]) == 0)
				check_record(rec, layouts[i], year);
		const char *file = json_string_value(json_object_get(json_object_get(rec, "source"),
		                                                     "file"));
		struct book_seen *b = book_of(file);
		b->records++;
		int num = atoi(str_field(json_object_get(rec, "fields"), "registration_number",
		                         "value"));
		if (b->last_number >= 0) {
			if (has_anomaly(rec, "duplicate_number", NULL))
				CHECK(num == b->last_number, "%s: duplicate %d after %d", file, num,
				      b->last_number);
			else
				CHECK(num == b->last_number + 1, "%s: number %d after %d", file, num,
				      b->last_number);
		}
		b->last_number = num;
		for (int k = 0; k < 5; k++)
			b->anomalies[k] += has_anomaly(rec, kinds[k], NULL);
		json_decref(rec);
	}
	fclose(f);
	for (int i = 0; i < 4; i++)
		so_layout_free(layouts[i]);
	CHECK(n > 50, "only %zu records", n);
	CHECK(nseen == 14, "%zu books in truth.jsonl", nseen);
	for (size_t i = 0; i < nseen; i++) {
		for (int k = 0; k < 5; k++) {
			/* books before 2016 have no CCCD to plant a mismatch in */
			int expect = k == 1 && (strstr(seen[i].file, "-1988-") ||
			                        strstr(seen[i].file, "-1992-") ||
			                        strstr(seen[i].file, "-2010-")) ? 0 : 1;
			CHECK(seen[i].anomalies[k] == expect, "%s: %d %s anomalies", seen[i].file,
			      seen[i].anomalies[k], kinds[k]);
		}
	}
	CHECK(ncccd > 20, "only %d CCCDs checked", ncccd);
	printf("truth: %zu records in %zu books, %d personal ids checked\n", n, nseen, ncccd);
	CHECK(nplanted_id == 11, "%d planted id mismatches", nplanted_id);
}

static void check_pages(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/pages.jsonl", dir);
	FILE *f = fopen(path, "r");
	CHECK(f, "no pages.jsonl");
	if (!f)
		return;
	char line[1 << 14];
	TIFF *tif = NULL;
	char current[256] = "";
	size_t npages = 0, nblank = 0;
	while (fgets(line, sizeof(line), f)) {
		json_t *p = json_loads(line, 0, NULL);
		CHECK(p, "bad pages.jsonl line");
		if (!p)
			continue;
		const char *file = json_string_value(json_object_get(p, "file"));
		size_t index = (size_t)json_integer_value(json_object_get(p, "page_index"));
		if (strcmp(file, current) != 0) {
			if (tif) {
				CHECK(!TIFFReadDirectory(tif), "%s has more pages than pages.jsonl", current);
				TIFFClose(tif);
			}
			snprintf(current, sizeof(current), "%s", file);
			snprintf(path, sizeof(path), "%s/%s", dir, file);
			tif = TIFFOpen(path, "r");
			CHECK(tif, "cannot open %s", path);
			CHECK(index == 0, "%s: first page index %zu", file, index);
		} else if (tif) {
			CHECK(TIFFReadDirectory(tif), "%s: page %zu missing", file, index);
		}
		npages++;
		if (!tif) {
			json_decref(p);
			continue;
		}
		uint32_t w = 0, h = 0;
		uint16_t bits = 0, spp = 0, comp = 0, unit = 0;
		float xres = 0, yres = 0;
		TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &w);
		TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &h);
		TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &bits);
		TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
		TIFFGetField(tif, TIFFTAG_COMPRESSION, &comp);
		int has_res = TIFFGetField(tif, TIFFTAG_XRESOLUTION, &xres) &&
		              TIFFGetField(tif, TIFFTAG_YRESOLUTION, &yres);
		TIFFGetFieldDefaulted(tif, TIFFTAG_RESOLUTIONUNIT, &unit);
		int dpi = (int)json_integer_value(json_object_get(p, "dpi"));
		int rotation = (int)json_integer_value(json_object_get(p, "rotation"));
		CHECK(w == json_integer_value(json_object_get(p, "width")) &&
		      h == json_integer_value(json_object_get(p, "height")),
		      "%s p%zu: %ux%u", file, index, w, h);
		int pw = (int)lround(420 / 25.4 * dpi), ph = (int)lround(297 / 25.4 * dpi);
		int portrait = rotation == 90 || rotation == 270;
		CHECK((int)w == (portrait ? ph : pw) && (int)h == (portrait ? pw : ph),
		      "%s p%zu: %ux%u at %d dpi, rotation %d", file, index, w, h, dpi, rotation);
		CHECK(bits == json_integer_value(json_object_get(p, "bits")), "%s: bits %u", file,
		      bits);
		CHECK(spp == json_integer_value(json_object_get(p, "samples")), "%s: spp", file);
		CHECK(TIFFIsTiled(tif) == json_is_true(json_object_get(p, "tiled")), "%s: tiled", file);
		const char *c = json_string_value(json_object_get(p, "compression"));
		int want = strcmp(c, "g4") == 0 ? COMPRESSION_CCITTFAX4
		         : strcmp(c, "lzw") == 0 ? COMPRESSION_LZW
		         : strcmp(c, "jpeg") == 0 ? COMPRESSION_JPEG
		         : strcmp(c, "deflate") == 0 ? COMPRESSION_ADOBE_DEFLATE : COMPRESSION_NONE;
		CHECK(comp == want, "%s: compression %u, want %s", file, comp, c);
		if (json_is_true(json_object_get(p, "resolution")))
			CHECK(has_res && lround(xres) == dpi && lround(yres) == dpi &&
			      unit == RESUNIT_INCH, "%s: resolution %g/%g", file, xres, yres);
		else
			CHECK(!has_res, "%s: resolution tags present", file);
		int blank = json_is_true(json_object_get(p, "blank"));
		nblank += blank;
		json_t *table = json_object_get(p, "table");
		CHECK(blank ? json_is_null(table) : json_is_object(table), "%s p%zu: table", file,
		      index);
		if (!blank) {
			json_t *rows = json_object_get(table, "rows");
			json_t *cols = json_object_get(table, "columns");
			CHECK(json_array_size(rows) ==
			      (size_t)json_integer_value(json_object_get(p, "rows")) + 3,
			      "%s p%zu: row edges", file, index);
			CHECK(json_array_size(cols) >= 7, "%s p%zu: column edges", file, index);
			double last = -1;
			size_t k;
			json_t *v;
			json_array_foreach(cols, k, v) {
				CHECK(json_number_value(v) > last && json_number_value(v) < pw,
				      "%s: column edges not rising", file);
				last = json_number_value(v);
			}
		}
		json_decref(p);
	}
	if (tif) {
		CHECK(!TIFFReadDirectory(tif), "%s has more pages than pages.jsonl", current);
		TIFFClose(tif);
	}
	fclose(f);
	CHECK(npages == 14 * 4 + 1, "%zu pages", npages);
	printf("truth: %zu pages checked against their TIFF directories\n", npages);
	CHECK(nblank == 1, "%zu blank pages", nblank);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH-TO-sohoa-sample-gen\n", argv[0]);
		return 2;
	}
	char *dir = scratch_dir("truth");
	if (!dir)
		return 2;
	TIFFSetWarningHandler(NULL);
	int rc = run_generator(argv[1], dir, "2024", books);
	CHECK(rc == 0, "generator exited with %d", rc);
	if (rc == 0) {
		check_truth(dir);
		check_pages(dir);
	}
	/* usage errors exit 1 */
	static const char *const bad_dpi[] = { "--book", "birth", "--year", "2019", "--volume",
	                                       "01", "--dpi", "300x", NULL };
	static const char *const bad_rows[] = { "--book", "birth", "--year", "2019", "--volume",
	                                        "01", "--rows", "9", NULL };
	static const char *const bad_authority[] = { "--book", "birth", "--year", "2019",
	                                             "--volume", "01", "--authority", "99999",
	                                             NULL };
	static const char *const bad_color[] = { "--book", "birth", "--year", "2019", "--volume",
	                                         "01", "--compression", "g4", "--color", "rgb",
	                                         NULL };
	static const char *const no_year[] = { "--book", "birth", "--volume", "01", NULL };
	CHECK(run_generator(argv[1], dir, "1", bad_dpi) == 1, "--dpi 300x accepted");
	CHECK(run_generator(argv[1], dir, "1", bad_rows) == 1, "--rows 9 accepted");
	CHECK(run_generator(argv[1], dir, "1", bad_authority) == 1, "--authority 99999 accepted");
	CHECK(run_generator(argv[1], dir, "1", bad_color) == 1, "g4 in rgb accepted");
	CHECK(run_generator(argv[1], dir, "1", no_year) == 1, "book without a year accepted");
	remove_dir(dir);
	free(dir);
	if (test_failures) {
		fprintf(stderr, "%d check(s) failed\n", test_failures);
		return 1;
	}
	printf("truth: all checks passed\n");
	return 0;
}
