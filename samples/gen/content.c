/*
 * Writing a book: the page plan (rows per page, blank sheets, a short last page), the
 * registration numbers and dates of a clerk's year, and one natural entry per row for each of
 * the four book types (births with parents 21-39 years older and registered within 60 days,
 * deaths registered within 15 days, marriages of adults, recognitions of a child); then the
 * anomalies (anomalies.c) and the cells (cells.c). Natural entries satisfy every rule of the
 * validate catalogue; only the planted anomalies break one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/text.h"
#include "base/util.h"
#include "book.h"

/* ---- fields of an entry ---- */

struct field_value *field_slot(struct entry *e, const char *name)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (strcmp(e->fields[i].name, name) == 0)
			return &e->fields[i];
	if (e->nfields >= ENTRY_MAX_FIELDS) {
		so_error("too many fields in an entry");
		return NULL;
	}
	if (SO_ARRAY_GROW(e->fields, e->nfields, e->capfields) < 0)
		return NULL;
	struct field_value *f = &e->fields[e->nfields++];
	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);
	return f;
}

/* Sets NAME to VALUE/RAW/CODE (each may be NULL); the strings are copied as NFC. */
int field_set(struct entry *e, const char *name, const char *value, const char *raw,
                     const char *code)
{
	struct field_value *f = field_slot(e, name);
	if (!f)
		return -1;
	SO_FREE(f->value);
	SO_FREE(f->raw);
	SO_FREE(f->code);
	if (value && !(f->value = so_text_nfc(value)))
		return -1;
	if (raw && !(f->raw = so_text_nfc(raw)))
		return -1;
	if (code && !(f->code = so_strdup(code)))
		return -1;
	return 0;
}

const struct field_value *entry_field(const struct entry *e, const char *name)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (strcmp(e->fields[i].name, name) == 0)
			return &e->fields[i];
	return NULL;
}

struct field_value *entry_field_mut(struct entry *e, const char *name)
{
	return (struct field_value *)entry_field(e, name);
}

static int set_date(struct book_gen *bg, struct entry *e, const char *name, struct date d,
                    enum date_precision p, int labelled)
{
	char raw[DATE_TEXT_MAX], value[DATE_TEXT_MAX];
	date_write_styled(&bg->g, raw, d, p, labelled);
	date_canonical(value, d, p);
	if (field_set(e, name, value, raw, NULL) < 0)
		return -1;
	entry_field_mut(e, name)->hint = p == DATE_DAY ? 'd' : 'y';
	return 0;
}

static int set_place(struct book_gen *bg, struct entry *e, const char *name,
                     const struct place *p, int name_only)
{
	char *raw = NULL, *value = NULL, code[8];
	if (place_write(&bg->g, p, name_only, &raw, &value, code) < 0)
		return -1;
	int rc = field_set(e, name, value, raw, code);
	free(raw);
	free(value);
	return rc;
}

static int set_name(struct book_gen *bg, struct entry *e, const char *name,
                    const struct person *p)
{
	char *raw = person_name_written(&bg->g, p);
	if (!raw)
		return -1;
	int rc = field_set(e, name, p->name, raw, NULL);
	free(raw);
	return rc;
}

static int set_sex(struct entry *e, const char *name, int female)
{
	return field_set(e, name, female ? "female" : "male", female ? "Nữ" : "Nam", NULL);
}

static int set_ethnicity(struct entry *e, const char *name, const struct person *p)
{
	if (!p->ethnic)
		return field_set(e, name, NULL, NULL, NULL);
	return field_set(e, name, p->ethnic->name, p->ethnic_written, p->ethnic->code);
}

static int set_nationality(struct entry *e, const char *name, const struct person *p)
{
	return field_set(e, name, p->country->code, p->country_written, NULL);
}

static int set_id_document(struct book_gen *bg, struct entry *e, const char *name,
                           const struct person *p)
{
	char raw[64], value[64];
	person_id_written(&bg->g, p, raw, sizeof(raw), value, sizeof(value));
	if (!raw[0])
		return field_set(e, name, NULL, NULL, NULL);
	return field_set(e, name, value, raw, NULL);
}

