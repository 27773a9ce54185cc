/*
 * The validation catalogue of REGISTERS.md as data: one table of rules (the flag each raises,
 * its severity, the books it applies to, the fields or field kinds it looks at, the legal
 * limits it applies and the check that decides), one table of the legal deadlines and age
 * limits, and the loops that run them — within a record (so_rules_record) and across a book
 * (so_rules_book). A rule's flags come out in table order, field rules field by field, so the
 * order of the rows is the order of the flags an archivist reads.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/embed.h"
#include "base/util.h"
#include "check/rules.h"
#include "register/fields.h"
#include "register/lexicon.h"
#include "register/normalize.h"
#include "register/refdata.h"

/* The law ------------------------------------------------------------------------------------ */

static const struct so_legal_limit legal_limits[SO_LIMITS] = {
	[SO_LIMIT_BIRTH_REGISTRATION] = {
		"birth registered, days after the birth", "birth", 0, 60, SO_UNIT_DAYS,
		"Luật Hộ tịch 2014, Điều 15: “Trong thời hạn 60 ngày kể từ ngày sinh con, cha hoặc "
		"mẹ có trách nhiệm đăng ký khai sinh cho con”" },
	[SO_LIMIT_DEATH_REGISTRATION] = {
		"death registered, days after the death", "death", 0, 15, SO_UNIT_DAYS,
		"Luật Hộ tịch 2014, Điều 33: “Trong thời hạn 15 ngày kể từ ngày có người chết thì "
		"vợ, chồng hoặc con, cha, mẹ hoặc người thân thích khác của người chết có trách "
		"nhiệm đi đăng ký khai tử”" },
	[SO_LIMIT_PARENT_AGE_MIN] = {
		"a parent's age at the child's birth", "birth", 1, 12, SO_UNIT_YEARS,
		"no law: a plausibility bound of REGISTERS.md (a younger parent is a misreading, "
		"likely)" },
	[SO_LIMIT_PARENT_AGE_MAX] = {
		"a parent's age at the child's birth", "birth", 0, 65, SO_UNIT_YEARS,
		"no law: a plausibility bound of REGISTERS.md (an older parent is a misreading, "
		"likely)" },
	[SO_LIMIT_HUSBAND_AGE] = {
		"the husband's age at the registration of the marriage", "marriage", 1, 20,
		SO_UNIT_YEARS,
		"Luật Hôn nhân và gia đình 2014, Điều 8, khoản 1, điểm a: “Nam từ đủ 20 tuổi trở lên, "
		"nữ từ đủ 18 tuổi trở lên”" },
	[SO_LIMIT_WIFE_AGE] = {
		"the wife's age at the registration of the marriage", "marriage", 1, 18, SO_UNIT_YEARS,
		"Luật Hôn nhân và gia đình 2014, Điều 8, khoản 1, điểm a: “Nam từ đủ 20 tuổi trở lên, "
		"nữ từ đủ 18 tuổi trở lên”" },
};

/* The catalogue --------------------------------------------------------------------------------- */

/* What a check is given. */
struct so_rule_call {
	const struct so_record_view *r;
	struct so_flag_list *out;
	/* FIELD rules: the field judged */
	const struct so_rule_field *fd;
	enum so_kind kind;
	const char *label;              /* how an archivist knows it (so_field_label) */
	int dash;                       /* its reading is a dash: "not applicable" */
	int confirmed;                  /* another cell or the register's sequence confirms it */
	const struct so_canon *canon;   /* its canonical value; empty for a dash */
	/* BOOK rules: record I of the book */
	const struct book *book;
	size_t i;
};

static int layout_uncertain(const struct so_rule *, const struct so_rule_call *);
static int required_each(const struct so_rule *, const struct so_rule_call *);
static int required_any(const struct so_rule *, const struct so_rule_call *);
static int cell_unread(const struct so_rule *, const struct so_rule_call *);
static int handwritten(const struct so_rule *, const struct so_rule_call *);
static int low_confidence(const struct so_rule *, const struct so_rule_call *);
static int no_value(const struct so_rule *, const struct so_rule_call *);
static int date_in_future(const struct so_rule *, const struct so_rule_call *);
static int place_unsure(const struct so_rule *, const struct so_rule_call *);
static int place_contradicted(const struct so_rule *, const struct so_rule_call *);
static int name_chars(const struct so_rule *, const struct so_rule_call *);
static int id_number_format(const struct so_rule *, const struct so_rule_call *);
static int id_number_owner(const struct so_rule *, const struct so_rule_call *);
static int id_document_format(const struct so_rule *, const struct so_rule_call *);
static int id_document_owner(const struct so_rule *, const struct so_rule_call *);
static int registration_year(const struct so_rule *, const struct so_rule_call *);
static int date_not_after(const struct so_rule *, const struct so_rule_call *);
static int date_not_before(const struct so_rule *, const struct so_rule_call *);
static int registered_late(const struct so_rule *, const struct so_rule_call *);
static int parent_age(const struct so_rule *, const struct so_rule_call *);
static int marriage_age(const struct so_rule *, const struct so_rule_call *);
static int number_twice(const struct so_rule *, const struct so_rule_call *);
static int number_gap(const struct so_rule *, const struct so_rule_call *);
static int entry_twice(const struct so_rule *, const struct so_rule_call *);

#define DATES (SO_KIND_BIT(SO_KIND_DATE) | SO_KIND_BIT(SO_KIND_DATETIME))
#define ALL_KINDS (((1u << SO_KINDS) - 1) & ~SO_KIND_BIT(SO_KIND_NONE))

/*
 * The rules, in the order their flags are raised for a record: its page's layout in doubt,
 * the required fields and the unreadable cells; then field by field, in the record's order,
 * its confidence and what its kind must be; then the dates against each other and the law's
 * limits. The book's rules run after, record by record. A row's WORDS go into its message as
 * its check says.
 */
