/* A batch store for the unit tests (see teststore.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scratch.h"
#include "teststore.h"

struct so_store *teststore_open(char **dir)
{
	struct so_store *s = NULL;
	*dir = scratch_dir();
	assert_int_equal(so_store_open(*dir, 1, &s), 0);
	return s;
}

void teststore_remove(struct so_store *s, char *dir)
{
	so_store_close(s);
	scratch_remove(dir);
	free(dir);
}

int64_t teststore_birth_book(struct so_store *s, const char *name, int64_t *file_id)
{
	struct so_book b = { .year = 2019 };
	strcpy(b.type, "birth");
	strcpy(b.volume, "01");
	strcpy(b.authority_code, "26740");
	strcpy(b.layout, "birth-v1");
	assert_int_equal(so_book_register(s, &b), 0);
	struct so_scan_file sf = { .book_id = b.id, .page_count = 1 };
	snprintf(sf.path, sizeof(sf.path), "/scans/%s", name);
	snprintf(sf.name, sizeof(sf.name), "%s", name);
	assert_int_equal(so_scan_file_register(s, &sf), 0);
	*file_id = sf.id;
	return b.id;
}

char *teststore_value(struct so_store *s, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(so_store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	char *v = NULL;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}
