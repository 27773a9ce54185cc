/* The Ministry of Justice import package (see moj.h). */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "base/array.h"
#include "base/util.h"
#include "config.h"
#include "deliver/deliver_store.h"
#include "deliver/moj.h"
#include "base/outdir.h"
#include "register/kind.h"

#define MOJ_FORMAT "sohoa-moj"
#define MOJ_MANIFEST_MAX (64u << 20)
#define MOJ_CELL_MAX 32767          /* Excel's limit on the text of one cell */
#define MOJ_FIELDS_MAX 128          /* fields of one record (layouts have about 40) */
#define MOJ_HEADER_BANDS_MAX 256    /* ruling lines looked at above an entry */

/* The columns ------------------------------------------------------------------------------ */

/* What a cell of the column is made of. */
enum cell {
	C_VALUE,     /* the field's canonical value, else its reading */
	C_CODE,      /* the field's code (commune, ethnic group) */
	C_STATUS, C_FLAGS, C_NOTE, C_PDF,
};

struct column {
	const char *title;   /* row 1: what the Ministry's keyers call it */
	const char *field;   /* the field (row 2 shows FIELD, or FIELD.code for C_CODE) */
	enum cell cell;
	enum so_kind holds;      /* says how it is described, and how wide it is */
};

#define V(t, f, h) { t, f, C_VALUE, h }
#define CODE(t, f, h) { t, f, C_CODE, h }
#define REGISTRATION \
	V("Số", "registration_number", SO_KIND_NUMBER), \
	V("Ngày đăng ký", "registration_date", SO_KIND_DATE)
#define PERSON(p, who) \
	V("Họ, chữ đệm, tên " who, p ".full_name", SO_KIND_NAME), \
	V("Ngày, tháng, năm sinh của " who, p ".birth_date", SO_KIND_DATE), \
	V("Dân tộc của " who, p ".ethnicity", SO_KIND_ETHNICITY), \
	CODE("Mã dân tộc của " who, p ".ethnicity", SO_KIND_ETHNICITY), \
	V("Quốc tịch của " who, p ".nationality", SO_KIND_NATIONALITY), \
	V("Nơi cư trú của " who, p ".residence", SO_KIND_PLACE), \
	CODE("Mã ĐVHC nơi cư trú của " who, p ".residence", SO_KIND_PLACE), \
	V("Giấy tờ tùy thân của " who, p ".id_document", SO_KIND_ID_DOCUMENT)
#define DECLARANT(whom) \
	V("Họ, chữ đệm, tên người đi đăng ký", "declarant.full_name", SO_KIND_NAME), \
	V("Giấy tờ tùy thân của người đi đăng ký", "declarant.id_document", SO_KIND_ID_DOCUMENT), \
	V("Quan hệ với " whom, "declarant.relationship", SO_KIND_TEXT)
#define TRAILER \
	V("Ghi chú", "notes", SO_KIND_TEXT), \
	{ "Trạng thái", "status", C_STATUS, SO_KIND_TEXT }, \
	{ "Cảnh báo chưa xử lý", "flags", C_FLAGS, SO_KIND_TEXT }, \
	{ "Ghi chú kỹ thuật", "note", C_NOTE, SO_KIND_TEXT }, \
	{ "Tệp ảnh (PDF)", "pdf", C_PDF, SO_KIND_TEXT }, \
	{ NULL, NULL, C_VALUE, SO_KIND_TEXT }

static const struct column birth_columns[] = {
	REGISTRATION,
	V("Họ, chữ đệm, tên người được khai sinh", "child.full_name", SO_KIND_NAME),
	V("Ngày, tháng, năm sinh", "child.birth_date", SO_KIND_DATE),
	V("Giới tính", "child.sex", SO_KIND_SEX),
	V("Dân tộc", "child.ethnicity", SO_KIND_ETHNICITY),
	CODE("Mã dân tộc", "child.ethnicity", SO_KIND_ETHNICITY),
	V("Quốc tịch", "child.nationality", SO_KIND_NATIONALITY),
	V("Nơi sinh", "child.birth_place", SO_KIND_PLACE),
	CODE("Mã ĐVHC nơi sinh", "child.birth_place", SO_KIND_PLACE),
	V("Quê quán", "child.hometown", SO_KIND_PLACE),
	CODE("Mã ĐVHC quê quán", "child.hometown", SO_KIND_PLACE),
	V("Số định danh cá nhân", "child.id_number", SO_KIND_ID_NUMBER),
	PERSON("mother", "người mẹ"),
	PERSON("father", "người cha"),
	DECLARANT("người được khai sinh"),
	TRAILER,
};

static const struct column marriage_columns[] = {
	REGISTRATION,
	PERSON("husband", "chồng"),
	PERSON("wife", "vợ"),
	TRAILER,
};

static const struct column death_columns[] = {
	REGISTRATION,
	V("Họ, chữ đệm, tên người chết", "deceased.full_name", SO_KIND_NAME),
	V("Ngày, tháng, năm sinh", "deceased.birth_date", SO_KIND_DATE),
	V("Giới tính", "deceased.sex", SO_KIND_SEX),
	V("Dân tộc", "deceased.ethnicity", SO_KIND_ETHNICITY),
	CODE("Mã dân tộc", "deceased.ethnicity", SO_KIND_ETHNICITY),
	V("Quốc tịch", "deceased.nationality", SO_KIND_NATIONALITY),
	V("Số định danh cá nhân", "deceased.id_number", SO_KIND_ID_NUMBER),
	V("Nơi cư trú cuối cùng", "deceased.residence", SO_KIND_PLACE),
	CODE("Mã ĐVHC nơi cư trú cuối cùng", "deceased.residence", SO_KIND_PLACE),
	V("Giờ, phút, ngày, tháng, năm chết", "death.datetime", SO_KIND_DATETIME),
	V("Nơi chết", "death.place", SO_KIND_PLACE),
	CODE("Mã ĐVHC nơi chết", "death.place", SO_KIND_PLACE),
	V("Nguyên nhân chết", "death.cause", SO_KIND_TEXT),
	V("Số Giấy báo tử", "death_notice.number", SO_KIND_TEXT),
	V("Ngày cấp Giấy báo tử", "death_notice.date", SO_KIND_DATE),
	V("Nơi cấp Giấy báo tử", "death_notice.issuer", SO_KIND_TEXT),
	DECLARANT("người chết"),
	TRAILER,
};

