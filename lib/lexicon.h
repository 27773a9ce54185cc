/*
 * Word lists of the domain, from schemas/ref: Vietnamese family names. Comparisons ignore case
 * and Unicode composition (NFC, case-folded), not diacritics.
 */
#ifndef SO_LEXICON_H
#define SO_LEXICON_H

/* 1 when WORD is a family name of schemas/ref/family-names.txt. */
int so_is_family_name(const char *word);

#endif
