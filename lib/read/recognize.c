/* Cell recognition with tesseract (see recognize.h). */
#include <stdlib.h>
#include <string.h>
#include <tesseract/capi.h>

#include "base/array.h"
#include "base/text.h"
#include "base/util.h"
#include "read/recognize.h"

#define CELL_MAX_TEXT (64 * 1024)
#define CELL_PAD 12

enum { MODEL_VIE = SO_MODEL_MAIN, MODEL_LATIN = SO_MODEL_LATIN, MODEL_SECOND = SO_MODEL_SECOND,
       MODELS };

struct so_recognizer {
	TessBaseAPI *api[MODELS];
};

struct mode_config {
	TessPageSegMode psm;
	const char *whitelist;   /* NULL: every character */
	int model;
	double scale;            /* relative to 300 dpi */
	int choices;             /* keep each letter's alternatives (names: so_reading_respell);
	                            they cost about a sixth more time */
};

static const char digits[] = "0123456789";
static const struct mode_config configs[SO_READ_MODES] = {
	[SO_READ_CELL] = { PSM_SINGLE_BLOCK, NULL, MODEL_VIE, 1, 0 },
	[SO_READ_DIGITS] = { PSM_SINGLE_BLOCK, digits, MODEL_VIE, 1, 0 },
	[SO_READ_INDEX] = { PSM_SINGLE_LINE, "()0123456789", MODEL_LATIN, 1, 0 },
	[SO_READ_LINE] = { PSM_SINGLE_LINE, NULL, MODEL_VIE, 1, 0 },
	[SO_READ_NAME_LINE] = { PSM_SINGLE_LINE, NULL, MODEL_VIE, 1, 1 },
	[SO_READ_LARGE] = { PSM_SINGLE_BLOCK, NULL, MODEL_VIE, 1.5, 0 },
	[SO_READ_NAMES] = { PSM_SINGLE_BLOCK, NULL, MODEL_VIE, 1, 1 },
};

int so_recognizer_new(const char *lang, struct so_recognizer **out)
{
	*out = NULL;
	struct so_recognizer *r = so_calloc(1, sizeof(*r));
	if (!r)
		return -1;
	/* the language of the registers; the Latin model, better at digits and brackets; and the
	 * Vietnamese script model, trained apart, whose mistakes on marks are not the first's */
	const char *langs[MODELS] = { lang, "eng", SO_SECOND_MODEL };
	const char *packages[MODELS] = { NULL, "tesseract-ocr-eng", "tesseract-ocr-script-viet" };
	char *names[] = { "load_system_dawg", "load_freq_dawg", "load_punc_dawg",
			  "load_number_dawg", "load_unambig_dawg", "load_bigram_dawg" };
	char *values[] = { "0", "0", "0", "0", "0", "0" };
	for (int m = 0; m < MODELS; m++) {
		r->api[m] = TessBaseAPICreate();
		if (!r->api[m] || TessBaseAPIInit4(r->api[m], NULL, langs[m], OEM_LSTM_ONLY, NULL, 0,
						   names, values, SO_ARRAY_SIZE(names), 0) != 0) {
			if (packages[m])
				so_error("cannot start tesseract for language '%s' (is %s "
					 "installed?)", langs[m], packages[m]);
			else
				so_error("cannot start tesseract for language '%s' (is "
					 "tesseract-ocr-%s installed?)", langs[m], langs[m]);
			if (r->api[m])
				TessBaseAPIDelete(r->api[m]);
			r->api[m] = NULL;
			so_recognizer_free(r);
			return -1;
		}
		TessBaseAPISetVariable(r->api[m], "debug_file", "/dev/null");
	}
	*out = r;
	return 0;
}

void so_recognizer_free(struct so_recognizer *r)
{
	if (!r)
		return;
	for (int m = 0; m < MODELS; m++) {
		if (r->api[m]) {
			TessBaseAPIEnd(r->api[m]);
			TessBaseAPIDelete(r->api[m]);
		}
	}
	free(r);
}