/* The six facts of a person cell (or of a person's columns), under PREFIX. */
static int set_person(struct book_gen *bg, struct entry *e, const char *prefix,
                      const struct person *p, int composite)
{
	char name[FIELD_NAME_MAX];
	/* a person cell leaves out a fact now and then; the columns of a marriage do not */
	double keep = composite ? 0.93 : 1.0;
	snprintf(name, sizeof(name), "%s.full_name", prefix);
	if (set_name(bg, e, name, p) < 0)
		return -1;
	snprintf(name, sizeof(name), "%s.birth_date", prefix);
	if (rng_chance(&bg->rng, composite ? 0.97 : 1.0)) {
		if (set_date(bg, e, name, p->birth, p->birth_precision, composite) < 0)
			return -1;
	}
	snprintf(name, sizeof(name), "%s.ethnicity", prefix);
	if (rng_chance(&bg->rng, keep) && set_ethnicity(e, name, p) < 0)
		return -1;
	snprintf(name, sizeof(name), "%s.nationality", prefix);
	if (rng_chance(&bg->rng, keep) && set_nationality(e, name, p) < 0)
		return -1;
	snprintf(name, sizeof(name), "%s.residence", prefix);
	if (p->residence.commune >= 0 && rng_chance(&bg->rng, composite ? 0.96 : 1.0) &&
	    set_place(bg, e, name, &p->residence, 0) < 0)
		return -1;
	snprintf(name, sizeof(name), "%s.id_document", prefix);
	return set_id_document(bg, e, name, p);
}

/* A birth date that makes a person YEARS old (not a day more than a year older) on D. */
static struct date years_before(struct book_gen *bg, struct date d, int years)
{
	long days = (long)(years * 365.2425) + rng_int(&bg->rng, 1, 360);
	return date_from_days(date_to_days(d) - days);
}

static const char *const notes_common[] = {
	"Đã cấp bản sao", "Cấp 02 bản sao", "Cấp 03 bản sao", "Đã cấp trích lục",
	"Đã cấp bản chính",
};

static int set_notes(struct book_gen *bg, struct entry *e, int allow_reregistration)
{
	if (!rng_chance(&bg->rng, 0.15))
		return field_set(e, "notes", NULL, NULL, NULL);
	const char *n = allow_reregistration && rng_chance(&bg->rng, 0.3)
		? "Đăng ký lại" : RNG_PICK(&bg->rng, notes_common);
	return field_set(e, "notes", n, n, NULL);
}

/* Hometown-like place: a commune, no street. */
static void commune_place(struct book_gen *bg, struct place *p, enum place_scope scope)
{
	place_address(&bg->g, p, place_commune_draw(&bg->g, scope), 0);
}

static int age_at(struct date birth, struct date at)
{
	return date_age(birth, at);
}

/* ---- the four kinds of entry ---- */

