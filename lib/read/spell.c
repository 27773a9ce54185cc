/* Spelling readings as what their cells hold (see spell.h). */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/util.h"
#include "read/evidence.h"
#include "read/spell.h"
#include "register/lexicon.h"

void so_spell_one_word(struct so_reading *rd)
{
	if (rd->nwords > 1) {
		struct so_word all = rd->words[0];
		for (size_t i = 1; i < rd->nwords; i++) {
			const struct so_word *x = &rd->words[i];
			all.conf = x->conf < all.conf ? x->conf : all.conf;
			all.x0 = x->x0 < all.x0 ? x->x0 : all.x0;
			all.y0 = x->y0 < all.y0 ? x->y0 : all.y0;
			all.x1 = x->x1 > all.x1 ? x->x1 : all.x1;
			all.y1 = x->y1 > all.y1 ? x->y1 : all.y1;
		}
		all.start = 0;
		all.end = strlen(rd->text);
		/* the glyphs of all the words, in order (none when memory fails) */
		size_t nsyms = 0;
		for (size_t i = 0; i < rd->nwords; i++)
			nsyms += rd->words[i].nsyms;
		all.syms = nsyms ? so_calloc(nsyms, sizeof(*all.syms)) : NULL;
		all.nsyms = 0;
		for (size_t i = 0; i < rd->nwords; i++) {
			if (all.syms && rd->words[i].nsyms)
				memcpy(all.syms + all.nsyms, rd->words[i].syms,
				       rd->words[i].nsyms * sizeof(*all.syms));
			all.nsyms += all.syms ? rd->words[i].nsyms : 0;
			free(rd->words[i].syms);
		}
		rd->words[0] = all;
		rd->nwords = 1;
	} else if (rd->nwords == 1) {
		rd->words[0].start = 0;
		rd->words[0].end = strlen(rd->text);
	}
}

void so_spell_digits(struct so_reading *rd)
{
	char *o = rd->text;
	for (const char *p = rd->text; *p; p++)
		if (*p != ' ' && *p != '\n')
			*o++ = *p;
	*o = 0;
	so_spell_one_word(rd);
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

void so_spell_separators(struct so_reading *rd)
{
	char *t = rd->text;
	size_t n = strlen(t), o = 0;
	for (size_t i = 0; i < n; i++) {
		if ((t[i] == ' ' || t[i] == '\n') && o > 0 && i + 1 < n) {
			char before = t[o - 1], after = t[i + 1];
			int sep_before = strchr("/.-", before) != NULL;
			int sep_after = strchr("/.-", after) != NULL;
			if ((sep_before && is_digit(after) && o > 1 && is_digit(t[o - 2])) ||
			    (is_digit(before) && sep_after && i + 2 < n && is_digit(t[i + 2])))
				continue;
		}
		t[o++] = t[i];
	}
	t[o] = 0;
	if (o != n)
		so_spell_one_word(rd);
}

/* Uppercase marks are what the recognizer confuses most: the letters' alternatives first,
 * then the family name the letters spell, at a tier the rules send to review. */
int so_spell_family_name(struct so_reading *rd, size_t k)
{
	if (k >= rd->nwords)
		return 0;
	if (so_reading_respell(rd, k, so_is_family_name))
		return 1;
	const struct so_word *w = &rd->words[k];
	char word[128];
	size_t len = w->end - w->start;
	if (len >= sizeof(word))
		return 0;
	memcpy(word, rd->text + w->start, len);
	word[len] = 0;
	if (so_is_family_name(word))
		return 0;
	char *name = so_family_name_unaccented(word);
	int changed = name && so_reading_replace_word(rd, k, name,
						      (float)so_tier_conf(SO_TIER_FAMILY_GUESS)) == 0;
	free(name);
	return changed;
}

/* A word that may follow the family name: a name word, or a family name (Nguyễn Lê Minh). */
static int name_or_family(const char *word)
{
	return so_is_name_word(word) || so_is_family_name(word);
}

int so_spell_name_words(struct so_reading *rd, size_t k0, size_t k1)
{
	int changed = 0;
	for (size_t k = k0; k < k1 && k < rd->nwords; k++)
		changed |= so_reading_respell(rd, k, name_or_family);
	return changed;
}

/* Drops the words K0 .. K1 - 1 of RD that have no letter, but for the first and the last when
 * INTERIOR. Returns how many were dropped. */
static size_t drop_letterless(struct so_reading *rd, size_t k0, size_t k1, int interior)
{
	size_t dropped = 0, edge = interior ? 1 : 0;
	for (size_t k = k0 + edge; k + edge < k1 - dropped && k < rd->nwords;) {
		const struct so_word *wd = &rd->words[k];
		int letter = 0;
		const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)rd->text + wd->start;
		const utf8proc_uint8_t *e = (const utf8proc_uint8_t *)rd->text + wd->end;
		utf8proc_int32_t cp;
		utf8proc_ssize_t n;
		while (!letter && p < e && (n = utf8proc_iterate(p, e - p, &cp)) > 0) {
			letter = utf8proc_isupper(cp) || utf8proc_islower(cp);
			p += n;
		}
		if (!letter && rd->nwords > 1 && so_reading_drop_word(rd, k) == 0) {
			dropped++;
			continue;
		}
		k++;
	}
	return dropped;
}

int so_spell_name(struct so_reading *rd, size_t k0, size_t k1, int interior)
{
	size_t dropped = drop_letterless(rd, k0, k1, interior);
	k1 -= dropped;
	int changed = dropped > 0;
	changed |= so_spell_family_name(rd, k0);
	changed |= so_spell_name_words(rd, k0 + 1, k1);
	return changed;
}

size_t so_reading_word_at(const struct so_reading *rd, size_t start)
{
	size_t k = 0;
	while (k < rd->nwords && rd->words[k].start < start)
		k++;
	return k;
}
