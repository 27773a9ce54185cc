/* The scan stage (see scan.h). */
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fault.h"
#include "base/log.h"
#include "base/util.h"
#include "batch/manifest.h"
#include "batch/progress.h"
#include "batch/stage.h"
#include "batch/units.h"
#include "batch/workers.h"
#include "ingest/image.h"
#include "ingest/scan.h"
#include "ingest/tiffin.h"

/* A page that has stopped this many workers is recorded as failed and passed over. */
#define SCAN_MAX_CRASHES 2

/*
 * A file name as it may go into a log line or a message: bytes under space and DEL written as
 * \xNN, so that a name with a newline or a terminal escape cannot forge or garble lines. OUT
 * is always terminated; a name too long for it is cut.
 */
static const char *printable(const char *in, char *out, size_t size)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)in; *p && n + 5 < size; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			snprintf(out + n, size - n, "\\x%02x", *p);
			n += 4;
		} else {
			out[n++] = (char)*p;
		}
	}
	out[n] = 0;
	return out;
}

/* Does the file start as a TIFF does (classic or BigTIFF, either byte order)? 1, 0, or -1
 * when it cannot be read. Checked before the file is hashed: a large file of another kind is
 * refused without reading it all. */
static int looks_like_tiff(const char *path)
{
	unsigned char head[4];
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t n = fread(head, 1, sizeof(head), f);
	fclose(f);
	if (n < sizeof(head))
		return 0;
	return (head[0] == 'I' && head[1] == 'I' && (head[2] == 42 || head[2] == 43) && !head[3]) ||
	       (head[0] == 'M' && head[1] == 'M' && !head[2] && (head[3] == 42 || head[3] == 43));
}

/* Registration ------------------------------------------------------------------------------ */

static int register_file(struct so_store *s, const struct so_book *book, const char *given,
			 int *failures)
{
	char abs[PATH_MAX];
	char bookdesc[128];
	char shown[PATH_MAX];
	so_book_describe(book, bookdesc, sizeof(bookdesc));
	printable(given, shown, sizeof(shown));
	if (!realpath(given, abs)) {
		so_log_err("scan file '%s' of book %s: %s", shown, bookdesc, strerror(errno));
		(*failures)++;
		return 0;
	}
	struct stat st;
	if (stat(abs, &st) < 0 || !S_ISREG(st.st_mode)) {
		so_log_err("scan file '%s' of book %s is not a regular file", shown, bookdesc);
		(*failures)++;
		return 0;
	}
	struct so_scan_file f;
	memset(&f, 0, sizeof(f));
	f.book_id = book->id;
	f.page_count = -1;
	snprintf(f.path, sizeof(f.path), "%s", abs);
	snprintf(f.name, sizeof(f.name), "%s", so_basename(abs));
	/* a file that is no TIFF is registered (and failed by the scan) without its checksum */
	int tiff = looks_like_tiff(abs);
	if (tiff < 0) {
		so_log_err("scan file '%s' of book %s: cannot read it: %s", shown, bookdesc,
			   strerror(errno));
		(*failures)++;
		return 0;
	}
	uint64_t size = (uint64_t)st.st_size;
	if (tiff > 0 && so_sha256_file(abs, f.sha256, &size) < 0) {
		char why[PATH_MAX + 200];
		so_log_err("scan file '%s' of book %s: %s", shown, bookdesc,
			   printable(so_errmsg(), why, sizeof(why)));
		(*failures)++;
		return 0;
	}
	f.size = (int64_t)size;

	/* the page count is read outside the transaction: it only walks the page headers */
	struct so_tiff *t = NULL;
	int pages = -1;
	if (tiff > 0 && so_tiff_open(abs, &t) == 0) {
		pages = so_tiff_count_pages(t);
		so_tiff_close(t);
	}
	if (so_store_begin(s) < 0)
		return -1;
	if (so_scan_file_register(s, &f) < 0) {
		char why[PATH_MAX + 200];
		so_store_rollback(s);
		so_log_err("%s", printable(so_errmsg(), why, sizeof(why)));
		(*failures)++;
		return 0;
	}
	if (f.page_count < 0 && pages >= 0 && so_scan_file_set_page_count(s, f.id, pages) < 0)
		goto error;
	if (f.duplicate_of) {
		char state[16];
		if (so_unit_state(s, SO_SCAN_STAGE, f.id, state, sizeof(state), NULL, 0) == 0) {
			if (so_unit_add(s, SO_SCAN_STAGE, f.id) < 0 ||
			    so_unit_finish(s, SO_SCAN_STAGE, f.id, NULL) < 0 ||
			    so_event_add(s, SO_SCAN_STAGE, "warning", f.name,
					 "the same content as scan file %lld: not read again",
					 (long long)f.duplicate_of) < 0)
				goto error;
			so_log_msg("'%s' has the same content as an earlier scan file: skipped", shown);
		}
	} else if (so_unit_add(s, SO_SCAN_STAGE, f.id) < 0) {
		goto error;
	}
	return so_store_commit(s);
error:
	so_store_rollback(s);
	return -1;
}