static int birth_entry(struct book_gen *bg, struct entry *e, struct date reg)
{
	struct gen_ctx *g = &bg->g;
	struct rng *r = &bg->rng;
	struct person mother, father, child, decl;
	struct date born = date_add_days(reg, -rng_int(r, 0, 60));
	int mother_age = rng_int(r, 21, 39);
	int has_father = rng_chance(r, 0.88);
	int father_age = mother_age + rng_int(r, -2, 8);
	father_age = father_age < 21 ? 21 : father_age > 39 ? 39 : father_age;

	person_make(g, &mother, 1, NULL, years_before(bg, born, mother_age));
	person_make(g, &father, 0, NULL, years_before(bg, born, father_age));
	mother.birth_precision = birth_precision_draw(g, 1);
	father.birth_precision = birth_precision_draw(g, 1);
	if (has_father && rng_chance(r, 0.85)) {
		mother.ethnic = father.ethnic;
		mother.ethnic_written = father.ethnic_written;
	}
	const struct person *line = has_father ? &father : &mother;
	person_make(g, &child, rng_chance(r, 0.49), line->family, born);
	child.ethnic = line->ethnic;
	child.ethnic_written = line->ethnic_written;
	snprintf(child.province, sizeof(child.province), "%s", g->old_province);

	place_address(g, &mother.residence, place_commune_draw(g, PLACE_NEAR), 1);
	if (rng_chance(r, 0.9))
		father.residence = mother.residence;
	else
		place_address(g, &father.residence, place_commune_draw(g, PLACE_NEAR), 1);
	person_draw_id(g, &mother, age_at(mother.birth, reg));
	person_draw_id(g, &father, age_at(father.birth, reg));

	if (set_name(bg, e, "child.full_name", &child) < 0 ||
	    set_date(bg, e, "child.birth_date", born, DATE_DAY, 0) < 0 ||
	    set_sex(e, "child.sex", child.female) < 0 ||
	    set_ethnicity(e, "child.ethnicity", &child) < 0 ||
	    set_nationality(e, "child.nationality", &child) < 0)
		return -1;

	struct place birth_place;
	int in_hospital = rng_chance(r, 0.6) &&
	                  place_hospital(g, &birth_place, SO_HOSPITAL_MATERNITY) == 0;
	if (!in_hospital && !g->style.hand->classic &&
	    rng_chance(r, g->style.hand->facility / 0.4)) {
		place_facility(g, &birth_place, 1);
		in_hospital = -1;   /* written with its units */
	} else if (!in_hospital) {
		place_address(g, &birth_place, mother.residence.commune, 0);
	}
	if (set_place(bg, e, "child.birth_place", &birth_place,
	              in_hospital > 0 && rng_chance(r, 0.3)) < 0)
		return -1;
	struct place hometown;
	static const double hw[] = { 0, 50, 20, 30 };
	commune_place(bg, &hometown, (enum place_scope)rng_weighted(r, hw, SO_ARRAY_SIZE(hw)));
	if (set_place(bg, e, "child.hometown", &hometown, 0) < 0)
		return -1;
	if (g->year >= 2016) {
		char id[16];
		personal_id_make(g, id, g->old_province, child.female, born.y);
		if (field_set(e, "child.id_number", id, id, NULL) < 0)
			return -1;
	}
	if (set_person(bg, e, "mother", &mother, 1) < 0)
		return -1;
	if (has_father && set_person(bg, e, "father", &father, 1) < 0)
		return -1;

	/* the declarant: a parent mostly, a grandparent sometimes */
	const char *rel;
	double u = rng_unit(r);
	if (u < 0.55 || (!has_father && u < 0.9)) {
		decl = mother;
		rel = "mẹ";
	} else if (u < 0.9) {
		decl = father;
		rel = rng_chance(r, 0.3) ? "bố" : "cha";
	} else {
		int female = rng_chance(r, 0.6);
		int paternal = has_father && rng_chance(r, 0.6);
		person_make(g, &decl, female, paternal && !female ? father.family : NULL,
		            years_before(bg, reg, rng_int(r, 45, 75)));
		decl.residence = mother.residence;
		person_draw_id(g, &decl, age_at(decl.birth, reg));
		rel = female ? (paternal ? "bà nội" : "bà ngoại") : (paternal ? "ông nội" : "ông ngoại");
	}
	if (set_name(bg, e, "declarant.full_name", &decl) < 0 ||
	    set_id_document(bg, e, "declarant.id_document", &decl) < 0 ||
	    field_set(e, "declarant.relationship", rel, rel, NULL) < 0)
		return -1;
	return set_notes(bg, e, 0);
}

static const char *const foreign_countries[] = {
	"KR", "KR", "KR", "KR", "KR", "KR", "TW", "TW", "TW", "TW", "CN", "CN", "CN", "US",
	"US", "US", "AU", "FR", "CA", "JP", "DE", "KH", "LA", "TH",
};

