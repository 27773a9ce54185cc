/* Canonical values (see normalize.h). */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/text.h"
#include "base/util.h"
#include "register/fields.h"
#include "register/lexicon.h"
#include "register/normalize.h"
#include "register/refdata.h"

/* A place match under this is not taken; between it and PLACE_SURE it is taken but marked. */
#define PLACE_MIN 0.75
#define PLACE_SURE 0.9

void so_canon_release(struct so_canon *c)
{
	SO_FREE(c->value);
	SO_FREE(c->code);
	SO_FREE(c->successor);
}

/* The reference data, loaded once per process at the first question (pthread_once) and
 * read-only after: the only state of this module. */
static struct so_refdata *reference;
static pthread_once_t reference_once = PTHREAD_ONCE_INIT;

static void reference_load(void)
{
	reference = so_refdata_load();
}

static const struct so_refdata *refdata(void)
{
	pthread_once(&reference_once, reference_load);
	if (!reference)
		so_error("the reference data cannot be loaded");
	return reference;
}

/* Keys -------------------------------------------------------------------------------------- */

/* Folded to ASCII letters and digits, single spaces: "Khơ-me" -> "kho me", "P.12" -> "p 12". */
static char *fold_key(const char *s)
{
	char *f = so_fold(s, NULL);
	if (!f)
		return NULL;
	size_t o = 0;
	int space = 0;
	for (size_t i = 0; f[i]; i++) {
		unsigned char c = (unsigned char)f[i];
		if (isalnum(c)) {
			if (space && o)
				f[o++] = ' ';
			space = 0;
			f[o++] = (char)c;
		} else {
			space = 1;
		}
	}
	f[o] = 0;
	return f;
}

/* The same without spaces ("kho me" and "khome" alike). */
static char *tight_key(const char *s)
{
	char *k = fold_key(s);
	if (!k)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; k[i]; i++)
		if (k[i] != ' ')
			k[o++] = k[i];
	k[o] = 0;
	return k;
}

/* A folded key with the letters recognition confuses made one (l, 1 and i; 0 and o), in
 * place; returns it. "la pal" and "ia pal" become alike. */
static char *confusable(char *k)
{
	for (char *p = k; *p; p++) {
		if (*p == 'l' || *p == '1')
			*p = 'i';
		else if (*p == '0')
			*p = 'o';
	}
	return k;
}

/* How alike two names are, 0..1: 1 when equal but for case and tone placement, 0.9 when
 * equal but for marks (a recognition error), then by edit distance of the folded forms. */
static double similarity(const char *a, const char *b)
{
	char *ta = so_text_tone_key(a), *tb = so_text_tone_key(b);
	int same = ta && tb && strcmp(ta, tb) == 0;
	free(ta);
	free(tb);
	if (same)
		return 1.0;
	char *fa = fold_key(a), *fb = fold_key(b);
	double sim = 0;
	if (fa && fb && strcmp(confusable(fa), confusable(fb)) == 0) {
		/* alike but for letters recognition confuses: as sure as a mark error */
		free(fa);
		free(fb);
		return 0.9;
	}
	if (fa && fb) {
		size_t la = strlen(fa), lb = strlen(fb), lmax = la > lb ? la : lb;
		if (lmax) {
			int d = so_edit_distance(fa, la, fb, lb);
			sim = 0.9 * (1.0 - (double)d / (double)lmax);
		}
	}
	free(fa);
	free(fb);
	return sim;
}

/* Simple kinds -------------------------------------------------------------------------------- */

static int set_value(struct so_canon *out, const char *v)
{
	out->value = so_strdup(v);
	out->match = 1;
	return out->value ? 0 : -1;
}

