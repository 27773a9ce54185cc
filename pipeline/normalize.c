/* sohoa-normalize: canonical values over a batch, book by book (see lib/check/records.h). */
#include <stdio.h>

#include "check/records.h"

static const char usage[] =
	"usage: sohoa normalize --batch DIR [--jobs N] [--again]\n"
	"\n"
	"Stores the canonical value of every field beside its reading (dates in ISO form, names\n"
	"in Title Case, places matched to the administrative units valid at the registration\n"
	"date with their codes, ...). The reading itself is never changed.\n"
	"\n"
	"  --batch DIR   the batch directory\n"
	"  --jobs N      worker processes (default: the number of cores)\n"
	"  --again       normalize every book again (after new reference data)\n"
	"  --help, --version\n"
	"\n"
	"Exit: 0 done; 1 usage; 3 configuration or environment error; 130/143 interrupted\n"
	"after a clean stop.\n";

static void summary(struct so_store *s)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT count(*), count(value) FROM fields "
					    "WHERE raw IS NOT NULL");
	if (st && sqlite3_step(st) == SQLITE_ROW)
		printf("normalize: %lld of %lld fields read have a canonical value\n",
		       (long long)sqlite3_column_int64(st, 1), (long long)sqlite3_column_int64(st, 0));
	if (st)
		sqlite3_reset(st);
}

int main(int argc, char **argv)
{
	static const struct so_records_command cmd = {
		"sohoa-normalize", SO_NORMALIZE_STAGE, usage, so_normalize_worker, summary,
	};
	return so_records_main(&cmd, argc, argv);
}
