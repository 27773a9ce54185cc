/*
 * Places in the registers: communes drawn around the registering authority (mostly the same
 * district or province, sometimes one of the big cities, now and then anywhere in the list
 * valid for the book), house numbers and streets in towns, hospitals; and the way they are
 * written, full (`Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh`) or abbreviated
 * (`P. Bến Nghé, Q. 1, TP. Hồ Chí Minh`), beside their canonical form and commune code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "base/util.h"
#include "people.h"

/* The big cities most registers come from, with their share among them. */
static const struct { const char *code; double weight; } main_provinces[] = {
	{ "79", 35 }, { "01", 25 }, { "48", 10 }, { "92", 8 }, { "31", 7 },
};

static const char *const streets[] = {
	"Nguyễn Trãi", "Lê Lợi", "Trần Hưng Đạo", "Hai Bà Trưng", "Lý Thường Kiệt",
	"Nguyễn Huệ", "Lê Duẩn", "Điện Biên Phủ", "Cách Mạng Tháng Tám", "Hùng Vương",
	"Quang Trung", "Phan Đình Phùng", "Bà Triệu", "Nguyễn Du", "Trần Phú", "Lê Lai",
	"Nguyễn Thị Minh Khai", "Võ Thị Sáu", "Hoàng Diệu", "Phan Chu Trinh", "Nguyễn Văn Cừ",
	"Lê Thánh Tôn", "Ngô Quyền", "Trần Quang Khải", "Nguyễn Đình Chiểu", "Lạc Long Quân",
	"Âu Cơ", "Nguyễn Chí Thanh", "Tôn Đức Thắng", "Lê Văn Sỹ", "Nguyễn Văn Linh",
};

static long commune_in_province(struct gen_ctx *g, size_t province)
{
	const struct so_unit_province *p = &g->units->provinces[province];
	if (p->count == 0)
		return g->authority;
	return (long)g->units->order[p->first + rng_below(g->rng, p->count)];
}

long place_commune_draw(struct gen_ctx *g, enum place_scope scope)
{
	const struct so_unit_list *u = g->units;
	const struct so_unit_commune *auth = &u->communes[g->authority];
	if (scope == PLACE_NEAR) {
		static const double w[] = { 35, 35, 15, 15 };
		scope = (enum place_scope)rng_weighted(g->rng, w, SO_ARRAY_SIZE(w));
	}
	switch (scope) {
	case PLACE_LOCAL: {
		if (auth->district < 0)
			return commune_in_province(g, auth->province);
		const struct so_unit_province *p = &u->provinces[auth->province];
		size_t n = 0;
		for (size_t i = 0; i < p->count; i++)
			if (u->communes[u->order[p->first + i]].district == auth->district)
				n++;
		size_t k = rng_below(g->rng, n);
		for (size_t i = 0; i < p->count; i++) {
			long c = (long)u->order[p->first + i];
			if (u->communes[c].district == auth->district && k-- == 0)
				return c;
		}
		return g->authority;
	}
	case PLACE_PROVINCE:
		return commune_in_province(g, auth->province);
	case PLACE_MAIN: {
		double w[SO_ARRAY_SIZE(main_provinces)];
		for (size_t i = 0; i < SO_ARRAY_SIZE(w); i++)
			w[i] = main_provinces[i].weight;
		size_t k = rng_weighted(g->rng, w, SO_ARRAY_SIZE(w));
		long pi = so_unit_find_province(u, main_provinces[k].code);
		if (pi < 0)
			return commune_in_province(g, auth->province);
		return commune_in_province(g, (size_t)pi);
	}
	default:
		return (long)rng_below(g->rng, u->ncommunes);
	}
}

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void place_address_hand(struct gen_ctx *g, struct place *p, long commune,
                               int street_allowed);

