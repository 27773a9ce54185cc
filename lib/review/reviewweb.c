/*
 * The archivists' review application (see reviewweb.h): a libmicrohttpd server over one batch
 * store, run by one internal polling thread so that requests are handled one at a time and the
 * store is only ever used from that thread. Pages are plain HTML written through one escaping
 * formatter (page_put), with the stylesheet and script embedded from lib/web/; every answer
 * carries a strict Content-Security-Policy (no inline script or style), so the data the script
 * needs travels in data-* attributes. Changes are form POSTs carrying the session's CSRF token
 * and the record version the archivist saw; the script sends the same forms with fetch and
 * asks for JSON, and without the script they work as plain forms (redirect back to the page
 * with a one-shot message kept in memory for the session).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/embed.h"
#include "base/error.h"
#include "base/util.h"
#include "batch/store.h"
#include "batch/workers.h"
#include "check/rules.h"
#include "register/flagcode.h"
#include "review/keying.h"
#include "review/keyingweb.h"
#include "review/complete.h"
#include "review/acceptance_lot.h"
#include "review/review.h"
#include "review/reviewweb.h"
#include "review/reviewweb_internal.h"

#define BODY_MAX (64 * 1024)      /* a POST body */
#define VALUE_MAX (16 * 1024)     /* one form value */
#define URL_MAX 1024              /* the path of a request */
#define PAGE_MAX (8 << 20)        /* an HTML page */
#define QUEUE_PAGE 100            /* records per queue page */
#define FLASH_MAX 64              /* one-shot messages kept (one per session) */
#define NAME_MAX_LEN 64           /* a reviewer's name */
#define PASSWORD_MAX 1024

/* Connections (README, "The review on a network"): at most CONN_MAX at once and
 * per_address (--connections-per-address) from one client address; a request's headers and
 * body must arrive within request_timeout seconds (--request-timeout) of the connection's
 * start or of its last answer, however slowly they trickle in; an idle connection is
 * closed after the same time. */
#define CONN_MAX 256
#define PER_ADDRESS_DEFAULT 16
#define REQUEST_TIMEOUT_DEFAULT 10
#define ALLOWED_HOSTS_MAX 16

/* Sign-in throttling (README): by account and by client address, the kind's `free`
 * failures in a row cost nothing, then each further failure locks the key for twice as long
 * as the one before (1 s, 2 s, 4 s … up to LOCK_MAX; the first lock is --sign-in-lock); while locked a sign-in is answered 429
 * with Retry-After without checking the password. A key is forgotten THROTTLE_FORGET
 * seconds after its last failure, an account's also at its successful sign-in. */
#define THROTTLE_MAX 1024
#define LOCK_MAX 900
#define THROTTLE_FORGET 3600
enum throttle_kind { THROTTLE_ACCOUNT, THROTTLE_ADDRESS, THROTTLE_KINDS };
static const struct {
	char prefix;              /* of the key: 'u' + name, 'a' + address */
	int free;                 /* failures in a row before the first lock */
} throttle_kinds[THROTTLE_KINDS] = {
	[THROTTLE_ACCOUNT] = { 'u', 5 },
	[THROTTLE_ADDRESS] = { 'a', 20 },
};

/* The login form's token: a random cookie (sohoa_login) and, in the form, its MAC under a
 * key made when the server starts; a sign-in needs both to agree. */
#define LOGIN_KEY_LEN 32
#define LOGIN_MAC_LEN SO_SHA256_HEX

enum lang { VI = 0, EN = 1 };

/* Interface strings ---------------------------------------------------------------------- */

enum text {
	T_APP, T_LOGIN_TITLE, T_USER, T_PASSWORD, T_SIGN_IN, T_BAD_LOGIN, T_LANG_OTHER,
	T_LANG_OTHER_CODE, T_LOGOUT, T_SIGNED_IN_AS, T_QUEUE_TITLE, T_RECORDS, T_ALL_BOOKS,
	T_ALL_FLAGS, T_BOOK, T_FLAG, T_FILTER, T_CLEAR, T_PLACE, T_NUMBER, T_NAME, T_FLAGS,
	T_EMPTY_QUEUE, T_PAGE, T_PREV_PAGE, T_NEXT_PAGE, T_FILE_PAGE_ROW, T_ROW_IMAGE, T_FIELDS,
	T_READ_AS, T_CONFIDENCE, T_EDIT, T_SAVE, T_CANCEL, T_VERIFY, T_APPROVE, T_REJECT,
	T_REASON, T_REASON_HINT, T_PREV, T_NEXT, T_HISTORY, T_NO_HISTORY, T_WHEN, T_WHO,
	T_ACTION, T_FIELD, T_CHANGE, T_NO_FLAGS, T_STATE_OPEN, T_STATE_VERIFIED,
	T_STATE_RESOLVED, T_SEV_ERROR, T_SEV_WARNING, T_SHORTCUTS, T_KEYS_HELP, T_K_MOVE,
	T_K_OPEN, T_K_EDIT, T_K_SAVE, T_K_CANCEL, T_K_VERIFY, T_K_APPROVE, T_K_REJECT,
	T_K_NEXTPREV, T_K_ZOOM, T_K_HELP, T_SAVED, T_VERIFIED, T_APPROVED, T_REJECTED, T_CSRF,
	T_NO_RECORD, T_NOT_FOUND, T_BAD_REQUEST, T_TOO_BIG, T_SERVER_ERROR, T_BAD_VALUE,
	T_LOGIN_NEEDED, T_EMPTY, T_BY_ARCHIVIST, T_QUEUE_LINK, T_VERSION, T_FIELDS_OF_FLAG,
	T_ARCHIVIST_SOURCE, T_REJECT_REASON_SHOWN, T_BACK_TO_QUEUE, T_LOW, T_NO_IMAGE,
	T_ACTIONS, T_SUCCESSOR, T_CODE, T_SHOWING, T_TOO_MANY, T_LOGIN_EXPIRED, T_BAD_HOST,
	T_TAKEN_BADGE, T_TAKEN_OPEN_WITH, T_TAKEN_UNTIL, T_TAKEN_LOOK_ONLY, T_PACE, T_PER_HOUR,
	T_BACKLOG_ABOUT, T_HOURS, T_NO_PACE, T_VERIFY_ALL, T_VERIFY_ALL_RECORDS, T_VERIFIED_IN,
	T_REASONS, T_TIMED_OVER,
	T_CONF_CHECKED, T_WILL_SAVE, T_SERVER_ERROR_LOGGED,
	T_K_DOUBT, T_K_QUEUE, T_NO_FLAG_HERE, T_K_MAGNIFY, T_K_PAGE, T_K_GROUP, T_K_REASONS,
	T_PAGE_IMAGE, T_LAST_DOUBT, T_COUNT
};

/* Every string of the interface, Vietnamese then English. */
static const char *const texts[T_COUNT][2] = {
	[T_APP] = { "Duyệt hồ sơ hộ tịch", "Civil-status record review" },
	[T_LOGIN_TITLE] = { "Đăng nhập", "Sign in" },
	[T_USER] = { "Tên người duyệt", "Reviewer name" },
	[T_PASSWORD] = { "Mật khẩu", "Password" },
	[T_SIGN_IN] = { "Đăng nhập", "Sign in" },
	[T_BAD_LOGIN] = { "Tên hoặc mật khẩu không đúng.", "Wrong name or password." },
	[T_LANG_OTHER] = { "English", "Tiếng Việt" },
	[T_LANG_OTHER_CODE] = { "en", "vi" },
	[T_LOGOUT] = { "Đăng xuất", "Sign out" },
	[T_SIGNED_IN_AS] = { "Người duyệt:", "Reviewer:" },
	[T_QUEUE_TITLE] = { "Hồ sơ cần xem lại", "Records to review" },
	[T_RECORDS] = { "hồ sơ", "records" },
	[T_ALL_BOOKS] = { "Tất cả các sổ", "All books" },
	[T_ALL_FLAGS] = { "Mọi loại cờ", "All flags" },
	[T_BOOK] = { "Sổ", "Book" },
	[T_FLAG] = { "Cờ", "Flag" },
	[T_FILTER] = { "Lọc", "Filter" },
	[T_CLEAR] = { "Bỏ lọc", "Clear" },
	[T_PLACE] = { "Tệp / trang / dòng", "File / page / row" },
	[T_NUMBER] = { "Số ĐK", "Reg. no." },
	[T_NAME] = { "Họ tên", "Name" },
	[T_FLAGS] = { "Cờ cần xử lý", "Flags" },
	[T_EMPTY_QUEUE] = { "Không còn hồ sơ nào cần xem lại.", "Nothing left to review." },
	[T_PAGE] = { "Trang", "Page" },
	[T_PREV_PAGE] = { "← Trang trước", "← Previous page" },
	[T_NEXT_PAGE] = { "Trang sau →", "Next page →" },
	[T_FILE_PAGE_ROW] = { "trang %d, dòng %d", "page %d, row %d" },
	[T_ROW_IMAGE] = { "Ảnh dòng trong sổ", "The row in the book" },
	[T_FIELDS] = { "Các trường", "Fields" },
	[T_READ_AS] = { "Máy đọc:", "Read as:" },
	[T_CONFIDENCE] = { "độ tin cậy", "confidence" },
	[T_EDIT] = { "Sửa", "Edit" },
	[T_SAVE] = { "Lưu", "Save" },
	[T_CANCEL] = { "Hủy", "Cancel" },
	[T_VERIFY] = { "Đúng như trong sổ", "As written in the book" },
	[T_APPROVE] = { "Duyệt hồ sơ", "Approve" },
	[T_REJECT] = { "Từ chối", "Reject" },
	[T_REASON] = { "Lý do từ chối", "Reason for rejecting" },
	[T_REASON_HINT] = { "Bắt buộc. Enter để gửi.", "Required. Enter sends it." },
	[T_PREV] = { "← Hồ sơ trước", "← Previous" },
	[T_NEXT] = { "Hồ sơ sau →", "Next →" },
	[T_HISTORY] = { "Lịch sử thay đổi", "History" },
	[T_NO_HISTORY] = { "Chưa có thay đổi nào.", "No changes yet." },
	[T_WHEN] = { "Thời điểm", "When" },
	[T_WHO] = { "Người thực hiện", "Who" },
	[T_ACTION] = { "Thao tác", "Action" },
	[T_FIELD] = { "Trường", "Field" },
	[T_CHANGE] = { "Trước → sau", "Before → after" },
	[T_NO_FLAGS] = { "Không có cờ nào.", "No flags." },
	[T_STATE_OPEN] = { "chưa xử lý", "open" },
	[T_STATE_VERIFIED] = { "đã xác nhận đúng như sổ", "verified as written" },
	[T_STATE_RESOLVED] = { "đã sửa", "resolved" },
	[T_SEV_ERROR] = { "Lỗi", "Error" },
	[T_SEV_WARNING] = { "Lưu ý", "Warning" },
	[T_SHORTCUTS] = { "Phím tắt", "Keyboard shortcuts" },
	[T_KEYS_HELP] = { "Phím tắt (?)", "Shortcuts (?)" },
	[T_K_MOVE] = { "chọn trường (hoặc dòng) sau / trước", "next / previous field (or row)" },
	[T_K_OPEN] = { "mở hồ sơ đang chọn", "open the selected record" },
	[T_K_EDIT] = { "sửa trường đang chọn", "edit the selected field" },
	[T_K_SAVE] = { "lưu giá trị đang sửa", "save the value being edited" },
	[T_K_CANCEL] = { "hủy sửa", "cancel editing" },
	[T_K_VERIFY] = { "xác nhận giá trị đúng như trong sổ", "confirm the value as written" },
	[T_K_APPROVE] = { "duyệt hồ sơ", "approve the record" },
	[T_K_REJECT] = { "từ chối (nhập lý do, Enter để gửi)", "reject (type a reason, Enter)" },
	[T_K_NEXTPREV] = { "hồ sơ sau / trước", "next / previous record" },
	[T_K_ZOOM] = { "ảnh dòng cỡ thật / thu nhỏ", "row image full size / smaller" },
	[T_K_HELP] = { "hiện / ẩn bảng này", "show / hide this list" },
	[T_SAVED] = { "Đã lưu.", "Saved." },
	[T_VERIFIED] = { "Đã xác nhận giá trị đúng như trong sổ.", "Confirmed as written." },
	[T_APPROVED] = { "Đã duyệt hồ sơ.", "Record approved." },
	[T_REJECTED] = { "Đã từ chối hồ sơ.", "Record rejected." },
	[T_CSRF] = { "Yêu cầu không hợp lệ (phiên làm việc đã thay đổi): hãy tải lại trang.",
		     "Invalid request (the session changed): reload the page." },
	[T_NO_RECORD] = { "Không có hồ sơ này.", "No such record." },
	[T_NOT_FOUND] = { "Không tìm thấy trang.", "Page not found." },
	[T_BAD_REQUEST] = { "Yêu cầu không hợp lệ.", "Bad request." },
	[T_TOO_BIG] = { "Dữ liệu gửi lên quá lớn.", "The request is too large." },
	[T_SERVER_ERROR] = { "Lỗi máy chủ:", "Server error:" },
	[T_BAD_VALUE] = { "Giá trị không hợp lệ (quá dài hoặc không phải UTF-8).",
			  "Invalid value (too long, or not UTF-8)." },
	[T_LOGIN_NEEDED] = { "Cần đăng nhập.", "Please sign in." },
	[T_EMPTY] = { "—", "—" },
	[T_BY_ARCHIVIST] = { "người duyệt đã sửa", "set by a reviewer" },
	[T_QUEUE_LINK] = { "Danh sách", "Queue" },
	[T_VERSION] = { "phiên bản", "version" },
	[T_FIELDS_OF_FLAG] = { "Trường:", "Fields:" },
	[T_ARCHIVIST_SOURCE] = { "người duyệt", "reviewer" },
	[T_REJECT_REASON_SHOWN] = { "Lý do từ chối:", "Rejected because:" },
	[T_BACK_TO_QUEUE] = { "← Về danh sách", "← Back to the queue" },
	[T_LOW] = { "thấp", "low" },
	[T_NO_IMAGE] = { "Không có ảnh của dòng này.", "No image of this row." },
	[T_ACTIONS] = { "Kết luận", "Decision" },
	[T_SUCCESSOR] = { "nay là", "now" },
	[T_CODE] = { "mã", "code" },
	[T_SHOWING] = { "đang xem", "showing" },
	[T_TOO_MANY] = { "Đăng nhập sai quá nhiều lần: hãy thử lại sau ít phút.",
			 "Too many failed sign-ins: try again in a few minutes." },
	[T_LOGIN_EXPIRED] = { "Biểu mẫu đăng nhập đã hết hạn: hãy đăng nhập lại.",
			      "The sign-in form expired: sign in again." },
	[T_BAD_HOST] = { "Tên máy chủ không được phép.", "This host name is not served here." },
	[T_TAKEN_BADGE] = { "đang do", "taken by" },
	[T_TAKEN_OPEN_WITH] = { "Bản ghi này đang do", "This record is open with" },
	[T_TAKEN_UNTIL] = { "xem lại đến", "until" },
	[T_TAKEN_LOOK_ONLY] = { "Bạn xem được nhưng chưa sửa được cho đến lúc đó.",
				"You can look at it but not change it until then." },
	[T_PACE] = { "Nhịp của bạn:", "Your pace:" },
	[T_PER_HOUR] = { "bản ghi/giờ", "records an hour" },
	[T_BACKLOG_ABOUT] = { "danh sách này còn khoảng", "this list needs about" },
	[T_HOURS] = { "giờ", "hours" },
	[T_NO_PACE] = { "Chưa đo được nhịp làm việc của bạn.", "Your pace is not measured yet." },
	[T_VERIFY_ALL] = { "Xác nhận ở cả", "Confirm in all" },
	[T_VERIFY_ALL_RECORDS] = { "bản ghi", "records" },
	[T_VERIFIED_IN] = { "Đã xác nhận đúng như sổ ở %d bản ghi.",
			    "Confirmed as written in %d records." },
	[T_REASONS] = { "Lý do thường gặp", "Common reasons" },
	[T_TIMED_OVER] = { "bản ghi gần nhất", "latest records" },
	[T_CONF_CHECKED] = { "Độ tin cậy thấp, nhưng giá trị đã được các quy tắc kiểm tra và "
			     "không có cờ nào mở.",
			     "Low confidence, but the rules checked the value and no flag is open." },
	[T_WILL_SAVE] = { "sẽ lưu:", "will save:" },
	[T_SERVER_ERROR_LOGGED] = { "Lỗi máy chủ: chi tiết đã ghi vào nhật ký của máy chủ; hãy báo "
				    "cho người quản trị.",
				    "Server error: the details are in the server's log." },
	[T_K_DOUBT] = { "trường cần xem sau / trước (hết thì sang hồ sơ sau)",
			"next / previous doubtful field (then the next record)" },
	[T_K_QUEUE] = { "về danh sách", "back to the queue" },
	[T_NO_FLAG_HERE] = { "Trường này không có cờ cần xác nhận: Space chọn trường cần xem.",
			     "This field has no flag to confirm: Space selects a doubtful one." },
	[T_K_MAGNIFY] = { "phóng to ô đang chọn", "magnify the selected cell" },
	[T_K_PAGE] = { "xem cả trang sổ", "the whole page of the book" },
	[T_K_GROUP] = { "xác nhận cùng giá trị ở mọi hồ sơ", "confirm the same reading in every record" },
	[T_K_REASONS] = { "khi từ chối: chọn lý do có sẵn", "when rejecting: a ready-made reason" },
	[T_PAGE_IMAGE] = { "Cả trang sổ (Esc để đóng)", "The whole page (Esc closes it)" },
	[T_LAST_DOUBT] = { "Đã hết trường cần xem ở hồ sơ này: duyệt (a) hoặc từ chối (r).",
			   "No doubtful field left here: approve (a) or reject (r)." },
};

/* Words for values of the store, by language. */
struct word {
	const char *key, *vi, *en;
};

static const struct word status_words[] = {
	{ "extracted", "Mới đọc, chưa kiểm tra", "Read, not yet checked" },
	{ "needs_review", "Cần xem lại", "Needs review" },
	{ "valid", "Hợp lệ", "Valid" },
	{ "approved", "Đã duyệt", "Approved" },
	{ "rejected", "Đã từ chối", "Rejected" },
	{ "synced", "Đã gửi lên cơ sở dữ liệu quốc gia", "Delivered to the national database" },
};

static const struct word book_words[] = {
	{ "birth", "Khai sinh", "Birth" },
	{ "marriage", "Kết hôn", "Marriage" },
	{ "death", "Khai tử", "Death" },
	{ "parentage", "Nhận cha, mẹ, con", "Parentage" },
};