static int canon_number(const char *raw, struct so_canon *out)
{
	const char *p = raw;
	while (*p && !isdigit((unsigned char)*p))
		p++;
	if (!*p) {
		out->problem = "no number";
		return 0;
	}
	char digits[32];
	size_t n = 0;
	while (isdigit((unsigned char)p[n]) && n < sizeof(digits) - 1) {
		digits[n] = p[n];
		n++;
	}
	digits[n] = 0;
	/* leading zeros are not part of the number */
	const char *d = digits;
	while (d[0] == '0' && d[1])
		d++;
	return set_value(out, d);
}

static int canon_date(const char *raw, int with_time, struct so_canon *out)
{
	struct so_date d;
	int ok = with_time ? so_datetime_parse(raw, &d) : so_date_parse(raw, &d);
	if (!ok) {
		out->problem = with_time ? "not a date and time" : "not a date";
		return 0;
	}
	if (!d.valid) {
		out->problem = "not a calendar date";
		return 0;
	}
	char iso[32];
	so_date_iso(&d, iso, sizeof(iso));
	return set_value(out, iso);
}

static int canon_name(const char *raw, struct so_canon *out)
{
	char *clean = so_text_clean(raw, strlen(raw));
	if (!clean) {
		out->problem = "empty";
		return 0;
	}
	out->value = so_text_title(clean);
	free(clean);
	out->match = 1;
	return out->value ? 0 : -1;
}

/* A reference like "125/GBT": no space beside its separators (a wrapped cell puts some). */
static int canon_code(const char *raw, struct so_canon *out)
{
	char *v = so_text_clean(raw, strlen(raw));
	if (!v) {
		out->problem = "empty";
		return 0;
	}
	size_t o = 0, n = strlen(v);
	for (size_t i = 0; i < n; i++) {
		if (v[i] == ' ' && ((o && strchr("/-.", v[o - 1])) || (i + 1 < n && strchr("/-.", v[i + 1]))))
			continue;
		v[o++] = v[i];
	}
	v[o] = 0;
	out->value = v;
	out->match = 1;
	return 0;
}

/* A declarant's relationship: free text, taken as read when it is a listed kinship term. */
static int canon_kinship(const char *raw, struct so_canon *out)
{
	char *clean = so_text_clean(raw, strlen(raw));
	if (!clean) {
		out->problem = "empty";
		return 0;
	}
	/* the value stays as written (free text); a listed term is only known to be a word */
	out->verified = so_kinship(clean) != NULL;
	out->value = clean;
	out->match = 1;
	return 0;
}

static int canon_text(const char *raw, struct so_canon *out)
{
	out->value = so_text_clean(raw, strlen(raw));
	out->match = 1;
	if (!out->value)
		out->problem = "empty";
	return 0;
}

static int canon_sex(const char *raw, struct so_canon *out)
{
	char *k = fold_key(raw);
	if (!k)
		return -1;
	/* the canonical words too: an archivist's value is read again by the rules */
	const char *v = strcmp(k, "nam") == 0 || strcmp(k, "male") == 0	    ? "male"
			: strcmp(k, "nu") == 0 || strcmp(k, "female") == 0 ? "female"
									       : NULL;
	free(k);
	if (!v) {
		out->problem = "not Nam or Nữ";
		return 0;
	}
	out->verified = 1;
	return set_value(out, v);
}

/* A name among coded names (ethnic groups, countries), by name or variant, alike but for
 * case, marks, spaces and hyphens. */
static const struct so_coded_name *coded_find(const struct so_coded_name *v, size_t n,
					      const char *raw)
{
	char *k = tight_key(raw);
	const struct so_coded_name *hit = NULL;
	for (size_t i = 0; k && !hit && i < n; i++) {
		char *c = tight_key(v[i].name);
		if (c && strcmp(c, k) == 0)
			hit = &v[i];
		free(c);
		for (size_t j = 0; !hit && j < v[i].nvariants; j++) {
			c = tight_key(v[i].variants[j]);
			if (c && strcmp(c, k) == 0)
				hit = &v[i];
			free(c);
		}
	}
	free(k);
	return hit;
}

