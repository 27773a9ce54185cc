/*
 * The keying pages of the review application: keyers key handwritten fields blind, from the
 * keyboard, an arbitrator settles two keyings that disagree, and everyone sees the keyers'
 * statistics (keying.h has the rules). Routes (a session needed; changes carry the form field
 * csrf; answers in JSON when asked with Accept: application/json):
 *
 *   GET  /key[?after=N][&fragment=1]  the keying page with the keyer's next entry after record
 *        N (keyer role); with fragment=1 only its <section id="entry"> (swapped in place by
 *        web/keying.js)
 *   GET  /key/next[?after=N]          that entry as JSON (so_keying_next)
 *   POST /key/save                    record, field, value (as typed), seconds: one keying;
 *        {"ok": true, "outcome": "waiting" | "accepted" | "conflict", "value", "code", "role"}
 *        or 422 {"ok": false, "message"} (refused: not canonical), or 409 {"ok": false,
 *        "gone": true, "message"} (the field is no longer waiting for this keyer: move on)
 *   GET  /key/conflicts[?fragment=1]  the arbitration page (arbitrator role): the first
 *        conflict with both keyings, the row and the cell; JSON: {"total", "items"}
 *   POST /key/arbitrate               record, field and keying (the keying's id picked) or value
 *        (a third reading): {"ok": true} or 422 {"ok": false, "message"}
 *   GET  /key/stats                   per keyer and field kind: fields keyed, agreement with the
 *        value accepted, seconds per field, trusted; JSON: the list (so_keying_stats)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/util.h"
#include "review/keying.h"
#include "review/keyingweb.h"
#include "review/reviewweb_internal.h"

#define TYPED_MAX 2000          /* bytes of one keyed value */
#define SECONDS_MAX 86400.0     /* a keying's time as the script measured it */
#define CONFLICTS_SHOWN 50

enum ktext {
	K_TITLE, K_ARB_TITLE, K_STATS_TITLE, K_NONE_LEFT, K_NO_CONFLICT, K_NOT_KEYER,
	K_NOT_ARBITRATOR, K_ROW, K_HELP, K_ARB_HELP, K_THIRD, K_PICK, K_KEYER, K_KIND, K_KEYED,
	K_AGREEMENT, K_SECONDS, K_TRUSTED, K_YES, K_NO, K_CONFLICTS_LEFT, K_NAV_KEY, K_NAV_ARB,
	K_NAV_STATS, K_BAD_ID, K_DECIDED, K_NO_STATS, K_ENTRY,
	K_TEXTS
};

