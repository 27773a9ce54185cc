/* An output directory written whole (see outdir.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/outdir.h"
#include "base/util.h"

int so_write_synced(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return so_error("cannot create '%s': %s", path, strerror(errno));
	const char *p = data;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			so_error("cannot write '%s': %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) < 0) {
		so_error("cannot sync '%s': %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (close(fd) < 0)
		return so_error("cannot close '%s': %s", path, strerror(errno));
	return 0;
}

int so_sync_path(const char *path, int dir)
{
	int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return so_error("cannot open '%s': %s", path, strerror(errno));
	int r = fsync(fd);
	int e = errno;
	close(fd);
	if (r < 0 && !(dir && (e == EINVAL || e == EBADF)))
		return so_error("cannot sync '%s': %s", path, strerror(e));
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

int so_remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : so_error("cannot remove '%s': %s", path, strerror(errno));
	if (nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		return so_error("cannot remove '%s': %s", path, strerror(errno));
	return 0;
}

static int copy_file(const char *src, const char *dst, mode_t mode)
{
	int in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return so_error("cannot read '%s': %s", src, strerror(errno));
	int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 07777);
	if (out < 0) {
		so_error("cannot create '%s': %s", dst, strerror(errno));
		close(in);
		return -1;
	}
	char buf[1 << 16];
	int r = 0;
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = so_error("cannot read '%s': %s", src, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		for (ssize_t done = 0; done < n;) {
			ssize_t w = write(out, buf + done, (size_t)(n - done));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				r = so_error("cannot write '%s': %s", dst, strerror(errno));
				break;
			}
			done += w;
		}
		if (r < 0)
			break;
	}
	if (r == 0 && fsync(out) < 0)
		r = so_error("cannot sync '%s': %s", dst, strerror(errno));
	close(in);
	if (close(out) < 0 && r == 0)
		r = so_error("cannot write '%s': %s", dst, strerror(errno));
	return r;
}

static int copy_tree(const char *src, const char *dst, int depth)
{
	if (depth > 32)
		return so_error("'%s' is nested too deep to copy", src);
	struct stat st;
	if (lstat(src, &st) < 0)
		return so_error("cannot read '%s': %s", src, strerror(errno));
	if (mkdir(dst, st.st_mode & 07777) < 0)
		return so_error("cannot create '%s': %s", dst, strerror(errno));
	DIR *d = opendir(src);
	if (!d)
		return so_error("cannot read '%s': %s", src, strerror(errno));
	struct dirent *de;
	int r = 0;
	while (r == 0 && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char *from = so_asprintf("%s/%s", src, de->d_name);
		char *to = so_asprintf("%s/%s", dst, de->d_name);
		if (!from || !to) {
			r = -1;
		} else if (lstat(from, &st) < 0) {
			r = so_error("cannot read '%s': %s", from, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			r = copy_tree(from, to, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			r = copy_file(from, to, st.st_mode);
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = readlink(from, target, sizeof(target) - 1);
			if (n < 0 || (target[n] = 0, symlink(target, to) < 0))
				r = so_error("cannot copy the link '%s': %s", from, strerror(errno));
		}
		free(from);
		free(to);
	}
	closedir(d);
	return r == 0 ? so_sync_path(dst, 1) : r;
}

int so_copy_tree(const char *src, const char *dst)
{
	return copy_tree(src, dst, 0);
}

/* 1 when DIR holds nothing, 0 when it holds something, -1 on error. */
static int dir_empty(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return so_error("cannot read '%s': %s", dir, strerror(errno));
	struct dirent *de;
	int empty = 1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

/* Whether D->out may be written: D->replace is 0 when it does not exist or is an empty
 * directory, 1 when OURS recognizes it; anything else is refused (-1). */
static int target_check(struct so_outdir *d, const char *what,
			int (*ours)(const char *dir, void *ctx), void *ctx)
{
	d->replace = 0;
	struct stat st;
	if (stat(d->out, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return so_error("cannot use '%s': %s", d->out, strerror(errno));
	}
	if (!S_ISDIR(st.st_mode))
		return so_error("'%s' exists and is not a directory", d->out);
	int empty = dir_empty(d->out);
	if (empty != 0)
		return empty < 0 ? -1 : 0;
	int mine = ours ? ours(d->out, ctx) : 0;
	if (mine < 0)
		return -1;
	if (!mine)
		return so_error("'%s' is not empty and is not a %s of this batch: not overwritten",
				d->out, what);
	d->replace = 1;
	return 0;
}

int so_outdir_begin(struct so_outdir *d, const char *out, const char *what,
		    int (*ours)(const char *dir, void *ctx), void *ctx)
{
	memset(d, 0, sizeof(*d));
	if (!out || !*out)
		return so_error("the %s needs a directory", what);
	if (!(d->out = so_strdup(out)))
		return -1;
	size_t len = strlen(d->out);
	while (len > 1 && d->out[len - 1] == '/')
		d->out[--len] = 0;
	const char *base = so_basename(d->out);
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
	    strcmp(d->out, "/") == 0)
		return so_error("'%s' cannot be the %s directory: name a directory", out, what);
	d->parent = base == d->out ? so_strdup(".")
		  : base == d->out + 1 ? so_strdup("/")
		  : so_asprintf("%.*s", (int)(base - d->out - 1), d->out);
	if (!d->parent || target_check(d, what, ours, ctx) < 0 || so_mkdir_p(d->parent, 0755) < 0)
		return -1;
	char *tmp = so_asprintf("%s/.%s.tmp.%ld", d->parent, base, (long)getpid());
	if (!tmp || so_remove_tree(tmp) < 0) {
		free(tmp);
		return -1;
	}
	if (mkdir(tmp, 0755) < 0) {
		so_error("cannot create '%s': %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	d->tmp = tmp;
	return 0;
}

int so_outdir_commit(struct so_outdir *d)
{
	if (so_sync_path(d->tmp, 1) < 0)
		return -1;
	if (!d->replace) {
		if (rename(d->tmp, d->out) < 0)
			return so_error("cannot rename '%s' to '%s': %s", d->tmp, d->out,
					strerror(errno));
		d->done = 1;
		return so_sync_path(d->parent, 1);
	}
	if (renameat2(AT_FDCWD, d->tmp, AT_FDCWD, d->out, RENAME_EXCHANGE) == 0) {
		d->done = 1;
		if (so_sync_path(d->parent, 1) < 0)
			return -1;
		return so_remove_tree(d->tmp);   /* now the previous one */
	}
	char *old = so_asprintf("%s.old", d->tmp);
	if (!old)
		return -1;
	int r = 0;
	if (rename(d->out, old) < 0) {
		r = so_error("cannot move the previous %s aside: %s", d->out, strerror(errno));
	} else if (rename(d->tmp, d->out) < 0) {
		r = so_error("cannot rename '%s' to '%s': %s", d->tmp, d->out, strerror(errno));
		rename(old, d->out);
	} else {
		d->done = 1;
		r = so_sync_path(d->parent, 1);
		if (r == 0)
			r = so_remove_tree(old);
	}
	free(old);
	return r;
}

void so_outdir_release(struct so_outdir *d)
{
	if (d->tmp && !d->done) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", so_errmsg());
		so_remove_tree(d->tmp);
		so_error("%s", msg);
	}
	free(d->out);
	free(d->parent);
	free(d->tmp);
	memset(d, 0, sizeof(*d));
}