static const struct word action_words[] = {
	{ "set", "Sửa giá trị", "Value set" },
	{ "verify", "Xác nhận đúng như sổ", "Confirmed as written" },
	{ "approve", "Duyệt", "Approved" },
	{ "reject", "Từ chối", "Rejected" },
	{ "status", "Đổi trạng thái", "Status changed" },
	/* keying handwritten fields (keying.h) */
	{ "key-first", "Nhập lần 1", "Keyed first" },
	{ "key-second", "Nhập lần 2", "Keyed second" },
	{ "key-single", "Nhập một lần", "Keyed once" },
	{ "key-spot", "Nhập kiểm tra", "Keyed as a spot check" },
	{ "conflict", "Hai lần nhập khác nhau", "Keyings disagree" },
	{ "arbitrate", "Phân xử", "Arbitrated" },
	{ "accept", "Nhận giá trị đã nhập", "Keyed value accepted" },
};

static const char *word(const struct word *w, size_t n, const char *key, int lang)
{
	for (size_t i = 0; key && i < n; i++)
		if (strcmp(w[i].key, key) == 0)
			return lang == EN ? w[i].en : w[i].vi;
	return NULL;
}
#define WORD(table, key, lang) word(table, SO_ARRAY_SIZE(table), key, lang)

/* What flag code CODE means, in the page's language; NULL for a code without a meaning. */
static const char *flag_meaning(const char *code, int lang)
{
	const struct so_flag_code *c = so_flag_code_find(code);
	return !c ? NULL : lang == EN ? c->en : c->vi;
}

/* The server and one request ------------------------------------------------------------- */

struct flash {
	char key[SO_TOKEN_LEN];   /* the session's CSRF token: one message per session */
	char text[1024];
	int error;
};

/* A connection as the server watches it; deadline 0 while its request is being answered. */
struct slot {
	struct MHD_Connection *c;
	int fd;
	int64_t deadline;         /* monotonic_ms */
};

/* Failed sign-ins of one account or address. */
struct throttle {
	char key[80];             /* prefix and name or address; "" when free */
	int failures;             /* in a row */
	int64_t last;             /* the last failure (monotonic_ms) */
	int64_t until;            /* locked until */
};

struct web {
	struct so_store *store;
	long ttl;
	struct flash flash[FLASH_MAX];
	unsigned flash_next;
	int behind_tls;           /* cookies are Secure */
	int has_proxy;            /* proxy is set */
	struct in_addr proxy;     /* --trusted-proxy: its X-Forwarded-For names the client */
	char hosts[ALLOWED_HOSTS_MAX + 3][280]; /* Host values served: "name" or "name:port" */
	size_t n_hosts;
	long request_timeout;
	long sign_in_lock;        /* ms of the first sign-in lock */
	pthread_mutex_t lock;     /* slots: the server's thread and the sweeping one */
	struct slot slots[CONN_MAX];
	struct throttle throttle[THROTTLE_MAX];
	unsigned char login_key[2][LOGIN_KEY_LEN];
	int64_t claim_seconds;    /* opening a record claims it this long (--claim-minutes) */
	json_t *reasons;          /* the reasons for rejecting, by book type (review.h) */
	struct so_keying_policy keying;  /* the keying policy (keying.h) */
	int64_t log_second;       /* server messages: the second counted (lock held) */
	int log_lines;            /* lines written in it */
	long log_left_out;        /* lines left out since the last note */
};

/* The form fields a POST may carry; anything else is ignored. */
static const char *const form_keys[] = {
	"user", "password", "csrf", "version", "field", "value", "flag", "reason", "q_book",
	"q_flag", "seconds", "keys",
	"record", "keying",
};
#define FORM_KEYS SO_ARRAY_SIZE(form_keys)

struct request {
	struct MHD_PostProcessor *pp;
	uint64_t body;            /* bytes of body received */
	int too_big;              /* more than BODY_MAX */
	int answered;             /* refused before its body was read */
	int form_bad;             /* a value too long or a key twice */
	struct so_buf form[FORM_KEYS];
	int seen[FORM_KEYS];
};

/* A request being answered. */
struct call {
	struct web *w;
	struct MHD_Connection *c;
	struct request *rq;
	const char *url;
	int lang;
	int lang_cookie;          /* ?lang= was given: remember it */
	int session;              /* a live session */
	char user[NAME_MAX_LEN + 8];
	char csrf[SO_TOKEN_LEN];
	char token[SO_TOKEN_LEN];
	const char *page;         /* the page answered ("/", "/login", "/records/ID"), or NULL */
	char cookies[4][200];     /* Set-Cookie values of the answer */
	size_t n_cookies;
	int retry_after;          /* seconds for Retry-After, or 0 */
	char address[INET6_ADDRSTRLEN]; /* the client's */
	struct so_buf out;
	int oom;
	int64_t started_us;       /* when its answer began (for Server-Timing) */
};

static const char *tr(const struct call *k, enum text t)
{
	return texts[t][k->lang];
}

/* The part of MSG, a review outcome's message (review.h: the Vietnamese, " — ", then the
 * English), in the page's language, into OUT; a message without the two parts is kept
 * whole. */
static const char *one_language(const struct call *k, const char *msg, char *out, size_t size)
{
	const char *sep = msg ? strstr(msg, " — ") : NULL;
	if (!sep) {
		snprintf(out, size, "%s", msg ? msg : "");
	} else if (k->lang == EN) {
		snprintf(out, size, "%s", sep + strlen(" — "));
		/* a sentence begins with a capital */
		if (out[0] >= 'a' && out[0] <= 'z')
			out[0] = (char)(out[0] - 'a' + 'A');
	} else {
		int n = (int)(sep - msg);
		snprintf(out, size, "%.*s", n, msg);
	}
	return out;
}

/* Strings from outside ----------------------------------------------------------------------- */

/* 1 when S is well-formed UTF-8 without control characters other than tab and newline. */
static int utf8_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c = *p;
		int n;
		uint32_t cp;
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
				return 0;
			p++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		for (int i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += n + 1;
	}
	return 1;
}

/* 1 when S is 1..MAX characters of letters, digits and the characters of EXTRA. */
static int token_chars(const char *s, size_t max, const char *extra)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      (c && strchr(extra, c))))
			return 0;
	}
	return 1;
}

/* A field name as layouts write them: "child.birth_date"; never "..", a slash or a dot at an
 * end, so that it cannot name anything but a field. */
static int field_name_ok(const char *s)
{
	if (!token_chars(s, 64, "._"))
		return 0;
	size_t n = strlen(s);
	return s[0] != '.' && s[n - 1] != '.' && !strstr(s, "..");
}

/* Compares two secrets in time that depends only on their lengths. */
static int secret_equal(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	volatile unsigned char d = na != nb;
	size_t n = na < nb ? na : nb;
	for (size_t i = 0; i < n; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

static const char *query(const struct call *k, const char *name)
{
	return MHD_lookup_connection_value(k->c, MHD_GET_ARGUMENT_KIND, name);
}

static const char *form(const struct call *k, const char *name)
{
	for (size_t i = 0; i < FORM_KEYS; i++)
		if (strcmp(form_keys[i], name) == 0)
			return k->rq && k->rq->seen[i] ? (k->rq->form[i].data ? k->rq->form[i].data
									     : "") : NULL;
	return NULL;
}

/* The queue filter of a request: from the query (GET) or the form (POST); values that are
 * not a book key or a flag code are ignored. */
struct filter_text {
	char book[100];
	char flag[48];
};

static void filter_read(const struct call *k, int post, struct filter_text *ft)
{
	const char *book = post ? form(k, "q_book") : query(k, "book");
	const char *flag = post ? form(k, "q_flag") : query(k, "flag");
	ft->book[0] = ft->flag[0] = 0;
	if (book && token_chars(book, sizeof(ft->book) - 1, "-_."))
		snprintf(ft->book, sizeof(ft->book), "%s", book);
	if (flag && token_chars(flag, sizeof(ft->flag) - 1, "_"))
		snprintf(ft->flag, sizeof(ft->flag), "%s", flag);
}

static void filter_of(const struct filter_text *ft, struct so_review_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->book = ft->book[0] ? ft->book : NULL;
	f->flag = ft->flag[0] ? ft->flag : NULL;
}

/* The filter of the signed-in reviewer: others' claims are shown and passed over. */
static void filter_viewed(const struct call *k, const struct filter_text *ft,
			  struct so_review_filter *f)
{
	filter_of(ft, f);
	f->viewer = k->session ? k->user : NULL;
}

/* Writing pages -------------------------------------------------------------------------- */

static void out_add(struct call *k, const char *s, size_t n)
{
	if (!k->oom && so_buf_add(&k->out, s, n) < 0)
		k->oom = 1;
}

static void out_text(struct call *k, const char *s)
{
	static const char *const esc[256] = {
		['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;",
		['\''] = "&#39;",
	};
	const char *run = s;
	for (; s && *s; s++) {
		const char *e = esc[(unsigned char)*s];
		if (!e)
			continue;
		out_add(k, run, (size_t)(s - run));
		out_add(k, e, strlen(e));
		run = s + 1;
	}
	if (run && s)
		out_add(k, run, (size_t)(s - run));
}

static void out_url_value(struct call *k, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			out_add(k, (const char *)&c, 1);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			out_add(k, e, 3);
		}
	}
}

/*
 * The one way text gets into a page. FMT is trusted markup; its directives take the values:
 *   %s  text from anywhere (the store, the request): escaped for HTML text and attributes
 *   %t  an interface string (enum text), escaped
 *   %u  a value for a URL query: percent-encoded (so also safe in an attribute)
 *   %d  int      %D int64_t      %f double, 3 decimals      %%  a percent sign
 * (%t only WITH_TEXTS: the keying pages' so_web_put has their own strings)
 */
static void put_v(struct call *k, int with_texts, const char *fmt, va_list ap)
{
	const char *run = fmt;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		out_add(k, run, (size_t)(p - run));
		char num[64];
		switch (*++p) {
		case 's':
			out_text(k, va_arg(ap, const char *));
			break;
		case 't':
			if (!with_texts) {
				p--;
				break;
			}
			out_text(k, tr(k, (enum text)va_arg(ap, int)));
			break;
		case 'u':
			out_url_value(k, va_arg(ap, const char *));
			break;
		case 'd':
			snprintf(num, sizeof(num), "%d", va_arg(ap, int));
			out_add(k, num, strlen(num));
			break;
		case 'D':
			snprintf(num, sizeof(num), "%lld", (long long)va_arg(ap, int64_t));
			out_add(k, num, strlen(num));
			break;
		case 'f':
			snprintf(num, sizeof(num), "%.3f", va_arg(ap, double));
			out_add(k, num, strlen(num));
			break;
		case '%':
			out_add(k, "%", 1);
			break;
		default:      /* a mistake in a format of this file: write nothing for it */
			p--;
			break;
		}
		run = p + 1;
	}
	out_add(k, run, strlen(run));
}

/* Writes FMT with its values into the page (put_v's directives, %t among them). */
static void page_put(struct call *k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	put_v(k, 1, fmt, ap);
	va_end(ap);
}

/* "?book=..&flag=.." (with LEAD '?' or '&'), or "" when no filter. */
static void put_filter_query(struct call *k, const struct filter_text *ft, char lead)
{
	if (ft->book[0]) {
		page_put(k, lead == '?' ? "?book=%u" : "&amp;book=%u", ft->book);
		lead = '&';
	}
	if (ft->flag[0])
		page_put(k, lead == '?' ? "?flag=%u" : "&amp;flag=%u", ft->flag);
}

struct query_ctx {
	struct call *k;
	int n;
};

static enum MHD_Result put_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	struct query_ctx *q = cls;
	if (!key || strcmp(key, "lang") == 0 || strlen(key) > 32 || (value && strlen(value) > 200))
		return MHD_YES;
	page_put(q->k, q->n++ ? "&amp;%u=%u" : "%u=%u", key, value ? value : "");
	return MHD_YES;
}

/* The link to this page in the other language: to the page answered as the route named it
 * (never the request's path, which may be "//elsewhere"), or to the queue. */
static void put_lang_link(struct call *k)
{
	page_put(k, "<a id=\"lang\" href=\"%s?", k->page ? k->page : "/");
	struct query_ctx q = { k, 0 };
	if (k->page && strcmp(k->page, "/login") != 0)
		MHD_get_connection_values(k->c, MHD_GET_ARGUMENT_KIND, put_query_arg, &q);
	page_put(k, "%slang=%t\" lang=\"%t\">%t</a>", q.n ? "&" : "", T_LANG_OTHER_CODE,
		 T_LANG_OTHER_CODE, T_LANG_OTHER);
}

static void put_head(struct call *k, const char *title, const char *body_class)
{
	page_put(k, "<!doctype html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
		 k->lang == EN ? "en" : "vi");
	if (k->session)
		page_put(k, "<meta name=\"csrf\" content=\"%s\">\n", k->csrf);
	page_put(k, "<title>%s — %t</title>\n"
		 "<link rel=\"icon\" href=\"/static/icon.svg\" type=\"image/svg+xml\">\n"
		 "<link rel=\"stylesheet\" href=\"/static/app.css\">\n"
		 "<script src=\"/static/app.js\" defer></script>\n", title, T_APP);
	if (k->session)
		page_put(k, "<script src=\"/static/values.js\" defer></script>\n"
			 "<script src=\"/static/vnkey.js\" defer></script>\n"
			 "<script src=\"/static/complete.js\" defer></script>\n");
	if (k->session && strncmp(body_class, "page-key", 8) == 0)
		page_put(k, "<link rel=\"stylesheet\" href=\"/static/keying.css\">\n"
			 "<script src=\"/static/keying.js\" defer></script>\n");
	page_put(k, "</head>\n<body class=\"%s\">\n", body_class);
}

/* The header of a logged-in page, the message of the last action, and the shortcut list. */
static void put_top(struct call *k, const char *const *keys, const enum text *what, size_t n)
{
	page_put(k, "<header class=\"top\">\n<a class=\"brand\" href=\"/\">%t</a>\n"
		 "<nav class=\"who\"><span class=\"user\">%t <strong id=\"user\">%s</strong></span>\n",
		 T_APP, T_SIGNED_IN_AS, k->user);
	/* keying handwritten fields (keyingweb.c) */
	page_put(k, "<a id=\"keying-link\" href=\"/key\">%s</a>\n", k->lang == EN ? "Keying" : "Nhập liệu");
	page_put(k, "<button type=\"button\" id=\"help\" class=\"quiet\" aria-controls=\"shortcuts\">"
		 "%t</button>\n", T_KEYS_HELP);
	put_lang_link(k);
	page_put(k, "\n<form id=\"logout\" method=\"post\" action=\"/logout\">"
		 "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		 "<button type=\"submit\" class=\"quiet\">%t</button></form>\n</nav>\n</header>\n",
		 k->csrf, T_LOGOUT);
	/* the one-shot message of the session */
	struct flash *fl = NULL;
	for (size_t i = 0; i < FLASH_MAX; i++)
		if (k->w->flash[i].key[0] && secret_equal(k->w->flash[i].key, k->csrf))
			fl = &k->w->flash[i];
	if (fl) {
		page_put(k, "<p id=\"message\" class=\"%s\" role=\"status\">%s</p>\n",
			 fl->error ? "error" : "ok", fl->text);
		memset(fl, 0, sizeof(*fl));
	} else {
		page_put(k, "<p id=\"message\" role=\"status\" hidden></p>\n");
	}
	page_put(k, "<aside id=\"shortcuts\" hidden>\n<h2>%t</h2>\n<dl>\n", T_SHORTCUTS);
	for (size_t i = 0; i < n; i++)
		page_put(k, "<dt>%s</dt><dd>%t</dd>\n", keys[i], what[i]);
	page_put(k, "<dt>?</dt><dd>%t</dd>\n</dl>\n</aside>\n", T_K_HELP);
}

static void flash_set(struct call *k, int error, const char *text)
{
	struct web *w = k->w;
	struct flash *fl = NULL;
	for (size_t i = 0; i < FLASH_MAX && !fl; i++)
		if (w->flash[i].key[0] && secret_equal(w->flash[i].key, k->csrf))
			fl = &w->flash[i];
	if (!fl)
		fl = &w->flash[w->flash_next++ % FLASH_MAX];
	snprintf(fl->key, sizeof(fl->key), "%s", k->csrf);
	snprintf(fl->text, sizeof(fl->text), "%s", text);
	fl->error = error;
}

/* Answers ------------------------------------------------------------------------------------- */

enum cache { CACHE_NONE, CACHE_PRIVATE, CACHE_REVALIDATE };

/* Adds a Set-Cookie to the answer (FMT is trusted, its values are tokens), with Secure when
 * the server is reached through TLS. */
__attribute__((format(printf, 2, 3)))
static void cookie_add(struct call *k, const char *fmt, ...)
{
	if (k->n_cookies >= SO_ARRAY_SIZE(k->cookies))
		return;
	char *c = k->cookies[k->n_cookies++];
	size_t size = sizeof(k->cookies[0]);
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(c, size, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < size && k->w->behind_tls)
		snprintf(c + n, size - (size_t)n, "; Secure");
}

/* A monotonic clock in microseconds. */
static int64_t clock_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static enum MHD_Result respond(struct call *k, unsigned status, const char *type,
			       const void *data, size_t len, enum MHD_ResponseMemoryMode mode,
			       const char *location, enum cache cache)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)data, mode);
	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free((void *)data);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'none'; img-src 'self'; style-src 'self'; "
				"script-src 'self'; connect-src 'self'; form-action 'self'; "
				"frame-ancestors 'none'; base-uri 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(r, "Cache-Control", cache == CACHE_PRIVATE ?
				"private, max-age=600" : cache == CACHE_REVALIDATE ? "no-cache" :
				"no-store");
	if (type)
		MHD_add_response_header(r, "Content-Type", type);
	if (location)
		MHD_add_response_header(r, "Location", location);
	if (k->lang_cookie)
		cookie_add(k, "sohoa_lang=%s; Path=/; Max-Age=31536000; SameSite=Strict",
			   k->lang == EN ? "en" : "vi");
	for (size_t i = 0; i < k->n_cookies; i++)
		MHD_add_response_header(r, "Set-Cookie", k->cookies[i]);
	if (k->started_us) {
		/* the server's time for this answer, which the browser shows and the review
		 * benchmark adds up */
		char timing[48];
		snprintf(timing, sizeof(timing), "app;dur=%.1f",
			 (double)(clock_us() - k->started_us) / 1000.0);
		MHD_add_response_header(r, "Server-Timing", timing);
	}
	if (k->retry_after > 0) {
		char secs[24];
		snprintf(secs, sizeof(secs), "%d", k->retry_after);
		MHD_add_response_header(r, "Retry-After", secs);
	}
	enum MHD_Result ret = MHD_queue_response(k->c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Sends the page written into k->out. */
static enum MHD_Result send_page(struct call *k, unsigned status)
{
	if (k->oom) {
		static const char msg[] = "out of memory\n";
		return respond(k, 500, "text/plain; charset=utf-8", msg, sizeof(msg) - 1,
			       MHD_RESPMEM_PERSISTENT, NULL, CACHE_NONE);
	}
	size_t len = 0;
	char *html = so_buf_detach(&k->out, &len);
	if (!html)
		html = so_strdup("");
	if (!html)
		return MHD_NO;
	return respond(k, status, "text/html; charset=utf-8", html, len, MHD_RESPMEM_MUST_FREE,
		       NULL, CACHE_NONE);
}

static enum MHD_Result redirect(struct call *k, const char *location)
{
	return respond(k, 303, "text/plain; charset=utf-8", "", 0, MHD_RESPMEM_PERSISTENT,
		       location, CACHE_NONE);
}

static enum MHD_Result send_json(struct call *k, unsigned status, json_t *body)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (!text)
		return MHD_NO;
	return respond(k, status, "application/json; charset=utf-8", text, strlen(text),
		       MHD_RESPMEM_MUST_FREE, NULL, CACHE_NONE);
}

