/*
 * The other engine: the pages of a book in a hand drawn by Chromium (hand.h, ENGINE_CHROMIUM)
 * are laid out as HTML and printed by headless Chromium through samples/html/render-pages
 * (playwright-core, the system /usr/bin/chromium): fonts, wrapping and shrinking are Blink's,
 * not pango's. The generator writes one job per book, runs the renderer once, then takes each
 * page's picture as the ink of its scan (skew, marks, paper and defects as for its own pages)
 * and the table's rules as measured in the browser.
 */
#ifndef GEN_CHROMIUM_H
#define GEN_CHROMIUM_H

#include "content.h"
#include "render.h"

/* Renders every page of BC (blank sheets aside) into the directory DIR, which exists: the
 * renderer is $SOHOA_HTML_RENDERER or samples/html/render-pages of the source tree. 0, or -1
 * with the error set. */
int chromium_render_book(const char *dir, const struct so_layout *layout,
                         const struct print_style *ps, const struct page_text *text,
                         const struct book_content *bc, int dpi);
/* Page INDEX of the book rendered into DIR: its ink at DPI turned by SKEW_DEG, and where its
 * table is (GEO, with the box of all print after skew). 0, or -1 with the error set. */
int chromium_page(const char *dir, size_t index, int dpi, double skew_deg,
                  const struct print_style *ps, struct ink *ink, struct page_geometry *geo);

#endif
