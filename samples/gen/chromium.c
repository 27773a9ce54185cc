/*
 * Pages printed by Chromium (see chromium.h): the job file, the renderer's run, and reading
 * back its pictures and measurements.
 */
#include <errno.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/util.h"
#include "chromium.h"
#include "writers.h"

#ifndef SAMPLE_HTML_RENDERER
#define SAMPLE_HTML_RENDERER "samples/html/render-pages"
#endif

static json_t *strings_json(const char *const *s, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(s[i] ? s[i] : ""));
	return a;
}

/* A handwritten entry's writer for the page: font, habits, the columns it wrote and a seed
 * for its strokes. */
static json_t *pen_json(const struct entry *e)
{
	const struct writer *w = e->writer;
	json_t *cols = json_array();
	for (size_t i = 0; cols && i < e->ncells && i < 64; i++)
		if (e->hand_cols & ((uint64_t)1 << i))
			json_array_append_new(cols, json_integer((json_int_t)i));
	return json_pack("{s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:I, s:o}",
	                 "font", w->font, "pt", round(w->pt * e->hand_scale * 2) / 2, "min_pt",
	                 w->min_pt, "slant", e->hand_slant, "wander_mm", w->wander_mm, "size_var",
	                 w->size_var, "spacing_var", w->spacing_var, "pressure_lo",
	                 w->pressure[0] * e->hand_ink, "pressure_hi", w->pressure[1] * e->hand_ink,
	                 "seed", (json_int_t)(e->hand_seed & 0x7fffffff), "cols", cols);
}

static json_t *page_json(const char *dir, size_t index, const struct book_page *page)
{
	char png[PATH_MAX], geo[PATH_MAX], printed[32];
	snprintf(png, sizeof(png), "%s/p%zu.png", dir, index);
	snprintf(geo, sizeof(geo), "%s/p%zu.json", dir, index);
	snprintf(printed, sizeof(printed), "Trang %d", page->printed_number);
	json_t *entries = json_array();
	for (size_t i = 0; entries && i < page->nentries; i++) {
		const struct entry *e = &page->entries[i];
		json_t *o = json_pack("{s:o, s:b, s:i}", "cells",
		                      strings_json((const char *const *)e->cells, e->ncells),
		                      "handwritten", e->handwritten, "smudged", e->smudged_column);
		if (o && e->writer && !e->handwritten)
			json_object_set_new(o, "pen", pen_json(e));
		json_array_append_new(entries, o);
	}
	return json_pack("{s:s, s:s, s:s, s:i, s:o}", "png", png, "geometry", geo, "printed",
	                 printed, "rows", page->rows, "entries", entries);
}

