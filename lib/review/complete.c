/*
 * Completion from the reference lists (see complete.h). The units, ethnic groups and
 * countries are those of register/refdata; the family names, name words and kinship terms are
 * read from the same compiled-in files as register/lexicon, with each word's folded key (marks
 * and case set aside, so_unit_fold) and its lower-case spelling made once. A request walks the
 * lists: they are small (about ten thousand communes in the older list), and a walk is a few
 * milliseconds.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/array.h"
#include "base/embed.h"
#include "base/error.h"
#include "base/text.h"
#include "base/util.h"
#include "register/fields.h"
#include "register/refdata.h"
#include "review/complete.h"

static const char *const kind_names[SO_COMPLETE_KINDS] = {
	"name", "family", "place", "ethnicity", "nationality", "kinship",
};

enum so_complete_kind so_complete_kind_parse(const char *name)
{
	for (int i = 0; name && i < SO_COMPLETE_KINDS; i++)
		if (strcmp(name, kind_names[i]) == 0)
			return (enum so_complete_kind)i;
	return SO_COMPLETE_NONE;
}

const char *so_complete_kind_name(enum so_complete_kind k)
{
	return k >= 0 && k < SO_COMPLETE_KINDS ? kind_names[k] : "";
}

enum so_complete_kind so_complete_kind_of(enum so_kind k)
{
	switch (k) {
	case SO_KIND_NAME: return SO_COMPLETE_NAME;
	case SO_KIND_PLACE: return SO_COMPLETE_PLACE;
	case SO_KIND_ETHNICITY: return SO_COMPLETE_ETHNICITY;
	case SO_KIND_NATIONALITY: return SO_COMPLETE_NATIONALITY;
	case SO_KIND_KINSHIP: return SO_COMPLETE_KINSHIP;
	default: return SO_COMPLETE_NONE;
	}
}

/* The lists ----------------------------------------------------------------------------------- */

struct word {
	char *text;     /* as listed, NFC */
	char *fold;     /* so_unit_fold */
	char *lower;    /* lower case, NFC, marks kept */
};

struct wordlist {
	struct word *v;
	size_t n, cap;
};

static struct {
	struct so_refdata *rd;
	struct wordlist family, words, kinship;
	int ready;
} lists;
static pthread_once_t lists_once = PTHREAD_ONCE_INIT;

/* S in lower case and NFC; NULL with the error set. */
static char *lower_nfc(const char *s)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
					  UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE |
					  UTF8PROC_CASEFOLD);
	if (n < 0) {
		so_error("cannot fold '%s': %s", s, utf8proc_errmsg(n));
		return NULL;
	}
	return (char *)out;
}

static int word_add(struct wordlist *l, const char *text)
{
	for (size_t i = 0; i < l->n; i++) {
		/* the other tone placement of a listed word (Hòa / Hoà) is the same word: the
		 * first listed is offered */
		char *a = so_text_tone_key(text), *b = so_text_tone_key(l->v[i].text);
		int same = a && b && strcmp(a, b) == 0;
		free(a);
		free(b);
		if (same)
			return 0;
	}
	if (so_array_grow(&l->v, l->n, &l->cap, sizeof(*l->v)) < 0)
		return -1;
	struct word *w = &l->v[l->n];
	w->text = so_text_nfc(text);
	w->fold = w->text ? so_unit_fold(w->text) : NULL;
	w->lower = w->text ? lower_nfc(w->text) : NULL;
	if (!w->text || !w->fold || !w->lower) {
		free(w->text);
		free(w->fold);
		free(w->lower);
		return so_error("out of memory");
	}
	l->n++;
	return 0;
}

/* The lines of a compiled-in list, '#' lines and empty ones left out. */
static int words_load(struct wordlist *l, const char *name)
{
	const struct so_embedded *e = so_embedded_find(name);
	if (!e)
		return so_error("reference file '%s' is not compiled in", name);
	const char *p = (const char *)e->data, *end = p + e->size;
	char line[256];
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		while (len && (p[len - 1] == '\r' || p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len && p[0] != '#' && len < sizeof(line)) {
			memcpy(line, p, len);
			line[len] = 0;
			if (word_add(l, line) < 0)
				return -1;
		}
		p += (nl ? (size_t)(nl - p) + 1 : len);
		if (!nl)
			break;
	}
	return 0;
}

