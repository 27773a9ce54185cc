/* Shared helpers (see util.h). */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"

void *so_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		so_error("out of memory (%zu bytes)", n);
	return p;
}

void *so_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		so_error("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

static void *so_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		so_error("out of memory (%zu bytes)", n);
	return q;
}

int so_mul_size(size_t a, size_t b, size_t max, size_t *out)
{
	if (a && b > SIZE_MAX / a)
		return so_error("size %zu x %zu overflows", a, b);
	if (a * b > max)
		return so_error("size %zu x %zu exceeds the limit of %zu", a, b, max);
	*out = a * b;
	return 0;
}

char *so_strdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		so_error("out of memory");
	return d;
}

char *so_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0) {
		so_error("out of memory");
		return NULL;
	}
	return s;
}

void so_buf_init(struct so_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

static int buf_grow(struct so_buf *b, size_t extra)
{
	if (extra > b->max || b->len > b->max - extra)
		return so_error("buffer would exceed its limit of %zu bytes", b->max);
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	char *p = so_realloc(b->data, cap);
	if (!p)
		return -1;
	b->data = p;
	b->cap = cap;
	return 0;
}

int so_buf_add(struct so_buf *b, const void *data, size_t n)
{
	if (buf_grow(b, n) < 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = 0;
	return 0;
}

int so_buf_adds(struct so_buf *b, const char *s)
{
	return so_buf_add(b, s, strlen(s));
}

int so_buf_addf(struct so_buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return so_error("cannot format text");
	if ((size_t)n < sizeof(small))
		return so_buf_add(b, small, (size_t)n);
	if (buf_grow(b, (size_t)n) < 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void so_buf_reset(struct so_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = 0;
}

void so_buf_release(struct so_buf *b)
{
	SO_FREE(b->data);
	b->len = b->cap = 0;
}

char *so_buf_detach(struct so_buf *b, size_t *len)
{
	char *d = b->data;
	if (!d)
		d = so_strdup("");
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return d;
}

int so_edit_distance(const char *a, size_t na, const char *b, size_t nb)
{
	if (na > 255 || nb > 255)
		return (int)(na > nb ? na : nb);
	int row[256];
	for (size_t j = 0; j <= nb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= na; i++) {
		int prev = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= nb; j++) {
			int cur = row[j];
			int best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			if (prev + (a[i - 1] != b[j - 1]) < best)
				best = prev + (a[i - 1] != b[j - 1]);
			row[j] = best;
			prev = cur;
		}
	}
	return row[nb];
}

int so_parse_long(const char *s, long min, long max, long *out)
{
	if (!s || !*s)
		return so_error("empty number");
	const char *p = s;
	if (*p == '-' || *p == '+')
		p++;
	if (*p < '0' || *p > '9')
		return so_error("'%s' is not a number", s);
	errno = 0;
	char *end;
	long v = strtol(s, &end, 10);
	if (*end)
		return so_error("'%s' is not a number", s);
	if (errno == ERANGE || v < min || v > max)
		return so_error("'%s' is out of range (%ld to %ld)", s, min, max);
	*out = v;
	return 0;
}

int so_parse_decimal(const char *s, double min, double max, double *out)
{
	size_t whole = s ? strspn(s, "0123456789") : 0, frac = 0;
	if (whole == 0 || whole > 15)
		return so_error("'%s' is not a decimal number", s ? s : "");
	if (s[whole] == '.') {
		frac = strspn(s + whole + 1, "0123456789");
		if (frac == 0 || frac > 6 || s[whole + 1 + frac])
			return so_error("'%s' is not a decimal number", s);
	} else if (s[whole]) {
		return so_error("'%s' is not a decimal number", s);
	}
	double v = strtod(s, NULL);
	if (!(v >= min && v <= max))
		return so_error("'%s' is out of range (%g to %g)", s, min, max);
	*out = v;
	return 0;
}

static int fsync_dir_of(const char *path)
{
	char *dir = so_strdup(path);
	if (!dir)
		return -1;
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = 0;
	else if (slash)
		*slash = 0;
	else
		strcpy(dir, ".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	int r = 0;
	if (fd < 0 || fsync(fd) < 0)
		r = so_error("cannot sync directory '%s': %s", dir, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(dir);
	return r;
}

int so_write_file_atomic(const char *path, const void *data, size_t len)
{
	char *tmp = so_asprintf("%s.tmp.%ld", path, (long)getpid());
	if (!tmp)
		return -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		so_error("cannot create '%s': %s", tmp, strerror(errno));
		goto error;
	}
	const char *p = data;
	size_t left = len;
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			so_error("cannot write '%s': %s", tmp, strerror(errno));
			goto error;
		}
		p += w;
		left -= (size_t)w;
	}
	if (fsync(fd) < 0) {
		so_error("cannot sync '%s': %s", tmp, strerror(errno));
		goto error;
	}
	if (close(fd) < 0) {
		fd = -1;
		so_error("cannot close '%s': %s", tmp, strerror(errno));
		goto error;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		so_error("cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
		goto error;
	}
	free(tmp);
	return fsync_dir_of(path);
error:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -1;
}

int so_atomic_open(struct so_atomic *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->path = so_strdup(path);
	a->tmp = so_asprintf("%s.tmp.%ld", path, (long)getpid());
	if (!a->path || !a->tmp)
		goto error;
	a->f = fopen(a->tmp, "wbe");
	if (!a->f) {
		so_error("cannot create '%s': %s", a->tmp, strerror(errno));
		goto error;
	}
	return 0;
error:
	SO_FREE(a->path);
	SO_FREE(a->tmp);
	return -1;
}

int so_atomic_commit(struct so_atomic *a)
{
	int r = 0;
	if (fflush(a->f) != 0 || ferror(a->f) || fsync(fileno(a->f)) < 0)
		r = so_error("cannot write '%s': %s", a->tmp, strerror(errno));
	if (fclose(a->f) != 0 && r == 0)
		r = so_error("cannot write '%s': %s", a->tmp, strerror(errno));
	a->f = NULL;
	if (r == 0 && rename(a->tmp, a->path) < 0)
		r = so_error("cannot rename '%s' to '%s': %s", a->tmp, a->path, strerror(errno));
	if (r == 0)
		r = fsync_dir_of(a->path);
	else
		unlink(a->tmp);
	SO_FREE(a->path);
	SO_FREE(a->tmp);
	return r;
}

void so_atomic_abort(struct so_atomic *a)
{
	if (a->f)
		fclose(a->f);
	if (a->tmp)
		unlink(a->tmp);
	a->f = NULL;
	SO_FREE(a->path);
	SO_FREE(a->tmp);
}

int so_read_file(const char *path, size_t max, char **data, size_t *len)
{
	*data = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return so_error("cannot open '%s': %s", path, strerror(errno));
	struct so_buf b = SO_BUF_INIT(max);
	char chunk[65536];
	size_t r;
	while ((r = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (so_buf_add(&b, chunk, r) < 0) {
			fclose(f);
			so_buf_release(&b);
			return so_error_context("cannot read '%s'", path);
		}
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		so_buf_release(&b);
		return so_error("cannot read '%s'", path);
	}
	*data = so_buf_detach(&b, len);
	return *data ? 0 : -1;
}

int so_remove_stale_tmp(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : so_error("cannot open '%s': %s", dir, strerror(errno));
	int removed = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *tag = strstr(e->d_name, ".tmp.");
		long pid;
		if (!tag || so_parse_long(tag + strlen(".tmp."), 1, INT_MAX, &pid) < 0)
			continue;
		if (so_pid_alive(pid))
			continue; /* its writer may still be at work */
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		removed += unlink(path) == 0;
	}
	closedir(d);
	return removed;
}

int so_mkdir_p(const char *path, unsigned mode)
{
	char *p = so_strdup(path);
	if (!p)
		return -1;
	for (char *s = p + 1;; s++) {
		if (*s == '/' || *s == 0) {
			char c = *s;
			*s = 0;
			if (mkdir(p, mode) < 0 && errno != EEXIST) {
				so_error("cannot create directory '%s': %s", p, strerror(errno));
				free(p);
				return -1;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	struct stat st;
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return so_error("'%s' is not a directory", path);
	return 0;
}

const char *so_basename(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

int so_sha256_init(struct so_sha256 *h)
{
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
		so_sha256_release(h);
		return so_error("cannot start a sha-256 digest");
	}
	return 0;
}

int so_sha256_update(struct so_sha256 *h, const void *data, size_t n)
{
	if (EVP_DigestUpdate(h->ctx, data, n) != 1)
		return so_error("sha-256 update failed");
	return 0;
}

int so_sha256_final(struct so_sha256 *h, char hex[SO_SHA256_HEX])
{
	unsigned char md[32];
	unsigned int n = 0;
	int r = EVP_DigestFinal_ex(h->ctx, md, &n) == 1 && n == 32 ? 0 : -1;
	so_sha256_release(h);
	if (r < 0)
		return so_error("sha-256 final failed");
	for (unsigned i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}

void so_sha256_release(struct so_sha256 *h)
{
	if (h->ctx)
		EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

int so_sha256_file(const char *path, char hex[SO_SHA256_HEX], uint64_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return so_error("cannot open '%s': %s", path, strerror(errno));
	struct so_sha256 h;
	if (so_sha256_init(&h) < 0) {
		close(fd);
		return -1;
	}
	static _Thread_local unsigned char chunk[1 << 16];
	uint64_t total = 0;
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			so_error("cannot read '%s': %s", path, strerror(errno));
			so_sha256_release(&h);
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		so_sha256_update(&h, chunk, (size_t)r);
		total += (uint64_t)r;
	}
	close(fd);
	if (size)
		*size = total;
	return so_sha256_final(&h, hex);
}

void so_now_iso(char buf[SO_TIME_LEN])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, SO_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

long long so_iso_minute(const char *t)
{
	int y, mo, d, h, mi, n = 0;
	if (!t || sscanf(t, "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5 || n != 16)
		return -1;
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || h < 0 ||
	    mi < 0 || mi > 59)
		return -1;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
			 .tm_min = mi };
	return (long long)timegm(&tm) / 60;
}

double so_monotonic(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Field 22 of /proc/PID/stat: the start time in clock ticks since boot; -1 when the process
 * is gone or a zombie (it has ended; only its exit status is left). */
static int proc_starttime(long pid, unsigned long long *start)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return -1;
	p++;
	/* after ") " come fields 3.. ; starttime is field 22 */
	for (int field = 2; field < 21 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p)
		return -1;
	return sscanf(p + 1, "%llu", start) == 1 ? 0 : -1;
}

int so_pid_alive(long pid)
{
	if (pid <= 0 || (kill((pid_t)pid, 0) < 0 && errno == ESRCH))
		return 0;
	/* killed but not reaped yet (a zombie: its parent gone, the reaper not quick or not
	 * reaping at all) is gone too; without /proc, kill's answer stands */
	char path[64];
	unsigned long long start;
	snprintf(path, sizeof(path), "/proc/%ld", pid);
	return access("/proc/self/stat", R_OK) != 0 || (access(path, F_OK) == 0 &&
							 proc_starttime(pid, &start) == 0);
}

const char *so_owner_self(void)
{
	static _Thread_local char owner[360];
	static _Thread_local long owner_pid;
	long pid = (long)getpid();
	if (owner_pid != pid) {
		char host[256] = "";
		gethostname(host, sizeof(host) - 1);
		long ppid = (long)getppid();
		unsigned long long start = 0, pstart = 0;
		proc_starttime(pid, &start);
		proc_starttime(ppid, &pstart);
		snprintf(owner, sizeof(owner), "%s:%ld:%llu:%ld:%llu", host, pid, start, ppid, pstart);
		owner_pid = pid;
	}
	return owner;
}

/* Is process PID with start time START on host HOST still there? 1, 0, or -1 (other host). */
static int process_alive(const char *host, long pid, unsigned long long start)
{
	char me[256] = "";
	gethostname(me, sizeof(me) - 1);
	if (strcmp(host, me) != 0)
		return -1;
	unsigned long long now;
	if (!so_pid_alive(pid) || proc_starttime(pid, &now) < 0 || now != start)
		return 0;
	return 1;
}

int so_owner_alive(const char *owner)
{
	char host[256] = "";
	long pid;
	unsigned long long start;
	if (!owner || sscanf(owner, "%255[^:]:%ld:%llu", host, &pid, &start) != 3)
		return 0;
	return process_alive(host, pid, start);
}

int so_owner_parent_alive(const char *owner)
{
	char host[256] = "";
	long pid, ppid;
	unsigned long long start, pstart;
	if (!owner || sscanf(owner, "%255[^:]:%ld:%llu:%ld:%llu", host, &pid, &start, &ppid,
			     &pstart) != 5 || ppid <= 1)
		return 0;
	return process_alive(host, ppid, pstart);
}