static const struct column parentage_columns[] = {
	REGISTRATION,
	PERSON("parent", "người nhận"),
	PERSON("child", "người được nhận"),
	V("Quan hệ (cha - con, mẹ - con)", "relationship", SO_KIND_RELATIONSHIP),
	TRAILER,
};

struct book_type {
	const char *type;
	const char *name;          /* the book's name, for the doc and the workbook title */
	const struct column *columns;
};

static const struct book_type book_types[] = {
	{ "birth", "Sổ đăng ký khai sinh", birth_columns },
	{ "marriage", "Sổ đăng ký kết hôn", marriage_columns },
	{ "death", "Sổ đăng ký khai tử", death_columns },
	{ "parentage", "Sổ đăng ký nhận cha, mẹ, con", parentage_columns },
};

static const struct book_type *book_type_of(const char *type)
{
	for (size_t i = 0; i < SO_ARRAY_SIZE(book_types); i++)
		if (strcmp(book_types[i].type, type) == 0)
			return &book_types[i];
	return NULL;
}

static size_t columns_count(const struct column *c)
{
	size_t n = 0;
	while (c[n].title)
		n++;
	return n;
}

/* "A", "B", ... "Z", "AA", ... */
static void column_letter(size_t col, char buf[8])
{
	char tmp[8];
	int n = 0;
	col++;
	while (col && n < 7) {
		col--;
		tmp[n++] = (char)('A' + col % 26);
		col /= 26;
	}
	for (int i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = 0;
}

static double column_width(const struct column *c)
{
	if (c->cell == C_CODE)
		return 9;
	switch (c->cell) {
	case C_STATUS: return 13;
	case C_FLAGS: return 24;
	case C_NOTE: return 30;
	case C_PDF: return 34;
	default: break;
	}
	switch (c->holds) {
	case SO_KIND_NUMBER: return 7;
	case SO_KIND_DATE: return 12;
	case SO_KIND_DATETIME: return 17;
	case SO_KIND_NAME: return 26;
	case SO_KIND_SEX: return 8;
	case SO_KIND_ETHNICITY: return 11;
	case SO_KIND_NATIONALITY: return 9;
	case SO_KIND_PLACE: return 44;
	case SO_KIND_ID_NUMBER: return 15;
	case SO_KIND_ID_DOCUMENT: return 20;
	case SO_KIND_RELATIONSHIP: return 10;
	case SO_KIND_TEXT: return 24;
	default: break;
	}
	return 16;
}

static const char *column_description(const struct column *c)
{
	switch (c->cell) {
	case C_CODE:
		return c->holds == SO_KIND_PLACE
			? "commune code valid at the registration date, when the place was matched"
			: "GSO code of the ethnic group (`01` Kinh … `54` Rơ-măm)";
	case C_STATUS:
		return "status of the record: `valid`, `approved`, `synced` (with `--all` also "
		       "`needs_review`, `rejected`)";
	case C_FLAGS:
		return "codes of the record's open flags, `; `-separated (`DATE_ORDER; SEQUENCE_GAP`)";
	case C_NOTE:
		return "why the entry has no PDF (page image missing or unreadable), else empty";
	case C_PDF:
		return "file name of the entry's PDF in `pdf/`, empty when it could not be made";
	case C_VALUE:
		break;
	}
	switch (c->holds) {
	case SO_KIND_NUMBER: return "registration number, digits (`125`); else the reading";
	case SO_KIND_DATE: return "date as ISO text (`2019-03-05`; partial `1985`, `1985-03`); else the "
			    "reading";
	case SO_KIND_DATETIME: return "date and time as ISO text (`2021-03-05T14:30`); else the reading";
	case SO_KIND_NAME: return "name in Title Case, NFC (`Nguyễn Văn An`); else the reading";
	case SO_KIND_SEX: return "`male` or `female`; else the reading";
	case SO_KIND_ETHNICITY: return "official name of the ethnic group (`Kinh`); else the reading";
	case SO_KIND_NATIONALITY: return "ISO 3166-1 alpha-2 code (`VN`); else the reading";
	case SO_KIND_PLACE: return "place with abbreviations expanded to official unit names; else the "
			     "reading";
	case SO_KIND_ID_NUMBER: return "personal id, digits only (12, or 9 for an old CMND); else the "
				 "reading";
	case SO_KIND_ID_DOCUMENT: return "`CCCD N`, `CMND N` or `HO_CHIEU N`; else the reading";
	case SO_KIND_RELATIONSHIP: return "`father` or `mother`; else the reading";
	case SO_KIND_TEXT: return "text, NFC, whitespace collapsed; else the reading";
	default: break;
	}
	return "";
}

/* The name of the column in row 2. */
static void column_field(const struct column *c, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s", c->field, c->cell == C_CODE ? ".code" : "");
}

int so_moj_print_columns(FILE *out)
{
	for (size_t b = 0; b < SO_ARRAY_SIZE(book_types); b++) {
		const struct book_type *bt = &book_types[b];
		fprintf(out, "%s### %s (`%s`)\n\n", b ? "\n" : "", bt->name, bt->type);
		fprintf(out, "| column | title (row 1) | field (row 2) | what is written |\n");
		fprintf(out, "|---|---|---|---|\n");
		for (size_t i = 0; bt->columns[i].title; i++) {
			const struct column *c = &bt->columns[i];
			char letter[8], field[96];
			column_letter(i, letter);
			column_field(c, field, sizeof(field));
			fprintf(out, "| %s | %s | `%s` | %s |\n", letter, c->title, field,
				column_description(c));
		}
	}
	if (fflush(out) != 0 || ferror(out))
		return so_error("cannot write the column list");
	return 0;
}

/* Files ------------------------------------------------------------------------------------ */

static void sha256_mem(const void *data, size_t len, char hex[SO_SHA256_HEX])
{
	struct so_sha256 h;
	hex[0] = 0;
	if (so_sha256_init(&h) < 0)
		return;
	if (so_sha256_update(&h, data, len) < 0) {
		so_sha256_release(&h);
		return;
	}
	so_sha256_final(&h, hex);
}

/* The package being written ------------------------------------------------------------------ */

struct package {
	struct so_store *s;
	const struct so_moj_options *o;
	struct so_moj_result *r;
	char *tmp;              /* the temporary sibling directory written into */
	char batch_id[128];
	json_t *books, *files;
};

static int package_add_file(struct package *pkg, const char *rel, const char *sha, uint64_t size,
			    json_t *extra)
{
	json_t *f = json_pack("{s:s, s:I, s:s}", "path", rel, "bytes", (json_int_t)size,
			      "sha256", sha);
	if (!f) {
		json_decref(extra);
		return so_error("out of memory");
	}
	if (extra)
		json_object_update(f, extra);
	json_decref(extra);
	json_array_append_new(pkg->files, f);
	return 0;
}

/* "birth-2019-01-26740": letters, digits, '-', '_' and '.' kept, anything else '_'. */
static void book_key(const struct so_book *b, char *buf, size_t size)
{
	snprintf(buf, size, "%s-%d-%s-%s", b->type, b->year, b->volume, b->authority_code);
	for (char *p = buf; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			*p = '_';
	}
}

/* "2026-11-27T19:42:24Z" as a time; 0 when it is not one. */
static time_t iso_time(const char *iso)
{
	struct tm tm = { 0 };
	if (!iso || sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			   &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm);
	return t < 0 ? 0 : t;
}

/* The entries of a book ---------------------------------------------------------------------- */

struct entry {
	int64_t id, page_id;
	int row;
	int has_box;
	struct so_bbox box;
	char status[16];
	char image[256];        /* the prepared page, relative to the batch */
	int page_dpi;
	long number;            /* the canonical registration number, -1 when there is none */
	size_t seq;             /* position in page order */
	char pdf[192];          /* file name, "" when not made */
	char title[192];        /* the PDF's title */
	char *note;             /* why there is no PDF */
};

static void entries_free(struct entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(e[i].note);
	free(e);
}

/* A registration number of 1 to 9 digits, or -1. */
static long number_of(const char *v)
{
	if (!v || !*v || strlen(v) > 9 || strspn(v, "0123456789") != strlen(v))
		return -1;
	return strtol(v, NULL, 10);
}

static int by_number(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if ((x->number < 0) != (y->number < 0))
		return x->number < 0 ? 1 : -1;
	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int by_seq(const void *a, const void *b)
{
	const struct entry *const *x = a, *const *y = b;
	return (*x)->seq < (*y)->seq ? -1 : (*x)->seq > (*y)->seq;
}

struct entries_ctx {
	struct entry *e;
	size_t k, cap;
};

static int entry_add(const struct so_moj_entry_row *row, void *ctx)
{
	struct entries_ctx *c = ctx;
	if (SO_ARRAY_GROW(c->e, c->k, c->cap) < 0)
		return -1;
	struct entry *x = &c->e[c->k];
	memset(x, 0, sizeof(*x));
	x->id = row->id;
	x->page_id = row->page_id;
	x->row = row->row;
	x->has_box = row->has_box;
	x->box = row->box;
	snprintf(x->status, sizeof(x->status), "%s", row->status);
	snprintf(x->image, sizeof(x->image), "%s", row->image ? row->image : "");
	x->page_dpi = row->page_dpi;
	x->number = number_of(row->number);
	x->seq = c->k++;
	return 0;
}

/* The eligible entries of book B in registration-number order (numberless ones last, in page
 * order); *n set. -1 on error. */
static int entries_load(struct package *pkg, const struct so_book *b, struct entry **out,
			size_t *n)
{
	struct entries_ctx c = { 0 };
	*out = NULL;
	*n = 0;
	if (so_moj_entries_each(pkg->s, b->id, pkg->o->all, entry_add, &c) < 0) {
		entries_free(c.e, c.k);
		return -1;
	}
	if (c.k)
		qsort(c.e, c.k, sizeof(*c.e), by_number);
	*out = c.e;
	*n = c.k;
	return 0;
}

/* File names and titles: KEY-0056 when the number is the book's only entry with it,
 * KEY-0056-r<id> when several exported entries share it, KEY-r<id> without a number. */
static void entries_name(const char *key, struct entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int shared = e[i].number >= 0 &&
			     ((i > 0 && e[i - 1].number == e[i].number) ||
			      (i + 1 < n && e[i + 1].number == e[i].number));
		char stem[160];
		if (e[i].number < 0) {
			snprintf(stem, sizeof(stem), "%s-r%lld", key, (long long)e[i].id);
			snprintf(e[i].title, sizeof(e[i].title), "%s - bản ghi %lld", key,
				 (long long)e[i].id);
		} else {
			snprintf(stem, sizeof(stem), shared ? "%s-%04ld-r%lld" : "%s-%04ld", key,
				 e[i].number, (long long)e[i].id);
			snprintf(e[i].title, sizeof(e[i].title), "%s - Số %ld", key, e[i].number);
		}
		snprintf(e[i].pdf, sizeof(e[i].pdf), "%s.pdf", stem);
	}
}

/* PDFs --------------------------------------------------------------------------------------- */

/* The band of a page holding the table's column headings (header and index rows), found
 * from the ruling lines above the page's first entry; ok is 0 when it was not found. */
struct header {
	int ok, y0, y1;
};

static int margin_of(int dpi)
{
	int m = (dpi * 4 + 150) / 300;
	return m < 2 ? 2 : m;
}

/* The entry at ROW (1-based) starts at Y0 on its top rule; above it lie ROW + 1 rules: the
 * table's top, the index row's top, and the tops of the ROW - 1 entry rows before it. */
static void header_find(PIX *page, int x0, int x1, int y0, int row, int dpi, struct header *h)
{
	h->ok = 0;
	int w = pixGetWidth(page), ht = pixGetHeight(page);
	int near = dpi / 30 + 1, m = margin_of(dpi);
	if (row < 1 || row + 1 > MOJ_HEADER_BANDS_MAX || x0 < 0 || x1 > w || x1 - x0 < dpi ||
	    y0 <= near || y0 + near > ht)
		return;
	BOX *b = boxCreate(x0, 0, x1 - x0, y0 + near);
	PIX *band = b ? pixClipRectangle(page, b, NULL) : NULL;
	/* horizontal rules: runs of an inch survive, text does not */
	PIX *lines = band ? pixOpenBrick(NULL, band, dpi, 1) : NULL;
	NUMA *na = lines ? pixCountPixelsByRow(lines, NULL) : NULL;
	int start[MOJ_HEADER_BANDS_MAX], end[MOJ_HEADER_BANDS_MAX], nb = 0;
	if (na) {
		int rows = numaGetCount(na), threshold = (x1 - x0) * 2 / 5, in = 0;
		for (int y = 0; y < rows; y++) {
			l_int32 v = 0;
			numaGetIValue(na, y, &v);
			if (v < threshold) {
				in = 0;
				continue;
			}
			if (!in && nb > 0 && y - end[nb - 1] <= 3) {
				end[nb - 1] = y;       /* a rule broken by a row or two */
			} else if (!in) {
				if (nb == MOJ_HEADER_BANDS_MAX)
					break;
				start[nb] = end[nb] = y;
				nb++;
			} else {
				end[nb - 1] = y;
			}
			in = 1;
		}
	}
	boxDestroy(&b);
	pixDestroy(&band);
	pixDestroy(&lines);
	numaDestroy(&na);
	/* the rules above the entry's own */
	while (nb > 0 && (start[nb - 1] + end[nb - 1]) / 2 >= y0 - near)
		nb--;
	int need = row + 1;
	if (nb < need)
		return;
	int top = start[nb - need] - m;
	int bottom = row == 1 ? y0 - m : start[nb - (row - 1)];
	if (top < 0)
		top = 0;
	if (bottom - top < dpi / 10 || bottom - top > ht / 3)
		return;
	h->ok = 1;
	h->y0 = top;
	h->y1 = bottom;
}

/* The prepared page of an entry, its resolution and the header band; one page kept. */
struct page_cache {
	int64_t page_id;
	PIX *pix;
	int dpi;
	struct header head;
	char reason[600];       /* why pix is NULL */
};

static void page_cache_release(struct page_cache *pc)
{
	pixDestroy(&pc->pix);
	pc->page_id = 0;
}

static int page_cache_load(struct package *pkg, struct page_cache *pc, const struct entry *e)
{
	if (pc->page_id == e->page_id)
		return 0;
	page_cache_release(pc);
	pc->page_id = e->page_id;
	pc->reason[0] = 0;
	pc->head.ok = 0;
	if (!e->image[0]) {
		snprintf(pc->reason, sizeof(pc->reason), "the page has no prepared image");
		return 0;
	}
	char *path = so_asprintf("%s/%s", so_store_dir(pkg->s), e->image);
	if (!path)
		return -1;
	struct stat sb;
	if (stat(path, &sb) < 0) {
		snprintf(pc->reason, sizeof(pc->reason), "page image '%s' is missing: %s", e->image,
			 strerror(errno));
	} else if (!(pc->pix = pixRead(path))) {
		snprintf(pc->reason, sizeof(pc->reason), "page image '%s' is unreadable", e->image);
	} else if (pixGetDepth(pc->pix) != 1) {
		PIX *bin = pixConvertTo1(pc->pix, 128);
		pixDestroy(&pc->pix);
		pc->pix = bin;
		if (!bin)
			snprintf(pc->reason, sizeof(pc->reason), "page image '%s' is unreadable",
				 e->image);
	}
	free(path);
	if (!pc->pix)
		return 0;
	/* the prepared page's own resolution (pages under 300 dpi are prepared at 300), else
	 * the scan's */
	int res = pixGetXRes(pc->pix);
	pc->dpi = res >= 50 && res <= 2400 ? res : e->page_dpi >= 50 ? e->page_dpi : 300;
	int row, x0, y0, x1;
	int found = so_moj_page_first_row(pkg->s, e->page_id, &row, &x0, &y0, &x1);
	if (found < 0)
		return -1;
	if (found)
		header_find(pc->pix, x0, x1, y0, row, pc->dpi, &pc->head);
	return 0;
}

/* The image of one entry: the header band, then the entry's row, each with a small margin.
 * NULL with WHY set when the box does not fit the page. */
static PIX *entry_image(const struct page_cache *pc, const struct entry *e, char *why,
			size_t size)
{
	int w = pixGetWidth(pc->pix), h = pixGetHeight(pc->pix);
	int m = margin_of(pc->dpi), mx = pc->dpi / 30;
	const struct so_bbox *b = &e->box;
	if (!e->has_box || b->x0 < 0 || b->y0 < 0 || b->x1 > w || b->y1 > h || b->x1 - b->x0 < 2 ||
	    b->y1 - b->y0 < 2) {
		snprintf(why, size, "the entry's box is not on its page image (%dx%d)", w, h);
		return NULL;
	}
	int x0 = b->x0 - mx < 0 ? 0 : b->x0 - mx, x1 = b->x1 + mx > w ? w : b->x1 + mx;
	int y0 = b->y0 - m < 0 ? 0 : b->y0 - m, y1 = b->y1 + m > h ? h : b->y1 + m;
	int hh = pc->head.ok && pc->head.y1 <= y0 ? pc->head.y1 - pc->head.y0 : 0;
	PIX *out = pixCreate(x1 - x0, hh + (y1 - y0), 1);
	if (!out) {
		snprintf(why, size, "out of memory");
		return NULL;
	}
	if (hh)
		pixRasterop(out, 0, 0, x1 - x0, hh, PIX_SRC, pc->pix, x0, pc->head.y0);
	pixRasterop(out, 0, hh, x1 - x0, y1 - y0, PIX_SRC, pc->pix, x0, y0);
	pixSetResolution(out, pc->dpi, pc->dpi);
	return out;
}

/* leptonica dates its PDFs now; the package's are dated STAMP (14 digits) so that the same
 * batch gives the same bytes. The length does not change: the offsets stay right. */
static void pdf_set_date(l_uint8 *data, size_t n, const char *stamp)
{
	static const char key[] = "/CreationDate (D:";
	size_t k = sizeof(key) - 1, look = n < 4096 ? n : 4096;
	for (size_t i = 0; i + k + 14 <= look; i++) {
		if (memcmp(data + i, key, k) != 0)
			continue;
		if (strspn((const char *)data + i + k, "0123456789") >= 14)
			memcpy(data + i + k, stamp, 14);
		return;
	}
}

/* The PDF title: leptonica takes ASCII only and writes it as UTF-16 (<feff...>). It is given
 * a stand-in with as many UTF-16 units as the real title ('?' for each other unit); the real
 * units then replace the stand-in's in place, which keeps every offset right. */
#define MOJ_TITLE_UNITS 160
struct pdf_title {
	char ascii[MOJ_TITLE_UNITS + 1];
	char hex[4 * MOJ_TITLE_UNITS + 1];       /* the real title's units */
	char stand_in[4 * MOJ_TITLE_UNITS + 1];  /* the stand-in's units */
};

static void pdf_title_make(const char *utf8, struct pdf_title *t)
{
	const unsigned char *p = (const unsigned char *)utf8;
	size_t n = 0;
	while (*p && n + 2 <= MOJ_TITLE_UNITS) {
		unsigned long cp = *p;
		int len = cp < 0x80 ? 1 : (cp >> 5) == 6 ? 2 : (cp >> 4) == 14 ? 3 : (cp >> 3) == 30 ? 4 : 0;
		if (len == 0) {
			cp = '?';
			len = 1;
		} else if (len > 1) {
			cp &= 0x3f >> (len - 1);
			for (int i = 1; i < len; i++) {
				if ((p[i] & 0xC0) != 0x80) {
					cp = '?';
					len = i;
					break;
				}
				cp = (cp << 6) | (p[i] & 0x3f);
			}
		}
		p += len;
		unsigned units[2];
		int nu = 1;
		if (cp >= 0x10000 && cp <= 0x10FFFF) {
			units[0] = 0xD800 + (unsigned)((cp - 0x10000) >> 10);
			units[1] = 0xDC00 + (unsigned)((cp - 0x10000) & 0x3ff);
			nu = 2;
		} else {
			units[0] = cp < 0x20 || cp > 0xFFFF ? '?' : (unsigned)cp;
		}
		for (int i = 0; i < nu; i++, n++) {
			char a = units[i] < 0x80 ? (char)units[i] : '?';
			t->ascii[n] = a;
			snprintf(t->hex + 4 * n, 5, "%04x", units[i]);
			snprintf(t->stand_in + 4 * n, 5, "%04x", (unsigned char)a);
		}
	}
	t->ascii[n] = 0;
	t->hex[4 * n] = 0;
	t->stand_in[4 * n] = 0;
}

static void pdf_set_title(l_uint8 *data, size_t n, const struct pdf_title *t)
{
	static const char key[] = "/Title <feff";
	size_t k = sizeof(key) - 1, len = strlen(t->hex), look = n < 8192 ? n : 8192;
	for (size_t i = 0; i + k + len < look; i++) {
		if (memcmp(data + i, key, k) != 0)
			continue;
		if (memcmp(data + i + k, t->stand_in, len) == 0 && data[i + k + len] == '>')
			memcpy(data + i + k, t->hex, len);
		return;
	}
}

static void entry_note(struct entry *e, const char *reason)
{
	free(e->note);
	e->note = so_strdup(reason);
	e->pdf[0] = 0;
}

static void report_problem(struct package *pkg, const char *key, const struct entry *e)
{
	pkg->r->missing++;
	if (!pkg->o->problem)
		return;
	char msg[1024];
	if (e->number >= 0)
		snprintf(msg, sizeof(msg), "%s no. %ld (record %lld): no PDF: %s", key, e->number,
			 (long long)e->id, e->note ? e->note : "out of memory");
	else
		snprintf(msg, sizeof(msg), "%s record %lld: no PDF: %s", key, (long long)e->id,
			 e->note ? e->note : "out of memory");
	pkg->o->problem(pkg->o->ctx, msg);
}

/* Writes the PDF of every entry (page by page); an entry whose page cannot be read gets its
 * note instead. -1 only when the package cannot be written. */
static int book_pdfs(struct package *pkg, const char *key, const char *dir, const char *stamp,
		     struct entry *e, size_t n)
{
	struct entry **order = n ? so_calloc(n, sizeof(*order)) : NULL;
	if (n && !order)
		return -1;
	for (size_t i = 0; i < n; i++)
		order[i] = &e[i];
	if (n)
		qsort(order, n, sizeof(*order), by_seq);
	struct page_cache pc = { 0 };
	int r = 0;
	for (size_t i = 0; r == 0 && i < n; i++) {
		struct entry *x = order[i];
		if (page_cache_load(pkg, &pc, x) < 0) {
			r = -1;
			break;
		}
		if (!pc.pix) {
			entry_note(x, pc.reason);
			report_problem(pkg, key, x);
			continue;
		}
		char why[256];
		PIX *img = entry_image(&pc, x, why, sizeof(why));
		if (!img) {
			entry_note(x, why);
			report_problem(pkg, key, x);
			continue;
		}
		l_uint8 *data = NULL;
		size_t len = 0;
		struct pdf_title title;
		pdf_title_make(x->title, &title);
		if (pixConvertToPdfData(img, L_G4_ENCODE, 0, &data, &len, 0, 0, pc.dpi, title.ascii,
					NULL, 0) != 0 || !data) {
			pixDestroy(&img);
			free(data);
			entry_note(x, "the PDF could not be made from the page image");
			report_problem(pkg, key, x);
			continue;
		}
		pixDestroy(&img);
		pdf_set_date(data, len, stamp);
		pdf_set_title(data, len, &title);
		char *path = so_asprintf("%s/pdf/%s", dir, x->pdf);
		char *rel = so_asprintf("%s/pdf/%s", key, x->pdf);
		char sha[SO_SHA256_HEX];
		sha256_mem(data, len, sha);
		if (!path || !rel || so_write_synced(path, data, len) < 0 ||
		    package_add_file(pkg, rel, sha, len, json_pack("{s:I}", "record",
								   (json_int_t)x->id)) < 0)
			r = -1;
		else
			pkg->r->pdfs++;
		free(path);
		free(rel);
		free(data);
	}
	page_cache_release(&pc);
	free(order);
	return r;
}

/* The spreadsheet ------------------------------------------------------------------------------ */

struct field_value {
	const char *name;
	char *raw, *value, *code;
};

struct record_fields {
	struct field_value v[MOJ_FIELDS_MAX];
	size_t n;
};

static char *dup_or_null(const char *t)
{
	return t ? so_strdup(t) : NULL;
}

struct fields_ctx {
	struct record_fields *rf;
	int bad;
};

static int field_add(const char *name, const char *raw, const char *value, const char *code,
		     void *ctx)
{
	struct fields_ctx *c = ctx;
	if (c->rf->n >= MOJ_FIELDS_MAX)
		return 1;
	struct field_value *f = &c->rf->v[c->rf->n++];
	char *nm = dup_or_null(name);
	f->name = nm;
	f->raw = dup_or_null(raw);
	f->value = dup_or_null(value);
	f->code = dup_or_null(code);
	if (!nm)
		c->bad = 1;
	return 0;
}

static int record_fields_load(struct so_store *s, int64_t id, struct record_fields *rf)
{
	struct fields_ctx c = { rf, 0 };
	rf->n = 0;
	if (so_moj_fields_each(s, id, field_add, &c) < 0)
		return -1;
	return c.bad ? -1 : 0;
}

static void record_fields_free(struct record_fields *rf)
{
	for (size_t i = 0; i < rf->n; i++) {
		free((char *)rf->v[i].name);
		free(rf->v[i].raw);
		free(rf->v[i].value);
		free(rf->v[i].code);
	}
	rf->n = 0;
}

static const struct field_value *field_find(const struct record_fields *rf, const char *name)
{
	for (size_t i = 0; i < rf->n; i++)
		if (strcmp(rf->v[i].name, name) == 0)
			return &rf->v[i];
	return NULL;
}

static int flag_code_add(const char *code, void *ctx)
{
	struct so_buf *b = ctx;
	if (b->len)
		so_buf_adds(b, "; ");
	so_buf_adds(b, code);
	return 0;
}

/* "CODE; CODE" of the record's open flags, in the order they were raised. */
static char *open_flags(struct so_store *s, int64_t id)
{
	struct so_buf b = SO_BUF_INIT(64 * 1024);
	if (so_moj_open_flags_each(s, id, flag_code_add, &b) < 0) {
		so_buf_release(&b);
		return NULL;
	}
	return so_buf_detach(&b, NULL);
}

/* Text fit for a cell: control characters (which XML cannot carry) made spaces, at most
 * Excel's length, cut on a character boundary. Caller frees. */
static char *cell_text(const char *v)
{
	size_t n = strlen(v);
	if (n > MOJ_CELL_MAX) {
		n = MOJ_CELL_MAX;
		while (n > 0 && ((unsigned char)v[n] & 0xC0) == 0x80)
			n--;
	}
	char *t = so_malloc(n + 1);
	if (!t)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		t[i] = (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ? ' ' : (char)c;
	}
	t[n] = 0;
	return t;
}

static int put_cell(lxw_worksheet *ws, int row, size_t col, const char *v, lxw_format *fmt,
		    const char *path)
{
	if (!v || !*v)
		return 0;
	char *t = cell_text(v);
	if (!t)
		return -1;
	lxw_error err = worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, t, fmt);
	free(t);
	if (err != LXW_NO_ERROR)
		return so_error("cannot write a cell of '%s': %s", path, lxw_strerror(err));
	return 0;
}