static int canon_ethnicity(const char *raw, struct so_canon *out)
{
	const struct so_refdata *rd = refdata();
	if (!rd)
		return -1;
	const struct so_coded_name *e = coded_find(rd->ethnic, rd->nethnic, raw);
	if (!e) {
		out->problem = "not one of the 54 ethnic groups";
		return 0;
	}
	out->code = so_strdup(e->code);
	out->verified = 1;
	return out->code ? set_value(out, e->name) : -1;
}

static int canon_nationality(const char *raw, struct so_canon *out)
{
	const struct so_refdata *rd = refdata();
	if (!rd)
		return -1;
	const struct so_coded_name *c = coded_find(rd->countries, rd->ncountries, raw);
	/* the canonical code itself ("CN"): an archivist's value is read again by the rules */
	for (size_t i = 0; !c && strlen(raw) == 2 && i < rd->ncountries; i++)
		if (strcmp(rd->countries[i].code, raw) == 0)
			c = &rd->countries[i];
	if (!c) {
		out->problem = "not a known country";
		return 0;
	}
	out->verified = 1;
	return set_value(out, c->code);
}

static int canon_id_number(const char *raw, struct so_canon *out)
{
	char digits[64];
	size_t n = 0;
	for (const char *p = raw; *p && n < sizeof(digits) - 1; p++) {
		if (isdigit((unsigned char)*p))
			digits[n++] = *p;
		else if (!isspace((unsigned char)*p) && *p != '.')
			n = sizeof(digits); /* a letter or symbol: not an id number */
	}
	if (n == 0 || n >= sizeof(digits) - 1) {
		out->problem = "not a personal id number";
		return 0;
	}
	digits[n] = 0;
	return set_value(out, digits);
}

/* "CCCD số N", "CMND số N", "Hộ chiếu số N", "Số định danh N" -> "CCCD N", "CMND N",
 * "HO_CHIEU N". */
static int canon_id_document(const char *raw, struct so_canon *out)
{
	char *k = fold_key(raw);
	if (!k)
		return -1;
	const char *kind = NULL;
	size_t skip = 0;
	const struct { const char *label, *kind; } labels[] = {
		{ "giay to ", NULL }, { "cccd so ", "CCCD" }, { "cccd ", "CCCD" },
		{ "cmnd so ", "CMND" }, { "cmnd ", "CMND" }, { "ho chieu so ", "HO_CHIEU" },
		{ "ho chieu ", "HO_CHIEU" }, { "so dinh danh ca nhan ", "CCCD" },
		{ "so dinh danh ", "CCCD" },
	};
	for (size_t i = 0; i < SO_ARRAY_SIZE(labels); i++) {
		size_t l = strlen(labels[i].label);
		if (strncmp(k + skip, labels[i].label, l) != 0)
			continue;
		skip += l;
		if (labels[i].kind) {
			kind = labels[i].kind;
			break;
		}
	}
	if (!kind) {
		free(k);
		out->problem = "not a CCCD, CMND or passport";
		return 0;
	}
	char number[64];
	size_t n = 0;
	for (const char *p = k + skip; *p && n < sizeof(number) - 1; p++)
		if (*p != ' ')
			number[n++] = (char)toupper((unsigned char)*p);
	number[n] = 0;
	free(k);
	int digits_only = n > 0;
	for (size_t i = 0; i < n; i++)
		digits_only &= isdigit((unsigned char)number[i]) != 0;
	if (n == 0 || (strcmp(kind, "HO_CHIEU") != 0 && !digits_only)) {
		out->problem = "the document number is unreadable";
		return 0;
	}
	char v[96];
	snprintf(v, sizeof(v), "%s %s", kind, number);
	return set_value(out, v);
}

