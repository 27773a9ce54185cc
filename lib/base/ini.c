/* INI files as the operators write them (see ini.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "base/ini.h"

static char *trim(char *t)
{
	while (*t == ' ' || *t == '\t')
		t++;
	size_t n = strlen(t);
	while (n && (t[n - 1] == ' ' || t[n - 1] == '\t' || t[n - 1] == '\r' || t[n - 1] == '\n'))
		t[--n] = '\0';
	return t;
}

int so_ini_read(const char *path, int (*section)(const char *name, int line, void *ctx),
		int (*key)(const char *key, char *value, int line, void *ctx), void *ctx)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return so_error("cannot read '%s': %s", path, strerror(errno));
	char text[16384];
	int line = 0, r = 0;
	while (r == 0 && fgets(text, sizeof(text), f)) {
		line++;
		if (!strchr(text, '\n') && !feof(f)) {
			r = so_error("%s:%d: the line is longer than %zu bytes", path, line,
				     sizeof(text) - 2);
			break;
		}
		char *t = trim(text);
		if (!*t || *t == ';' || *t == '#')
			continue;
		if (*t == '[') {
			char *end = strchr(t, ']');
			if (!end) {
				r = so_error("%s:%d: a section name needs its ']'", path, line);
				break;
			}
			*end = '\0';
			r = section(trim(t + 1), line, ctx);
			continue;
		}
		char *eq = strchr(t, '=');
		if (!eq) {
			r = so_error("%s:%d: expected 'key = value'", path, line);
			break;
		}
		*eq = '\0';
		r = key(trim(t), trim(eq + 1), line, ctx);
	}
	if (r == 0 && ferror(f))
		r = so_error("cannot read '%s': %s", path, strerror(errno));
	fclose(f);
	return r;
}
