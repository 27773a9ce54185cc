/* The ocr stage: the driver of page units (see ocr.h); reading a row is cell.h's. */
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/array.h"
#include "base/fault.h"
#include "base/log.h"
#include "base/util.h"
#include "batch/progress.h"
#include "batch/stage.h"
#include "batch/units.h"
#include "batch/workers.h"
#include "read/cell.h"
#include "read/inline_omp.h"
#include "read/ocr.h"
#include "read/table.h"
#include "register/layout.h"

/* A page that has stopped this many workers is failed without another try. */
#define OCR_MAX_CRASHES 2

struct layout_cache {
	char name[72];
	struct so_layout *layout;
};

struct worker {
	struct so_store *s;
	struct so_cell_reader reader;
	struct so_progress progress;
	struct layout_cache layouts[16];
	int nlayouts;
};

/* What a page's reading stores, gathered while the recognizer works and written afterwards in
 * one short transaction: the write lock of the store is held for the writing only, so that
 * workers read their pages in parallel. */
struct pending_page {
	struct so_row_read *rows;
	size_t n, cap;
};

static void pending_release(struct pending_page *pp)
{
	for (size_t i = 0; i < pp->n; i++)
		so_row_read_release(&pp->rows[i]);
	free(pp->rows);
	memset(pp, 0, sizeof(*pp));
}

/* Reads entry row ROW of T into the page's rows. 0 or -1. */
static int pending_read_row(struct worker *w, const struct so_table *t, const struct so_layout *l,
			    struct pending_page *pp, int row)
{
	if (SO_ARRAY_GROW(pp->rows, pp->n, pp->cap) < 0)
		return -1;
	return so_row_read(&w->reader, t, l, row, &pp->rows[pp->n++]);
}

/* Writes the page's rows: records, cells, fields (in the caller's transaction). */
static int pending_store(struct so_store *s, const struct pending_page *pp, int64_t book_id,
			 int64_t page_id)
{
	for (size_t i = 0; i < pp->n; i++) {
		const struct so_row_read *r = &pp->rows[i];
		int64_t record = 0;
		if (so_record_add(s, book_id, page_id, r->row, &r->box, &record) < 0)
			return -1;
		for (size_t k = 0; k < r->n; k++) {
			const struct so_put *p = &r->v[k];
			const struct so_bbox *box = p->boxed ? &p->box : NULL;
			int rc = p->col > 0
				? so_cell_put(s, record, p->col, p->text, p->conf, p->marks, box)
				: so_field_put(s, record, p->name, p->text, p->value, NULL, p->conf, box,
					       "ocr");
			if (rc == 0 && p->col > 0 && p->hand.hand != SO_HAND_BLANK) {
				char *features = so_hand_features_json(&p->hand);
				rc = features ? so_cell_hand_put(s, record, p->col,
								 so_hand_name(p->hand.hand),
								 p->hand.score, features)
					      : -1;
				free(features);
			}
			if (rc < 0)
				return -1;
		}
	}
	return 0;
}

int64_t so_ocr_seed(struct so_store *s)
{
	return so_unit_seed_pages(s, SO_OCR_STAGE);
}

static const struct so_layout *layout_get(struct worker *w, const char *name)
{
	for (int i = 0; i < w->nlayouts; i++)
		if (strcmp(w->layouts[i].name, name) == 0)
			return w->layouts[i].layout;
	struct so_layout *l = NULL;
	if (so_layout_load(name, &l) < 0)
		return NULL;
	if (w->nlayouts < (int)SO_ARRAY_SIZE(w->layouts)) {
		snprintf(w->layouts[w->nlayouts].name, sizeof(w->layouts[0].name), "%s", name);
		w->layouts[w->nlayouts++].layout = l;
	}
	return l;
}