int so_scan_register(struct so_store *s, const struct so_bookspecs *specs, int *failures)
{
	for (size_t i = 0; i < specs->n; i++) {
		const struct so_bookspec *spec = &specs->v[i];
		struct so_book book;
		memset(&book, 0, sizeof(book));
		snprintf(book.type, sizeof(book.type), "%s", spec->type);
		book.year = (int)spec->year;
		snprintf(book.volume, sizeof(book.volume), "%s", spec->volume);
		snprintf(book.authority_code, sizeof(book.authority_code), "%s", spec->authority);
		snprintf(book.layout, sizeof(book.layout), "%s", spec->layout);
		if (so_store_begin(s) < 0)
			return -1;
		if (so_book_register(s, &book) < 0 || so_store_commit(s) < 0) {
			so_store_rollback(s);
			return -1;
		}
		for (size_t k = 0; k < spec->nfiles; k++)
			if (register_file(s, &book, spec->files[k], failures) < 0)
				return -1;
	}
	return 0;
}

/* Work --------------------------------------------------------------------------------------- */

struct page_job {
	struct so_store *s;
	struct so_progress *progress;
	const struct so_scan_file *file;
	const struct so_book *book;
	char dir[PATH_MAX];      /* DIR/pages/<file> */
	char reldir[300];        /* pages/<file> */
	int crashes;             /* workers that died on this file since its last stored page */
	char crash_reason[256];
	char shown[300];         /* the file's name as it may be logged */
	char note[300];          /* what the decoder patched over on the page in hand, or "" */
};

static void sanitize(const char *in, char *out, size_t size)
{
	size_t n = 0;
	for (const char *p = in; *p && n + 1 < size; p++) {
		char c = *p;
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			 c == '-' || c == '_' || c == '.';
		out[n++] = ok ? c : '_';
	}
	out[n] = 0;
}

static int store_page(struct page_job *job, struct so_page *p)
{
	if (so_store_begin(job->s) < 0)
		return -1;
	/* another worker may have stored the same page while this one prepared it */
	if (p->sha256[0] && strcmp(p->state, "duplicate") != 0 && strcmp(p->state, "failed") != 0) {
		int64_t dup = so_page_find_sha256(job->s, p->sha256);
		if (dup < 0)
			goto error;
		struct so_page mine;
		int found = so_page_find(job->s, p->scan_file_id, p->page_index, &mine);
		if (found < 0)
			goto error;
		if (dup > 0 && !(found && mine.id == dup)) {
			if (p->image[0]) {
				char path[PATH_MAX + 300];
				snprintf(path, sizeof(path), "%s/%s", so_store_dir(job->s), p->image);
				unlink(path);
				p->image[0] = 0;
			}
			snprintf(p->state, sizeof(p->state), "duplicate");
			snprintf(p->reason, sizeof(p->reason), "same page as page %lld", (long long)dup);
			p->duplicate_of = dup;
		}
	}
	if (so_page_put(job->s, p) < 0 ||
	    so_unit_progress(job->s, SO_SCAN_STAGE, job->file->id) < 0)
		goto error;
	job->crashes = 0;
	char unit[300];
	snprintf(unit, sizeof(unit), "%s#%d", job->file->name, p->page_index + 1);
	if (strcmp(p->state, "failed") == 0 || strcmp(p->state, "rejected") == 0) {
		if (so_event_add(job->s, SO_SCAN_STAGE, "error", unit, "%s", p->reason) < 0)
			goto error;
	} else if (job->note[0]) {
		/* a page the decoder patched over is kept, but not silently */
		if (so_event_add(job->s, SO_SCAN_STAGE, "warning", unit, "%s", job->note) < 0)
			goto error;
	}
	return so_store_commit(job->s);
error:
	so_store_rollback(job->s);
	return -1;
}