void so_reading_release(struct so_reading *rd)
{
	for (size_t i = 0; i < rd->nwords; i++)
		free(rd->words[i].syms);
	SO_FREE(rd->text);
	SO_FREE(rd->words);
	rd->nwords = 0;
	rd->conf = 0;
}

/* The cell's ink, cropped to its content with a white margin, scaled to about 300 dpi. */
static PIX *cell_image(PIX *page, BOX *box, double want, int *ox, int *oy, double *scale)
{
	PIX *cell = pixClipRectangle(page, box, NULL);
	if (!cell)
		return NULL;
	BOX *fg = NULL;
	PIX *tight = NULL;
	if (pixClipToForeground(cell, &tight, &fg) != 0 || !tight) {
		pixDestroy(&cell);
		return NULL; /* no ink */
	}
	*ox = box->x + fg->x;
	*oy = box->y + fg->y;
	boxDestroy(&fg);
	pixDestroy(&cell);
	l_int32 dpi = 0, dummy;
	pixGetResolution(page, &dpi, &dummy);
	*scale = 1.0;
	PIX *sized = tight;
	if (dpi <= 0)
		dpi = 300;
	double f = want * 300.0 / dpi;
	if (f < 0.93 || f > 1.07) {
		*scale = f;
		PIX *gray = pixConvert1To8(NULL, tight, 255, 0);
		sized = gray ? pixScaleGrayLI(gray, (l_float32)*scale, (l_float32)*scale) : NULL;
		pixDestroy(&gray);
		pixDestroy(&tight);
		if (!sized)
			return NULL;
	}
	PIX *padded = pixAddBorder(sized, CELL_PAD, pixGetDepth(sized) == 1 ? 0 : 255);
	pixDestroy(&sized);
	if (padded)
		pixSetResolution(padded, 300, 300);
	return padded;
}

/* The page coordinate of V, a coordinate of the cell image (its ink at O on the page, CELL_PAD
 * around it, scaled by SCALE). */
static int page_at(int v, int o, double scale)
{
	return o + (int)((v - CELL_PAD) / scale);
}

/* The alternatives of each letter of the word at IT (a copy of the iterator is walked), and
 * its glyph's box: the cell image's ink at OX, OY on the page, scaled by SCALE. */
static void word_symbols(const TessResultIterator *it, struct so_word *w, int ox, int oy,
			 double scale)
{
	w->syms = NULL;
	w->nsyms = 0;
	TessResultIterator *c = TessResultIteratorCopy(it);
	if (!c)
		return;
	TessPageIterator *pc = TessResultIteratorGetPageIterator(c);
	size_t cap = 0;
	for (int guard = 0; guard < 64; guard++) {
		if (SO_ARRAY_GROW(w->syms, w->nsyms, cap) < 0)
			break;
		struct so_symbol *sym = &w->syms[w->nsyms++];
		memset(sym, 0, sizeof(*sym));
		int x0, y0, x1, y1;
		if (TessPageIteratorBoundingBox(pc, RIL_SYMBOL, &x0, &y0, &x1, &y1)) {
			sym->x0 = page_at(x0, ox, scale);
			sym->y0 = page_at(y0, oy, scale);
			sym->x1 = page_at(x1, ox, scale);
			sym->y1 = page_at(y1, oy, scale);
		}
		TessChoiceIterator *ci = TessResultIteratorGetChoiceIterator(c);
		if (ci) {
			do {
				const char *t = TessChoiceIteratorGetUTF8Text(ci);
				float conf = TessChoiceIteratorConfidence(ci) / 100.0f;
				if (!t || !*t || strlen(t) >= sizeof(sym->alt[0]) || conf <= 0)
					continue;
				/* keep the best SO_SYMBOL_ALTS, best first */
				int k = sym->n < SO_SYMBOL_ALTS ? sym->n++ : SO_SYMBOL_ALTS - 1;
				if (k == SO_SYMBOL_ALTS - 1 && sym->n == SO_SYMBOL_ALTS &&
				    conf <= sym->conf[k])
					continue;
				while (k > 0 && sym->conf[k - 1] < conf) {
					sym->conf[k] = sym->conf[k - 1];
					memcpy(sym->alt[k], sym->alt[k - 1], sizeof(sym->alt[0]));
					k--;
				}
				sym->conf[k] = conf;
				snprintf(sym->alt[k], sizeof(sym->alt[0]), "%s", t);
			} while (TessChoiceIteratorNext(ci));
			TessChoiceIteratorDelete(ci);
		}
		if (sym->n == 0) {
			/* no alternatives for this letter: its own reading */
			char *t = TessResultIteratorGetUTF8Text(c, RIL_SYMBOL);
			if (t && strlen(t) < sizeof(sym->alt[0])) {
				snprintf(sym->alt[0], sizeof(sym->alt[0]), "%s", t);
				sym->conf[0] = TessResultIteratorConfidence(c, RIL_SYMBOL) / 100.0f;
				sym->n = 1;
			}
			TessDeleteText(t);
		}
		if (TessPageIteratorIsAtFinalElement(pc, RIL_WORD, RIL_SYMBOL) ||
		    !TessResultIteratorNext(c, RIL_SYMBOL))
			break;
	}
	TessResultIteratorDelete(c);
}