void place_address(struct gen_ctx *g, struct place *p, long commune, int street_allowed)
{
	if (!g->style.hand->classic) {
		place_address_hand(g, p, commune, street_allowed);
		return;
	}
	memset(p, 0, sizeof(*p));
	p->commune = commune;
	const char *name = g->units->communes[commune].name;
	int town = starts_with(name, "Phường ") || starts_with(name, "Thị trấn ");
	if (!street_allowed || !town || !rng_chance(g->rng, 0.6))
		return;
	p->street = RNG_PICK(g->rng, streets);
	int n = rng_int(g->rng, 1, 350);
	double u = rng_unit(g->rng);
	if (u < 0.7)
		snprintf(p->house, sizeof(p->house), "%d", n);
	else if (u < 0.85)
		snprintf(p->house, sizeof(p->house), "%d%c", n, "ABC"[rng_below(g->rng, 3)]);
	else
		snprintf(p->house, sizeof(p->house), "%d/%d", n, rng_int(g->rng, 1, 40));
}

int place_hospital(struct gen_ctx *g, struct place *p, int kind)
{
	const struct so_hospital *pool[32], *local[32];
	size_t n = 0, nl = 0;
	const struct so_unit_commune *auth = &g->units->communes[g->authority];
	for (size_t i = 0; i < g->rd->nhospitals && n < SO_ARRAY_SIZE(pool); i++) {
		const struct so_hospital *h = &g->rd->hospitals[i];
		long c = g->new_units ? h->new_commune : h->old_commune;
		if (c < 0 || !(h->kind & kind))
			continue;
		pool[n++] = h;
		if (g->units->communes[c].province == auth->province)
			local[nl++] = h;
	}
	if (n == 0)
		return -1;
	const struct so_hospital *h = nl && rng_chance(g->rng, 0.85) ? local[rng_below(g->rng, nl)]
	                                                          : pool[rng_below(g->rng, n)];
	memset(p, 0, sizeof(*p));
	p->hospital = h;
	p->commune = g->new_units ? h->new_commune : h->old_commune;
	return 0;
}

void place_old_province(struct gen_ctx *g, long commune, char out[4])
{
	const struct so_unit_commune *c = &g->units->communes[commune];
	if (g->new_units) {
		long o = so_unit_find_commune(&g->rd->old_units, c->code);
		if (o >= 0) {
			const struct so_unit_commune *oc = &g->rd->old_units.communes[o];
			snprintf(out, 4, "%s", g->rd->old_units.provinces[oc->province].code);
			return;
		}
	}
	snprintf(out, 4, "%s", g->units->provinces[c->province].code);
}

/* Appends ", " (unless first) and TEXT to the buffer. */
static int part_add(struct so_buf *b, const char *text)
{
	if (b->len && so_buf_adds(b, ", ") < 0)
		return -1;
	return so_buf_adds(b, text);
}

/* Writes a unit name abbreviated ("Quận 1" → "Q. 1") into B. */
static int unit_abbreviated(struct gen_ctx *g, struct so_buf *b, const char *name, int tight)
{
	static const struct { const char *kind, *abbr; } abbrs[] = {
		{ "Phường ", "P." }, { "Xã ", "X." }, { "Thị trấn ", "TT." }, { "Quận ", "Q." },
		{ "Huyện ", "H." }, { "Thị xã ", "TX." }, { "Tỉnh ", "T." },
	};
	if (b->len && so_buf_adds(b, ", ") < 0)
		return -1;
	if (starts_with(name, "Thành phố ")) {
		static const char *const tp[] = { "TP. ", "TP. ", "TP. ", "Tp. ", "Tp " };
		const char *a = RNG_PICK(g->rng, tp);
		if (tight && a[strlen(a) - 2] == '.')
			a = strcmp(a, "TP. ") == 0 ? "TP." : "Tp.";
		return so_buf_addf(b, "%s%s", a, name + strlen("Thành phố "));
	}
	for (size_t i = 0; i < SO_ARRAY_SIZE(abbrs); i++)
		if (starts_with(name, abbrs[i].kind))
			return so_buf_addf(b, "%s%s%s", abbrs[i].abbr, tight ? "" : " ",
			                   name + strlen(abbrs[i].kind));
	return so_buf_adds(b, name);   /* Đặc khu and the like have no abbreviation */
}

