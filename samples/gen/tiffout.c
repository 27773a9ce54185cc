/*
 * Multi-page TIFF output with libtiff (see tiffout.h). Errors from libtiff go to a handler of
 * this file only (TIFFOpenExt), never to the global one. Pages are written strip by strip (64
 * rows, a multiple of the JPEG block) or in 256-pixel tiles, straight from the raster; bilevel
 * pages are thresholded and packed a strip or tile at a time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>
#include <unistd.h>

#include "base/util.h"
#include "tiffout.h"

#define STRIP_ROWS 64
#define TILE_SIZE 256

struct tiff_writer {
	TIFF *tif;
	char *path, *tmp;
	struct tiff_options o;
	int page;
	char err[512];
};

const char *tiff_compression_name(enum tiff_compression c)
{
	static const char *const names[] = { "g4", "lzw", "jpeg", "deflate", "none" };
	return (unsigned)c < SO_ARRAY_SIZE(names) ? names[c] : "";
}

const char *tiff_color_name(enum tiff_color c)
{
	static const char *const names[] = { "gray", "rgb", "bilevel" };
	return (unsigned)c < SO_ARRAY_SIZE(names) ? names[c] : "";
}

static int on_tiff_error(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap)
{
	struct tiff_writer *w = user;
	(void)tif;
	if (w && !w->err[0]) {
		char msg[400];
		vsnprintf(msg, sizeof(msg), fmt, ap);
		snprintf(w->err, sizeof(w->err), "%s: %s", module ? module : "libtiff", msg);
	}
	return 1;
}

static int on_tiff_warning(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap)
{
	(void)tif, (void)user, (void)module, (void)fmt, (void)ap;
	return 1;
}

static int writer_error(struct tiff_writer *w, const char *what)
{
	return so_error("cannot %s '%s': %s", what, w->path, w->err[0] ? w->err : "libtiff failed");
}

struct tiff_writer *tiffout_open(const char *path, const struct tiff_options *o)
{
	struct tiff_writer *w = so_calloc(1, sizeof(*w));
	TIFFOpenOptions *opts = NULL;
	if (!w)
		return NULL;
	w->o = *o;
	w->path = so_strdup(path);
	w->tmp = so_asprintf("%s.tmp.%ld", path, (long)getpid());
	opts = TIFFOpenOptionsAlloc();
	if (!w->path || !w->tmp || !opts) {
		so_error("out of memory");
		goto error;
	}
	TIFFOpenOptionsSetErrorHandlerExtR(opts, on_tiff_error, w);
	TIFFOpenOptionsSetWarningHandlerExtR(opts, on_tiff_warning, w);
	w->tif = TIFFOpenExt(w->tmp, "w", opts);
	TIFFOpenOptionsFree(opts);
	opts = NULL;
	if (!w->tif) {
		writer_error(w, "create");
		goto error;
	}
	return w;
error:
	if (opts)
		TIFFOpenOptionsFree(opts);
	tiffout_abort(w);
	return NULL;
}

/* Packs rows Y0..Y0+ROWS, columns X0..X0+COLS of grey R into 1-bit MinIsWhite rows of
 * BYTES bytes (ink = 1); pixels outside the raster are white. */
static void pack_bits(const struct raster *r, int x0, int y0, int cols, int rows, size_t bytes,
                      unsigned char *out)
{
	memset(out, 0, bytes * (size_t)rows);
	for (int y = 0; y < rows && y0 + y < r->height; y++) {
		const unsigned char *src = r->px + (size_t)(y0 + y) * (size_t)r->width;
		unsigned char *dst = out + (size_t)y * bytes;
		for (int x = 0; x < cols && x0 + x < r->width; x++)
			if (src[x0 + x] < r->threshold)
				dst[x >> 3] |= (unsigned char)(0x80 >> (x & 7));
	}
}

static int set_tags(struct tiff_writer *w, const struct raster *r)
{
	TIFF *t = w->tif;
	const struct tiff_options *o = &w->o;
	int bilevel = o->color == COLOR_BILEVEL, rgb = o->color == COLOR_RGB;
	static const int codes[] = { COMPRESSION_CCITTFAX4, COMPRESSION_LZW, COMPRESSION_JPEG,
	                             COMPRESSION_ADOBE_DEFLATE, COMPRESSION_NONE };
	int ok = TIFFSetField(t, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE) &&
	         TIFFSetField(t, TIFFTAG_IMAGEWIDTH, (uint32_t)r->width) &&
	         TIFFSetField(t, TIFFTAG_IMAGELENGTH, (uint32_t)r->height) &&
	         TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, bilevel ? 1 : 8) &&
	         TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, rgb ? 3 : 1) &&
	         TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG) &&
	         TIFFSetField(t, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT) &&
	         TIFFSetField(t, TIFFTAG_COMPRESSION, codes[o->compression]) &&
	         TIFFSetField(t, TIFFTAG_PAGENUMBER, (uint16_t)w->page, (uint16_t)o->pages);
	if (!ok)
		return -1;
	int photometric = bilevel ? PHOTOMETRIC_MINISWHITE
	                : !rgb ? PHOTOMETRIC_MINISBLACK
	                : o->compression == TC_JPEG ? PHOTOMETRIC_YCBCR : PHOTOMETRIC_RGB;
	if (!TIFFSetField(t, TIFFTAG_PHOTOMETRIC, photometric))
		return -1;
	if (o->compression == TC_JPEG) {
		if (!TIFFSetField(t, TIFFTAG_JPEGQUALITY, 80))
			return -1;
		if (rgb && !TIFFSetField(t, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB))
			return -1;
	}
	if ((o->compression == TC_LZW || o->compression == TC_DEFLATE) && !bilevel &&
	    !TIFFSetField(t, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL))
		return -1;
	if (o->compression == TC_DEFLATE && !TIFFSetField(t, TIFFTAG_ZIPQUALITY, 6))
		return -1;
	if (o->resolution &&
	    !(TIFFSetField(t, TIFFTAG_XRESOLUTION, (float)o->dpi) &&
	      TIFFSetField(t, TIFFTAG_YRESOLUTION, (float)o->dpi) &&
	      TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH)))
		return -1;
	if (o->tiled)
		return TIFFSetField(t, TIFFTAG_TILEWIDTH, TILE_SIZE) &&
		       TIFFSetField(t, TIFFTAG_TILELENGTH, TILE_SIZE) ? 0 : -1;
	return TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, STRIP_ROWS) ? 0 : -1;
}