static const char *const ktexts[K_TEXTS][2] = {
	[K_TITLE] = { "Nhập liệu chữ viết tay", "Keying handwritten entries" },
	[K_ARB_TITLE] = { "Phân xử hai lần nhập khác nhau", "Arbitrating keyings that disagree" },
	[K_STATS_TITLE] = { "Thống kê người nhập liệu", "Keyers' statistics" },
	[K_NONE_LEFT] = { "Không còn trường viết tay nào chờ bạn nhập.",
			  "No handwritten field is waiting for your keying." },
	[K_NO_CONFLICT] = { "Không có hai lần nhập nào khác nhau chờ phân xử.",
			    "No disagreeing keyings wait for an arbitrator." },
	[K_NOT_KEYER] = { "Tài khoản của bạn không có quyền nhập liệu.",
			  "Your account has no keyer role." },
	[K_NOT_ARBITRATOR] = { "Tài khoản của bạn không có quyền phân xử.",
			       "Your account has no arbitrator role." },
	[K_ROW] = { "Dòng của bản ghi trong sổ", "The record's row in the book" },
	[K_HELP] = { "Gõ đúng như sổ ghi; Enter: lưu và sang ô sau (ô cuối: sang bản ghi sau).",
		     "Type what the book says, as written; Enter saves and moves to the next cell "
		     "(the last cell: to the next entry)." },
	[K_ARB_HELP] = { "1 hoặc 2: chọn một lần nhập; hoặc gõ giá trị thứ ba rồi Enter.",
			 "1 or 2 picks a keying; or type a third reading and press Enter." },
	[K_THIRD] = { "Giá trị thứ ba", "A third reading" },
	[K_PICK] = { "Chọn", "Pick" },
	[K_KEYER] = { "Người nhập", "Keyer" },
	[K_KIND] = { "Loại trường", "Field kind" },
	[K_KEYED] = { "Số trường đã nhập", "Fields keyed" },
	[K_AGREEMENT] = { "Khớp với giá trị cuối", "Agreement with the final value" },
	[K_SECONDS] = { "Giây mỗi trường", "Seconds per field" },
	[K_TRUSTED] = { "Tin cậy", "Trusted" },
	[K_YES] = { "có", "yes" },
	[K_NO] = { "không", "no" },
	[K_CONFLICTS_LEFT] = { "Số trường chờ phân xử:", "Fields waiting for an arbitrator:" },
	[K_NAV_KEY] = { "Nhập liệu", "Keying" },
	[K_NAV_ARB] = { "Phân xử", "Arbitration" },
	[K_NAV_STATS] = { "Thống kê", "Statistics" },
	[K_BAD_ID] = { "Yêu cầu không hợp lệ.", "Bad request." },
	[K_DECIDED] = { "Đã quyết", "Decided" },
	[K_NO_STATS] = { "Chưa có ai nhập liệu.", "Nobody has keyed anything yet." },
	[K_ENTRY] = { "Bản ghi", "Record" },
};

static const char *kt(const struct call *k, enum ktext t)
{
	return ktexts[t][so_web_english(k) ? 1 : 0];
}

/* A record id of the query or form: > 0, or 0 when absent, -1 when malformed. */
static int64_t id_arg(const char *s)
{
	long v;
	if (!s || !*s)
		return 0;
	if (s[0] == '+' || s[0] == '-' || so_parse_long(s, 1, 1L << 50, &v) < 0)
		return -1;
	return v;
}

/* The navigation between the keying pages. */
static void put_nav(struct call *k)
{
	so_web_put(k, "<nav class=\"key-nav\"><a href=\"/key\">%s</a> · <a href=\"/key/conflicts\">"
		   "%s</a> · <a href=\"/key/stats\">%s</a></nav>\n", kt(k, K_NAV_KEY),
		   kt(k, K_NAV_ARB), kt(k, K_NAV_STATS));
}

/* 1 when the signed-in reviewer has ROLE; else answers (0 with *ANSWER set). */
static int role_needed(struct call *k, const char *role, enum ktext refusal,
		       enum MHD_Result *answer)
{
	int r = so_reviewer_has_role(so_web_store(k), so_web_user(k), role);
	if (r < 0)
		*answer = so_web_store_error(k);
	else if (r == 0)
		*answer = so_web_problem(k, 403, kt(k, refusal));
	return r > 0;
}

/* Keying -------------------------------------------------------------------------------------- */

/* <section id="entry">: the row, and per field to key its cell enlarged, its label, the input
 * and the canonical value it makes (filled by the script). No reading, no other keying. */
