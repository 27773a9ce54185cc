/* Delivery to the national civil-status database (see sync.h). */
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/array.h"
#include "base/embed.h"
#include "base/log.h"
#include "base/util.h"
#include "batch/progress.h"
#include "batch/workers.h"
#include "config.h"
#include "deliver/deliver_store.h"
#include "deliver/export.h"
#include "deliver/sync.h"

#define SO_SYNC_STAGE "sync"
#define MAX_BATCH 100
#define MAX_RESPONSE (4u << 20)

/* The retry policy (README "Sync: retries, the circuit and proxies"). The run has one retry
 * budget, --retry-for seconds: the time it may spend while the server fails (from a failure
 * to the next answer that is not a failure, summed over the run). Failures are network
 * errors, timeouts, 408, 429 and 5xx. After CIRCUIT_FAILURES of them in a row the circuit
 * opens: nothing is sent until a wait (the first backoff, doubled after each failed probe up
 * to the longest, or the server's Retry-After if longer), then one request probes the
 * server; an answer closes the circuit, a failure opens it again. When the budget is spent
 * the run sends nothing more and ends with the rest left queued. A record is tried at most
 * MAX_ATTEMPTS times in one run, so a record the server always fails on cannot hold it. */
#define CIRCUIT_FAILURES 5
#define MAX_ATTEMPTS 8

enum circuit {
	CIRCUIT_CLOSED,           /* the server answers: requests go out */
	CIRCUIT_OPEN,             /* it failed CIRCUIT_FAILURES times in a row: wait */
	CIRCUIT_PROBING,          /* one request is out to see whether it is back */
};

void so_sync_defaults(struct so_sync_options *o)
{
	memset(o, 0, sizeof(*o));
	o->inflight = 8;
	o->batch = 1;
	o->timeout = 30;
	o->retry_for = 300;
	o->backoff = 0.5;
	o->backoff_max = 60;
}

/* Keys and the queue ---------------------------------------------------------------------- */

/* The Idempotency-Key of a record: "AUTHORITY/TYPE/YEAR/VOLUME/NUMBER". 1 with KEY set, 0 when
 * the record has no registration number (it cannot be delivered), -1 on error. */
static int sync_key(struct so_store *s, int64_t record_id, char *key, size_t size)
{
	struct so_book b;
	char *number = NULL;
	if (so_outbox_key_parts(s, record_id, &b, &number) < 0)
		return -1;
	int found = 0;
	if (number && *number) {
		/* the number as the register gives it, without characters a header cannot carry */
		char clean[64];
		size_t n = 0;
		for (const char *p = number; *p && n + 1 < sizeof(clean); p++)
			if ((unsigned char)*p > ' ' && *p != '/' && (unsigned char)*p < 0x7f)
				clean[n++] = *p;
		clean[n] = '\0';
		if (n) {
			snprintf(key, size, "%s/%s/%d/%s/%s", b.authority_code, b.type, b.year,
				 b.volume, clean);
			found = 1;
		}
	}
	free(number);
	return found;
}

/* Holds a record that cannot be delivered as it is: back to review with a flag. */
static int hold(struct so_store *s, int64_t id, const char *key, const char *code,
		const char *fields, const char *message)
{
	if (so_outbox_hold(s, id, key, message) < 0 ||
	    so_record_set_status(s, id, "needs_review") < 0 ||
	    so_flag_add(s, id, code, "error", fields, message, SO_SYNC_STAGE, NULL) < 0 ||
	    so_audit_add(s, SO_SYNC_STAGE, id, "hold", NULL, NULL, code) < 0)
		return -1;
	/* the version the hold was made at: a later approval queues it again */
	return so_outbox_take_version(s, id);
}

/* Batch acceptance: whether the batch's policy (BATCH_DIR/acceptance.json, else the built-in
 * schemas/acceptance.json; its whole shape is checked by the review, review/acceptance_lot.h)
 * says no record is delivered before its lot is accepted by sampling. 1, 0, or -1. */
#define ACCEPTANCE_POLICY "acceptance.json"
#define ACCEPTANCE_POLICY_MAX (64 * 1024)
static int acceptance_required(struct so_store *s)
{
	char *path = so_asprintf("%s/%s", so_store_dir(s), ACCEPTANCE_POLICY);
	if (!path)
		return -1;
	json_error_t je;
	json_t *j = NULL;
	if (access(path, F_OK) == 0) {
		char *text = NULL;
		size_t len = 0;
		if (so_read_file(path, ACCEPTANCE_POLICY_MAX, &text, &len) < 0)
			so_error_context("cannot read the acceptance policy '%s'", path);
		else if (!(j = json_loadb(text, len, 0, &je)))
			so_error("%s: not JSON (line %d: %s)", path, je.line, je.text);
		free(text);
	} else {
		const struct so_embedded *e = so_embedded_find(ACCEPTANCE_POLICY);
		j = e ? json_loadb((const char *)e->data, e->size, 0, &je) : NULL;
		if (!j)
			so_error("the built-in %s is missing or not JSON", ACCEPTANCE_POLICY);
	}
	free(path);
	if (!j)
		return -1;
	json_t *v = json_object_get(j, "required_before_sync");
	int r = v && !json_is_boolean(v) ? so_error("%s: \"required_before_sync\" is true or "
						     "false", ACCEPTANCE_POLICY) : json_is_true(v);
	json_decref(j);
	return r;
}