/* Writes a unit name in full, the kind lower-cased when LOWER. */
static int unit_full(struct so_buf *b, const char *name, int lower)
{
	if (!lower)
		return part_add(b, name);
	char *l = so_text_lower_initial(name);
	if (!l)
		return -1;
	int rc = part_add(b, l);
	free(l);
	return rc;
}

static int place_write_hand(struct gen_ctx *g, const struct place *p, int name_only, char **raw,
                            char **value, char code[8]);

int place_write(struct gen_ctx *g, const struct place *p, int name_only, char **raw,
                char **value, char code[8])
{
	if (!g->style.hand->classic)
		return place_write_hand(g, p, name_only, raw, value, code);
	struct so_buf r = SO_BUF_INIT(4096), v = SO_BUF_INIT(4096);
	const struct so_unit_commune *c = &g->units->communes[p->commune];
	const char *units[3];
	size_t nunits = 0;
	int rc = -1;
	*raw = *value = NULL;
	units[nunits++] = c->name;
	if (c->district >= 0)
		units[nunits++] = g->units == &g->rd->old_units
			? g->rd->old_units.districts[c->district].name : "";
	units[nunits++] = g->units->provinces[c->province].name;
	snprintf(code, 8, "%s", c->code);

	/* canonical form */
	if (p->hospital && part_add(&v, p->hospital->name) < 0)
		goto cleanup;
	if (!p->hospital && p->street && so_buf_addf(&v, "Số %s %s", p->house, p->street) < 0)
		goto cleanup;
	for (size_t i = 0; i < nunits; i++)
		if (part_add(&v, units[i]) < 0)
			goto cleanup;

	/* as written */
	if (p->hospital) {
		if (so_buf_adds(&r, p->hospital->name) < 0)
			goto cleanup;
		if (name_only)
			goto done;
	} else if (p->street) {
		double u = rng_unit(g->rng);
		const char *lead = u < 0.5 ? "Số " : u < 0.9 ? "" : "số ";
		if (so_buf_addf(&r, "%s%s %s", lead, p->house, p->street) < 0)
			goto cleanup;
	}
	int form = g->style.place_form;
	if (rng_chance(g->rng, 0.15))
		form = (int)rng_below(g->rng, 3);
	int tight = rng_chance(g->rng, 0.1);
	int lower = form == 0 && rng_chance(g->rng, 0.08);
	for (size_t i = 0; i < nunits; i++) {
		int last = i + 1 == nunits;
		int abbreviate = form == 1 || (form == 2 && !last);
		if ((abbreviate ? unit_abbreviated(g, &r, units[i], tight)
		                : unit_full(&r, units[i], lower)) < 0)
			goto cleanup;
	}
done:
	*raw = so_buf_detach(&r, NULL);
	*value = so_buf_detach(&v, NULL);
	if (!*raw || !*value) {
		SO_FREE(*raw);
		SO_FREE(*value);
		goto cleanup;
	}
	rc = 0;
cleanup:
	so_buf_release(&r);
	so_buf_release(&v);
	return rc;
}

char *place_authority_text(struct gen_ctx *g)
{
	const struct so_unit_commune *c = &g->units->communes[g->authority];
	const char *province = g->units->provinces[c->province].name;
	if (c->district >= 0 && !g->new_units)
		return so_asprintf("UBND %s, %s, %s", c->name,
		                   g->rd->old_units.districts[c->district].name, province);
	return so_asprintf("UBND %s, %s", c->name, province);
}

/* ---- the other hands (hand.h): every written form of REGISTERS.md ---- */

/* The kinds of unit, with their word in each case and their abbreviations by set. */
struct unit_kind {
	const char *word, *lower, *upper, *title;
	const char *abbr[ABBR_COUNT];   /* classic, tight, bare, south, mixed; NULL: none */
};