/* One page. Returns 0 (done or failed, committed), -1 when the store fails. */
static int page_unit(struct worker *w, int64_t page_id, int crashes)
{
	struct so_page page;
	struct so_scan_file file;
	struct so_book book;
	if (so_page_get(w->s, page_id, &page) < 0 || so_scan_file_get(w->s, page.scan_file_id, &file) < 0 ||
	    so_book_get(w->s, file.book_id, &book) < 0)
		return -1;
	char where[300], why[1024] = "";
	snprintf(where, sizeof(where), "%s#%d", file.name, page.page_index + 1);
	double t0 = so_monotonic();
	const struct so_layout *l = NULL;
	PIX *pix = NULL;
	struct so_table t = { 0 };
	struct pending_page pending = { 0 };
	int records = 0, r = 0;

	if (crashes >= OCR_MAX_CRASHES) {
		char state[16], last[256] = "";
		so_unit_state(w->s, SO_OCR_STAGE, page_id, state, sizeof(state), last, sizeof(last));
		snprintf(why, sizeof(why), "reading this page stopped the recognizer %d times "
			 "(last: %s); given up", crashes, last);
		goto finish;
	}
	if (so_fault("ocr-page", where) < 0) {
		snprintf(why, sizeof(why), "%s", so_errmsg());
		goto finish;
	}
	l = layout_get(w, book.layout);
	if (!l) {
		snprintf(why, sizeof(why), "%s", so_errmsg());
		goto finish;
	}
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", so_store_dir(w->s), page.image);
	pix = pixRead(path);
	if (!pix || pixGetDepth(pix) != 1) {
		snprintf(why, sizeof(why), "cannot read the prepared page '%s'", page.image);
		goto finish;
	}
	if (so_table_find(pix, l, &t) < 0) {
		snprintf(why, sizeof(why), "%s", so_errmsg());
		goto finish;
	}
	/* the grid has the layout's columns: the page is the layout's. How its index row and
	 * header read is evidence kept with the page (LAYOUT_UNCERTAIN on its records when poor),
	 * never a reason to lose the page */
	struct so_page_layout evidence;
	if (so_layout_evidence(&w->reader, &t, l, &evidence) < 0) {
		r = -1;
		goto finish;
	}

	/* the entry rows, under the header and the index row (never read as an entry). A row of
	 * faint ink is read when an entry lies below it (the book goes on), and named: each row
	 * is judged once, and the rows between two entries (GAP up to the later one) again */
	int gap = t.head_rows, faint = 0;
	char faint_rows[128] = "";
	for (int row = t.head_rows; row < t.nrows; row++) {
		if (so_row_ink(&t, row) != SO_ROW_ENTRY)
			continue;
		for (int at = gap; at <= row; at++) {
			if (at < row) {
				if (so_row_ink(&t, at) != SO_ROW_FAINT)
					continue;
				size_t n = strlen(faint_rows);
				snprintf(faint_rows + n, sizeof(faint_rows) - n, "%s%d",
					 faint++ ? ", " : "", at - t.head_rows + 1);
			}
			if (pending_read_row(w, &t, l, &pending, at) < 0) {
				r = -1;
				goto finish;
			}
			records++;
		}
		gap = row + 1;
	}
	if (so_page_hands(&t, pending.rows, pending.n) < 0) {
		r = -1;
		goto finish;
	}
	if (so_store_begin(w->s) < 0) {
		r = -1;
		goto finish;
	}
	if (pending_store(w->s, &pending, file.book_id, page.id) < 0 ||
	    so_page_layout_put(w->s, page.id, &evidence) < 0 ||
	    (evidence.doubt[0] && so_event_add(w->s, SO_OCR_STAGE, "warning", where,
					       "read with its layout %s in doubt, its records to "
					       "be confirmed: %s", l->name, evidence.doubt) < 0) ||
	    (faint && so_event_add(w->s, SO_OCR_STAGE, "warning", where,
				   "row%s %s read as entr%s though %s ink is faint and sparse: "
				   "%s between entries, where a book leaves no row empty; to be "
				   "checked against the page", faint == 1 ? "" : "s", faint_rows,
				   faint == 1 ? "y" : "ies", faint == 1 ? "its" : "their",
				   faint == 1 ? "it lies" : "they lie") < 0) ||
	    (t.inferred && so_event_add(w->s, SO_OCR_STAGE, "warning", where,
					"%d column rule%s too faint to see: placed by the layout's "
					"widths in the empty gap where %s", t.inferred,
					t.inferred == 1 ? "" : "s",
					t.inferred == 1 ? "it runs" : "they run") < 0) ||
	    (t.rows_placed && so_event_add(w->s, SO_OCR_STAGE, "warning", where,
					   "%d row rule%s too faint to see: placed where the height "
					   "of the other entry rows puts %s", t.rows_placed,
					   t.rows_placed == 1 ? "" : "s",
					   t.rows_placed == 1 ? "it" : "them") < 0) ||
	    so_unit_book_changed(w->s, file.book_id) < 0 ||
	    so_unit_finish(w->s, SO_OCR_STAGE, page_id, NULL) < 0 || so_store_commit(w->s) < 0) {
		so_store_rollback(w->s);
		r = -1;
		goto finish;
	}
	so_progress_log(&w->progress, "'%s' page %d: %d entr%s read, %.1f s%s%s", file.name,
			page.page_index + 1, records, records == 1 ? "y" : "ies", so_monotonic() - t0,
			evidence.doubt[0] ? "; layout in doubt: " : "", evidence.doubt);
finish:
	if (r == 0 && why[0]) {
		/* the page failed: recorded with its reason, the batch goes on */
		if (so_store_begin(w->s) < 0 ||
		    so_unit_finish(w->s, SO_OCR_STAGE, page_id, why) < 0 ||
		    so_event_add(w->s, SO_OCR_STAGE, "error", where, "%s", why) < 0 ||
		    so_store_commit(w->s) < 0) {
			so_store_rollback(w->s);
			r = -1;
		} else {
			so_log_msg("'%s' page %d: failed: %s", file.name, page.page_index + 1, why);
		}
	}
	pending_release(&pending);
	so_table_release(&t);
	pixDestroy(&pix);
	return r;
}