/* Letters the model sometimes gives that Vietnamese does not have, where the intended letter is
 * certain (the diaeresis is never written): Ÿ -> Y, ÿ -> y. In place; the text only shrinks. */
static void latin_fixups(char *w)
{
	char *o = w;
	for (const char *p = w; *p;) {
		if ((unsigned char)p[0] == 0xC5 && (unsigned char)p[1] == 0xB8) {
			*o++ = 'Y';
			p += 2;
		} else if ((unsigned char)p[0] == 0xC3 && (unsigned char)p[1] == 0xBF) {
			*o++ = 'y';
			p += 2;
		} else {
			*o++ = *p++;
		}
	}
	*o = 0;
}

static int recognize(struct so_recognizer *r, PIX *page, BOX *box, enum so_read_mode mode,
		     int model, struct so_reading *out)
{
	memset(out, 0, sizeof(*out));
	int ox = 0, oy = 0;
	double scale = 1;
	const struct mode_config *c = &configs[mode >= 0 && mode < SO_READ_MODES ? mode
										   : SO_READ_NAMES];
	PIX *img = cell_image(page, box, c->scale, &ox, &oy, &scale);
	if (!img) {
		out->text = so_strdup("");
		return out->text ? 0 : -1;
	}
	TessBaseAPI *api = r->api[model < 0 ? c->model : model];
	TessBaseAPISetPageSegMode(api, c->psm);
	TessBaseAPISetVariable(api, "tessedit_char_whitelist", c->whitelist ? c->whitelist : "");
	/* each letter's alternatives, where names are read (see so_reading_respell) */
	TessBaseAPISetVariable(api, "lstm_choice_mode", c->choices ? "2" : "0");
	TessBaseAPISetImage2(api, img);
	TessBaseAPISetSourceResolution(api, (int)(300 * c->scale));
	int rc = 0;
	struct so_buf text = SO_BUF_INIT(CELL_MAX_TEXT);
	size_t cap = 0;
	double wsum = 0, csum = 0;
	if (TessBaseAPIRecognize(api, NULL) != 0) {
		rc = so_error("tesseract could not read a cell");
		goto done;
	}
	TessResultIterator *it = TessBaseAPIGetIterator(api);
	if (!it)
		goto done;
	const TessPageIterator *pit = TessResultIteratorGetPageIteratorConst(it);
	do {
		char *word = TessResultIteratorGetUTF8Text(it, RIL_WORD);
		if (!word)
			continue;

		if (!*word) {
			TessDeleteText(word);
			continue;
		}
		if (text.len) {
			int newline = TessPageIteratorIsAtBeginningOf(pit, RIL_TEXTLINE);
			if (so_buf_add(&text, newline ? "\n" : " ", 1) < 0) {
				TessDeleteText(word);
				rc = -1;
				break;
			}
		}
		if (SO_ARRAY_GROW(out->words, out->nwords, cap) < 0) {
			TessDeleteText(word);
			rc = -1;
			break;
		}
		struct so_word *w = &out->words[out->nwords++];
		w->start = text.len;
		latin_fixups(word);
		if (so_buf_adds(&text, word) < 0) {
			TessDeleteText(word);
			rc = -1;
			break;
		}
		w->end = text.len;
		w->conf = TessResultIteratorConfidence(it, RIL_WORD) / 100.0f;
		word_symbols(it, w, ox, oy, scale);
		int x0, y0, x1, y1;
		TessPageIteratorBoundingBox(pit, RIL_WORD, &x0, &y0, &x1, &y1);
		w->x0 = page_at(x0, ox, scale);
		w->y0 = page_at(y0, oy, scale);
		w->x1 = page_at(x1, ox, scale);
		w->y1 = page_at(y1, oy, scale);
		double len = (double)(w->end - w->start);
		wsum += len;
		csum += len * w->conf;
		TessDeleteText(word);
	} while (TessResultIteratorNext(it, RIL_WORD));
	TessResultIteratorDelete(it);
done:
	TessBaseAPIClear(api);
	pixDestroy(&img);
	if (rc < 0) {
		so_buf_release(&text);
		so_reading_release(out);
		return -1;
	}
	out->text = so_buf_detach(&text, NULL);
	out->conf = wsum > 0 ? csum / wsum : 0;
	return out->text ? 0 : -1;
}