/* Queues every deliverable record not queued yet (or refused at an older version). Returns
 * the number newly queued, held in *held, those waiting for an accepted lot in *unaccepted,
 * or -1. */
static int64_t enqueue(struct so_store *s, int64_t *held, int64_t *unaccepted)
{
	int required = acceptance_required(s);
	if (required < 0 || so_store_begin(s) < 0)
		return -1;
	int64_t *ids = NULL;
	size_t n = 0;
	if (so_outbox_deliverable_accepted(s, required, &ids, &n, unaccepted) < 0)
		goto fail;
	int64_t queued = 0;
	int bad = 0;
	for (size_t i = 0; !bad && i < n; i++) {
		char key[256];
		int k = sync_key(s, ids[i], key, sizeof(key));
		if (k < 0) {
			bad = 1;
			break;
		}
		if (k == 0) {
			if (hold(s, ids[i], "", "SYNC_NO_KEY", "[\"registration_number\"]",
				 "Không có số đăng ký: không thể gửi bản ghi lên cơ sở dữ liệu hộ "
				 "tịch (the record has no registration number, the key of its "
				 "delivery)") < 0)
				bad = 1;
			(*held)++;
			continue;
		}
		/* the same business key on another record of the batch, queued or delivered */
		int64_t other_id = 0;
		int other = so_outbox_key_taken(s, key, ids[i], &other_id);
		if (other < 0) {
			bad = 1;
			break;
		}
		if (other) {
			char msg[512];
			snprintf(msg, sizeof(msg), "Bản ghi %lld đã được gửi với cùng khóa %s (another "
				 "record of this batch is delivered under the same key)",
				 (long long)other_id, key);
			if (hold(s, ids[i], key, "SYNC_DUPLICATE_KEY", "[\"registration_number\"]",
				 msg) < 0)
				bad = 1;
			(*held)++;
			continue;
		}
		if (so_outbox_enqueue(s, ids[i], key) < 0)
			bad = 1;
		else
			queued++;
	}
	free(ids);
	if (bad)
		goto fail;
	if (so_store_commit(s) < 0)
		goto fail;
	return queued;
fail:
	so_store_rollback(s);
	return -1;
}

