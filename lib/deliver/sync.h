/*
 * Delivering records to the national civil-status database (the contract of
 * schemas/registry-api.yaml). Valid and approved records are queued in the batch store's
 * outbox under their business key (authority, book type, year, volume, registration number),
 * which is also the request's Idempotency-Key, so sending a record twice is always safe. A
 * record becomes synced only when the server acknowledges it, in the transaction that stores
 * the remote id. Requests go out in parallel over reused connections (libcurl multi); 408,
 * 429, 5xx and network failures are retried with exponential backoff, jitter and the server's
 * Retry-After within one retry budget for the run, behind a circuit that stops sending
 * while the server fails and probes it with one request (sync.c); 409 and 422 send the record back to review
 * with the server's reasons as flags; 401 and 403 stop the run. Several sync processes may
 * work on one batch at once: each claims outbox rows for a while (a lease).
 */
#ifndef SO_SYNC_H
#define SO_SYNC_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "batch/store.h"

struct so_sync_options {
	const char *endpoint;     /* base URL: "https://registry.example:8443" */
	const char *token_file;   /* the bearer token's file; NULL: none (client certificate) */
	const char *token;        /* the bearer token itself (from the environment); not with
	                           * token_file. Never written to a message */
	const char *proxy;        /* a proxy the operator chose (https endpoints only, always a
	                           * tunnel); NULL: none — proxy environment variables are ignored */
	const char *cacert;       /* CA bundle to verify the server with; NULL: the system's */
	const char *cert, *key;   /* client certificate and key (PEM); NULL: none */
	int inflight;             /* requests in flight at once */
	int batch;                /* records per request: 1 uses POST /v1/records, more the batch */
	double timeout;           /* seconds one request may take */
	double retry_for;         /* the run's retry budget: seconds it may spend while the
	                           * server fails, summed over the run (see sync.c) */
	double backoff;           /* first retry delay, seconds (doubled each time, jittered) */
	double backoff_max;       /* longest retry delay, seconds */
	int quiet;                /* no line per record */
};

void so_sync_defaults(struct so_sync_options *o);

struct so_sync_result {
	int64_t queued;           /* newly queued by this run */
	int64_t created;          /* 201 */
	int64_t existed;          /* 200: the server had it already, same content */
	int64_t conflicts;        /* 409, back to review */
	int64_t refused;          /* 422, back to review */
	int64_t held;             /* no business key, or another record's: to review */
	int64_t unaccepted;       /* ready but not delivered: the acceptance policy requires an
	                           * accepted lot (BATCH_DIR/acceptance.json) and theirs is not */
	int64_t left;             /* still queued after this run (retries exhausted, errors) */
	int64_t requests, retries;
	int opened;               /* times the circuit opened (the server failing) */
	int budget_spent;         /* the run's retry budget ran out: the rest left queued */
	double seconds;
	char fatal[512];          /* why the run stopped early (401/403, TLS set-up), or "" */
};

/* Queues what is deliverable and delivers the queue. Returns an exit code: 0 everything
 * queued was delivered; 2 some records went back to review or are left queued (reasons in
 * the store's events); 3 a configuration or environment error (a refused token, bad TLS
 * files, the store) with RESULT->fatal or the error set; 130/143 stopped by a signal. */
int so_sync_run(struct so_store *s, const struct so_sync_options *o, struct so_sync_result *res);


#endif