static int wants_json(const struct call *k)
{
	const char *a = MHD_lookup_connection_value(k->c, MHD_HEADER_KIND, "Accept");
	return a && strstr(a, "application/json");
}

/* A small page saying what went wrong (or JSON for the script). */
static enum MHD_Result send_problem(struct call *k, unsigned status, const char *message)
{
	if (wants_json(k))
		return send_json(k, status, json_pack("{s:b, s:b, s:s}", "ok", 0, "conflict", 0,
						      "message", message));
	so_buf_reset(&k->out);
	k->oom = 0;
	put_head(k, message, "page-problem");
	if (k->session)
		put_top(k, NULL, NULL, 0);
	page_put(k, "<main id=\"problem\">\n<h1>%d</h1>\n<p class=\"error\">%s</p>\n"
		 "<p><a href=\"/\">%t</a></p>\n</main>\n</body>\n</html>\n", (int)status, message,
		 T_BACK_TO_QUEUE);
	return send_page(k, status);
}

static void log_limited(struct web *w, const char *fmt, ...);

static enum MHD_Result send_store_error(struct call *k)
{
	char msg[1200];
	log_limited(k->w, "store error: %s", so_errmsg());
	if (k->lang == EN)
		snprintf(msg, sizeof(msg), "%s %s", tr(k, T_SERVER_ERROR), so_errmsg());
	else
		snprintf(msg, sizeof(msg), "%s", tr(k, T_SERVER_ERROR_LOGGED));
	return send_problem(k, 500, msg);
}

/* Static files --------------------------------------------------------------------------- */

static enum MHD_Result serve_static(struct call *k, const char *name)
{
	static const struct {
		const char *url, *file, *type;
	} files[] = {
		{ "/static/app.css", "web/app.css", "text/css; charset=utf-8" },
		{ "/static/app.js", "web/app.js", "text/javascript; charset=utf-8" },
		{ "/static/values.js", "web/values.js", "text/javascript; charset=utf-8" },
		{ "/static/keying.js", "web/keying.js", "text/javascript; charset=utf-8" },
		{ "/static/keying.css", "web/keying.css", "text/css; charset=utf-8" },
		{ "/static/vnkey.js", "web/vnkey.js", "text/javascript; charset=utf-8" },
		{ "/static/complete.js", "web/complete.js", "text/javascript; charset=utf-8" },
		{ "/static/icon.svg", "web/icon.svg", "image/svg+xml" },
		{ "/static/acceptance.js", "web/acceptance.js", "text/javascript; charset=utf-8" },
	};
	for (size_t i = 0; i < SO_ARRAY_SIZE(files); i++) {
		if (strcmp(files[i].url, name) != 0)
			continue;
		const struct so_embedded *e = so_embedded_find(files[i].file);
		if (!e)
			break;
		return respond(k, 200, files[i].type, e->data, e->size, MHD_RESPMEM_PERSISTENT,
			       NULL, CACHE_REVALIDATE);
	}
	return send_problem(k, 404, tr(k, T_NOT_FOUND));
}

/* Log lines ------------------------------------------------------------------------------- */

/* CLOCK_MONOTONIC in milliseconds. */
static int64_t monotonic_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* A line a request or libmicrohttpd causes (a refused connection, a failed sign-in) goes to
 * stderr through here: at most LOG_PER_SECOND a second, the others counted and noted once a
 * second by log_note, so that an attack cannot fill the disk with the log. */
#define LOG_PER_SECOND 10

static void log_limited_v(struct web *w, const char *fmt, va_list ap)
{
	int64_t second = monotonic_ms() / 1000;
	pthread_mutex_lock(&w->lock);
	if (second != w->log_second) {
		w->log_second = second;
		w->log_lines = 0;
	}
	int write = w->log_lines < LOG_PER_SECOND;
	if (write)
		w->log_lines++;
	else
		w->log_left_out++;
	pthread_mutex_unlock(&w->lock);
	if (write) {
		char line[512];
		vsnprintf(line, sizeof(line), fmt, ap);
		size_t n = strcspn(line, "\n");
		fprintf(stderr, "review: %.*s\n", (int)n, line);
	}
}

__attribute__((format(printf, 2, 3)))
static void log_limited(struct web *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_limited_v(w, fmt, ap);
	va_end(ap);
}

static void server_log(void *cls, const char *fmt, va_list ap)
{
	log_limited_v(cls, fmt, ap);
}

/* Login and logout ------------------------------------------------------------------------- */

/* 0 with N random bytes in BUF, -1 with the error set. */
static int random_bytes(void *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = getrandom((char *)buf + got, n - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return so_error("no randomness: %s", strerror(errno));
		}
		got += (size_t)r;
	}
	return 0;
}

/* A fresh token: 32 random bytes as 43 base64url characters. */
static int token_make(char out[SO_TOKEN_LEN])
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char r[33] = { 0 };
	if (random_bytes(r, 32) < 0)
		return -1;
	size_t o = 0;
	for (size_t i = 0; i < 33; i += 3) {
		unsigned v = (unsigned)r[i] << 16 | (unsigned)r[i + 1] << 8 | r[i + 2];
		for (int b = 3; b >= 0 && o < SO_TOKEN_LEN - 1; b--)
			out[o++] = b64[(v >> (6 * b)) & 63];
	}
	out[SO_TOKEN_LEN - 1] = 0;
	explicit_bzero(r, sizeof(r));
	return 0;
}

/* The login form's field for the cookie TOKEN: SHA-256(key1 ‖ SHA-256(key0 ‖ TOKEN)) in
 * hex, with the server's two keys. */