static int ocr_unit(void *ctx, int64_t id, int crashes)
{
	return page_unit(ctx, id, crashes);
}

/* The page's images (the page, its rule masks, the text layer: megabytes each) and tesseract's
 * buffers are made and freed over and over: kept in the heap instead of mapped and unmapped each
 * time, the kernel no longer hands out and zeroes their pages again (a third fewer page faults).
 * Blocks up to 32 MiB come from the heap, and up to 256 MiB of freed heap is kept. */
static void keep_freed_images(void)
{
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

int so_ocr_worker(const char *batch_dir, const char *lang)
{
	struct worker w = { 0 };
	keep_freed_images();
	int code = SO_EXIT_ENV;
	if (so_store_open(batch_dir, 0, &w.s) < 0 || so_recognizer_new(lang, &w.reader.rec) < 0) {
		so_log_err("%s", so_errmsg());
	} else {
		/* a date read later than this year is impossible (dates read again) */
		time_t now = time(NULL);
		struct tm tm;
		w.reader.this_year = gmtime_r(&now, &tm) ? tm.tm_year + 1900 : 9999;
		so_progress_init(&w.progress, SO_OCR_STAGE, "pages");
		code = so_stage_work(w.s, SO_OCR_STAGE, ocr_unit, &w);
	}
	for (int i = 0; i < w.nlayouts; i++)
		so_layout_free(w.layouts[i].layout);
	so_recognizer_free(w.reader.rec);
	so_store_close(w.s);
	/* refers to read/inline_omp.c, so that tesseract's OpenMP regions run inline */
	(void)so_inline_omp_regions();
	return code;
}

int so_ocr_watch(struct so_store *s, int timeout)
{
	long pids[64];
	int n = so_unit_overdue(s, SO_OCR_STAGE, timeout, pids, 64);
	if (n < 0)
		return -1;
	char reason[96];
	snprintf(reason, sizeof(reason), "took longer than %d s", timeout);
	for (int i = 0; i < n; i++) {
		/* count it first, so the kill is not reported as an ordinary crash */
		if (so_unit_crashed(s, SO_OCR_STAGE, pids[i], reason) < 0)
			return -1;
		kill((pid_t)pids[i], SIGKILL);
		so_log_msg("a page took longer than %d s: its worker was stopped", timeout);
	}
	return n;
}