/* Reads and prepares the current page of T into P (state and reason set on every outcome
 * that belongs to the page); -1 only when the store fails. */
static int page_process(struct page_job *job, struct so_tiff *t, struct so_page *p)
{
	char where[300];
	snprintf(where, sizeof(where), "%s#%d", job->file->name, p->page_index + 1);
	if (job->crashes >= SCAN_MAX_CRASHES) {
		snprintf(p->state, sizeof(p->state), "failed");
		snprintf(p->reason, sizeof(p->reason), "reading this page stopped the worker %d "
			 "times (last: %s); passed over", job->crashes, job->crash_reason);
		return 0;
	}
	if (so_fault("scan-page", where) < 0) {
		snprintf(p->state, sizeof(p->state), "failed");
		snprintf(p->reason, sizeof(p->reason), "%s", so_errmsg());
		return 0;
	}
	struct so_tiff_page info;
	if (so_tiff_page_info(t, &info) < 0) {
		snprintf(p->state, sizeof(p->state), "failed");
		snprintf(p->reason, sizeof(p->reason), "%s", so_errmsg());
		return 0;
	}
	p->width = (int)info.width;
	p->height = (int)info.height;
	p->dpi = (int)(info.dpi + 0.5);
	snprintf(p->dpi_source, sizeof(p->dpi_source), "%s", info.dpi_from_tag ? "tag" : "estimated");
	p->bits = info.bits;
	snprintf(p->color, sizeof(p->color), "%s", info.color);
	snprintf(p->compression, sizeof(p->compression), "%s", info.compression);
	if (p->dpi < SO_MIN_DPI) {
		char res[32];
		int ydpi = (int)(info.ydpi + 0.5);
		if (ydpi != p->dpi)
			snprintf(res, sizeof(res), "%dx%d dpi", p->dpi, ydpi);
		else
			snprintf(res, sizeof(res), "%d dpi", p->dpi);
		snprintf(p->state, sizeof(p->state), "rejected");
		snprintf(p->reason, sizeof(p->reason),
			 "resolution %s (%s) is under the minimum of %d dpi: rescan the page", res,
			 info.dpi_from_tag ? "from the file" : "estimated from the page size",
			 SO_MIN_DPI);
		return 0;
	}
	PIX *gray = so_tiff_read_gray(t, p->sha256);
	if (!gray) {
		snprintf(p->state, sizeof(p->state), "failed");
		snprintf(p->reason, sizeof(p->reason), "%s", so_errmsg());
		return 0;
	}
	snprintf(job->note, sizeof(job->note), "%s", so_tiff_note(t));
	int64_t dup = so_page_find_sha256(job->s, p->sha256);
	if (dup < 0) {
		pixDestroy(&gray);
		return -1;
	}
	if (dup > 0) {
		pixDestroy(&gray);
		snprintf(p->state, sizeof(p->state), "duplicate");
		snprintf(p->reason, sizeof(p->reason), "same page as page %lld", (long long)dup);
		p->duplicate_of = dup;
		return 0;
	}
	struct so_prep prep;
	PIX *page = so_page_prepare(gray, &prep);
	pixDestroy(&gray);
	if (!page) {
		snprintf(p->state, sizeof(p->state), "failed");
		snprintf(p->reason, sizeof(p->reason), "%s", so_errmsg());
		return 0;
	}
	p->orientation = prep.orientation;
	p->orientation_conf = prep.orientation_conf;
	p->skew = prep.skew;
	p->skew_conf = prep.skew_conf;
	p->ink = prep.ink;
	if (prep.blank) {
		pixDestroy(&page);
		snprintf(p->state, sizeof(p->state), "blank");
		snprintf(p->reason, sizeof(p->reason), "blank page (%.3f%% ink)", prep.ink * 100);
		return 0;
	}
	unsigned char *data = NULL;
	size_t size = 0;
	int r = so_page_encode(page, &data, &size);
	pixDestroy(&page);
	if (r == 0) {
		char path[PATH_MAX + 32];
		snprintf(p->image, sizeof(p->image), "%s/p%04d.tif", job->reldir, p->page_index + 1);
		snprintf(path, sizeof(path), "%s/p%04d.tif", job->dir, p->page_index + 1);
		r = so_write_file_atomic(path, data, size);
	}
	free(data);
	if (r < 0) {
		/* a full disk is the operator's to fix, not the page's fault: stop the stage */
		return -1;
	}
	snprintf(p->state, sizeof(p->state), "prepared");
	return 0;
}