static int marriage_entry(struct book_gen *bg, struct entry *e, struct date reg)
{
	struct gen_ctx *g = &bg->g;
	struct rng *r = &bg->rng;
	struct person husband, wife;
	int h_age = rng_chance(r, 0.8) ? rng_int(r, 21, 35) : rng_int(r, 36, 55);
	int w_age = rng_chance(r, 0.85) ? rng_int(r, 19, h_age < 38 ? h_age : 38)
	                                : rng_int(r, 19, h_age + 5 > 50 ? 50 : h_age + 5);
	int foreign = g->year >= 1990 && rng_chance(r, 0.12);
	int foreign_husband = foreign && rng_chance(r, 0.75);
	person_make(g, &husband, 0, NULL, years_before(bg, reg, h_age));
	person_make(g, &wife, 1, NULL, years_before(bg, reg, w_age));
	if (foreign) {
		struct person *p = foreign_husband ? &husband : &wife;
		p->birth = years_before(bg, reg, foreign_husband ? h_age : w_age);
		person_make_foreign(g, p, !foreign_husband, RNG_PICK(r, foreign_countries));
	}
	husband.birth_precision = birth_precision_draw(g, 1);
	wife.birth_precision = birth_precision_draw(g, 1);
	place_address(g, &husband.residence, place_commune_draw(g, PLACE_NEAR), 1);
	if (rng_chance(r, 0.25))
		wife.residence = husband.residence;
	else
		place_address(g, &wife.residence, place_commune_draw(g, PLACE_NEAR), 1);
	person_draw_id(g, &husband, age_at(husband.birth, reg));
	person_draw_id(g, &wife, age_at(wife.birth, reg));
	if (set_person(bg, e, "husband", &husband, 0) < 0 ||
	    set_person(bg, e, "wife", &wife, 0) < 0)
		return -1;
	return set_notes(bg, e, 1);
}

static const char *const death_causes[] = {
	"Bệnh già", "Già yếu", "Tai nạn giao thông", "Nhồi máu cơ tim", "Đột quỵ",
	"Ung thư gan", "Ung thư phổi", "Suy tim", "Viêm phổi", "Suy thận", "Xuất huyết não",
	"Tai biến mạch máu não", "Bệnh tim",
};