static void put_entry(struct call *k, json_t *next)
{
	json_t *rec = json_object_get(next, "record");
	const char *date = json_string_value(json_object_get(next, "registration_date"));
	json_t *fields = json_object_get(next, "fields");
	if (!json_is_integer(rec)) {
		so_web_put(k, "<section id=\"entry\" class=\"key-done\" data-record=\"\" "
			   "data-fields=\"0\">\n<p class=\"key-none\">%s</p>\n</section>\n",
			   kt(k, K_NONE_LEFT));
		return;
	}
	int64_t id = json_integer_value(rec);
	char ids[24];
	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	so_web_put(k, "<section id=\"entry\" data-record=\"%D\" data-book-type=\"%s\" "
		   "data-fields=\"%d\">\n<h2>%s %D</h2>\n<figure class=\"key-row\"><img id=\"row-image\" "
		   "src=\"/img/%D/row.png\" alt=\"%s\"></figure>\n<ol class=\"key-cells\">\n", id,
		   json_string_value(json_object_get(next, "book_type")),
		   (int)json_array_size(fields), kt(k, K_ENTRY), id, id, kt(k, K_ROW));
	size_t i;
	json_t *f;
	json_array_foreach(fields, i, f) {
		const char *name = json_string_value(json_object_get(f, "name"));
		const char *kind = json_string_value(json_object_get(f, "kind"));
		so_web_put(k, "<li class=\"key-cell%s\" data-field=\"%s\" data-kind=\"%s\" "
			   "data-role=\"%s\" data-index=\"%d\">\n<img class=\"key-zoom\" "
			   "src=\"/img/%D/cell/%u.png\" alt=\"\">\n<label for=\"key-%d\">%s</label>\n"
			   "<input id=\"key-%d\" class=\"key-input\" name=\"value\" data-field=\"%s\" "
			   "data-kind=\"%s\" data-complete=\"%s\" data-record=\"%D\"", i == 0 ? " active" : "",
			   name, kind, json_string_value(json_object_get(f, "role")), (int)i, id, name,
			   (int)i, json_string_value(json_object_get(f, "label")), (int)i, name, kind, kind,
			   id);
		/* Vietnamese typing (web/vnkey.js) in every cell: a clerk writes dates ("ngày 5
		 * tháng 3") and documents ("CCCD số …") in words too, and digits alone are left as
		 * they are; the registration date chooses the units in force for completion
		 * (web/complete.js) */
		so_web_put(k, " data-vnkey=\"telex\"");
		if (date)
			so_web_put(k, " data-date=\"%s\"", date);
		so_web_put(k, " autocomplete=\"off\" spellcheck=\"false\" lang=\"vi\">\n"
			   "<output class=\"key-canon\" for=\"key-%d\" aria-live=\"polite\"></output>\n"
			   "</li>\n", (int)i);
	}
	so_web_put(k, "</ol>\n</section>\n");
}

static enum MHD_Result key_page(struct call *k)
{
	const char *after_s = so_web_query(k, "after"), *frag = so_web_query(k, "fragment");
	int64_t after = id_arg(after_s);
	if (after < 0)
		return so_web_bad_request(k);
	json_t *next = so_keying_next(so_web_store(k), so_web_keying_policy(k), so_web_user(k),
				      after);
	if (!next)
		return so_web_store_error(k);
	if (frag && strcmp(frag, "1") == 0) {
		put_entry(k, next);
		json_decref(next);
		return so_web_send_page(k, 200);
	}
	so_web_page_begin(k, "/key", kt(k, K_TITLE), "page-key");
	so_web_put(k, "<main id=\"keying\">\n<h1>%s</h1>\n", kt(k, K_TITLE));
	put_nav(k);
	so_web_put(k, "<p class=\"key-help\">%s</p>\n", kt(k, K_HELP));
	put_entry(k, next);
	so_web_put(k, "</main>\n</body>\n</html>\n");
	json_decref(next);
	return so_web_send_page(k, 200);
}

static enum MHD_Result key_next(struct call *k)
{
	int64_t after = id_arg(so_web_query(k, "after"));
	if (after < 0)
		return so_web_bad_request(k);
	json_t *next = so_keying_next(so_web_store(k), so_web_keying_policy(k), so_web_user(k),
				      after);
	if (!next)
		return so_web_store_error(k);
	return so_web_send_json(k, 200, next);
}

/* A uniform draw in [0, 1) for a spot check. */
static double draw(void)
{
	uint64_t r = 0;
	if (so_web_random(&r, sizeof(r)) < 0)
		return 0; /* no randomness: check rather than not */
	return (double)(r >> 11) / 9007199254740992.0;
}

static enum MHD_Result refused(struct call *k, unsigned status)
{
	char msg[1200];
	so_web_one_language(k, so_errmsg(), msg, sizeof(msg));
	return so_web_send_json(k, status, json_pack("{s:b, s:s}", "ok", 0, "message", msg));
}

