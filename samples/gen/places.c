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

void place_address(struct gen_ctx *g, struct place *p, long commune, int street_allowed)
{
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

int place_write(struct gen_ctx *g, const struct place *p, int name_only, char **raw,
                char **value, char code[8])
{
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