static int login_mac(const struct web *w, const char *token, char mac[LOGIN_MAC_LEN])
{
	char inner[SO_SHA256_HEX];
	struct so_sha256 h;
	for (int round = 0; round < 2; round++) {
		const char *text = round ? inner : token;
		if (so_sha256_init(&h) < 0)
			return -1;
		int r = so_sha256_update(&h, w->login_key[round], LOGIN_KEY_LEN);
		if (r == 0)
			r = so_sha256_update(&h, text, strlen(text));
		if (r == 0)
			r = so_sha256_final(&h, round ? mac : inner);
		so_sha256_release(&h);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* The request's login token: its sohoa_login cookie when it has a well-formed one, else a
 * fresh one (sent back as a cookie). */
static int login_token(struct call *k, char token[SO_TOKEN_LEN])
{
	const char *t = MHD_lookup_connection_value(k->c, MHD_COOKIE_KIND, "sohoa_login");
	if (t && strlen(t) == SO_TOKEN_LEN - 1 && token_chars(t, SO_TOKEN_LEN - 1, "-_")) {
		memcpy(token, t, SO_TOKEN_LEN);
		return 0;
	}
	if (token_make(token) < 0)
		return -1;
	cookie_add(k, "sohoa_login=%s; HttpOnly; SameSite=Strict; Path=/login; Max-Age=3600",
		   token);
	return 0;
}

/* How dear an entry is to keep: 0 free, 1 not locked, 2 locked. */
static int throttle_rank(const struct throttle *t, int64_t now)
{
	return !t->key[0] ? 0 : t->until <= now ? 1 : 2;
}

/* The throttle entry of KIND for NAME, made when MAKE, or NULL. A new entry takes a free
 * one, else the stalest that is not locked (so that failures under many names cannot push
 * a locked account out), else the stalest. */
static struct throttle *throttle_find(struct web *w, enum throttle_kind kind, const char *name,
				      int make, int64_t now)
{
	char key[sizeof(w->throttle[0].key)];
	snprintf(key, sizeof(key), "%c%s", throttle_kinds[kind].prefix, name);
	struct throttle *stalest = &w->throttle[0];
	for (size_t i = 0; i < THROTTLE_MAX; i++) {
		struct throttle *t = &w->throttle[i];
		if (t->key[0] && now - t->last > THROTTLE_FORGET * 1000)
			memset(t, 0, sizeof(*t));
		if (t->key[0] && strcmp(t->key, key) == 0)
			return t;
		int r = throttle_rank(t, now), rs = throttle_rank(stalest, now);
		if (r < rs || (r == rs && t->last < stalest->last))
			stalest = t;
	}
	if (!make)
		return NULL;
	memset(stalest, 0, sizeof(*stalest));
	snprintf(stalest->key, sizeof(stalest->key), "%s", key);
	return stalest;
}

/* Seconds (rounded up) the sign-in as NAME from the request's address must still wait, or
 * 0. */
static int throttle_wait(struct call *k, const char *name, int64_t now)
{
	const char *of[THROTTLE_KINDS] = { [THROTTLE_ACCOUNT] = name,
					   [THROTTLE_ADDRESS] = k->address };
	int64_t wait = 0;
	for (int kind = 0; kind < THROTTLE_KINDS; kind++) {
		struct throttle *t = throttle_find(k->w, kind, of[kind], 0, now);
		if (t && t->until > now && t->until - now > wait)
			wait = t->until - now;
	}
	return (int)((wait + 999) / 1000);
}

/* Counts a failed sign-in as NAME from the request's address; returns the failures in a
 * row of the account. */
static int throttle_fail(struct call *k, const char *name, int64_t now)
{
	const char *of[THROTTLE_KINDS] = { [THROTTLE_ACCOUNT] = name,
					   [THROTTLE_ADDRESS] = k->address };
	int account = 0;
	for (int kind = 0; kind < THROTTLE_KINDS; kind++) {
		struct throttle *t = throttle_find(k->w, kind, of[kind], 1, now);
		t->failures++;
		t->last = now;
		int over = t->failures - throttle_kinds[kind].free;
		if (over >= 0) {
			int64_t ms = k->w->sign_in_lock << (over > 20 ? 20 : over);
			t->until = now + (ms > LOCK_MAX * 1000 ? LOCK_MAX * 1000 : ms);
		}
		if (kind == THROTTLE_ACCOUNT)
			account = t->failures;
	}
	return account;
}

/* NAME for a log line: printable ASCII kept, anything else as '?'. */
static void log_name(const char *name, char *out, size_t size)
{
	size_t o = 0;
	for (; name && *name && o + 1 < size; name++)
		out[o++] = *name > 0x20 && *name < 0x7f ? *name : '?';
	out[o] = 0;
}

static enum MHD_Result login_page(struct call *k, unsigned status, enum text problem)
{
	char token[SO_TOKEN_LEN], mac[LOGIN_MAC_LEN];
	if (login_token(k, token) < 0 || login_mac(k->w, token, mac) < 0)
		return send_store_error(k);
	k->page = "/login";
	put_head(k, tr(k, T_LOGIN_TITLE), "page-login");
	page_put(k, "<main id=\"login-box\">\n<h1>%t</h1>\n", T_APP);
	if (status != 200)
		page_put(k, "<p id=\"error\" class=\"error\" role=\"alert\">%t</p>\n", problem);
	const char *user = status != 200 ? form(k, "user") : NULL;
	page_put(k, "<form id=\"login\" method=\"post\" action=\"/login\">\n"
		 "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
		 "<label for=\"user\">%t</label>\n"
		 "<input id=\"user\" name=\"user\" autocomplete=\"username\" required autofocus "
		 "maxlength=\"64\" value=\"%s\">\n"
		 "<label for=\"password\">%t</label>\n"
		 "<input id=\"password\" name=\"password\" type=\"password\" required "
		 "autocomplete=\"current-password\">\n"
		 "<button type=\"submit\">%t</button>\n</form>\n<p class=\"lang\">",
		 mac, T_USER, user && strlen(user) <= NAME_MAX_LEN ? user : "", T_PASSWORD,
		 T_SIGN_IN);
	put_lang_link(k);
	page_put(k, "</p>\n</main>\n</body>\n</html>\n");
	return send_page(k, status);
}

static enum MHD_Result login(struct call *k)
{
	/* the form's token first: a sign-in from another site's page is not one */
	const char *cookie = MHD_lookup_connection_value(k->c, MHD_COOKIE_KIND, "sohoa_login");
	const char *field = form(k, "csrf");
	char mac[LOGIN_MAC_LEN];
	if (!cookie || !field || strlen(cookie) != SO_TOKEN_LEN - 1 ||
	    !token_chars(cookie, SO_TOKEN_LEN - 1, "-_") || login_mac(k->w, cookie, mac) < 0 ||
	    !secret_equal(field, mac))
		return login_page(k, 403, T_LOGIN_EXPIRED);

	const char *user = form(k, "user"), *password = form(k, "password");
	if (!user)
		user = "";
	char shown[NAME_MAX_LEN + 1];
	log_name(user, shown, sizeof(shown));
	int64_t now = monotonic_ms();
	int wait = throttle_wait(k, user, now);
	if (wait > 0) {
		/* refused without looking at the password: guessing goes no faster than this */
		log_limited(k->w, "sign-in as '%s' from %s refused for %d s more after failed ones",
			    shown, k->address, wait);
		k->retry_after = wait;
		return login_page(k, 429, T_TOO_MANY);
	}
	int ok = 0;
	if (*user && password && strlen(user) <= NAME_MAX_LEN && strlen(password) <= PASSWORD_MAX)
		ok = so_reviewer_check(k->w->store, user, password);
	if (ok < 0)
		return send_store_error(k);
	if (ok == 0) {
		int row = throttle_fail(k, user, now);
		char at[SO_TIME_LEN];
		so_now_iso(at);
		if (so_login_failure_add(k->w->store, strlen(user) <= NAME_MAX_LEN ? user : shown,
					 k->address, at) < 0)
			log_limited(k->w, "cannot record a failed sign-in: %s", so_errmsg());
		log_limited(k->w, "failed sign-in as '%s' from %s (%d in a row)", shown, k->address,
			    row);
		return login_page(k, 401, T_BAD_LOGIN);
	}
	struct throttle *t = throttle_find(k->w, THROTTLE_ACCOUNT, user, 0, now);
	if (t)
		memset(t, 0, sizeof(*t));
	char token[SO_TOKEN_LEN], csrf[SO_TOKEN_LEN];
	if (so_session_open(k->w->store, user, k->w->ttl, token, csrf) < 0)
		return send_store_error(k);
	cookie_add(k, "sohoa_session=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%ld", token,
		   k->w->ttl);
	cookie_add(k, "sohoa_login=; HttpOnly; SameSite=Strict; Path=/login; Max-Age=0");
	explicit_bzero(token, sizeof(token));
	return redirect(k, "/");
}

static void clear_session(struct call *k)
{
	cookie_add(k, "sohoa_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
}

static enum MHD_Result logout(struct call *k)
{
	if (so_session_close(k->w->store, k->token) < 0)
		return send_store_error(k);
	for (size_t i = 0; i < FLASH_MAX; i++)
		if (k->w->flash[i].key[0] && secret_equal(k->w->flash[i].key, k->csrf))
			memset(&k->w->flash[i], 0, sizeof(k->w->flash[i]));
	clear_session(k);
	return redirect(k, "/login");
}

/* The queue ------------------------------------------------------------------------------- */

static const char *const queue_keys[] = { "j / k", "Enter" };
static const enum text queue_key_texts[] = { T_K_MOVE, T_K_OPEN };

/* "Khai sinh 2019/01 (26740)" for the book key "birth-2019-01-26740" (type, year, volume,
 * authority); the key itself when it is not of that form. */
static void book_label(const struct call *k, const char *key, char *buf, size_t size)
{
	char type[16];
	int year, n = 0;
	const char *last = key ? strrchr(key, '-') : NULL;
	snprintf(buf, size, "%s", key ? key : "");
	if (!last || sscanf(key, "%15[a-z]-%4d-%n", type, &year, &n) != 2 || n == 0 ||
	    key + n >= last)
		return;
	const char *type_word = WORD(book_words, type, k->lang);
	if (type_word)
		snprintf(buf, size, "%s %d/%.*s (%s)", type_word, year, (int)(last - key - n), key + n,
			 last + 1);
}

static void put_flag_code(struct call *k, const char *code, const char *extra_class)
{
	const char *meaning = flag_meaning(code, k->lang);
	if (meaning)
		page_put(k, "<span class=\"badge code%s\" title=\"%s\">%s</span>", extra_class, meaning,
			 code);
	else
		page_put(k, "<span class=\"badge code%s\">%s</span>", extra_class, code);
}

/* Unix seconds T as the server's clock shows it ("13:05:00"). */
static void clock_text(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	snprintf(buf, size, "?");
	if (localtime_r(&tt, &tm))
		strftime(buf, size, "%H:%M:%S", &tm);
}

/* Unix seconds T as ISO 8601 UTC ("2026-12-04T13:05:00Z"). */
static void iso_text(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	snprintf(buf, size, "?");
	if (gmtime_r(&tt, &tm))
		strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The "taken by X" badge of a queue row another reviewer has claimed. */
static void put_taken_badge(struct call *k, json_t *item)
{
	const char *who = json_string_value(json_object_get(item, "taken_by"));
	if (!who)
		return;
	char until[16];
	clock_text(json_integer_value(json_object_get(item, "taken_until")), until, sizeof(until));
	page_put(k, " <span class=\"badge taken\" data-taken-by=\"%s\" title=\"%t %s\">%t %s"
		 "</span>", who, T_TAKEN_UNTIL, until, T_TAKEN_BADGE, who);
}

/* The reviewer's pace and the hours the queue of TOTAL records needs at it. */
static void put_pace(struct call *k, long long total)
{
	double per_hour;
	int64_t n;
	if (so_review_pace(k->w->store, k->user, &per_hour, &n) < 0) {
		page_put(k, "<p id=\"pace\" class=\"pace muted\"></p>\n");
		return;
	}
	if (per_hour <= 0) {
		page_put(k, "<p id=\"pace\" class=\"pace muted\" data-per-hour=\"\">%t</p>\n",
			 T_NO_PACE);
		return;
	}
	char rate[32], hours[32];
	snprintf(rate, sizeof(rate), "%.1f", per_hour);
	snprintf(hours, sizeof(hours), "%.1f", (double)total / per_hour);
	page_put(k, "<p id=\"pace\" class=\"pace muted\" data-per-hour=\"%s\" "
		 "data-backlog-hours=\"%s\" data-timed=\"%D\">%t <span class=\"rate\">%s</span> %t "
		 "(%D %t) · %t <span class=\"hours\">%s</span> %t</p>\n", rate, hours, n, T_PACE,
		 rate, T_PER_HOUR, n, T_TIMED_OVER, T_BACKLOG_ABOUT, hours, T_HOURS);
}

static enum MHD_Result queue_page(struct call *k)
{
	struct filter_text ft;
	filter_read(k, 0, &ft);
	struct so_review_filter f;
	filter_viewed(k, &ft, &f);
	long page = 1;
	const char *pg = query(k, "page");
	if (pg && so_parse_long(pg, 1, 1000000, &page) < 0)
		page = 1;
	f.limit = QUEUE_PAGE;
	f.offset = (page - 1) * QUEUE_PAGE;
	json_t *q = so_review_queue(k->w->store, &f);
	if (!q)
		return send_store_error(k);
	long long total = json_integer_value(json_object_get(q, "total"));
	json_t *books = json_object_get(q, "books"), *flags = json_object_get(q, "flags");
	json_t *items = json_object_get(q, "items");

	put_head(k, tr(k, T_QUEUE_TITLE), "page-queue");
	put_top(k, queue_keys, queue_key_texts, SO_ARRAY_SIZE(queue_keys));
	page_put(k, "<main id=\"queue-page\">\n<div class=\"queue-head\">\n<h1>%t</h1>\n"
		 "<p class=\"count\"><span id=\"total\">%D</span> %t</p>\n", T_QUEUE_TITLE,
		 (int64_t)total, T_RECORDS);
	put_pace(k, total);

	/* the filters: a GET form the script submits on change */
	page_put(k, "<form id=\"filters\" method=\"get\" action=\"/\">\n"
		 "<label for=\"book\">%t</label>\n<select id=\"book\" name=\"book\">\n"
		 "<option value=\"\">%t</option>\n", T_BOOK, T_ALL_BOOKS);
	size_t i;
	json_t *it;
	json_array_foreach(books, i, it) {
		const char *key = json_string_value(json_object_get(it, "key"));
		if (!key)
			continue;
		char label[160];
		book_label(k, key, label, sizeof(label));
		page_put(k, "<option value=\"%s\"%s>%s — %D</option>\n", key,
			 strcmp(key, ft.book) == 0 ? " selected" : "", label,
			 (int64_t)json_integer_value(json_object_get(it, "count")));
	}
	page_put(k, "</select>\n<label for=\"flag\">%t</label>\n<select id=\"flag\" name=\"flag\">\n"
		 "<option value=\"\">%t</option>\n", T_FLAG, T_ALL_FLAGS);
	json_array_foreach(flags, i, it) {
		const char *code = json_string_value(json_object_get(it, "code"));
		if (!code)
			continue;
		const char *meaning = flag_meaning(code, k->lang);
		page_put(k, "<option value=\"%s\"%s>%s%s%s — %D</option>\n", code,
			 strcmp(code, ft.flag) == 0 ? " selected" : "", code, meaning ? " — " : "",
			 meaning ? meaning : "",
			 (int64_t)json_integer_value(json_object_get(it, "count")));
	}
	page_put(k, "</select>\n<button type=\"submit\" id=\"filter-submit\">%t</button>\n", T_FILTER);
	if (ft.book[0] || ft.flag[0])
		page_put(k, "<a id=\"clear-filter\" href=\"/\">%t</a>\n", T_CLEAR);
	page_put(k, "</form>\n</div>\n");

	if (json_array_size(items) == 0) {
		page_put(k, "<p id=\"empty\" class=\"empty\">%t</p>\n", T_EMPTY_QUEUE);
	} else {
		page_put(k, "<table id=\"queue\">\n<thead><tr><th class=\"num\">#</th><th>%t</th>"
			 "<th>%t</th><th class=\"num\">%t</th><th>%t</th><th>%t</th></tr></thead>\n"
			 "<tbody>\n", T_BOOK, T_PLACE, T_NUMBER, T_NAME, T_FLAGS);
		json_array_foreach(items, i, it) {
			int64_t id = json_integer_value(json_object_get(it, "id"));
			const char *number = json_string_value(json_object_get(it,
						"registration_number"));
			const char *name = json_string_value(json_object_get(it, "name"));
			char label[160];
			book_label(k, json_string_value(json_object_get(it, "book")), label,
				   sizeof(label));
			page_put(k, "<tr data-record=\"%D\"><td class=\"num\">%D</td><td>%s</td>", id,
				 (int64_t)(f.offset + (long)i + 1), label);
			page_put(k, "<td class=\"place\">%s · ", json_string_value(json_object_get(it,
				 "file")));
			char where[96];
			snprintf(where, sizeof(where), tr(k, T_FILE_PAGE_ROW),
				 (int)json_integer_value(json_object_get(it, "page_index")) + 1,
				 (int)json_integer_value(json_object_get(it, "row")));
			page_put(k, "%s</td><td class=\"num\">%s</td><td class=\"name\">"
				 "<a href=\"/records/%D", where, number ? number : "", id);
			put_filter_query(k, &ft, '?');
			page_put(k, "\">%s</a>", name && *name ? name : tr(k, T_EMPTY));
			put_taken_badge(k, it);
			page_put(k, "</td><td class=\"flags\">");
			size_t j;
			json_t *code;
			json_array_foreach(json_object_get(it, "flags"), j, code)
				put_flag_code(k, json_string_value(code), "");
			page_put(k, "</td></tr>\n");
		}
		page_put(k, "</tbody>\n</table>\n");
	}
	long pages = (long)((total + QUEUE_PAGE - 1) / QUEUE_PAGE);
	if (pages > 1) {
		page_put(k, "<nav class=\"pager\">");
		if (page > 1) {
			page_put(k, "<a id=\"prev-page\" href=\"/?page=%d", (int)page - 1);
			put_filter_query(k, &ft, '&');
			page_put(k, "\">%t</a> ", T_PREV_PAGE);
		}
		page_put(k, "<span>%t %d / %d</span>", T_PAGE, (int)page, (int)pages);
		if (page < pages) {
			page_put(k, " <a id=\"next-page\" href=\"/?page=%d", (int)page + 1);
			put_filter_query(k, &ft, '&');
			page_put(k, "\">%t</a>", T_NEXT_PAGE);
		}
		page_put(k, "</nav>\n");
	}
	page_put(k, "</main>\n</body>\n</html>\n");
	json_decref(q);
	return send_page(k, 200);
}

/* One record ------------------------------------------------------------------------------ */

static const char *const record_keys[] = { "Space / Shift+Space", "j / k, ↓ / ↑", "e, Enter",
					   "Enter", "Esc", "v", "V", "a", "r", "1–9, 0", "n / p", "u",
					   "z", "m", "g" };
static const enum text record_key_texts[] = { T_K_DOUBT, T_K_MOVE, T_K_EDIT, T_K_SAVE,
					      T_K_CANCEL, T_K_VERIFY, T_K_GROUP, T_K_APPROVE,
					      T_K_REJECT, T_K_REASONS, T_K_NEXTPREV, T_K_QUEUE,
					      T_K_ZOOM, T_K_MAGNIFY, T_K_PAGE };

/* 1 when the JSON array of strings ARR holds S. */
static int holds(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

static const char *field_label(json_t *fields, const char *name)
{
	const char *label = json_string_value(json_object_get(json_object_get(fields, name),
							      "label"));
	return label ? label : name;
}

/* The hidden inputs every change form of the record carries. */
static void put_change_inputs(struct call *k, int version, const struct filter_text *ft)
{
	page_put(k, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		 "<input type=\"hidden\" name=\"version\" value=\"%d\">", k->csrf, version);
	if (ft->book[0])
		page_put(k, "<input type=\"hidden\" name=\"q_book\" value=\"%s\">", ft->book);
	if (ft->flag[0])
		page_put(k, "<input type=\"hidden\" name=\"q_flag\" value=\"%s\">", ft->flag);
}

static void put_record_link(struct call *k, const char *id_attr, json_t *target,
			    const struct filter_text *ft, enum text label)
{
	if (json_is_integer(target)) {
		page_put(k, "<a id=\"%s\" class=\"button quiet\" href=\"/records/%D", id_attr,
			 (int64_t)json_integer_value(target));
		put_filter_query(k, ft, '?');
		page_put(k, "\">%t</a>", label);
	} else {
		page_put(k, "<a id=\"%s\" class=\"button quiet disabled\" aria-disabled=\"true\">"
			 "%t</a>", id_attr, label);
	}
}

/* S on one line: every run of white space (the line breaks of a cell) one space, none at the
 * ends. Caller frees; NULL when memory runs out. */
static char *one_line(const char *s)
{
	char *out = so_malloc(strlen(s) + 1), *o = out;
	if (!out)
		return NULL;
	int space = 0;
	for (; *s; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t') {
			space = o > out;
			continue;
		}
		if (space)
			*o++ = ' ';
		space = 0;
		*o++ = *s;
	}
	*o = 0;
	return out;
}

/* The value of a field as the book writes it — the reading on one line, or the archivist's
 * own value when the archivist set it — big, and beside it, smaller, the canonical value and
 * its code when they differ from it ("→ 2019-01-26", "→ Phường 9, … · mã 27142"). */
static void put_value_written(struct call *k, const char *value, const char *raw,
			      const char *code, const char *successor, const char *source)
{
	int by_archivist = source && strcmp(source, "archivist") == 0;
	char *written = by_archivist || !raw || !*raw ? NULL : one_line(raw);
	const char *shown = written && *written ? written : value;
	if (shown && *shown)
		page_put(k, "<div class=\"value%s\">%s</div>\n", value && *value ? "" : " raw-only",
			 shown);
	else
		page_put(k, "<div class=\"value empty\">%t</div>\n", T_EMPTY);
	int canon_differs = value && *value && shown && strcmp(value, shown) != 0;
	int has_code = code && *code && (!value || strcmp(code, value) != 0);
	if (canon_differs || has_code || successor) {
		page_put(k, "<div class=\"canonical\">→");
		if (canon_differs)
			page_put(k, " <span class=\"canon\">%s</span>", value);
		if (has_code)
			page_put(k, " <span class=\"code\">· %t %s</span>", T_CODE, code);
		if (successor)
			page_put(k, " <span class=\"code\">· %t %s</span>", T_SUCCESSOR, successor);
		page_put(k, "</div>\n");
	}
	free(written);
}

/* An input's completion from the lists (web/complete.js): its kind, and the registration
 * date that chooses the units, when the field's values come from a list. */
static void put_complete_attrs(struct call *k, json_t *rec, enum so_kind kind)
{
	enum so_complete_kind ck = so_complete_kind_of(kind);
	if (ck == SO_COMPLETE_NONE)
		return;
	page_put(k, " data-complete=\"%s\"", so_complete_kind_name(ck));
	json_t *reg = json_object_get(json_object_get(rec, "fields"), "registration_date");
	const char *date = json_string_value(json_object_get(reg, "value"));
	if (date && strlen(date) == 10 && date[4] == '-' && date[7] == '-')
		page_put(k, " data-date=\"%s\"", date);
}

static void put_field(struct call *k, int64_t id, int version, json_t *rec, const char *name,
		      const struct filter_text *ft)
{
	json_t *fields = json_object_get(rec, "fields");
	json_t *fo = json_object_get(fields, name);
	const char *label = field_label(fields, name);
	const char *value = json_string_value(json_object_get(fo, "value"));
	const char *raw = json_string_value(json_object_get(fo, "raw"));
	const char *code = json_string_value(json_object_get(fo, "code"));
	const char *successor = json_string_value(json_object_get(fo, "successor"));
	const char *kind_name = json_string_value(json_object_get(fo, "kind"));
	enum so_kind kind = kind_name ? so_kind_parse(kind_name) : SO_KIND_NONE;
	const char *source = json_string_value(json_object_get(fo, "source"));
	json_t *conf = json_object_get(fo, "confidence");
	json_t *bbox = json_object_get(fo, "bbox");

	/* the open flags naming this field */
	struct so_buf ids = SO_BUF_INIT(4096);
	int open_error = 0, open_any = 0, hand = 0;
	size_t i;
	json_t *fl;
	json_array_foreach(json_object_get(rec, "flags"), i, fl) {
		const char *state = json_string_value(json_object_get(fl, "state"));
		if (!state || strcmp(state, "open") != 0 ||
		    !holds(json_object_get(fl, "fields"), name))
			continue;
		open_any = 1;
		/* a handwritten cell waiting for keying: its machine reading is not shown (it
		 * would anchor whoever types it) */
		const char *fcode = json_string_value(json_object_get(fl, "code"));
		if (fcode && strcmp(fcode, "HANDWRITTEN") == 0)
			hand = 1;
		const char *sev = json_string_value(json_object_get(fl, "severity"));
		if (sev && strcmp(sev, "error") == 0)
			open_error = 1;
		so_buf_addf(&ids, "%s%lld", ids.len ? " " : "",
			    (long long)json_integer_value(json_object_get(fl, "id")));
	}
	page_put(k, "<li class=\"field%s%s\" data-field=\"%s\" data-open-flags=\"%s\" "
		 "tabindex=\"-1\">\n", open_any ? " doubtful" : "", open_error ? " error" : "", name,
		 ids.data ? ids.data : "");
	so_buf_release(&ids);
	page_put(k, "<div class=\"label\">%s", label);
	if (k->lang == EN)
		page_put(k, " <span class=\"name\">%s</span>", name);
	page_put(k, "</div>\n<div class=\"crop\">");
	if (json_array_size(bbox) == 4)
		page_put(k, "<img class=\"cell\" src=\"/img/%D/cell/%u.png\" alt=\"%s\" "
			 "loading=\"lazy\">", id, name, label);
	page_put(k, "</div>\n<div class=\"reading\">\n");
	if (hand)
		page_put(k, "<div class=\"value handwritten\">%s <a href=\"/key\">%s</a></div>\n",
			 k->lang == EN ? "Handwriting: to be keyed —" : "Chữ viết tay: cần nhập —",
			 k->lang == EN ? "keying" : "nhập liệu");
	else
		put_value_written(k, value, raw, code, successor, source);
	page_put(k, "<div class=\"meta\">");
	if (json_is_number(conf) && !hand) {
		double c = json_number_value(conf);
		double threshold = kind != SO_KIND_NONE ? so_confidence_threshold(kind) : 0;
		int by_archivist = source && strcmp(source, "archivist") == 0;
		/* red only while a flag of the field is open: a low confidence the rules checked
		 * and let pass is no alarm */
		int low = threshold > 0 && c < threshold;
		if (!by_archivist && low && !open_any)
			page_put(k, "<span class=\"confidence checked\" title=\"%t\">%t %d%%</span>",
				 T_CONF_CHECKED, T_CONFIDENCE, (int)(c * 100 + 0.5));
		else if (!by_archivist)
			page_put(k, "<span class=\"confidence%s\">%t %d%%</span>",
				 low ? " low" : "", T_CONFIDENCE, (int)(c * 100 + 0.5));
	}
	if (source && strcmp(source, "archivist") == 0)
		page_put(k, "<span class=\"badge archivist\">%t</span>", T_BY_ARCHIVIST);
	page_put(k, "</div>\n");
	/* the edit form: visible without the script, opened by it on demand */
	page_put(k, "<form class=\"edit\" method=\"post\" action=\"/records/%D/set\">", id);
	put_change_inputs(k, version, ft);
	/* the input starts from what the book says (the reading, its lines joined), or from
	 * the archivist's own value */
	char *prefill = one_line(hand ? "" : source && strcmp(source, "archivist") == 0 && value ?
				 value : raw && *raw ? raw : value ? value : "");
	page_put(k, "<input type=\"hidden\" name=\"field\" value=\"%s\">"
		 "<input class=\"edit\" name=\"value\" value=\"%s\" aria-label=\"%s\" "
		 "autocomplete=\"off\" spellcheck=\"false\" data-vnkey", name,
		 prefill ? prefill : "", label);
	free(prefill);
	put_complete_attrs(k, rec, kind);
	if (kind == SO_KIND_DATE)
		page_put(k, " placeholder=\"dd/mm/yyyy\"");
	page_put(k, "><button type=\"submit\" class=\"save\">%t</button>"
		 "<button type=\"button\" class=\"cancel quiet\">%t</button></form>\n", T_SAVE,
		 T_CANCEL);
	page_put(k, "<button type=\"button\" class=\"start-edit quiet\">%t</button>\n", T_EDIT);
	page_put(k, "</div>\n</li>\n");
}

/* The row image is cut with SO_REVIEW_ROW_MARGIN around the row box, clipped to the page: the
 * outlines are placed on that box. */
static void put_outlines(struct call *k, json_t *rec)
{
	json_t *row = json_object_get(rec, "row_box");
	if (json_array_size(row) != 4)
		return;
	double rx0 = json_number_value(json_array_get(row, 0)) - SO_REVIEW_ROW_MARGIN;
	double ry0 = json_number_value(json_array_get(row, 1)) - SO_REVIEW_ROW_MARGIN;
	double rx1 = json_number_value(json_array_get(row, 2)) + SO_REVIEW_ROW_MARGIN;
	double ry1 = json_number_value(json_array_get(row, 3)) + SO_REVIEW_ROW_MARGIN;
	/* clipped as the row image is: to the prepared page, whose pixels the boxes count */
	json_t *size = json_object_get(rec, "page_size");
	if (json_array_size(size) == 2) {
		double pw = json_number_value(json_array_get(size, 0));
		double ph = json_number_value(json_array_get(size, 1));
		rx1 = rx1 > pw ? pw : rx1;
		ry1 = ry1 > ph ? ph : ry1;
	}
	rx0 = rx0 < 0 ? 0 : rx0;
	ry0 = ry0 < 0 ? 0 : ry0;
	double rw = rx1 - rx0, rh = ry1 - ry0;
	if (rw <= 0 || rh <= 0)
		return;
	json_t *fields = json_object_get(rec, "fields"), *flags = json_object_get(rec, "flags");
	size_t i;
	json_t *n;
	json_array_foreach(json_object_get(rec, "order"), i, n) {
		const char *name = json_string_value(n);
		json_t *bbox = json_object_get(json_object_get(fields, name ? name : ""), "bbox");
		if (!name || json_array_size(bbox) != 4)
			continue;
		double x0 = json_number_value(json_array_get(bbox, 0)) - rx0;
		double y0 = json_number_value(json_array_get(bbox, 1)) - ry0;
		double x1 = json_number_value(json_array_get(bbox, 2)) - rx0;
		double y1 = json_number_value(json_array_get(bbox, 3)) - ry0;
		int doubtful = 0;
		size_t j;
		json_t *fl;
		json_array_foreach(flags, j, fl) {
			const char *state = json_string_value(json_object_get(fl, "state"));
			if (state && strcmp(state, "open") == 0 &&
			    holds(json_object_get(fl, "fields"), name))
				doubtful = 1;
		}
		/* percentages of the row image, placed by the script (no inline styles) */
		page_put(k, "<div class=\"outline%s\" data-field=\"%s\" title=\"%s\" data-x=\"%f\" "
			 "data-y=\"%f\" data-w=\"%f\" data-h=\"%f\"></div>\n",
			 doubtful ? " doubtful" : "", name, field_label(fields, name),
			 100.0 * x0 / rw, 100.0 * y0 / rh, 100.0 * (x1 - x0) / rw,
			 100.0 * (y1 - y0) / rh);
	}
}

/* For an open flag other records share (its "group", so_review_record): the form that
 * confirms it in all of them at once. */
static void put_verify_all(struct call *k, int64_t id, int version, json_t *fl,
			   const struct filter_text *ft)
{
	json_int_t group = json_integer_value(json_object_get(fl, "group"));
	if (group < 2)
		return;
	page_put(k, "<form class=\"verify-all-form\" method=\"post\" "
		 "action=\"/records/%D/verify-all\" data-count=\"%D\">", id, (int64_t)group);
	put_change_inputs(k, version, ft);
	page_put(k, "<input type=\"hidden\" name=\"flag\" value=\"%D\">"
		 "<button type=\"submit\" class=\"verify-all quiet\">%t %D %t</button></form>\n",
		 (int64_t)json_integer_value(json_object_get(fl, "id")), T_VERIFY_ALL,
		 (int64_t)group, T_VERIFY_ALL_RECORDS);
}

/* The ready-made reasons for rejecting a record of book TYPE (its own, then those for any
 * book), in the page's language, for the script to put in the reason's box. */
static void put_reasons(struct call *k, const char *type)
{
	json_t *lists[2] = { json_object_get(k->w->reasons, type ? type : ""),
			     json_object_get(k->w->reasons, "any") };
	if (!json_array_size(lists[0]) && !json_array_size(lists[1]))
		return;
	page_put(k, "<ol class=\"reasons\" aria-label=\"%t\">", T_REASONS);
	for (int l = 0; l < 2; l++) {
		size_t i;
		json_t *it;
		json_array_foreach(lists[l], i, it) {
			const char *text = json_string_value(json_object_get(it, k->lang == EN ? "en"
									     : "vi"));
			if (text)
				page_put(k, "<li><button type=\"button\" class=\"reason-pick\" "
					 "data-text=\"%s\">%s</button></li>", text, text);
		}
	}
	page_put(k, "</ol>");
}

/* Opening a record claims it (unless the script fetched the page ahead, ?peek=1): 1 when
 * another reviewer has it (*C theirs), 0 when not, -1 on a store error. */
static int claim_on_view(struct call *k, int64_t id, struct so_claim *c)
{
	const char *peek = query(k, "peek");
	if (peek && strcmp(peek, "1") == 0) {
		int got = so_claim_get(k->w->store, id, (int64_t)time(NULL), c);
		return got < 0 ? -1 : got && strcmp(c->reviewer, k->user) != 0;
	}
	int r = so_review_claim(k->w->store, k->user, id, k->w->claim_seconds, c);
	return r < 0 ? -1 : r == 0;     /* (1 mine, 3 decided: not taken) */
}

/* The banner of a record another reviewer has open. */
static void put_taken(struct call *k, int taken, const struct so_claim *c)
{
	if (!taken)
		return;
	char until[16], iso[32];
	clock_text(c->until, until, sizeof(until));
	iso_text(c->until, iso, sizeof(iso));
	page_put(k, "<div id=\"taken\" class=\"taken\" role=\"alert\" data-taken-by=\"%s\" "
		 "data-until=\"%s\">%t <strong>%s</strong> %t <time datetime=\"%s\">%s</time>. "
		 "%t</div>\n", c->reviewer, iso, T_TAKEN_OPEN_WITH, c->reviewer, T_TAKEN_UNTIL, iso,
		 until, T_TAKEN_LOOK_ONLY);
}

/* The whole page for context, opened by the script on a key: its image is fetched only then;
 * the row's place on it in percentages of the prepared page. */
static void put_page_view(struct call *k, int64_t id, json_t *rec)
{
	json_t *row = json_object_get(rec, "row_box"), *size = json_object_get(rec, "page_size");
	if (json_array_size(row) != 4 || json_array_size(size) != 2)
		return;
	double pw = json_number_value(json_array_get(size, 0));
	double ph = json_number_value(json_array_get(size, 1));
	if (pw <= 0 || ph <= 0)
		return;
	double x0 = json_number_value(json_array_get(row, 0));
	double y0 = json_number_value(json_array_get(row, 1));
	double x1 = json_number_value(json_array_get(row, 2));
	double y1 = json_number_value(json_array_get(row, 3));
	page_put(k, "<div id=\"page-view\" hidden data-src=\"/img/%D/page.png\" data-x=\"%f\" "
		 "data-y=\"%f\" data-w=\"%f\" data-h=\"%f\" aria-label=\"%t\">"
		 "<p class=\"muted\">%t</p></div>\n", id, 100.0 * x0 / pw, 100.0 * y0 / ph,
		 100.0 * (x1 - x0) / pw, 100.0 * (y1 - y0) / ph, T_PAGE_IMAGE, T_PAGE_IMAGE);
}

static void put_flags(struct call *k, int64_t id, int version, json_t *rec,
		      const struct filter_text *ft)
{
	json_t *flags = json_object_get(rec, "flags"), *fields = json_object_get(rec, "fields");
	page_put(k, "<section id=\"flags\">\n<h2>%t</h2>\n", T_FLAGS);
	if (json_array_size(flags) == 0) {
		page_put(k, "<p class=\"muted\">%t</p>\n</section>\n", T_NO_FLAGS);
		return;
	}
	page_put(k, "<ul class=\"flags\">\n");
	/* open ones first, errors before warnings */
	for (int pass = 0; pass < 3; pass++) {
		size_t i;
		json_t *fl;
		json_array_foreach(flags, i, fl) {
			const char *state = json_string_value(json_object_get(fl, "state"));
			const char *sev = json_string_value(json_object_get(fl, "severity"));
			const char *code = json_string_value(json_object_get(fl, "code"));
			int open = state && strcmp(state, "open") == 0;
			int error = sev && strcmp(sev, "error") == 0;
			if ((pass == 0) != (open && error) || (pass == 1) != (open && !error) ||
			    (pass == 2) != !open)
				continue;
			int64_t fid = json_integer_value(json_object_get(fl, "id"));
			page_put(k, "<li class=\"flag %s %s\" data-flag=\"%D\" data-code=\"%s\">\n"
				 "<div class=\"flag-head\"><span class=\"badge %s\">%t</span> ",
				 error ? "error" : "warning", state ? state : "", fid, code,
				 error ? "error" : "warning", error ? T_SEV_ERROR : T_SEV_WARNING);
			put_flag_code(k, code, " plain");
			page_put(k, " <span class=\"state\">%t</span></div>\n"
				 "<p class=\"flag-message\">%s</p>\n", !state ? T_STATE_OPEN :
				 strcmp(state, "verified") == 0 ? T_STATE_VERIFIED :
				 strcmp(state, "resolved") == 0 ? T_STATE_RESOLVED : T_STATE_OPEN,
				 json_string_value(json_object_get(fl, "message")));
			json_t *names = json_object_get(fl, "fields");
			if (json_array_size(names)) {
				page_put(k, "<p class=\"flag-fields\"><span class=\"muted\">%t</span> ",
					 T_FIELDS_OF_FLAG);
				size_t j;
				json_t *nm;
				json_array_foreach(names, j, nm) {
					const char *fname = json_string_value(nm);
					if (!fname)
						continue;
					page_put(k, "%s<a href=\"#f-%s\" class=\"flag-field\" "
						 "data-field=\"%s\">%s</a>", j ? ", " : "", fname,
						 fname, field_label(fields, fname));
				}
				page_put(k, "</p>\n");
			}
			if (open) {
				page_put(k, "<form class=\"verify-form\" method=\"post\" "
					 "action=\"/records/%D/verify\">", id);
				put_change_inputs(k, version, ft);
				page_put(k, "<input type=\"hidden\" name=\"flag\" value=\"%D\">"
					 "<button type=\"submit\" class=\"verify\">%t</button></form>\n",
					 fid, T_VERIFY);
				put_verify_all(k, id, version, fl, ft);
			}
			page_put(k, "</li>\n");
		}
	}
	page_put(k, "</ul>\n</section>\n");
}

/* A time of the store (ISO 8601 in UTC, "2026-12-04T12:46:18Z") as <time>: its datetime the
 * UTC instant, its text the server's local time (the script shows the browser's); a text
 * that is no such time is written as it is. */
static void put_time(struct call *k, const char *iso)
{
	struct tm tm = { 0 };
	const char *end = iso ? strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	if (end && *end == '.')
		end += 1 + strspn(end + 1, "0123456789");
	if (!end || strcmp(end, "Z") != 0) {
		page_put(k, "%s", iso ? iso : "");
		return;
	}
	time_t t = timegm(&tm);
	struct tm local;
	char text[64];
	if (t == (time_t)-1 || !localtime_r(&t, &local) ||
	    !strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S", &local)) {
		page_put(k, "%s", iso);
		return;
	}
	page_put(k, "<time datetime=\"%s\">%s</time>", iso, text);
}

static void put_audit(struct call *k, json_t *rec)
{
	json_t *audit = json_object_get(rec, "audit"), *fields = json_object_get(rec, "fields");
	page_put(k, "<section id=\"history\">\n<h2>%t</h2>\n", T_HISTORY);
	if (json_array_size(audit) == 0) {
		page_put(k, "<p class=\"muted\">%t</p>\n</section>\n", T_NO_HISTORY);
		return;
	}
	page_put(k, "<table id=\"audit\">\n<thead><tr><th>%t</th><th>%t</th><th>%t</th><th>%t</th>"
		 "<th>%t</th></tr></thead>\n<tbody>\n", T_WHEN, T_WHO, T_ACTION, T_FIELD, T_CHANGE);
	size_t i;
	json_t *a;
	json_array_foreach(audit, i, a) {
		const char *action = json_string_value(json_object_get(a, "action"));
		const char *field = json_string_value(json_object_get(a, "field"));
		const char *before = json_string_value(json_object_get(a, "before"));
		const char *after = json_string_value(json_object_get(a, "after"));
		const char *aw = WORD(action_words, action, k->lang);
		page_put(k, "<tr data-action=\"%s\"><td class=\"when\">", action);
		put_time(k, json_string_value(json_object_get(a, "at")));
		page_put(k, "</td><td>%s</td><td>%s</td><td>", json_string_value(json_object_get(a,
			 "actor")), aw ? aw : action);
		/* one field's name, or the JSON list of the fields a verified flag was about */
		json_t *names = field && field[0] == '[' ? json_loads(field, 0, NULL) : NULL;
		if (json_is_array(names)) {
			size_t j;
			json_t *nm;
			json_array_foreach(names, j, nm)
				if (json_is_string(nm))
					page_put(k, "%s%s", j ? ", " : "",
						 field_label(fields, json_string_value(nm)));
		} else if (field) {
			page_put(k, "%s", field_label(fields, field));
		}
		json_decref(names);
		page_put(k, "</td><td class=\"change\">");
		if (before || after)
			page_put(k, "<span class=\"before\">%s</span> → <span class=\"after\">%s</span>",
				 before ? before : tr(k, T_EMPTY), after ? after : tr(k, T_EMPTY));
		page_put(k, "</td></tr>\n");
	}
	page_put(k, "</tbody>\n</table>\n</section>\n");
}

static enum MHD_Result record_page(struct call *k, int64_t id)
{
	struct filter_text ft;
	filter_read(k, 0, &ft);
	struct so_review_filter f;
	filter_viewed(k, &ft, &f);
	json_t *rec = so_review_record(k->w->store, id, &f);
	if (!rec) {
		/* no such record, or the store failed */
		char msg[1200], why[1024];
		snprintf(msg, sizeof(msg), "%s (%s)", tr(k, T_NO_RECORD),
			 one_language(k, so_errmsg(), why, sizeof(why)));
		return send_problem(k, 404, msg);
	}
	struct so_claim claim;
	int taken = claim_on_view(k, id, &claim);
	if (taken < 0) {
		json_decref(rec);
		return send_store_error(k);
	}
	int version = (int)json_integer_value(json_object_get(rec, "version"));
	const char *status = json_string_value(json_object_get(rec, "status"));
	json_t *book = json_object_get(rec, "book");
	const char *type = json_string_value(json_object_get(book, "type"));
	const char *type_word = WORD(book_words, type, k->lang);
	const char *status_word = WORD(status_words, status, k->lang);
	char title[160];
	snprintf(title, sizeof(title), "#%lld", (long long)id);

	put_head(k, title, "page-record");
	put_top(k, record_keys, record_key_texts, SO_ARRAY_SIZE(record_keys));
	page_put(k, "<main id=\"record\" data-id=\"%D\" data-version=\"%d\" "
		 "data-no-flag=\"%t\" data-last-doubt=\"%t\">\n"
		 "<div class=\"record-head\">\n<div class=\"where\">\n"
		 "<a class=\"back\" id=\"queue-link\" href=\"/", id, version, T_NO_FLAG_HERE,
		 T_LAST_DOUBT);
	put_filter_query(k, &ft, '?');
	page_put(k, "\">%t</a>\n<h1>%s %d/%s <span class=\"authority\">(%s)</span>", T_QUEUE_LINK,
		 type_word ? type_word : type ? type : "",
		 (int)json_integer_value(json_object_get(book, "year")),
		 json_string_value(json_object_get(book, "volume")),
		 json_string_value(json_object_get(book, "authority_code")));
	json_t *source = json_object_get(rec, "source");
	char where[96];
	snprintf(where, sizeof(where), tr(k, T_FILE_PAGE_ROW),
		 (int)json_integer_value(json_object_get(source, "page_index")) + 1,
		 (int)json_integer_value(json_object_get(rec, "row")));
	page_put(k, " <span class=\"place\">%s · %s</span></h1>\n",
		 json_string_value(json_object_get(source, "file")), where);
	page_put(k, "<span id=\"status\" class=\"status status-%s\" data-status=\"%s\">%s</span>"
		 " <span class=\"version muted\">%t %d</span>\n", status, status,
		 status_word ? status_word : status ? status : "", T_VERSION, version);
	const char *reason = json_string_value(json_object_get(rec, "reject_reason"));
	if (reason && status && strcmp(status, "rejected") == 0)
		page_put(k, "<span class=\"reject-reason\">%t %s</span>\n", T_REJECT_REASON_SHOWN,
			 reason);
	page_put(k, "</div>\n<nav class=\"steps\">");
	put_record_link(k, "prev", json_object_get(rec, "prev"), &ft, T_PREV);
	put_record_link(k, "next", json_object_get(rec, "next"), &ft, T_NEXT);
	page_put(k, "</nav>\n</div>\n");
	put_taken(k, taken, &claim);

	/* the row as the book has it, with the cells outlined */
	page_put(k, "<section id=\"row\" aria-label=\"%t\">\n<div class=\"row-strip\">\n"
		 "<div class=\"row-wrap\">\n<img id=\"row-image\" src=\"/img/%D/row.png\" alt=\"%t\">\n",
		 T_ROW_IMAGE, id, T_ROW_IMAGE);
	put_outlines(k, rec);
	page_put(k, "</div>\n</div>\n</section>\n");
	put_page_view(k, id, rec);

	page_put(k, "<div class=\"columns\">\n<section id=\"fields\">\n<h2>%t</h2>\n<ol class=\"fields\">\n",
		 T_FIELDS);
	size_t i;
	json_t *n;
	json_array_foreach(json_object_get(rec, "order"), i, n)
		if (json_string_value(n))
			put_field(k, id, version, rec, json_string_value(n), &ft);
	/* the decision first, in view at the top of the side column; the flags under it */
	page_put(k, "</ol>\n</section>\n<div class=\"side\">\n");

	page_put(k, "<section id=\"decide\">\n<h2>%t</h2>\n"
		 "<form id=\"approve-form\" method=\"post\" action=\"/records/%D/approve\">", T_ACTIONS,
		 id);
	put_change_inputs(k, version, &ft);
	page_put(k, "<button type=\"submit\" id=\"approve\">%t <kbd>a</kbd></button></form>\n"
		 "<form id=\"reject-form\" method=\"post\" action=\"/records/%D/reject\">", T_APPROVE,
		 id);
	put_change_inputs(k, version, &ft);
	put_reasons(k, type);
	page_put(k, "<div class=\"reason\"><label for=\"reason\">%t</label>"
		 "<textarea id=\"reason\" name=\"reason\" rows=\"2\" maxlength=\"2000\"></textarea>"
		 "<small class=\"muted\">%t</small></div>"
		 "<button type=\"submit\" id=\"reject\" class=\"danger\">%t <kbd>r</kbd></button>"
		 "</form>\n</section>\n", T_REASON, T_REASON_HINT, T_REJECT);
	put_flags(k, id, version, rec, &ft);
	page_put(k, "</div>\n</div>\n");
	put_audit(k, rec);
	page_put(k, "</main>\n</body>\n</html>\n");
	json_decref(rec);
	return send_page(k, 200);
}

/* Changes --------------------------------------------------------------------------------- */

enum change { CHANGE_SET, CHANGE_VERIFY, CHANGE_APPROVE, CHANGE_REJECT, CHANGE_VERIFY_ALL };

#define TIMED_SECONDS_MAX 86400.0
#define TIMED_KEYS_MAX 100000

/* What the script measured of a decision (the form's seconds and keys; -1 for one not sent):
 * 0, or -1 when one is sent but is not a number in its range. */
static int timing_read(const struct call *k, struct so_review_timing *t)
{
	const char *sec = form(k, "seconds"), *keys = form(k, "keys");
	long n;
	t->seconds = -1;
	t->keys = -1;
	if (sec && *sec && so_parse_decimal(sec, 0, TIMED_SECONDS_MAX, &t->seconds) < 0)
		return -1;
	if (keys && *keys) {
		if (so_parse_long(keys, 0, TIMED_KEYS_MAX, &n) < 0 || keys[0] == '-' ||
		    keys[0] == '+')
			return -1;
		t->keys = n;
	}
	return 0;
}

/* POST /records/N/claim: the record claimed for the reviewer, or who has it. */
static enum MHD_Result claim(struct call *k, int64_t id)
{
	const char *csrf = form(k, "csrf");
	if (!csrf || !secret_equal(csrf, k->csrf))
		return send_problem(k, 403, tr(k, T_CSRF));
	struct so_claim c;
	int r = so_review_claim(k->w->store, k->user, id, k->w->claim_seconds, &c);
	if (r < 0)
		return send_store_error(k);
	if (r == 2) {
		char msg[1200];
		snprintf(msg, sizeof(msg), "%s (%s)", tr(k, T_NO_RECORD), so_errmsg());
		return send_problem(k, 404, msg);
	}
	/* (a record decided is claimed by nobody: ok false, taken_by and until null) */
	char until[32];
	iso_text(c.until, until, sizeof(until));
	if (wants_json(k))
		return send_json(k, 200, json_pack("{s:b, s:o, s:o}", "ok", r == 1, "taken_by",
						   r == 0 ? json_string(c.reviewer) : json_null(),
						   "until", r == 3 ? json_null() : json_string(until)));
	char location[64];
	snprintf(location, sizeof(location), "/records/%lld", (long long)id);
	return redirect(k, location);
}

/* A value the archivist set that a save would refuse: the reason, in the page's language
 * only (the preview's words: the value typed is in the message, so it is never cut out of a
 * two-language text). 1 with MESSAGE filled when refused, 0 when a save may go on, -1 on a
 * store error. */
static int value_refused(struct call *k, int64_t id, const char *field, const char *value,
			 char *message, size_t size)
{
	json_t *p = so_review_preview(k->w->store, id, field, value);
	if (!p)
		return -1;
	int refused = !json_is_true(json_object_get(p, "ok"));
	json_t *first = json_array_get(json_object_get(p, "problems"), 0);
	const char *code = json_string_value(json_object_get(first, "code"));
	/* a missing record or field: the save says it, as it says a conflict */
	if (refused && code && (strcmp(code, "NO_RECORD") == 0 || strcmp(code, "NO_FIELD") == 0))
		refused = 0;
	if (refused) {
		const char *why = json_string_value(json_object_get(first, k->lang == EN ? "en" :
								    "vi"));
		snprintf(message, size, "“%s”: %s", value, why ? why : tr(k, T_BAD_VALUE));
	}
	json_decref(p);
	return refused;
}


static enum MHD_Result change(struct call *k, int64_t id, enum change what)
{
	const char *csrf = form(k, "csrf");
	if (!csrf || !secret_equal(csrf, k->csrf))
		return send_problem(k, 403, tr(k, T_CSRF));
	long version;
	const char *v = form(k, "version");
	if (!v || so_parse_long(v, 1, INT_MAX, &version) < 0)
		return send_problem(k, 400, tr(k, T_BAD_REQUEST));
	struct web *w = k->w;
	int rc = -1, new_version = 0, verified = 0;
	enum text done = T_SAVED;
	struct so_review_timing timing;
	if (timing_read(k, &timing) < 0)
		return send_problem(k, 400, tr(k, T_BAD_REQUEST));
	switch (what) {
	case CHANGE_SET: {
		const char *field = form(k, "field"), *value = form(k, "value");
		if (!field || !field_name_ok(field) || !value)
			return send_problem(k, 400, tr(k, T_BAD_REQUEST));
		if (strlen(value) > 2000 || !utf8_clean(value))
			return send_problem(k, 422, tr(k, T_BAD_VALUE));
		char why[1200];
		int refused = value_refused(k, id, field, value, why, sizeof(why));
		if (refused < 0)
			return send_store_error(k);
		if (refused) {
			if (wants_json(k))
				return send_json(k, 422, json_pack("{s:b, s:b, s:s}", "ok", 0,
								   "conflict", 0, "message", why));
			flash_set(k, 1, why);
			goto back;
		}
		rc = so_review_set(w->store, k->user, id, (int)version, field, value, &new_version);
		break;
	}
	case CHANGE_VERIFY: {
		long flag;
		const char *fl = form(k, "flag");
		if (!fl || so_parse_long(fl, 1, LONG_MAX, &flag) < 0)
			return send_problem(k, 400, tr(k, T_BAD_REQUEST));
		rc = so_review_verify(w->store, k->user, id, (int)version, flag, &new_version);
		done = T_VERIFIED;
		break;
	}
	case CHANGE_VERIFY_ALL: {
		long flag;
		const char *fl = form(k, "flag");
		if (!fl || so_parse_long(fl, 1, LONG_MAX, &flag) < 0)
			return send_problem(k, 400, tr(k, T_BAD_REQUEST));
		rc = so_review_verify_all(w->store, k->user, id, (int)version, flag, &verified,
					  &new_version);
		done = T_VERIFIED_IN;
		break;
	}
	case CHANGE_APPROVE:
		rc = so_review_approve_timed(w->store, k->user, id, (int)version, &timing,
					     &new_version);
		done = T_APPROVED;
		break;
	case CHANGE_REJECT: {
		const char *reason = form(k, "reason");
		if (reason && (strlen(reason) > 2000 || !utf8_clean(reason)))
			return send_problem(k, 422, tr(k, T_BAD_VALUE));
		rc = so_review_reject_timed(w->store, k->user, id, (int)version, reason ? reason : "",
					    &timing, &new_version);
		done = T_REJECTED;
		break;
	}
	}
	if (rc < 0)
		return send_store_error(k);
	char message[1024];
	if (rc == SO_REVIEW_DONE && done == T_VERIFIED_IN)
		snprintf(message, sizeof(message), tr(k, T_VERIFIED_IN), verified);
	else if (rc == SO_REVIEW_DONE)
		snprintf(message, sizeof(message), "%s", tr(k, done));
	else
		one_language(k, so_errmsg(), message, sizeof(message));
	/* a record another reviewer has open: a conflict the archivist cannot resolve by
	 * reloading */
	int conflict = rc == SO_REVIEW_CONFLICT || rc == SO_REVIEW_TAKEN;
	if (wants_json(k)) {
		if (rc == SO_REVIEW_DONE) {
			/* the script shows the message and the record's new state itself */
			json_t *ok = json_pack("{s:b, s:i, s:s}", "ok", 1, "version", new_version,
					       "message", message);
			if (ok && what == CHANGE_VERIFY_ALL)
				json_object_set_new(ok, "verified", json_integer(verified));
			return send_json(k, 200, ok);
		}
		/* the script shows the message itself and changes nothing */
		return send_json(k, conflict ? 409 : 422,
				 json_pack("{s:b, s:b, s:s}", "ok", 0, "conflict", conflict,
					   "message", message));
	}
	if (rc == SO_REVIEW_TAKEN)
		return send_problem(k, 409, message);
	flash_set(k, rc != SO_REVIEW_DONE, message);
back:;
	/* back to the record, in the same queue */
	struct filter_text ft;
	filter_read(k, 1, &ft);
	so_buf_reset(&k->out);
	page_put(k, "/records/%D", id);
	put_filter_query(k, &ft, '?');
	if (k->oom)
		return MHD_NO;
	/* put_filter_query writes "&amp;" for HTML: a Location header wants a plain '&' */
	char location[512];
	size_t o = 0;
	for (const char *p = k->out.data; p && *p && o + 1 < sizeof(location); p++) {
		location[o++] = *p;
		if (strncmp(p, "&amp;", 5) == 0)
			p += 4;
	}
	location[o] = 0;
	return redirect(k, location);
}

/* Images ---------------------------------------------------------------------------------- */

static enum MHD_Result image(struct call *k, int64_t id, const char *field)
{
	unsigned char *png = NULL;
	size_t len = 0;
	double scale = 0;
	int rc = so_review_image(k->w->store, id, field, &png, &len, &scale);
	if (rc < 0)
		return send_store_error(k);
	if (rc == 0)
		return send_problem(k, 404, tr(k, T_NO_IMAGE));
	return respond(k, 200, "image/png", png, len, MHD_RESPMEM_MUST_FREE, NULL, CACHE_PRIVATE);
}

/* Previews ------------------------------------------------------------------------------- */

/* GET /records/ID/preview?field=F&value=V: what a save of V would store, without saving —
 * {"ok", "value", "code", "display", "problems": [{"code", "message"}]}, the messages and
 * the display line ("sẽ lưu: … · mã …") in the page's language. */
static enum MHD_Result preview(struct call *k, int64_t id)
{
	const char *field = query(k, "field"), *value = query(k, "value");
	if (!field || !field_name_ok(field))
		return send_json(k, 400, json_pack("{s:b, s:s}", "ok", 0, "message",
						   tr(k, T_BAD_REQUEST)));
	if (value && (strlen(value) > 2000 || !utf8_clean(value)))
		return send_json(k, 422, json_pack("{s:b, s:s}", "ok", 0, "message",
						   tr(k, T_BAD_VALUE)));
	json_t *p = so_review_preview(k->w->store, id, field, value ? value : "");
	if (!p)
		return send_json(k, 500, json_pack("{s:b, s:s}", "ok", 0, "message",
						   tr(k, T_SERVER_ERROR)));
	/* each problem in the page's language only */
	json_t *problems = json_array(), *pr;
	size_t i;
	json_array_foreach(json_object_get(p, "problems"), i, pr) {
		const char *text = json_string_value(json_object_get(pr, k->lang == EN ? "en" : "vi"));
		json_array_append_new(problems, json_pack("{s:O, s:s}", "code",
							  json_object_get(pr, "code"), "message",
							  text ? text : ""));
	}
	const char *canon = json_string_value(json_object_get(p, "value"));
	const char *code = json_string_value(json_object_get(p, "code"));
	char display[4200] = "";
	if (json_is_true(json_object_get(p, "ok")))
		snprintf(display, sizeof(display), "%s %s%s%s%s%s", tr(k, T_WILL_SAVE),
			 canon ? canon : tr(k, T_EMPTY), code ? " · " : "", code ? tr(k, T_CODE) : "",
			 code ? " " : "", code ? code : "");
	json_t *out = json_pack("{s:O, s:O, s:O, s:s, s:o}", "ok", json_object_get(p, "ok"),
				"value", json_object_get(p, "value"), "code",
				json_object_get(p, "code"), "display", display, "problems", problems);
	json_decref(p);
	return send_json(k, 200, out);
}

/* GET /complete?kind=K&q=TEXT&date=YYYY-MM-DD: what completes TEXT from the lists
 * (review/complete.h) — {"kind", "items": [{"value", "label", "detail"}]}; the date, when
 * given, chooses the administrative units in force then. */
static enum MHD_Result complete(struct call *k)
{
	const char *kind = query(k, "kind"), *q = query(k, "q"), *date = query(k, "date");
	enum so_complete_kind ck = so_complete_kind_parse(kind);
	long day = 0;
	if (ck == SO_COMPLETE_NONE)
		return send_json(k, 400, json_pack("{s:b, s:s}", "ok", 0, "message",
						   tr(k, T_BAD_REQUEST)));
	if (q && (strlen(q) > SO_COMPLETE_TEXT_MAX || !utf8_clean(q)))
		return send_json(k, 422, json_pack("{s:b, s:s}", "ok", 0, "message",
						   tr(k, T_BAD_VALUE)));
	if (date && *date) {
		long y, m, d;
		char part[5];
		if (strlen(date) != 10 || date[4] != '-' || date[7] != '-')
			goto bad_date;
		memcpy(part, date, 4);
		part[4] = 0;
		if (so_parse_long(part, 1000, 9999, &y) < 0)
			goto bad_date;
		memcpy(part, date + 5, 2);
		part[2] = 0;
		if (so_parse_long(part, 1, 12, &m) < 0)
			goto bad_date;
		memcpy(part, date + 8, 2);
		if (so_parse_long(part, 1, 31, &d) < 0)
			goto bad_date;
		day = y * 10000 + m * 100 + d;
	}
	struct so_completions out;
	if (so_complete(ck, q ? q : "", day, &out) < 0)
		return send_json(k, 500, json_pack("{s:b, s:s}", "ok", 0, "message",
						   tr(k, T_SERVER_ERROR)));
	json_t *items = json_array();
	for (size_t i = 0; i < out.n; i++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s}", "value", out.v[i].value,
						       "label", out.v[i].label, "detail",
						       out.v[i].detail));
	so_completions_release(&out);
	return send_json(k, 200, json_pack("{s:b, s:s, s:o}", "ok", 1, "kind",
					   so_complete_kind_name(ck), "items", items));
bad_date:
	return send_json(k, 400, json_pack("{s:b, s:s}", "ok", 0, "message",
					   tr(k, T_BAD_REQUEST)));
}

static enum MHD_Result page_image(struct call *k, int64_t id)
{
	unsigned char *png = NULL;
	size_t len = 0;
	int rc = so_review_page_image(k->w->store, id, &png, &len);
	if (rc < 0)
		return send_store_error(k);
	if (rc == 0)
		return send_problem(k, 404, tr(k, T_NO_IMAGE));
	return respond(k, 200, "image/png", png, len, MHD_RESPMEM_MUST_FREE, NULL, CACHE_PRIVATE);
}

/* Routing --------------------------------------------------------------------------------- */

static int parse_id(const char **p, int64_t *id);
/* Batch acceptance ------------------------------------------------------------------------------
 * The checker's pages of ISO 2859-1 batch acceptance (review/acceptance_lot.h): GET /lots, the
 * lots and their verdicts; GET /lots/N, a lot's plan, verdict and sampled records; GET
 * /lots/N/records/R, a sampled record against its row's image with the two decisions (POST
 * /lots/N/records/R/check, value "conforms" or "defect" with the note in "reason"), then the
 * next unchecked record, or the lot with its verdict once all are checked. Keys (with
 * web/acceptance.js): d "đúng" (conforms), l "lỗi" (the note, Enter records the defect), n the
 * next record. Own texts here, not in texts[]. */

enum acc_text {
	A_LOTS, A_LOT, A_SERIES, A_LOT_SIZE, A_CODE, A_SAMPLE, A_CHECKED, A_DEFECTS, A_VERDICT,
	A_OPEN, A_ACCEPTED, A_REJECTED, A_NONE, A_CONFORMS, A_DEFECT, A_NOTE, A_UNCHECKED,
	A_RECORD, A_FIELD, A_VALUE, A_BACK, A_SAVED_OK, A_SAVED_DEFECT, A_VERDICT_ACCEPTED,
	A_VERDICT_REJECTED, A_WHOLE, A_SEVERITY, A_KEYS, A_NEXT, A_CHECK_TITLE, A_COUNT
};
static const char *const acc_texts[A_COUNT][2] = {
	[A_LOTS] = { "Nghiệm thu lô (lấy mẫu ISO 2859-1)", "Batch acceptance (ISO 2859-1 sampling)" },
	[A_LOT] = { "Lô", "Lot" },
	[A_SERIES] = { "Sổ", "Book" },
	[A_LOT_SIZE] = { "Cỡ lô", "Lot size" },
	[A_CODE] = { "Mã chữ", "Code letter" },
	[A_SAMPLE] = { "Cỡ mẫu", "Sample size" },
	[A_CHECKED] = { "Đã kiểm", "Checked" },
	[A_DEFECTS] = { "Lỗi", "Defects" },
	[A_VERDICT] = { "Kết luận", "Verdict" },
	[A_OPEN] = { "đang kiểm tra", "being checked" },
	[A_ACCEPTED] = { "chấp nhận", "accepted" },
	[A_REJECTED] = { "không chấp nhận: mọi hồ sơ của lô trở lại duyệt",
			 "rejected: every record of the lot goes back to review" },
	[A_NONE] = { "Chưa có lô nào (sohoa review sample).", "No lot yet (sohoa review sample)." },
	[A_CONFORMS] = { "Đúng", "Conforms" },
	[A_DEFECT] = { "Lỗi", "Defect" },
	[A_NOTE] = { "Ghi chú lỗi", "What is wrong" },
	[A_UNCHECKED] = { "chưa kiểm", "unchecked" },
	[A_RECORD] = { "Hồ sơ", "Record" },
	[A_FIELD] = { "Trường", "Field" },
	[A_VALUE] = { "Giá trị", "Value" },
	[A_BACK] = { "Về lô", "Back to the lot" },
	[A_SAVED_OK] = { "Đã ghi: đúng.", "Recorded: conforms." },
	[A_SAVED_DEFECT] = { "Đã ghi: lỗi.", "Recorded: defect." },
	[A_VERDICT_ACCEPTED] = { "Lô được chấp nhận.", "The lot is accepted." },
	[A_VERDICT_REJECTED] = { "Lô không được chấp nhận: mọi hồ sơ của lô trở lại duyệt.",
				 "The lot is rejected: every record of it goes back to review." },
	[A_WHOLE] = { "kiểm toàn bộ", "whole lot" },
	[A_SEVERITY] = { "Chế độ", "Inspection" },
	[A_KEYS] = { "Phím: d đúng · l lỗi (ghi chú, Enter) · n hồ sơ kế",
		     "Keys: d conforms · l defect (note, Enter) · n next record" },
	[A_NEXT] = { "Hồ sơ kế", "Next record" },
	[A_CHECK_TITLE] = { "Kiểm hồ sơ mẫu", "Check a sampled record" },
};
#define AT(k, t) (acc_texts[t][(k)->lang])

static const char *acc_state_text(const struct call *k, const char *state)
{
	return strcmp(state, "accepted") == 0 ? AT(k, A_ACCEPTED) :
	       strcmp(state, "rejected") == 0 ? AT(k, A_REJECTED) : AT(k, A_OPEN);
}

/* A severity of inspection in the page's language. */
static const char *acc_severity_text(const struct call *k, const char *v)
{
	static const char *const words[][3] = {
		{ "normal", "thường", "normal" },
		{ "tightened", "ngặt", "tightened" },
		{ "reduced", "giảm", "reduced" },
	};
	for (size_t i = 0; i < SO_ARRAY_SIZE(words); i++)
		if (strcmp(words[i][0], v) == 0)
			return words[i][1 + k->lang];
	return v;
}

static void acc_head(struct call *k, const char *title)
{
	put_head(k, title, "page-acceptance");
	put_top(k, NULL, NULL, 0);
	page_put(k, "<script src=\"/static/acceptance.js\" defer></script>\n");
}

struct acc_lots_ctx {
	struct call *k;
	int n;
};

static int acc_lot_row(const struct so_acc_lot_row *l, void *ctx)
{
	struct acc_lots_ctx *c = ctx;
	struct call *k = c->k;
	c->n++;
	page_put(k, "<tr data-lot=\"%D\" data-state=\"%s\"><td><a href=\"/lots/%D\">%D</a></td>"
		 "<td>%s</td><td class=\"n\">%D</td><td>%s", l->id, l->state, l->id, l->id,
		 l->series, l->lot_size, l->code_letter);
	if (strcmp(l->code_letter, l->plan_letter) != 0)
		page_put(k, " → %s", l->plan_letter);
	page_put(k, "</td><td class=\"n\">%D</td><td class=\"n\">%d / %d</td><td>%s %%</td>"
		 "<td class=\"n\">%D</td><td class=\"n\">%D</td><td class=\"verdict\">%s</td>"
		 "</tr>\n", l->sample_size, l->ac, l->re, l->aql, l->checked, l->found,
		 acc_state_text(k, l->state));
	return 0;
}

static enum MHD_Result acc_lots_page(struct call *k)
{
	k->page = "/lots";
	acc_head(k, AT(k, A_LOTS));
	page_put(k, "<main id=\"lots-page\">\n<h1>%s</h1>\n<table id=\"lots\"><thead><tr>"
		 "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>Ac / Re</th>"
		 "<th>AQL</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
		 AT(k, A_LOTS), AT(k, A_LOT), AT(k, A_SERIES), AT(k, A_LOT_SIZE), AT(k, A_CODE),
		 AT(k, A_SAMPLE), AT(k, A_CHECKED), AT(k, A_DEFECTS), AT(k, A_VERDICT));
	struct acc_lots_ctx c = { k, 0 };
	if (so_acc_lots_each(k->w->store, acc_lot_row, &c) < 0)
		return send_store_error(k);
	page_put(k, "</tbody></table>\n");
	if (!c.n)
		page_put(k, "<p id=\"no-lots\">%s</p>\n", AT(k, A_NONE));
	page_put(k, "</main>\n</body>\n</html>\n");
	return send_page(k, 200);
}

struct acc_sample_ctx {
	struct call *k;
	int64_t lot;
};

static int acc_sample_row(const struct so_acc_sample_row *r, void *ctx)
{
	struct acc_sample_ctx *c = ctx;
	struct call *k = c->k;
	const char *check = r->defect < 0 ? "" : r->defect ? "defect" : "conforms";
	page_put(k, "<tr data-record=\"%D\" data-check=\"%s\"><td class=\"n\">%D</td><td><a "
		 "href=\"/lots/%D/records/%D\">%D</a></td><td>%s</td><td>%s p%d r%d</td><td>%s",
		 r->record_id, check, r->sample_pos, c->lot, r->record_id, r->record_id,
		 r->book ? r->book : "", r->file ? r->file : "", r->page_index + 1, r->row,
		 r->defect < 0 ? AT(k, A_UNCHECKED) : r->defect ? AT(k, A_DEFECT) :
		 AT(k, A_CONFORMS));
	if (r->defect >= 0)
		page_put(k, " (%s)", r->checker ? r->checker : "");
	if (r->note && *r->note)
		page_put(k, ": %s", r->note);
	page_put(k, "</td></tr>\n");
	return 0;
}

static void acc_put_plan(struct call *k, const struct so_acc_lot_row *l)
{
	page_put(k, "<table id=\"plan\" class=\"plan\" data-lot-size=\"%D\" data-code-letter=\"%s\" "
		 "data-sample-size=\"%D\" data-ac=\"%d\" data-re=\"%d\"><thead><tr><th>%s</th>"
		 "<th>%s</th><th>%s</th><th>%s</th><th>Ac / Re</th><th>AQL</th><th>%s</th></tr>"
		 "</thead><tbody><tr><td>%s</td><td>%D</td><td>%s", l->lot_size, l->code_letter,
		 l->sample_size, l->ac, l->re, AT(k, A_SERIES), AT(k, A_LOT_SIZE), AT(k, A_CODE),
		 AT(k, A_SAMPLE), AT(k, A_SEVERITY), l->series, l->lot_size, l->code_letter);
	if (strcmp(l->code_letter, l->plan_letter) != 0)
		page_put(k, " → %s", l->plan_letter);
	page_put(k, "</td><td>%D%s%s%s</td><td>%d / %d</td><td>%s %% · %s</td><td>%s</td></tr>"
		 "</tbody></table>\n", l->sample_size, l->full ? " (" : "",
		 l->full ? AT(k, A_WHOLE) : "", l->full ? ")" : "", l->ac, l->re, l->aql, l->level,
		 acc_severity_text(k, l->severity));
	page_put(k, "<p id=\"verdict\" class=\"verdict %s\" data-state=\"%s\" role=\"status\">"
		 "%s: <strong>%s</strong> — %D / %D %s, %D %s</p>\n", l->state, l->state,
		 AT(k, A_VERDICT), acc_state_text(k, l->state), l->checked, l->sample_size,
		 AT(k, A_CHECKED), l->found, AT(k, A_DEFECTS));
}

static enum MHD_Result acc_lot_page(struct call *k, int64_t lot)
{
	struct so_acc_lot_row l;
	int r = so_acc_lot_get(k->w->store, lot, &l);
	if (r < 0)
		return send_store_error(k);
	if (r == 0)
		return send_problem(k, 404, tr(k, T_NOT_FOUND));
	char title[64];
	snprintf(title, sizeof(title), "%s %lld", AT(k, A_LOT), (long long)lot);
	acc_head(k, title);
	page_put(k, "<main id=\"lot-page\" data-lot=\"%D\">\n<p><a href=\"/lots\">%s</a></p>\n"
		 "<h1>%s</h1>\n", lot, AT(k, A_LOTS), title);
	acc_put_plan(k, &l);
	page_put(k, "<table id=\"sample\"><thead><tr><th>#</th><th>%s</th><th>%s</th><th></th>"
		 "<th>%s</th></tr></thead><tbody>\n", AT(k, A_RECORD), AT(k, A_SERIES),
		 AT(k, A_VERDICT));
	struct acc_sample_ctx c = { .k = k, .lot = lot };
	if (so_acc_samples_each(k->w->store, lot, acc_sample_row, &c) < 0)
		return send_store_error(k);
	page_put(k, "</tbody></table>\n</main>\n</body>\n</html>\n");
	return send_page(k, 200);
}

/* The first unchecked sampled record of lot LOT after AFTER in sample order (wrapping round),
 * into *NEXT (0 when every one is checked). */
struct acc_next_ctx {
	int64_t after, first, next;
	int passed;
};

static int acc_next_row(const struct so_acc_sample_row *r, void *ctx)
{
	struct acc_next_ctx *c = ctx;
	if (r->record_id == c->after) {
		c->passed = 1;
		return 0;
	}
	if (r->defect >= 0)
		return 0;
	if (!c->first)
		c->first = r->record_id;
	if (c->passed && !c->next) {
		c->next = r->record_id;
		return 1;
	}
	return 0;
}

static int acc_next(struct call *k, int64_t lot, int64_t after, int64_t *next)
{
	struct acc_next_ctx c = { .after = after };
	if (so_acc_samples_each(k->w->store, lot, acc_next_row, &c) < 0)
		return -1;
	*next = c.next ? c.next : c.first;
	return 0;
}

struct acc_find_ctx {
	int64_t record;
	int found, defect;
	char note[1024], checker[80];
};

static int acc_find_row(const struct so_acc_sample_row *r, void *ctx)
{
	struct acc_find_ctx *c = ctx;
	if (r->record_id != c->record)
		return 0;
	c->found = 1;
	c->defect = r->defect;
	snprintf(c->note, sizeof(c->note), "%s", r->note ? r->note : "");
	snprintf(c->checker, sizeof(c->checker), "%s", r->checker ? r->checker : "");
	return 1;
}

static enum MHD_Result acc_record_page(struct call *k, int64_t lot, int64_t id)
{
	struct so_acc_lot_row l;
	int r = so_acc_lot_get(k->w->store, lot, &l);
	if (r < 0)
		return send_store_error(k);
	struct acc_find_ctx f = { .record = id, .defect = -1 };
	if (r == 1 && so_acc_samples_each(k->w->store, lot, acc_find_row, &f) < 0)
		return send_store_error(k);
	if (r == 0 || !f.found)
		return send_problem(k, 404, tr(k, T_NOT_FOUND));
	json_t *rec = so_review_record(k->w->store, id, NULL);
	if (!rec)
		return send_store_error(k);
	int64_t next = 0;
	if (acc_next(k, lot, id, &next) < 0) {
		json_decref(rec);
		return send_store_error(k);
	}
	acc_head(k, AT(k, A_CHECK_TITLE));
	page_put(k, "<main id=\"check-page\" data-lot=\"%D\" data-record=\"%D\">\n"
		 "<p><a id=\"back\" href=\"/lots/%D\">%s %D</a>", lot, id, lot, AT(k, A_BACK), lot);
	if (next && next != id)
		page_put(k, " · <a id=\"next\" href=\"/lots/%D/records/%D\">%s</a>", lot, next,
			 AT(k, A_NEXT));
	const char *book = json_string_value(json_object_get(rec, "book_key"));
	page_put(k, "</p>\n<h1>%s %D — %s · %s %D</h1>\n", AT(k, A_RECORD), id, book ? book : "",
		 AT(k, A_LOT), lot);
	acc_put_plan(k, &l);
	page_put(k, "<section id=\"row\"><div class=\"row-strip\"><div class=\"row-wrap\">"
		 "<img id=\"row-image\" src=\"/img/%D/row.png\" alt=\"%s %D\"></div></div>"
		 "</section>\n<table id=\"check-fields\"><thead><tr><th>%s</th><th>%s</th></tr>"
		 "</thead><tbody>\n", id, AT(k, A_RECORD), id, AT(k, A_FIELD), AT(k, A_VALUE));
	const char *name;
	json_t *fv;
	json_object_foreach(json_object_get(rec, "fields"), name, fv) {
		const char *label = json_string_value(json_object_get(fv, "label"));
		const char *value = json_string_value(json_object_get(fv, "value"));
		const char *raw = json_string_value(json_object_get(fv, "raw"));
		page_put(k, "<tr data-field=\"%s\"><th>%s</th><td>%s</td></tr>\n", name ? name : "",
			 label ? label : name ? name : "", value ? value : raw ? raw : "");
	}
	json_decref(rec);
	page_put(k, "</tbody></table>\n");
	if (f.defect >= 0)
		page_put(k, "<p id=\"checked\" data-check=\"%s\">%s (%s)%s%s</p>\n",
			 f.defect ? "defect" : "conforms", f.defect ? AT(k, A_DEFECT) :
			 AT(k, A_CONFORMS), f.checker, f.note[0] ? ": " : "", f.note);
	if (strcmp(l.state, "open") == 0) {
		page_put(k, "<div class=\"decisions\">\n<form id=\"conforms-form\" method=\"post\" "
			 "action=\"/lots/%D/records/%D/check\"><input type=\"hidden\" name=\"csrf\" "
			 "value=\"%s\"><input type=\"hidden\" name=\"value\" value=\"conforms\">"
			 "<button type=\"submit\" id=\"conforms\" autofocus>%s (d)</button></form>\n"
			 "<form id=\"defect-form\" method=\"post\" action=\"/lots/%D/records/%D/check\">"
			 "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" "
			 "name=\"value\" value=\"defect\"><label>%s <input type=\"text\" id=\"note\" "
			 "name=\"reason\" maxlength=\"1000\" value=\"%s\"></label> <button "
			 "type=\"submit\" id=\"defect\">%s (l)</button></form>\n</div>\n"
			 "<p class=\"keys\">%s</p>\n", lot, id, k->csrf, AT(k, A_CONFORMS), lot, id,
			 k->csrf, AT(k, A_NOTE), f.note, AT(k, A_DEFECT), AT(k, A_KEYS));
	}
	page_put(k, "</main>\n</body>\n</html>\n");
	return send_page(k, 200);
}

static enum MHD_Result acc_check(struct call *k, int64_t lot, int64_t id)
{
	const char *csrf = form(k, "csrf");
	if (!csrf || !secret_equal(csrf, k->csrf))
		return send_problem(k, 403, tr(k, T_CSRF));
	const char *value = form(k, "value"), *note = form(k, "reason");
	if (!value || (strcmp(value, "conforms") != 0 && strcmp(value, "defect") != 0))
		return send_problem(k, 400, tr(k, T_BAD_REQUEST));
	if (note && (strlen(note) > 1000 || !utf8_clean(note)))
		return send_problem(k, 422, tr(k, T_BAD_VALUE));
	struct so_acc_policy pol;
	if (so_acc_policy_load(so_store_dir(k->w->store), &pol) < 0)
		return send_store_error(k);
	int defect = strcmp(value, "defect") == 0;
	struct so_acc_lot_row l;
	if (so_acc_check(k->w->store, lot, id, k->user, defect, note, pol.reduced_allowed,
			 &l) < 0) {
		char msg[600];
		snprintf(msg, sizeof(msg), "%s", so_errmsg());
		return send_problem(k, 409, msg);
	}
	char where[96];
	if (strcmp(l.state, "open") != 0) {
		flash_set(k, strcmp(l.state, "rejected") == 0,
			  AT(k, strcmp(l.state, "accepted") == 0 ? A_VERDICT_ACCEPTED :
				A_VERDICT_REJECTED));
		snprintf(where, sizeof(where), "/lots/%lld", (long long)lot);
		return redirect(k, where);
	}
	int64_t next = 0;
	if (acc_next(k, lot, id, &next) < 0)
		return send_store_error(k);
	flash_set(k, 0, AT(k, defect ? A_SAVED_DEFECT : A_SAVED_OK));
	if (next)
		snprintf(where, sizeof(where), "/lots/%lld/records/%lld", (long long)lot,
			 (long long)next);
	else
		snprintf(where, sizeof(where), "/lots/%lld", (long long)lot);
	return redirect(k, where);
}

/* /lots, /lots/N, /lots/N/records/R and its /check. */
static enum MHD_Result acceptance_route(struct call *k, const char *url, int get, int post)
{
	const char *p = url + 5;
	int64_t lot, id;
	if (*p == 0 && get)
		return acc_lots_page(k);
	if (*p++ != '/' || parse_id(&p, &lot) < 0)
		return send_problem(k, 404, tr(k, T_NOT_FOUND));
	if (*p == 0 && get) {
		k->page = url;
		return acc_lot_page(k, lot);
	}
	if (strncmp(p, "/records/", 9) != 0)
		return send_problem(k, 404, tr(k, T_NOT_FOUND));
	p += 9;
	if (parse_id(&p, &id) < 0)
		return send_problem(k, 404, tr(k, T_NOT_FOUND));
	if (*p == 0 && get) {
		k->page = url;
		return acc_record_page(k, lot, id);
	}
	if (post && strcmp(p, "/check") == 0)
		return acc_check(k, lot, id);
	return send_problem(k, 404, tr(k, T_NOT_FOUND));
}

/* Reads a record id (decimal digits, no sign, no leading zero) at *P and moves past it. */
static int parse_id(const char **p, int64_t *id)
{
	const char *s = *p;
	int64_t v = 0;
	size_t n = 0;
	if (*s == '0')
		return -1;
	while (s[n] >= '0' && s[n] <= '9') {
		if (n >= 15)
			return -1;
		v = v * 10 + (s[n] - '0');
		n++;
	}
	if (n == 0)
		return -1;
	*id = v;
	*p = s + n;
	return 0;
}

static enum MHD_Result route(struct call *k, const char *method)
{
	const char *url = k->url;
	int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	int post = strcmp(method, "POST") == 0;
	if (!get && !post)
		return send_problem(k, 405, tr(k, T_BAD_REQUEST));
	if (k->rq->too_big)
		return send_problem(k, 413, tr(k, T_TOO_BIG));
	if (k->rq->form_bad)
		return send_problem(k, 400, tr(k, T_BAD_REQUEST));

	/* public: the stylesheet, the script, the login form */
	if (get && strncmp(url, "/static/", 8) == 0)
		return serve_static(k, url);
	if (strcmp(url, "/login") == 0)
		return get ? login_page(k, 200, T_APP) : login(k);

	/* everything else needs a session */
	if (!k->session) {
		if (k->token[0])
			clear_session(k);
		if (get && strncmp(url, "/img/", 5) != 0)
			return redirect(k, "/login");
		if (post && !wants_json(k))
			return redirect(k, "/login");
		return send_problem(k, 401, tr(k, T_LOGIN_NEEDED));
	}
	if (strcmp(url, "/logout") == 0) {
		if (!post)
			return send_problem(k, 405, tr(k, T_BAD_REQUEST));
		const char *csrf = form(k, "csrf");
		if (!csrf || !secret_equal(csrf, k->csrf))
			return send_problem(k, 403, tr(k, T_CSRF));
		return logout(k);
	}
	if (strcmp(url, "/") == 0 && get) {
		k->page = "/";
		return queue_page(k);
	}

	/* keying handwritten fields, arbitration, the keyers' statistics (keyingweb.c) */
	if (strncmp(url, "/key", 4) == 0 && (url[4] == 0 || url[4] == '/'))
		return so_keying_route(k, url, get, post);

	if (strcmp(url, "/complete") == 0 && get)
		return complete(k);

	if (strncmp(url, "/lots", 5) == 0 && (url[5] == 0 || url[5] == '/'))
		return acceptance_route(k, url, get, post);

	const char *p;
	int64_t id;
	if (strncmp(url, "/records/", 9) == 0) {
		p = url + 9;
		if (parse_id(&p, &id) < 0)
			return send_problem(k, 404, tr(k, T_NOT_FOUND));
		if (*p == 0 && get) {
			k->page = url;    /* "/records/" and the digits of a number */
			return record_page(k, id);
		}
		if (get && strcmp(p, "/preview") == 0)
			return preview(k, id);
		if (!post)
			return send_problem(k, 404, tr(k, T_NOT_FOUND));
		if (strcmp(p, "/set") == 0)
			return change(k, id, CHANGE_SET);
		if (strcmp(p, "/verify") == 0)
			return change(k, id, CHANGE_VERIFY);
		if (strcmp(p, "/approve") == 0)
			return change(k, id, CHANGE_APPROVE);
		if (strcmp(p, "/reject") == 0)
			return change(k, id, CHANGE_REJECT);
		if (strcmp(p, "/verify-all") == 0)
			return change(k, id, CHANGE_VERIFY_ALL);
		if (strcmp(p, "/claim") == 0)
			return claim(k, id);
		return send_problem(k, 404, tr(k, T_NOT_FOUND));
	}
	if (strncmp(url, "/img/", 5) == 0 && get) {
		p = url + 5;
		if (parse_id(&p, &id) < 0)
			return send_problem(k, 404, tr(k, T_NOT_FOUND));
		if (strcmp(p, "/row.png") == 0)
			return image(k, id, NULL);
		if (strcmp(p, "/page.png") == 0)
			return page_image(k, id);
		if (strncmp(p, "/cell/", 6) == 0) {
			p += 6;
			size_t n = strlen(p);
			char field[72];
			if (n <= 4 || n - 4 >= sizeof(field) || strcmp(p + n - 4, ".png") != 0)
				return send_problem(k, 404, tr(k, T_NOT_FOUND));
			memcpy(field, p, n - 4);
			field[n - 4] = 0;
			if (!field_name_ok(field))
				return send_problem(k, 400, tr(k, T_BAD_REQUEST));
			return image(k, id, field);
		}
	}
	return send_problem(k, 404, tr(k, T_NOT_FOUND));
}

/* From the trusted proxy, the client is the last address of X-Forwarded-For (the one the
 * proxy added; those before it are the client's word): k->address becomes it when it is an
 * IPv4 or IPv6 address. */
static void forwarded_address(struct call *k)
{
	const char *xff = MHD_lookup_connection_value(k->c, MHD_HEADER_KIND, "X-Forwarded-For");
	if (!xff)
		return;
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	last += strspn(last, " \t");
	char text[INET6_ADDRSTRLEN];
	size_t n = strcspn(last, " \t");
	unsigned char bin[sizeof(struct in6_addr)];
	if (n == 0 || n >= sizeof(text))
		return;
	memcpy(text, last, n);
	text[n] = 0;
	if (inet_pton(AF_INET, text, bin) == 1 || inet_pton(AF_INET6, text, bin) == 1)
		memcpy(k->address, text, n + 1);
}

/* The request's session and language, from its cookies and query. */
static void call_identify(struct call *k)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(k->c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	snprintf(k->address, sizeof(k->address), "unknown");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, k->address,
			  sizeof(k->address));
	if (sa && sa->sa_family == AF_INET && k->w->has_proxy &&
	    ((const struct sockaddr_in *)sa)->sin_addr.s_addr == k->w->proxy.s_addr)
		forwarded_address(k);
	const char *lang = query(k, "lang");
	const char *cookie_lang = MHD_lookup_connection_value(k->c, MHD_COOKIE_KIND, "sohoa_lang");
	if (lang && (strcmp(lang, "en") == 0 || strcmp(lang, "vi") == 0)) {
		k->lang = strcmp(lang, "en") == 0 ? EN : VI;
		k->lang_cookie = 1;
	} else {
		k->lang = cookie_lang && strcmp(cookie_lang, "en") == 0 ? EN : VI;
	}
	const char *token = MHD_lookup_connection_value(k->c, MHD_COOKIE_KIND, "sohoa_session");
	if (!token || !token_chars(token, SO_TOKEN_LEN - 1, "-_"))
		return;
	snprintf(k->token, sizeof(k->token), "%s", token);
	int rc = so_session_check(k->w->store, k->token, k->user, sizeof(k->user), k->csrf);
	if (rc == 1)
		k->session = 1;
	else if (rc < 0)
		fprintf(stderr, "review: cannot check a session: %s\n", so_errmsg());
}

static enum MHD_Result form_part(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *filename, const char *content_type,
				 const char *transfer_encoding, const char *data, uint64_t off,
				 size_t size)
{
	struct request *rq = cls;
	for (size_t i = 0; key && i < FORM_KEYS; i++) {
		if (strcmp(form_keys[i], key) != 0)
			continue;
		if (off == 0 && rq->seen[i] && rq->form[i].len)
			rq->form_bad = 1;        /* the same key twice */
		rq->seen[i] = 1;
		if (size && so_buf_add(&rq->form[i], data, size) < 0)
			rq->form_bad = 1;        /* longer than any value may be */
		break;
	}
	return MHD_YES;
}

static void request_free(struct request *rq)
{
	if (!rq)
		return;
	if (rq->pp)
		MHD_destroy_post_processor(rq->pp);
	for (size_t i = 0; i < FORM_KEYS; i++)
		so_buf_release(&rq->form[i]);
	free(rq);
}

/* 1 when HOST (a request's Host header) is one this server answers to: the listen
 * address, or a name given with --allowed-host (with any port), compared without case. A
 * page of another name reached through DNS rebinding is not served. */
static int host_allowed(const struct web *w, const char *host)
{
	if (!host || !*host || strlen(host) > 270)
		return 0;
	for (size_t i = 0; i < w->n_hosts; i++) {
		const char *a = w->hosts[i];
		size_t n = strlen(a);
		if (strcasecmp(host, a) == 0)
			return 1;
		/* a name without a port: the same name with any port */
		if (!strchr(a, ':') && strncasecmp(host, a, n) == 0 && host[n] == ':' &&
		    host[n + 1] && strspn(host + n + 1, "0123456789") == strlen(host + n + 1))
			return 1;
	}
	return 0;
}

/* The slot of connection C, or NULL (lock held). */
static struct slot *slot_of(struct web *w, struct MHD_Connection *c)
{
	for (size_t i = 0; i < CONN_MAX; i++)
		if (w->slots[i].c == c)
			return &w->slots[i];
	return NULL;
}

/* Connection C's request has arrived whole (ANSWERING) or was answered: its deadline is
 * lifted, or set for the next request. */
static void slot_deadline(struct web *w, struct MHD_Connection *c, int answering)
{
	pthread_mutex_lock(&w->lock);
	struct slot *sl = slot_of(w, c);
	if (sl)
		sl->deadline = answering ? 0 : monotonic_ms() + w->request_timeout * 1000;
	pthread_mutex_unlock(&w->lock);
}

static void connection_notify(void *cls, struct MHD_Connection *c, void **socket_context,
			      enum MHD_ConnectionNotificationCode what)
{
	struct web *w = cls;
	pthread_mutex_lock(&w->lock);
	if (what == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		struct slot *sl = slot_of(w, NULL);
		if (sl && ci) {
			sl->c = c;
			sl->fd = ci->connect_fd;
			sl->deadline = monotonic_ms() + w->request_timeout * 1000;
		}
	} else {
		struct slot *sl = slot_of(w, c);
		if (sl)
			memset(sl, 0, sizeof(*sl));
	}
	pthread_mutex_unlock(&w->lock);
}

/* Ends the connections whose request did not arrive in time (however slowly it trickles
 * in): their socket is shut down, and the server's thread closes them. Returns how many. */
static int slots_sweep(struct web *w)
{
	int n = 0;
	int64_t now = monotonic_ms();
	pthread_mutex_lock(&w->lock);
	for (size_t i = 0; i < CONN_MAX; i++) {
		struct slot *sl = &w->slots[i];
		if (sl->c && sl->deadline && now >= sl->deadline) {
			shutdown(sl->fd, SHUT_RDWR);
			sl->deadline = 0;
			n++;
		}
	}
	pthread_mutex_unlock(&w->lock);
	return n;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct web *w = cls;
	struct request *rq = *con_cls;
	if (!rq) {
		rq = calloc(1, sizeof(*rq));
		if (!rq)
			return MHD_NO;
		for (size_t i = 0; i < FORM_KEYS; i++)
			so_buf_init(&rq->form[i], VALUE_MAX);
		*con_cls = rq;
		const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
		if (!host_allowed(w, host)) {
			/* refused before its body: a name this server was not given */
			struct call k = { .w = w, .c = c, .rq = rq, .url = url };
			k.out = (struct so_buf)SO_BUF_INIT(PAGE_MAX);
			rq->answered = 1;
			call_identify(&k);
			char shown[80];
			log_name(host ? host : "", shown, sizeof(shown));
			log_limited(w, "refused a request for host '%s' from %s", shown, k.address);
			enum MHD_Result ret = send_problem(&k, 421, tr(&k, T_BAD_HOST));
			so_buf_release(&k.out);
			return ret;
		}
		if (strcmp(method, "POST") == 0) {
			const char *len = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
								      "Content-Length");
			long n;
			if (len && (so_parse_long(len, 0, LONG_MAX, &n) < 0 || n > BODY_MAX)) {
				/* refused before reading it: the connection closes after */
				struct call k = { .w = w, .c = c, .rq = rq, .url = url };
				k.out = (struct so_buf)SO_BUF_INIT(PAGE_MAX);
				rq->too_big = rq->answered = 1;
				call_identify(&k);
				enum MHD_Result ret = send_problem(&k, 413, tr(&k, T_TOO_BIG));
				so_buf_release(&k.out);
				return ret;
			}
			rq->pp = MHD_create_post_processor(c, 4096, form_part, rq);
		}
		return MHD_YES;
	}
	if (rq->answered) {
		*upload_size = 0;           /* already answered 413: nothing more to read */
		return MHD_YES;
	}
	if (*upload_size) {
		rq->body += *upload_size;
		if (rq->body > BODY_MAX) {
			/* a body that goes on past its limit is not read any further */
			if (rq->body > 16 * BODY_MAX)
				return MHD_NO;
			rq->too_big = 1;
		} else if (rq->pp && MHD_post_process(rq->pp, upload, *upload_size) != MHD_YES) {
			rq->form_bad = 1;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	slot_deadline(w, c, 1);
	struct call k = { .w = w, .c = c, .rq = rq, .url = url, .started_us = clock_us() };
	k.out = (struct so_buf)SO_BUF_INIT(PAGE_MAX);
	enum MHD_Result ret;
	if (strlen(url) > URL_MAX || url[0] != '/') {
		call_identify(&k);
		ret = send_problem(&k, 414, tr(&k, T_BAD_REQUEST));
	} else {
		call_identify(&k);
		ret = route(&k, method);
	}
	so_buf_release(&k.out);
	return ret;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	request_free(*con_cls);
	*con_cls = NULL;
	slot_deadline(cls, c, 0);
}

/* Serving --------------------------------------------------------------------------------- */

static void log_note(struct web *w)
{
	pthread_mutex_lock(&w->lock);
	long n = w->log_left_out;
	w->log_left_out = 0;
	pthread_mutex_unlock(&w->lock);
	if (n)
		fprintf(stderr, "review: %ld more server messages left out\n", n);
}

/* Adds a Host value this server answers to: NAME:PORT, or NAME alone when PORT < 0. */
static void host_add(struct web *w, const char *name, long port)
{
	if (w->n_hosts >= SO_ARRAY_SIZE(w->hosts))
		return;
	char *h = w->hosts[w->n_hosts++];
	if (port < 0)
		snprintf(h, sizeof(w->hosts[0]), "%s", name);
	else
		snprintf(h, sizeof(w->hosts[0]), "%s:%ld", name, port);
}

/* A listening socket on ADDR (its port 0: a free one), or -1 with the error set. */
static int listen_socket(const struct sockaddr_in *addr, const char *listen_text)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return so_error("cannot make a socket: %s", strerror(errno));
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* a queue for every slot and as many again: a burst of connections waits there for the
	 * server's accept instead of its SYNs being dropped (a dropped SYN is sent again only
	 * after a second, so a burst of 240 took seconds to connect) */
	if (bind(fd, (const struct sockaddr *)addr, sizeof(*addr)) < 0 ||
	    listen(fd, 2 * CONN_MAX) < 0) {
		int err = errno;
		close(fd);
		return so_error("cannot listen on %s: %s", listen_text,
				err == EADDRINUSE ? "the address is in use" : strerror(err));
	}
	return fd;
}

