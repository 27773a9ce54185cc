/* sohoa-ocr: find the table of every prepared page and read its entries (see lib/read/ocr.h). */
#include <stddef.h>
#include <stdio.h>

#include "batch/stage.h"
#include "batch/store.h"
#include "batch/units.h"
#include "cli/cli.h"
#include "cli/stagemain.h"
#include "read/ocr.h"

static const char usage[] =
	"usage: sohoa ocr --batch DIR [--jobs N] [--page-timeout S] [--lang L]\n"
	"\n"
	"Reads every prepared page of the batch: finds the register table, checks it against the\n"
	"book's layout, reads each cell and stores one record per entry (status 'extracted')\n"
	"with each field's reading, confidence and box. Pages already read are skipped.\n"
	"\n"
	"  --batch DIR        the batch directory\n"
	"  --jobs N           worker processes (default: the number of cores)\n"
	"  --page-timeout S   seconds a page may take before its worker is stopped (default 300);\n"
	"                     a page that stops workers twice is failed\n"
	"  --lang L           tesseract language (default vie)\n"
	"  --help, --version\n"
	"\n"
	"Exit: 0 all pages read; 1 usage; 2 some pages failed (recorded with their reason);\n"
	"3 configuration or environment error; 130/143 interrupted after a clean stop.\n";

struct ocr_settings {
	long timeout;        /* --page-timeout */
	const char *lang;    /* --lang */
};

static const struct so_stage_option options[] = {
	{ "page-timeout", required_argument, so_stage_take_number,
	  offsetof(struct ocr_settings, timeout), 5, 86400 },
	{ "lang", required_argument, so_stage_take_text, offsetof(struct ocr_settings, lang), 0, 0 },
	{ NULL, 0, NULL, 0, 0, 0 },
};

static int seed(struct so_stage_run *r)
{
	return so_ocr_seed(r->store) < 0 ? -1 : 0;
}

static int work(const struct so_stage_run *r)
{
	const struct ocr_settings *set = r->settings;
	return so_ocr_worker(r->batch, set->lang);
}

/* The watchdog: a page past its time has its worker stopped. */
static void tick(struct so_stage_run *r)
{
	const struct ocr_settings *set = r->settings;
	if (so_ocr_watch(r->store, (int)set->timeout) < 0)
		so_log_err("%s", so_errmsg());
}

static int summary(struct so_stage_run *r, int code)
{
	int64_t records = so_record_count(r->store);
	struct so_stage_counts c;
	if (records < 0 || so_unit_counts(r->store, SO_OCR_STAGE, &c) < 0) {
		so_log_err("%s", so_errmsg());
		return SO_EXIT_ENV;
	}
	printf("ocr: %lld pages read, %lld failed, %lld pending; %lld records in the batch\n",
	       (long long)c.done, (long long)c.failed, (long long)(c.pending + c.running),
	       (long long)records);
	if (code == SO_EXIT_OK && c.failed)
		code = SO_EXIT_PARTIAL;
	return code;
}

static const struct so_stage_def ocr_stage = {
	.program = "sohoa-ocr", .stage = SO_OCR_STAGE, .unit = "pages", .usage = usage,
	.options = options, .single_threaded = 1, .seed = seed, .work = work, .tick = tick,
	.summary = summary,
};

int main(int argc, char **argv)
{
	struct ocr_settings set = { .timeout = SO_OCR_TIMEOUT_DEFAULT, .lang = "vie" };
	return so_stage_main(&ocr_stage, &set, argc, argv);
}