static int sheet_row(struct package *pkg, lxw_worksheet *ws, int row, const struct column *cols,
		     const struct entry *e, lxw_format *canon, lxw_format *raw, const char *path)
{
	struct record_fields rf;
	if (record_fields_load(pkg->s, e->id, &rf) < 0) {
		record_fields_free(&rf);
		return -1;
	}
	char *flags = open_flags(pkg->s, e->id);
	int r = flags ? 0 : -1;
	for (size_t c = 0; r == 0 && cols[c].title; c++) {
		const struct column *col = &cols[c];
		const struct field_value *f = col->field ? field_find(&rf, col->field) : NULL;
		switch (col->cell) {
		case C_VALUE:
			if (f && f->value)
				r = put_cell(ws, row, c, f->value, canon, path);
			else if (f && f->raw)
				r = put_cell(ws, row, c, f->raw, raw, path);
			break;
		case C_CODE:
			if (f && f->code)
				r = put_cell(ws, row, c, f->code, canon, path);
			break;
		case C_STATUS:
			r = put_cell(ws, row, c, e->status, canon, path);
			break;
		case C_FLAGS:
			r = put_cell(ws, row, c, flags, canon, path);
			break;
		case C_NOTE:
			if (e->note)
				r = put_cell(ws, row, c, e->note, raw, path);
			break;
		case C_PDF:
			r = put_cell(ws, row, c, e->pdf, canon, path);
			break;
		}
	}
	free(flags);
	record_fields_free(&rf);
	return r;
}