static void lists_load(void)
{
	lists.rd = so_refdata_load();
	if (!lists.rd)
		return;
	if (words_load(&lists.family, "ref/family-names.txt") < 0 ||
	    words_load(&lists.words, "ref/name-words.txt") < 0 ||
	    words_load(&lists.kinship, "ref/kinship.txt") < 0)
		return;
	lists.ready = 1;
}

static int lists_ready(void)
{
	pthread_once(&lists_once, lists_load);
	if (!lists.ready)
		return so_error("the reference lists cannot be loaded");
	return 0;
}

/* Candidates ---------------------------------------------------------------------------------- */

struct cand {
	int rank;               /* lower first */
	size_t order;           /* then the lists' order */
	const char *label;
	const char *up1, *up2;  /* the units that hold a unit offered (NULL: none), or the
	                           canonical name of a variant (up1) */
};

struct cands {
	struct cand *v;
	size_t n, cap;
};

static int cand_add(struct cands *c, int rank, size_t order, const char *label, const char *up1,
		    const char *up2)
{
	if (so_array_grow(&c->v, c->n, &c->cap, sizeof(*c->v)) < 0)
		return -1;
	c->v[c->n++] = (struct cand){ rank, order, label, up1, up2 };
	return 0;
}

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int same_or_null(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* The best SO_COMPLETE_MAX labels, each once, into OUT: HEAD then the label as value (in
 * capitals when UPPER) — or, with UNIT_WORD, HEAD, UNIT_WORD then the label without its own
 * unit word (the clerk's "P. " kept); the detail is what holds it when every candidate of that
 * label has the same holders. */
static int cands_take(struct cands *c, const char *head, size_t head_len, const char *unit_word,
		      int upper, struct so_completions *out)
{
	if (c->n > 1)
		qsort(c->v, c->n, sizeof(*c->v), cand_cmp);
	for (size_t i = 0; i < c->n && out->n < SO_COMPLETE_MAX; i++) {
		const struct cand *k = &c->v[i];
		int seen = 0;
		for (size_t j = 0; j < out->n && !seen; j++)
			seen = strcmp(out->v[j].label, k->label) == 0;
		/* the same value of another label ("TT. Hợp Hòa" of a thị trấn and of a xã) */
		const char *tail = unit_word ? so_unit_bare(k->label) : k->label;
		for (size_t j = 0; j < out->n && !seen && unit_word; j++)
			seen = strcmp(so_unit_bare(out->v[j].label), tail) == 0;
		if (seen)
			continue;
		int one = 1;
		for (size_t j = i + 1; j < c->n && one; j++)
			if (strcmp(c->v[j].label, k->label) == 0 &&
			    (!same_or_null(c->v[j].up1, k->up1) || !same_or_null(c->v[j].up2, k->up2)))
				one = 0;
		struct so_completion *o = &out->v[out->n];
		char *label = upper ? so_text_upper(k->label) : so_strdup(k->label);
		if (!label)
			return -1;
		o->label = label;
		o->value = so_asprintf("%.*s%s%s", (int)head_len, head, unit_word ? unit_word : "",
				       unit_word ? so_unit_bare(label) : label);
		o->detail = so_asprintf("%s%s%s", one && k->up1 ? k->up1 : "",
					one && k->up1 && k->up2 ? ", " : "",
					one && k->up2 ? k->up2 : "");
		out->n++;
		if (!o->value || !o->detail)
			return -1;
	}
	return 0;
}

/* 1 when the typed text, lower-cased (LOWER), begins the lower-cased NAME: the marks typed
 * agree. Text typed without a mark agrees with every name. */
static int marks_agree(const char *lower, const char *fold, const char *name)
{
	if (strcmp(lower, fold) == 0)
		return 1;
	char *l = lower_nfc(name);
	int ok = l && strncmp(l, lower, strlen(lower)) == 0;
	free(l);
	return ok;
}

/* 1 when the letters of S are all capitals and there are two or more ("NGUY", "HÙ"). */
static int all_capitals(const char *s)
{
	int letters = 0;
	for (const char *p = s; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (isalpha(ch) || (ch >= 0xc0))
			letters++;
	}
	if (letters < 2)
		return 0;
	char *u = so_text_upper(s);
	int same = u && strcmp(u, s) == 0;
	free(u);
	return same;
}

/* Words: names, family names, kinship -------------------------------------------------------- */

/* The words of L that PREFIX (its fold and lower case) begins, at RANK. */
static int words_match(struct cands *c, const struct wordlist *l, int rank, const char *fold,
		       const char *lower)
{
	size_t n = strlen(fold);
	for (size_t i = 0; i < l->n; i++) {
		if (strncmp(l->v[i].fold, fold, n) != 0)
			continue;
		int agree = strcmp(lower, fold) == 0 ||
			    strncmp(l->v[i].lower, lower, strlen(lower)) == 0;
		/* the word itself before the longer ones it begins */
		int whole = l->v[i].fold[n] == 0;
		if (cand_add(c, rank * 4 + (agree ? 0 : 2) + (whole ? 0 : 1), i, l->v[i].text, NULL,
			     NULL) < 0)
			return -1;
	}
	return 0;
}

static int complete_words(enum so_complete_kind kind, const char *text, struct cands *c,
			  struct so_completions *out)
{
	int rc = -1;
	char *fold = NULL, *lower = NULL;
	/* a name completes its last word; kinship the whole text */
	const char *last = text;
	if (kind != SO_COMPLETE_KINSHIP) {
		const char *sp = strrchr(text, ' ');
		last = sp ? sp + 1 : text;
	}
	fold = so_unit_fold(last);
	lower = fold ? lower_nfc(last) : NULL;
	if (!fold || !lower)
		goto cleanup;
	if (!*fold) {
		rc = 0;
		goto cleanup;
	}
	int first = last == text || strspn(text, " ") == (size_t)(last - text);
	if (kind == SO_COMPLETE_KINSHIP) {
		if (words_match(c, &lists.kinship, 0, fold, lower) < 0)
			goto cleanup;
	} else if (kind == SO_COMPLETE_FAMILY || first) {
		if (words_match(c, &lists.family, 0, fold, lower) < 0)
			goto cleanup;
		if (kind == SO_COMPLETE_NAME && words_match(c, &lists.words, 1, fold, lower) < 0)
			goto cleanup;
	} else {
		if (words_match(c, &lists.words, 0, fold, lower) < 0 ||
		    words_match(c, &lists.family, 1, fold, lower) < 0)
			goto cleanup;
	}
	rc = cands_take(c, text, (size_t)(last - text), NULL, all_capitals(last), out);
cleanup:
	free(fold);
	free(lower);
	return rc;
}

/* Ethnic groups and countries: the name or one of its variants. */
static int complete_coded(const struct so_coded_name *g, size_t n, const char *text,
			  struct cands *c, struct so_completions *out)
{
	char *fold = so_unit_fold(text), *lower = fold ? lower_nfc(text) : NULL;
	int rc = -1;
	if (!fold || !lower)
		goto cleanup;
	size_t len = strlen(fold);
	for (size_t i = 0; len && i < n; i++) {
		for (size_t v = 0; v <= g[i].nvariants; v++) {
			const char *name = v == 0 ? g[i].name : g[i].variants[v - 1];
			char *f = so_unit_fold(name);
			if (!f)
				goto cleanup;
			int hit = strncmp(f, fold, len) == 0;
			int whole = hit && f[len] == 0;
			free(f);
			if (!hit)
				continue;
			int agree = marks_agree(lower, fold, name);
			if (cand_add(c, (agree ? 0 : 4) + (whole ? 0 : 2) + (v ? 1 : 0), i, name,
				     v ? g[i].name : NULL, NULL) < 0)
				goto cleanup;
		}
	}
	rc = cands_take(c, "", 0, NULL, all_capitals(text), out);
cleanup:
	free(fold);
	free(lower);
	return rc;
}

/* Places ------------------------------------------------------------------------------------- */

/* The unit words and their short forms, folded, that a part may begin with ("f" is the
 * clerks' phường, "t" their tỉnh). */
static const char *const unit_words[] = {
	"thanh pho", "thi tran", "thi xa", "dac khu", "phuong", "quan", "huyen", "tinh", "xa",
	"tp", "tt", "tx", "p", "q", "h", "x", "f", "t",
};
/* The unit word each of them stands for. */
static const char *const unit_words_full[] = {
	"thanh pho", "thi tran", "thi xa", "dac khu", "phuong", "quan", "huyen", "tinh", "xa",
	"thanh pho", "thi tran", "thi xa", "phuong", "quan", "huyen", "xa", "phuong", "tinh",
};

/* The unit word PART (as typed) begins with, and the separators after it: its length in bytes
 * (0 when none), with *KEEP set when it is written as a book writes it — a short form ("P.",
 * "Tp", "TT.") or with its marks ("Phường") — rather than plainly typed ("phuong"). */
static size_t typed_unit_word(const char *part, int *keep, const char **full)
{
	size_t len = strlen(part), n = 0;
	size_t *map = so_calloc(len + 1, sizeof(*map));
	char *f = map ? so_fold(part, map) : NULL;
	*keep = 0;
	*full = NULL;
	for (size_t w = 0; f && n == 0 && w < SO_ARRAY_SIZE(unit_words); w++) {
		const char *u = unit_words[w];
		size_t i = 0, j = 0;
		while (u[j]) {
			if (u[j] == ' ') {
				if (!f[i] || isalnum((unsigned char)f[i]))
					break;
				while (f[i] && !isalnum((unsigned char)f[i]))
					i++;
				j++;
			} else if (f[i] == u[j]) {
				i++;
				j++;
			} else {
				break;
			}
		}
		if (u[j])
			continue;
		int short_form = strlen(u) <= 2;
		/* then a separator, or for a short form the digits of a number (P9, Q.3): "Q"
		 * alone may begin a name (Quảng Ngãi), "Q." not */
		if (!f[i] || (isalnum((unsigned char)f[i]) &&
			      !(short_form && isdigit((unsigned char)f[i]))))
			continue;
		while (f[i] && !isalnum((unsigned char)f[i]))
			i++;
		n = map[i];
		int marked = 0;
		for (size_t b = 0; b < n; b++)
			marked |= (unsigned char)part[b] >= 0x80;
		*keep = short_form || marked;
		*full = unit_words_full[w];
	}
	free(map);
	free(f);
	return n;
}

/* FOLD without the unit word it begins with ("p ben ng" -> "ben ng", "q1" -> "1"): points
 * into FOLD. */
static const char *strip_unit_word(const char *fold)
{
	for (size_t i = 0; i < SO_ARRAY_SIZE(unit_words); i++) {
		size_t l = strlen(unit_words[i]);
		if (strncmp(fold, unit_words[i], l) != 0)
			continue;
		if (fold[l] == ' ')
			return fold + l + 1;
		if (fold[l] == 0 && l > 2)
			return fold + l;     /* the unit word alone: any unit of that level */
		if (isdigit((unsigned char)fold[l]))
			return fold + l;
	}
	return fold;
}

/* The digits of a number without its leading zeros ("09" and "9" alike). */
static int bare_equal(const char *a, const char *b)
{
	while (*a && *b) {
		if (*a == '0' && isdigit((unsigned char)a[1])) {
			a++;
			continue;
		}
		if (*b == '0' && isdigit((unsigned char)b[1])) {
			b++;
			continue;
		}
		if (*a != *b)
			return 0;
		a++;
		b++;
	}
	return *a == *b;
}

struct level {
	const char *name, *fold;
	int kind;       /* 0 commune, 1 district, 2 province */
	size_t index;
};

/* The parts typed before the one being completed, each folded without its unit word. */
struct typed_parts {
	char *folds[16];
	size_t n;
};

/* Offers, from LIST, the units that complete PREFIX (folded PFOLD, lower-case PLOWER) after
 * the units PARTS: for each commune, its chain (commune, district, province) must hold the
 * typed units in that order (parts before the first unit, a hamlet or a street, are passed
 * over); the units above the last typed one are offered, the next one first, from the
 * chains that hold NEED typed units (the most any chain holds: *BEST, made when C is NULL).
 * SEEN marks the units offered already (per kind, LIST's indices); BASE_ORDER keeps the lists
 * apart. */
static int place_list(const struct so_unit_list *list, const struct typed_parts *parts,
		      const char *pfold, const char *plower, const char *unit_full,
		      size_t base_order, unsigned char *seen[3], size_t need, size_t *best,
		      struct cands *c)
{
	size_t plen = strlen(pfold);
	for (size_t ci = 0; ci < list->ncommunes; ci++) {
		const struct so_unit_commune *u = &list->communes[ci];
		struct level lv[3];
		size_t nl = 0;
		lv[nl++] = (struct level){ u->name, u->fold, 0, ci };
		if (u->district >= 0) {
			const struct so_unit_district *d = &list->districts[u->district];
			lv[nl++] = (struct level){ d->name, d->fold, 1, (size_t)u->district };
		}
		const struct so_unit_province *p = &list->provinces[u->province];
		lv[nl++] = (struct level){ p->name, p->fold, 2, u->province };

		size_t pos = 0, matched = 0;
		int ok = 1;
		for (size_t k = 0; k < parts->n && ok; k++) {
			size_t j = pos;
			while (j < nl && !bare_equal(lv[j].fold, parts->folds[k]))
				j++;
			if (j < nl) {
				pos = j + 1;
				matched++;
			} else if (matched) {
				ok = 0;
			}
		}
		if (!ok)
			continue;
		/* a chain that holds every unit typed, and has none left above, offers nothing
		 * but counts: the place is whole */
		if (!c) {
			if (matched > *best)
				*best = matched;
			continue;
		}
		if (matched != need || pos >= nl || (plen == 0 && !matched))
			continue;
		for (size_t j = pos; j < nl; j++) {
			if (seen[lv[j].kind][lv[j].index])
				continue;
			if (strncmp(lv[j].fold, pfold, plen) != 0)
				continue;
			seen[lv[j].kind][lv[j].index] = 1;
			const char *bare = so_unit_bare(lv[j].name);
			int agree = marks_agree(plower, pfold, bare);
			int whole = lv[j].fold[plen] == 0;
			/* a unit of the kind the typed unit word says ("TT." a thị trấn) */
			int other_kind = 0;
			if (unit_full) {
				char *nf = so_unit_fold(lv[j].name);
				if (!nf)
					return -1;
				size_t ul = strlen(unit_full);
				other_kind = strncmp(nf, unit_full, ul) != 0 || nf[ul] != ' ';
				free(nf);
			}
			/* the next unit first; then its kind, the typed marks, the whole word */
			int rank = (int)(j - pos) * 8 + (other_kind ? 4 : 0) + (agree ? 0 : 2) +
				   (whole ? 0 : 1);
			const char *up1 = j + 1 < nl ? lv[j + 1].name : NULL;
			const char *up2 = j + 2 < nl ? lv[j + 2].name : NULL;
			if (cand_add(c, rank, base_order + (size_t)lv[j].kind * 100000 + lv[j].index,
				     lv[j].name, up1, up2) < 0)
				return -1;
		}
	}
	return 0;
}

/* The hospitals (register/refdata) whose name PFOLD begins, each with its commune in LIST
 * (when DATED, only those whose commune of that list is known). */
static int hospitals_match(const struct so_unit_list *list, int dated, const char *pfold,
			   const char *plower, struct cands *c)
{
	const struct so_refdata *rd = lists.rd;
	size_t plen = strlen(pfold);
	for (size_t i = 0; i < rd->nhospitals; i++) {
		const struct so_hospital *h = &rd->hospitals[i];
		long commune = list == &rd->old_units ? h->old_commune : h->new_commune;
		if (dated && commune < 0)
			continue;
		char *f = so_unit_fold(h->name);
		if (!f)
			return -1;
		int hit = strncmp(f, pfold, plen) == 0;
		free(f);
		if (!hit)
			continue;
		int agree = marks_agree(plower, pfold, h->name);
		if (cand_add(c, agree ? 0 : 2, 3000000 + i, h->name,
			     commune >= 0 ? list->communes[commune].name : NULL, NULL) < 0)
			return -1;
	}
	return 0;
}

static int complete_place(const char *text, long date, struct cands *c,
			  struct so_completions *out)
{
	struct typed_parts parts = { .n = 0 };
	char *pfold = NULL, *plower = NULL, *part = NULL, *unit_word = NULL;
	unsigned char *seen[2][3] = { { NULL } };
	int rc = -1;
	const char *comma = strrchr(text, ',');
	const char *prefix = comma ? comma + 1 : text;
	while (*prefix == ' ')
		prefix++;
	/* the parts before: each folded, without its unit word */
	for (const char *p = text; comma && p <= comma;) {
		const char *e = strchr(p, ',');
		if (parts.n == SO_ARRAY_SIZE(parts.folds))
			goto done;   /* more parts than any place has: nothing to offer */
		part = strndup(p, (size_t)(e - p));
		char *f = part ? so_unit_fold(part) : NULL;
		SO_FREE(part);
		if (!f)
			goto cleanup;
		const char *s = strip_unit_word(f);
		parts.folds[parts.n] = so_strdup(s);
		free(f);
		if (!parts.folds[parts.n])
			goto cleanup;
		if (*parts.folds[parts.n])
			parts.n++;
		else
			free(parts.folds[parts.n]);
		p = e + 1;
	}
	/* the unit word as the clerk wrote it, the kind of unit it says, then the name typed */
	int keep = 0;
	const char *unit_full = NULL;
	size_t word = typed_unit_word(prefix, &keep, &unit_full);
	if (keep && word) {
		unit_word = strndup(prefix, word);
		if (!unit_word) {
			so_error("out of memory");
			goto cleanup;
		}
	}
	pfold = so_unit_fold(prefix + word);
	plower = pfold ? lower_nfc(prefix + word) : NULL;
	if (!pfold || !plower)
		goto cleanup;
	/* nothing typed yet: the units above those written; nothing written either: nothing */
	if (!*pfold && parts.n == 0)
		goto done;
	const struct so_unit_list *use[2] = { NULL, NULL };
	if (date <= 0) {
		use[0] = &lists.rd->new_units;
		use[1] = &lists.rd->old_units;
	} else {
		use[0] = date >= SO_UNITS_REFORM_DATE ? &lists.rd->new_units : &lists.rd->old_units;
	}
	/* the first part may be a hospital whose address is known: offered with its commune */
	if (parts.n == 0 && word == 0 && *pfold &&
	    hospitals_match(use[0], date > 0, pfold, plower, c) < 0)
		goto cleanup;
	size_t best = 0;
	for (size_t l = 0; l < 2 && use[l]; l++)
		place_list(use[l], &parts, pfold, plower, unit_full, 0, NULL, 0, &best, NULL);
	for (size_t l = 0; l < 2 && use[l]; l++) {
		seen[l][0] = so_calloc(use[l]->ncommunes + 1, 1);
		seen[l][1] = so_calloc(use[l]->ndistricts + 1, 1);
		seen[l][2] = so_calloc(use[l]->nprovinces + 1, 1);
		if (!seen[l][0] || !seen[l][1] || !seen[l][2])
			goto cleanup;
		if (place_list(use[l], &parts, pfold, plower, unit_full, l * 1000000, seen[l], best,
			       &best, c) < 0)
			goto cleanup;
	}
	/* the head: the text up to the unit being typed */
	size_t head = (size_t)(prefix - text);
	rc = cands_take(c, text, head, unit_word, all_capitals(prefix + word), out);
	goto cleanup;
done:
	rc = 0;
cleanup:
	for (size_t i = 0; i < parts.n; i++)
		free(parts.folds[i]);
	for (size_t l = 0; l < 2; l++)
		for (size_t k = 0; k < 3; k++)
			free(seen[l][k]);
	free(part);
	free(pfold);
	free(plower);
	free(unit_word);
	return rc;
}

/* The entry ---------------------------------------------------------------------------------- */

void so_completions_release(struct so_completions *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		SO_FREE(c->v[i].value);
		SO_FREE(c->v[i].label);
		SO_FREE(c->v[i].detail);
	}
	c->n = 0;
}

int so_complete(enum so_complete_kind kind, const char *text, long date,
		struct so_completions *out)
{
	struct cands c = { NULL, 0, 0 };
	char *t = NULL;
	int rc = -1;
	memset(out, 0, sizeof(*out));
	if (kind < 0 || kind >= SO_COMPLETE_KINDS)
		return so_error("no such completion kind %d", (int)kind);
	if (!text || strlen(text) > SO_COMPLETE_TEXT_MAX)
		return 0;
	if (lists_ready() < 0)
		return -1;
	t = so_text_nfc(text);
	if (!t)
		goto cleanup;
	switch (kind) {
	case SO_COMPLETE_NAME:
	case SO_COMPLETE_FAMILY:
	case SO_COMPLETE_KINSHIP:
		rc = complete_words(kind, t, &c, out);
		break;
	case SO_COMPLETE_PLACE:
		rc = complete_place(t, date, &c, out);
		break;
	case SO_COMPLETE_ETHNICITY:
		rc = complete_coded(lists.rd->ethnic, lists.rd->nethnic, t, &c, out);
		break;
	case SO_COMPLETE_NATIONALITY:
		rc = complete_coded(lists.rd->countries, lists.rd->ncountries, t, &c, out);
		break;
	default:
		break;
	}
cleanup:
	if (rc < 0)
		so_completions_release(out);
	free(c.v);
	free(t);
	return rc;
}