/* 1 when A and B are one spelling but for case and where the tone mark sits (ThỊ / Thị,
 * Thủy / Thuỷ): not two words to choose between. */
static int same_spelling(const char *a, const char *b)
{
	char *ka = so_text_tone_key(a), *kb = so_text_tone_key(b);
	int same = ka && kb && strcmp(ka, kb) == 0;
	free(ka);
	free(kb);
	return same;
}

/* The likeliest spelling of word I, other than as read (see same_spelling), that ACCEPT
 * approves, from its letters' alternatives at least RATIO as likely as a letter's best and at
 * least FLOOR: into BEST (256 bytes), with the confidence of its weakest letter in *MINC. 1 when
 * there is one. */
static int other_spelling(const struct so_reading *rd, size_t i, int (*accept)(const char *word),
			  float ratio, float floor, char *best, float *minc_out)
{
	if (i >= rd->nwords)
		return 0;
	const struct so_word *w = &rd->words[i];
	size_t len = w->end - w->start;
	char current[256];
	if (len >= sizeof(current) || !w->syms || w->nsyms == 0)
		return 0;
	memcpy(current, rd->text + w->start, len);
	current[len] = 0;
	int counts[64];
	size_t n = w->nsyms < 64 ? w->nsyms : 64;
	long combos = 1;
	for (size_t k = 0; k < n; k++) {
		const struct so_symbol *s = &w->syms[k];
		counts[k] = 0;
		for (int a = 0; a < s->n; a++)
			if (s->conf[a] >= s->conf[0] * ratio && s->conf[a] >= floor)
				counts[k]++;
		if (counts[k] == 0)
			return 0;
		combos *= counts[k];
		if (combos > 4096)
			return 0;
	}
	char cand[256];
	double best_score = -1;
	int pick[64] = { 0 };
	for (long c = 0; c < combos; c++) {
		long rest = c;
		double score = 1;
		float minc = 1;
		size_t used = 0;
		int fits = 1;
		for (size_t k = 0; k < n && fits; k++) {
			pick[k] = (int)(rest % counts[k]);
			rest /= counts[k];
			const struct so_symbol *s = &w->syms[k];
			size_t al = strlen(s->alt[pick[k]]);
			if (used + al >= sizeof(cand)) {
				fits = 0;
				break;
			}
			memcpy(cand + used, s->alt[pick[k]], al);
			used += al;
			score *= s->conf[pick[k]];
			minc = s->conf[pick[k]] < minc ? s->conf[pick[k]] : minc;
		}
		if (!fits)
			continue;
		cand[used] = 0;
		if (score > best_score && accept(cand) && !same_spelling(cand, current)) {
			best_score = score;
			*minc_out = minc;
			memcpy(best, cand, used + 1);
		}
	}
	return best_score >= 0;
}

