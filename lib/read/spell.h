/*
 * Spelling a reading as what its cell holds, from the recognizer's own evidence (each letter's
 * likely alternatives) and the word lists of schemas/ref: a name's family name first and name
 * words after it, specks between its words dropped; a number wrapped over two lines of a
 * narrow cell made whole again. These change readings in place and run no recognizer.
 */
#ifndef SO_SPELL_H
#define SO_SPELL_H

#include <stddef.h>

#include "read/recognize.h"

/* The reading counts as one word spanning its text, with the lowest confidence and the box
 * of its parts. */
void so_spell_one_word(struct so_reading *rd);
/* An identity number wrapped over two lines of a narrow cell is one number: white space out,
 * as one word. */
void so_spell_digits(struct so_reading *rd);
/* Numbers and dates: a space or line break beside a separator between digits comes from the
 * recognizer or from a narrow cell wrapping the number ("111/ 1991"): taken out (as one word
 * when any was). */
void so_spell_separators(struct so_reading *rd);

/* Word K opens a name, so it is a family name: when it is not one as read, the spelling among
 * the letters' alternatives that is one (NGUYÊN / NGUYỄN); failing that, the one family name
 * it spells without its marks (TRẤN -> TRẦN) at SO_TIER_FAMILY_GUESS. 1 when it changed. */
int so_spell_family_name(struct so_reading *rd, size_t k);
/* Words K0 .. K1 - 1 (in a name, after its family name), each respelt as a name word or family
 * name when it is not one and its letters' alternatives spell one (TUẦN -> TUẤN). 1 when a
 * word changed. */
int so_spell_name_words(struct so_reading *rd, size_t k0, size_t k1);
/* Words K0 .. K1 - 1 as a name: words with no letter dropped ("_", "„,"; but for the first and
 * the last when INTERIOR: the edges of a name in a composite cell are its parser's), then a
 * family name and name words as above. 1 when a word changed or was dropped. */
int so_spell_name(struct so_reading *rd, size_t k0, size_t k1, int interior);

/* The first word of RD that starts at or after byte START; rd->nwords when none. */
size_t so_reading_word_at(const struct so_reading *rd, size_t start);

#endif