static int death_entry(struct book_gen *bg, struct entry *e, struct date reg)
{
	struct gen_ctx *g = &bg->g;
	struct rng *r = &bg->rng;
	struct person dead, decl;
	struct date died = date_add_days(reg, -rng_int(r, 0, 15));
	double u = rng_unit(r);
	int age = u < 0.7 ? rng_int(r, 60, 95) : u < 0.95 ? rng_int(r, 30, 59) : rng_int(r, 1, 29);
	person_make(g, &dead, rng_chance(r, 0.48), NULL, years_before(bg, died, age));
	dead.birth_precision = birth_precision_draw(g, 1);
	place_address(g, &dead.residence, place_commune_draw(g, PLACE_NEAR), 1);

	if (set_name(bg, e, "deceased.full_name", &dead) < 0 ||
	    set_date(bg, e, "deceased.birth_date", dead.birth, dead.birth_precision, 0) < 0 ||
	    set_sex(e, "deceased.sex", dead.female) < 0 ||
	    set_ethnicity(e, "deceased.ethnicity", &dead) < 0 ||
	    set_nationality(e, "deceased.nationality", &dead) < 0 ||
	    set_place(bg, e, "deceased.residence", &dead.residence, 0) < 0)
		return -1;
	if (g->year >= 2016) {
		char id[16];
		personal_id_make(g, id, dead.province, dead.female, dead.birth.y);
		if (field_set(e, "deceased.id_number", id, id, NULL) < 0)
			return -1;
	}

	/* when and where */
	int hh = rng_int(r, 0, 23), mm = rng_int(r, 0, 59);
	char when[DATE_TEXT_MAX], raw[160], value[40];
	date_write_styled(g, when, died, DATE_DAY, 0);
	if (rng_chance(r, 0.5))
		snprintf(raw, sizeof(raw), "%02d giờ %02d phút, %s%s", hh, mm,
		         strncmp(when, "ngày", 4) ? "ngày " : "", when);
	else
		snprintf(raw, sizeof(raw), "%d giờ %d phút, %s%s", hh, mm,
		         strncmp(when, "ngày", 4) ? "ngày " : "", when);
	snprintf(value, sizeof(value), "%04d-%02d-%02dT%02d:%02d", died.y, died.m, died.d, hh, mm);
	if (field_set(e, "death.datetime", value, raw, NULL) < 0)
		return -1;
	struct place where;
	int in_hospital = rng_chance(r, 0.4) && place_hospital(g, &where, SO_HOSPITAL_GENERAL) == 0;
	int in_facility = 0;
	if (!in_hospital && !g->style.hand->classic &&
	    rng_chance(r, g->style.hand->facility / 0.6)) {
		place_facility(g, &where, 0);
		in_facility = 1;
	} else if (!in_hospital) {
		where = dead.residence;
	}
	if (set_place(bg, e, "death.place", &where, in_hospital && rng_chance(r, 0.3)) < 0)
		return -1;
	const char *cause = age >= 80 && rng_chance(r, 0.5) ? (rng_chance(r, 0.5) ? "Bệnh già"
	                                                                           : "Già yếu")
	                                                    : RNG_PICK(r, death_causes);
	if (age < 60 && (strcmp(cause, "Bệnh già") == 0 || strcmp(cause, "Già yếu") == 0))
		cause = "Bệnh tim";
	if (field_set(e, "death.cause", cause, cause, NULL) < 0)
		return -1;

	/* the death notice */
	if (rng_chance(r, 0.85)) {
		char num[32], issuer[200];
		int n = rng_int(r, 1, 999);
		if (rng_chance(r, 0.7))
			snprintf(num, sizeof(num), "%d/GBT", n);
		else
			snprintf(num, sizeof(num), "%d", n);
		long span = date_to_days(reg) - date_to_days(died);
		struct date issued = date_add_days(died, rng_int(r, 0, (int)span));
		if (in_hospital)
			snprintf(issuer, sizeof(issuer), "%s", where.hospital->name);
		else if (in_facility)
			snprintf(issuer, sizeof(issuer), "%s", where.facility_name);
		else
			snprintf(issuer, sizeof(issuer), "Trạm Y tế %s",
			         g->units->communes[dead.residence.commune].name);
		if (field_set(e, "death_notice.number", num, num, NULL) < 0 ||
		    set_date(bg, e, "death_notice.date", issued, DATE_DAY, 1) < 0 ||
		    field_set(e, "death_notice.issuer", issuer, issuer, NULL) < 0)
			return -1;
	}

	/* the declarant, a relative */
	const char *rel;
	int decl_age, decl_female = rng_chance(r, 0.5);
	u = rng_unit(r);
	if (age >= 40 && u < 0.55) {
		rel = "con";
		decl_age = age - rng_int(r, 20, 35);
	} else if (age >= 25 && age < 90 && u < 0.8) {
		decl_female = !dead.female;
		rel = decl_female ? "vợ" : "chồng";
		decl_age = age + rng_int(r, -5, 5);
	} else if (u < 0.9) {
		rel = "cháu";
		decl_age = rng_int(r, 18, 50);
	} else {
		rel = decl_female ? "em gái" : "em trai";
		decl_age = age - rng_int(r, 2, 10);
	}
	if (decl_age < 18)
		decl_age = 18;
	person_make(g, &decl, decl_female,
	            strcmp(rel, "con") == 0 && !dead.female ? dead.family : NULL,
	            years_before(bg, reg, decl_age));
	decl.residence = dead.residence;
	person_draw_id(g, &decl, decl_age);
	if (set_name(bg, e, "declarant.full_name", &decl) < 0 ||
	    set_id_document(bg, e, "declarant.id_document", &decl) < 0 ||
	    field_set(e, "declarant.relationship", rel, rel, NULL) < 0)
		return -1;
	return set_notes(bg, e, 0);
}

