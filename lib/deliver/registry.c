/* The reference national-database server (see registry.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/embed.h"
#include "base/util.h"
#include "deliver/jschema.h"
#include "deliver/registry.h"

#define TOKENS_MAX 64

struct token {
	char value[128];          /* zero-padded */
	size_t len;
	int write;
};

/* A connection watched for the header deadline (see "Slow clients"). */
struct watched {
	struct watched *next, **prev;
	int fd;
	double since;             /* monotonic: its accept, or the end of its last request */
	int in_request;           /* its request's headers have come: the deadline is off */
	int cut;
};

struct so_registry {
	struct so_registry_options o;
	struct MHD_Daemon *daemon;
	pthread_mutex_t watch_lock;  /* the watched connections */
	struct watched *watching;
	pthread_t reaper;
	int reaper_running;
	atomic_int stopping;
	sqlite3 *db;
	pthread_mutex_t lock;     /* the database connection and the fault draws */
	struct token tokens[TOKENS_MAX];
	int ntokens, auth;
	char *cert, *key, *trust;
	json_t *schemas;          /* the record schemas by file name, parsed at start */
	uint64_t rng;
	int port;
};

struct request {
	struct so_buf body;
	int too_big;
};

/* Faults ------------------------------------------------------------------------------------- */

static double draw(struct so_registry *r)
{
	pthread_mutex_lock(&r->lock);
	r->rng ^= r->rng << 13;
	r->rng ^= r->rng >> 7;
	r->rng ^= r->rng << 17;
	double v = (double)(r->rng >> 11) / (double)(1ULL << 53);
	pthread_mutex_unlock(&r->lock);
	return v;
}

/* Slow clients --------------------------------------------------------------------------- */

/* A thread serves each connection. The idle timeout drops a client that sends nothing, but a
 * client that sends its TLS handshake or its headers a byte at a time is never idle: each
 * connection therefore has header_timeout seconds, from its accept or from the end of its
 * last request, to deliver a request's headers, or it is cut (shut down under the thread
 * serving it, which then closes it). */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct so_registry *r = cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		struct watched *w = calloc(1, sizeof(*w));
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (!w || !ci) {
			free(w);   /* not watched: the idle timeout and the caps still hold */
			return;
		}
		w->fd = ci->connect_fd;
		w->since = so_monotonic();
		pthread_mutex_lock(&r->watch_lock);
		w->next = r->watching;
		if (w->next)
			w->next->prev = &w->next;
		w->prev = &r->watching;
		r->watching = w;
		pthread_mutex_unlock(&r->watch_lock);
		*socket_context = w;
	} else if (toe == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
		struct watched *w = *socket_context;
		pthread_mutex_lock(&r->watch_lock);
		*w->prev = w->next;
		if (w->next)
			w->next->prev = w->prev;
		pthread_mutex_unlock(&r->watch_lock);
		free(w);
		*socket_context = NULL;
	}
}

/* Connection C's request has its headers (IN_REQUEST 1), or has ended (0: the deadline
 * starts again for the next one). */
static void watch_request(struct so_registry *r, struct MHD_Connection *c, int in_request)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct watched *w = ci ? ci->socket_context : NULL;
	if (!w)
		return;
	pthread_mutex_lock(&r->watch_lock);
	w->in_request = in_request;
	if (!in_request)
		w->since = so_monotonic();
	pthread_mutex_unlock(&r->watch_lock);
}

static void *reaper_main(void *arg)
{
	struct so_registry *r = arg;
	while (!atomic_load(&r->stopping)) {
		usleep(200 * 1000);
		double now = so_monotonic();
		pthread_mutex_lock(&r->watch_lock);
		for (struct watched *w = r->watching; w; w = w->next)
			if (!w->in_request && !w->cut && now - w->since > r->o.header_timeout) {
				shutdown(w->fd, SHUT_RDWR);
				w->cut = 1;
			}
		pthread_mutex_unlock(&r->watch_lock);
	}
	return NULL;
}

