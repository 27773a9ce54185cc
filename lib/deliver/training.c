/*
 * The training set: every field a person typed, cut from its prepared page as a line image
 * with its text as written (see training.h).
 */
#include <jansson.h>
#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/log.h"
#include "base/util.h"
#include "config.h"
#include "deliver/deliver_store.h"
#include "base/outdir.h"
#include "deliver/training.h"
#include "register/layout.h"

#define TRAINING_FORMAT "sohoa-training"
#define TRAINING_MARGIN 6          /* pixels of paper kept around a field's box */
#define TRAINING_MANIFEST_MAX (256u << 20)

struct training {
	struct so_store *s;
	const char *tmp;
	struct so_training_result *r;
	json_t *lines;               /* the manifest, one object per line image */
	char page_path[1024];        /* the prepared page held in PAGE */
	PIX *page;
	char layout_name[72];
	struct so_layout *layout;
};

/* 1 when DIR holds a previous training set of this batch (CTX: its batch id). */
static int training_ours(const char *dir, void *ctx)
{
	const char *batch_id = ctx;
	char *path = so_asprintf("%s/manifest.json", dir);
	char *data = NULL;
	size_t len = 0;
	int ours = 0;
	if (path && so_read_file(path, TRAINING_MANIFEST_MAX, &data, &len) == 0) {
		json_t *m = json_loadb(data, len, 0, NULL);
		const char *format = json_string_value(json_object_get(m, "format"));
		const char *id = json_string_value(json_object_get(m, "batch_id"));
		ours = format && id && strcmp(format, TRAINING_FORMAT) == 0 &&
		       strcmp(id, batch_id) == 0;
		json_decref(m);
	}
	free(path);
	free(data);
	return ours;
}

/* The prepared page IMAGE (relative to the batch), read once for the lines on it. */
static PIX *page_of(struct training *t, const char *image)
{
	char path[sizeof(t->page_path)];
	snprintf(path, sizeof(path), "%s/%s", so_store_dir(t->s), image);
	if (t->page && strcmp(path, t->page_path) == 0)
		return t->page;
	pixDestroy(&t->page);
	t->page_path[0] = 0;
	if (!(t->page = pixRead(path)))
		return NULL;
	snprintf(t->page_path, sizeof(t->page_path), "%s", path);
	return t->page;
}

/* The column (1-based) of the cell FIELD is in when that cell holds it alone, else 0: a
 * composite cell's box holds more than the field's text. */
static int sole_cell(struct training *t, const char *layout, const char *field)
{
	if (!t->layout || strcmp(t->layout_name, layout) != 0) {
		so_layout_free(t->layout);
		t->layout = NULL;
		t->layout_name[0] = 0;
		if (so_layout_load(layout, &t->layout) < 0)
			return 0;
		snprintf(t->layout_name, sizeof(t->layout_name), "%s", layout);
	}
	const struct so_column *c = so_field_column(t->layout, field, NULL);
	return c && c->kind == SO_COLUMN_FIELD ? (int)(c - t->layout->columns) + 1 : 0;
}

/* Cuts BOX (grown by the margin, clipped to the page) as 8-bit grey. */
static PIX *line_cut(PIX *page, struct so_bbox box)
{
	int w = pixGetWidth(page), h = pixGetHeight(page), m = TRAINING_MARGIN;
	int x0 = box.x0 - m < 0 ? 0 : box.x0 - m, y0 = box.y0 - m < 0 ? 0 : box.y0 - m;
	int x1 = box.x1 + m > w ? w : box.x1 + m, y1 = box.y1 + m > h ? h : box.y1 + m;
	if (x1 - x0 < 4 || y1 - y0 < 4)
		return NULL;
	BOX *b = boxCreate(x0, y0, x1 - x0, y1 - y0);
	PIX *clip = b ? pixClipRectangle(page, b, NULL) : NULL;
	boxDestroy(&b);
	PIX *grey = !clip ? NULL : pixGetDepth(clip) == 1 ? pixConvert1To8(NULL, clip, 255, 0)
		  : pixGetDepth(clip) == 8 && !pixGetColormap(clip) ? pixClone(clip)
		  : pixConvertTo8(clip, 0);
	pixDestroy(&clip);
	return grey;
}

static void skip(struct training *t, const struct so_training_row *row, const char *why)
{
	t->r->skipped++;
	so_log_msg("training: record %lld field %s left out: %s", (long long)row->record_id,
		   row->field, why);
}

