/*
 * Helpers shared by the generator's tests: run sohoa-sample-gen into a scratch directory,
 * compare and remove files, and count failed checks. Header-only (static inline) because each
 * test is a single small program.
 */
#ifndef GEN_TESTUTIL_H
#define GEN_TESTUTIL_H

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int test_failures;

#define CHECK(cond, ...) \
	do { \
		if (!(cond)) { \
			test_failures++; \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
		} \
	} while (0)

/* A string for messages, "null" for NULL. */
#define STR(s) ((s) ? (s) : "null")

/* Runs GEN with --out DIR --seed SEED and the NULL-terminated ARGS; returns its exit code. */
static inline int run_generator(const char *gen, const char *dir, const char *seed,
                                const char *const *args)
{
	const char *argv[256];
	size_t n = 0;
	argv[n++] = gen;
	argv[n++] = "--out";
	argv[n++] = dir;
	argv[n++] = "--seed";
	argv[n++] = seed;
	for (size_t i = 0; args[i] && n + 1 < sizeof(argv) / sizeof(argv[0]); i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* keep the test's output readable: the generator's summary is not needed */
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execv(gen, (char *const *)argv);
		_exit(127);
	}
	int status;
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Reads a whole file; caller frees. NULL when unreadable. */
static inline char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (n + 65536 + 1 > cap) {
			cap = cap ? cap * 2 : 1 << 20;
			char *p = realloc(buf, cap);
			if (!p) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
		}
		size_t got = fread(buf + n, 1, 65536, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

/* 1 when the two files exist and hold the same bytes. */
static inline int same_file(const char *a, const char *b)
{
	size_t la = 0, lb = 0;
	char *da = read_all(a, &la), *db = read_all(b, &lb);
	int same = da && db && la == lb && memcmp(da, db, la) == 0;
	free(da);
	free(db);
	return same;
}

/* Removes DIR and the files in it (no subdirectories are made by the generator). */
static inline void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		char path[4096];
		while ((e = readdir(d))) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

/* A fresh scratch directory under TMPDIR (or /tmp); the caller frees the name. */
static inline char *scratch_dir(const char *tag)
{
	const char *tmp = getenv("TMPDIR");
	char *path = malloc(4096);
	if (!path)
		return NULL;
	snprintf(path, 4096, "%s/sohoa-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", tag);
	if (!mkdtemp(path)) {
		free(path);
		return NULL;
	}
	return path;
}

#endif