static int canon_relationship(const char *raw, struct so_canon *out)
{
	char *k = fold_key(raw);
	if (!k)
		return -1;
	const char *v = strcmp(k, "cha con") == 0 ? "father" : strcmp(k, "me con") == 0 ? "mother"
		      : strcmp(k, "cha") == 0 ? "father" : strcmp(k, "me") == 0 ? "mother"
		      /* the canonical words too */
		      : strcmp(k, "father") == 0 ? "father" : strcmp(k, "mother") == 0 ? "mother"
									    : NULL;
	free(k);
	if (!v) {
		out->problem = "not Cha - con or Mẹ - con";
		return 0;
	}
	return set_value(out, v);
}

/* Places ------------------------------------------------------------------------------------- */

enum unit_level { LEVEL_NONE, LEVEL_COMMUNE, LEVEL_DISTRICT, LEVEL_PROVINCE, LEVEL_CITY };

/* The unit types as written (full or abbreviated), folded, and their official word. */
static const struct {
	const char *folded;
	const char *official;
	enum unit_level level;
} unit_words[] = {
	{ "thanh pho ", "Thành phố", LEVEL_CITY }, { "thi tran ", "Thị trấn", LEVEL_COMMUNE },
	{ "thi xa ", "Thị xã", LEVEL_DISTRICT }, { "phuong ", "Phường", LEVEL_COMMUNE },
	{ "quan ", "Quận", LEVEL_DISTRICT }, { "huyen ", "Huyện", LEVEL_DISTRICT },
	{ "tinh ", "Tỉnh", LEVEL_PROVINCE }, { "xa ", "Xã", LEVEL_COMMUNE },
	{ "tp.", "Thành phố", LEVEL_CITY }, { "tp ", "Thành phố", LEVEL_CITY },
	{ "tt.", "Thị trấn", LEVEL_COMMUNE }, { "tx.", "Thị xã", LEVEL_DISTRICT },
	{ "p.", "Phường", LEVEL_COMMUNE }, { "q.", "Quận", LEVEL_DISTRICT },
	{ "h.", "Huyện", LEVEL_DISTRICT }, { "x.", "Xã", LEVEL_COMMUNE },
	{ "t.", "Tỉnh", LEVEL_PROVINCE },
	/* the dot read as a colon, or lost ("T: Gia Lai", "P An Khánh", "P 3") */
	{ "tp:", "Thành phố", LEVEL_CITY }, { "tt:", "Thị trấn", LEVEL_COMMUNE },
	{ "tx:", "Thị xã", LEVEL_DISTRICT }, { "p:", "Phường", LEVEL_COMMUNE },
	{ "q:", "Quận", LEVEL_DISTRICT }, { "h:", "Huyện", LEVEL_DISTRICT },
	{ "x:", "Xã", LEVEL_COMMUNE }, { "t:", "Tỉnh", LEVEL_PROVINCE },
	{ "tt ", "Thị trấn", LEVEL_COMMUNE }, { "tx ", "Thị xã", LEVEL_DISTRICT },
	{ "p ", "Phường", LEVEL_COMMUNE }, { "q ", "Quận", LEVEL_DISTRICT },
	{ "h ", "Huyện", LEVEL_DISTRICT }, { "x ", "Xã", LEVEL_COMMUNE },
	{ "t ", "Tỉnh", LEVEL_PROVINCE },
};

struct part {
	char *text;             /* as written, trimmed */
	const char *type;       /* official unit word, NULL when none was written */
	enum unit_level level;
	char *name;             /* the name after the unit word */
};

static void parts_release(struct part *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].text);
		free(p[i].name);
	}
}