int so_review_serve(const struct so_review_serve_options *o)
{
	const char *listen = o->listen ? o->listen : "127.0.0.1:8080";
	char host[64];
	const char *colon = strrchr(listen, ':');
	long port;
	if (!colon || colon == listen || (size_t)(colon - listen) >= sizeof(host) ||
	    so_parse_long(colon + 1, 0, 65535, &port) < 0) {
		so_error("--listen must be ADDRESS:PORT (e.g. 127.0.0.1:8080), not '%s'", listen);
		return SO_EXIT_ENV;
	}
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = 0;
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
		so_error("cannot listen on '%s': an IPv4 address is needed", host);
		return SO_EXIT_ENV;
	}
	/* plain HTTP carries passwords and session cookies: off the machine only when asked */
	int loopback = (ntohl(addr.sin_addr.s_addr) >> 24) == 127;
	if (!loopback && !o->allow_remote) {
		so_error("%s is not a loopback address: the review speaks plain HTTP; put it behind "
			 "a TLS proxy and give --allow-remote to listen there", host);
		return SO_EXIT_ENV;
	}
	if (!o->batch) {
		so_error("no batch directory given");
		return SO_EXIT_ENV;
	}
	if (o->n_allowed_hosts > ALLOWED_HOSTS_MAX) {
		so_error("at most %d --allowed-host names", ALLOWED_HOSTS_MAX);
		return SO_EXIT_ENV;
	}
	for (size_t i = 0; i < o->n_allowed_hosts; i++)
		if (!token_chars(o->allowed_hosts[i], 253, ".-:[]")) {
			so_error("--allowed-host takes a host name (and :PORT), not '%s'",
				 o->allowed_hosts[i]);
			return SO_EXIT_ENV;
		}
	struct web *w = so_calloc(1, sizeof(*w));
	if (!w)
		return SO_EXIT_ENV;
	w->ttl = o->session_ttl > 0 ? o->session_ttl : 8 * 3600;
	w->behind_tls = o->behind_tls;
	if (o->trusted_proxy) {
		if (inet_pton(AF_INET, o->trusted_proxy, &w->proxy) != 1) {
			so_error("--trusted-proxy takes an IPv4 address, not '%s'", o->trusted_proxy);
			free(w);
			return SO_EXIT_ENV;
		}
		w->has_proxy = 1;
	}
	w->request_timeout = o->request_timeout > 0 ? o->request_timeout : REQUEST_TIMEOUT_DEFAULT;
	w->sign_in_lock = 1000 * (o->sign_in_lock > 0 ? o->sign_in_lock : 1);
	/* whole seconds, at least one */
	w->claim_seconds = o->claim_minutes > 0 ? (int64_t)(o->claim_minutes * 60 + 0.999)
						: SO_REVIEW_CLAIM_SECONDS;
	if (w->claim_seconds < 1)
		w->claim_seconds = 1;
	unsigned per_address = o->per_address > 0 ? (unsigned)o->per_address : PER_ADDRESS_DEFAULT;
	pthread_mutex_init(&w->lock, NULL);
	int fd = -1, code = SO_EXIT_ENV;
	struct MHD_Daemon *d = NULL;
	if (random_bytes(w->login_key, sizeof(w->login_key)) < 0 ||
	    (fd = listen_socket(&addr, listen)) < 0)
		goto finish;
	struct sockaddr_in bound;
	socklen_t blen = sizeof(bound);
	if (getsockname(fd, (struct sockaddr *)&bound, &blen) == 0)
		port = ntohs(bound.sin_port);
	if (addr.sin_addr.s_addr != htonl(INADDR_ANY))
		host_add(w, host, port);
	if (loopback) {
		host_add(w, "localhost", port);
		host_add(w, "127.0.0.1", port);
	}
	for (size_t i = 0; i < o->n_allowed_hosts; i++)
		host_add(w, o->allowed_hosts[i], -1);
	/* archivists never see records read from a damaged store (a page lost reads as rows
	 * that are not there) */
	if (so_store_open(o->batch, 0, &w->store) < 0 || so_store_check_intact(w->store) < 0 ||
	    !(w->reasons = so_review_reasons_load(o->batch)) ||
	    so_keying_policy_load(o->batch, &w->keying) < 0)
		goto finish;
	if (!loopback && !o->behind_tls)
		fprintf(stderr, "review: warning: serving plain HTTP on %s: passwords and session "
			"cookies cross the network unencrypted; put a TLS proxy in front and give "
			"--behind-tls\n", listen);

	/* the stop signals are taken by this thread only: the server's thread is started with
	 * them blocked */
	so_signals_install();
	signal(SIGPIPE, SIG_IGN);
	sigset_t stop, old;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	/* one internal thread polls every connection: requests are handled one at a time */
	d = MHD_start_daemon(
		MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, handle, w,
		MHD_OPTION_EXTERNAL_LOGGER, server_log, w,
		MHD_OPTION_LISTEN_SOCKET, fd,
		MHD_OPTION_NOTIFY_COMPLETED, completed, w,
		MHD_OPTION_NOTIFY_CONNECTION, connection_notify, w,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONN_MAX,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_address,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)w->request_timeout,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
		MHD_OPTION_END);
	int err = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!d) {
		so_error("cannot serve on %s: %s", listen,
			 err ? strerror(err) : "the server did not start");
		goto finish;
	}
	fd = -1;                  /* the server's now: it closes it when it stops */
	if (o->announce) {
		fprintf(o->announce, "listening on http://%s:%ld/\n", host, port);
		fflush(o->announce);
	}
	int sig;
	for (unsigned tick = 1; !(sig = so_signal_received()); tick++) {
		usleep(100 * 1000);
		if (tick % 10 == 0)
			log_note(w);
		int ended = slots_sweep(w);
		if (ended)
			fprintf(stderr, "review: closed %d connection%s that sent no whole request "
				"in %ld s\n", ended, ended == 1 ? "" : "s", w->request_timeout);
	}
	code = so_signal_exit_code(sig);
