/* Test fault points (see fault.h). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fault.h"
#include "base/util.h"

int so_fault(const char *point, const char *detail)
{
	const char *spec = getenv("SOHOA_FAULT");
	if (!spec || !*spec)
		return 0;
	char want[512];
	snprintf(want, sizeof(want), "%s@%s=", point, detail ? detail : "");
	size_t n = strlen(want);
	for (const char *p = spec; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		if (strncmp(p, want, n) != 0)
			continue;
		const char *action = p + n;
		if (strncmp(action, "crash", 5) == 0) {
			abort();
		} else if (strncmp(action, "hang", 4) == 0) {
			for (;;)
				pause();
		} else if (strncmp(action, "fail", 4) == 0) {
			return so_error("fault injected at %s (%s)", point, detail ? detail : "");
		}
	}
	return 0;
}