static const struct so_rule catalogue[] = {
	/* the page: its grid has the layout's columns, its index row or header reads poorly */
	{ SO_LAYOUT_UNCERTAIN, "error", SO_BOOKS_ALL, SO_RULE_RECORD, 0, 0, { 0 }, { 0 }, { 0 },
	  layout_uncertain },
	/* required fields: the registration everywhere, then the book's own */
	{ "REQUIRED_MISSING", "error", SO_BOOKS_ALL, SO_RULE_RECORD, 0, 0,
	  { "registration_number", "registration_date" }, { 0 }, { 0 }, required_each },
	{ "REQUIRED_MISSING", "error", SO_BOOKS_BIRTH, SO_RULE_RECORD, 0, 0,
	  { "child.full_name", "child.birth_date", "child.sex" }, { 0 }, { 0 }, required_each },
	{ "REQUIRED_MISSING", "error", SO_BOOKS_MARRIAGE, SO_RULE_RECORD, 0, 0,
	  { "husband.full_name", "wife.full_name", "husband.birth_date", "wife.birth_date" },
	  { 0 }, { 0 }, required_each },
	{ "REQUIRED_MISSING", "error", SO_BOOKS_DEATH, SO_RULE_RECORD, 0, 0,
	  { "deceased.full_name", "death.datetime" }, { 0 }, { 0 }, required_each },
	{ "REQUIRED_MISSING", "error", SO_BOOKS_PARENTAGE, SO_RULE_RECORD, 0, 0,
	  { "parent.full_name", "child.full_name", "relationship" }, { 0 }, { 0 }, required_each },
	{ "REQUIRED_MISSING", "error", SO_BOOKS_BIRTH, SO_RULE_RECORD, 0, 0,
	  { "mother.full_name", "father.full_name" }, { 0 },
	  { "Thiếu họ tên của cả người mẹ và người cha" }, required_any },
	/* every cell of the layout */
	{ "UNREADABLE", "error", SO_BOOKS_ALL, SO_RULE_RECORD, 0, 0, { 0 }, { 0 }, { 0 },
	  cell_unread },
	/* every field of a handwritten cell until a person keys it; the machine's reading of it
	 * is set aside by every other rule (see so_rules_record) */
	{ SO_HANDWRITTEN, "error", SO_BOOKS_ALL, SO_RULE_RECORD, 0, 0, { 0 }, { 0 }, { 0 },
	  handwritten },

	/* field by field */
	{ "LOW_CONFIDENCE", "error", SO_BOOKS_ALL, SO_RULE_FIELD, ALL_KINDS, 1, { 0 }, { 0 }, { 0 },
	  low_confidence },
	{ "DATE_INVALID", "error", SO_BOOKS_ALL, SO_RULE_FIELD, DATES, 0, { 0 }, { 0 },
	  { "không phải là một ngày có thật" }, no_value },
	{ "DATE_IN_FUTURE", "error", SO_BOOKS_ALL, SO_RULE_FIELD, DATES, 0, { 0 }, { 0 }, { 0 },
	  date_in_future },
	/* a registration number read with a letter among its digits ("ó4/2020"): not a number */
	{ "UNREADABLE", "error", SO_BOOKS_ALL, SO_RULE_FIELD, SO_KIND_BIT(SO_KIND_NUMBER), 0,
	  { 0 }, { 0 }, { "không đọc được thành số" }, no_value },
	{ "SEX_VALUE", "error", SO_BOOKS_ALL, SO_RULE_FIELD, SO_KIND_BIT(SO_KIND_SEX), 0, { 0 },
	  { 0 }, { "phải là “Nam” hoặc “Nữ”" }, no_value },
	{ "ETHNICITY_UNKNOWN", "error", SO_BOOKS_ALL, SO_RULE_FIELD,
	  SO_KIND_BIT(SO_KIND_ETHNICITY), 0, { 0 }, { 0 }, { "không có trong danh mục 54 dân tộc" },
	  no_value },
	{ "NATIONALITY_UNKNOWN", "error", SO_BOOKS_ALL, SO_RULE_FIELD,
	  SO_KIND_BIT(SO_KIND_NATIONALITY), 0, { 0 }, { 0 },
	  { "không phải là một quốc gia đã biết" }, no_value },
	{ "PLACE_UNMATCHED", "warning", SO_BOOKS_ALL, SO_RULE_FIELD, SO_KIND_BIT(SO_KIND_PLACE), 0,
	  { 0 }, { 0 }, { "không khớp chắc chắn với đơn vị hành chính nào" }, place_unsure },
	{ "PLACE_MISMATCH", "error", SO_BOOKS_ALL, SO_RULE_FIELD, SO_KIND_BIT(SO_KIND_PLACE), 0,
	  { 0 }, { 0 }, { "giá trị giữ nguyên như sổ ghi; hãy đối chiếu với sổ" },
	  place_contradicted },
	{ "NAME_CHARS", "error", SO_BOOKS_ALL, SO_RULE_FIELD, SO_KIND_BIT(SO_KIND_NAME), 0, { 0 },
	  { 0 }, { 0 }, name_chars },
	{ "ID_FORMAT", "error", SO_BOOKS_ALL, SO_RULE_FIELD, SO_KIND_BIT(SO_KIND_ID_NUMBER), 0,
	  { 0 }, { 0 }, { 0 }, id_number_format },
	{ "ID_MISMATCH", "error", SO_BOOKS_ALL, SO_RULE_FIELD, SO_KIND_BIT(SO_KIND_ID_NUMBER), 0,
	  { 0 }, { 0 }, { 0 }, id_number_owner },
	{ "ID_FORMAT", "error", SO_BOOKS_ALL, SO_RULE_FIELD, SO_KIND_BIT(SO_KIND_ID_DOCUMENT), 0,
	  { 0 }, { 0 }, { 0 }, id_document_format },
	{ "ID_MISMATCH", "error", SO_BOOKS_ALL, SO_RULE_FIELD, SO_KIND_BIT(SO_KIND_ID_DOCUMENT), 0,
	  { 0 }, { 0 }, { 0 }, id_document_owner },

	/* dates against each other: births before the registration, in every book */
	{ "REGISTRATION_YEAR", "error", SO_BOOKS_ALL, SO_RULE_RECORD, 0, 0, { "registration_date" },
	  { 0 }, { 0 }, registration_year },
	{ "DATE_ORDER", "error", SO_BOOKS_ALL, SO_RULE_RECORD, 0, 0,
	  { "child.birth_date", "registration_date" }, { 0 }, { " ở sau ngày đăng ký" },
	  date_not_after },
	{ "DATE_ORDER", "error", SO_BOOKS_ALL, SO_RULE_RECORD, 0, 0,
	  { "husband.birth_date", "registration_date" }, { 0 }, { " ở sau ngày đăng ký" },
	  date_not_after },
	{ "DATE_ORDER", "error", SO_BOOKS_ALL, SO_RULE_RECORD, 0, 0,
	  { "wife.birth_date", "registration_date" }, { 0 }, { " ở sau ngày đăng ký" },
	  date_not_after },
	{ "DATE_ORDER", "error", SO_BOOKS_ALL, SO_RULE_RECORD, 0, 0,
	  { "deceased.birth_date", "registration_date" }, { 0 }, { " ở sau ngày đăng ký" },
	  date_not_after },
	{ "DATE_ORDER", "error", SO_BOOKS_ALL, SO_RULE_RECORD, 0, 0,
	  { "mother.birth_date", "registration_date" }, { 0 }, { " ở sau ngày đăng ký" },
	  date_not_after },
	{ "DATE_ORDER", "error", SO_BOOKS_ALL, SO_RULE_RECORD, 0, 0,
	  { "father.birth_date", "registration_date" }, { 0 }, { " ở sau ngày đăng ký" },
	  date_not_after },
	{ "DATE_ORDER", "error", SO_BOOKS_ALL, SO_RULE_RECORD, 0, 0,
	  { "parent.birth_date", "registration_date" }, { 0 }, { " ở sau ngày đăng ký" },
	  date_not_after },
	/* a death: born, died, notified, registered */
	{ "DATE_ORDER", "error", SO_BOOKS_DEATH, SO_RULE_RECORD, 0, 0,
	  { "death.datetime", "deceased.birth_date" }, { 0 }, { "Ngày chết ở trước ngày sinh" },
	  date_not_before },
	{ "DATE_ORDER", "error", SO_BOOKS_DEATH, SO_RULE_RECORD, 0, 0,
	  { "death_notice.date", "death.datetime" }, { 0 },
	  { "Giấy báo tử được cấp trước ngày chết" }, date_not_before },
	{ "DATE_ORDER", "error", SO_BOOKS_DEATH, SO_RULE_RECORD, 0, 0,
	  { "registration_date", "death.datetime" }, { 0 },
	  { "Ngày đăng ký khai tử ở trước ngày chết" }, date_not_before },
	/* the law's limits */
	{ "LATE_REGISTRATION", "warning", SO_BOOKS_DEATH, SO_RULE_RECORD, 0, 0,
	  { "registration_date", "death.datetime" }, { SO_LIMIT_DEATH_REGISTRATION },
	  { "khai tử", "ngày chết" }, registered_late },
	{ "LATE_REGISTRATION", "warning", SO_BOOKS_BIRTH, SO_RULE_RECORD, 0, 0,
	  { "registration_date", "child.birth_date" }, { SO_LIMIT_BIRTH_REGISTRATION },
	  { "khai sinh", "ngày sinh" }, registered_late },
	{ "PARENT_AGE", "warning", SO_BOOKS_BIRTH, SO_RULE_RECORD, 0, 0,
	  { "mother.birth_date", "child.birth_date" },
	  { SO_LIMIT_PARENT_AGE_MIN, SO_LIMIT_PARENT_AGE_MAX }, { "Người mẹ" }, parent_age },
	{ "PARENT_AGE", "warning", SO_BOOKS_BIRTH, SO_RULE_RECORD, 0, 0,
	  { "father.birth_date", "child.birth_date" },
	  { SO_LIMIT_PARENT_AGE_MIN, SO_LIMIT_PARENT_AGE_MAX }, { "Người cha" }, parent_age },
	{ "AGE_AT_MARRIAGE", "warning", SO_BOOKS_MARRIAGE, SO_RULE_RECORD, 0, 0,
	  { "husband.birth_date", "registration_date" }, { SO_LIMIT_HUSBAND_AGE },
	  { "Người chồng" }, marriage_age },
	{ "AGE_AT_MARRIAGE", "warning", SO_BOOKS_MARRIAGE, SO_RULE_RECORD, 0, 0,
	  { "wife.birth_date", "registration_date" }, { SO_LIMIT_WIFE_AGE }, { "Người vợ" },
	  marriage_age },

	/* across the book, record by record */
	{ "SEQUENCE_DUPLICATE", "error", SO_BOOKS_ALL, SO_RULE_BOOK, 0, 0,
	  { "registration_number" }, { 0 }, { 0 }, number_twice },
	{ "SEQUENCE_GAP", "warning", SO_BOOKS_ALL, SO_RULE_BOOK, 0, 0, { "registration_number" },
	  { 0 }, { 0 }, number_gap },
	{ "DUPLICATE_ENTRY", "error", SO_BOOKS_ALL, SO_RULE_BOOK, 0, 0, { "registration_number" },
	  { 0 }, { 0 }, entry_twice },
};

