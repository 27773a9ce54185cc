/*
 * Word lists of the domain, from schemas/ref: Vietnamese family names, name words, kinship
 * terms, syllables, and the phrase lists of free-text fields. Comparisons ignore case and
 * Unicode composition (NFC, case-folded), not diacritics, unless said otherwise.
 */
#ifndef SO_LEXICON_H
#define SO_LEXICON_H

/* 1 when WORD is a family name of schemas/ref/family-names.txt. */
int so_is_family_name(const char *word);
/* The one family name that WORD spells when its diacritics are set aside (NGUYEN, NGUYÊN ->
 * "Nguyễn"), in WORD's case (all capitals or as listed); NULL when none or several do
 * (Lý / Lí). Caller frees. */
char *so_family_name_unaccented(const char *word);

/* 1 when WORD is a common word of Vietnamese middle and given names
 * (schemas/ref/name-words.txt); case ignored, marks kept. */
int so_is_name_word(const char *word);

/* 1 when another name word has WORD's letters with other marks (Khanh / Khánh, Thu / Thư):
 * a word recognition can turn into another name by one mark. The other tone placement of the
 * same word (Hòa / Hoà) is not another word. */
int so_name_word_has_sibling(const char *word);

/* 1 when TEXT (NFC, white space collapsed) is exactly, case included, a line of the list
 * LIST ("ref/death-causes.txt"), where '#' in a line stands for a run of digits. */
int so_phrase_listed(const char *list, const char *text);

/* The one line of LIST that TEXT spells when case and marks are set aside (Đột quy -> Đột quỵ,
 * Cấp 03 bản Sao -> Cấp 03 bản sao: a '#' of the line takes the text's number), spelt as listed;
 * NULL when none or several do. Caller frees. */
char *so_phrase_unaccented(const char *list, const char *text);

/* The kinship term of schemas/ref/kinship.txt that TEXT is (case ignored, marks kept), as
 * listed; NULL when none. Static storage. */
const char *so_kinship(const char *text);

/* 1 when WORD can be a Vietnamese syllable (schemas/ref/syllable-parts.txt): letters only,
 * an onset and a rhyme, diacritics and case set aside. */
int so_is_syllable(const char *word);

#endif
