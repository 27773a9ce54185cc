/* Domain word lists (see lexicon.h). Loaded once per process from the compiled-in data, the
 * first time one is asked for (pthread_once), and read-only after: the only state of this
 * module is `lists` and `phrases` below. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/array.h"
#include "base/embed.h"
#include "base/text.h"
#include "base/util.h"
#include "register/fields.h"
#include "register/lexicon.h"

struct wordlist {
	char **words;   /* case-folded NFC, sorted */
	char **plain;   /* as listed, in the same order */
	size_t n;
	int loaded;
};

static char *fold_case(const char *s)
{
	return (char *)utf8proc_NFKC_Casefold((const utf8proc_uint8_t *)s);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load(struct wordlist *l, const char *name)
{
	l->loaded = 1;
	const struct so_embedded *e = so_embedded_find(name);
	if (!e)
		return;
	char *copy = so_strdup((const char *)e->data), *save = NULL;
	if (!copy)
		return;
	size_t cap = 0;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!*line || *line == '#')
			continue;
		size_t plain_cap = cap;
		if (SO_ARRAY_GROW(l->words, l->n, cap) < 0 ||
		    SO_ARRAY_GROW(l->plain, l->n, plain_cap) < 0)
			break;
		char *f = fold_case(line);
		char *p = so_strdup(line);
		if (f && p) {
			l->words[l->n] = f;
			l->plain[l->n++] = p;
		} else {
			free(f);
			free(p);
		}
	}
	free(copy);
	/* sort both by the folded form */
	for (size_t i = 1; i < l->n; i++) {
		for (size_t j = i; j > 0 && strcmp(l->words[j - 1], l->words[j]) > 0; j--) {
			char *t = l->words[j];
			l->words[j] = l->words[j - 1];
			l->words[j - 1] = t;
			t = l->plain[j];
			l->plain[j] = l->plain[j - 1];
			l->plain[j - 1] = t;
		}
	}
}

static int contains(const struct wordlist *l, const char *word)
{
	char *f = fold_case(word);
	if (!f)
		return 0;
	int hit = bsearch(&f, l->words, l->n, sizeof(*l->words), cmp) != NULL;
	free(f);
	return hit;
}

struct parts {
	char **onsets, **rhymes;
	size_t nonsets, nrhymes;
	int loaded;
};
static void parts_load(struct parts *p);

/* The fixed lists, all loaded at the first question. */
static struct lists {
	struct wordlist family, name_words, kinship;
	struct parts syllable_parts;
} lists;
static pthread_once_t lists_once = PTHREAD_ONCE_INIT;

static void lists_load(void)
{
	load(&lists.family, "ref/family-names.txt");
	load(&lists.name_words, "ref/name-words.txt");
	load(&lists.kinship, "ref/kinship.txt");
	parts_load(&lists.syllable_parts);
}

static const struct lists *lists_get(void)
{
	pthread_once(&lists_once, lists_load);
	return &lists;
}

int so_is_family_name(const char *word)
{
	return contains(&lists_get()->family, word);
}

int so_is_name_word(const char *word)
{
	return contains(&lists_get()->name_words, word);
}

int so_name_word_has_sibling(const char *word)
{
	const struct wordlist *name_words = &lists_get()->name_words;
	char *key = so_fold(word, NULL), *self = fold_case(word);
	int sibling = 0;
	for (size_t i = 0; key && self && i < name_words->n && !sibling; i++) {
		if (strcmp(name_words->words[i], self) == 0)
			continue;
		char *f = so_fold(name_words->plain[i], NULL);
		/* the same letters, other marks (not merely the other tone placement) */
		if (f && strcmp(f, key) == 0) {
			char *a = so_text_tone_key(name_words->plain[i]), *b = so_text_tone_key(word);
			sibling = !a || !b || strcmp(a, b) != 0;
			free(a);
			free(b);
		}
		free(f);
	}
	free(key);
	free(self);
	return sibling;
}

/* The phrase lists of free-text fields, loaded by name when first asked for (under the lock). */
static struct {
	const char *name;
	struct wordlist list;
} phrases[4];
static pthread_mutex_t phrases_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct wordlist *phrase_list(const char *list)
{
	const struct wordlist *found = NULL;
	pthread_mutex_lock(&phrases_lock);
	for (size_t i = 0; i < SO_ARRAY_SIZE(phrases) && !found; i++) {
		if (!phrases[i].name) {
			phrases[i].name = list;
			load(&phrases[i].list, list);
		}
		if (strcmp(phrases[i].name, list) == 0)
			found = &phrases[i].list;
	}
	pthread_mutex_unlock(&phrases_lock);
	return found;
}

/* TEXT with each run of digits as one '#'. Caller frees. */
static char *digits_masked(const char *text)
{
	char *masked = so_strdup(text);
	if (!masked)
		return NULL;
	char *o = masked;
	for (const char *p = text; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (o == masked || o[-1] != '#')
				*o++ = '#';
		} else {
			*o++ = *p;
		}
	}
	*o = 0;
	return masked;
}