/* The person and event of an entry, by book type, for finding the same entry twice. */
static const struct {
	const char *book;
	const char *fields[2];
} entry_keys[] = {
	{ "birth", { "child.full_name", "child.birth_date" } },
	{ "marriage", { "husband.full_name", "wife.full_name" } },
	{ "death", { "deceased.full_name", "death.datetime" } },
	{ "parentage", { "parent.full_name", "child.full_name" } },
};

static const struct {
	const char *type;
	unsigned bit;
} book_bits[] = {
	{ "birth", SO_BOOKS_BIRTH },
	{ "marriage", SO_BOOKS_MARRIAGE },
	{ "death", SO_BOOKS_DEATH },
	{ "parentage", SO_BOOKS_PARENTAGE },
};

/* A place matched at least this surely is the unit named. */
#define PLACE_MATCH_SURE 0.9
/* The digits of a personal id (CCCD) and of the old identity card (CMND). */
enum { CCCD_DIGITS = 12, CMND_DIGITS = 9 };

const struct so_rule *so_rules_catalogue(size_t *n)
{
	*n = SO_ARRAY_SIZE(catalogue);
	return catalogue;
}

const struct so_legal_limit *so_legal_limit(enum so_limit id)
{
	if ((unsigned)id >= SO_LIMITS || id == SO_LIMIT_NONE)
		return NULL;
	return &legal_limits[id];
}

/* 1 when RULE applies to a book of type TYPE. */
static int rule_applies(const struct so_rule *rule, const char *type)
{
	if (rule->books == SO_BOOKS_ALL)
		return 1;
	for (size_t i = 0; i < SO_ARRAY_SIZE(book_bits); i++)
		if (strcmp(book_bits[i].type, type) == 0)
			return (rule->books & book_bits[i].bit) != 0;
	return 0;
}

static size_t rule_nfields(const struct so_rule *rule)
{
	size_t n = 0;
	while (n < SO_ARRAY_SIZE(rule->fields) && rule->fields[n])
		n++;
	return n;
}

/* Flags --------------------------------------------------------------------------------------- */

void so_flag_list_release(struct so_flag_list *l)
{
	SO_FREE(l->v);
	l->n = l->cap = 0;
}

/* Appends a flag of RULE on the NFIELDS FIELDS to L. 0, or -1 (no memory). */
static int flag(struct so_flag_list *l, const struct so_rule *rule, const char *const *fields,
		size_t nfields, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int flag(struct so_flag_list *l, const struct so_rule *rule, const char *const *fields,
		size_t nfields, const char *fmt, ...)
{
	if (SO_ARRAY_GROW(l->v, l->n, l->cap) < 0)
		return -1;
	struct so_flag_spec *f = &l->v[l->n++];
	memset(f, 0, sizeof(*f));
	snprintf(f->code, sizeof(f->code), "%s", rule->code);
	f->severity = rule->severity;
	json_t *a = json_array();
	for (size_t i = 0; a && i < nfields; i++)
		json_array_append_new(a, json_string(fields[i]));
	char *js = a ? json_dumps(a, JSON_COMPACT) : NULL;
	snprintf(f->fields, sizeof(f->fields), "%s", js ? js : "[]");
	free(js);
	json_decref(a);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
	return 0;
}

/* A flag of a FIELD rule on the field judged. */
#define field_flag(rule, call, ...) flag((call)->out, (rule), &(call)->fd->name, 1, __VA_ARGS__)

/* Record helpers ------------------------------------------------------------------------------ */

static const struct so_rule_field *field(const struct so_record_view *r, const char *name)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].name, name) == 0)
			return &r->fields[i];
	return NULL;
}

static int not_applicable(const char *s);

/* The reading of a field, NULL when empty or "not applicable". */
static const char *raw_of(const struct so_record_view *r, const char *name)
{
	const struct so_rule_field *f = field(r, name);
	return f && f->raw && *f->raw && !not_applicable(f->raw) ? f->raw : NULL;
}

/* A date in a record, canonical: yyyymmdd with the parts not written as 0, and the number
 * of days since year 0 (for full dates). */
struct when {
	int y, m, d;
	long days;
	int set;
};

static long civil_days(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe;
}

static struct when when_of(const struct so_record_view *r, const char *name)
{
	struct when w = { 0 };
	const char *raw = raw_of(r, name);
	if (!raw)
		return w;
	struct so_date d;
	int ok = strcmp(name, "death.datetime") == 0 ? so_datetime_parse(raw, &d)
						       : so_date_parse(raw, &d);
	if (!ok || !d.valid)
		return w;
	w.y = d.year;
	w.m = d.month;
	w.d = d.day;
	w.set = 1;
	if (d.month && d.day)
		w.days = civil_days(d.year, d.month, d.day);
	return w;
}

