/*
 * The planted anomalies: an impossible birth date, a CCCD whose sex digit disagrees, a
 * registration number repeated, a row in handwriting and a smudged cell, each in a different
 * entry, each with the flags the validation must raise. They are drawn from their own random
 * stream, so planting them leaves the other entries as they were.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "book.h"

static const char *const kind_names[ANOMALY_COUNT] = {
	"impossible_date", "id_sex_mismatch", "duplicate_number", "handwriting", "smudge",
};

const char *anomaly_kind_name(enum anomaly_kind k)
{
	return k < ANOMALY_COUNT ? kind_names[k] : "unknown";
}

const char *const *anomaly_flags(enum anomaly_kind k, size_t *n)
{
	static const char *const date_invalid[] = { "DATE_INVALID" };
	static const char *const id_mismatch[] = { "ID_MISMATCH" };
	static const char *const duplicate[] = { "SEQUENCE_DUPLICATE" };
	/* a handwritten cell is keyed (HANDWRITTEN); a smudge may look like a pen's stroke */
	static const char *const handwriting[] = { "HANDWRITTEN", "LOW_CONFIDENCE", "UNREADABLE" };
	static const char *const smudge[] = { "UNREADABLE", "LOW_CONFIDENCE", "HANDWRITTEN" };
	switch (k) {
	case ANOMALY_IMPOSSIBLE_DATE: *n = 1; return date_invalid;
	case ANOMALY_ID_SEX_MISMATCH: *n = 1; return id_mismatch;
	case ANOMALY_DUPLICATE_NUMBER: *n = 1; return duplicate;
	case ANOMALY_HANDWRITING: *n = 3; return handwriting;
	default: *n = 3; return smudge;
	}
}

static struct anomaly *anomaly_add(struct entry *e, enum anomaly_kind kind)
{
	if (e->nanomalies >= ANOMALIES_PER_ENTRY)
		return NULL;
	struct anomaly *a = &e->anomalies[e->nanomalies++];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	return a;
}

static void anomaly_field(struct anomaly *a, const char *name)
{
	if (a->nfields < ANOMALY_FIELDS_MAX)
		snprintf(a->fields[a->nfields++], FIELD_NAME_MAX, "%s", name);
}

/* An unused entry index satisfying OK, or -1. */
static long pick_entry(struct book_gen *bg, const char *used,
                       int (*ok)(struct book_gen *, const struct entry *, long), long from)
{
	size_t n = bg->b->nentries;
	long cand[4096];
	size_t nc = 0;
	for (size_t i = (size_t)from; i < n && nc < SO_ARRAY_SIZE(cand); i++)
		if (!used[i] && (!ok || ok(bg, &bg->b->entries[i], (long)i)))
			cand[nc++] = (long)i;
	return nc ? cand[rng_below(&bg->planted, nc)] : -1;
}

/* The birth-date fields an impossible date may go into, by book type. */
static const char *birth_date_field(struct book_gen *bg, const struct entry *e)
{
	static const char *const names[] = { "child.birth_date", "husband.birth_date",
	                                     "wife.birth_date", "deceased.birth_date",
	                                     "parent.birth_date" };
	for (size_t i = 0; i < SO_ARRAY_SIZE(names); i++) {
		const struct field_value *f = entry_field(e, names[i]);
		if (f && f->raw)
			return names[i];
	}
	(void)bg;
	return NULL;
}

static int has_birth_date(struct book_gen *bg, const struct entry *e, long i)
{
	(void)i;
	return birth_date_field(bg, e) != NULL;
}

/* A CCCD of a person whose sex is known from the record: the field and the sex field. */
static const char *cccd_field(const struct entry *e, const char **sex_field)
{
	static const struct { const char *id, *sex; } pairs[] = {
		{ "child.id_number", "child.sex" }, { "deceased.id_number", "deceased.sex" },
		{ "mother.id_document", NULL }, { "father.id_document", NULL },
		{ "husband.id_document", NULL }, { "wife.id_document", NULL },
		{ "parent.id_document", "relationship" },
	};
	for (size_t i = 0; i < SO_ARRAY_SIZE(pairs); i++) {
		const struct field_value *f = entry_field(e, pairs[i].id);
		if (!f || !f->value)
			continue;
		const char *digits = strncmp(f->value, "CCCD ", 5) == 0 ? f->value + 5 : f->value;
		if (strlen(digits) != 12 || strspn(digits, "0123456789") != 12)
			continue;
		*sex_field = pairs[i].sex;
		return pairs[i].id;
	}
	return NULL;
}

static int has_cccd(struct book_gen *bg, const struct entry *e, long i)
{
	const char *sex;
	(void)bg;
	(void)i;
	return cccd_field(e, &sex) != NULL;
}

static int not_first(struct book_gen *bg, const struct entry *e, long i)
{
	(void)bg;
	(void)e;
	return i > 0;
}

