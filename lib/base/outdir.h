/*
 * An output directory written whole (the Ministry's package, the training set): built in a
 * hidden directory beside the target and put in its place in one step — a previous one of
 * ours swapped out, then removed — so the target is never half-written, and a failure leaves
 * it as it was. Also the synced writes such a directory is made of.
 */
#ifndef SO_OUTDIR_H
#define SO_OUTDIR_H

#include <stddef.h>

struct so_outdir {
	char *out;     /* the target, without trailing slashes */
	char *parent;  /* the directory it is in */
	char *tmp;     /* where it is written meanwhile */
	int replace;   /* the target holds a previous one of ours, swapped out on commit */
	int done;      /* committed */
};

/* Checks that OUT may be written — it does not exist, is an empty directory, or is one OURS
 * recognizes (OURS(DIR, CTX): 1 ours, 0 not ours, -1 error) — and makes the directory D->tmp
 * to write into. WHAT names the directory in messages ("package"). Returns 0, or -1 with the
 * error set; D is released with so_outdir_release either way. */
int so_outdir_begin(struct so_outdir *d, const char *out, const char *what,
		    int (*ours)(const char *dir, void *ctx), void *ctx);
/* Syncs D->tmp and puts it in place of the target. Returns 0, or -1 with the error set. */
int so_outdir_commit(struct so_outdir *d);
/* Removes D->tmp when it was not committed (keeping the error message of the failure, not
 * of the clean-up) and frees D's strings. */
void so_outdir_release(struct so_outdir *d);

/* Writes LEN bytes of DATA to PATH (created or truncated) and syncs it. 0, or -1 with the
 * error set. */
int so_write_synced(const char *path, const void *data, size_t len);
/* Syncs the file (or, with DIR, the directory) PATH. 0, or -1 with the error set. */
int so_sync_path(const char *path, int dir);
/* Copies the directory SRC into DST (made; it must not exist): directories, regular files
 * (synced, their modes kept) and symbolic links, at most 32 levels deep. 0, or -1 with the
 * error set (DST may then hold part of the copy). */
int so_copy_tree(const char *src, const char *dst);
/* rm -rf PATH (which may not exist). 0, or -1 with the error set. */
int so_remove_tree(const char *path);

#endif