/* -1, 0, 1 comparing two dates on what both have written; 0 when either is unknown. */
static int when_cmp(struct when a, struct when b)
{
	if (!a.set || !b.set)
		return 0;
	if (a.y != b.y)
		return a.y < b.y ? -1 : 1;
	if (!a.m || !b.m || a.m == b.m) {
		if (!a.m || !b.m || !a.d || !b.d || a.d == b.d)
			return 0;
		return a.d < b.d ? -1 : 1;
	}
	return a.m < b.m ? -1 : 1;
}

#define AGE_UNKNOWN (-1000)

/* Whole years from A to B (on what is written), or AGE_UNKNOWN. */
static int years_between(struct when a, struct when b)
{
	if (!a.set || !b.set)
		return AGE_UNKNOWN;
	int years = b.y - a.y;
	if (a.m && b.m && (b.m < a.m || (b.m == a.m && a.d && b.d && b.d < a.d)))
		years--;
	return years;
}

void so_field_label(const struct so_layout *l, const char *name, int plain, char *buf,
		    size_t size)
{
	static const struct { const char *sub, *label; } subs[] = {
		{ "full_name", "họ tên" }, { "birth_date", "ngày sinh" }, { "ethnicity", "dân tộc" },
		{ "nationality", "quốc tịch" }, { "residence", "nơi cư trú" },
		{ "id_document", "giấy tờ tùy thân" }, { "relationship", "quan hệ" },
		{ "number", "số" }, { "date", "ngày cấp" }, { "issuer", "nơi cấp" },
	};
	for (size_t c = 0; c < l->ncolumns; c++) {
		const struct so_column *col = &l->columns[c];
		if (col->kind == SO_COLUMN_FIELD && strcmp(col->field, name) == 0) {
			if (plain)
				snprintf(buf, size, "%s", col->title);
			else
				snprintf(buf, size, "“%s” (cột %d)", col->title, col->index);
			return;
		}
		size_t pl = col->prefix ? strlen(col->prefix) : 0;
		if (col->kind == SO_COLUMN_COMPOSITE && strncmp(name, col->prefix, pl) == 0 &&
		    name[pl] == '.') {
			for (size_t i = 0; i < SO_ARRAY_SIZE(subs); i++)
				if (strcmp(name + pl + 1, subs[i].sub) == 0) {
					if (plain)
						snprintf(buf, size, "%s — %s", col->title,
							 subs[i].label);
					else
						snprintf(buf, size, "%s của “%s” (cột %d)",
							 subs[i].label, col->title, col->index);
					return;
				}
		}
	}
	snprintf(buf, size, "%s", name);
}

static void label(const struct so_layout *l, const char *name, char *buf, size_t size)
{
	so_field_label(l, name, 0, buf, size);
}

static long registration_ymd(const struct so_record_view *r)
{
	struct when w = when_of(r, "registration_date");
	return w.set ? w.y * 10000L + w.m * 100L + w.d : 0;
}

/* Text that holds no letter or digit is nothing usable. */
static int usable(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (isalnum(*p) || *p >= 0x80)
			return 1;
	return 0;
}

/* A dash or a cross written for "not applicable". */
static int not_applicable(const char *s)
{
	int ink = 0;
	for (const char *p = s; *p; p++)
		ink |= *p != ' ' && *p != '\n' && *p != '\t';
	char *clean = so_text_clean(s, strlen(s));
	int na = ink && !clean;
	free(clean);
	return na;
}

/* The sex and birth of the person an identity number belongs to. */
static void owner_of(const struct so_record_view *r, const char *field_name, const char **sex,
		     struct when *birth)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "%s", field_name);
	char *dot = strchr(prefix, '.');
	if (dot)
		*dot = 0;
	*sex = NULL;
	char name[96];
	snprintf(name, sizeof(name), "%s.sex", prefix);
	const char *raw = raw_of(r, name);
	struct so_canon c;
	if (raw && so_normalize(SO_KIND_SEX, raw, NULL, &c) == 0) {
		*sex = c.value && strcmp(c.value, "male") == 0 ? "male"
		     : c.value && strcmp(c.value, "female") == 0 ? "female" : NULL;
		so_canon_release(&c);
	}
	if (!*sex) {
		if (strcmp(prefix, "mother") == 0 || strcmp(prefix, "wife") == 0)
			*sex = "female";
		else if (strcmp(prefix, "father") == 0 || strcmp(prefix, "husband") == 0)
			*sex = "male";
		else if (strcmp(prefix, "parent") == 0 && raw_of(r, "relationship") &&
			 so_normalize(SO_KIND_RELATIONSHIP, raw_of(r, "relationship"), NULL, &c) == 0) {
			*sex = c.value && strcmp(c.value, "father") == 0 ? "male"
			     : c.value && strcmp(c.value, "mother") == 0 ? "female" : NULL;
			so_canon_release(&c);
		}
	}
	snprintf(name, sizeof(name), "%s.birth_date", prefix);
	*birth = when_of(r, name);
}

static int province_code_known(const char *three)
{
	/* schemas/ref/cccd-provinces.csv: "code,province" lines after a header */
	const struct so_embedded *e = so_embedded_find("ref/cccd-provinces.csv");
	if (!e)
		return 1; /* cannot judge */
	const char *p = (const char *)e->data;
	while ((p = strchr(p, '\n'))) {
		p++;
		if (strncmp(p, three, 3) == 0 && p[3] == ',')
			return 1;
	}
	return 0;
}

static int nationality_not_vn(const struct so_record_view *r, const char *name_field)
{
	char prefix[64], nat[96];
	snprintf(prefix, sizeof(prefix), "%s", name_field);
	char *dot = strchr(prefix, '.');
	if (!dot)
		return 0;
	*dot = 0;
	snprintf(nat, sizeof(nat), "%s.nationality", prefix);
	const char *raw = raw_of(r, nat);
	if (!raw)
		return 0;
	struct so_canon c;
	int foreign = 0;
	if (so_normalize(SO_KIND_NATIONALITY, raw, NULL, &c) == 0) {
		foreign = c.value && strcmp(c.value, "VN") != 0;
		so_canon_release(&c);
	}
	return foreign;
}

/* Rules within a record ------------------------------------------------------------------------ */

/*
 * LAYOUT_UNCERTAIN: the record's page has a grid with the layout's columns, but its index row
 * does not read (1) ... (n) or its header row reads unlike the layout's titles, and no
 * archivist confirmed the page yet. The flag is on the record as a whole (no field): an
 * archivist looks at the page once, and confirming one record's flag confirms the page.
 */
static int layout_uncertain(const struct so_rule *rule, const struct so_rule_call *call)
{
	const struct so_layout_doubt *d = call->r->layout_doubt;
	if (!d || (!d->index_poor && !d->header_poor))
		return 0;
	char why[384] = "";
	if (d->index_poor && !d->index_cells)
		snprintf(why, sizeof(why), "không có hàng số thứ tự cột (1) … (%zu)",
			 call->r->layout->ncolumns);
	else if (d->index_poor)
		snprintf(why, sizeof(why), "hàng số thứ tự cột chỉ đọc được %d trong %d ô là "
			 "(1) … (%d)", d->index_read, d->index_cells, d->index_cells);
	if (d->header_poor) {
		size_t n = strlen(why);
		snprintf(why + n, sizeof(why) - n, "%stiêu đề cột chỉ khớp %.0f%% chữ của mẫu sổ",
			 n ? ", " : "", d->header * 100);
	}
	return flag(call->out, rule, NULL, 0,
		    "Trang này có đủ %zu cột của mẫu sổ nhưng %s: hãy xem ảnh trang, nếu các cột "
		    "đúng thứ tự như mẫu sổ thì xác nhận (xác nhận một lần cho cả trang)",
		    call->r->layout->ncolumns, why);
}