static int parentage_entry(struct book_gen *bg, struct entry *e, struct date reg)
{
	struct gen_ctx *g = &bg->g;
	struct rng *r = &bg->rng;
	struct person parent, child;
	int is_father = rng_chance(r, 0.75);
	double u = rng_unit(r);
	int child_age = u < 0.6 ? rng_int(r, 0, 9) : u < 0.85 ? rng_int(r, 10, 17) : rng_int(r, 18, 30);
	struct date born = years_before(bg, reg, child_age);
	person_make(g, &parent, !is_father, NULL, years_before(bg, born, rng_int(r, 21, 39)));
	if (g->year >= 1990 && rng_chance(r, 0.05)) {
		parent.birth = years_before(bg, born, rng_int(r, 21, 39));
		person_make_foreign(g, &parent, !is_father, RNG_PICK(r, foreign_countries));
	}
	parent.birth_precision = birth_precision_draw(g, 1);
	person_make(g, &child, rng_chance(r, 0.49),
	            parent.foreign_name ? NULL : parent.family, born);
	if (parent.ethnic) {
		child.ethnic = parent.ethnic;
		child.ethnic_written = parent.ethnic_written;
	}
	place_address(g, &parent.residence, place_commune_draw(g, PLACE_NEAR), 1);
	if (rng_chance(r, 0.7))
		child.residence = parent.residence;
	else
		place_address(g, &child.residence, place_commune_draw(g, PLACE_NEAR), 1);
	person_draw_id(g, &parent, age_at(parent.birth, reg));
	person_draw_id(g, &child, age_at(child.birth, reg));
	if (set_person(bg, e, "parent", &parent, 1) < 0 ||
	    set_person(bg, e, "child", &child, 1) < 0)
		return -1;
	const char *rel = is_father ? "Cha - con" : "Mẹ - con";
	if (field_set(e, "relationship", is_father ? "father" : "mother", rel, NULL) < 0)
		return -1;
	return set_notes(bg, e, 1);
}

/* ---- the book ---- */

static void style_draw(struct book_gen *bg)
{
	struct rng *r = &bg->rng;
	struct book_style *s = &bg->g.style;
	const struct hand *h = s->hand;
	if (h->classic) {
		static const double forms[DATE_FORM_CLASSIC] = { 45, 20, 10, 10, 15 };
		s->names_upper = rng_chance(r, 0.6);
		s->date_form = (enum date_form)rng_weighted(r, forms, DATE_FORM_CLASSIC);
		s->number_form = (int)rng_weighted(r, (const double[]){ 55, 25, 20 }, 3);
		s->place_form = (int)rng_weighted(r, (const double[]){ 45, 35, 20 }, 3);
		s->label_colon = rng_chance(r, 0.8);
		s->na_dash = rng_chance(r, 0.5);
		return;
	}
	s->names_upper = rng_chance(r, h->names_upper);
	s->date_form = (enum date_form)rng_weighted(r, h->date_forms, DATE_FORM_COUNT);
	s->number_form = (int)rng_weighted(r, h->number_forms, NUMBER_FORM_COUNT);
	s->place_form = (int)rng_weighted(r, h->place_forms, 3);
	s->label_colon = rng_chance(r, 0.8);
	s->na_dash = rng_chance(r, 0.5);
	s->abbr = (int)rng_weighted(r, h->abbr, ABBR_COUNT);
	s->sep = (int)rng_weighted(r, h->seps, SEP_COUNT);
	s->unit_case = (int)rng_weighted(r, h->cases, CASE_COUNT);
}