static enum MHD_Result key_save(struct call *k)
{
	int64_t id = id_arg(so_web_form(k, "record"));
	const char *field = so_web_form(k, "field"), *value = so_web_form(k, "value");
	const char *sec = so_web_form(k, "seconds");
	double seconds = -1;
	if (id <= 0 || !field || !so_web_text_ok(field, 64) || !value ||
	    !so_web_text_ok(value, TYPED_MAX) ||
	    (sec && *sec && so_parse_decimal(sec, 0, SECONDS_MAX, &seconds) < 0))
		return so_web_send_json(k, 400, json_pack("{s:b, s:s}", "ok", 0, "message",
							  kt(k, K_BAD_ID)));
	json_t *out = NULL;
	int r = so_keying_save(so_web_store(k), so_web_keying_policy(k), so_web_user(k), id,
			       field, value, seconds, draw(), &out);
	if (r < 0)
		return so_web_store_error(k);
	if (r == SO_KEYING_REFUSED)
		return refused(k, 422);
	if (r == SO_KEYING_GONE) {
		/* the field went to others meanwhile: the script moves on */
		char msg[1200];
		so_web_one_language(k, so_errmsg(), msg, sizeof(msg));
		return so_web_send_json(k, 409, json_pack("{s:b, s:b, s:s}", "ok", 0, "gone", 1,
							  "message", msg));
	}
	if (!out)
		return so_web_store_error(k);
	json_object_set_new(out, "ok", json_true());
	return so_web_send_json(k, 200, out);
}

/* Arbitration --------------------------------------------------------------------------------- */

static void put_conflict(struct call *k, json_t *list, int64_t total)
{
	json_t *c = json_array_get(list, 0);
	if (!c) {
		so_web_put(k, "<section id=\"conflict\" class=\"key-done\" data-record=\"\" "
			   "data-count=\"0\">\n<p class=\"key-none\">%s</p>\n</section>\n",
			   kt(k, K_NO_CONFLICT));
		return;
	}
	int64_t id = json_integer_value(json_object_get(c, "record"));
	const char *field = json_string_value(json_object_get(c, "field"));
	const char *kind = json_string_value(json_object_get(c, "kind"));
	so_web_put(k, "<section id=\"conflict\" data-record=\"%D\" data-field=\"%s\" "
		   "data-count=\"%D\">\n<p class=\"key-left\">%s <strong>%D</strong></p>\n"
		   "<h2>%s %D · %s</h2>\n<figure class=\"key-row\"><img id=\"row-image\" "
		   "src=\"/img/%D/row.png\" alt=\"%s\"></figure>\n<img class=\"key-zoom\" "
		   "src=\"/img/%D/cell/%u.png\" alt=\"\">\n<form class=\"arbitrate\" method=\"post\" "
		   "action=\"/key/arbitrate\">\n<input type=\"hidden\" name=\"record\" value=\"%D\">"
		   "<input type=\"hidden\" name=\"field\" value=\"%s\">\n<ol class=\"keyings\">\n",
		   id, field, total, kt(k, K_CONFLICTS_LEFT), total, kt(k, K_ENTRY), id,
		   json_string_value(json_object_get(c, "label")), id, kt(k, K_ROW), id, field, id,
		   field);
	size_t i;
	json_t *kg;
	json_array_foreach(json_object_get(c, "keyings"), i, kg) {
		const char *value = json_string_value(json_object_get(kg, "value"));
		const char *code = json_string_value(json_object_get(kg, "code"));
		so_web_put(k, "<li class=\"keying\" data-pick=\"%d\" data-keying=\"%D\" "
			   "data-keyer=\"%s\"><button type=\"submit\" name=\"keying\" value=\"%D\">"
			   "<kbd>%d</kbd> %s</button> <span class=\"typed\">%s</span> → "
			   "<span class=\"canon\">%s</span>%s%s <span class=\"keyer\">(%s)</span>"
			   "</li>\n", (int)i + 1,
			   (int64_t)json_integer_value(json_object_get(kg, "id")),
			   json_string_value(json_object_get(kg, "keyer")),
			   (int64_t)json_integer_value(json_object_get(kg, "id")), (int)i + 1,
			   kt(k, K_PICK), json_string_value(json_object_get(kg, "typed")),
			   value ? value : "∅", code ? " · " : "", code ? code : "",
			   json_string_value(json_object_get(kg, "keyer")));
	}
	so_web_put(k, "</ol>\n<label for=\"third\">%s</label>\n<input id=\"third\" class=\"key-input\" "
		   "name=\"value\" data-field=\"%s\" data-kind=\"%s\" data-complete=\"%s\" "
		   "data-record=\"%D\"%s autocomplete=\"off\" spellcheck=\"false\" lang=\"vi\">\n"
		   "<output class=\"key-canon\" for=\"third\" aria-live=\"polite\"></output>\n"
		   "</form>\n</section>\n", kt(k, K_THIRD), field, kind, kind, id,
		   " data-vnkey=\"telex\"");
}

