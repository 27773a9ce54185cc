/*
 * sohoa: the front command. `sohoa STAGE ARGS...` runs `sohoa-STAGE ARGS...`, looked up first
 * beside this executable, then on PATH (git-style), so every stage stays a small program.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static const char *const stages[][2] = {
	{ "run", "run every stage over a batch (the operator's command)" },
	{ "scan", "register books and scan files; prepare every page" },
	{ "ocr", "find the table, read every cell, parse the fields" },
	{ "validate", "apply the rule catalogue" },
	{ "normalize", "produce canonical values" },
	{ "review", "the archivists' review application and commands" },
	{ "sync", "deliver records to the national database" },
	{ "export", "write records as jsonl, csv or the Ministry's package" },
	{ "status", "show a batch's progress" },
	{ "cluster", "a night of many batches: one view of it" },
};

static void usage(FILE *out)
{
	fputs("usage: sohoa STAGE [ARGS...]    (sohoa STAGE --help for a stage's options)\n\n"
	      "stages:\n", out);
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++)
		fprintf(out, "  %-10s %s\n", stages[i][0], stages[i][1]);
}

int main(int argc, char **argv)
{
	so_cli_init("sohoa");
	if (argc < 2) {
		usage(stderr);
		return SO_EXIT_USAGE;
	}
	const char *stage = argv[1];
	if (strcmp(stage, "--help") == 0 || strcmp(stage, "-h") == 0 || strcmp(stage, "help") == 0) {
		usage(stdout);
		return SO_EXIT_OK;
	}
	if (strcmp(stage, "--version") == 0)
		return so_cli_version();
	for (const char *p = stage; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || *p == '-')) {
			return so_cli_usage_error("'%s' is not a stage", stage);
		}
	}
	char name[64];
	snprintf(name, sizeof(name), "sohoa-%s", stage);
	argv[1] = name;

	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = 0;
		char *slash = strrchr(self, '/');
		if (slash) {
			char path[PATH_MAX + 80];
			*slash = 0;
			snprintf(path, sizeof(path), "%s/%s", self, name);
			if (access(path, X_OK) == 0) {
				execv(path, argv + 1);
				so_log_err("cannot run '%s': %s", path, strerror(errno));
				return SO_EXIT_ENV;
			}
		}
	}
	execvp(name, argv + 1);
	if (errno == ENOENT)
		return so_cli_usage_error("'%s' is not a stage of this sohoa (no %s)", stage, name);
	so_log_err("cannot run '%s': %s", name, strerror(errno));
	return SO_EXIT_ENV;
}