static void iso_in(double seconds, char buf[SO_TIME_LEN])
{
	time_t t = time(NULL) + (time_t)ceil(seconds);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, SO_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Requests -------------------------------------------------------------------------------- */

struct slot {
	int64_t id;
	char key[256];
};

struct item {
	struct slot v[MAX_BATCH];
	int n;
	char *body;
	size_t len;
	int attempts;
	double first, next;       /* monotonic seconds: first try of this run, next try */
	int probe;                /* sent as the circuit's probe */
	int last_status;          /* of the last failed try: HTTP status (0: none) and why */
	char last_error[CURL_ERROR_SIZE + 96];
	struct item *link;        /* in the waiting list */
};

struct ack {
	struct slot sl;
	char remote[64];
	int created;
};

struct sync {
	struct so_store *s;
	const struct so_sync_options *o;
	struct so_sync_result *res;
	char url_one[1024], url_batch[1024];
	char auth[1100];
	CURLM *multi;
	struct {
		CURL *easy;
		struct item *item;
		struct so_buf response;
		struct curl_slist *headers;
		char error[CURL_ERROR_SIZE];
	} *active;
	int nactive;
	struct item *waiting;     /* claimed, not in flight: ready or backing off */
	int nwaiting;
	int exhausted;            /* nothing more to claim */
	int failed_errors;        /* records left with an error this run */
	int fatal;
	struct so_progress progress;
	int64_t done;
	unsigned rng;
	struct ack *acks;         /* acknowledged, to be stored */
	size_t nacks, acks_cap;
	/* the circuit and the run's retry budget */
	enum circuit circuit;
	int failures;             /* in a row */
	double failing_since;     /* monotonic time of the first failure of this streak, or 0 */
	double failed_for;        /* seconds of the budget spent by the streaks that ended */
	double open_until;        /* when the circuit is open: the time of the next probe */
	double cooldown;          /* the wait before that probe */
	int budget_spent;         /* nothing more is sent */
	int opened;               /* times the circuit opened */
};

static double jitter(struct sync *y)
{
	y->rng = y->rng * 1103515245u + 12345u;
	return ((y->rng >> 8) & 0xffff) / 65536.0;
}

static void item_free(struct item *it)
{
	if (it) {
		free(it->body);
		free(it);
	}
}

/* Builds the request body of IT. 0 or -1. */
static int item_body(struct sync *y, struct item *it)
{
	json_t *out = NULL;
	json_t *list = it->n > 1 || y->o->batch > 1 ? json_array() : NULL;
	for (int i = 0; i < it->n; i++) {
		json_t *rec = so_export_record(y->s, it->v[i].id);
		if (!rec) {
			json_decref(list);
			return -1;
		}
		if (!list) {
			out = rec;
			break;
		}
		json_array_append_new(list, json_pack("{s:s, s:o}", "idempotency_key",
						      it->v[i].key, "record", rec));
	}
	if (list)
		out = json_pack("{s:o}", "records", list);
	free(it->body);
	it->body = out ? json_dumps(out, SO_EXPORT_DUMP_FLAGS) : NULL;
	json_decref(out);
	if (!it->body)
		return so_error("cannot build the request body");
	it->len = strlen(it->body);
	return 0;
}

/* The records claimed, gathered into items of the batch size. */
struct claimed {
	int batch;
	struct item *it, *head, **tail;
	int got;
};

static int claimed_add(int64_t id, const char *key, void *ctx)
{
	struct claimed *c = ctx;
	if (!c->it && !(c->it = so_calloc(1, sizeof(*c->it))))
		return -1;
	c->it->v[c->it->n].id = id;
	snprintf(c->it->v[c->it->n].key, sizeof(c->it->v[0].key), "%s", key);
	c->got++;
	if (++c->it->n == c->batch) {
		*c->tail = c->it;
		c->tail = &c->it->link;
		c->it = NULL;
	}
	return 0;
}

/* Claims up to N queued records for this process, as items of the batch size. */
static int claim(struct sync *y, int n)
{
	char now[SO_TIME_LEN], until[SO_TIME_LEN];
	so_now_iso(now);
	/* a record stays claimed while this run may still try it: the retry budget and its
	 * attempts, each a request and a backoff */
	iso_in(y->o->retry_for + MAX_ATTEMPTS * (y->o->timeout + y->o->backoff_max) + 60, until);
	if (so_store_begin(y->s) < 0)
		return -1;
	struct claimed c = { .batch = y->o->batch, .tail = &c.head };
	int r = so_outbox_claim(y->s, until, now, n, claimed_add, &c);
	if (c.it) {
		*c.tail = c.it;
		c.tail = &c.it->link;
	}
	if (r < 0 || so_store_commit(y->s) < 0) {
		so_store_rollback(y->s);
		while (c.head) {
			struct item *next = c.head->link;
			item_free(c.head);
			c.head = next;
		}
		return r < 0 ? -1 : so_store_error(y->s, "cannot claim records of the outbox");
	}
	struct item *head = c.head;
	int got = c.got;
	if (got == 0)
		y->exhausted = 1;
	double now_m = so_monotonic();
	while (head) {
		struct item *next = head->link;
		if (item_body(y, head) < 0) {
			item_free(head);
			while (next) {
				head = next->link;
				item_free(next);
				next = head;
			}
			return -1;
		}
		head->first = head->next = now_m;
		head->link = y->waiting;
		y->waiting = head;
		y->nwaiting++;
		head = next;
	}
	return got;
}

/* The circuit --------------------------------------------------------------------------- */

/* Seconds of the run's retry budget left at NOW (negative: overspent). */
static double budget_left(const struct sync *y, double now)
{
	double spent = y->failed_for + (y->failing_since > 0 ? now - y->failing_since : 0);
	return y->o->retry_for - spent;
}

/* An answer that is not a failure: the server is there. */
static void circuit_answer(struct sync *y)
{
	double now = so_monotonic();
	if (y->failing_since > 0)
		y->failed_for += now - y->failing_since;
	if (y->circuit != CIRCUIT_CLOSED && !y->o->quiet)
		so_progress_log(&y->progress, "the national database answers again after %.1f s: "
				"sending resumed", now - y->failing_since);
	y->failing_since = 0;
	y->failures = 0;
	y->circuit = CIRCUIT_CLOSED;
	y->cooldown = 0;
}

/* A failure (WHY) of a request; RETRY_AFTER the server's wish, or 0. PROBE: the request was
 * the circuit's probe. */
static void circuit_failure(struct sync *y, int probe, double retry_after, const char *why)
{
	double now = so_monotonic();
	if (y->failing_since <= 0)
		y->failing_since = now;
	y->failures++;
	int open = 0;
	if (y->circuit == CIRCUIT_PROBING && probe) {
		y->cooldown = y->cooldown * 2 < y->o->backoff_max ? y->cooldown * 2
								   : y->o->backoff_max;
		open = 1;
	} else if (y->circuit == CIRCUIT_CLOSED && y->failures >= CIRCUIT_FAILURES) {
		y->cooldown = y->o->backoff;
		y->opened++;
		open = 1;
	}
	if (!open)
		return;
	double wait = y->cooldown / 2 + y->cooldown / 2 * jitter(y);
	if (retry_after > wait)
		wait = retry_after < y->o->backoff_max * 5 ? retry_after : y->o->backoff_max * 5;
	y->circuit = CIRCUIT_OPEN;
	y->open_until = now + wait;
	if (!y->o->quiet)
		so_progress_log(&y->progress, "sending paused: %d failures in a row (last: %s); one "
				"request in %.1f s to see whether the national database is back "
				"(retry budget left: %.0f s)", y->failures, why, wait,
				budget_left(y, now) > 0 ? budget_left(y, now) : 0);
}

/* Outcomes -------------------------------------------------------------------------------- */

static void log_record(struct sync *y, const struct slot *sl, const char *fmt, ...)
	SO_PRINTF(3, 4);
static void log_record(struct sync *y, const struct slot *sl, const char *fmt, ...)
{
	if (y->o->quiet)
		return;
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	so_progress_log(&y->progress, "record %lld (%s): %s", (long long)sl->id, sl->key, msg);
}

/* The server's reasons as text and as the list of fields they name. */
static void reasons(json_t *answer, struct so_buf *text, json_t *fields)
{
	json_t *errors = json_object_get(answer, "errors"), *e;
	size_t i;
	json_array_foreach(errors, i, e) {
		const char *field = json_string_value(json_object_get(e, "field"));
		const char *why = json_string_value(json_object_get(e, "reason"));
		if (text->len)
			so_buf_adds(text, "; ");
		if (field && *field) {
			so_buf_addf(text, "%s: ", field);
			json_array_append_new(fields, json_string(field));
		}
		so_buf_adds(text, why ? why : "(no reason given)");
	}
	if (!text->len) {
		const char *msg = json_string_value(json_object_get(answer, "error"));
		so_buf_adds(text, msg ? msg : "(no reason given)");
	}
}

/* 409/422: the record goes back to review with the server's reasons. */
static int refuse(struct sync *y, const struct slot *sl, int status, json_t *answer)
{
	struct so_buf text = SO_BUF_INIT(4096);
	json_t *fields = json_array();
	reasons(answer, &text, fields);
	char *fields_text = json_dumps(fields, JSON_COMPACT);
	json_decref(fields);
	const char *code = status == 409 ? "REGISTRY_CONFLICT" : "REGISTRY_REFUSED";
	char *message = so_asprintf("%s (HTTP %d): %s", status == 409
				    ? "Cơ sở dữ liệu hộ tịch đã có bản ghi với khóa này nhưng nội "
				      "dung khác"
				    : "Cơ sở dữ liệu hộ tịch từ chối bản ghi", status,
				    text.data ? text.data : "");
	int rc = -1;
	if (!fields_text || !message || so_store_begin(y->s) < 0)
		goto out;
	int changed = so_outbox_attempt(y->s, sl->id, "refused", status, message);
	if (changed < 0)
		goto rollback;
	if (changed == 1) {
		if (so_record_set_status(y->s, sl->id, "needs_review") < 0 ||
		    so_flag_add(y->s, sl->id, code, "error", fields_text, message, SO_SYNC_STAGE,
				NULL) < 0 ||
		    so_audit_add(y->s, SO_SYNC_STAGE, sl->id, "refused", NULL, NULL, code) < 0 ||
		    so_event_add(y->s, SO_SYNC_STAGE, "warning", sl->key, "%s", message) < 0)
			goto rollback;
		if (so_outbox_take_version(y->s, sl->id) < 0)
			goto rollback;
	}
	if (so_store_commit(y->s) < 0)
		goto rollback;
	if (status == 409)
		y->res->conflicts++;
	else
		y->res->refused++;
	log_record(y, sl, "%s", message);
	rc = 0;
	goto out;
rollback:
	so_store_rollback(y->s);
out:
	free(fields_text);
	free(message);
	so_buf_release(&text);
	return rc;
}

/* A record left queued with its error (not retried again in this run). */
static int leave(struct sync *y, const struct slot *sl, int status, const char *why)
{
	if (so_store_begin(y->s) < 0)
		return -1;
	if (so_outbox_attempt(y->s, sl->id, NULL, status, why) < 0 ||
	    so_event_add(y->s, SO_SYNC_STAGE, "error", sl->key, "left queued: %s", why) < 0 ||
	    so_store_commit(y->s) < 0)
		goto rollback;
	y->failed_errors++;
	log_record(y, sl, "left queued: %s", why);
	return 0;
rollback:
	so_store_rollback(y->s);
	return -1;
}

/* The acknowledgements of the answers received together are stored in one transaction. */
static int ack_add(struct sync *y, const struct slot *sl, const char *remote, int created)
{
	if (SO_ARRAY_GROW(y->acks, y->nacks, y->acks_cap) < 0)
		return -1;
	struct ack *a = &y->acks[y->nacks++];
	a->sl = *sl;
	snprintf(a->remote, sizeof(a->remote), "%s", remote);
	a->created = created;
	return 0;
}

static int acks_flush(struct sync *y)
{
	if (y->nacks == 0)
		return 0;
	if (so_store_begin(y->s) < 0)
		return -1;
	for (size_t i = 0; i < y->nacks; i++)
		if (so_outbox_ack(y->s, y->acks[i].sl.id, y->acks[i].remote) < 0) {
			so_store_rollback(y->s);
			return -1;
		}
	if (so_store_commit(y->s) < 0) {
		so_store_rollback(y->s);
		return -1;
	}
	for (size_t i = 0; i < y->nacks; i++) {
		if (y->acks[i].created)
			y->res->created++;
		else
			y->res->existed++;
		log_record(y, &y->acks[i].sl, "%s as %s",
			   y->acks[i].created ? "delivered" : "already there", y->acks[i].remote);
	}
	y->done += (int64_t)y->nacks;
	y->nacks = 0;
	return 0;
}

static int retryable(long status)
{
	return status == 408 || status == 429 || status >= 500;
}

/* Leaves the records of IT queued, with why they were not delivered in this run. */
static int give_up(struct sync *y, struct item *it)
{
	char msg[700];
	snprintf(msg, sizeof(msg), "no delivery after %d attempt%s in %.0f s (%s); last: %s",
		 it->attempts, it->attempts == 1 ? "" : "s", so_monotonic() - it->first,
		 it->attempts >= MAX_ATTEMPTS ? "the most one run makes"
					      : "the run's retry budget is spent", it->last_error);
	for (int i = 0; i < it->n; i++)
		if (leave(y, &it->v[i], it->last_status, msg) < 0)
			return -1;
	return 0;
}

/* Puts the records of IT that are still to do back in the waiting list, to be tried after
 * the backoff (or the server's Retry-After); those whose time is up are left queued. */
static int retry(struct sync *y, struct item *it, const int *again, long status,
		 double retry_after, const char *why)
{
	double now = so_monotonic();
	struct item *next = so_calloc(1, sizeof(*next));
	if (!next)
		return -1;
	for (int i = 0; i < it->n; i++)
		if (again[i])
			next->v[next->n++] = it->v[i];
	if (next->n == 0) {
		item_free(next);
		return 0;
	}
	next->attempts = it->attempts;
	next->first = it->first;
	next->last_status = (int)status;
	snprintf(next->last_error, sizeof(next->last_error), "%s", why);
	if (it->attempts >= MAX_ATTEMPTS || budget_left(y, now) <= 0) {
		int rc = give_up(y, next);
		item_free(next);
		return rc;
	}
	if (next->n == it->n) {
		next->body = it->body;
		next->len = it->len;
		it->body = NULL;
	} else if (item_body(y, next) < 0) {
		item_free(next);
		return -1;
	}
	double delay = y->o->backoff * pow(2, it->attempts - 1);
	if (delay > y->o->backoff_max)
		delay = y->o->backoff_max;
	delay = delay / 2 + delay / 2 * jitter(y);
	if (retry_after > delay)
		delay = retry_after < y->o->backoff_max * 5 ? retry_after : y->o->backoff_max * 5;
	next->next = now + delay;
	next->link = y->waiting;
	y->waiting = next;
	y->nwaiting++;
	y->res->retries += next->n;
	if (!y->o->quiet)
		so_progress_log(&y->progress, "%d record%s to retry in %.1f s: %s", next->n,
				next->n == 1 ? "" : "s", delay, why);
	return 0;
}

/* One record's answer (a whole response, or an item of a batch response): acknowledged (to
 * be stored with the others of this round), refused, left, or *again set to retry it. */
static int outcome(struct sync *y, const struct slot *sl, long status, json_t *answer,
		   int *again)
{
	*again = 0;
	if (status == 200 || status == 201) {
		const char *id = json_string_value(json_object_get(answer, "id"));
		if (!id || !*id || strlen(id) >= sizeof(((struct ack *)0)->remote))
			return leave(y, sl, (int)status, "the server acknowledged the record without "
				     "a usable id");
		return ack_add(y, sl, id, status == 201);
	}
	if (status == 409 || status == 422)
		return refuse(y, sl, (int)status, answer);
	if (retryable(status)) {
		*again = 1;
		return 0;
	}
	const char *msg = json_string_value(json_object_get(answer, "error"));
	char why[600];
	snprintf(why, sizeof(why), "HTTP %ld: %s", status, msg ? msg : "(no message)");
	return leave(y, sl, (int)status, why);
}

static void stop_fatal(struct sync *y, const char *fmt, ...) SO_PRINTF(2, 3);
static void stop_fatal(struct sync *y, const char *fmt, ...)
{
	if (y->fatal)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(y->res->fatal, sizeof(y->res->fatal), fmt, ap);
	va_end(ap);
	y->fatal = 1;
}

/* A finished transfer. */
static int finished(struct sync *y, int a, CURLcode result)
{
	struct item *it = y->active[a].item;
	CURL *easy = y->active[a].easy;
	long status = 0;
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	curl_off_t retry_after = 0;
	curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &retry_after);
	int again[MAX_BATCH] = { 0 };
	int rc = 0;
	char why[CURL_ERROR_SIZE + 96];
	json_t *answer = NULL;
	y->res->requests++;

	if (result != CURLE_OK) {
		const char *detail = y->active[a].error[0] ? y->active[a].error
							   : curl_easy_strerror(result);
		snprintf(why, sizeof(why), "%s", detail);
		switch (result) {
		case CURLE_PEER_FAILED_VERIFICATION:
		case CURLE_SSL_CACERT_BADFILE:
		case CURLE_SSL_CERTPROBLEM:
		case CURLE_SSL_CIPHER:
		case CURLE_SSL_ENGINE_NOTFOUND:
		case CURLE_SSL_CRL_BADFILE:
		case CURLE_SSL_ISSUER_ERROR:
		case CURLE_UNSUPPORTED_PROTOCOL:
		case CURLE_URL_MALFORMAT:
			stop_fatal(y, "cannot deliver to %s: %s", y->o->endpoint, detail);
			goto release;
		default:
			break;
		}
		for (int i = 0; i < it->n; i++)
			again[i] = 1;
		circuit_failure(y, it->probe, 0, why);
		rc = retry(y, it, again, 0, 0, why);
		goto done;
	}
	json_error_t jerr;
	answer = json_loadb(y->active[a].response.data ? y->active[a].response.data : "",
			    y->active[a].response.len, 0, &jerr);
	if (status == 401 || status == 403) {
		const char *msg = json_string_value(json_object_get(answer, "error"));
		stop_fatal(y, "the national database refused the credentials (HTTP %ld: %s): %s",
			   status, msg ? msg : "no message",
			   status == 401 ? "check the token file (or client certificate) given "
					   "to sync"
					 : "this token or certificate may not deliver records");
		goto release;
	}
	snprintf(why, sizeof(why), "HTTP %ld", status);
	int single = it->n == 1 && y->o->batch == 1;
	if (retryable(status) && (single || status != 200))
		circuit_failure(y, it->probe, (double)retry_after, why);
	else
		circuit_answer(y);
	if (single) {
		rc = outcome(y, &it->v[0], status, answer, &again[0]);
	} else if (status == 200 && json_is_array(json_object_get(answer, "results")) &&
		   json_array_size(json_object_get(answer, "results")) == (size_t)it->n) {
		json_t *results = json_object_get(answer, "results");
		for (int i = 0; rc == 0 && i < it->n; i++) {
			json_t *r = json_array_get(results, (size_t)i);
			long s = (long)json_integer_value(json_object_get(r, "status"));
			rc = outcome(y, &it->v[i], s, r, &again[i]);
			if (again[i])
				snprintf(why, sizeof(why), "HTTP %ld for a record of the batch", s);
		}
	} else if (retryable(status)) {
		for (int i = 0; i < it->n; i++)
			again[i] = 1;
	} else {
		const char *msg = json_string_value(json_object_get(answer, "error"));
		snprintf(why, sizeof(why), "HTTP %ld for the batch request: %s", status,
			 msg ? msg : "(an unexpected answer)");
		for (int i = 0; rc == 0 && i < it->n; i++)
			rc = leave(y, &it->v[i], (int)status, why);
	}
	if (rc == 0)
		rc = retry(y, it, again, status, (double)retry_after, why);
	goto done;
release:
	/* a fatal stop: the item stays queued, released at the end */
	rc = 0;
done:
	json_decref(answer);
	return rc;
}