/* Answers ---------------------------------------------------------------------------------- */

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, json_t *body,
			      int retry_after)
{
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!text)
		return MHD_NO;
	struct MHD_Response *resp = MHD_create_response_from_buffer(strlen(text), text,
								    MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", "application/json");
	if (retry_after > 0) {
		char v[16];
		snprintf(v, sizeof(v), "%d", retry_after);
		MHD_add_response_header(resp, "Retry-After", v);
	}
	enum MHD_Result ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result problem(struct MHD_Connection *c, unsigned status, const char *message)
{
	return answer(c, status, json_pack("{s:s}", "error", message), 0);
}

/* Validation ------------------------------------------------------------------------------ */

/* A record is checked against the schema of its type, schemas/records/TYPE.schema.json, compiled
 * into the library; the schemas refer to schemas/records/common.schema.json by its file name. */
static const char *const record_types[] = { "birth", "marriage", "death", "parentage" };

/* Parses the record schemas into r->schemas, by file name ("birth.schema.json"). */
static int schemas_load(struct so_registry *r)
{
	const char *const names[] = { "common", "birth", "marriage", "death", "parentage" };
	r->schemas = json_object();
	if (!r->schemas)
		return so_error("out of memory");
	for (size_t i = 0; i < SO_ARRAY_SIZE(names); i++) {
		char path[64];
		snprintf(path, sizeof(path), "records/%s.schema.json", names[i]);
		const struct so_embedded *e = so_embedded_find(path);
		if (!e)
			return so_error("the schema '%s' is not compiled in", path);
		json_error_t err;
		json_t *doc = json_loadb((const char *)e->data, e->size, 0, &err);
		if (!doc)
			return so_error("cannot parse the schema '%s': %s (line %d)", path, err.text,
					err.line);
		if (json_object_set_new(r->schemas, path + strlen("records/"), doc) < 0)
			return so_error("out of memory");
	}
	return 0;
}

/* The schema document a $ref names: by its file name, whatever path or URL precedes it. */
static json_t *schema_resolve(const char *document, void *ctx)
{
	struct so_registry *r = ctx;
	const char *slash = strrchr(document, '/');
	return json_object_get(r->schemas, slash ? slash + 1 : document);
}

static void reason(json_t *errors, const char *field, const char *why)
{
	json_array_append_new(errors, json_pack("{s:s, s:s}", "field", field, "reason", why));
}

/* The per-field reasons a record is refused for (an empty array when it is acceptable), or NULL
 * when memory runs out. */
static json_t *validate(struct so_registry *r, json_t *rec)
{
	json_t *errors;
	if (!json_is_object(rec)) {
		if ((errors = json_array()))
			reason(errors, "", "the record must be a JSON object");
		return errors;
	}
	const char *type = json_string_value(json_object_get(rec, "type"));
	const json_t *schema = NULL;
	for (size_t i = 0; type && i < SO_ARRAY_SIZE(record_types); i++)
		if (strcmp(type, record_types[i]) == 0) {
			char name[64];
			snprintf(name, sizeof(name), "%s.schema.json", record_types[i]);
			schema = json_object_get(r->schemas, name);
			break;
		}
	if (!schema) {
		if ((errors = json_array()))
			reason(errors, "type", "must be birth, marriage, death or parentage");
		return errors;
	}
	return so_jschema_check(schema, rec, schema_resolve, r);
}

/* Idempotency keys ---------------------------------------------------------------------------- */

/* A key names one entry: AUTHORITY/TYPE/YEAR/VOLUME/NUMBER. Two spellings of one entry must
 * find one row, so each part is compared in a canonical form: without blanks, control
 * characters, '/' and bytes outside ASCII (the client leaves them out of its keys too), ASCII
 * letters in lower case, and the leading zeros of a number dropped ("057" is entry 57, " 57 "
 * and "BIRTH" are 57 and birth). The key is also checked against the record it comes with:
 * every part must name what the record's own book and registration number say. */
enum key_part { KEY_AUTHORITY, KEY_TYPE, KEY_YEAR, KEY_VOLUME, KEY_NUMBER, KEY_PARTS };

static const char *const key_part_field[KEY_PARTS] = {
	"book.authority_code", "book.type", "book.year", "book.volume",
	"registration_number",
};

#define KEY_PART_MAX 64

/* The canonical form of LEN bytes of IN into OUT; 0, or -1 when it is empty or too long. */
static int key_canonical(const char *in, size_t len, char out[KEY_PART_MAX])
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)in[i];
		if (ch <= ' ' || ch == '/' || ch >= 0x7f)
			continue;
		if (n == 0 && ch == '0' && i + 1 < len && in[i + 1] >= '0' && in[i + 1] <= '9')
			continue;   /* a leading zero before another digit */
		if (n + 1 >= KEY_PART_MAX)
			return -1;
		out[n++] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
	}
	out[n] = '\0';
	return n ? 0 : -1;
}