/* 1 when field NAME of the record is in a handwritten cell and no person keyed it yet: its
 * reading is set aside, HANDWRITTEN says what is to be done. */
static int awaits_keying(const struct so_record_view *r, const char *name)
{
	const struct so_rule_field *f = field(r, name);
	return f && f->hand && !f->keyed;
}

/* REQUIRED_MISSING: one flag for each field of the row that is empty. */
static int required_each(const struct so_rule *rule, const struct so_rule_call *call)
{
	char lab[256];
	for (size_t k = 0; k < rule_nfields(rule); k++) {
		if (raw_of(call->r, rule->fields[k]) || awaits_keying(call->r, rule->fields[k]))
			continue;
		label(call->r->layout, rule->fields[k], lab, sizeof(lab));
		if (flag(call->out, rule, &rule->fields[k], 1, "Thiếu thông tin bắt buộc: %s", lab) < 0)
			return -1;
	}
	return 0;
}

/* REQUIRED_MISSING: one flag on all the fields of the row when every one is empty; WORDS[0]
 * is its message. */
static int required_any(const struct so_rule *rule, const struct so_rule_call *call)
{
	size_t n = rule_nfields(rule);
	for (size_t k = 0; k < n; k++)
		if (raw_of(call->r, rule->fields[k]) || awaits_keying(call->r, rule->fields[k]))
			return 0;
	return flag(call->out, rule, rule->fields, n, "%s", rule->words[0]);
}

/* UNREADABLE: each cell of the layout with ink (SO_WRITTEN_MARKS) in which no field has a usable
 * reading; the flag names every field of the cell. */
static int cell_unread(const struct so_rule *rule, const struct so_rule_call *call)
{
	const struct so_record_view *r = call->r;
	const struct so_layout *l = r->layout;
	char lab[256];
	char subnames[32][160];
	for (size_t c = 0; c < l->ncolumns; c++) {
		const struct so_column *col = &l->columns[c];
		const char *names[32];
		size_t n = 0;
		int empty = 1, marks = 0;
		if (col->kind == SO_COLUMN_FIELD) {
			names[n++] = col->field;
		} else {
			for (size_t k = 0; k < col->nsubfields && n < 32; k++) {
				snprintf(subnames[n], sizeof(subnames[n]), "%s.%s", col->prefix,
					 col->subfields[k]);
				names[n] = subnames[n];
				n++;
			}
		}
		for (size_t k = 0; k < n; k++) {
			const struct so_rule_field *f = field(r, names[k]);
			if (f && f->marks > marks)
				marks = f->marks;
			/* a dash or a cross is a reading too: "not applicable" */
			if (f && f->raw && *f->raw && (usable(f->raw) || not_applicable(f->raw)))
				empty = 0;
		}
		if (!empty || marks < SO_WRITTEN_MARKS)
			continue;
		snprintf(lab, sizeof(lab), "“%s” (cột %d)", col->title, col->index);
		if (flag(call->out, rule, names, n,
			 "Ô %s có chữ nhưng máy không đọc được (chữ viết tay, mờ hoặc bị hỏng): "
			 "cần đọc từ ảnh", lab) < 0)
			return -1;
	}
	return 0;
}

/*
 * HANDWRITTEN: each field of a cell the ocr stage found handwritten (read/handwriting.h) that
 * no person has keyed, one flag a field: tesseract does not read handwriting, so its value is
 * keyed from the image (SPEC.md, "Handwritten entries"). A keyed field (source 'archivist')
 * stands on the person's value and is judged by the other rules like any other.
 */
static int handwritten(const struct so_rule *rule, const struct so_rule_call *call)
{
	const struct so_record_view *r = call->r;
	char lab[256];
	for (size_t i = 0; i < r->nfields; i++) {
		const struct so_rule_field *f = &r->fields[i];
		if (!f->hand || f->keyed)
			continue;
		label(r->layout, f->name, lab, sizeof(lab));
		if (flag(call->out, rule, &f->name, 1,
			 "%s là chữ viết tay: máy không đọc chữ viết tay, cần người nhập giá trị "
			 "từ ảnh", lab) < 0)
			return -1;
	}
	return 0;
}

/*
 * LOW_CONFIDENCE: a reading not sure enough to stand. A dash read under its kind's threshold;
 * a registration number its neighbours leave no room for, whatever its confidence; any other
 * reading under the threshold, unless a closed list holds its value exactly or another cell
 * confirms it. Under means conf < threshold: a confidence equal to the threshold passes, and
 * an unknown one (-1) raises nothing.
 */
static int low_confidence(const struct so_rule *rule, const struct so_rule_call *call)
{
	const struct so_rule_field *fd = call->fd;
	const struct so_record_view *r = call->r;
	double th = so_confidence_threshold(call->kind);
	if (call->dash) {
		/* "not applicable" is a value too: a dash the recognizer doubts may be a word it
		 * could not read */
		if (!call->confirmed && fd->conf >= 0 && fd->conf < th)
			return field_flag(rule, call,
					  "%s đọc như gạch ngang (không áp dụng) nhưng máy không "
					  "chắc chắn (độ tin cậy %.0f%%): hãy đối chiếu với ảnh",
					  call->label, fd->conf * 100);
		return 0;
	}
	if (r->number_expected > 0 && strcmp(fd->name, "registration_number") == 0)
		return field_flag(rule, call,
				  "Máy đọc %s là “%s”, nhưng mục trước và mục sau mang số %ld và %ld: "
				  "có thể là số %ld, hãy đối chiếu với ảnh", call->label, fd->raw,
				  r->number_expected - 1, r->number_expected + 1, r->number_expected);
	/* a value found exactly in a closed list stands on the list, not on the confidence */
	if (!call->canon->verified && !call->confirmed && fd->conf >= 0 && fd->conf < th)
		return field_flag(rule, call,
				  "Máy đọc %s không chắc chắn (độ tin cậy %.0f%%, cần %.0f%%): hãy đối "
				  "chiếu với ảnh", call->label, fd->conf * 100, th * 100);
	return 0;
}

/* The field has no canonical value (not a date, not a sex, not in its list): "LABEL WORDS[0]:
 * “reading”". */
static int no_value(const struct so_rule *rule, const struct so_rule_call *call)
{
	if (call->canon->value)
		return 0;
	return field_flag(rule, call, "%s %s: “%s”", call->label, rule->words[0], call->fd->raw);
}

/* DATE_IN_FUTURE: a date after the scan of the book (the parts not written taken as 1). */
static int date_in_future(const struct so_rule *rule, const struct so_rule_call *call)
{
	const struct so_record_view *r = call->r;
	if (!call->canon->value || !r->scan_date)
		return 0;
	struct when w = when_of(r, call->fd->name);
	long ymd = w.set ? w.y * 10000L + (w.m ? w.m : 1) * 100L + (w.d ? w.d : 1) : 0;
	if (ymd <= r->scan_date)
		return 0;
	return field_flag(rule, call, "%s (%s) ở sau ngày quét sổ", call->label, call->fd->raw);
}

/* PLACE_UNMATCHED: no unit matched, or not surely: "LABEL WORDS[0]: “reading”". */
static int place_unsure(const struct so_rule *rule, const struct so_rule_call *call)
{
	const struct so_canon *c = call->canon;
	if (!c->value || c->match < PLACE_MATCH_SURE)
		return field_flag(rule, call, "%s %s: “%s”", call->label, rule->words[0],
				  call->fd->raw);
	return 0;
}