/* Splits a place at its commas and reads the unit word of each part. */
static size_t place_parts(const char *clean, struct part *parts, size_t max)
{
	size_t n = 0;
	const char *s = clean;
	while (*s && n < max) {
		const char *e = strchr(s, ',');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		/* stray marks at the ends of a part: spaces, dots, a dash left by the recognizer */
		while (len && (*s == ' ' || *s == '.' || *s == '-')) {
			s++;
			len--;
		}
		while (len && (s[len - 1] == ' ' || s[len - 1] == '.' || s[len - 1] == '-'))
			len--;
		if (len) {
			struct part *p = &parts[n];
			memset(p, 0, sizeof(*p));
			p->text = so_malloc(len + 1);
			if (!p->text)
				break;
			memcpy(p->text, s, len);
			p->text[len] = 0;
			size_t map[512];
			char *f = len < 500 ? so_fold(p->text, map) : NULL;
			for (size_t i = 0; f && i < SO_ARRAY_SIZE(unit_words); i++) {
				size_t l = strlen(unit_words[i].folded);
				if (strncmp(f, unit_words[i].folded, l) != 0 || !f[l])
					continue;
				/* "P.12", "Q. 1", "TP.Hồ Chí Minh": the name starts after the word */
				const char *name = p->text + map[l];
				while (*name == ' ' || *name == '.' || *name == ':')
					name++;
				p->type = unit_words[i].official;
				p->level = unit_words[i].level;
				p->name = so_strdup(name);
				break;
			}
			free(f);
			if (!p->name)
				p->name = so_strdup(p->text);
			n++;
		}
		s = e ? e + 1 : s + strlen(s);
	}
	/* a unit word cut from its name by a comma read for its dot ("P, Phước Ninh"): the word
	 * of the part that follows */
	static const struct { const char *folded, *official; enum unit_level level; } alone[] = {
		{ "tp", "Thành phố", LEVEL_CITY }, { "tt", "Thị trấn", LEVEL_COMMUNE },
		{ "tx", "Thị xã", LEVEL_DISTRICT }, { "p", "Phường", LEVEL_COMMUNE },
		{ "q", "Quận", LEVEL_DISTRICT }, { "h", "Huyện", LEVEL_DISTRICT },
		{ "x", "Xã", LEVEL_COMMUNE }, { "t", "Tỉnh", LEVEL_PROVINCE },
	};
	for (size_t i = 0; i + 1 < n; i++) {
		if (parts[i].type || parts[i + 1].type)
			continue;
		char *f = so_fold(parts[i].text, NULL);
		size_t k = 0;
		while (f && k < SO_ARRAY_SIZE(alone) && strcmp(f, alone[k].folded) != 0)
			k++;
		free(f);
		if (!f || k == SO_ARRAY_SIZE(alone))
			continue;
		parts[i + 1].type = alone[k].official;
		parts[i + 1].level = alone[k].level;
		free(parts[i].text);
		free(parts[i].name);
		memmove(&parts[i], &parts[i + 1], (n - i - 1) * sizeof(*parts));
		n--;
	}
	return n;
}

/* The name of a unit without its type word ("Phường Bến Nghé" -> "Bến Nghé"). */
static const char *bare(const char *official)
{
	static const char *const words[] = { "Thành phố ", "Thị trấn ", "Thị xã ", "Phường ",
					     "Quận ", "Huyện ", "Tỉnh ", "Xã " };
	for (size_t i = 0; i < SO_ARRAY_SIZE(words); i++) {
		size_t l = strlen(words[i]);
		if (strncmp(official, words[i], l) == 0)
			return official + l;
	}
	return official;
}

/* How well part P names the unit OFFICIAL: its name's similarity, less when the written
 * unit word is of another kind. */
static double part_score(const struct part *p, const char *official, enum unit_level level)
{
	double s = similarity(p->name, bare(official));
	if (p->type) {
		int fits = p->level == level || (p->level == LEVEL_CITY &&
			   (level == LEVEL_PROVINCE || level == LEVEL_DISTRICT));
		if (strncmp(official, p->type, strlen(p->type)) != 0)
			s -= fits ? 0.05 : 0.3;
	}
	return s;
}

struct place_match {
	long commune;           /* index in the list */
	int province_part, district_part, commune_part;
	double score, second;
};

/* The best commune of LIST for the parts, reading them from the end: province, then
 * district (the old list), then commune. */