/* Transfers ------------------------------------------------------------------------------- */

static size_t on_data(char *data, size_t size, size_t n, void *ctx)
{
	struct so_buf *b = ctx;
	return so_buf_add(b, data, size * n) < 0 ? 0 : size * n;
}

static int start(struct sync *y, struct item *it)
{
	int a = 0;
	while (y->active[a].item)
		a++;
	CURL *easy = y->active[a].easy;
	if (!easy) {
		easy = y->active[a].easy = curl_easy_init();
		if (!easy)
			return so_error("cannot make a transfer (libcurl)");
	}
	so_buf_reset(&y->active[a].response);
	y->active[a].error[0] = '\0';
	curl_slist_free_all(y->active[a].headers);
	struct curl_slist *h = NULL;
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "Accept: application/json");
	h = curl_slist_append(h, "Expect:");
	if (y->auth[0])
		h = curl_slist_append(h, y->auth);
	if (it->n == 1 && y->o->batch == 1) {
		char header[300];
		snprintf(header, sizeof(header), "Idempotency-Key: %s", it->v[0].key);
		h = curl_slist_append(h, header);
	}
	y->active[a].headers = h;
	if (!h)
		return so_error("out of memory");
	curl_easy_setopt(easy, CURLOPT_URL, it->n == 1 && y->o->batch == 1 ? y->url_one
									      : y->url_batch);
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(easy, CURLOPT_POST, 1L);
	curl_easy_setopt(easy, CURLOPT_POSTFIELDS, it->body);
	curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)it->len);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, &y->active[a].response);
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, y->active[a].error);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, (long)(y->o->timeout * 1000));
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)(y->o->timeout * 1000 < 10000 ? y->o->timeout * 1000 : 10000));
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
	/* the proxy environment variables (http_proxy, https_proxy, ALL_PROXY) are ignored: an
	 * empty proxy turns them off; only a proxy the operator names is used, as a tunnel */
	curl_easy_setopt(easy, CURLOPT_PROXY, y->o->proxy ? y->o->proxy : "");
	if (y->o->proxy)
		curl_easy_setopt(easy, CURLOPT_HTTPPROXYTUNNEL, 1L);
	curl_easy_setopt(easy, CURLOPT_USERAGENT, "sohoa-sync/" SO_VERSION);
	/* verification is never turned off */
	curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
	if (y->o->cacert)
		curl_easy_setopt(easy, CURLOPT_CAINFO, y->o->cacert);
	if (y->o->cert)
		curl_easy_setopt(easy, CURLOPT_SSLCERT, y->o->cert);
	if (y->o->key)
		curl_easy_setopt(easy, CURLOPT_SSLKEY, y->o->key);
	curl_easy_setopt(easy, CURLOPT_PRIVATE, (void *)(intptr_t)a);
	if (curl_multi_add_handle(y->multi, easy) != CURLM_OK)
		return so_error("cannot start a transfer (libcurl)");
	y->active[a].item = it;
	it->attempts++;
	y->nactive++;
	return 0;
}