static int book_sheet(struct package *pkg, const struct so_book *b, const struct book_type *bt,
		      const char *key, time_t created, const char *path, struct entry *e, size_t n)
{
	const struct column *cols = bt->columns;
	size_t ncols = columns_count(cols);
	lxw_workbook_options wo = { .constant_memory = 0, .tmpdir = NULL, .use_zip64 = 0 };
	lxw_workbook *wb = workbook_new_opt(path, &wo);
	if (!wb)
		return so_error("cannot create the workbook '%s'", path);
	char title[256], subject[256], comments[256], sheet[32];
	snprintf(title, sizeof(title), "%s năm %d, quyển số %s, cơ quan đăng ký %s", bt->name,
		 b->year, b->volume, b->authority_code);
	snprintf(subject, sizeof(subject), "%s", key);
	snprintf(comments, sizeof(comments), "sohoa %s, batch %s", SO_VERSION, pkg->batch_id);
	lxw_doc_properties props = { 0 };
	props.title = title;
	props.subject = subject;
	props.author = "sohoa";
	props.comments = comments;
	props.created = created;
	workbook_set_properties(wb, &props);
	/* the sheet is named after the book (Excel allows 31 characters) */
	snprintf(sheet, sizeof(sheet), "%.31s", key);
	lxw_worksheet *ws = workbook_add_worksheet(wb, sheet);
	lxw_format *head = workbook_add_format(wb);
	lxw_format *names = workbook_add_format(wb);
	lxw_format *canon = workbook_add_format(wb);
	lxw_format *raw = workbook_add_format(wb);
	int r = 0;
	if (!ws || !head || !names || !canon || !raw) {
		r = so_error("cannot set up the workbook '%s'", path);
		goto close;
	}
	format_set_bold(head);
	format_set_text_wrap(head);
	format_set_align(head, LXW_ALIGN_CENTER);
	format_set_align(head, LXW_ALIGN_VERTICAL_CENTER);
	format_set_border(head, LXW_BORDER_THIN);
	format_set_bg_color(head, 0xE7E6E6);
	format_set_font_size(names, 8);
	format_set_font_color(names, 0x808080);
	format_set_align(canon, LXW_ALIGN_VERTICAL_TOP);
	/* a reading kept as read (no canonical value) is set in italics */
	format_set_italic(raw);
	format_set_align(raw, LXW_ALIGN_VERTICAL_TOP);
	worksheet_set_row(ws, 0, 48, NULL);
	for (size_t c = 0; r == 0 && c < ncols; c++) {
		char field[96];
		column_field(&cols[c], field, sizeof(field));
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, column_width(&cols[c]), NULL);
		r = put_cell(ws, 0, c, cols[c].title, head, path);
		if (r == 0)
			r = put_cell(ws, 1, c, field, names, path);
	}
	worksheet_freeze_panes(ws, 2, 1);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = sheet_row(pkg, ws, (int)i + 2, cols, &e[i], canon, raw, path);
	if (r == 0) {
		worksheet_autofilter(ws, 1, 0, (lxw_row_t)(n + 1), (lxw_col_t)(ncols - 1));
		worksheet_ignore_errors(ws, LXW_IGNORE_NUMBER_STORED_AS_TEXT, "A1:XFD1048576");
	}