static int write_strips(struct tiff_writer *w, const struct raster *r, int bilevel)
{
	size_t row_bytes = bilevel ? ((size_t)r->width + 7) / 8
	                           : (size_t)r->width * (size_t)r->channels;
	unsigned char *packed = NULL;
	int rc = -1;
	if (bilevel && !(packed = so_malloc(row_bytes * STRIP_ROWS)))
		return -1;
	for (int y = 0, s = 0; y < r->height; y += STRIP_ROWS, s++) {
		int rows = r->height - y < STRIP_ROWS ? r->height - y : STRIP_ROWS;
		const unsigned char *data = r->px + (size_t)y * row_bytes;
		if (bilevel) {
			pack_bits(r, 0, y, r->width, rows, row_bytes, packed);
			data = packed;
		}
		if (TIFFWriteEncodedStrip(w->tif, (uint32_t)s, (void *)data,
		                          (tmsize_t)(row_bytes * (size_t)rows)) < 0)
			goto cleanup;
	}
	rc = 0;
cleanup:
	free(packed);
	return rc;
}

static int write_tiles(struct tiff_writer *w, const struct raster *r, int bilevel)
{
	size_t ch = (size_t)r->channels;
	size_t tile_row = bilevel ? TILE_SIZE / 8 : TILE_SIZE * ch;
	size_t tile_bytes = tile_row * TILE_SIZE;
	unsigned char *buf = so_malloc(tile_bytes);
	int rc = -1;
	if (!buf)
		return -1;
	for (int ty = 0; ty < r->height; ty += TILE_SIZE) {
		for (int tx = 0; tx < r->width; tx += TILE_SIZE) {
			if (bilevel) {
				pack_bits(r, tx, ty, TILE_SIZE, TILE_SIZE, tile_row, buf);
			} else {
				memset(buf, 255, tile_bytes);
				for (int y = 0; y < TILE_SIZE && ty + y < r->height; y++) {
					int cols = r->width - tx < TILE_SIZE ? r->width - tx : TILE_SIZE;
					memcpy(buf + (size_t)y * tile_row,
					       r->px + ((size_t)(ty + y) * (size_t)r->width + (size_t)tx) * ch,
					       (size_t)cols * ch);
				}
			}
			uint32_t tile = TIFFComputeTile(w->tif, (uint32_t)tx, (uint32_t)ty, 0, 0);
			if (TIFFWriteEncodedTile(w->tif, tile, buf, (tmsize_t)tile_bytes) < 0)
				goto cleanup;
		}
	}
	rc = 0;
cleanup:
	free(buf);
	return rc;
}

int tiffout_page(struct tiff_writer *w, const struct raster *r)
{
	int bilevel = w->o.color == COLOR_BILEVEL;
	if (r->channels != (w->o.color == COLOR_RGB ? 3 : 1))
		return so_error("page of '%s' has %d channels, the file wants %s", w->path,
		                r->channels, tiff_color_name(w->o.color));
	if (set_tags(w, r) < 0)
		return writer_error(w, "set the tags of");
	if ((w->o.tiled ? write_tiles(w, r, bilevel) : write_strips(w, r, bilevel)) < 0)
		return writer_error(w, "write a page of");
	if (!TIFFWriteDirectory(w->tif))
		return writer_error(w, "write a page directory of");
	w->page++;
	return 0;
}

static int fsync_path(const char *path, int directory)
{
	int fd = open(path, directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
	if (fd < 0)
		return so_error("cannot open '%s': %s", path, strerror(errno));
	int rc = fsync(fd) < 0 && !directory ? so_error("cannot sync '%s': %s", path, strerror(errno))
	                                      : 0;
	close(fd);
	return rc;
}

int tiffout_close(struct tiff_writer *w)
{
	int rc = -1;
	TIFFClose(w->tif);
	w->tif = NULL;
	if (w->err[0]) {
		writer_error(w, "finish");
		goto cleanup;
	}
	if (fsync_path(w->tmp, 0) < 0)
		goto cleanup;
	if (rename(w->tmp, w->path) < 0) {
		so_error("cannot rename '%s' to '%s': %s", w->tmp, w->path, strerror(errno));
		goto cleanup;
	}
	char *dir = so_strdup(w->path);
	if (!dir)
		goto cleanup;
	char *slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = 0;
	fsync_path(slash ? dir : ".", 1);
	free(dir);
	rc = 0;
cleanup:
	if (rc < 0)
		unlink(w->tmp);
	free(w->path);
	free(w->tmp);
	free(w);
	return rc;
}

void tiffout_abort(struct tiff_writer *w)
{
	if (!w)
		return;
	if (w->tif)
		TIFFClose(w->tif);
	if (w->tmp)
		unlink(w->tmp);
	free(w->path);
	free(w->tmp);
	free(w);
}
