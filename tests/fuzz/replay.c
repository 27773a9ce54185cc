/*
 * Plain driver for the fuzz targets: runs LLVMFuzzerTestOneInput on every file of the given
 * files and directories (the corpus and every crasher found), so the corpus runs in `meson
 * test` without libFuzzer. Exits 1 when a path cannot be read or holds no input.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	char *data = NULL;
	size_t len = 0;
	if (so_read_file(path, 64u << 20, &data, &len) < 0) {
		fprintf(stderr, "replay: %s\n", so_errmsg());
		return -1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	long n = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: cannot read '%s'\n", argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (run_file(argv[i]) < 0)
				return 1;
			n++;
			continue;
		}
		struct dirent **names;
		int k = scandir(argv[i], &names, NULL, alphasort);
		if (k < 0) {
			fprintf(stderr, "replay: cannot list '%s'\n", argv[i]);
			return 1;
		}
		for (int j = 0; j < k; j++) {
			if (names[j]->d_name[0] != '.') {
				char path[4096];
				snprintf(path, sizeof(path), "%s/%s", argv[i], names[j]->d_name);
				if (run_file(path) < 0)
					return 1;
				n++;
			}
			free(names[j]);
		}
		free(names);
	}
	printf("replay: %ld inputs, no crash\n", n);
	return n > 0 ? 0 : 1;
}
