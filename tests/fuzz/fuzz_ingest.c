/*
 * Fuzz target for page ingest: a TIFF from memory is read page by page, decoded to grey and
 * prepared exactly as the scan stage does. Built for libFuzzer with -Dfuzzing=true (clang);
 * otherwise replay.c drives it over the corpus in tests/fuzz/corpus/ingest as a plain test.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ingest/image.h"
#include "ingest/tiffin.h"

/* Pages larger than this are only decoded up to their header checks: preparing a page of many
 * million pixels is slow and would hide the fuzzer's real work. */
#define FUZZ_MAX_PREPARE_PIXELS (2u << 20)
#define FUZZ_MAX_PAGES 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		so_image_init();
		ready = 1;
	}
	struct so_tiff *t = NULL;
	if (so_tiff_open_memory(data, size, "fuzz.tif", &t) < 0)
		return 0;
	int pages = 0;
	do {
		struct so_tiff_page info;
		if (so_tiff_page_info(t, &info) < 0)
			continue;
		if ((uint64_t)info.width * info.height > FUZZ_MAX_PREPARE_PIXELS)
			continue;
		char sha[65];
		PIX *gray = so_tiff_read_gray(t, sha);
		if (!gray)
			continue;
		struct so_prep prep;
		PIX *page = so_page_prepare(gray, &prep);
		if (page) {
			unsigned char *out = NULL;
			size_t n = 0;
			if (so_page_encode(page, &out, &n) == 0)
				free(out);
			pixDestroy(&page);
		}
		pixDestroy(&gray);
	} while (++pages < FUZZ_MAX_PAGES && so_tiff_next(t) == 1);
	so_tiff_close(t);
	return 0;
}