static void log_page(struct page_job *job, const struct so_page *p, double secs)
{
	char pos[64];
	if (job->file->page_count > 0)
		snprintf(pos, sizeof(pos), "%d/%d", p->page_index + 1, job->file->page_count);
	else
		snprintf(pos, sizeof(pos), "%d", p->page_index + 1);
	if (strcmp(p->state, "prepared") == 0)
		so_progress_log(job->progress, "'%s' page %s: prepared, orientation %d (conf %.1f), "
				"skew %+.2f deg (conf %.1f), %.1f s", job->shown, pos,
				p->orientation, p->orientation_conf, p->skew, p->skew_conf, secs);
	else if (strcmp(p->state, "failed") == 0 || strcmp(p->state, "rejected") == 0)
		so_log_msg("'%s' page %s: %s: %s", job->shown, pos, p->state, p->reason);
	else
		so_progress_log(job->progress, "'%s' page %s: %s (%s)", job->shown, pos, p->state,
				p->reason);
	if (job->note[0] && strcmp(p->state, "failed") != 0 && strcmp(p->state, "rejected") != 0)
		so_log_msg("'%s' page %s: warning: %s", job->shown, pos, job->note);
}

/* Returns 0 done, 1 stopped by a signal, -1 store failure. FILE_ERROR gets a reason when the
 * file as a whole could not be read to its end (pages read before stay stored). */
static int file_process(struct page_job *job, char *file_error, size_t esize)
{
	struct so_tiff *t = NULL;
	if (so_tiff_open(job->file->path, &t) < 0) {
		snprintf(file_error, esize, "%s", so_errmsg());
		return 0;
	}
	int r = 0;
	for (;;) {
		if (so_signal_received()) {
			r = 1;
			break;
		}
		struct so_page p;
		int index = so_tiff_index(t);
		int found = so_page_find(job->s, job->file->id, index, &p);
		if (found < 0) {
			r = -1;
			break;
		}
		if (!found) {
			memset(&p, 0, sizeof(p));
			job->note[0] = 0;
			p.scan_file_id = job->file->id;
			p.page_index = index;
			double t0 = so_monotonic();
			if (page_process(job, t, &p) < 0 || store_page(job, &p) < 0) {
				r = -1;
				break;
			}
			log_page(job, &p, so_monotonic() - t0);
		}
		int next = so_tiff_next(t);
		if (next == 0) {
			if (so_tiff_note(t)[0]) {
				if (so_store_begin(job->s) < 0 ||
				    so_event_add(job->s, SO_SCAN_STAGE, "warning", job->file->name, "%s",
						 so_tiff_note(t)) < 0 ||
				    so_store_commit(job->s) < 0) {
					so_store_rollback(job->s);
					r = -1;
					break;
				}
				so_log_msg("'%s': warning: %s", job->shown, so_tiff_note(t));
			}
			break;
		}
		if (next < 0) {
			snprintf(file_error, esize, "%s", so_errmsg());
			break;
		}
	}
	so_tiff_close(t);
	return r;
}