close:;
	lxw_error err = workbook_close(wb);
	if (r == 0 && err != LXW_NO_ERROR)
		r = so_error("cannot write the workbook '%s': %s", path, lxw_strerror(err));
	if (r == 0)
		r = so_sync_path(path, 0);
	return r;
}

/* A book ----------------------------------------------------------------------------------- */

static int book_export(struct package *pkg, const struct so_book *b, const char *created_at)
{
	const struct book_type *bt = book_type_of(b->type);
	if (!bt)
		return so_error("book %lld has an unknown type '%s'", (long long)b->id, b->type);
	char key[128];
	book_key(b, key, sizeof(key));
	/* the date the package's files carry: when the book was registered in the batch */
	time_t created = iso_time(created_at);
	char stamp[16];
	struct tm tm;
	gmtime_r(&created, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);

	char *dir = so_asprintf("%s/%s", pkg->tmp, key);
	char *pdfdir = so_asprintf("%s/%s/pdf", pkg->tmp, key);
	char *xlsx = so_asprintf("%s/%s/%s.xlsx", pkg->tmp, key, key);
	char *xlsx_rel = so_asprintf("%s/%s.xlsx", key, key);
	struct entry *e = NULL;
	size_t n = 0;
	int r = -1;
	if (!dir || !pdfdir || !xlsx || !xlsx_rel)
		goto done;
	if (mkdir(dir, 0755) < 0) {
		so_error("cannot create '%s': %s", dir, strerror(errno));
		goto done;
	}
	if (mkdir(pdfdir, 0755) < 0) {
		so_error("cannot create '%s': %s", pdfdir, strerror(errno));
		goto done;
	}
	if (entries_load(pkg, b, &e, &n) < 0)
		goto done;
	entries_name(key, e, n);
	long pdfs_before = pkg->r->pdfs;
	if (book_pdfs(pkg, key, dir, stamp, e, n) < 0)
		goto done;
	if (book_sheet(pkg, b, bt, key, created, xlsx, e, n) < 0)
		goto done;
	char sha[SO_SHA256_HEX];
	uint64_t size = 0;
	if (so_sha256_file(xlsx, sha, &size) < 0 ||
	    package_add_file(pkg, xlsx_rel, sha, size, NULL) < 0)
		goto done;
	if (so_sync_path(pdfdir, 1) < 0 || so_sync_path(dir, 1) < 0)
		goto done;
	json_t *missing = json_array();
	for (size_t i = 0; i < n; i++)
		if (e[i].note)
			json_array_append_new(missing, json_pack("{s:I, s:s?, s:s}", "record",
				(json_int_t)e[i].id, "status", e[i].status, "reason", e[i].note));
	json_t *book = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:I, s:I, s:o}",
		"key", key, "type", b->type, "year", b->year, "volume", b->volume,
		"authority_code", b->authority_code, "layout", b->layout, "spreadsheet", xlsx_rel,
		"records", (json_int_t)n, "pdfs", (json_int_t)(pkg->r->pdfs - pdfs_before),
		"missing_pdfs", missing);
	if (!book) {
		so_error("out of memory");
		goto done;
	}
	json_array_append_new(pkg->books, book);
	pkg->r->books++;
	pkg->r->records += (long)n;
	r = 0;