/* PLACE_MISMATCH: the written units contradict a reference table (normalize keeps the
 * written text, without a code): "LABEL: “reading” — why; WORDS[0]". */
static int place_contradicted(const struct so_rule *rule, const struct so_rule_call *call)
{
	const struct so_canon *c = call->canon;
	if (!c->mismatch)
		return 0;
	return field_flag(rule, call, "%s: “%s” — %s; %s", call->label, call->fd->raw,
			  c->mismatch, rule->words[0]);
}

/* NAME_CHARS: digits or symbols in a name, or (for a Vietnamese) a word that is no syllable:
 * a flag for each such word. */
static int name_chars(const struct so_rule *rule, const struct so_rule_call *call)
{
	const char *raw = call->fd->raw;
	for (const unsigned char *p = (const unsigned char *)raw; *p; p++) {
		if (isdigit(*p) || (*p < 0x80 && !isalpha(*p) && *p != ' ' && *p != '-' &&
				    *p != '\'' && *p != '\n'))
			return field_flag(rule, call, "%s có chữ số hoặc ký hiệu: %s", call->label,
					  raw);
	}
	if (nationality_not_vn(call->r, call->fd->name))
		return 0; /* a foreign name need not be Vietnamese syllables */
	char *copy = so_strdup(raw), *save = NULL;
	if (!copy)
		return -1;
	int r2 = 0;
	for (char *w = strtok_r(copy, " \n-", &save); w && r2 == 0; w = strtok_r(NULL, " \n-", &save))
		if (!so_is_syllable(w))
			r2 = field_flag(rule, call, "%s có tiếng “%s” không phải tiếng Việt: %s",
					call->label, w, raw);
	free(copy);
	return r2;
}

/* ID_MISMATCH: the CCCD DIGITS (12) of the field judged against its owner: the province code,
 * the sex and century of digit 4, the year of digits 5-6. */
static int cccd_check(const struct so_rule *rule, const struct so_rule_call *call,
		      const char *digits)
{
	const char *sex;
	struct when birth;
	owner_of(call->r, call->fd->name, &sex, &birth);
	const char *lab = call->label;
	if (!province_code_known(digits))
		return field_flag(rule, call, "Số CCCD %s ở %s có mã tỉnh %.3s không có trong danh mục",
				  digits, lab, digits);
	int g = digits[3] - '0';
	int yy = (digits[4] - '0') * 10 + (digits[5] - '0');
	if (g > 5)
		return field_flag(rule, call, "Số CCCD %s ở %s có chữ số thứ 4 (%d) không hợp lệ",
				  digits, lab, g);
	const char *id_sex = g % 2 ? "female" : "male";
	int century = 1900 + (g / 2) * 100;
	if (sex && strcmp(sex, id_sex) != 0)
		return field_flag(rule, call, "Số CCCD %s ở %s ghi giới tính %s, nhưng người này là %s",
				  digits, lab, strcmp(id_sex, "male") == 0 ? "nam" : "nữ",
				  strcmp(sex, "male") == 0 ? "nam" : "nữ");
	if (birth.set && (birth.y / 100) * 100 == century && birth.y % 100 != yy)
		return field_flag(rule, call, "Số CCCD %s ở %s ghi năm sinh %d%02d, nhưng năm sinh là %d",
				  digits, lab, century / 100, yy, birth.y);
	if (birth.set && (birth.y / 100) * 100 != century)
		return field_flag(rule, call, "Số CCCD %s ở %s ghi thế kỷ sinh %d, nhưng năm sinh là %d",
				  digits, lab, century / 100 + 1, birth.y);
	return 0;
}

/* ID_FORMAT of a personal id: not 12 digits. */
static int id_number_format(const struct so_rule *rule, const struct so_rule_call *call)
{
	const char *v = call->canon->value;
	if (v && strlen(v) == CCCD_DIGITS)
		return 0;
	return field_flag(rule, call, "%s phải có %d chữ số: “%s”", call->label, CCCD_DIGITS,
			  call->fd->raw);
}

/* ID_MISMATCH of a personal id of 12 digits. */
static int id_number_owner(const struct so_rule *rule, const struct so_rule_call *call)
{
	const char *v = call->canon->value;
	return v && strlen(v) == CCCD_DIGITS ? cccd_check(rule, call, v) : 0;
}

/* ID_FORMAT of a document ("CCCD 0791…", "CMND 0251…"): no type and number read, or a CCCD
 * not of 12 digits, or a CMND not of 9. */
static int id_document_format(const struct so_rule *rule, const struct so_rule_call *call)
{
	const char *v = call->canon->value, *lab = call->label, *raw = call->fd->raw;
	if (!v)
		return field_flag(rule, call, "%s không đọc được loại và số giấy tờ: “%s”", lab, raw);
	if (strncmp(v, "CCCD ", 5) == 0 && strlen(v + 5) != CCCD_DIGITS)
		return field_flag(rule, call, "Số CCCD ở %s phải có %d chữ số: “%s”", lab,
				  CCCD_DIGITS, raw);
	if (strncmp(v, "CMND ", 5) == 0 && strlen(v + 5) != CMND_DIGITS)
		return field_flag(rule, call, "Số CMND ở %s phải có %d chữ số: “%s”", lab,
				  CMND_DIGITS, raw);
	return 0;
}

/* ID_MISMATCH of a document that is a CCCD of 12 digits. */
static int id_document_owner(const struct so_rule *rule, const struct so_rule_call *call)
{
	const char *v = call->canon->value;
	if (v && strncmp(v, "CCCD ", 5) == 0 && strlen(v + 5) == CCCD_DIGITS)
		return cccd_check(rule, call, v + 5);
	return 0;
}

/* REGISTRATION_YEAR: the registration date (FIELDS[0]) in another year than the book's. */
static int registration_year(const struct so_rule *rule, const struct so_rule_call *call)
{
	const struct so_record_view *r = call->r;
	struct when regd = when_of(r, rule->fields[0]);
	if (!regd.set || !r->book_year || regd.y == r->book_year)
		return 0;
	return flag(call->out, rule, rule->fields, 1, "Ngày đăng ký %s không thuộc năm của sổ (%d)",
		    raw_of(r, rule->fields[0]), r->book_year);
}

/* DATE_ORDER: FIELDS[0] after FIELDS[1] (on what both have written): "LABEL0WORDS[0]". */
static int date_not_after(const struct so_rule *rule, const struct so_rule_call *call)
{
	const struct so_record_view *r = call->r;
	if (when_cmp(when_of(r, rule->fields[0]), when_of(r, rule->fields[1])) <= 0)
		return 0;
	char lab[256];
	label(r->layout, rule->fields[0], lab, sizeof(lab));
	return flag(call->out, rule, rule->fields, 2, "%s%s", lab, rule->words[0]);
}

/* DATE_ORDER: FIELDS[0] before FIELDS[1]: WORDS[0]. */
static int date_not_before(const struct so_rule *rule, const struct so_rule_call *call)
{
	const struct so_record_view *r = call->r;
	if (when_cmp(when_of(r, rule->fields[0]), when_of(r, rule->fields[1])) >= 0)
		return 0;
	return flag(call->out, rule, rule->fields, 2, "%s", rule->words[0]);
}