int so_reading_respell(struct so_reading *rd, size_t i, int (*accept)(const char *word))
{
	if (i >= rd->nwords)
		return 0;
	const struct so_word *w = &rd->words[i];
	size_t len = w->end - w->start;
	char current[256], best[256];
	float minc = 0;
	if (len >= sizeof(current))
		return 0;
	memcpy(current, rd->text + w->start, len);
	current[len] = 0;
	if (accept(current))
		return 0;
	/* the candidate letters: alternatives at least a quarter as likely as the best */
	if (!other_spelling(rd, i, accept, 0.25f, 0.2f, best, &minc))
		return 0;
	return so_reading_replace_word(rd, i, best, minc) == 0;
}

int so_reading_ambiguous(const struct so_reading *rd, size_t i, int (*accept)(const char *word))
{
	char best[256];
	float minc = 0;
	return other_spelling(rd, i, accept, 0.02f, 0.01f, best, &minc);
}

int so_reading_replace_word(struct so_reading *rd, size_t i, const char *word, float conf)
{
	if (i >= rd->nwords)
		return so_error("no word %zu in the reading", i);
	struct so_word *w = &rd->words[i];
	size_t len = w->end - w->start, bl = strlen(word), tl = strlen(rd->text);
	char *text = so_malloc(tl - len + bl + 1);
	if (!text)
		return -1;
	memcpy(text, rd->text, w->start);
	memcpy(text + w->start, word, bl);
	memcpy(text + w->start + bl, rd->text + w->end, tl - w->end + 1);
	free(rd->text);
	rd->text = text;
	long shift = (long)bl - (long)len;
	w->end = w->start + bl;
	w->conf = conf < w->conf ? conf : w->conf;
	for (size_t k = i + 1; k < rd->nwords; k++) {
		rd->words[k].start = (size_t)((long)rd->words[k].start + shift);
		rd->words[k].end = (size_t)((long)rd->words[k].end + shift);
	}
	return 0;
}

int so_reading_drop_word(struct so_reading *rd, size_t i)
{
	if (i >= rd->nwords)
		return so_error("no word %zu in the reading", i);
	struct so_word *w = &rd->words[i];
	size_t from = w->start, to = w->end, tl = strlen(rd->text);
	/* the white space before it goes with it (after it, for the first word) */
	if (from > 0 && (rd->text[from - 1] == ' ' || rd->text[from - 1] == '\n'))
		from--;
	else if (to < tl && (rd->text[to] == ' ' || rd->text[to] == '\n'))
		to++;
	memmove(rd->text + from, rd->text + to, tl - to + 1);
	size_t cut = to - from;
	free(w->syms);
	memmove(w, w + 1, (rd->nwords - i - 1) * sizeof(*w));
	rd->nwords--;
	for (size_t k = i; k < rd->nwords; k++) {
		rd->words[k].start -= cut;
		rd->words[k].end -= cut;
	}
	return 0;
}

int so_recognize_cell(struct so_recognizer *r, PIX *page, BOX *box, enum so_read_mode mode,
		      struct so_reading *out)
{
	return recognize(r, page, box, mode, -1, out);
}

int so_recognize_with(struct so_recognizer *r, enum so_model model, PIX *page, BOX *box,
		      enum so_read_mode mode, struct so_reading *out)
{
	return recognize(r, page, box, mode, (int)model, out);
}

double so_reading_span(const struct so_reading *rd, size_t start, size_t end, int *x0, int *y0,
		       int *x1, int *y1)
{
	double conf = -1;
	for (size_t i = 0; i < rd->nwords; i++) {
		const struct so_word *w = &rd->words[i];
		if (w->end <= start || w->start >= end)
			continue;
		if (conf < 0) {
			*x0 = w->x0;
			*y0 = w->y0;
			*x1 = w->x1;
			*y1 = w->y1;
			conf = w->conf;
		} else {
			*x0 = w->x0 < *x0 ? w->x0 : *x0;
			*y0 = w->y0 < *y0 ? w->y0 : *y0;
			*x1 = w->x1 > *x1 ? w->x1 : *x1;
			*y1 = w->y1 > *y1 ? w->y1 : *y1;
			conf = w->conf < conf ? w->conf : conf;
		}
	}
	return conf;
}