static void place_search(const struct so_unit_list *list, int with_districts,
			 const struct part *parts, size_t n, struct place_match *m)
{
	memset(m, 0, sizeof(*m));
	m->commune = -1;
	m->province_part = m->district_part = m->commune_part = -1;
	for (size_t pi = 0; pi < list->nprovinces; pi++) {
		const struct so_unit_province *prov = &list->provinces[pi];
		/* the province is the last part */
		double ps = part_score(&parts[n - 1], prov->name, LEVEL_PROVINCE);
		if (ps < PLACE_MIN)
			continue;
		for (size_t k = 0; k < prov->count; k++) {
			size_t ci = list->order[prov->first + k];
			const struct so_unit_commune *c = &list->communes[ci];
			double ds = 1.0;
			int dpart = -1, cpart;
			if (with_districts) {
				if (n < 3)
					continue;
				dpart = (int)n - 2;
				ds = part_score(&parts[dpart], list->districts[c->district].name,
						LEVEL_DISTRICT);
				if (ds < PLACE_MIN)
					continue;
				cpart = (int)n - 3;
			} else {
				if (n < 2)
					continue;
				cpart = (int)n - 2;
			}
			double cs = part_score(&parts[cpart], c->name, LEVEL_COMMUNE);
			double score = ps < ds ? ps : ds;
			score = cs < score ? cs : score;
			if (score > m->score) {
				m->second = m->score;
				m->score = score;
				m->commune = (long)ci;
				m->province_part = (int)n - 1;
				m->district_part = dpart;
				m->commune_part = cpart;
			} else if (score > m->second) {
				m->second = score;
			}
		}
	}
}

/* "12 Nguyễn Trãi" and "số 12 Nguyễn Trãi" -> "Số 12 Nguyễn Trãi"; other parts as written. */
static int street_add(struct so_buf *b, const char *part)
{
	const char *p = part;
	char *f = so_fold(part, NULL);
	int number = f && (isdigit((unsigned char)f[0]) ||
			   (strncmp(f, "so ", 3) == 0 && isdigit((unsigned char)f[3])));
	if (f && strncmp(f, "so ", 3) == 0 && number) {
		/* skip the written "số " */
		p = part;
		while (*p && *p != ' ')
			p++;
		while (*p == ' ')
			p++;
	}
	free(f);
	if (b->len)
		so_buf_adds(b, ", ");
	if (number)
		so_buf_adds(b, "Số ");
	return so_buf_adds(b, p);
}

