/*
 * Unicode helpers on utf8proc: NFC, proper upper-casing of Vietnamese
 * (`đặng thị thuỷ` → `ĐẶNG THỊ THUỶ`), lower-casing of an initial, and whitespace collapsing.
 * Every function returns a new NUL-terminated string the caller frees, or NULL with the error
 * set.
 */
#ifndef SO_TEXT_H
#define SO_TEXT_H

#include <stddef.h>

char *so_text_nfc(const char *s);
char *so_text_upper(const char *s);
/* The first letter lower-cased ("Phường" → "phường"). */
char *so_text_lower_initial(const char *s);
/* Title Case, word by word, in NFC: "ĐẶNG THỊ THUỶ" → "Đặng Thị Thuỷ" (tone placement kept). */
char *so_text_title(const char *s);
/* Runs of white space become one space; leading and trailing space is dropped. */
char *so_text_collapse(const char *s);
/* 1 when S is valid UTF-8 and already NFC. */
int so_text_is_nfc(const char *s);
/* A key that ignores case and where the tone mark sits (hòa / hoà) but not which tone it is
 * nor the other marks: the text decomposed without its tone marks, then the tones in order.
 * NULL when out of memory. */
char *so_text_tone_key(const char *s);

#endif