static enum MHD_Result conflicts_page(struct call *k)
{
	int64_t total = 0;
	json_t *list = so_keying_conflicts(so_web_store(k), CONFLICTS_SHOWN, &total);
	if (!list)
		return so_web_store_error(k);
	if (so_web_wants_json(k))
		return so_web_send_json(k, 200, json_pack("{s:I, s:o}", "total", (json_int_t)total,
							  "items", list));
	const char *frag = so_web_query(k, "fragment");
	if (frag && strcmp(frag, "1") == 0) {
		put_conflict(k, list, total);
		json_decref(list);
		return so_web_send_page(k, 200);
	}
	so_web_page_begin(k, "/key/conflicts", kt(k, K_ARB_TITLE), "page-key-arbitrate");
	so_web_put(k, "<main id=\"arbitration\">\n<h1>%s</h1>\n", kt(k, K_ARB_TITLE));
	put_nav(k);
	so_web_put(k, "<p class=\"key-help\">%s</p>\n", kt(k, K_ARB_HELP));
	put_conflict(k, list, total);
	so_web_put(k, "</main>\n</body>\n</html>\n");
	json_decref(list);
	return so_web_send_page(k, 200);
}

static enum MHD_Result arbitrate(struct call *k)
{
	int64_t id = id_arg(so_web_form(k, "record"));
	int64_t keying = id_arg(so_web_form(k, "keying"));
	const char *field = so_web_form(k, "field"), *value = so_web_form(k, "value");
	if (id <= 0 || keying < 0 || !field || !so_web_text_ok(field, 64) ||
	    (keying == 0 && (!value || !so_web_text_ok(value, TYPED_MAX))))
		return so_web_send_json(k, 400, json_pack("{s:b, s:s}", "ok", 0, "message",
							  kt(k, K_BAD_ID)));
	int r = so_keying_arbitrate(so_web_store(k), so_web_user(k), id, field, keying, value);
	if (r < 0)
		return so_web_store_error(k);
	if (r == SO_KEYING_REFUSED)
		return refused(k, 422);
	return so_web_send_json(k, 200, json_pack("{s:b}", "ok", 1));
}

/* Statistics ---------------------------------------------------------------------------------- */