static int line_add(const struct so_training_row *row, void *ctx)
{
	struct training *t = ctx;
	struct so_bbox box = row->box;
	int boxed = row->has_box && box.x1 > box.x0 && box.y1 > box.y0;
	if (!boxed) {
		int col = sole_cell(t, row->layout, row->field);
		int got = col ? so_training_cell_box(t->s, row->record_id, col, &box) : 0;
		if (got < 0)
			return -1;
		if (!got) {
			skip(t, row, "no box of its own on the page");
			return 0;
		}
	}
	if (!row->image || !*row->image) {
		skip(t, row, "its page has no prepared image");
		return 0;
	}
	PIX *page = page_of(t, row->image);
	if (!page) {
		skip(t, row, "its prepared page cannot be read");
		return 0;
	}
	PIX *line = line_cut(page, box);
	if (!line) {
		skip(t, row, "its box lies outside the page");
		return 0;
	}
	char name[160];
	snprintf(name, sizeof(name), "%s-%d-%s-%s-r%lld-%s", row->book_type, row->year,
		 row->volume, row->authority, (long long)row->record_id, row->field);
	for (char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
			*c = '_';
	char *tif = so_asprintf("%s/%s.tif", t->tmp, name);
	char *gt = so_asprintf("%s/%s.gt.txt", t->tmp, name);
	char *text = so_asprintf("%s\n", row->typed);
	int rc = -1;
	if (!tif || !gt || !text)
		goto done;
	for (char *c = text; c[1]; c++)   /* one line: a line break typed becomes a space */
		if (*c == '\n' || *c == '\r' || *c == '\t')
			*c = ' ';
	if (pixWrite(tif, line, IFF_TIFF_LZW) != 0) {
		so_error("cannot write the line image '%s'", tif);
		goto done;
	}
	if (so_write_synced(gt, text, strlen(text)) < 0)
		goto done;
	json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:i, s:I, s:s, s:s, s:s?, s:s?, s:i, s:i, "
			      "s:[i, i, i, i]}",
		"name", name, "book", row->book_type, "file", row->file ? row->file : "",
		"page", row->page_index + 1, "row", row->row, "record", (json_int_t)row->record_id,
		"field", row->field, "text", row->typed, "keyer", row->keyer, "how", row->roles,
		"keyings", row->keyings, "agreeing", row->agreeing,
		"box", box.x0, box.y0, box.x1, box.y1);
	if (!o || json_array_append_new(t->lines, o) < 0) {
		so_error("out of memory");
		goto done;
	}
	json_object_set_new(o, "book_key", json_sprintf("%s-%d-%s-%s", row->book_type, row->year,
							row->volume, row->authority));
	if (row->keyings > 0)
		json_object_set_new(o, "agreement",
				    json_real((double)row->agreeing / row->keyings));
	t->r->lines++;
	rc = 0;
done:
	pixDestroy(&line);
	free(tif);
	free(gt);
	free(text);
	return rc;
}

int so_training_export(struct so_store *s, const char *dir, struct so_training_result *r)
{
	memset(r, 0, sizeof(*r));
	char batch_id[128];
	if (so_store_check_intact(s) < 0 ||
	    so_meta_get(s, "batch_id", batch_id, sizeof(batch_id)) < 0)
		return -1;
	struct so_outdir od;
	struct training t = { .s = s, .r = r };
	int rc = -1;
	char *text = NULL, *mpath = NULL, *lpath = NULL, *ltext = NULL;
	if (so_outdir_begin(&od, dir, "training set", training_ours, batch_id) < 0)
		goto done;
	t.tmp = od.tmp;
	if (!(t.lines = json_array())) {
		so_error("out of memory");
		goto done;
	}
	if (so_training_fields_each(s, line_add, &t) < 0)
		goto done;
	/* manifest.jsonl: one line per image, for the tools; manifest.json: the set */
	size_t n = json_array_size(t.lines), cap = 0, len = 0;
	for (size_t i = 0; i < n; i++) {
		char *l = json_dumps(json_array_get(t.lines, i), JSON_COMPACT);
		if (!l) {
			so_error("out of memory writing the manifest");
			goto done;
		}
		size_t ll = strlen(l);
		if (len + ll + 2 > cap) {
			cap = (len + ll + 2) * 2;
			char *grown = realloc(ltext, cap);
			if (!grown) {
				free(l);
				so_error("out of memory writing the manifest");
				goto done;
			}
			ltext = grown;
		}
		memcpy(ltext + len, l, ll);
		len += ll;
		ltext[len++] = '\n';
		ltext[len] = 0;
		free(l);
	}
	json_t *m = json_pack("{s:s, s:i, s:s, s:s, s:I, s:I}", "format", TRAINING_FORMAT,
			      "version", 1, "generator", "sohoa " SO_VERSION, "batch_id", batch_id,
			      "lines", (json_int_t)r->lines, "skipped", (json_int_t)r->skipped);
	text = m ? json_dumps(m, JSON_INDENT(2)) : NULL;
	json_decref(m);
	mpath = so_asprintf("%s/manifest.json", od.tmp);
	lpath = so_asprintf("%s/manifest.jsonl", od.tmp);
	if (!text || !mpath || !lpath) {
		so_error("out of memory writing the manifest");
		goto done;
	}
	if (so_write_synced(lpath, ltext ? ltext : "", len) < 0 ||
	    so_write_synced(mpath, text, strlen(text)) < 0 || so_outdir_commit(&od) < 0)
		goto done;
	rc = 0;
done:
	so_outdir_release(&od);
	json_decref(t.lines);
	pixDestroy(&t.page);
	so_layout_free(t.layout);
	free(text);
	free(mpath);
	free(lpath);
	free(ltext);
	return rc;
}