static const struct unit_kind unit_kinds[] = {
	{ "Phường", "phường", "PHƯỜNG", "Phường", { "P. ", "P.", "P ", "P.", "Ph. " } },
	{ "Xã", "xã", "XÃ", "Xã", { "X. ", "X.", "X ", "X. ", "X. " } },
	{ "Thị trấn", "thị trấn", "THỊ TRẤN", "Thị Trấn", { "TT. ", "TT.", "TT ", "TT. ", "Tt. " } },
	{ "Quận", "quận", "QUẬN", "Quận", { "Q. ", "Q.", "Q ", "Q.", "Q. " } },
	{ "Huyện", "huyện", "HUYỆN", "Huyện", { "H. ", "H.", "H ", "H. ", "H. " } },
	{ "Thị xã", "thị xã", "THỊ XÃ", "Thị Xã", { "TX. ", "TX.", "TX ", "TX. ", "Tx. " } },
	{ "Thành phố", "thành phố", "THÀNH PHỐ", "Thành Phố",
	  { "TP. ", "TP.", "TP ", "TP. ", "Tp. " } },
	{ "Tỉnh", "tỉnh", "TỈNH", "Tỉnh", { "T. ", "T.", NULL, "T. ", "T. " } },
	{ "Đặc khu", "đặc khu", "ĐẶC KHU", "Đặc Khu", { NULL, NULL, NULL, NULL, NULL } },
};

