/* The validation catalogue (see rules.h). */
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

void so_flag_list_release(struct so_flag_list *l)
{
	SO_FREE(l->v);
	l->n = l->cap = 0;
}

static int flag(struct so_flag_list *l, const char *code, const char *severity,
		const char *const *fields, size_t nfields, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static int flag(struct so_flag_list *l, const char *code, const char *severity,
		const char *const *fields, size_t nfields, const char *fmt, ...)
{
	if (SO_ARRAY_GROW(l->v, l->n, l->cap) < 0)
		return -1;
	struct so_flag_spec *f = &l->v[l->n++];
	memset(f, 0, sizeof(*f));
	snprintf(f->code, sizeof(f->code), "%s", code);
	f->severity = severity;
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

/* Thresholds ---------------------------------------------------------------------------------- */

double so_confidence_threshold(enum so_kind kind)
{
	static json_t *t;
	static int loaded;
	if (!loaded) {
		loaded = 1;
		const struct so_embedded *e = so_embedded_find("confidence-thresholds.json");
		if (e)
			t = json_loadb((const char *)e->data, e->size, 0, NULL);
	}
	json_t *th = json_object_get(json_object_get(t, "thresholds"), so_kind_name(kind));
	if (json_is_number(th))
		return json_number_value(th);
	json_t *def = json_object_get(t, "default");
	return json_is_number(def) ? json_number_value(def) : 0.6;
}

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

/* Whole years from A to B (on what is written), or -1000 when unknown. */
static int years_between(struct when a, struct when b)
{
	if (!a.set || !b.set)
		return -1000;
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

/* Rules within a record ------------------------------------------------------------------------ */

static const char *const required[][8] = {
	{ "birth", "child.full_name", "child.birth_date", "child.sex", NULL },
	{ "marriage", "husband.full_name", "wife.full_name", "husband.birth_date",
	  "wife.birth_date", NULL },
	{ "death", "deceased.full_name", "death.datetime", NULL },
	{ "parentage", "parent.full_name", "child.full_name", "relationship", NULL },
};

static int rule_required(const struct so_record_view *r, struct so_flag_list *out)
{
	const char *type = r->layout->book_type;
	const char *common[] = { "registration_number", "registration_date" };
	char lab[256];
	for (size_t i = 0; i < 2; i++) {
		if (!raw_of(r, common[i])) {
			label(r->layout, common[i], lab, sizeof(lab));
			if (flag(out, "REQUIRED_MISSING", "error", &common[i], 1,
				 "Thiếu thông tin bắt buộc: %s", lab) < 0)
				return -1;
		}
	}
	for (size_t t = 0; t < SO_ARRAY_SIZE(required); t++) {
		if (strcmp(required[t][0], type) != 0)
			continue;
		for (size_t k = 1; k < 8 && required[t][k]; k++) {
			if (raw_of(r, required[t][k]))
				continue;
			label(r->layout, required[t][k], lab, sizeof(lab));
			if (flag(out, "REQUIRED_MISSING", "error", &required[t][k], 1,
				 "Thiếu thông tin bắt buộc: %s", lab) < 0)
				return -1;
		}
	}
	if (strcmp(type, "birth") == 0 && !raw_of(r, "mother.full_name") &&
	    !raw_of(r, "father.full_name")) {
		const char *f[] = { "mother.full_name", "father.full_name" };
		if (flag(out, "REQUIRED_MISSING", "error", f, 2,
			 "Thiếu họ tên của cả người mẹ và người cha") < 0)
			return -1;
	}
	return 0;
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

static int rule_unreadable(const struct so_record_view *r, struct so_flag_list *out)
{
	const struct so_layout *l = r->layout;
	char lab[256];
	for (size_t c = 0; c < l->ncolumns; c++) {
		const struct so_column *col = &l->columns[c];
		const char *names[32];
		size_t n = 0;
		int empty = 1, marks = 0;
		if (col->kind == SO_COLUMN_FIELD) {
			names[n++] = col->field;
		} else {
			for (size_t k = 0; k < col->nsubfields && n < 32; k++) {
				static char buf[32][160];
				snprintf(buf[n], sizeof(buf[n]), "%s.%s", col->prefix, col->subfields[k]);
				names[n] = buf[n];
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
		if (flag(out, "UNREADABLE", "error", names, n,
			 "Ô %s có chữ nhưng máy không đọc được (chữ viết tay, mờ hoặc bị hỏng): "
			 "cần đọc từ ảnh", lab) < 0)
			return -1;
	}
	return 0;
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

/* Checks a 12-digit CCCD against its owner. */
static int cccd_check(const struct so_record_view *r, const char *name, const char *digits,
		      struct so_flag_list *out)
{
	const char *sex;
	struct when birth;
	owner_of(r, name, &sex, &birth);
	char lab[256];
	label(r->layout, name, lab, sizeof(lab));
	const char *f[] = { name };
	if (!province_code_known(digits))
		return flag(out, "ID_MISMATCH", "error", f, 1,
			    "Số CCCD %s ở %s có mã tỉnh %.3s không có trong danh mục", digits, lab,
			    digits);
	int g = digits[3] - '0';
	int yy = (digits[4] - '0') * 10 + (digits[5] - '0');
	if (g > 5)
		return flag(out, "ID_MISMATCH", "error", f, 1,
			    "Số CCCD %s ở %s có chữ số thứ 4 (%d) không hợp lệ", digits, lab, g);
	const char *id_sex = g % 2 ? "female" : "male";
	int century = 1900 + (g / 2) * 100;
	if (sex && strcmp(sex, id_sex) != 0)
		return flag(out, "ID_MISMATCH", "error", f, 1,
			    "Số CCCD %s ở %s ghi giới tính %s, nhưng người này là %s", digits, lab,
			    strcmp(id_sex, "male") == 0 ? "nam" : "nữ",
			    strcmp(sex, "male") == 0 ? "nam" : "nữ");
	if (birth.set && (birth.y / 100) * 100 == century - 0 && birth.y % 100 != yy)
		return flag(out, "ID_MISMATCH", "error", f, 1,
			    "Số CCCD %s ở %s ghi năm sinh %d%02d, nhưng năm sinh là %d", digits, lab,
			    century / 100, yy, birth.y);
	if (birth.set && (birth.y / 100) * 100 != century)
		return flag(out, "ID_MISMATCH", "error", f, 1,
			    "Số CCCD %s ở %s ghi thế kỷ sinh %d, nhưng năm sinh là %d", digits, lab,
			    century / 100 + 1, birth.y);
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

static int rule_name_chars(const struct so_record_view *r, const char *name, const char *raw,
			   struct so_flag_list *out)
{
	char lab[256];
	label(r->layout, name, lab, sizeof(lab));
	const char *f[] = { name };
	for (const unsigned char *p = (const unsigned char *)raw; *p; p++) {
		if (isdigit(*p) || (*p < 0x80 && !isalpha(*p) && *p != ' ' && *p != '-' &&
				    *p != '\'' && *p != '\n'))
			return flag(out, "NAME_CHARS", "error", f, 1,
				    "%s có chữ số hoặc ký hiệu: %s", lab, raw);
	}
	if (nationality_not_vn(r, name))
		return 0; /* a foreign name need not be Vietnamese syllables */
	char *copy = so_strdup(raw), *save = NULL;
	if (!copy)
		return -1;
	int r2 = 0;
	for (char *w = strtok_r(copy, " \n-", &save); w && r2 == 0; w = strtok_r(NULL, " \n-", &save))
		if (!so_is_syllable(w))
			r2 = flag(out, "NAME_CHARS", "error", f, 1,
				  "%s có tiếng “%s” không phải tiếng Việt: %s", lab, w, raw);
	free(copy);
	return r2;
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

int so_rules_record(const struct so_record_view *r, struct so_flag_list *out)
{
	if (rule_required(r, out) < 0 || rule_unreadable(r, out) < 0)
		return -1;
	long reg = registration_ymd(r);
	struct so_norm_ctx ctx = { reg };
	char lab[256];
	int *confirmed = so_calloc(r->nfields ? r->nfields : 1, sizeof(int));
	if (!confirmed || confirm_pairs(r, &ctx, confirmed) < 0) {
		free(confirmed);
		return -1;
	}
	int result = -1;
	for (size_t i = 0; r->number_in_sequence && i < r->nfields; i++)
		if (strcmp(r->fields[i].name, "registration_number") == 0)
			confirmed[i] = 1;
	for (size_t i = 0; i < r->nfields; i++) {
		const struct so_rule_field *fd = &r->fields[i];
		if (!fd->raw || !*fd->raw)
			continue;
		enum so_kind kind = so_field_kind(r->layout, fd->name);
		if (kind == SO_KIND_NONE)
			continue;
		const char *f[] = { fd->name };
		label(r->layout, fd->name, lab, sizeof(lab));
		if (not_applicable(fd->raw)) {
			/* "not applicable" is a value too: a dash the recognizer doubts may be a
			 * word it could not read */
			double na_th = so_confidence_threshold(kind);
			if (!confirmed[i] && fd->conf >= 0 && fd->conf < na_th &&
			    flag(out, "LOW_CONFIDENCE", "error", f, 1,
				 "%s đọc như gạch ngang (không áp dụng) nhưng máy không "
				 "chắc chắn (độ tin cậy %.0f%%): hãy đối chiếu với ảnh", lab,
				 fd->conf * 100) < 0)
				goto done;
			continue;
		}
		int misfit = r->number_expected > 0 &&
			     strcmp(fd->name, "registration_number") == 0;
		if (misfit &&
		    flag(out, "LOW_CONFIDENCE", "error", f, 1,
			 "Máy đọc %s là “%s”, nhưng mục trước và mục sau mang số %ld và %ld: có "
			 "thể là số %ld, hãy đối chiếu với ảnh", lab, fd->raw,
			 r->number_expected - 1, r->number_expected + 1, r->number_expected) < 0)
			goto done;
		struct so_canon c;
		if (so_normalize(kind, fd->raw, &ctx, &c) < 0)
			goto done;
		/* a value found exactly in a closed list stands on the list, not on the confidence */
		double th = so_confidence_threshold(kind);
		if (!misfit && !c.verified && !confirmed[i] && fd->conf >= 0 && fd->conf < th &&
		    flag(out, "LOW_CONFIDENCE", "error", f, 1,
			 "Máy đọc %s không chắc chắn (độ tin cậy %.0f%%, cần %.0f%%): hãy đối chiếu "
			 "với ảnh", lab, fd->conf * 100, th * 100) < 0) {
			so_canon_release(&c);
			goto done;
		}
		int rc = 0;
		int is_date = kind == SO_KIND_DATE || kind == SO_KIND_DATETIME;
		if (is_date && !c.value) {
			rc = flag(out, "DATE_INVALID", "error", f, 1,
				  "%s không phải là một ngày có thật: “%s”", lab, fd->raw);
		} else if (is_date && r->scan_date) {
			struct when w = when_of(r, fd->name);
			long ymd = w.set ? w.y * 10000L + (w.m ? w.m : 1) * 100L + (w.d ? w.d : 1) : 0;
			if (ymd > r->scan_date)
				rc = flag(out, "DATE_IN_FUTURE", "error", f, 1,
					  "%s (%s) ở sau ngày quét sổ", lab, fd->raw);
		} else if (kind == SO_KIND_SEX && !c.value) {
			rc = flag(out, "SEX_VALUE", "error", f, 1,
				  "%s phải là “Nam” hoặc “Nữ”: “%s”", lab, fd->raw);
		} else if (kind == SO_KIND_ETHNICITY && !c.value) {
			rc = flag(out, "ETHNICITY_UNKNOWN", "error", f, 1,
				  "%s không có trong danh mục 54 dân tộc: “%s”", lab, fd->raw);
		} else if (kind == SO_KIND_NATIONALITY && !c.value) {
			rc = flag(out, "NATIONALITY_UNKNOWN", "error", f, 1,
				  "%s không phải là một quốc gia đã biết: “%s”", lab, fd->raw);
		} else if (kind == SO_KIND_PLACE && (!c.value || c.match < 0.9)) {
			rc = flag(out, "PLACE_UNMATCHED", "warning", f, 1,
				  "%s không khớp chắc chắn với đơn vị hành chính nào: “%s”", lab,
				  fd->raw);
		} else if (kind == SO_KIND_NAME) {
			rc = rule_name_chars(r, fd->name, fd->raw, out);
		} else if (kind == SO_KIND_ID_NUMBER) {
			if (!c.value || strlen(c.value) != 12)
				rc = flag(out, "ID_FORMAT", "error", f, 1,
					  "%s phải có 12 chữ số: “%s”", lab, fd->raw);
			else
				rc = cccd_check(r, fd->name, c.value, out);
		} else if (kind == SO_KIND_ID_DOCUMENT) {
			const char *v = c.value;
			if (!v)
				rc = flag(out, "ID_FORMAT", "error", f, 1,
					  "%s không đọc được loại và số giấy tờ: “%s”", lab, fd->raw);
			else if (strncmp(v, "CCCD ", 5) == 0 && strlen(v + 5) != 12)
				rc = flag(out, "ID_FORMAT", "error", f, 1,
					  "Số CCCD ở %s phải có 12 chữ số: “%s”", lab, fd->raw);
			else if (strncmp(v, "CMND ", 5) == 0 && strlen(v + 5) != 9)
				rc = flag(out, "ID_FORMAT", "error", f, 1,
					  "Số CMND ở %s phải có 9 chữ số: “%s”", lab, fd->raw);
			else if (strncmp(v, "CCCD ", 5) == 0)
				rc = cccd_check(r, fd->name, v + 5, out);
		}
		so_canon_release(&c);
		if (rc < 0)
			goto done;
	}

	/* dates against each other */
	struct when regd = when_of(r, "registration_date");
	if (regd.set && r->book_year && regd.y != r->book_year) {
		const char *f[] = { "registration_date" };
		if (flag(out, "REGISTRATION_YEAR", "error", f, 1,
			 "Ngày đăng ký %s không thuộc năm của sổ (%d)", raw_of(r, "registration_date"),
			 r->book_year) < 0)
			goto done;
	}
	const char *births[] = { "child.birth_date", "husband.birth_date", "wife.birth_date",
				 "deceased.birth_date", "mother.birth_date", "father.birth_date",
				 "parent.birth_date" };
	for (size_t i = 0; i < SO_ARRAY_SIZE(births); i++) {
		struct when b = when_of(r, births[i]);
		if (when_cmp(b, regd) > 0) {
			const char *f[] = { births[i], "registration_date" };
			label(r->layout, births[i], lab, sizeof(lab));
			if (flag(out, "DATE_ORDER", "error", f, 2,
				 "%s ở sau ngày đăng ký", lab) < 0)
				goto done;
		}
	}
	const char *type = r->layout->book_type;
	if (strcmp(type, "death") == 0) {
		struct when born = when_of(r, "deceased.birth_date");
		struct when died = when_of(r, "death.datetime");
		struct when notice = when_of(r, "death_notice.date");
		const char *f1[] = { "death.datetime", "deceased.birth_date" };
		const char *f2[] = { "death_notice.date", "death.datetime" };
		const char *f3[] = { "registration_date", "death.datetime" };
		if ((when_cmp(died, born) < 0 &&
		     flag(out, "DATE_ORDER", "error", f1, 2, "Ngày chết ở trước ngày sinh") < 0) ||
		    (when_cmp(notice, died) < 0 &&
		     flag(out, "DATE_ORDER", "error", f2, 2,
			  "Giấy báo tử được cấp trước ngày chết") < 0) ||
		    (when_cmp(regd, died) < 0 &&
		     flag(out, "DATE_ORDER", "error", f3, 2,
			  "Ngày đăng ký khai tử ở trước ngày chết") < 0))
			goto done;
		if (regd.days && died.days && regd.days - died.days > 15) {
			if (flag(out, "LATE_REGISTRATION", "warning", f3, 2,
				 "Đăng ký khai tử muộn: %ld ngày sau ngày chết (hạn 15 ngày)",
				 regd.days - died.days) < 0)
				goto done;
		}
	}
	if (strcmp(type, "birth") == 0) {
		struct when born = when_of(r, "child.birth_date");
		const char *f[] = { "registration_date", "child.birth_date" };
		if (regd.days && born.days && regd.days - born.days > 60 &&
		    flag(out, "LATE_REGISTRATION", "warning", f, 2,
			 "Đăng ký khai sinh muộn: %ld ngày sau ngày sinh (hạn 60 ngày)",
			 regd.days - born.days) < 0)
			goto done;
		const char *parents[] = { "mother.birth_date", "father.birth_date" };
		for (size_t i = 0; i < 2; i++) {
			int age = years_between(when_of(r, parents[i]), born);
			if (age == -1000 || (age >= 12 && age <= 65))
				continue;
			const char *pf[] = { parents[i], "child.birth_date" };
			if (flag(out, "PARENT_AGE", "warning", pf, 2,
				 "%s %d tuổi khi sinh con", i == 0 ? "Người mẹ" : "Người cha", age) < 0)
				goto done;
		}
	}
	if (strcmp(type, "marriage") == 0) {
		const char *who[] = { "husband.birth_date", "wife.birth_date" };
		const int min[] = { 20, 18 };
		for (size_t i = 0; i < 2; i++) {
			int age = years_between(when_of(r, who[i]), regd);
			if (age == -1000 || age >= min[i])
				continue;
			const char *f[] = { who[i], "registration_date" };
			if (flag(out, "AGE_AT_MARRIAGE", "warning", f, 2,
				 "%s mới %d tuổi khi đăng ký kết hôn (tối thiểu %d)",
				 i == 0 ? "Người chồng" : "Người vợ", age, min[i]) < 0)
				goto done;
		}
	}
	result = 0;
done:
	free(confirmed);
	return result;
}

/* Rules across a book ---------------------------------------------------------------------- */

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
	static const char *const keys[][3] = {
		{ "birth", "child.full_name", "child.birth_date" },
		{ "marriage", "husband.full_name", "wife.full_name" },
		{ "death", "deceased.full_name", "death.datetime" },
		{ "parentage", "parent.full_name", "child.full_name" },
	};
	for (size_t i = 0; i < SO_ARRAY_SIZE(keys); i++) {
		if (strcmp(keys[i][0], r->layout->book_type) != 0)
			continue;
		const char *a = raw_of(r, keys[i][1]), *b = raw_of(r, keys[i][2]);
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

int so_rules_book(const struct so_record_view *records, size_t n, struct so_flag_list *out)
{
	char **numbers = so_calloc(n ? n : 1, sizeof(char *));
	char **keys = so_calloc(n ? n : 1, sizeof(char *));
	int r = numbers && keys ? 0 : -1;
	for (size_t i = 0; r == 0 && i < n; i++) {
		numbers[i] = record_number(&records[i]);
		keys[i] = so_entry_key(&records[i]);
	}
	const char *nf[] = { "registration_number" };
	long prev = -1;
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (!numbers[i])
			continue;
		int dup = 0;
		for (size_t j = 0; j < i && !dup; j++)
			if (numbers[j] && strcmp(numbers[j], numbers[i]) == 0)
				dup = 1;
		long v = strtol(numbers[i], NULL, 10);
		if (dup)
			r = flag(&out[i], "SEQUENCE_DUPLICATE", "error", nf, 1,
				 "Số đăng ký %s đã có ở một mục khác của sổ này", numbers[i]);
		else if (prev >= 0 && v != prev + 1)
			r = flag(&out[i], "SEQUENCE_GAP", "warning", nf, 1,
				 "Số đăng ký không liên tục: sau số %ld là số %ld (thiếu trang hoặc "
				 "mục?)", prev, v);
		if (!dup)
			prev = v;
		for (size_t j = 0; r == 0 && j < i && keys[i]; j++)
			if (keys[j] && strcmp(keys[i], keys[j]) == 0) {
				r = flag(&out[i], "DUPLICATE_ENTRY", "error", nf, 1,
					 "Trùng người và sự kiện với mục số %s của sổ này",
					 numbers[j] ? numbers[j] : "?");
				break;
			}
	}
	for (size_t i = 0; numbers && i < n; i++)
		free(numbers[i]);
	for (size_t i = 0; keys && i < n; i++)
		free(keys[i]);
	free(numbers);
	free(keys);
	return r;
}