finish:
	if (d)
		MHD_stop_daemon(d);
	if (fd >= 0)
		close(fd);
	if (w->store)
		so_store_close(w->store);
	json_decref(w->reasons);
	pthread_mutex_destroy(&w->lock);
	explicit_bzero(w->login_key, sizeof(w->login_key));
	free(w);
	return code;
}

/* For the pages of other files (reviewweb_internal.h) --------------------------------------- */

struct so_store *so_web_store(const struct call *k)
{
	return k->w->store;
}

const struct so_keying_policy *so_web_keying_policy(const struct call *k)
{
	return &k->w->keying;
}

const char *so_web_user(const struct call *k)
{
	return k->user;
}

int so_web_english(const struct call *k)
{
	return k->lang == EN;
}

const char *so_web_query(const struct call *k, const char *name)
{
	return query(k, name);
}

const char *so_web_form(const struct call *k, const char *name)
{
	return form(k, name);
}

int so_web_csrf_ok(const struct call *k)
{
	const char *csrf = form(k, "csrf");
	return csrf && secret_equal(csrf, k->csrf);
}

int so_web_text_ok(const char *s, size_t max)
{
	return s && strlen(s) <= max && utf8_clean(s);
}

const char *so_web_one_language(const struct call *k, const char *msg, char *out, size_t size)
{
	return one_language(k, msg, out, size);
}