static int file_unit(struct so_store *s, struct so_progress *progress, int64_t file_id,
		     int crashes)
{
	struct so_scan_file file;
	struct so_book book;
	if (so_scan_file_get(s, file_id, &file) < 0 || so_book_get(s, file.book_id, &book) < 0)
		return -1;
	struct page_job job = { .s = s, .progress = progress, .file = &file, .book = &book,
				.crashes = crashes };
	printable(file.name, job.shown, sizeof(job.shown));
	if (crashes) {
		char state[16];
		so_unit_state(s, SO_SCAN_STAGE, file_id, state, sizeof(state), job.crash_reason,
			      sizeof(job.crash_reason));
	}
	char safe[200];
	sanitize(file.name, safe, sizeof(safe));
	snprintf(job.reldir, sizeof(job.reldir), "pages/%lld-%s", (long long)file.id, safe);
	snprintf(job.dir, sizeof(job.dir), "%s/%s", so_store_dir(s), job.reldir);
	/* a worker killed while writing a page leaves its temporary file: the unit is ours now */
	if (so_mkdir_p(job.dir, 0755) < 0 || so_remove_stale_tmp(job.dir) < 0)
		return -1;
	char file_error[1024] = "";
	int r = file_process(&job, file_error, sizeof(file_error));
	if (r < 0)
		return -1;
	if (so_store_begin(s) < 0)
		return -1;
	if (r == 1) {
		/* stopped: give the file back so the next run starts at once where this one was */
		if (so_unit_release(s, SO_SCAN_STAGE, file_id) < 0)
			goto error;
	} else {
		if (so_unit_finish(s, SO_SCAN_STAGE, file_id, file_error[0] ? file_error : NULL) < 0)
			goto error;
		if (file_error[0] && so_event_add(s, SO_SCAN_STAGE, "error", file.name, "%s",
						  file_error) < 0)
			goto error;
	}
	if (so_store_commit(s) < 0)
		return -1;
	if (file_error[0])
		so_log_msg("'%s': %s", job.shown, file_error);
	return r;
error:
	so_store_rollback(s);
	return -1;
}

struct scan_worker {
	struct so_store *s;
	struct so_progress progress;
};

static int scan_unit(void *ctx, int64_t id, int crashes)
{
	struct scan_worker *w = ctx;
	return file_unit(w->s, &w->progress, id, crashes);
}

/* A page's images (tens of megabytes of grey) are made and freed many times over: kept in the
 * heap instead of mapped and unmapped each time, the kernel no longer hands out and zeroes their
 * pages again and again — that cost about a third of the stage's CPU. Images up to 32 MiB (an A3
 * grey page at 300 dpi is 17) come from the heap, and up to 256 MiB of freed heap is kept. */
static void keep_freed_images(void)
{
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

int so_scan_worker(const char *batch_dir)
{
	struct scan_worker w = { 0 };
	keep_freed_images();
	if (so_store_open(batch_dir, 0, &w.s) < 0) {
		so_log_err("%s", so_errmsg());
		return SO_EXIT_ENV;
	}
	so_progress_init(&w.progress, SO_SCAN_STAGE, "pages");
	int code = so_stage_work(w.s, SO_SCAN_STAGE, scan_unit, &w);
	so_store_close(w.s);
	return code;
}

int so_scan_totals(struct so_store *s, struct so_scan_totals *t)
{
	memset(t, 0, sizeof(*t));
	struct so_scan_file_counts f;
	struct so_page_counts p;
	if (so_scan_file_counts(s, &f) < 0 || so_page_counts(s, &p) < 0)
		return -1;
	t->files = f.files;
	t->files_duplicate = f.duplicate;
	t->files_failed = f.failed;
	t->pages_expected = f.pages_expected;
	t->pages = p.total;
	t->prepared = p.prepared;
	t->blank = p.blank;
	t->rejected = p.rejected;
	t->failed = p.failed;
	t->duplicate = p.duplicate;
	return 0;
}