/* The canonical parts of the record's own key; -1 naming the part it lacks in *missing. */
static int key_of_record(json_t *rec, char parts[KEY_PARTS][KEY_PART_MAX], int *missing)
{
	json_t *book = json_object_get(rec, "book");
	json_t *number = json_object_get(json_object_get(json_object_get(rec, "fields"),
							 "registration_number"), "value");
	json_t *values[KEY_PARTS] = {
		json_object_get(book, "authority_code"), json_object_get(book, "type"),
		json_object_get(book, "year"), json_object_get(book, "volume"), number,
	};
	for (int i = 0; i < KEY_PARTS; i++) {
		char text[32];
		const char *v = json_string_value(values[i]);
		if (json_is_integer(values[i])) {
			snprintf(text, sizeof(text), "%lld", (long long)json_integer_value(values[i]));
			v = text;
		}
		if (!v || key_canonical(v, strlen(v), parts[i]) < 0) {
			*missing = i;
			return -1;
		}
	}
	return 0;
}

/* Checks the Idempotency-Key KEY against the record REC and makes CANON, the key the record
 * is stored under. 0; or an answer's status (400 a key of the wrong form, 422 a key naming
 * another entry or a record without its key) with *BODY the answer. */
static unsigned key_check(const char *key, json_t *rec, char *canon, size_t size,
			  json_t **body)
{
	char mine[KEY_PARTS][KEY_PART_MAX], given[KEY_PARTS][KEY_PART_MAX];
	const char *p = key;
	for (int i = 0; i < KEY_PARTS; i++) {
		size_t len = i + 1 < KEY_PARTS ? strcspn(p, "/") : strlen(p);
		if ((i + 1 < KEY_PARTS && p[len] != '/') || key_canonical(p, len, given[i]) < 0) {
			*body = json_pack("{s:s}", "error", "the Idempotency-Key must be "
					  "AUTHORITY/TYPE/YEAR/VOLUME/NUMBER, each part given");
			return 400;
		}
		p += len + (i + 1 < KEY_PARTS);
	}
	int missing = 0;
	if (key_of_record(rec, mine, &missing) < 0) {
		*body = json_pack("{s:s, s:[{s:s, s:s}]}", "error", "the record is refused", "errors",
				  "field", key_part_field[missing], "reason",
				  "is needed: it is part of the record's key");
		return 422;
	}
	json_t *errors = json_array();
	for (int i = 0; errors && i < KEY_PARTS; i++)
		if (strcmp(mine[i], given[i]) != 0) {
			char why[2 * KEY_PART_MAX + 96];
			snprintf(why, sizeof(why), "the Idempotency-Key names '%s', the record '%s'",
				 given[i], mine[i]);
			reason(errors, key_part_field[i], why);
		}
	if (!errors) {
		*body = NULL;
		return 500;
	}
	if (json_array_size(errors)) {
		*body = json_pack("{s:s, s:o}", "error", "the Idempotency-Key names another entry "
				  "than the record", "errors", errors);
		return 422;
	}
	json_decref(errors);
	snprintf(canon, size, "%s/%s/%s/%s/%s", mine[0], mine[1], mine[2], mine[3], mine[4]);
	return 0;
}

