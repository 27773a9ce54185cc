/* Domain word lists (see lexicon.h). Loaded once per process from the compiled-in data. */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "embed.h"
#include "lexicon.h"
#include "util.h"

struct wordlist {
	char **words;   /* case-folded NFC, sorted */
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
		if (l->n == cap) {
			cap = cap ? cap * 2 : 128;
			char **nw = realloc(l->words, cap * sizeof(*nw));
			if (!nw)
				break;
			l->words = nw;
		}
		char *f = fold_case(line);
		if (f)
			l->words[l->n++] = f;
	}
	free(copy);
	qsort(l->words, l->n, sizeof(*l->words), cmp);
}

static int contains(struct wordlist *l, const char *name, const char *word)
{
	if (!l->loaded)
		load(l, name);
	char *f = fold_case(word);
	if (!f)
		return 0;
	int hit = bsearch(&f, l->words, l->n, sizeof(*l->words), cmp) != NULL;
	free(f);
	return hit;
}

int so_is_family_name(const char *word)
{
	static struct wordlist family;
	return contains(&family, "ref/family-names.txt", word);
}