static int canon_place(const char *raw, const struct so_norm_ctx *ctx, struct so_canon *out)
{
	const struct so_refdata *rd = refdata();
	if (!rd)
		return -1;
	char *clean = so_text_clean(raw, strlen(raw));
	if (!clean) {
		out->problem = "empty";
		return 0;
	}
	int new_list = ctx && ctx->registration >= SO_UNITS_REFORM_DATE;
	const struct so_unit_list *list = new_list ? &rd->new_units : &rd->old_units;
	struct part parts[16];
	size_t n = place_parts(clean, parts, SO_ARRAY_SIZE(parts));
	struct place_match m = { .commune = -1 };
	int hospital = -1, r = 0;
	if (n)
		place_search(list, !new_list, parts, n, &m);
	if (m.commune < 0 && n >= 1) {
		/* a hospital named alone: its commune from the hospital table */
		for (size_t i = 0; i < rd->nhospitals; i++)
			if (similarity(parts[0].text, rd->hospitals[i].name) >= PLACE_SURE) {
				long c = new_list ? rd->hospitals[i].new_commune
						  : rd->hospitals[i].old_commune;
				if (c >= 0) {
					hospital = (int)i;
					m.commune = c;
					m.score = 1;
					m.commune_part = 1; /* the hospital part is kept before it */
					m.district_part = m.province_part = -1;
				}
				break;
			}
	}
	if (m.commune < 0 || m.score < PLACE_MIN) {
		out->problem = "names no known administrative unit";
		goto done;
	}
	const struct so_unit_commune *c = &list->communes[m.commune];
	struct so_buf v = SO_BUF_INIT(4096);
	int first_unit = hospital >= 0 ? 1 : m.commune_part;
	/* a hospital before its units: the table's spelling when it stands in that commune (the
	 * units and the name then vouch for each other) */
	int known_before = first_unit == 0;
	if (hospital >= 0) {
		/* named alone: sure of it only when written as in the table */
		known_before = strcmp(parts[0].text, rd->hospitals[hospital].name) == 0;
	} else if (first_unit == 1) {
		for (size_t i = 0; i < rd->nhospitals && hospital < 0; i++) {
			const struct so_hospital *h = &rd->hospitals[i];
			long hc = new_list ? h->new_commune : h->old_commune;
			if (hc == m.commune &&
			    similarity(parts[0].text, rd->hospitals[i].name) >= PLACE_SURE)
				hospital = (int)i;
		}
		known_before = hospital >= 0;
	}
	if (hospital >= 0)
		so_buf_adds(&v, rd->hospitals[hospital].name);
	for (int i = hospital >= 0 ? 1 : 0; i < first_unit && i < (int)n; i++)
		street_add(&v, parts[i].text);
	so_buf_addf(&v, "%s%s", v.len ? ", " : "", c->name);
	if (!new_list)
		so_buf_addf(&v, ", %s", list->districts[c->district].name);
	so_buf_addf(&v, ", %s", list->provinces[c->province].name);
	out->value = so_buf_detach(&v, NULL);
	out->code = so_strdup(c->code);
	if (!new_list && c->successor >= 0)
		out->successor = so_strdup(rd->new_units.communes[c->successor].code);
	out->match = m.score;
	/* exact units, before them nothing or a hospital of the table in that commune */
	out->verified = m.score >= 0.999 && known_before;
	/* a near tie between two units is as unsure as a poor match */
	if (m.second > 0 && m.score - m.second < 0.05)
		out->match = m.score < 0.8 ? m.score : 0.8;
	if (out->match < PLACE_SURE) {
		out->problem = "the unit is not certain";
		out->verified = 0;
	}
	if (!out->value || !out->code)
		r = -1;
done:
	parts_release(parts, n);
	free(clean);
	return r;
}

int so_text_listed(const char *field, const char *raw)
{
	const char *sub = strrchr(field, '.');
	sub = sub ? sub + 1 : field;
	char *clean = raw ? so_text_clean(raw, strlen(raw)) : NULL;
	if (!clean)
		return 0;
	int hit = 0;
	if (strcmp(sub, "cause") == 0) {
		hit = so_phrase_listed("ref/death-causes.txt", clean);
	} else if (strcmp(sub, "notes") == 0) {
		hit = so_phrase_listed("ref/notes.txt", clean);
	} else if (strcmp(sub, "issuer") == 0) {
		/* a hospital of the table, or the health station of a commune of either list */
		const struct so_refdata *rd = refdata();
		static const char station[] = "Trạm Y tế ";
		for (size_t i = 0; rd && !hit && i < rd->nhospitals; i++)
			hit = strcmp(clean, rd->hospitals[i].name) == 0;
		if (rd && !hit && strncmp(clean, station, sizeof(station) - 1) == 0) {
			const char *unit = clean + sizeof(station) - 1;
			const struct so_unit_list *lists[] = { &rd->old_units, &rd->new_units };
			for (size_t l = 0; l < 2 && !hit; l++)
				for (size_t i = 0; i < lists[l]->ncommunes && !hit; i++)
					hit = strcmp(unit, lists[l]->communes[i].name) == 0;
		}
	}
	free(clean);
	return hit;
}