/* Runs the renderer on JOB; its output goes to our stderr. */
static int run_renderer(const char *job)
{
	const char *renderer = getenv("SOHOA_HTML_RENDERER");
	if (!renderer || !*renderer)
		renderer = SAMPLE_HTML_RENDERER;
	/* the renderer installs its node modules next to the generator's build when it must */
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0 && !getenv("SOHOA_SAMPLES_BUILD")) {
		self[n] = 0;
		setenv("SOHOA_SAMPLES_BUILD", dirname(self), 0);
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return so_error("cannot start the HTML renderer: %s", strerror(errno));
	if (pid == 0) {
		/* the generator's stdout lists the books; the renderer says nothing there */
		if (dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			_exit(127);
		execl(renderer, renderer, job, (char *)NULL);
		fprintf(stderr, "sohoa-sample-gen: cannot run '%s': %s\n", renderer, strerror(errno));
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return so_error("cannot wait for the HTML renderer: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return so_error("the HTML renderer '%s' failed (exit %d): pages of the style drawn by "
		                "Chromium need node, playwright-core and /usr/bin/chromium "
		                "(tests/deps installs them)", renderer,
		                WIFEXITED(status) ? WEXITSTATUS(status) : 128);
	return 0;
}

int chromium_render_book(const char *dir, const struct so_layout *layout,
                         const struct print_style *ps, const struct page_text *text,
                         const struct book_content *bc, int dpi)
{
	int w, h, rc = -1;
	char line[256], job[PATH_MAX];
	page_pixels(dpi, &w, &h);
	band_line(ps, text, line, sizeof(line));
	size_t n = layout->ncolumns;
	json_t *widths = json_array(), *indexes = json_array(), *pages = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(widths, json_real(ps->widths[i]));
		json_array_append_new(indexes, json_integer(layout->columns[i].index));
	}
	for (size_t i = 0; i < bc->npages; i++)
		if (!bc->pages[i].blank)
			json_array_append_new(pages, page_json(dir, i, &bc->pages[i]));
	const char *index = ps->index == INDEX_FAINT ? "faint" : ps->index == INDEX_MISSING
	                  ? "missing" : "present";
	json_t *o = json_object();
	json_object_set_new(o, "dpi", json_integer(dpi));
	json_object_set_new(o, "width_px", json_integer(w));
	json_object_set_new(o, "height_px", json_integer(h));
	json_object_set_new(o, "width_mm", json_real(PAGE_WIDTH_MM));
	json_object_set_new(o, "height_mm", json_real(PAGE_HEIGHT_MM));
	json_object_set_new(o, "font", json_string(ps->font));
	json_object_set_new(o, "entry_pt", json_real(ps->entry_pt));
	json_object_set_new(o, "min_pt", json_real(6.5));
	json_object_set_new(o, "header_pt", json_real(9.5));
	json_object_set_new(o, "letter_spacing_pt", json_real(ps->letter_spacing_pt));
	json_object_set_new(o, "line_spacing", json_real(ps->line_spacing));
	json_object_set_new(o, "left_mm", json_real(ps->left_mm));
	json_object_set_new(o, "right_mm", json_real(ps->right_mm));
	json_object_set_new(o, "top_mm", json_real(ps->top_mm));
	json_object_set_new(o, "bottom_mm", json_real(ps->bottom_mm));
	json_object_set_new(o, "widths", widths);
	json_object_set_new(o, "titles", strings_json(ps->titles, n));
	json_object_set_new(o, "indexes", indexes);
	json_object_set_new(o, "index_row", json_string(index));
	json_object_set_new(o, "authority", json_string(text->authority));
	json_object_set_new(o, "title", json_string(text->title));
	json_object_set_new(o, "band_line", json_string(line));
	json_object_set_new(o, "pages", pages);
	snprintf(job, sizeof(job), "%s/job.json", dir);
	if (json_dump_file(o, job, JSON_COMPACT) < 0) {
		so_error("cannot write '%s'", job);
		goto done;
	}
	rc = run_renderer(job);
done:
	json_decref(o);
	return rc;
}

int chromium_page(const char *dir, size_t index, int dpi, double skew_deg,
                  const struct print_style *ps, struct ink *ink, struct page_geometry *geo)
{
	char path[PATH_MAX];
	json_error_t err;
	snprintf(path, sizeof(path), "%s/p%zu.json", dir, index);
	json_t *g = json_load_file(path, 0, &err);
	if (!g)
		return so_error("cannot read '%s': %s", path, err.text);
	json_t *cols = json_object_get(g, "columns"), *rows = json_object_get(g, "rows");
	memset(geo, 0, sizeof(*geo));
	size_t nc = json_array_size(cols), nr = json_array_size(rows);
	if (nc < 2 || nc > RENDER_MAX_COLUMNS + 1 || nr < 4 || nr > RENDER_MAX_ROWS + 3) {
		json_decref(g);
		return so_error("'%s': no table measured", path);
	}
	for (size_t i = 0; i < nc; i++)
		geo->col_x[i] = json_number_value(json_array_get(cols, i));
	for (size_t i = 0; i < nr; i++)
		geo->row_y[i] = json_number_value(json_array_get(rows, i));
	geo->ncol_x = nc;
	geo->nrow_y = nr;
	json_decref(g);
	page_print_box(ps, dpi, skew_deg, geo->box);
	snprintf(path, sizeof(path), "%s/p%zu.png", dir, index);
	return ink_from_png(path, dpi, skew_deg, ink);
}