static int authority_draw(struct book_gen *bg)
{
	struct gen_ctx *g = &bg->g;
	const struct so_unit_list *u = g->units;
	if (bg->req->authority) {
		g->authority = so_unit_find_commune(u, bg->req->authority);
		if (g->authority < 0)
			return so_error("authority '%s' is not a commune of the unit list %s 2025-07-01",
			                bg->req->authority, g->new_units ? "from" : "before");
		return 0;
	}
	/* a commune of a big city mostly: start from any commune and move to a city's */
	g->authority = (long)rng_below(&bg->rng, u->ncommunes);
	if (rng_chance(&bg->rng, 0.85))
		g->authority = place_commune_draw(g, PLACE_MAIN);
	return 0;
}

/* Rows per page, blank sheets and a short last page. */
static int plan_pages(struct book_gen *bg)
{
	struct book_content *b = bg->b;
	const struct book_request *q = bg->req;
	size_t total = (size_t)q->pages + (size_t)q->blank_pages;
	b->pages = so_calloc(total, sizeof(*b->pages));
	if (!b->pages)
		return -1;
	b->npages = total;
	/* blank sheets at distinct places */
	for (int k = 0; k < q->blank_pages; k++) {
		size_t at;
		do
			at = rng_below(&bg->plan, total);
		while (b->pages[at].blank);
		b->pages[at].blank = 1;
	}
	int first = rng_int(&bg->plan, 1, 40);
	int printed = first;
	size_t table_pages = 0;
	for (size_t i = 0; i < total; i++) {
		struct book_page *p = &b->pages[i];
		if (p->blank)
			continue;
		p->printed_number = printed++;
		p->rows = q->rows ? q->rows : rng_int(&bg->plan, bg->layout->rows_min,
		                                      bg->layout->rows_max);
		p->nentries = (size_t)p->rows;
		if (++table_pages == (size_t)q->pages && p->rows > 1 && rng_chance(&bg->plan, 0.5))
			p->nentries = (size_t)rng_int(&bg->plan, 1, p->rows - 1);
		b->nentries += p->nentries;
	}
	b->entries = so_calloc(b->nentries ? b->nentries : 1, sizeof(*b->entries));
	if (!b->entries)
		return -1;
	size_t k = 0;
	for (size_t i = 0; i < total; i++) {
		b->pages[i].entries = b->entries + k;
		k += b->pages[i].nentries;
	}
	for (size_t i = 0; i < b->nentries; i++) {
		b->entries[i].smudged_column = -1;
		b->entries[i].number = (first - 1) * 5 + 1 + (int)i;
	}
	return 0;
}

/* Registration dates: rising through the part of the year the pages cover. */
static void registration_dates(struct book_gen *bg, struct date *dates, size_t n)
{
	struct date start = { bg->g.year, 1, 1 }, end = { bg->g.year, 12, 31 };
	if (bg->g.new_units && bg->g.year == 2025)
		start.m = 7;
	long s = date_to_days(start), t = date_to_days(end);
	long span = t - s;
	long d = s + (long)rng_below(&bg->plan, (uint64_t)(span / 2 + 1));
	for (size_t i = 0; i < n; i++) {
		double q = (double)(t - d) / (double)(n - i + 1);
		if (i > 0 && rng_chance(&bg->plan, q > 0.9 ? 0.9 : q))
			d += 1 + (rng_chance(&bg->plan, 0.3) && d + 1 < t);
		if (d > t)
			d = t;
		dates[i] = date_from_days(d);
	}
}

static int (*const entry_makers[])(struct book_gen *, struct entry *, struct date) = {
	birth_entry, marriage_entry, death_entry, parentage_entry,
};

