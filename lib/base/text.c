/* Unicode case mapping and normalization (see text.h). */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/text.h"
#include "base/util.h"

char *so_text_nfc(const char *s)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
	                                  UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (n < 0) {
		so_error("cannot normalize '%s': %s", s, utf8proc_errmsg(n));
		return NULL;
	}
	return (char *)out;
}

/* Maps every code point of S through MAP (all when FIRST_ONLY is 0), then composes to NFC.
 * With TITLE, the first letter of every word goes through MAP and the others are lowered. */
static char *case_map_words(const char *s, utf8proc_int32_t (*map)(utf8proc_int32_t),
			    int first_only, int title)
{
	size_t len = strlen(s);
	char *tmp = NULL, *res = NULL;
	size_t cap;
	if (so_mul_size(len + 1, 4, (size_t)1 << 28, &cap) < 0)
		return NULL;
	tmp = so_malloc(cap);
	if (!tmp)
		return NULL;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)len;
	size_t o = 0;
	int done = 0;
	while (left > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
		if (n <= 0) {
			so_error("invalid utf-8 in '%s'", s);
			goto cleanup;
		}
		int space = utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS || cp == '\t' ||
			    cp == '\n';
		if (title) {
			cp = space ? cp : done ? utf8proc_tolower(cp) : map(cp);
			/* a word starts after white space; marks do not end one */
			done = !space;
		} else {
			if (!done)
				cp = map(cp);
			if (first_only && !space)
				done = 1;
		}
		o += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)tmp + o);
		p += n;
		left -= n;
	}
	tmp[o] = 0;
	res = so_text_nfc(tmp);
cleanup:
	free(tmp);
	return res;
}

static char *case_map(const char *s, utf8proc_int32_t (*map)(utf8proc_int32_t), int first_only)
{
	return case_map_words(s, map, first_only, 0);
}

char *so_text_upper(const char *s)
{
	return case_map(s, utf8proc_toupper, 0);
}

char *so_text_lower_initial(const char *s)
{
	return case_map(s, utf8proc_tolower, 1);
}

char *so_text_title(const char *s)
{
	char *nfc = so_text_nfc(s);
	if (!nfc)
		return NULL;
	char *t = case_map_words(nfc, utf8proc_toupper, 0, 1);
	free(nfc);
	return t;
}

char *so_text_collapse(const char *s)
{
	size_t len = strlen(s);
	char *out = so_malloc(len + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	int space = 0;
	for (const char *p = s; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			space = 1;
			continue;
		}
		if (space && o > 0)
			out[o++] = ' ';
		space = 0;
		out[o++] = *p;
	}
	out[o] = 0;
	return out;
}

int so_text_is_nfc(const char *s)
{
	char *n = so_text_nfc(s);
	int same = n && strcmp(n, s) == 0;
	free(n);
	return same;
}

static int is_tone_mark(utf8proc_int32_t cp)
{
	return cp == 0x0300 || cp == 0x0301 || cp == 0x0303 || cp == 0x0309 || cp == 0x0323;
}

char *so_text_tone_key(const char *s)
{
	utf8proc_uint8_t *d = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &d,
					  UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD);
	if (n < 0)
		return NULL;
	struct so_buf base = SO_BUF_INIT(4096), tones = SO_BUF_INIT(256);
	utf8proc_int32_t cp;
	for (utf8proc_ssize_t i = 0, k; i < n; i += k) {
		k = utf8proc_iterate(d + i, n - i, &cp);
		if (k <= 0)
			break;
		if (is_tone_mark(cp))
			so_buf_add(&tones, d + i, (size_t)k);
		else if (cp == ' ' || cp == '\t' || cp == '\n')
			so_buf_adds(&base, base.len && base.data[base.len - 1] != ' ' ? " " : "");
		else
			so_buf_add(&base, d + i, (size_t)k);
	}
	free(d);
	so_buf_adds(&base, "|");
	if (tones.data)
		so_buf_adds(&base, tones.data);
	so_buf_release(&tones);
	return so_buf_detach(&base, NULL);
}
