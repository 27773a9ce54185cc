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
#include "register/place.h"
#include "register/refdata.h"

void so_canon_release(struct so_canon *c)
{
	SO_FREE(c->value);
	SO_FREE(c->code);
	SO_FREE(c->successor);
	SO_FREE(c->mismatch);
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
	/* a letter glued to the digits is a digit misread ("ó4/2020" for 64, "1O5"): the
	 * number is not what its digits say, but "Số125" is the book's word */
	unsigned char before = p > raw ? (unsigned char)p[-1] : ' ', after = (unsigned char)p[n];
	if (isalpha(after) || after >= 0x80 || isalpha(before) || before >= 0x80) {
		char *head = strndup(raw, (size_t)(p - raw));
		char *f = head ? so_fold(head, NULL) : NULL;
		int word = f && (strcmp(f, "so") == 0 || strcmp(f, "so:") == 0) &&
			   !isalpha(after) && after < 0x80;
		free(head);
		free(f);
		if (!f)
			return -1;
		if (!word) {
			out->problem = "a letter among the digits";
			return 0;
		}
	}
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

/* A place read on the units valid at the registration date (place.h). */
static int canon_place(const char *raw, const struct so_norm_ctx *ctx, struct so_canon *out)
{
	const struct so_refdata *rd = refdata();
	if (!rd)
		return -1;
	struct so_place p;
	if (so_place_read(rd, ctx ? ctx->registration : 0, raw, &p) < 0)
		return -1;
	out->value = p.value;
	out->code = p.code;
	out->successor = p.successor;
	out->mismatch = p.mismatch;
	out->match = p.match;
	out->problem = p.problem;
	out->verified = p.verified;
	return 0;
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
				for (size_t i = 0; i < lists[l]->ncommunes && !hit; i++) {
					/* its unit word small, as in a name: "Trạm Y tế xã …" */
					const char *name = lists[l]->communes[i].name;
					hit = tolower((unsigned char)unit[0]) ==
					      tolower((unsigned char)name[0]) &&
					      strcmp(unit + 1, name + 1) == 0;
				}
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
	if (out && strcmp(sub, "issuer") == 0) {
		/* an issuer's respelling puts right letters and marks, never only the case or
		 * the tone placement of its words ("Trạm Y tế xã …" and "Trạm Y tế Xã …" are
		 * both written so) */
		char *a = so_unit_key(out), *b = so_unit_key(clean);
		if (a && b && strcmp(a, b) == 0)
			SO_FREE(out);
		free(a);
		free(b);
	}
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