/* LATE_REGISTRATION: the registration (FIELDS[0]) more days after the event (FIELDS[1]) than
 * LIMITS[0] allows; WORDS: the registration ("khai sinh") and the event's day ("ngày sinh"). */
static int registered_late(const struct so_rule *rule, const struct so_rule_call *call)
{
	const struct so_record_view *r = call->r;
	const struct so_legal_limit *lim = so_legal_limit(rule->limits[0]);
	struct when reg = when_of(r, rule->fields[0]), event = when_of(r, rule->fields[1]);
	if (!reg.days || !event.days || reg.days - event.days <= lim->limit)
		return 0;
	return flag(call->out, rule, rule->fields, 2,
		    "Đăng ký %s muộn: %ld ngày sau %s (hạn %d ngày)", rule->words[0],
		    reg.days - event.days, rule->words[1], lim->limit);
}

/* PARENT_AGE: the parent born on FIELDS[0] younger than LIMITS[0] or older than LIMITS[1] at
 * the birth (FIELDS[1]); WORDS[0] names the parent. */
static int parent_age(const struct so_rule *rule, const struct so_rule_call *call)
{
	const struct so_record_view *r = call->r;
	int min = so_legal_limit(rule->limits[0])->limit;
	int max = so_legal_limit(rule->limits[1])->limit;
	int age = years_between(when_of(r, rule->fields[0]), when_of(r, rule->fields[1]));
	if (age == AGE_UNKNOWN || (age >= min && age <= max))
		return 0;
	return flag(call->out, rule, rule->fields, 2, "%s %d tuổi khi sinh con", rule->words[0],
		    age);
}

/* AGE_AT_MARRIAGE: the spouse born on FIELDS[0] younger than LIMITS[0] at the registration
 * (FIELDS[1]); WORDS[0] names the spouse. */
static int marriage_age(const struct so_rule *rule, const struct so_rule_call *call)
{
	const struct so_record_view *r = call->r;
	int min = so_legal_limit(rule->limits[0])->limit;
	int age = years_between(when_of(r, rule->fields[0]), when_of(r, rule->fields[1]));
	if (age == AGE_UNKNOWN || age >= min)
		return 0;
	return flag(call->out, rule, rule->fields, 2,
		    "%s mới %d tuổi khi đăng ký kết hôn (tối thiểu %d)", rule->words[0], age, min);
}

/*
 * Fields read twice: the same person's name, document or address is often written in two
 * cells of an entry (the mother who declared the birth, the parents' shared residence). Two
 * readings of different cells that give the same canonical value confirm each other, whatever
 * the recognizer's confidence in either. CONFIRMED[i] is set for such fields.
 */
static int confirm_pairs(const struct so_record_view *r, const struct so_norm_ctx *ctx,
			 int *confirmed)
{
	char **values = so_calloc(r->nfields ? r->nfields : 1, sizeof(char *));
	enum so_kind *kinds = so_calloc(r->nfields ? r->nfields : 1, sizeof(*kinds));
	if (!values || !kinds) {
		free(values);
		free(kinds);
		return -1;
	}
	for (size_t i = 0; i < r->nfields; i++) {
		const struct so_rule_field *f = &r->fields[i];
		kinds[i] = so_field_kind(r->layout, f->name);
		if (!f->raw || kinds[i] == SO_KIND_NONE || not_applicable(f->raw))
			continue;
		struct so_canon c;
		if (so_normalize(kinds[i], f->raw, ctx, &c) == 0) {
			/* short values (a sex, a number) say too little to confirm anything, and
			 * an unsure place match is no value to confirm */
			if (c.value && !c.problem && strlen(c.value) >= 8) {
				values[i] = c.value;
				c.value = NULL;
			}
			so_canon_release(&c);
		}
	}
	for (size_t i = 0; i < r->nfields; i++)
		for (size_t j = i + 1; values[i] && j < r->nfields; j++)
			if (values[j] && kinds[i] == kinds[j] &&
			    strcmp(values[i], values[j]) == 0)
				confirmed[i] = confirmed[j] = 1;
	for (size_t i = 0; i < r->nfields; i++)
		free(values[i]);
	free(values);
	free(kinds);
	return 0;
}

/* Runs the consecutive FIELD rules RULES[0..NRULES) field by field over the read fields of R,
 * in its order: each field's kind, label and canonical value found once, then every rule of
 * its kind. 0, or -1 (no memory). */