/* Ends transfer A: out of the multi handle, its item freed, the slot free again. */
static void drop_active(struct sync *y, int a)
{
	curl_multi_remove_handle(y->multi, y->active[a].easy);
	item_free(y->active[a].item);
	y->active[a].item = NULL;
	y->nactive--;
}

/* The waiting item due first that is ready now, taken off the list; NULL when none. */
static struct item *take_ready(struct sync *y, double now, double *next_due)
{
	struct item **best = NULL;
	for (struct item **p = &y->waiting; *p; p = &(*p)->link) {
		if ((*p)->next <= now && (!best || (*p)->next < (*best)->next))
			best = p;
		if ((*p)->next > now && (*p)->next < *next_due)
			*next_due = (*p)->next;
	}
	if (!best)
		return NULL;
	struct item *it = *best;
	*best = it->link;
	it->link = NULL;
	y->nwaiting--;
	return it;
}

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The Authorization header of the token TEXT (blanks around it are dropped; any inside, or a
 * control character, refuse it: a header cannot carry them). No message names the token, nor
 * the file it was read from: what was given as a file name may be the token itself. */
static int bearer(const char *text, const char *from, char *auth, size_t size)
{
	const char *p = text;
	while (blank(*p))
		p++;
	size_t n = strlen(p);
	while (n && blank(p[n - 1]))
		n--;
	if (n == 0)
		return so_error("the token %s is empty", from);
	if (n + 24 > size)
		return so_error("the token %s is too long", from);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x21 || (unsigned char)p[i] > 0x7e)
			return so_error("the token %s holds a character a header cannot carry", from);
	snprintf(auth, size, "Authorization: Bearer %.*s", (int)n, p);
	return 0;
}