/* Storing ------------------------------------------------------------------------------------ */

/* The content a record is compared by: everything but its delivery status. */
static int content_hash(json_t *rec, char hex[SO_SHA256_HEX])
{
	json_t *copy = json_deep_copy(rec);
	if (!copy)
		return -1;
	json_object_del(copy, "status");
	char *text = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(copy);
	if (!text)
		return -1;
	struct so_sha256 h;
	int r = so_sha256_init(&h) == 0 && so_sha256_update(&h, text, strlen(text)) == 0 &&
		so_sha256_final(&h, hex) == 0 ? 0 : -1;
	free(text);
	return r;
}

/* Creates or finds the record of the canonical key CANON (KEY as the client gave it is kept
 * beside it). *status gets 201, 200 or 409; *id its id. */
static int store(struct so_registry *r, const char *key, const char *canon, json_t *rec,
		 unsigned *status, long long *id)
{
	char hash[SO_SHA256_HEX];
	if (content_hash(rec, hash) < 0)
		return -1;
	char *text = json_dumps(rec, JSON_COMPACT);
	if (!text)
		return -1;
	int rc = -1;
	pthread_mutex_lock(&r->lock);
	sqlite3_stmt *st = NULL;
	if (sqlite3_exec(r->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto done;
	if (sqlite3_prepare_v2(r->db, "SELECT id, sha256 FROM records WHERE canonical_key = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		goto rollback;
	sqlite3_bind_text(st, 1, canon, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*status = strcmp((const char *)sqlite3_column_text(st, 1), hash) == 0 ? 200 : 409;
		sqlite3_finalize(st);
		st = NULL;
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
		rc = 0;
		goto done;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(r->db, "INSERT INTO records (idempotency_key, canonical_key, type, body, "
			       "sha256, created_at) VALUES (?1, ?5, ?2, ?3, ?4, "
			       "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", -1, &st, NULL) != SQLITE_OK)
		goto rollback;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, json_string_value(json_object_get(rec, "type")), -1,
			  SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, canon, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto rollback;
	*id = sqlite3_last_insert_rowid(r->db);
	*status = 201;
	if (sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto rollback;
	rc = 0;
	goto done;
rollback:
	sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
done:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&r->lock);
	free(text);
	return rc;
}

/* One record: its answer as (status, body). */
static json_t *create_one(struct so_registry *r, const char *key, json_t *rec, unsigned *status)
{
	if (!key || !*key || strlen(key) > 512) {
		*status = 400;
		return json_pack("{s:s}", "error", "an Idempotency-Key is required");
	}
	json_t *errors = validate(r, rec);
	if (!errors) {
		*status = 500;
		return json_pack("{s:s}", "error", "the record could not be checked");
	}
	if (json_array_size(errors)) {
		*status = 422;
		return json_pack("{s:s, s:o}", "error", "the record is refused", "errors", errors);
	}
	json_decref(errors);
	char canon[KEY_PARTS * KEY_PART_MAX];
	json_t *refusal = NULL;
	unsigned refused = key_check(key, rec, canon, sizeof(canon), &refusal);
	if (refused) {
		*status = refused;
		return refusal ? refusal : json_pack("{s:s}", "error", "out of memory");
	}
	long long id = 0;
	if (store(r, key, canon, rec, status, &id) < 0) {
		*status = 500;
		return json_pack("{s:s}", "error", "the database failed");
	}
	char rid[32];
	snprintf(rid, sizeof(rid), "R%08lld", id);
	if (*status == 409)
		return json_pack("{s:s, s:s, s:[{s:s, s:s}]}", "id", rid, "error",
				 "a record with this key exists with other content", "errors",
				 "field", "", "reason", "a record with this business key was delivered "
				 "with different content");
	return json_pack("{s:s, s:s}", "id", rid, "result", *status == 201 ? "created" : "exists");
}

/* Requests --------------------------------------------------------------------------------- */

/* 1 when the client presented a certificate that verifies against the client CA. */
static int client_certified(struct so_registry *r, struct MHD_Connection *c)
{
	if (!r->trust)
		return 0;
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (!ci || !ci->tls_session)
		return 0;
	gnutls_session_t session = (gnutls_session_t)ci->tls_session;
	unsigned n = 0, status = 0;
	if (!gnutls_certificate_get_peers(session, &n) || n == 0)
		return 0;
	return gnutls_certificate_verify_peers2(session, &status) == 0 && status == 0;
}

/* 1 when the bearer GIVEN (LEN bytes) is the token T. The time it takes depends on neither
 * where the two first differ nor on T's length: every byte of T's buffer is compared. */
static int token_equal(const struct token *t, const char *given, size_t len)
{
	unsigned diff = len != t->len || len >= sizeof(t->value);
	for (size_t i = 0; i < sizeof(t->value); i++)
		diff |= (unsigned char)(i < len ? given[i] : 0) ^ (unsigned char)t->value[i];
	return diff == 0;
}

static int authorized(struct so_registry *r, struct MHD_Connection *c, int write)
{
	if (!r->auth)
		return 200;
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	if (!h && client_certified(r, c))
		return 200;
	if (!h || strncmp(h, "Bearer ", 7) != 0)
		return 401;
	/* every token is compared, whichever matches */
	size_t len = strlen(h + 7);
	int match = -1;
	for (int i = 0; i < r->ntokens; i++)
		if (token_equal(&r->tokens[i], h + 7, len))
			match = i;
	if (match < 0)
		return 401;
	return !write || r->tokens[match].write ? 200 : 403;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct so_registry *r = cls;
	struct request *q = *con_cls;
	if (!q) {
		watch_request(r, c, 1);
		/* the first call has the headers only: the credentials and the announced size are
		 * checked here, so a refused upload is answered before a byte of its body is read
		 * (with "Expect: 100-continue" the client is never asked for it) */
		int health = strcmp(method, "GET") == 0 && strcmp(url, "/v1/health") == 0;
		int auth = health ? 200 : authorized(r, c, strcmp(method, "POST") == 0);
		if (auth == 401)
			return problem(c, 401, r->trust ? "a valid bearer token or client certificate "
						   "is required" : "a valid bearer token is required");
		if (auth == 403)
			return problem(c, 403, "this token may not deliver records");
		const char *length = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
								 MHD_HTTP_HEADER_CONTENT_LENGTH);
		long announced = 0;
		if (length && so_parse_long(length, 0, (long)r->o.max_body, &announced) < 0)
			return problem(c, 413, "the request body is too large");
		q = calloc(1, sizeof(*q));
		if (!q)
			return MHD_NO;
		so_buf_init(&q->body, r->o.max_body);
		*con_cls = q;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!q->too_big && so_buf_add(&q->body, upload, *upload_size) < 0)
			q->too_big = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	/* the faults asked for, before any work */
	if (r->o.fault_drop > 0 && draw(r) < r->o.fault_drop)
		return MHD_NO;
	if (r->o.fault_delay_ms > 0)
		usleep((useconds_t)r->o.fault_delay_ms * 1000);
	if (r->o.fault_500 > 0 && draw(r) < r->o.fault_500)
		return problem(c, 500, "injected failure");
	if (r->o.fault_busy > 0 && draw(r) < r->o.fault_busy)
		return answer(c, draw(r) < 0.5 ? 429 : 503,
			      json_pack("{s:s}", "error", "busy: retry later"), 1);

	if (strcmp(method, "GET") == 0 && strcmp(url, "/v1/health") == 0)
		return answer(c, 200, json_pack("{s:s}", "status", "ok"), 0);
	int write = strcmp(method, "POST") == 0;
	if (q->too_big)
		return problem(c, 413, "the request body is too large");
	if (write && (strcmp(url, "/v1/records") == 0 || strcmp(url, "/v1/records:batch") == 0)) {
		json_error_t err;
		json_t *body = json_loadb(q->body.data ? q->body.data : "", q->body.len, 0, &err);
		if (!body)
			return problem(c, 400, "the body is not JSON");
		unsigned status = 200;
		json_t *out;
		if (strcmp(url, "/v1/records") == 0) {
			const char *key = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
								      "Idempotency-Key");
			out = create_one(r, key, body, &status);
		} else {
			json_t *items = json_object_get(body, "records");
			if (!json_is_array(items) || json_array_size(items) == 0 ||
			    json_array_size(items) > (size_t)r->o.batch_max) {
				json_decref(body);
				char msg[96];
				snprintf(msg, sizeof(msg), "'records' must hold 1 to %d items",
					 r->o.batch_max);
				return problem(c, 422, msg);
			}
			json_t *results = json_array();
			size_t i;
			json_t *it;
			json_array_foreach(items, i, it) {
				unsigned s = 0;
				json_t *res = create_one(r, json_string_value(json_object_get(it,
							 "idempotency_key")), json_object_get(it, "record"), &s);
				json_object_set_new(res, "status", json_integer(s));
				json_array_append_new(results, res);
			}
			out = json_pack("{s:o}", "results", results);
		}
		json_decref(body);
		return answer(c, status, out, 0);
	}
	if (strcmp(method, "GET") == 0 && strncmp(url, "/v1/records/R", 13) == 0) {
		long long id = strtoll(url + 13, NULL, 10);
		pthread_mutex_lock(&r->lock);
		sqlite3_stmt *st = NULL;
		json_t *rec = NULL;
		if (sqlite3_prepare_v2(r->db, "SELECT body FROM records WHERE id = ?1", -1, &st,
				       NULL) == SQLITE_OK) {
			sqlite3_bind_int64(st, 1, id);
			if (sqlite3_step(st) == SQLITE_ROW)
				rec = json_loads((const char *)sqlite3_column_text(st, 0), 0, NULL);
		}
		sqlite3_finalize(st);
		pthread_mutex_unlock(&r->lock);
		return rec ? answer(c, 200, rec, 0) : problem(c, 404, "no such record");
	}
	return problem(c, 404, "no such resource");
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct request *q = *con_cls;
	watch_request(cls, c, 0);
	if (q) {
		so_buf_release(&q->body);
		free(q);
		*con_cls = NULL;
	}
}

/* Starting and stopping ---------------------------------------------------------------------- */

static int load_tokens(struct so_registry *r, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return so_error("cannot open the tokens file '%s': %s", path, strerror(errno));
	char line[512];
	while (fgets(line, sizeof(line), f) && r->ntokens < TOKENS_MAX) {
		char tok[128], scope[16] = "write";
		if (line[0] == '#' || sscanf(line, "%127s %15s", tok, scope) < 1)
			continue;
		snprintf(r->tokens[r->ntokens].value, sizeof(r->tokens[0].value), "%s", tok);
		r->tokens[r->ntokens].len = strlen(tok);
		r->tokens[r->ntokens].write = strcmp(scope, "read") != 0;
		r->ntokens++;
	}
	fclose(f);
	if (!r->ntokens)
		return so_error("the tokens file '%s' holds no token", path);
	r->auth = 1;
	return 0;
}

/* Opens the records database. One made before keys were compared in their canonical form gets
 * its canonical_key column, filled from each record's own key; if it holds an entry twice, it
 * is refused with the key named. */
static int db_open(struct so_registry *r, const char *path)
{
	sqlite3_stmt *st = NULL, *up = NULL;
	if (sqlite3_open(path, &r->db) != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(r->db, 30000);
	if (sqlite3_exec(r->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
			 "CREATE TABLE IF NOT EXISTS records (id INTEGER PRIMARY KEY, "
			 "idempotency_key TEXT NOT NULL UNIQUE, canonical_key TEXT, "
			 "type TEXT NOT NULL, body TEXT NOT NULL, sha256 TEXT NOT NULL, "
			 "created_at TEXT NOT NULL)", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	int has = 0;
	if (sqlite3_prepare_v2(r->db, "SELECT count(*) FROM pragma_table_info('records') WHERE "
			       "name = 'canonical_key'", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		goto fail;
	has = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (!has) {
		if (sqlite3_exec(r->db, "BEGIN IMMEDIATE; ALTER TABLE records ADD COLUMN "
				 "canonical_key TEXT", NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_prepare_v2(r->db, "SELECT id, body FROM records", -1, &st, NULL) !=
			    SQLITE_OK ||
		    sqlite3_prepare_v2(r->db, "UPDATE records SET canonical_key = ?2 WHERE id = ?1",
				       -1, &up, NULL) != SQLITE_OK)
			goto fail;
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			json_t *rec = json_loads((const char *)sqlite3_column_text(st, 1), 0, NULL);
			char parts[KEY_PARTS][KEY_PART_MAX], canon[KEY_PARTS * KEY_PART_MAX];
			int missing = 0;
			int ok = rec && key_of_record(rec, parts, &missing) == 0;
			json_decref(rec);
			if (!ok)
				continue;   /* no key of its own: it keeps its key as given */
			snprintf(canon, sizeof(canon), "%s/%s/%s/%s/%s", parts[0], parts[1], parts[2],
				 parts[3], parts[4]);
			sqlite3_bind_int64(up, 1, sqlite3_column_int64(st, 0));
			sqlite3_bind_text(up, 2, canon, -1, SQLITE_TRANSIENT);
			if (sqlite3_step(up) != SQLITE_DONE)
				goto fail;
			sqlite3_reset(up);
		}
		if (rc != SQLITE_DONE)
			goto fail;
		sqlite3_finalize(st);
		sqlite3_finalize(up);
		st = up = NULL;
		if (sqlite3_exec(r->db, "UPDATE records SET canonical_key = idempotency_key WHERE "
				 "canonical_key IS NULL", NULL, NULL, NULL) != SQLITE_OK)
			goto fail;
	}
	if (sqlite3_exec(r->db, "CREATE UNIQUE INDEX IF NOT EXISTS records_canonical ON "
			 "records (canonical_key)", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_prepare_v2(r->db, "SELECT canonical_key FROM records GROUP BY canonical_key "
				   "HAVING count(*) > 1 LIMIT 1", -1, &st, NULL);
		if (st && sqlite3_step(st) == SQLITE_ROW) {
			so_error("the registry database '%s' holds the entry %s more than once (stored "
				 "before keys were compared in their canonical form): keep one of "
				 "them", path, (const char *)sqlite3_column_text(st, 0));
			goto out;
		}
		goto fail;
	}
	if (!has && sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	return 0;
fail:
	so_error("cannot open the registry database '%s': %s", path,
		 r->db ? sqlite3_errmsg(r->db) : "no memory");
out:
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	if (r->db && !sqlite3_get_autocommit(r->db))
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int so_registry_start(const struct so_registry_options *o, struct so_registry **out)
{
	*out = NULL;
	struct so_registry *r = so_calloc(1, sizeof(*r));
	if (!r)
		return -1;
	r->o = *o;
	if (!r->o.max_body)
		r->o.max_body = 1 << 20;
	if (!r->o.batch_max)
		r->o.batch_max = 100;
	if (!r->o.max_connections)
		r->o.max_connections = SO_REGISTRY_MAX_CONNECTIONS;
	if (!r->o.per_address)
		r->o.per_address = SO_REGISTRY_PER_ADDRESS;
	if (!r->o.idle_timeout)
		r->o.idle_timeout = SO_REGISTRY_IDLE_TIMEOUT;
	if (!r->o.header_timeout)
		r->o.header_timeout = SO_REGISTRY_HEADER_TIMEOUT;
	if (r->o.per_address > r->o.max_connections)
		r->o.per_address = r->o.max_connections;
	r->rng = o->seed ? o->seed : (uint64_t)time(NULL) | 1;
	pthread_mutex_init(&r->lock, NULL);
	pthread_mutex_init(&r->watch_lock, NULL);
	char host[64] = "127.0.0.1";
	int port = 0;
	const char *colon = o->listen ? strrchr(o->listen, ':') : NULL;
	if (!colon || colon - o->listen >= (long)sizeof(host) ||
	    sscanf(colon + 1, "%d", &port) != 1 || port < 0 || port > 65535) {
		so_error("--listen must be HOST:PORT (e.g. 127.0.0.1:8443)");
		goto error;
	}
	memcpy(host, o->listen, (size_t)(colon - o->listen));
	host[colon - o->listen] = 0;
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
		so_error("cannot listen on '%s': an IPv4 address is needed", host);
		goto error;
	}
	if (o->tokens && load_tokens(r, o->tokens) < 0)
		goto error;
	if (schemas_load(r) < 0)
		goto error;
	if (db_open(r, o->db) < 0)
		goto error;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
			 MHD_USE_ERROR_LOG;
	size_t len;
	if (o->cert || o->key) {
		if (!o->cert || !o->key) {
			so_error("HTTPS needs both --cert and --key");
			goto error;
		}
		if (so_read_file(o->cert, 1 << 20, &r->cert, &len) < 0 ||
		    so_read_file(o->key, 1 << 20, &r->key, &len) < 0)
			goto error;
		flags |= MHD_USE_TLS;
	}
	if (o->client_ca) {
		if (!r->cert) {
			so_error("client certificates need HTTPS (--cert and --key)");
			goto error;
		}
		if (so_read_file(o->client_ca, 1 << 20, &r->trust, &len) < 0)
			goto error;
		r->auth = 1;
	}
	struct MHD_OptionItem opts[11];
	int n = 0;
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0, &addr };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, r };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection,
					     r };
	/* a client that sends nothing for idle_timeout seconds is dropped; no address holds more
	 * than per_address connections, nor all of them more than max_connections */
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT,
					     (intptr_t)r->o.idle_timeout, NULL };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT,
					     (intptr_t)r->o.max_connections, NULL };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_PER_IP_CONNECTION_LIMIT,
					     (intptr_t)r->o.per_address, NULL };
	if (r->cert) {
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, r->cert };
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, r->key };
	}
	if (r->trust)
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_TRUST, 0, r->trust };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	r->daemon = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, handle, r,
				     MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (!r->daemon) {
		so_error("cannot listen on %s (in use, or a bad certificate)", o->listen);
		goto error;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(r->daemon,
							       MHD_DAEMON_INFO_BIND_PORT);
	r->port = info ? info->port : port;
	if (pthread_create(&r->reaper, NULL, reaper_main, r) != 0) {
		so_error("cannot start the thread that cuts slow clients");
		goto error;
	}
	r->reaper_running = 1;
	*out = r;
	return 0;
error:
	so_registry_stop(r);
	return -1;
}

int so_registry_port(const struct so_registry *r)
{
	return r->port;
}

void so_registry_stop(struct so_registry *r)
{
	if (!r)
		return;
	atomic_store(&r->stopping, 1);
	if (r->reaper_running)
		pthread_join(r->reaper, NULL);
	if (r->daemon)
		MHD_stop_daemon(r->daemon);
	if (r->db)
		sqlite3_close(r->db);
	pthread_mutex_destroy(&r->lock);
	pthread_mutex_destroy(&r->watch_lock);
	free(r->cert);
	free(r->key);
	free(r->trust);
	json_decref(r->schemas);
	free(r);
}