done:
	entries_free(e, n);
	free(dir);
	free(pdfdir);
	free(xlsx);
	free(xlsx_rel);
	return r;
}

/* The package directory ---------------------------------------------------------------------- */

/* 1 when DIR holds a previous package of this batch (CTX: its batch id), else 0. */
static int package_ours(const char *dir, void *ctx)
{
	const char *batch_id = ctx;
	char *path = so_asprintf("%s/manifest.json", dir);
	char *data = NULL;
	size_t len = 0;
	int ours = 0;
	if (path && so_read_file(path, MOJ_MANIFEST_MAX, &data, &len) == 0) {
		json_t *m = json_loadb(data, len, 0, NULL);
		const char *format = json_string_value(json_object_get(m, "format"));
		const char *id = json_string_value(json_object_get(m, "batch_id"));
		ours = format && id && strcmp(format, MOJ_FORMAT) == 0 && strcmp(id, batch_id) == 0;
		json_decref(m);
	}
	free(path);
	free(data);
	return ours;
}

/* The books, listed first: exporting one runs queries of its own. */
struct books_listed {
	struct {
		int64_t id;
		char created[SO_TIME_LEN];
	} *v;
	size_t n, cap;
};

static int book_listed_add(int64_t id, const char *created_at, void *ctx)
{
	struct books_listed *l = ctx;
	if (SO_ARRAY_GROW(l->v, l->n, l->cap) < 0)
		return -1;
	l->v[l->n].id = id;
	snprintf(l->v[l->n].created, sizeof(l->v[0].created), "%s", created_at);
	l->n++;
	return 0;
}

