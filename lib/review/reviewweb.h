/*
 * The archivists' review application: a small web server (libmicrohttpd) over one batch store,
 * serving plain HTML pages, a stylesheet and a little JavaScript embedded in the library
 * (lib/web/), in Vietnamese with English switchable. Every page and image needs a session
 * (login with a reviewer account, review.h); every change carries the session's CSRF token and
 * the record version the archivist saw. Images are cut from the prepared pages on the server.
 *
 * Who works on what (review.h, claims): GET /records/N claims record N for the reviewer
 * unless its query has peek=1 (a page fetched ahead by the script); POST /records/N/claim
 * (the form field csrf) claims it explicitly and answers, with Accept: application/json,
 * {"ok": true, "taken_by": null, "until": ISO} or {"ok": false, "taken_by": NAME, "until":
 * ISO} (UTC) when another has it, or {"ok": false, "taken_by": null, "until": null} for a
 * record decided already (approved, rejected or synced: nobody's to claim). A change of a record another has claimed is answered 409
 * ({"ok": false, "conflict": true, "message"} in JSON). Approve and reject forms may carry
 * "seconds" (0..86400, decimal) and "keys" (0..100000) measured by the script. POST
 * /records/N/verify-all (csrf, version, flag) confirms the flag here and on the records
 * sharing it (so_review_verify_all): {"ok": true, "verified": K, "version", "message"}.
 */
#ifndef SO_REVIEWWEB_H
#define SO_REVIEWWEB_H

#include <stdio.h>

struct so_review_serve_options {
	const char *batch;       /* the batch directory */
	const char *listen;      /* "127.0.0.1:8080" (the default when NULL); port 0: a free one */
	long session_ttl;        /* seconds a session lasts; 0: 8 hours */
	FILE *announce;          /* gets "listening on http://ADDR:PORT/" once serving, or NULL */
	int behind_tls;          /* reached through a TLS proxy: cookies get Secure */
	int allow_remote;        /* a listen address other than loopback is allowed */
	const char *const *allowed_hosts; /* Host names served besides the listen address */
	size_t n_allowed_hosts;  /* at most 16 */
	long request_timeout;    /* seconds for a request's headers and body; 0: 10 */
	long per_address;        /* connections at once from one client address; 0: 16 */
	long sign_in_lock;       /* seconds of the first sign-in lock, doubled after; 0: 1 */
	const char *trusted_proxy; /* an IPv4 address whose X-Forwarded-For names the client
				    * (sign-in throttling, logs), or NULL */
	double claim_minutes;    /* opening a record claims it for this long; 0: 10 minutes */
};

/* Serves until SIGINT or SIGTERM (installs the handlers). Returns the exit code: 130 or 143
 * after a clean stop, 3 when it cannot start (no batch, address in use, a network address
 * without allow_remote) with the error set. */
int so_review_serve(const struct so_review_serve_options *o);

#endif