int so_phrase_listed(const char *list, const char *text)
{
	const struct wordlist *l = phrase_list(list);
	char *masked = l ? digits_masked(text) : NULL;
	int hit = 0;
	for (size_t i = 0; masked && i < l->n && !hit; i++)
		hit = strcmp(l->plain[i], masked) == 0;
	free(masked);
	return hit;
}

char *so_phrase_unaccented(const char *list, const char *text)
{
	const struct wordlist *l = phrase_list(list);
	char *masked = l ? digits_masked(text) : NULL;
	char *key = masked ? so_fold(masked, NULL) : NULL;
	const char *hit = NULL;
	int hits = 0;
	for (size_t i = 0; key && i < l->n; i++) {
		char *f = so_fold(l->plain[i], NULL);
		if (f && strcmp(f, key) == 0 && (!hit || strcmp(hit, l->plain[i]) != 0)) {
			hit = l->plain[i];
			hits++;
		}
		free(f);
	}
	free(key);
	free(masked);
	if (hits != 1)
		return NULL;
	/* the listed spelling, its '#' given back the text's numbers in order */
	struct so_buf b = SO_BUF_INIT(4096);
	const char *d = text;
	for (const char *p = hit; *p; p++) {
		if (*p != '#') {
			so_buf_add(&b, p, 1);
			continue;
		}
		while (*d && !(*d >= '0' && *d <= '9'))
			d++;
		const char *e = d;
		while (*e >= '0' && *e <= '9')
			e++;
		so_buf_add(&b, d, (size_t)(e - d));
		d = e;
	}
	return so_buf_detach(&b, NULL);
}

const char *so_kinship(const char *text)
{
	const struct wordlist *kin = &lists_get()->kinship;
	char *f = fold_case(text);
	if (!f)
		return NULL;
	char **hit = bsearch(&f, kin->words, kin->n, sizeof(*kin->words), cmp);
	free(f);
	return hit ? kin->plain[hit - kin->words] : NULL;
}

static int all_capitals(const char *s)
{
	int letters = 0;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t cp;
	utf8proc_ssize_t k;
	while (*p && (k = utf8proc_iterate(p, -1, &cp)) > 0) {
		if (utf8proc_islower(cp))
			return 0;
		letters += utf8proc_isupper(cp);
		p += k;
	}
	return letters > 0;
}

char *so_family_name_unaccented(const char *word)
{
	const struct wordlist *family = &lists_get()->family;
	char *key = so_fold(word, NULL);
	if (!key)
		return NULL;
	const char *hit = NULL;
	int hits = 0;
	for (size_t i = 0; i < family->n; i++) {
		char *f = so_fold(family->plain[i], NULL);
		if (f && strcmp(f, key) == 0) {
			hit = family->plain[i];
			hits++;
		}
		free(f);
	}
	free(key);
	if (hits != 1)
		return NULL;
	return all_capitals(word) ? so_text_upper(hit) : so_strdup(hit);
}

/* Syllables ---------------------------------------------------------------------------------- */

static void parts_load(struct parts *p)
{
	p->loaded = 1;
	const struct so_embedded *e = so_embedded_find("ref/syllable-parts.txt");
	if (!e)
		return;
	char *copy = so_strdup((const char *)e->data), *save = NULL;
	if (!copy)
		return;
	char ***list = NULL;
	size_t *n = NULL, caps[2] = { 0, 0 };
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!*line || *line == '#')
			continue;
		if (strcmp(line, "[onsets]") == 0) {
			list = &p->onsets;
			n = &p->nonsets;
			continue;
		}
		if (strcmp(line, "[rhymes]") == 0) {
			list = &p->rhymes;
			n = &p->nrhymes;
			continue;
		}
		if (!list)
			continue;
		size_t *cap = &caps[list == &p->rhymes];
		if (SO_ARRAY_GROW(*list, *n, *cap) < 0)
			break;
		(*list)[(*n)++] = so_strdup(line);
	}
	free(copy);
}

static int in_parts(char **v, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(v[i]) == len && strncmp(v[i], s, len) == 0)
			return 1;
	return 0;
}

int so_is_syllable(const char *word)
{
	const struct parts *p = &lists_get()->syllable_parts;
	char *f = so_fold(word, NULL);
	if (!f)
		return 0;
	size_t n = strlen(f);
	int ok = 0;
	for (size_t i = 0; i < n && f[i]; i++)
		if (f[i] < 'a' || f[i] > 'z')
			n = 0; /* not a letter (or not a Latin one): no syllable */
	/* every split into an onset (possibly none) and a rhyme */
	for (size_t k = 0; !ok && n && k <= 3 && k < n; k++) {
		if (k && !in_parts(p->onsets, p->nonsets, f, k))
			continue;
		ok = in_parts(p->rhymes, p->nrhymes, f + k, n - k);
	}
	free(f);
	return ok;
}
