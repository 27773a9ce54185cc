/* sohoa-validate: the rule catalogue over a batch, book by book (see lib/check/records.h). */
#include <stdio.h>

#include "check/records.h"

static const char usage[] =
	"usage: sohoa validate --batch DIR [--jobs N] [--again] [--index FILE]\n"
	"\n"
	"Applies the rule catalogue to every record, book by book: each broken rule becomes a\n"
	"flag (code, severity, fields, message); a record with an open error flag needs review,\n"
	"the others are valid. Records approved, rejected or synced are left as they are.\n"
	"\n"
	"  --batch DIR   the batch directory\n"
	"  --jobs N      worker processes (default: the number of cores)\n"
	"  --again       judge every book again (after new thresholds or reference data)\n"
	"  --index FILE  an index of entries shared between batches (made when missing): an entry\n"
	"                already in an earlier batch is a DUPLICATE_ENTRY\n"
	"  --help, --version\n"
	"\n"
	"Exit: 0 done; 1 usage; 3 configuration or environment error; 130/143 interrupted\n"
	"after a clean stop.\n";

static void summary(struct so_store *s)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT status, count(*) FROM records "
					    "GROUP BY status ORDER BY status");
	printf("validate:");
	while (st && sqlite3_step(st) == SQLITE_ROW)
		printf(" %lld %s", (long long)sqlite3_column_int64(st, 1), sqlite3_column_text(st, 0));
	if (st)
		sqlite3_reset(st);
	printf("\n");
}

int main(int argc, char **argv)
{
	static const struct so_records_command cmd = {
		"sohoa-validate", SO_VALIDATE_STAGE, usage, so_validate_worker, summary,
	};
	return so_records_main(&cmd, argc, argv);
}
