/*
 * Reading the embedded reference CSV files into the tables of refdata.h. The files are the
 * project's own copies under schemas/ref/; the CSV reader handles quoted fields holding commas
 * and line breaks (the conversion table has them) and refuses over-long records.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/embed.h"
#include "base/text.h"
#include "base/util.h"
#include "register/fields.h"
#include "register/refdata.h"

#define CSV_MAX_FIELDS 16
#define CSV_RECORD_MAX 4096

struct csv_reader {
	const char *p, *end;
	const char *origin;
	long line;
	char scratch[CSV_RECORD_MAX];
	char *fields[CSV_MAX_FIELDS];
	int nfields;
};

/* Reads the next record. Returns 1 with fields set, 0 at the end, -1 on a malformed record. */
static int csv_next(struct csv_reader *c)
{
	if (c->p >= c->end)
		return 0;
	size_t o = 0;
	int quoted = 0;
	c->nfields = 0;
	c->fields[c->nfields++] = c->scratch;
	c->line++;
	while (c->p < c->end) {
		char ch = *c->p++;
		if (quoted) {
			if (ch == '"') {
				if (c->p < c->end && *c->p == '"') {
					c->p++;
				} else {
					quoted = 0;
					continue;
				}
			} else if (ch == '\n') {
				c->line++;
			}
		} else if (ch == '"') {
			quoted = 1;
			continue;
		} else if (ch == '\r') {
			continue;
		} else if (ch == '\n') {
			break;
		} else if (ch == ',') {
			if (o + 1 >= sizeof(c->scratch) || c->nfields >= CSV_MAX_FIELDS)
				return so_error("%s:%ld: record too long", c->origin, c->line);
			c->scratch[o++] = 0;
			c->fields[c->nfields++] = c->scratch + o;
			continue;
		}
		if (o + 1 >= sizeof(c->scratch))
			return so_error("%s:%ld: record too long", c->origin, c->line);
		c->scratch[o++] = ch;
	}
	if (quoted)
		return so_error("%s:%ld: unterminated quoted field", c->origin, c->line);
	c->scratch[o] = 0;
	return 1;
}

static int csv_open(struct csv_reader *c, const char *name)
{
	const struct so_embedded *e = so_embedded_find(name);
	if (!e)
		return so_error("reference file '%s' is not compiled in", name);
	memset(c, 0, sizeof(*c));
	c->p = (const char *)e->data;
	c->end = c->p + e->size;
	c->origin = name;
	return 0;
}

/* A field's text with white space collapsed and NFC; NULL with the error set. */
static char *field_clean(const char *s)
{
	char *t = so_text_collapse(s);
	if (!t)
		return NULL;
	char *n = so_text_nfc(t);
	free(t);
	return n;
}

/* Appends to a growable array of elements of SIZE; returns the new element or NULL. */
static void *array_push(void **arr, size_t *n, size_t *cap, size_t size)
{
	if (so_array_grow(arr, *n, cap, size) < 0)
		return NULL;
	void *el = (char *)*arr + *n * size;
	memset(el, 0, size);
	(*n)++;
	return el;
}