static void flip_sex_digit(char *s)
{
	if (!s)
		return;
	for (char *p = s; *p; p++) {
		if (strspn(p, "0123456789") == 12) {
			p[3] = (char)(((p[3] - '0') ^ 1) + '0');
			return;
		}
	}
}

/* The anomalies that change what is written; returns the entry holding a duplicate number. */
int plant_data_anomalies(struct book_gen *bg, char *used, long *duplicate)
{
	struct entry *all = bg->b->entries;
	*duplicate = -1;
	long i = pick_entry(bg, used, has_birth_date, 0);
	if (i >= 0) {
		struct entry *e = &all[i];
		const char *name = birth_date_field(bg, e);
		struct field_value *f = entry_field_mut(e, name);
		static const int months[] = { 2, 4, 6, 9, 11 };
		int m = months[rng_below(&bg->planted, SO_ARRAY_SIZE(months))];
		int y = f->value ? atoi(f->value) : bg->g.year;
		struct date bad = { y, m, m == 2 ? 30 : 31 };
		char raw[DATE_TEXT_MAX];
		date_write(raw, bad, DATE_DAY, rng_chance(&bg->planted, 0.7) ? DATE_FORM_SLASH_PADDED
		                                                             : DATE_FORM_DOT);
		if (field_set(e, name, NULL, raw, NULL) < 0)
			return -1;
		f = entry_field_mut(e, name);
		f->hint = 'd';
		struct anomaly *a = anomaly_add(e, ANOMALY_IMPOSSIBLE_DATE);
		anomaly_field(a, name);
		snprintf(a->message, sizeof(a->message), "Ngày không có thật: %s", raw);
		used[i] = 1;
	}
	i = pick_entry(bg, used, has_cccd, 0);
	if (i >= 0) {
		struct entry *e = &all[i];
		const char *sex = NULL;
		const char *name = cccd_field(e, &sex);
		struct field_value *f = entry_field_mut(e, name);
		flip_sex_digit(f->value);
		flip_sex_digit(f->raw);
		struct anomaly *a = anomaly_add(e, ANOMALY_ID_SEX_MISMATCH);
		anomaly_field(a, name);
		if (sex)
			anomaly_field(a, sex);
		snprintf(a->message, sizeof(a->message),
		         "Số định danh không khớp với giới tính");
		used[i] = 1;
	}
	i = pick_entry(bg, used, not_first, 1);
	if (i >= 0) {
		struct anomaly *a = anomaly_add(&all[i], ANOMALY_DUPLICATE_NUMBER);
		anomaly_field(a, "registration_number");
		*duplicate = i;
		used[i] = 1;
	}
	return 0;
}

static int has_cells(struct book_gen *bg, const struct entry *e, long i)
{
	(void)bg;
	(void)i;
	return e->ncells > 0;
}

/* The anomalies that change only how a row looks. */
void plant_look_anomalies(struct book_gen *bg, char *used)
{
	const struct so_layout *l = bg->layout;
	long i = pick_entry(bg, used, has_cells, 0);
	if (i >= 0) {
		struct entry *e = &bg->b->entries[i];
		struct anomaly *a = anomaly_add(e, ANOMALY_HANDWRITING);
		for (size_t k = 0; k < e->nfields; k++)
			if (e->fields[k].raw)
				anomaly_field(a, e->fields[k].name);
		snprintf(a->message, sizeof(a->message), "Dòng viết tay, nhận dạng không chắc chắn");
		e->handwritten = 1;
		used[i] = 1;
	}
	i = pick_entry(bg, used, has_cells, 0);
	if (i >= 0) {
		struct entry *e = &bg->b->entries[i];
		size_t cand[64], nc = 0;
		/* a cell with some text, not the number (the sequence check needs it) */
		for (size_t k = 1; k < e->ncells && nc < SO_ARRAY_SIZE(cand); k++)
			if (strlen(e->cells[k]) >= 4)
				cand[nc++] = k;
		if (nc == 0)
			return;
		size_t col = cand[rng_below(&bg->planted, nc)];
		const struct so_column *c = &l->columns[col];
		struct anomaly *a = anomaly_add(e, ANOMALY_SMUDGE);
		char key[FIELD_NAME_MAX];
		if (c->kind == SO_COLUMN_COMPOSITE) {
			for (size_t k = 0; k < c->nsubfields; k++) {
				snprintf(key, sizeof(key), "%s.%s", c->prefix, c->subfields[k]);
				const struct field_value *f = entry_field(e, key);
				if (f && f->raw)
					anomaly_field(a, key);
			}
		} else {
			anomaly_field(a, c->field);
		}
		snprintf(a->message, sizeof(a->message), "Ô bị nhòe mực, không đọc được");
		e->smudged_column = (int)col;
		used[i] = 1;
	}
}