struct book_content *content_generate(const struct book_request *req,
                                      const struct so_layout *layout,
                                      const struct so_refdata *rd, uint64_t seed)
{
	struct book_gen bg;
	char tag[160];
	struct date *dates = NULL;
	char *used = NULL;
	memset(&bg, 0, sizeof(bg));
	bg.req = req;
	bg.layout = layout;
	bg.b = so_calloc(1, sizeof(*bg.b));
	if (!bg.b)
		return NULL;
	bg.b->layout = layout;
	snprintf(tag, sizeof(tag), "content %s-%d-%s", req->type, req->year, req->volume);
	rng_seed(&bg.rng, seed, tag);
	snprintf(tag, sizeof(tag), "plan %s-%d-%s", req->type, req->year, req->volume);
	rng_seed(&bg.plan, seed, tag);
	snprintf(tag, sizeof(tag), "anomalies %s-%d-%s", req->type, req->year, req->volume);
	rng_seed(&bg.planted, seed, tag);

	int type = strcmp(req->type, "birth") == 0 ? 0 : strcmp(req->type, "marriage") == 0 ? 1
	         : strcmp(req->type, "death") == 0 ? 2 : strcmp(req->type, "parentage") == 0 ? 3 : -1;
	if (type < 0) {
		so_error("unknown book type '%s'", req->type);
		goto error;
	}
	struct gen_ctx *g = &bg.g;
	g->rd = rd;
	g->rng = &bg.rng;
	g->year = req->year;
	g->new_units = req->year >= 2025;
	g->units = g->new_units ? &rd->new_units : &rd->old_units;
	bg.b->new_units = g->new_units;
	if (authority_draw(&bg) < 0)
		goto error;
	snprintf(bg.b->authority_code, sizeof(bg.b->authority_code), "%s",
	         g->units->communes[g->authority].code);
	place_old_province(g, g->authority, g->old_province);
	snprintf(bg.b->old_province, sizeof(bg.b->old_province), "%s", g->old_province);
	if (!(bg.b->authority_text = place_authority_text(g)))
		goto error;
	g->style.hand = req->hand ? req->hand : hand_default();
	style_draw(&bg);
	if (plan_pages(&bg) < 0)
		goto error;

	size_t n = bg.b->nentries;
	dates = so_calloc(n ? n : 1, sizeof(*dates));
	used = so_calloc(n ? n : 1, 1);
	if (!dates || !used)
		goto error;
	registration_dates(&bg, dates, n);
	for (size_t i = 0; i < n; i++) {
		struct entry *e = &bg.b->entries[i];
		char reg[DATE_TEXT_MAX], canon[DATE_TEXT_MAX];
		if (field_set(e, "registration_number", NULL, NULL, NULL) < 0)
			goto error;
		date_write_styled(g, reg, dates[i], DATE_DAY, 0);
		date_canonical(canon, dates[i], DATE_DAY);
		if (field_set(e, "registration_date", canon, reg, NULL) < 0)
			goto error;
		if (entry_makers[type](&bg, e, dates[i]) < 0)
			goto error;
	}
	long duplicate = -1;
	if (req->anomalies && plant_data_anomalies(&bg, used, &duplicate) < 0)
		goto error;
	for (size_t i = 0; i < n; i++) {
		struct entry *e = &bg.b->entries[i];
		if (duplicate >= 0 && (long)i >= duplicate)
			e->number--;
		if (entry_number_write(&bg, e) < 0 || entry_order_fields(layout, e) < 0 ||
		    entry_cells(&bg, e) < 0)
			goto error;
	}
	if (duplicate >= 0) {
		struct entry *e = &bg.b->entries[duplicate];
		snprintf(e->anomalies[e->nanomalies - 1].message, sizeof(e->anomalies[0].message),
		         "Số đăng ký %d trùng với dòng trước", e->number);
	}
	if (req->anomalies)
		plant_look_anomalies(&bg, used);
	free(dates);
	free(used);
	return bg.b;
error:
	free(dates);
	free(used);
	content_free(bg.b);
	return NULL;
}

void content_free(struct book_content *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->nentries; i++) {
		struct entry *e = &b->entries[i];
		for (size_t k = 0; k < e->nfields; k++) {
			free(e->fields[k].value);
			free(e->fields[k].raw);
			free(e->fields[k].code);
		}
		free(e->fields);
		for (size_t k = 0; k < e->ncells; k++)
			free(e->cells[k]);
		free(e->cells);
	}
	free(b->entries);
	free(b->pages);
	free(b->authority_text);
	free(b);
}