static enum MHD_Result stats_page(struct call *k)
{
	json_t *list = so_keying_stats(so_web_store(k), so_web_keying_policy(k));
	if (!list)
		return so_web_store_error(k);
	if (so_web_wants_json(k))
		return so_web_send_json(k, 200, list);
	so_web_page_begin(k, "/key/stats", kt(k, K_STATS_TITLE), "page-key-stats");
	so_web_put(k, "<main id=\"keyer-stats-page\">\n<h1>%s</h1>\n", kt(k, K_STATS_TITLE));
	put_nav(k);
	if (!json_array_size(list)) {
		so_web_put(k, "<p class=\"key-none\">%s</p>\n", kt(k, K_NO_STATS));
	} else {
		so_web_put(k, "<table id=\"keyer-stats\">\n<thead><tr><th>%s</th><th>%s</th>"
			   "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead>\n"
			   "<tbody>\n", kt(k, K_KEYER), kt(k, K_KIND), kt(k, K_KEYED),
			   kt(k, K_DECIDED), kt(k, K_AGREEMENT), kt(k, K_SECONDS),
			   kt(k, K_TRUSTED));
		size_t i;
		json_t *r;
		json_array_foreach(list, i, r) {
			json_t *ag = json_object_get(r, "agreement"), *sec = json_object_get(r, "seconds");
			char agt[32] = "—", sect[32] = "—", agd[32] = "", secd[32] = "";
			if (json_is_number(ag)) {
				snprintf(agt, sizeof(agt), "%.1f%%", 100 * json_number_value(ag));
				snprintf(agd, sizeof(agd), "%.4f", json_number_value(ag));
			}
			if (json_is_number(sec)) {
				snprintf(sect, sizeof(sect), "%.1f", json_number_value(sec));
				snprintf(secd, sizeof(secd), "%.2f", json_number_value(sec));
			}
			int trusted = json_is_true(json_object_get(r, "trusted"));
			so_web_put(k, "<tr data-keyer=\"%s\" data-kind=\"%s\" data-keyed=\"%D\" "
				   "data-decided=\"%D\" data-agreed=\"%D\" data-agreement=\"%s\" "
				   "data-seconds=\"%s\" data-trusted=\"%d\"><td>%s</td><td>%s</td>"
				   "<td>%D</td><td>%D</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
				   json_string_value(json_object_get(r, "keyer")),
				   json_string_value(json_object_get(r, "kind")),
				   (int64_t)json_integer_value(json_object_get(r, "keyed")),
				   (int64_t)json_integer_value(json_object_get(r, "decided")),
				   (int64_t)json_integer_value(json_object_get(r, "agreed")), agd, secd,
				   trusted, json_string_value(json_object_get(r, "keyer")),
				   json_string_value(json_object_get(r, "kind")),
				   (int64_t)json_integer_value(json_object_get(r, "keyed")),
				   (int64_t)json_integer_value(json_object_get(r, "decided")), agt, sect,
				   kt(k, trusted ? K_YES : K_NO));
		}
		so_web_put(k, "</tbody>\n</table>\n");
	}
	so_web_put(k, "</main>\n</body>\n</html>\n");
	json_decref(list);
	return so_web_send_page(k, 200);
}

/* Routing ------------------------------------------------------------------------------------- */

enum MHD_Result so_keying_route(struct call *k, const char *url, int get, int post)
{
	enum MHD_Result answer = MHD_NO;
	const char *p = url + 4;   /* after "/key" */
	int keyer = strcmp(p, "") == 0 || strcmp(p, "/next") == 0 || strcmp(p, "/save") == 0;
	int arbitrator = strcmp(p, "/conflicts") == 0 || strcmp(p, "/arbitrate") == 0;
	if (post && !so_web_csrf_ok(k))
		return so_web_csrf_refused(k);
	if (keyer && !role_needed(k, "keyer", K_NOT_KEYER, &answer))
		return answer;
	if (arbitrator && !role_needed(k, "arbitrator", K_NOT_ARBITRATOR, &answer))
		return answer;
	if (get && strcmp(p, "") == 0)
		return key_page(k);
	if (get && strcmp(p, "/next") == 0)
		return key_next(k);
	if (post && strcmp(p, "/save") == 0)
		return key_save(k);
	if (get && strcmp(p, "/conflicts") == 0)
		return conflicts_page(k);
	if (post && strcmp(p, "/arbitrate") == 0)
		return arbitrate(k);
	if (get && strcmp(p, "/stats") == 0)
		return stats_page(k);
	return so_web_not_found(k);
}