char *so_text_spelled(const char *field, const char *raw)
{
	const char *sub = strrchr(field, '.');
	sub = sub ? sub + 1 : field;
	char *clean = raw ? so_text_clean(raw, strlen(raw)) : NULL;
	if (!clean || so_text_listed(field, clean)) {
		free(clean);
		return NULL;
	}
	char *out = NULL;
	if (strcmp(sub, "cause") == 0) {
		out = so_phrase_unaccented("ref/death-causes.txt", clean);
	} else if (strcmp(sub, "notes") == 0) {
		out = so_phrase_unaccented("ref/notes.txt", clean);
	} else if (strcmp(sub, "issuer") == 0) {
		const struct so_refdata *rd = refdata();
		char *key = so_fold(clean, NULL);
		const char *hit = NULL;
		int several = 0;
		static const char station[] = "tram y te ";
		for (size_t i = 0; rd && key && i < rd->nhospitals; i++) {
			char *f = so_fold(rd->hospitals[i].name, NULL);
			if (f && strcmp(f, key) == 0) {
				several |= hit && strcmp(hit, rd->hospitals[i].name) != 0;
				hit = rd->hospitals[i].name;
			}
			free(f);
		}
		if (rd && key && !hit && strncmp(key, station, sizeof(station) - 1) == 0) {
			/* a commune's health station: the commune's spelling, when all communes
			 * written with those letters (l, 1 and I alike: Ia Pal) are spelt alike */
			char *unit = confusable(key + sizeof(station) - 1);
			const struct so_unit_list *lists[] = { &rd->old_units, &rd->new_units };
			for (size_t l = 0; l < 2; l++) {
				for (size_t i = 0; i < lists[l]->ncommunes; i++) {
					const char *name = lists[l]->communes[i].name;
					char *f = so_fold(name, NULL);
					if (f && strcmp(confusable(f), unit) == 0) {
						several |= hit && strcmp(hit, name) != 0;
						hit = name;
					}
					free(f);
				}
			}
			if (hit && !several) {
				struct so_buf b = SO_BUF_INIT(4096);
				so_buf_addf(&b, "Trạm Y tế %s", hit);
				out = so_buf_detach(&b, NULL);
			}
			hit = NULL;
		}
		if (hit && !several)
			out = so_strdup(hit);
		free(key);
	}
	if (out && strcmp(out, clean) == 0)
		SO_FREE(out);
	free(clean);
	return out;
}

/* Dispatch ---------------------------------------------------------------------------------- */

int so_normalize(enum so_kind kind, const char *raw, const struct so_norm_ctx *ctx,
		 struct so_canon *out)
{
	memset(out, 0, sizeof(*out));
	if (!raw)
		return 0;
	char *clean = so_text_clean(raw, strlen(raw));
	if (!clean)
		return 0; /* empty or "not applicable": no value, no problem */
	int r;
	switch (kind) {
	case SO_KIND_NUMBER: r = canon_number(clean, out); break;
	case SO_KIND_DATE: r = canon_date(clean, 0, out); break;
	case SO_KIND_DATETIME: r = canon_date(clean, 1, out); break;
	case SO_KIND_NAME: r = canon_name(clean, out); break;
	case SO_KIND_SEX: r = canon_sex(clean, out); break;
	case SO_KIND_ETHNICITY: r = canon_ethnicity(clean, out); break;
	case SO_KIND_NATIONALITY: r = canon_nationality(clean, out); break;
	case SO_KIND_ID_NUMBER: r = canon_id_number(clean, out); break;
	case SO_KIND_ID_DOCUMENT: r = canon_id_document(clean, out); break;
	case SO_KIND_RELATIONSHIP: r = canon_relationship(clean, out); break;
	case SO_KIND_PLACE: r = canon_place(clean, ctx, out); break;
	case SO_KIND_CODE: r = canon_code(clean, out); break;
	case SO_KIND_KINSHIP: r = canon_kinship(clean, out); break;
	case SO_KIND_TEXT:
	case SO_KIND_BLOCK:
	case SO_KIND_NONE:
	default: r = canon_text(clean, out); break;
	}
	free(clean);
	if (r < 0)
		so_canon_release(out);
	return r;
}