void so_web_put(struct call *k, const char *fmt, ...)
{
	/* page_put's directives but %t (the interface strings are this file's) */
	va_list ap;
	va_start(ap, fmt);
	put_v(k, 0, fmt, ap);
	va_end(ap);
}

void so_web_page_begin(struct call *k, const char *page, const char *title,
		       const char *body_class)
{
	k->page = page;
	put_head(k, title, body_class);
	put_top(k, NULL, NULL, 0);
}

enum MHD_Result so_web_send_page(struct call *k, unsigned status)
{
	return send_page(k, status);
}

enum MHD_Result so_web_send_json(struct call *k, unsigned status, json_t *body)
{
	return send_json(k, status, body);
}

int so_web_wants_json(const struct call *k)
{
	return wants_json(k);
}

enum MHD_Result so_web_problem(struct call *k, unsigned status, const char *message)
{
	return send_problem(k, status, message);
}

enum MHD_Result so_web_store_error(struct call *k)
{
	return send_store_error(k);
}

enum MHD_Result so_web_not_found(struct call *k)
{
	return send_problem(k, 404, tr(k, T_NOT_FOUND));
}

enum MHD_Result so_web_bad_request(struct call *k)
{
	return send_problem(k, 400, tr(k, T_BAD_REQUEST));
}

enum MHD_Result so_web_csrf_refused(struct call *k)
{
	return send_problem(k, 403, tr(k, T_CSRF));
}

int so_web_random(void *buf, size_t n)
{
	return random_bytes(buf, n);
}