static int fields_judge(const struct so_record_view *r, const struct so_norm_ctx *norm,
			const int *confirmed, const struct so_rule *rules, size_t nrules,
			struct so_flag_list *out)
{
	char lab[256];
	for (size_t i = 0; i < r->nfields; i++) {
		const struct so_rule_field *fd = &r->fields[i];
		if (!fd->raw || !*fd->raw)
			continue;
		enum so_kind kind = so_field_kind(r->layout, fd->name);
		if (kind == SO_KIND_NONE)
			continue;
		label(r->layout, fd->name, lab, sizeof(lab));
		struct so_canon c = { 0 };
		struct so_rule_call call = {
			.r = r, .out = out, .fd = fd, .kind = kind, .label = lab,
			.dash = not_applicable(fd->raw), .confirmed = confirmed[i], .canon = &c,
		};
		if (!call.dash && so_normalize(kind, fd->raw, norm, &c) < 0)
			return -1;
		int rc = 0;
		for (size_t k = 0; rc == 0 && k < nrules; k++) {
			const struct so_rule *rule = &rules[k];
			if (!(rule->kinds & SO_KIND_BIT(kind)) || (call.dash && !rule->dash) ||
			    !rule_applies(rule, r->layout->book_type))
				continue;
			rc = rule->check(rule, &call);
		}
		so_canon_release(&c);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/*
 * The record as the rules judge it: the fields of handwritten cells that no person keyed have
 * no reading (the recognizer's reading of handwriting is noise: LOW_CONFIDENCE, UNREADABLE,
 * spelling and value flags on it would only hide HANDWRITTEN, which says what is to be done),
 * their marks gone. *M shares R's strings; its fields are in *FIELDS (caller frees). 0 or -1.
 */
static int set_aside_handwriting(const struct so_record_view *r, struct so_record_view *m,
				 struct so_rule_field **fields)
{
	*m = *r;
	*fields = so_calloc(r->nfields ? r->nfields : 1, sizeof(**fields));
	if (!*fields)
		return -1;
	for (size_t i = 0; i < r->nfields; i++) {
		(*fields)[i] = r->fields[i];
		if (r->fields[i].hand && !r->fields[i].keyed) {
			(*fields)[i].raw = NULL;
			(*fields)[i].conf = -1;
			(*fields)[i].marks = 0;
		}
	}
	m->fields = *fields;
	return 0;
}

int so_rules_record(const struct so_record_view *whole, struct so_flag_list *out)
{
	struct so_record_view masked;
	struct so_rule_field *fields = NULL;
	if (set_aside_handwriting(whole, &masked, &fields) < 0)
		return -1;
	const struct so_record_view *r = &masked;
	struct so_norm_ctx norm = { registration_ymd(r) };
	int result = -1;
	int *confirmed = so_calloc(r->nfields ? r->nfields : 1, sizeof(int));
	if (!confirmed || confirm_pairs(r, &norm, confirmed) < 0)
		goto done;
	/* the register's sequence confirms a registration number that follows a neighbour's */
	for (size_t i = 0; r->number_in_sequence && i < r->nfields; i++)
		if (strcmp(r->fields[i].name, "registration_number") == 0)
			confirmed[i] = 1;
	struct so_rule_call call = { .r = r, .out = out };
	for (size_t k = 0; k < SO_ARRAY_SIZE(catalogue);) {
		const struct so_rule *rule = &catalogue[k];
		if (rule->scope == SO_RULE_FIELD) {
			size_t end = k;
			while (end < SO_ARRAY_SIZE(catalogue) && catalogue[end].scope == SO_RULE_FIELD)
				end++;
			if (fields_judge(r, &norm, confirmed, rule, end - k, out) < 0)
				goto done;
			k = end;
			continue;
		}
		if (rule->scope == SO_RULE_RECORD && rule_applies(rule, r->layout->book_type) &&
		    rule->check(rule, &call) < 0)
			goto done;
		k++;
	}
	result = 0;
done:
	free(confirmed);
	free(fields);
	return result;
}

/* Rules across a book ---------------------------------------------------------------------- */

/* What the book rules know of the records of a book, found once. */
struct book {
	char **numbers;         /* canonical registration numbers, NULL when not read */
	char **keys;            /* so_entry_key, NULL when its fields are missing */
	int *repeated;          /* its number is an earlier record's too */
	long *before;           /* the last number before it that repeats none, -1 when none */
};

/* SEQUENCE_DUPLICATE: the number of an earlier record of the book. */
static int number_twice(const struct so_rule *rule, const struct so_rule_call *call)
{
	const struct book *b = call->book;
	if (!b->numbers[call->i] || !b->repeated[call->i])
		return 0;
	return flag(call->out, rule, rule->fields, 1,
		    "Số đăng ký %s đã có ở một mục khác của sổ này", b->numbers[call->i]);
}

/* SEQUENCE_GAP: a number (repeating none) that does not follow the one before it. */
static int number_gap(const struct so_rule *rule, const struct so_rule_call *call)
{
	const struct book *b = call->book;
	size_t i = call->i;
	if (!b->numbers[i] || b->repeated[i] || b->before[i] < 0)
		return 0;
	long v = strtol(b->numbers[i], NULL, 10);
	if (v == b->before[i] + 1)
		return 0;
	return flag(call->out, rule, rule->fields, 1,
		    "Số đăng ký không liên tục: sau số %ld là số %ld (thiếu trang hoặc mục?)",
		    b->before[i], v);
}

/* DUPLICATE_ENTRY: a numbered record with the person and event of an earlier one. */
static int entry_twice(const struct so_rule *rule, const struct so_rule_call *call)
{
	const struct book *b = call->book;
	size_t i = call->i;
	if (!b->numbers[i] || !b->keys[i])
		return 0;
	for (size_t j = 0; j < i; j++)
		if (b->keys[j] && strcmp(b->keys[i], b->keys[j]) == 0)
			return flag(call->out, rule, rule->fields, 1,
				    "Trùng người và sự kiện với mục số %s của sổ này",
				    b->numbers[j] ? b->numbers[j] : "?");
	return 0;
}

/* The canonical registration number of a record, or NULL. Caller frees. */
static char *record_number(const struct so_record_view *r)
{
	const char *raw = raw_of(r, "registration_number");
	if (!raw)
		return NULL;
	struct so_canon c;
	if (so_normalize(SO_KIND_NUMBER, raw, NULL, &c) < 0)
		return NULL;
	char *v = c.value;
	c.value = NULL;
	so_canon_release(&c);
	return v;
}

/* The person and event of an entry, for finding the same entry twice. */
char *so_entry_key(const struct so_record_view *r)
{
	for (size_t i = 0; i < SO_ARRAY_SIZE(entry_keys); i++) {
		if (strcmp(entry_keys[i].book, r->layout->book_type) != 0)
			continue;
		const char *a = raw_of(r, entry_keys[i].fields[0]);
		const char *b = raw_of(r, entry_keys[i].fields[1]);
		if (!a || !b)
			return NULL;
		char *fa = so_fold(a, NULL), *fb = so_fold(b, NULL);
		char *k = fa && fb ? so_asprintf("%s|%s", fa, fb) : NULL;
		free(fa);
		free(fb);
		return k;
	}
	return NULL;
}

int so_rules_sequence(struct so_record_view *records, size_t n)
{
	long *v = so_calloc(n ? n : 1, sizeof(long));
	if (!v)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char *num = record_number(&records[i]);
		v[i] = num ? strtol(num, NULL, 10) : -1;
		free(num);
	}
	for (size_t i = 0; i < n; i++) {
		records[i].number_in_sequence = v[i] >= 0 &&
			((i > 0 && v[i - 1] >= 0 && v[i - 1] + 1 == v[i]) ||
			 (i + 1 < n && v[i + 1] >= 0 && v[i] + 1 == v[i + 1]));
		records[i].number_expected = 0;
		if (i > 0 && i + 1 < n && v[i - 1] >= 0 && v[i + 1] == v[i - 1] + 2 &&
		    v[i] != v[i - 1] + 1)
			records[i].number_expected = v[i - 1] + 1;
	}
	free(v);
	return 0;
}

int so_rules_book(const struct so_record_view *whole, size_t n, struct so_flag_list *out)
{
	size_t m = n ? n : 1;
	struct book b = {
		so_calloc(m, sizeof(char *)), so_calloc(m, sizeof(char *)), so_calloc(m, sizeof(int)),
		so_calloc(m, sizeof(long)),
	};
	/* the handwriting no person keyed yet is set aside here too: no sequence or duplicate
	 * is judged on the recognizer's reading of it */
	struct so_record_view *records = so_calloc(m, sizeof(*records));
	struct so_rule_field **fields = so_calloc(m, sizeof(*fields));
	int r = b.numbers && b.keys && b.repeated && b.before && records && fields ? 0 : -1;
	for (size_t i = 0; r == 0 && i < n; i++)
		r = set_aside_handwriting(&whole[i], &records[i], &fields[i]);
	for (size_t i = 0; r == 0 && i < n; i++) {
		b.numbers[i] = record_number(&records[i]);
		b.keys[i] = so_entry_key(&records[i]);
	}
	long prev = -1;
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (!b.numbers[i])
			continue;
		for (size_t j = 0; j < i && !b.repeated[i]; j++)
			if (b.numbers[j] && strcmp(b.numbers[j], b.numbers[i]) == 0)
				b.repeated[i] = 1;
		b.before[i] = prev;
		if (!b.repeated[i])
			prev = strtol(b.numbers[i], NULL, 10);
	}
	for (size_t i = 0; r == 0 && i < n; i++) {
		struct so_rule_call call = { .r = &records[i], .out = &out[i], .book = &b, .i = i };
		for (size_t k = 0; r == 0 && k < SO_ARRAY_SIZE(catalogue); k++) {
			const struct so_rule *rule = &catalogue[k];
			if (rule->scope == SO_RULE_BOOK && rule_applies(rule, records[i].layout->book_type))
				r = rule->check(rule, &call);
		}
	}
	for (size_t i = 0; b.numbers && i < n; i++)
		free(b.numbers[i]);
	for (size_t i = 0; b.keys && i < n; i++)
		free(b.keys[i]);
	free(b.numbers);
	free(b.keys);
	free(b.repeated);
	free(b.before);
	for (size_t i = 0; fields && i < n; i++)
		free(fields[i]);
	free(fields);
	free(records);
	return r;
}