static int read_token(const char *path, char *auth, size_t size)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return so_error("cannot read the token file (its name is not repeated here): %s",
				strerror(errno));
	if (!S_ISREG(st.st_mode))
		return so_error("the token file is not a regular file");
	if (st.st_mode & 077)
		so_log_msg("warning: the token file can be read by others (chmod 600 it)");
	char *data = NULL;
	size_t len = 0;
	if (so_read_file(path, 8192, &data, &len) < 0)
		return so_error("cannot read the token file (its name is not repeated here)");
	int rc = bearer(data, "in the token file", auth, size);
	free(data);
	return rc;
}

/* "http://" is only for the loopback interface (tests, a registry on this machine). */
static int check_endpoint(const char *e, char *one, char *batch, size_t size)
{
	CURLU *u = curl_url();
	if (!u)
		return so_error("out of memory");
	char *scheme = NULL, *host = NULL;
	int rc = 0;
	if (curl_url_set(u, CURLUPART_URL, e, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		rc = so_error("the endpoint '%s' is not a URL", e);
	} else if (strcmp(scheme, "https") != 0 &&
		   !(strcmp(scheme, "http") == 0 &&
		     (strcmp(host, "127.0.0.1") == 0 || strcmp(host, "localhost") == 0 ||
		      strcmp(host, "[::1]") == 0))) {
		rc = so_error("the endpoint '%s' must be https:// (http:// only on the loopback "
			      "interface)", e);
	} else {
		size_t n = strlen(e);
		while (n && e[n - 1] == '/')
			n--;
		snprintf(one, size, "%.*s/v1/records", (int)n, e);
		snprintf(batch, size, "%.*s/v1/records:batch", (int)n, e);
	}
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

/* A proxy is used only when the operator names one, only for an https:// endpoint, and always
 * as a tunnel: it carries the TLS session and sees neither the token nor the records. */
static int check_proxy(const char *proxy, const char *endpoint)
{
	if (strncmp(endpoint, "https://", 8) != 0)
		return so_error("a proxy is only used for an https:// endpoint (through it, the "
				"token and the records stay inside TLS)");
	CURLU *u = curl_url();
	if (!u)
		return so_error("out of memory");
	char *scheme = NULL;
	int rc = 0;
	if (curl_url_set(u, CURLUPART_URL, proxy, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0))
		rc = so_error("the proxy must be an http:// or https:// URL");
	curl_free(scheme);
	curl_url_cleanup(u);
	return rc;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_start(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

int so_sync_run(struct so_store *s, const struct so_sync_options *o, struct so_sync_result *res)
{
	memset(res, 0, sizeof(*res));
	if (o->inflight < 1 || o->batch < 1 || o->batch > MAX_BATCH) {
		so_error("in flight must be at least 1 and the batch 1 to %d", MAX_BATCH);
		return SO_EXIT_USAGE;
	}
	double t0 = so_monotonic();
	struct sync y = { .s = s, .o = o, .res = res };
	y.rng = (unsigned)(getpid() ^ (unsigned)(t0 * 1000));
	if (check_endpoint(o->endpoint, y.url_one, y.url_batch, sizeof(y.url_one)) < 0 ||
	    (o->proxy && check_proxy(o->proxy, o->endpoint) < 0))
		return SO_EXIT_USAGE;
	if (o->token && o->token_file) {
		so_error("give the token once: in a file (--token-file) or in the environment, not "
			 "both");
		return SO_EXIT_USAGE;
	}
	if (o->token && bearer(o->token, "of the environment", y.auth, sizeof(y.auth)) < 0)
		return SO_EXIT_USAGE;
	if (o->token_file && read_token(o->token_file, y.auth, sizeof(y.auth)) < 0)
		return SO_EXIT_ENV;
	if ((o->cert && !o->key) || (o->key && !o->cert)) {
		so_error("a client certificate needs both --cert and --key");
		return SO_EXIT_USAGE;
	}
	pthread_once(&curl_once, curl_start);

	if (so_store_begin(s) < 0)
		return SO_EXIT_ENV;
	if (so_outbox_release_dead(s) < 0 || so_store_commit(s) < 0) {
		so_store_rollback(s);
		return SO_EXIT_ENV;
	}
	res->queued = enqueue(s, &res->held, &res->unaccepted);
	if (res->queued < 0)
		return SO_EXIT_ENV;
	int64_t total = so_outbox_count_queued(s);
	if (total < 0)
		return SO_EXIT_ENV;

	int code = SO_EXIT_OK;
	y.multi = curl_multi_init();
	y.active = so_calloc((size_t)o->inflight, sizeof(*y.active));
	if (!y.multi || !y.active) {
		so_error("cannot set up the transfers (libcurl)");
		code = SO_EXIT_ENV;
		goto out;
	}
	for (int a = 0; a < o->inflight; a++)
		so_buf_init(&y.active[a].response, MAX_RESPONSE);
	curl_multi_setopt(y.multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)o->inflight);
	curl_multi_setopt(y.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)o->inflight);
	so_progress_init(&y.progress, SO_SYNC_STAGE, "records");

	double stop_at = 0;
	for (;;) {
		int sig = so_signal_received();
		if (sig && !stop_at)
			stop_at = so_monotonic() + 2;   /* in-flight answers get two seconds */
		double now = so_monotonic(), next_due = now + 0.25;
		if (!y.budget_spent && y.failing_since > 0 && budget_left(&y, now) <= 0) {
			y.budget_spent = 1;
			if (!o->quiet)
				so_progress_log(&y.progress, "the run's retry budget (%.0f s) is spent: "
						"nothing more is sent, the rest stays queued", o->retry_for);
		}
		int sending = !sig && !y.fatal && !y.budget_spent;
		/* more records while the server answers; while the circuit is open, only one to
		 * probe with when none is waiting */
		if (sending && !y.exhausted && (y.circuit == CIRCUIT_CLOSED
						? y.nwaiting < o->inflight * 2
						: y.nwaiting == 0 && y.nactive == 0) &&
		    claim(&y, o->inflight * o->batch * 2) < 0) {
			code = SO_EXIT_ENV;
			break;
		}
		struct item *it = NULL;
		if (sending && y.circuit == CIRCUIT_OPEN && y.nactive == 0) {
			if (now >= y.open_until) {
				double ignored = INFINITY;
				if ((it = take_ready(&y, INFINITY, &ignored))) {
					it->probe = 1;
					y.circuit = CIRCUIT_PROBING;
				}
			} else if (y.open_until < next_due) {
				next_due = y.open_until;
			}
		}
		if (sending && y.failing_since > 0 && now + budget_left(&y, now) < next_due)
			next_due = now + budget_left(&y, now);
		while (sending && (it || (y.circuit == CIRCUIT_CLOSED && y.nactive < o->inflight &&
					  (it = take_ready(&y, now, &next_due))))) {
			if (start(&y, it) < 0) {
				item_free(it);
				code = SO_EXIT_ENV;
				goto out;
			}
			it = NULL;
		}
		if (y.nactive == 0 && (!sending || (y.exhausted && !y.waiting)))
			break;
		if (sig && stop_at && so_monotonic() > stop_at)
			break;
		int running = 0;
		curl_multi_perform(y.multi, &running);
		CURLMsg *m;
		int left, completed = 0;
		while ((m = curl_multi_info_read(y.multi, &left))) {
			if (m->msg != CURLMSG_DONE)
				continue;
			void *priv = NULL;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
			int a = (int)(intptr_t)priv;
			CURLcode result = m->data.result;
			int rc = finished(&y, a, result);
			drop_active(&y, a);
			if (rc < 0) {
				code = SO_EXIT_ENV;
				goto out;
			}
			completed++;
		}
		if (completed) {
			if (acks_flush(&y) < 0) {
				code = SO_EXIT_ENV;
				goto out;
			}
			so_progress_update(&y.progress, y.done, y.failed_errors, total);
			continue;   /* free slots: start the next requests at once */
		}
		int wait_ms = (int)((next_due - so_monotonic()) * 1000);
		if (wait_ms < 1)
			wait_ms = 1;
		if (wait_ms > 250)
			wait_ms = 250;
		if (y.nactive)
			curl_multi_poll(y.multi, NULL, 0, wait_ms, NULL);
		else
			usleep((useconds_t)wait_ms * 1000);
	}
out:
	/* what was acknowledged is stored even when the run ends early */
	if (acks_flush(&y) < 0 && code == SO_EXIT_OK)
		code = SO_EXIT_ENV;
	free(y.acks);
	so_progress_end(&y.progress);
	for (int a = 0; y.active && a < o->inflight; a++)
		if (y.active[a].item)
			drop_active(&y, a);
	/* the records tried in this run and not delivered get their last failure recorded; those
	 * not tried yet are only released */
	while (y.waiting) {
		struct item *next = y.waiting->link;
		if (code == SO_EXIT_OK && y.budget_spent && y.waiting->attempts > 0 &&
		    give_up(&y, y.waiting) < 0)
			code = SO_EXIT_ENV;
		item_free(y.waiting);
		y.waiting = next;
	}
	so_outbox_release_own(s);
	if (y.active)
		for (int a = 0; a < o->inflight; a++) {
			if (y.active[a].easy)
				curl_easy_cleanup(y.active[a].easy);
			curl_slist_free_all(y.active[a].headers);
			so_buf_release(&y.active[a].response);
		}
	free(y.active);
	if (y.multi)
		curl_multi_cleanup(y.multi);
	res->left = so_outbox_count_queued(s);
	res->seconds = so_monotonic() - t0;
	res->opened = y.opened;
	res->budget_spent = y.budget_spent;
	if (y.budget_spent && code == SO_EXIT_OK &&
	    so_event_add(s, SO_SYNC_STAGE, "error", NULL, "the national database failed for the "
			 "whole retry budget (%.0f s): %lld records left queued for the next run",
			 o->retry_for, (long long)res->left) < 0)
		code = SO_EXIT_ENV;
	if (code != SO_EXIT_OK)
		return code;
	if (y.fatal) {
		so_event_add(s, SO_SYNC_STAGE, "error", NULL, "%s", res->fatal);
		return SO_EXIT_ENV;
	}
	if (so_signal_received())
		return so_signal_exit_code(so_signal_received());
	if (res->unaccepted)
		so_event_add(s, SO_SYNC_STAGE, "warning", NULL, "%lld records not delivered: their "
			     "lot has no accepted verdict of batch acceptance (acceptance.json: "
			     "required_before_sync)", (long long)res->unaccepted);
	return res->left || res->conflicts || res->refused || res->held || res->unaccepted
		       ? SO_EXIT_PARTIAL
									: SO_EXIT_OK;
}
