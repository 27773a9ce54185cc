/* Cell recognition with tesseract (see recognize.h). */
#include <stdlib.h>
#include <string.h>
#include <tesseract/capi.h>

#include "recognize.h"
#include "util.h"

#define CELL_MAX_TEXT (64 * 1024)
#define CELL_PAD 12

struct so_recognizer {
	TessBaseAPI *api;
};

struct holds_config {
	const char *holds;
	TessPageSegMode psm;
	const char *whitelist;   /* NULL: every character */
};

static const char digits[] = "0123456789";
static const struct holds_config configs[] = {
	{ "number", PSM_SINGLE_LINE, NULL },
	{ "date", PSM_SINGLE_BLOCK, NULL },
	{ "datetime", PSM_SINGLE_BLOCK, NULL },
	{ "id_number", PSM_SINGLE_LINE, digits },
	{ "sex", PSM_SINGLE_LINE, NULL },
	{ "ethnicity", PSM_SINGLE_BLOCK, NULL },
	{ "nationality", PSM_SINGLE_BLOCK, NULL },
	{ "relationship", PSM_SINGLE_BLOCK, NULL },
	{ "index", PSM_SINGLE_LINE, "()0123456789" },
};

static const struct holds_config *config_for(const char *holds)
{
	for (size_t i = 0; i < SO_ARRAY_SIZE(configs); i++)
		if (strcmp(configs[i].holds, holds) == 0)
			return &configs[i];
	static const struct holds_config block = { "block", PSM_SINGLE_BLOCK, NULL };
	return &block;
}

int so_recognizer_new(const char *lang, struct so_recognizer **out)
{
	*out = NULL;
	/* one thread per recognizer: workers are processes, one per core */
	setenv("OMP_THREAD_LIMIT", "1", 1);
	struct so_recognizer *r = so_calloc(1, sizeof(*r));
	if (!r)
		return -1;
	r->api = TessBaseAPICreate();
	if (!r->api) {
		free(r);
		return so_error("cannot create a tesseract instance");
	}
	char *names[] = { "load_system_dawg", "load_freq_dawg", "load_punc_dawg",
			  "load_number_dawg", "load_unambig_dawg", "load_bigram_dawg" };
	char *values[] = { "0", "0", "0", "0", "0", "0" };
	if (TessBaseAPIInit4(r->api, NULL, lang, OEM_LSTM_ONLY, NULL, 0, names, values,
			     SO_ARRAY_SIZE(names), 0) != 0) {
		TessBaseAPIDelete(r->api);
		free(r);
		return so_error("cannot start tesseract for language '%s' (is tesseract-ocr-%s "
				"installed?)", lang, lang);
	}
	TessBaseAPISetVariable(r->api, "debug_file", "/dev/null");

	*out = r;
	return 0;
}

void so_recognizer_free(struct so_recognizer *r)
{
	if (!r)
		return;
	TessBaseAPIEnd(r->api);
	TessBaseAPIDelete(r->api);
	free(r);
}

void so_reading_release(struct so_reading *rd)
{
	SO_FREE(rd->text);
	SO_FREE(rd->words);
	rd->nwords = 0;
	rd->conf = 0;
}

/* The cell's ink, cropped to its content with a white margin, scaled to about 300 dpi. */
static PIX *cell_image(PIX *page, BOX *box, int *ox, int *oy, double *scale)
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
	if (dpi > 0 && dpi < 280) {
		*scale = 300.0 / dpi;
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

int so_recognize_cell(struct so_recognizer *r, PIX *page, BOX *box, const char *holds,
		      struct so_reading *out)
{
	memset(out, 0, sizeof(*out));
	int ox = 0, oy = 0;
	double scale = 1;
	PIX *img = cell_image(page, box, &ox, &oy, &scale);
	if (!img) {
		out->text = so_strdup("");
		return out->text ? 0 : -1;
	}
	const struct holds_config *c = config_for(holds);
	TessBaseAPISetPageSegMode(r->api, c->psm);
	TessBaseAPISetVariable(r->api, "tessedit_char_whitelist", c->whitelist ? c->whitelist : "");
	TessBaseAPISetImage2(r->api, img);
	TessBaseAPISetSourceResolution(r->api, 300);
	int rc = 0;
	struct so_buf text = SO_BUF_INIT(CELL_MAX_TEXT);
	size_t cap = 0;
	double wsum = 0, csum = 0;
	if (TessBaseAPIRecognize(r->api, NULL) != 0) {
		rc = so_error("tesseract could not read a cell");
		goto done;
	}
	TessResultIterator *it = TessBaseAPIGetIterator(r->api);
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
		if (out->nwords == cap) {
			cap = cap ? cap * 2 : 16;
			struct so_word *nw = so_realloc(out->words, cap * sizeof(*nw));
			if (!nw) {
				TessDeleteText(word);
				rc = -1;
				break;
			}
			out->words = nw;
		}
		struct so_word *w = &out->words[out->nwords++];
		w->start = text.len;
		if (so_buf_adds(&text, word) < 0) {
			TessDeleteText(word);
			rc = -1;
			break;
		}
		w->end = text.len;
		w->conf = TessResultIteratorConfidence(it, RIL_WORD) / 100.0f;
		int x0, y0, x1, y1;
		TessPageIteratorBoundingBox(pit, RIL_WORD, &x0, &y0, &x1, &y1);
		w->x0 = ox + (int)((x0 - CELL_PAD) / scale);
		w->y0 = oy + (int)((y0 - CELL_PAD) / scale);
		w->x1 = ox + (int)((x1 - CELL_PAD) / scale);
		w->y1 = oy + (int)((y1 - CELL_PAD) / scale);
		double len = (double)(w->end - w->start);
		wsum += len;
		csum += len * w->conf;
		TessDeleteText(word);
	} while (TessResultIteratorNext(it, RIL_WORD));
	TessResultIteratorDelete(it);
done:
	TessBaseAPIClear(r->api);
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
