/*
 * The reference national civil-status database: the server side of the sync contract
 * (schemas/registry-api.yaml), over SQLite, for staging and tests. Records are created once
 * per entry: per idempotency key (the business key: authority, book type, year, volume,
 * registration number) in its canonical form, checked against the record's own: 201 created, 200 already there with the same content, 409 there with different
 * content, 422 refused with per-field reasons (a key that names another entry than the
 * record's own book and number among them); 401/403 for bad or read-only tokens, answered
 * from the headers before any of the body is read; connections capped in total and per
 * address, idle ones and those slower than a deadline for their headers dropped; fault options make it answer 500, 429 or 503 (with
 * Retry-After), answer late, or drop the connection, for the sync client's tests.
 */
#ifndef SO_REGISTRY_H
#define SO_REGISTRY_H

#include <stddef.h>

struct so_registry_options {
	const char *db;          /* the SQLite file */
	const char *listen;      /* "127.0.0.1:8443" */
	const char *tokens;      /* file of "TOKEN write|read" lines; NULL: no authentication */
	const char *cert, *key;  /* PEM files for HTTPS; NULL: plain HTTP */
	const char *client_ca;   /* PEM CA: a client certificate it signed may deliver records
	                          * (mutual TLS, beside or instead of tokens); needs HTTPS */
	size_t max_body;         /* bytes */
	int batch_max;           /* records in one batch request */
	double fault_500;        /* share of requests answered 500 */
	double fault_busy;       /* share answered 429 or 503 with Retry-After */
	double fault_drop;       /* share whose connection is dropped without an answer */
	unsigned max_connections; /* connections at once, from all clients; 0: the default */
	unsigned per_address;     /* connections at once from one address; 0: the default */
	unsigned idle_timeout;    /* seconds a connection may send nothing; 0: the default */
	unsigned header_timeout;  /* seconds a connection has to deliver a request's headers
	                           * (from its accept or its last request); 0: the default */
	int fault_delay_ms;      /* every answer waits this long */
	unsigned seed;           /* of the fault draws */
};

/* The defaults of the connection limits: a thread serves each connection, so a cap on them is
 * a cap on threads; one address cannot take more than its share. */
#define SO_REGISTRY_MAX_CONNECTIONS 256
#define SO_REGISTRY_PER_ADDRESS 32
#define SO_REGISTRY_IDLE_TIMEOUT 10
#define SO_REGISTRY_HEADER_TIMEOUT 10

struct so_registry;

/* Starts the server. Returns 0, or -1 with the error set. */
int so_registry_start(const struct so_registry_options *o, struct so_registry **out);
/* The port it listens on (useful with port 0). */
int so_registry_port(const struct so_registry *r);
void so_registry_stop(struct so_registry *r);

#endif