static int books_export(struct package *pkg)
{
	struct books_listed l = { 0 };
	int r = so_moj_books_each(pkg->s, book_listed_add, &l);
	for (size_t i = 0; r == 0 && i < l.n; i++) {
		struct so_book b;
		if (so_book_get(pkg->s, l.v[i].id, &b) < 0 ||
		    book_export(pkg, &b, l.v[i].created) < 0)
			r = -1;
	}
	free(l.v);
	return r;
}

int so_moj_export(struct so_store *s, const struct so_moj_options *o, struct so_moj_result *r)
{
	memset(r, 0, sizeof(*r));
	if (so_store_check_intact(s) < 0)
		return -1;
	struct package pkg = { .s = s, .o = o, .r = r };
	struct so_outdir od;
	int rc = -1;
	if (so_meta_get(s, "batch_id", pkg.batch_id, sizeof(pkg.batch_id)) < 0)
		return -1;
	if (so_outdir_begin(&od, o->out, "moj package", package_ours, pkg.batch_id) < 0)
		goto done;
	pkg.tmp = od.tmp;
	pkg.books = json_array();
	pkg.files = json_array();
	if (!pkg.books || !pkg.files) {
		so_error("out of memory");
		goto done;
	}
	if (books_export(&pkg) < 0)
		goto done;
	json_t *selection = o->all
		? json_pack("[s, s, s, s, s]", "valid", "approved", "synced", "needs_review",
			    "rejected")
		: json_pack("[s, s, s]", "valid", "approved", "synced");
	json_t *manifest = json_pack("{s:s, s:i, s:s, s:s, s:o, s:I, s:I, s:I, s:O, s:O}",
		"format", MOJ_FORMAT, "version", 1, "generator", "sohoa " SO_VERSION,
		"batch_id", pkg.batch_id, "statuses", selection, "records", (json_int_t)r->records,
		"pdfs", (json_int_t)r->pdfs, "missing_pdfs", (json_int_t)r->missing,
		"books", pkg.books, "files", pkg.files);
	char *text = manifest ? json_dumps(manifest, JSON_INDENT(2)) : NULL;
	json_decref(manifest);
	if (!text) {
		so_error("out of memory writing the manifest");
		goto done;
	}
	char *mpath = so_asprintf("%s/manifest.json", pkg.tmp);
	size_t tlen = strlen(text);
	int w = -1;
	if (mpath) {
		text[tlen] = 0;
		char *withnl = so_asprintf("%s\n", text);
		w = withnl ? so_write_synced(mpath, withnl, tlen + 1) : -1;
		free(withnl);
	}
	free(mpath);
	free(text);
	if (w < 0 || so_outdir_commit(&od) < 0)
		goto done;
	rc = 0;
done:
	so_outdir_release(&od);
	json_decref(pkg.books);
	json_decref(pkg.files);
	return rc;
}