static int digits_only(const char *s, size_t len)
{
	if (strlen(s) != len)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Finds or adds the province CODE/NAME; returns its index or -1. */
static long province_intern(struct so_unit_list *l, size_t *cap, const char *code, const char *name)
{
	for (size_t i = l->nprovinces; i-- > 0;)
		if (strcmp(l->provinces[i].code, code) == 0)
			return (long)i;
	struct so_unit_province *p = array_push((void **)&l->provinces, &l->nprovinces, cap,
	                                     sizeof(*p));
	if (!p)
		return -1;
	p->code = so_strdup(code);
	p->name = field_clean(name);
	if (!p->code || !p->name)
		return -1;
	return (long)(l->nprovinces - 1);
}

static long district_intern(struct so_unit_list *l, size_t *cap, const char *code, const char *name,
			    size_t province)
{
	for (size_t i = l->ndistricts; i-- > 0;)
		if (strcmp(l->districts[i].code, code) == 0)
			return (long)i;
	struct so_unit_district *d = array_push((void **)&l->districts, &l->ndistricts, cap,
	                                     sizeof(*d));
	if (!d)
		return -1;
	d->code = so_strdup(code);
	d->name = field_clean(name);
	d->province = province;
	if (!d->code || !d->name)
		return -1;
	return (long)(l->ndistricts - 1);
}

static int cmp_size(const void *a, const void *b, void *arg)
{
	const struct so_unit_list *l = arg;
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	size_t pa = l->communes[ia].province, pb = l->communes[ib].province;
	if (pa != pb)
		return pa < pb ? -1 : 1;
	return ia < ib ? -1 : ia > ib;
}

static int cmp_district(const void *a, const void *b, void *arg)
{
	const struct so_unit_list *l = arg;
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	long da = l->communes[ia].district, db = l->communes[ib].district;
	if (da != db)
		return da < db ? -1 : 1;
	return ia < ib ? -1 : ia > ib;
}

/* Builds the per-province grouping of communes, and the per-district one of the old list. */
static int units_index(struct so_unit_list *l, const char *origin)
{
	if (l->ncommunes == 0 || l->nprovinces == 0)
		return so_error("'%s' lists no communes", origin);
	l->order = so_calloc(l->ncommunes, sizeof(*l->order));
	if (!l->order)
		return -1;
	for (size_t i = 0; i < l->ncommunes; i++)
		l->order[i] = i;
	qsort_r(l->order, l->ncommunes, sizeof(*l->order), cmp_size, l);
	for (size_t i = 0; i < l->ncommunes; i++) {
		struct so_unit_province *p = &l->provinces[l->communes[l->order[i]].province];
		if (p->count == 0)
			p->first = i;
		p->count++;
	}
	if (l->ndistricts == 0)
		return 0;
	l->by_district = so_calloc(l->ncommunes, sizeof(*l->by_district));
	if (!l->by_district)
		return -1;
	for (size_t i = 0; i < l->ncommunes; i++)
		l->by_district[i] = i;
	qsort_r(l->by_district, l->ncommunes, sizeof(*l->by_district), cmp_district, l);
	for (size_t i = 0; i < l->ncommunes; i++) {
		struct so_unit_district *d = &l->districts[l->communes[l->by_district[i]].district];
		if (d->count == 0)
			d->first = i;
		d->count++;
	}
	return 0;
}

static int load_old_units(struct so_unit_list *l)
{
	const char *name = "ref/admin-units/communes-before-2025-07-01.csv";
	struct csv_reader *c = so_malloc(sizeof(*c));
	size_t pcap = 0, dcap = 0, ccap = 0;
	int rc = -1, r;
	if (!c)
		return -1;
	if (csv_open(c, name) < 0 || csv_next(c) <= 0)   /* header */
		goto cleanup;
	while ((r = csv_next(c)) > 0) {
		if (c->nfields < 7)
			continue;
		char **f = c->fields;
		/* island districts without communes have an empty commune code */
		if (!digits_only(f[1], 2) || !digits_only(f[3], 3) || !digits_only(f[5], 5))
			continue;
		long pi = province_intern(l, &pcap, f[1], f[0]);
		long di = pi < 0 ? -1 : district_intern(l, &dcap, f[3], f[2], (size_t)pi);
		if (pi < 0 || di < 0)
			goto cleanup;
		struct so_unit_commune *u = array_push((void **)&l->communes, &l->ncommunes, &ccap,
		                                    sizeof(*u));
		if (!u)
			goto cleanup;
		u->code = so_strdup(f[5]);
		u->name = field_clean(f[4]);
		u->province = (size_t)pi;
		u->district = di;
		if (!u->code || !u->name)
			goto cleanup;
	}
	if (r < 0 || units_index(l, name) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	free(c);
	return rc;
}

static int load_new_units(struct so_unit_list *l)
{
	const char *name = "ref/admin-units/communes-from-2025-07-01.csv";
	struct csv_reader *c = so_malloc(sizeof(*c));
	size_t pcap = 0, ccap = 0;
	int rc = -1, r;
	if (!c)
		return -1;
	if (csv_open(c, name) < 0 || csv_next(c) <= 0)
		goto cleanup;
	while ((r = csv_next(c)) > 0) {
		if (c->nfields < 4)
			continue;
		char **f = c->fields;
		if (!digits_only(f[0], 2) || !digits_only(f[2], 5))
			continue;
		long pi = province_intern(l, &pcap, f[0], f[1]);
		if (pi < 0)
			goto cleanup;
		struct so_unit_commune *u = array_push((void **)&l->communes, &l->ncommunes, &ccap,
		                                    sizeof(*u));
		if (!u)
			goto cleanup;
		u->code = so_strdup(f[2]);
		u->name = field_clean(f[3]);
		u->province = (size_t)pi;
		u->district = -1;
		if (!u->code || !u->name)
			goto cleanup;
	}
	if (r < 0 || units_index(l, name) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	free(c);
	return rc;
}

/* Splits "a|b|c" into a new array of strings. */
static int split_variants(const char *s, char ***out, size_t *n)
{
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	while (*s) {
		const char *bar = strchr(s, '|');
		size_t len = bar ? (size_t)(bar - s) : strlen(s);
		if (len > 0) {
			char **slot = array_push((void **)out, n, &cap, sizeof(**out));
			if (!slot)
				return -1;
			char *tmp = strndup(s, len);
			if (!tmp)
				return so_error("out of memory");
			*slot = field_clean(tmp);
			free(tmp);
			if (!*slot)
				return -1;
		}
		s += len;
		if (*s == '|')
			s++;
	}
	return 0;
}

/* Reads a code,name,variants file. */
static int load_named_codes(const char *name, size_t code_len, struct so_coded_name **out,
                            size_t *n)
{
	struct csv_reader *c = so_malloc(sizeof(*c));
	size_t cap = 0;
	int rc = -1, r;
	if (!c)
		return -1;
	if (csv_open(c, name) < 0 || csv_next(c) <= 0)
		goto cleanup;
	while ((r = csv_next(c)) > 0) {
		if (c->nfields < 2 || strlen(c->fields[0]) != code_len)
			continue;
		struct so_coded_name *g = array_push((void **)out, n, &cap, sizeof(*g));
		if (!g)
			goto cleanup;
		g->code = so_strdup(c->fields[0]);
		g->name = field_clean(c->fields[1]);
		if (!g->code || !g->name)
			goto cleanup;
		if (c->nfields > 2 && split_variants(c->fields[2], &g->variants, &g->nvariants) < 0)
			goto cleanup;
	}
	if (r < 0)
		goto cleanup;
	if (*n == 0) {
		so_error("'%s' lists nothing", name);
		goto cleanup;
	}
	rc = 0;
cleanup:
	free(c);
	return rc;
}

/*
 * Hospitals whose street address, and so whose commune before 2025-07-01, is well known.
 * The successor commune is taken from the conversion table only when the old commune went
 * whole into one new commune; otherwise the hospital is not used for books from 2025-07-01.
 */
static const struct so_hospital hospital_table[] = {
	/* 284 Cống Quỳnh, Phường Phạm Ngũ Lão, Quận 1 */
	{ "Bệnh viện Từ Dũ", "26749", SO_HOSPITAL_MATERNITY, -1, -1 },
	/* 128 Hồng Bàng, Phường 12, Quận 5 */
	{ "Bệnh viện Hùng Vương", "27310", SO_HOSPITAL_MATERNITY, -1, -1 },
	/* 201B Nguyễn Chí Thanh, Phường 12, Quận 5 */
	{ "Bệnh viện Chợ Rẫy", "27310", SO_HOSPITAL_GENERAL, -1, -1 },
	/* 78 Giải Phóng, Phường Phương Mai, Quận Đống Đa */
	{ "Bệnh viện Bạch Mai", "00232", SO_HOSPITAL_GENERAL, -1, -1 },
	/* 929 La Thành, Phường Ngọc Khánh, Quận Ba Đình */
	{ "Bệnh viện Phụ sản Hà Nội", "00025", SO_HOSPITAL_MATERNITY, -1, -1 },
	/* 43 Tràng Thi, Phường Hàng Bông, Quận Hoàn Kiếm */
	{ "Bệnh viện Phụ sản Trung ương", "00076", SO_HOSPITAL_MATERNITY, -1, -1 },
	/* 40 Tràng Thi, Phường Hàng Bông, Quận Hoàn Kiếm */
	{ "Bệnh viện Hữu nghị Việt Đức", "00076", SO_HOSPITAL_GENERAL, -1, -1 },
	/* 124 Hải Phòng, Phường Thạch Thang, Quận Hải Châu */
	{ "Bệnh viện Đà Nẵng", "20233", SO_HOSPITAL_MATERNITY | SO_HOSPITAL_GENERAL, -1, -1 },
	/* 315 Nguyễn Văn Linh, Phường An Khánh, Quận Ninh Kiều */
	{ "Bệnh viện Đa khoa Trung ương Cần Thơ", "31149", SO_HOSPITAL_MATERNITY | SO_HOSPITAL_GENERAL,
	  -1, -1 },
};

/* Resolves each hospital's commune in both lists through the conversion table. */
static int load_hospitals(struct so_refdata *rd)
{
	size_t nh = SO_ARRAY_SIZE(hospital_table);
	rd->hospitals = so_calloc(nh, sizeof(*rd->hospitals));
	if (!rd->hospitals)
		return -1;
	memcpy(rd->hospitals, hospital_table, sizeof(hospital_table));
	rd->nhospitals = nh;
	for (size_t i = 0; i < nh; i++) {
		struct so_hospital *h = &rd->hospitals[i];
		h->old_commune = so_unit_find_commune(&rd->old_units, h->old_code);
		h->new_commune = h->old_commune >= 0
			? rd->old_units.communes[h->old_commune].successor : -1;
	}
	return 0;
}

static int index_codes(struct so_unit_list *list);
static int load_successors(struct so_refdata *rd);

/* Keys ---------------------------------------------------------------------------------------- */

const char *so_unit_bare(const char *official)
{
	static const char *const words[] = { "thanh pho ", "thi tran ", "thi xa ", "dac khu ",
					     "phuong ", "quan ", "huyen ", "tinh ", "xa " };
	size_t map[64];
	char head[64];
	/* the unit word is within the first bytes: fold only those (whole characters) */
	size_t n = strlen(official) < sizeof(head) - 8 ? strlen(official) : sizeof(head) - 8;
	while (n && ((unsigned char)official[n] & 0xc0) == 0x80)
		n--;
	memcpy(head, official, n);
	head[n] = 0;
	char *f = so_fold(head, map);
	const char *bare = official;
	for (size_t i = 0; f && i < SO_ARRAY_SIZE(words); i++) {
		size_t l = strlen(words[i]);
		if (strncmp(f, words[i], l) == 0 && f[l]) {
			bare = official + map[l];
			break;
		}
	}
	free(f);
	return bare;
}

/* NAME folded (with MAP) and its letters and digits: each character kept (its bytes in NAME
 * when MARKED, its folded letter otherwise), anything else a single space between words. */
static char *key_text(const char *name, int marked)
{
	size_t len = strlen(name);
	size_t *map = so_calloc(len + 1, sizeof(*map));
	char *f = map ? so_fold(name, map) : NULL;
	struct so_buf b = SO_BUF_INIT(4 * len + 16);
	int space = 0, bad = !f;
	for (size_t k = 0; !bad && f[k]; k++) {
		if (!isalnum((unsigned char)f[k])) {
			space = 1;
			continue;
		}
		if (space && b.len)
			bad |= so_buf_adds(&b, " ") < 0;
		space = 0;
		bad |= marked ? so_buf_add(&b, name + map[k], map[k + 1] - map[k]) < 0
			      : so_buf_add(&b, f + k, 1) < 0;
	}
	free(map);
	free(f);
	char *out = bad ? NULL : so_buf_detach(&b, NULL);
	so_buf_release(&b);
	return bad ? NULL : out ? out : so_strdup("");
}

char *so_unit_key(const char *name)
{
	char *t = key_text(name, 1);
	char *k = t ? so_text_tone_key(t) : NULL;
	free(t);
	return k;
}

char *so_unit_fold(const char *name)
{
	return key_text(name, 0);
}

static int unit_keys(const char *name, char **key, char **fold)
{
	const char *bare = so_unit_bare(name);
	*key = so_unit_key(bare);
	*fold = so_unit_fold(bare);
	return *key && *fold ? 0 : -1;
}

static int list_keys(struct so_unit_list *l)
{
	for (size_t i = 0; i < l->nprovinces; i++)
		if (unit_keys(l->provinces[i].name, &l->provinces[i].key, &l->provinces[i].fold) < 0)
			return -1;
	for (size_t i = 0; i < l->ndistricts; i++)
		if (unit_keys(l->districts[i].name, &l->districts[i].key, &l->districts[i].fold) < 0)
			return -1;
	for (size_t i = 0; i < l->ncommunes; i++)
		if (unit_keys(l->communes[i].name, &l->communes[i].key, &l->communes[i].fold) < 0)
			return -1;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted, unique folded names of every unit of both lists (pointers to their keys). */
static int index_folds(struct so_refdata *rd)
{
	const struct so_unit_list *lists[] = { &rd->old_units, &rd->new_units };
	size_t n = 0;
	for (size_t l = 0; l < 2; l++)
		n += lists[l]->nprovinces + lists[l]->ndistricts + lists[l]->ncommunes;
	rd->unit_folds = so_calloc(n ? n : 1, sizeof(char *));
	if (!rd->unit_folds)
		return -1;
	size_t k = 0;
	for (size_t l = 0; l < 2; l++) {
		for (size_t i = 0; i < lists[l]->nprovinces; i++)
			rd->unit_folds[k++] = lists[l]->provinces[i].fold;
		for (size_t i = 0; i < lists[l]->ndistricts; i++)
			rd->unit_folds[k++] = lists[l]->districts[i].fold;
		for (size_t i = 0; i < lists[l]->ncommunes; i++)
			rd->unit_folds[k++] = lists[l]->communes[i].fold;
	}
	qsort(rd->unit_folds, k, sizeof(char *), cmp_str);
	size_t u = 0;
	for (size_t i = 0; i < k; i++)
		if (u == 0 || strcmp(rd->unit_folds[u - 1], rd->unit_folds[i]) != 0)
			rd->unit_folds[u++] = rd->unit_folds[i];
	rd->nunit_folds = u;
	return 0;
}

int so_unit_name_begins(const struct so_refdata *rd, const char *fold)
{
	size_t lo = 0, hi = rd->nunit_folds, l = strlen(fold);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(rd->unit_folds[mid], fold) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < rd->nunit_folds && strncmp(rd->unit_folds[i], fold, l) == 0; i++)
		if (rd->unit_folds[i][l] == 0 || rd->unit_folds[i][l] == ' ')
			return 1;
	return 0;
}

struct so_refdata *so_refdata_load(void)
{
	struct so_refdata *rd = so_calloc(1, sizeof(*rd));
	if (!rd)
		return NULL;
	if (load_old_units(&rd->old_units) < 0 || load_new_units(&rd->new_units) < 0 ||
	    index_codes(&rd->old_units) < 0 || index_codes(&rd->new_units) < 0 ||
	    load_successors(rd) < 0 || list_keys(&rd->old_units) < 0 ||
	    list_keys(&rd->new_units) < 0 || index_folds(rd) < 0)
		goto error;
	if (load_named_codes("ref/ethnic-groups.csv", 2, &rd->ethnic, &rd->nethnic) < 0)
		goto error;
	if (load_named_codes("ref/countries.csv", 2, &rd->countries,
	                     &rd->ncountries) < 0)
		goto error;
	if (load_hospitals(rd) < 0)
		goto error;
	return rd;
error:
	so_refdata_free(rd);
	return NULL;
}

static void units_free(struct so_unit_list *l)
{
	for (size_t i = 0; i < l->nprovinces; i++) {
		free(l->provinces[i].code);
		free(l->provinces[i].name);
		free(l->provinces[i].key);
		free(l->provinces[i].fold);
	}
	for (size_t i = 0; i < l->ndistricts; i++) {
		free(l->districts[i].code);
		free(l->districts[i].name);
		free(l->districts[i].key);
		free(l->districts[i].fold);
	}
	for (size_t i = 0; i < l->ncommunes; i++) {
		free(l->communes[i].code);
		free(l->communes[i].name);
		free(l->communes[i].key);
		free(l->communes[i].fold);
	}
	free(l->provinces);
	free(l->districts);
	free(l->communes);
	free(l->order);
	free(l->by_code);
	free(l->by_district);
}

static void named_free(struct so_coded_name *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(g[i].code);
		free(g[i].name);
		for (size_t k = 0; k < g[i].nvariants; k++)
			free(g[i].variants[k]);
		free(g[i].variants);
	}
	free(g);
}

void so_refdata_free(struct so_refdata *rd)
{
	if (!rd)
		return;
	units_free(&rd->old_units);
	units_free(&rd->new_units);
	named_free(rd->ethnic, rd->nethnic);
	named_free(rd->countries, rd->ncountries);
	free(rd->hospitals);
	free(rd->unit_folds);
	free(rd);
}

long so_unit_find_commune(const struct so_unit_list *list, const char *code)
{
	size_t lo = 0, hi = list->ncommunes;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(list->communes[list->by_code[mid]].code, code);
		if (c == 0)
			return (long)list->by_code[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static const struct so_unit_list *sort_list;

static int by_code_cmp(const void *a, const void *b)
{
	return strcmp(sort_list->communes[*(const size_t *)a].code,
		      sort_list->communes[*(const size_t *)b].code);
}

/* The code index of a list; every commune starts without a successor. */
static int index_codes(struct so_unit_list *list)
{
	list->by_code = so_calloc(list->ncommunes ? list->ncommunes : 1, sizeof(size_t));
	if (!list->by_code)
		return -1;
	for (size_t i = 0; i < list->ncommunes; i++) {
		list->by_code[i] = i;
		list->communes[i].successor = -1;
	}
	sort_list = list;
	qsort(list->by_code, list->ncommunes, sizeof(size_t), by_code_cmp);
	sort_list = NULL;
	return 0;
}

/*
 * The successor of each old commune, from the conversion table: the new commune it went into
 * when every row of the old code names the same new commune (merged whole); none when it was
 * split between several.
 */
static int load_successors(struct so_refdata *rd)
{
	struct csv_reader *c = so_malloc(sizeof(*c));
	int rc = -1, r;
	if (!c)
		return -1;
	size_t n = rd->old_units.ncommunes;
	long *succ = so_calloc(n ? n : 1, sizeof(long));
	if (!succ)
		goto cleanup;
	for (size_t i = 0; i < n; i++)
		succ[i] = -1;
	if (csv_open(c, "ref/admin-units/commune-conversion-2025-07-01.csv") < 0)
		goto cleanup;
	while ((r = csv_next(c)) > 0) {
		if (c->nfields < 5 || !digits_only(c->fields[2], 5) || !digits_only(c->fields[4], 5))
			continue;
		long old = so_unit_find_commune(&rd->old_units, c->fields[4]);
		long nw = so_unit_find_commune(&rd->new_units, c->fields[2]);
		if (old < 0 || nw < 0)
			continue;
		if (succ[old] == -1)
			succ[old] = nw;
		else if (succ[old] != nw)
			succ[old] = -2; /* split */
	}
	if (r < 0)
		goto cleanup;
	for (size_t i = 0; i < n; i++)
		rd->old_units.communes[i].successor = succ[i] >= 0 ? succ[i] : -1;
	rc = 0;
cleanup:
	free(succ);
	free(c);
	return rc;
}

long so_unit_find_province(const struct so_unit_list *list, const char *code)
{
	for (size_t i = 0; i < list->nprovinces; i++)
		if (strcmp(list->provinces[i].code, code) == 0)
			return (long)i;
	return -1;
}

const struct so_coded_name *so_country_find(const struct so_refdata *rd, const char *code)
{
	for (size_t i = 0; i < rd->ncountries; i++)
		if (strcmp(rd->countries[i].code, code) == 0)
			return &rd->countries[i];
	return NULL;
}

const struct so_coded_name *so_ethnic_find(const struct so_refdata *rd, const char *code)
{
	for (size_t i = 0; i < rd->nethnic; i++)
		if (strcmp(rd->ethnic[i].code, code) == 0)
			return &rd->ethnic[i];
	return NULL;
}