/* The kind of the unit NAME ("Thị xã Buôn Hồ"), or NULL; *REST gets the name after it. */
static const struct unit_kind *unit_kind_of(const char *name, const char **rest)
{
	for (size_t i = 0; i < SO_ARRAY_SIZE(unit_kinds); i++) {
		size_t n = strlen(unit_kinds[i].word);
		if (strncmp(name, unit_kinds[i].word, n) == 0 && name[n] == ' ') {
			*rest = name + n + 1;
			return &unit_kinds[i];
		}
	}
	*rest = name;
	return NULL;
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Appends TEXT to B, in capitals when UPPER. */
static int add_cased(struct so_buf *b, const char *text, int upper)
{
	if (!upper)
		return so_buf_adds(b, text);
	char *u = so_text_upper(text);
	if (!u)
		return -1;
	int rc = so_buf_adds(b, u);
	free(u);
	return rc;
}

static const char *const separators[SEP_COUNT] = { ", ", ". ", "; ", " - ", "\n", " " };

/* One weighted choice among N weights of the hand; 0 when all are zero. */
static int hand_pick(struct gen_ctx *g, const double *w, size_t n)
{
	return (int)rng_weighted(g->rng, w, n);
}

/* A unit written in the book's manner: in full (cased) or abbreviated (by the set). */
static int unit_write(struct gen_ctx *g, struct so_buf *b, const char *name, int abbreviate,
                      int abbr, int ucase, int province)
{
	const char *rest;
	const struct unit_kind *k = unit_kind_of(name, &rest);
	int all_upper = ucase == CASE_ALL_UPPER;
	if (!k)
		return add_cased(b, name, all_upper);
	int hcm = province && strcmp(name, "Thành phố Hồ Chí Minh") == 0;
	if (hcm && rng_chance(g->rng, g->style.hand->city_short)) {
		static const char *const forms[ABBR_COUNT][2] = {
			{ "TP. HCM", "TP.HCM" }, { "TP.HCM", "TP.HCM" }, { "TPHCM", "TP HCM" },
			{ "TP.HCM", "TPHCM" }, { "Tp. HCM", "Tp.HCM" },
		};
		return so_buf_adds(b, forms[abbr][rng_below(g->rng, 2)]);
	}
	const char *a = abbreviate ? k->abbr[abbr] : NULL;
	if (a) {
		int number = all_digits(rest);
		if (abbr == ABBR_SOUTH && number && k == &unit_kinds[0])
			a = rng_chance(g->rng, 0.5) ? "F." : "F";
		else if (abbr == ABBR_BARE && number)
			a = rng_chance(g->rng, 0.6) ? (k == &unit_kinds[0] ? "P" : k == &unit_kinds[3]
			                                                      ? "Q" : a) : a;
		else if (abbr == ABBR_SOUTH && number && k == &unit_kinds[3])
			a = "Q";
		else if (abbr == ABBR_MIXED && k == &unit_kinds[6] && rng_chance(g->rng, 0.3))
			a = "T.P ";
		if (so_buf_adds(b, all_upper ? (strcmp(a, "Tp. ") == 0 ? "TP. " : a) : a) < 0)
			return -1;
		return add_cased(b, rest, all_upper);
	}
	const char *word = k->word;
	switch (ucase) {
	case CASE_TITLE:
		word = k->title;
		break;
	case CASE_UPPER:
	case CASE_ALL_UPPER:
		word = k->upper;
		break;
	case CASE_LOWER:
		word = k->lower;
		break;
	default:
		break;
	}
	if (so_buf_addf(b, "%s ", word) < 0)
		return -1;
	return add_cased(b, rest, all_upper);
}

static const char *const hamlet_names[] = {
	"Phú Hòa", "Tân Lập", "Đông", "Bình An", "Mỹ Lợi", "Hòa Bình", "Tân Thành", "Phước Lộc",
	"Trung", "Thượng", "Mới", "An Phú", "Thạnh Mỹ", "Long Hưng",
};

static void place_address_hand(struct gen_ctx *g, struct place *p, long commune,
                               int street_allowed)
{
	const struct hand *h = g->style.hand;
	memset(p, 0, sizeof(*p));
	p->commune = commune;
	const struct so_unit_commune *c = &g->units->communes[commune];
	int province = atoi(g->units->provinces[c->province].code);
	int town = starts_with(c->name, "Phường ") || starts_with(c->name, "Thị trấn ");
	if (!street_allowed)
		return;
	if (town && rng_chance(g->rng, h->street)) {
		p->street = RNG_PICK(g->rng, streets);
		int n = rng_int(g->rng, 1, 350);
		double u = rng_unit(g->rng);
		if (u < 0.55)
			snprintf(p->house, sizeof(p->house), "%d", n);
		else if (u < 0.65)
			snprintf(p->house, sizeof(p->house), "%d%c", n, "ABC"[rng_below(g->rng, 3)]);
		else if (u < 0.75)
			snprintf(p->house, sizeof(p->house), "%d/%d", n, rng_int(g->rng, 1, 40));
		else if (u < 0.87)
			snprintf(p->house, sizeof(p->house), "%d/%d%c", n, rng_int(g->rng, 1, 40),
			         "ABC"[rng_below(g->rng, 3)]);
		else {
			p->alley = 1;
			snprintf(p->house, sizeof(p->house), "%d", rng_int(g->rng, 2, 199));
		}
		return;
	}
	if (!rng_chance(g->rng, h->hamlet))
		return;
	int number = rng_chance(g->rng, 0.65);
	char name[48];
	if (number)
		snprintf(name, sizeof(name), "%d", rng_int(g->rng, 1, 15));
	else
		snprintf(name, sizeof(name), "%s", RNG_PICK(g->rng, hamlet_names));
	if (town) {
		const char *kind = province >= 70 ? (province >= 86 && rng_chance(g->rng, 0.4)
		                                     ? "Khóm" : "Khu phố")
		                                  : rng_chance(g->rng, 0.5) ? "Tổ dân phố" : "Tổ";
		snprintf(name, sizeof(name), "%d", rng_int(g->rng, 1, 12));
		if (strcmp(kind, "Khu phố") == 0 && rng_chance(g->rng, 0.3))
			snprintf(p->hamlet, sizeof(p->hamlet), "Tổ %d, Khu phố %s", rng_int(g->rng, 1, 30),
			         name);
		else
			snprintf(p->hamlet, sizeof(p->hamlet), "%s %s", kind, name);
		return;
	}
	const char *kind;
	if (province >= 70)
		kind = "Ấp";
	else if (province >= 62 && province <= 68)
		kind = rng_chance(g->rng, 0.5) ? "Buôn" : "Thôn";
	else if (province >= 2 && province <= 20)
		kind = rng_chance(g->rng, 0.4) ? "Bản" : rng_chance(g->rng, 0.5) ? "Xóm" : "Thôn";
	else
		kind = rng_chance(g->rng, 0.5) ? "Xóm" : "Thôn";
	snprintf(p->hamlet, sizeof(p->hamlet), "%s %s", kind, name);
}

static const char *const clinic_names[] = {
	"Bình Minh", "Phước An", "Hạnh Phúc", "Tâm Đức", "Mỹ Đức", "An Khang", "Thiện Tâm",
	"Hồng Đức", "Phương Nam", "Minh Châu",
};

int place_facility(struct gen_ctx *g, struct place *p, int maternity)
{
	long commune = place_commune_draw(g, PLACE_LOCAL);
	memset(p, 0, sizeof(*p));
	p->commune = commune;
	const struct so_unit_commune *c = &g->units->communes[commune];
	const char *rest;
	const struct unit_kind *k = unit_kind_of(c->name, &rest);
	double u = rng_unit(g->rng);
	if (u < 0.5 && k) {
		p->facility = FACILITY_HEALTH_POST;
		snprintf(p->facility_name, sizeof(p->facility_name), "Trạm Y tế %s %s", k->lower, rest);
	} else if (u < 0.75 && maternity) {
		p->facility = FACILITY_CLINIC;
		snprintf(p->facility_name, sizeof(p->facility_name), "Nhà hộ sinh %s",
		         RNG_PICK(g->rng, clinic_names));
	} else {
		p->facility = FACILITY_GENERAL;
		const char *above = c->district >= 0 && g->units == &g->rd->old_units
			? g->rd->old_units.districts[c->district].name
			: g->units->provinces[c->province].name;
		const struct unit_kind *ak = unit_kind_of(above, &rest);
		snprintf(p->facility_name, sizeof(p->facility_name), "Bệnh viện Đa khoa %s %s",
		         ak ? ak->lower : "", rest);
	}
	return 0;
}

/* The house and street of P as written (*raw) and canonical (*value). */
static int street_write(struct gen_ctx *g, const struct place *p, struct so_buf *r,
                        struct so_buf *v, int upper)
{
	struct so_buf t = SO_BUF_INIT(512);
	int rc = -1;
	if (p->alley) {
		if (so_buf_addf(v, "Hẻm %s %s", p->house, p->street) < 0 ||
		    so_buf_addf(&t, "%s %s %s", rng_chance(g->rng, 0.8) ? "Hẻm" : "hẻm", p->house,
		                p->street) < 0)
			goto done;
	} else {
		static const char *const leads[] = { "Số %s %s", "%s %s", "số %s %s",
		                                     "số nhà %s, đường %s", "Số nhà %s đường %s" };
		static const double w[] = { 35, 35, 10, 10, 10 };
		const char *lead = leads[rng_weighted(g->rng, w, SO_ARRAY_SIZE(w))];
		if (so_buf_addf(v, "Số %s %s", p->house, p->street) < 0 ||
		    so_buf_addf(&t, lead, p->house, p->street) < 0)
			goto done;
	}
	rc = add_cased(r, t.data, upper);
done:
	so_buf_release(&t);
	return rc;
}

/* The hamlet as written: "KP.3" for "Khu phố 3", "ấp 3" now and then. */
static int hamlet_write(struct gen_ctx *g, const char *hamlet, struct so_buf *r, int upper)
{
	struct so_buf t = SO_BUF_INIT(256);
	int rc = -1;
	const char *kp = strstr(hamlet, "Khu phố ");
	if (kp && rng_chance(g->rng, 0.6)) {
		static const char *const forms[] = { "KP.", "KP ", "Kp.", "KP." };
		if (so_buf_add(&t, hamlet, (size_t)(kp - hamlet)) < 0 ||
		    so_buf_addf(&t, "%s%s", RNG_PICK(g->rng, forms), kp + strlen("Khu phố ")) < 0)
			goto done;
	} else if (rng_chance(g->rng, 0.15)) {
		char *l = so_text_lower_initial(hamlet);
		if (!l || so_buf_adds(&t, l) < 0) {
			free(l);
			goto done;
		}
		free(l);
	} else if (so_buf_adds(&t, hamlet) < 0) {
		goto done;
	}
	rc = add_cased(r, t.data, upper);
done:
	so_buf_release(&t);
	return rc;
}

static int place_write_hand(struct gen_ctx *g, const struct place *p, int name_only, char **raw,
                            char **value, char code[8])
{
	const struct hand *h = g->style.hand;
	struct so_buf r = SO_BUF_INIT(4096), v = SO_BUF_INIT(4096);
	const struct so_unit_commune *c = &g->units->communes[p->commune];
	const char *units[3];
	size_t nunits = 0, first = 0;
	int rc = -1;
	*raw = *value = NULL;
	units[nunits++] = c->name;
	if (c->district >= 0 && g->units == &g->rd->old_units)
		units[nunits++] = g->rd->old_units.districts[c->district].name;
	units[nunits++] = g->units->provinces[c->province].name;
	snprintf(code, 8, "%s", c->code);

	int ucase = g->style.unit_case;
	if (rng_chance(g->rng, 0.1))
		ucase = hand_pick(g, h->cases, CASE_COUNT);
	int upper = ucase == CASE_ALL_UPPER;
	int sep = g->style.sep;
	if (rng_chance(g->rng, 0.1))
		sep = hand_pick(g, h->seps, SEP_COUNT);
	int form = g->style.place_form;
	if (rng_chance(g->rng, 0.15))
		form = hand_pick(g, h->place_forms, 3);
	int abbr = g->style.abbr;
	if (rng_chance(g->rng, 0.1))
		abbr = hand_pick(g, h->abbr, ABBR_COUNT);
	/* a place that fills several lines wraps anyway: a line break between units of a short
	 * place reads the same as any other separator */
	const char *sp = separators[sep];

	/* canonical form: what is written before the units, then the units in full */
	if (p->hospital) {
		if (so_buf_adds(&v, p->hospital->name) < 0)
			goto cleanup;
	} else if (p->facility) {
		if (so_buf_adds(&v, p->facility_name) < 0)
			goto cleanup;
		if (p->facility == FACILITY_HEALTH_POST)
			first = 1;   /* the name holds the commune */
	} else if (p->street) {
		if (street_write(g, p, &r, &v, upper) < 0)
			goto cleanup;
	} else if (p->hamlet[0]) {
		if (so_buf_adds(&v, p->hamlet) < 0 || hamlet_write(g, p->hamlet, &r, upper) < 0)
			goto cleanup;
	}
	for (size_t i = first; i < nunits; i++)
		if ((v.len && so_buf_adds(&v, ", ") < 0) || so_buf_adds(&v, units[i]) < 0)
			goto cleanup;

	/* as written */
	if (p->hospital || p->facility) {
		const char *name = p->hospital ? p->hospital->name : p->facility_name;
		/* a facility in no table keeps its name's case: in capitals its canonical form
		 * ("Trạm Y tế xã …") could not be told */
		int cap = upper && p->hospital;
		if (starts_with(name, "Bệnh viện ") && rng_chance(g->rng, h->hospital_short)) {
			if (add_cased(&r, "BV ", cap) < 0 ||
			    add_cased(&r, name + strlen("Bệnh viện "), cap) < 0)
				goto cleanup;
		} else if (add_cased(&r, name, cap) < 0) {
			goto cleanup;
		}
		if (p->hospital && name_only)
			goto done;
	}
	for (size_t i = first; i < nunits; i++) {
		int last = i + 1 == nunits;
		int abbreviate = form == 1 || (form == 2 && !last);
		if (r.len && so_buf_adds(&r, sp) < 0)
			goto cleanup;
		if (unit_write(g, &r, units[i], abbreviate, abbr, ucase, last) < 0)
			goto cleanup;
	}
done:
	*raw = so_buf_detach(&r, NULL);
	*value = so_buf_detach(&v, NULL);
	if (!*raw || !*value) {
		SO_FREE(*raw);
		SO_FREE(*value);
		goto cleanup;
	}
	rc = 0;
cleanup:
	so_buf_release(&r);
	so_buf_release(&v);
	return rc;
}
