/* Scratch directories for the unit tests (see scratch.h). */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scratch.h"

char *scratch_dir(void)
{
	char tmpl[] = "/tmp/sohoa-test-XXXXXX";
	char *d = mkdtemp(tmpl) ? strdup(tmpl) : NULL;
	if (!d) {
		perror("scratch directory");
		abort();
	}
	return d;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void scratch_remove(const char *dir)
{
	if (nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0) {
		perror(dir);
		abort();
	}
}
