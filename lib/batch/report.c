/* The operator's report (see report.h): one self-contained HTML page drawn from the batch
 * summary. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "batch/report.h"
#include "register/flagcode.h"
#include "batch/summary.h"
#include "config.h"

static int64_t jcount(const json_t *o, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(o, key));
}

/* The report ------------------------------------------------------------------------------ */

/* A name of something the report shows: Vietnamese, English, and its colour in charts. */
struct name {
	const char *key, *vi, *en, *color;
};

static const struct name stage_label[] = {
	{ "scan", "Quét ảnh", "scan", NULL },
	{ "ocr", "Nhận dạng chữ", "OCR", NULL },
	{ "validate", "Kiểm tra", "validate", NULL },
	{ "normalize", "Chuẩn hóa", "normalize", NULL },
	{ "sync", "Đồng bộ", "sync", NULL },
};
static const struct name unit_label[] = {
	{ "files", "tệp", "files", NULL },
	{ "pages", "trang", "pages", NULL },
	{ "books", "sổ", "books", NULL },
	{ "records", "bản ghi", "records", NULL },
};
static const struct name unit_state_label[] = {
	{ "done", "Xong", "done", "#2f9e6e" },
	{ "failed", "Lỗi", "failed", "#d64545" },
	{ "running", "Đang chạy", "running", "#3b7dd8" },
	{ "pending", "Đang chờ", "pending", "#c5ccd6" },
};
static const struct name page_state_label[] = {
	{ "prepared", "Đã xử lý ảnh", "prepared", "#3b7dd8" },
	{ "blank", "Trang trắng", "blank", "#b3c0d1" },
	{ "duplicate", "Trùng lặp", "duplicate", "#7b8798" },
	{ "rejected", "Bị loại", "rejected", "#e0a526" },
	{ "failed", "Lỗi", "failed", "#d64545" },
	{ "unread", "Tệp không đọc được", "in an unreadable file", "#8f1d1d" },
	{ "waiting", "Chưa quét", "not scanned yet", "#dde2e9" },
};
static const struct name status_label[] = {
	{ "extracted", "Mới trích xuất", "extracted", "#9aa5b1" },
	{ "needs_review", "Cần xem lại", "needs review", "#e0a526" },
	{ "valid", "Hợp lệ", "valid", "#2f9e6e" },
	{ "approved", "Đã duyệt", "approved", "#3b7dd8" },
	{ "rejected", "Bị từ chối", "rejected", "#d64545" },
	{ "synced", "Đã đồng bộ", "synced", "#0b6e75" },
};
static const struct name flag_state_label[] = {
	{ "open", "Chưa xử lý", "open", "#e8590c" },
	{ "verified", "Đã xác nhận", "verified", "#3b7dd8" },
	{ "resolved", "Đã giải quyết", "resolved", "#2f9e6e" },
};
static const struct name outbox_label[] = {
	{ "queued", "Chờ gửi", "queued", "#b3c0d1" },
	{ "acked", "Đã được nhận", "acknowledged", "#0b6e75" },
	{ "refused", "Bị từ chối", "refused", "#d64545" },
	{ "held", "Tạm giữ", "held", "#e0a526" },
};
static const struct name level_label[] = {
	{ "info", "Thông tin", "info", NULL },
	{ "warning", "Cảnh báo", "warning", NULL },
	{ "error", "Lỗi", "error", NULL },
};
static const struct name severity_label[] = {
	{ "error", "lỗi", "error", "#d64545" },
	{ "warning", "cảnh báo", "warning", "#e0a526" },
};
static const struct name book_type_label[] = {
	{ "birth", "Khai sinh", "birth", NULL },
	{ "marriage", "Kết hôn", "marriage", NULL },
	{ "death", "Khai tử", "death", NULL },
	{ "parentage", "Nhận cha, mẹ, con", "parentage", NULL },
};

static const struct name kind_label[] = {
	{ "number", "Số đăng ký", "registration number", NULL },
	{ "date", "Ngày", "date", NULL },
	{ "datetime", "Ngày giờ", "date and time", NULL },
	{ "name", "Họ tên", "name", NULL },
	{ "text", "Văn bản", "text", NULL },
	{ "sex", "Giới tính", "sex", NULL },
	{ "ethnicity", "Dân tộc", "ethnicity", NULL },
	{ "nationality", "Quốc tịch", "nationality", NULL },
	{ "place", "Địa danh", "place", NULL },
	{ "id_number", "Số định danh", "identity number", NULL },
	{ "id_document", "Giấy tờ tùy thân", "identity document", NULL },
	{ "relationship", "Quan hệ cha, mẹ, con", "parentage", NULL },
	{ "kinship", "Quan hệ với người đi khai", "declarant's kinship", NULL },
	{ "code", "Số văn bản", "document number", NULL },
	{ "block", "Ô ghép", "composite cell", NULL },
};
/* the fields of a kind by their confidence against the kind's threshold */
static const struct name threshold_label[] = {
	{ "under", "Dưới ngưỡng: cần xem lại", "under the threshold: review", "#e0a526" },
	{ "over", "Đạt ngưỡng", "at or over the threshold", "#2f9e6e" },
	{ "without", "Không có độ tin cậy", "without confidence", "#b3c0d1" },
};

static const struct name *name_of(const struct name *names, size_t n, const char *key)
{
	for (size_t i = 0; key && i < n; i++)
		if (strcmp(names[i].key, key) == 0)
			return &names[i];
	return NULL;
}
#define NAME_OF(table, key) name_of(table, SO_ARRAY_SIZE(table), key)

/* Text the report writes itself (literals and numbers): never text from the store. */
static void w(FILE *out, const char *fmt, ...) SO_PRINTF(2, 3);
static void w(FILE *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
}

/* The one place text from the store becomes HTML (element text or attribute value, in HTML
 * or SVG): markup characters escaped, control characters blanked. */
static void esc(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default:
			fputc(c < 0x20 || c == 0x7f ? ' ' : c, out);
		}
	}
}

/* The width in pixels of the character at P in 12px sans-serif text, estimated generously
 * (wider fonts than the one the report asks for may be used). */
static double char_width(const char *p)
{
	unsigned char c = (unsigned char)*p;
	if (c >= 0x80)
		return 7.2;   /* Vietnamese letters, mostly lower-case */
	if (c >= 'A' && c <= 'Z')
		return 8.4;
	if (c >= 'a' && c <= 'z')
		return 7.0;
	if (c >= '0' && c <= '9')
		return 7.3;
	return c == ' ' ? 3.8 : 5.4;
}

/* The estimated width of UTF-8 text S in 12px sans-serif. */
static double text_width(const char *s)
{
	double width = 0;
	for (; s && *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			width += char_width(s);
	return width;
}

/* Escaped, cut with an ellipsis so that it is about MAX pixels wide at most. */
static void esc_fit(FILE *out, const char *s, double max)
{
	if (text_width(s) <= max) {
		esc(out, s);
		return;
	}
	double width = 8;   /* the ellipsis */
	size_t i = 0;
	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		width += char_width(s + i);
		if (width > max)
			break;
	}
	for (size_t j = 0; j < i; j++) {
		char one[2] = { s[j], '\0' };
		esc(out, one);
	}
	fputs("…", out);
}

static const char *jtext(const json_t *o, const char *key)
{
	const char *t = json_string_value(json_object_get(o, key));
	return t ? t : "";
}

/* "27/11/2026 20:36" in the local time of the machine, from an ISO time of the store (as it
 * is when it is not one). */
static void local_time(const char *iso, char *buf, size_t size, int with_date)
{
	int y, mo, d, h, mi, sec = 0;
	if (sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) < 5 || y < 1970) {
		snprintf(buf, size, "%s", iso);
		return;
	}
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
			 .tm_min = mi, .tm_sec = sec };
	time_t t = timegm(&tm);
	localtime_r(&t, &tm);
	strftime(buf, size, with_date ? "%d/%m/%Y %H:%M" : "%H:%M", &tm);
}

/* "UTC+07:00" for the machine's local time. */
static void zone_name(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;
	char z[8] = "";
	localtime_r(&t, &tm);
	strftime(z, sizeof(z), "%z", &tm);
	if (strlen(z) == 5)
		snprintf(buf, size, "UTC%c%c%c:%c%c", z[0], z[1], z[2], z[3], z[4]);
	else
		snprintf(buf, size, "UTC");
}

/* A heading in Vietnamese with the English below it. */
static void heading(FILE *out, int level, const char *id, const char *vi, const char *en)
{
	w(out, "<h%d id=\"%s\">%s <span class=\"en\">%s</span></h%d>\n", level, id, vi, en, level);
}

/* A table heading cell, Vietnamese over English. */
static void th(FILE *out, const char *vi, const char *en, int numeric)
{
	w(out, "<th%s>%s<span class=\"en\">%s</span></th>", numeric ? " class=\"n\"" : "", vi, en);
}

/* A number cell carrying its place in the summary (data-k) for whoever checks it. */
static void td_num(FILE *out, int64_t n, const char *fmt, ...) SO_PRINTF(3, 4);
static void td_num(FILE *out, int64_t n, const char *fmt, ...)
{
	char key[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	w(out, "<td class=\"n%s\" data-k=\"", n ? "" : " zero");
	esc(out, key);
	w(out, "\">%lld</td>", (long long)n);
}

static void legend_swatch(FILE *out, const struct name *n)
{
	w(out, "<span class=\"sw\" style=\"background:%s\"></span>", n->color ? n->color : "#999");
}

/* The rows of a table of counts beside a chart, one per name of NAMES (a page's state, a
 * record's status, an outbox state): the name with its colour in the chart, then its count
 * in COUNTS, keyed PREFIX.key. ATTR, when not NULL, names the row's data- attribute that
 * carries the key. The tables beside the charts of pages, records and sync are written
 * alike, so that a reader finds a colour and a count in the same place in each. */
static void count_rows(FILE *out, const struct name *names, size_t n, const json_t *counts,
		       const char *prefix, const char *attr)
{
	for (size_t i = 0; i < n; i++) {
		if (attr)
			w(out, "<tr data-%s=\"%s\"><td>", attr, names[i].key);
		else
			w(out, "<tr><td>");
		legend_swatch(out, &names[i]);
		w(out, "%s <span class=\"en\">%s</span></td>", names[i].vi, names[i].en);
		td_num(out, jcount(counts, names[i].key), "%s.%s", prefix, names[i].key);
		w(out, "</tr>\n");
	}
}

/* Charts --------------------------------------------------------------------------------- */

#define CHART_W 640
#define LABEL_MAX_W 270.0   /* the widest label of a bar, in pixels */

/* A round top of the axis and its step for values up to MAX (about 5 steps). */
static void axis_scale(int64_t max, int64_t *top, int64_t *step)
{
	if (max <= 0) {
		*top = *step = 1;
		return;
	}
	double raw = (double)max / 5.0, mag = pow(10, floor(log10(raw))), f = raw / mag;
	double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
	*step = (int64_t)(nice * mag + 0.5);
	if (*step < 1)
		*step = 1;
	*top = (max + *step - 1) / *step * *step;
}

/* The legend of a chart at the top, wrapped within the chart from X0; returns its height.
 * With OUT NULL, only measures. */
static int chart_legend(FILE *out, const struct name *series, size_t ns, const int *shown,
			int x0)
{
	double x = x0, y = 12;
	for (size_t i = 0; i < ns; i++) {
		if (shown && !shown[i])
			continue;
		double width = 16 + text_width(series[i].vi) + 14;
		if (x + width > CHART_W && x > x0) {
			x = x0;
			y += 18;
		}
		if (out)
			w(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"11\" height=\"11\" rx=\"2\" "
			  "fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\" class=\"lg\">%s</text>\n", x,
			  y - 9, series[i].color, x + 15, y, series[i].vi);
		x += width;
	}
	return (int)y + 10;
}

struct bar_row {
	char label[160];     /* from the store: escaped when written */
	int64_t v[8];
};

/* Horizontal stacked bars, one row per item, the series stacked in order; the total at the
 * end of each bar. PERCENT: every bar is its row's whole (for rows counted in different
 * units). */
static void chart_hbars(FILE *out, const char *title, const struct bar_row *rows, size_t n,
			const struct name *series, size_t ns, int percent)
{
	int shown[8] = { 0 };
	int64_t max = 0;
	double label_w = 30;
	for (size_t r = 0; r < n; r++) {
		int64_t total = 0;
		for (size_t i = 0; i < ns; i++) {
			total += rows[r].v[i];
			shown[i] |= rows[r].v[i] != 0;
		}
		if (total > max)
			max = total;
		double lw = text_width(rows[r].label);
		if (lw > label_w)
			label_w = lw;
	}
	if (label_w > LABEL_MAX_W)
		label_w = LABEL_MAX_W;
	int x0 = (int)label_w + 16, x1 = CHART_W - 52, pw = x1 - x0;
	int64_t top, step;
	if (percent) {
		top = 100;
		step = 25;
	} else {
		axis_scale(max, &top, &step);
	}
	int legend_h = ns > 1 ? chart_legend(NULL, series, ns, shown, x0) : 4;
	int row_h = 22, plot_top = legend_h + 6, plot_bottom = plot_top + (int)n * row_h;
	int height = plot_bottom + 24;
	w(out, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
	  "aria-label=\"%s\">\n", CHART_W, height, CHART_W, height, title);
	if (ns > 1)
		chart_legend(out, series, ns, shown, x0);
	for (int64_t t = 0; t <= top; t += step) {
		double x = x0 + (double)pw * (double)t / (double)top;
		w(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"grid\"/>"
		  "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%lld%s</text>\n",
		  x, plot_top - 2, x, plot_bottom, x, plot_bottom + 15, (long long)t,
		  percent ? "%" : "");
	}
	for (size_t r = 0; r < n; r++) {
		int y = plot_top + (int)r * row_h;
		int64_t total = 0;
		for (size_t i = 0; i < ns; i++)
			total += rows[r].v[i];
		w(out, "<g><title>");
		esc(out, rows[r].label);
		w(out, "</title><text x=\"%d\" y=\"%d\" class=\"lb\" text-anchor=\"end\">", x0 - 8,
		  y + 15);
		esc_fit(out, rows[r].label, LABEL_MAX_W);
		w(out, "</text>");
		double x = x0, whole = percent ? (double)(total ? total : 1) : (double)top;
		for (size_t i = 0; i < ns; i++) {
			if (!rows[r].v[i])
				continue;
			double bw = (double)pw * (double)rows[r].v[i] / whole;
			if (bw < 1.5)
				bw = 1.5;
			w(out, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"14\" fill=\"%s\">"
			  "<title>%s: %lld</title></rect>", x, y + 4, bw, series[i].color,
			  series[i].vi, (long long)rows[r].v[i]);
			x += bw;
		}
		w(out, "<text x=\"%.1f\" y=\"%d\" class=\"val\">%lld</text></g>\n", x + 5, y + 15,
		  (long long)total);
	}
	w(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>\n</svg>\n", x0,
	  plot_top - 2, x0, plot_bottom);
}

/* The label of time bucket I: "20:36", or "27/11 20:36" over more than a day. */
static void bucket_label(long long start_minute, long long width, size_t i, int dates,
			 char *buf, size_t size)
{
	time_t t = (time_t)((start_minute + (long long)i * width) * 60);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, size, dates ? "%d/%m %H:%M" : "%H:%M", &tm);
}

/* A round top of the axis and its step for rates up to MAX (about 5 steps). */
static void axis_scale_rate(double max, double *top, double *step)
{
	if (!(max > 0)) {
		*top = *step = 1;
		return;
	}
	double raw = max / 5.0, mag = pow(10, floor(log10(raw))), f = raw / mag;
	*step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
	*top = ceil(max / *step - 1e-9) * *step;
}

/* How many buckets of the series to take together so that N make at most ROWS: a round
 * number of them. */
static size_t bucket_group(size_t n, size_t rows)
{
	static const size_t groups[] = { 1, 2, 3, 5, 10, 15, 20, 30, 60, 120, 180, 240, 360, 720,
					 1440 };
	size_t g = (n + rows - 1) / rows;
	for (size_t i = 0; i < SO_ARRAY_SIZE(groups); i++)
		if (groups[i] >= g)
			return groups[i];
	return g;
}

/* The pages of SERIES in the GROUP buckets from I. */
static int64_t series_sum(const json_t *series, size_t i, size_t group)
{
	int64_t sum = 0;
	for (size_t j = i; j < i + group && j < json_array_size(series); j++)
		sum += json_integer_value(json_array_get(series, j));
	return sum;
}

/* Pages per minute over time: ocr as bars, scan as a line, at most 96 points. */
static void chart_throughput(FILE *out, const json_t *tp, long long start)
{
	const json_t *scan = json_object_get(json_object_get(tp, "scan"), "series");
	const json_t *ocr = json_object_get(json_object_get(tp, "ocr"), "series");
	size_t buckets = json_array_size(ocr);
	long long width = json_integer_value(json_object_get(tp, "bucket_minutes"));
	if (width < 1)
		width = 1;
	size_t group = bucket_group(buckets, 96), n = (buckets + group - 1) / group;
	double minutes = (double)group * (double)width;
	double *rate_scan = so_calloc(2 * (n ? n : 1), sizeof(double));
	if (!rate_scan)
		return;
	double *rate_ocr = rate_scan + n, max = 0;
	for (size_t k = 0; k < n; k++) {
		rate_scan[k] = (double)series_sum(scan, k * group, group) / minutes;
		rate_ocr[k] = (double)series_sum(ocr, k * group, group) / minutes;
		max = fmax(max, fmax(rate_scan[k], rate_ocr[k]));
	}
	double top, step;
	axis_scale_rate(max, &top, &step);
	const int x0 = 56, x1 = CHART_W - 14, y0 = 34, y1 = 216, height = 256;
	double slot = (double)(x1 - x0) / (double)n;
	double bar = slot * 0.7 > 36 ? 36 : slot * 0.7;
	w(out, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
	  "aria-label=\"pages per minute\">\n", CHART_W, height, CHART_W, height);
	w(out, "<rect x=\"%d\" y=\"3\" width=\"11\" height=\"11\" rx=\"2\" fill=\"#3b7dd8\"/>"
	  "<text x=\"%d\" y=\"12\" class=\"lg\">Nhận dạng chữ (OCR)</text>"
	  "<line x1=\"%d\" y1=\"8.5\" x2=\"%d\" y2=\"8.5\" stroke=\"#e8590c\" stroke-width=\"2.5\"/>"
	  "<circle cx=\"%d\" cy=\"8.5\" r=\"3\" fill=\"#e8590c\"/>"
	  "<text x=\"%d\" y=\"12\" class=\"lg\">Quét ảnh (scan)</text>\n",
	  x0, x0 + 15, x0 + 170, x0 + 190, x0 + 180, x0 + 196);
	for (int k = 0; k <= 20; k++) {
		double t = step * k;
		if (t > top + step / 2)
			break;
		double y = y1 - (double)(y1 - y0) * t / top;
		w(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>"
		  "<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%g</text>\n",
		  x0, y, x1, y, x0 - 6, y + 4, t);
	}
	for (size_t k = 0; k < n; k++) {
		if (rate_ocr[k] <= 0)
			continue;
		double h = (double)(y1 - y0) * rate_ocr[k] / top;
		w(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#3b7dd8\">"
		  "<title>OCR: %.1f</title></rect>\n", x0 + slot * (double)k + (slot - bar) / 2,
		  y1 - h, bar, h, rate_ocr[k]);
	}
	w(out, "<polyline class=\"line\" points=\"");
	for (size_t k = 0; k < n; k++)
		w(out, "%.1f,%.1f ", x0 + slot * ((double)k + 0.5),
		  y1 - (double)(y1 - y0) * rate_scan[k] / top);
	w(out, "\"/>\n");
	if (n <= 60)
		for (size_t k = 0; k < n; k++)
			w(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#e8590c\"><title>scan: "
			  "%.1f</title></circle>\n", x0 + slot * ((double)k + 0.5),
			  y1 - (double)(y1 - y0) * rate_scan[k] / top, rate_scan[k]);
	/* time labels: at most 7, at the start of their bucket */
	int dates = (long long)buckets * width > 20 * 60;
	size_t every = (n + 6) / 7;
	for (size_t k = 0; k < n; k += every) {
		char label[32];
		double x = x0 + slot * (double)k;
		bucket_label(start, width * (long long)group, k, dates, label, sizeof(label));
		w(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"axis\"/>"
		  "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"%s\">%s</text>\n",
		  x, y1, x, y1 + 4, x, y1 + 17, k == 0 ? "start" : "middle", label);
	}
	w(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>"
	  "<text x=\"%d\" y=\"%d\" class=\"lb\" text-anchor=\"middle\">trang mỗi phút, trung bình "
	  "%g phút (pages per minute, %g-minute average); giờ địa phương (local time)</text>\n"
	  "</svg>\n", x0, y1, x1, y1, (x0 + x1) / 2, y1 + 36, minutes, minutes);
	free(rate_scan);
}

/* The sections ------------------------------------------------------------------------------ */

static const char report_css[] =
	"*{box-sizing:border-box}"
	"body{margin:0;background:#f3f4f6;color:#1f2933;"
	"font:14px/1.45 \"Noto Sans\",\"DejaVu Sans\",\"Segoe UI\",Roboto,Arial,sans-serif;"
	"-webkit-print-color-adjust:exact;print-color-adjust:exact}"
	"main{max-width:1200px;margin:0 auto;padding:24px 28px 40px}"
	"h1{font-size:26px;margin:0 0 6px}"
	"h1 .en,h2 .en,h3 .en{display:block;font-size:13px;font-weight:normal;color:#5f6b7a}"
	"h2{font-size:19px;margin:0 0 12px;break-after:avoid}"
	"h3{font-size:15px;margin:20px 0 8px;break-after:avoid}"
	"section{background:#fff;border:1px solid #dde2e8;border-radius:8px;padding:18px 22px;"
	"margin:0 0 18px}"
	".meta{display:flex;flex-wrap:wrap;gap:6px 32px;margin:12px 0 18px}"
	".meta div{min-width:0;overflow-wrap:anywhere}"
	".meta span{display:block;font-size:12px;color:#5f6b7a}"
	".tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(128px,1fr));gap:12px}"
	".tile{border:1px solid #dde2e8;border-radius:8px;padding:10px 14px;background:#fafbfc}"
	".tile .v{font-size:28px;font-weight:700;font-variant-numeric:tabular-nums}"
	".tile .l{font-size:13px}.tile .l span{display:block;color:#5f6b7a;font-size:12px}"
	".tile.bad .v{color:#c23030}.tile.warn .v{color:#a86f00}.tile.good .v{color:#1f7a55}"
	".row{display:flex;flex-wrap:wrap;gap:20px 32px;align-items:flex-start;break-inside:avoid}"
	".fig{flex:1 1 560px;min-width:0;max-width:660px}"
	".nums{flex:1 1 320px;min-width:0}"
	"svg.chart{display:block;width:100%;height:auto;max-width:640px}"
	"svg text{font-family:\"Noto Sans\",\"DejaVu Sans\",Arial,sans-serif}"
	"svg .grid{stroke:#e6e9ee;stroke-width:1}svg .axis{stroke:#9aa5b1;stroke-width:1}"
	"svg .tick{font-size:11px;fill:#5f6b7a}svg .lb,svg .lg{font-size:12px;fill:#1f2933}"
	"svg .val{font-size:11px;fill:#3e4c59}"
	"svg .line{fill:none;stroke:#e8590c;stroke-width:2.5;stroke-linejoin:round}"
	"table{border-collapse:collapse;font-size:13px;width:100%}"
	"th,td{padding:4px 8px;border-bottom:1px solid #e6e9ee;text-align:left;vertical-align:top}"
	"th{font-weight:600;background:#f5f7f9}"
	"th .en{display:block;font-weight:normal;font-size:11px;color:#5f6b7a}"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
	"table+table{margin-top:16px}table.narrow{max-width:640px}table.wide{margin-top:14px}"
	"td.zero{color:#9aa5b1}tr.sum td{font-weight:700;border-top:2px solid #cbd2d9}"
	"td .en{color:#5f6b7a;font-size:.9em}"
	".sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px}"
	".scroll{overflow-x:auto}.reason{overflow-wrap:anywhere}.nowrap{white-space:nowrap}"
	".empty{color:#5f6b7a;font-style:italic;margin:4px 0 8px}"
	".note{color:#5f6b7a;font-size:12px;margin:8px 0 0}"
	".sev-error{color:#c23030}.sev-warning{color:#a86f00}"
	"code{font-family:\"DejaVu Sans Mono\",monospace;font-size:12px}"
	"footer{color:#5f6b7a;font-size:12px;text-align:center}"
	"@page{size:A4;margin:12mm}"
	"@media print{body{background:#fff;font-size:10pt}main{max-width:none;padding:0}"
	"section{border:0;border-radius:0;padding:0;margin:0 0 16pt}"
	".fig{flex-basis:100%;max-width:none}svg.chart{max-width:165mm}"
	"table{font-size:8.5pt}th,td{padding:2px 5px}.scroll{overflow:visible}"
	"tr{break-inside:avoid}thead{display:table-header-group}}";

static void empty_note(FILE *out, const char *vi, const char *en)
{
	w(out, "<p class=\"empty\">%s <span class=\"en\">(%s)</span></p>\n", vi, en);
}

static void tile(FILE *out, const char *key, int64_t n, const char *kind, const char *vi,
		 const char *en)
{
	w(out, "<div class=\"tile %s\"><div class=\"v\" data-k=\"%s\">%lld</div>"
	  "<div class=\"l\">%s<span>%s</span></div></div>\n", kind, key, (long long)n, vi, en);
}

static void overview_section(FILE *out, const json_t *sum)
{
	const json_t *pages = json_object_get(sum, "pages");
	const json_t *records = json_object_get(sum, "records");
	const json_t *by_status = json_object_get(records, "by_status");
	int64_t failed = jcount(pages, "failed"), review = jcount(by_status, "needs_review");
	w(out, "<section id=\"overview\">\n");
	heading(out, 2, "h-overview", "Tổng quan", "Overview");
	w(out, "<div class=\"tiles\">\n");
	tile(out, "pages.in", jcount(pages, "in"), "", "Trang nhận vào", "pages in");
	tile(out, "pages.done", jcount(pages, "done"), "good", "Trang đã xong", "pages done");
	tile(out, "pages.failed", failed, failed ? "bad" : "", "Trang lỗi", "pages failed");
	tile(out, "pages.pending", jcount(pages, "pending"), "", "Trang còn chờ", "pages pending");
	tile(out, "records.total", jcount(records, "total"), "", "Bản ghi", "records");
	tile(out, "records.by_status.needs_review", review, review ? "warn" : "", "Cần xem lại",
	     "need review");
	tile(out, "records.by_status.synced", jcount(by_status, "synced"), "good", "Đã đồng bộ",
	     "synced");
	w(out, "</div>\n</section>\n");
}

/* The work left to the archivists, in records, flags, fields and hours, and how to start. */
static void review_section(FILE *out, const json_t *sum)
{
	const json_t *rv = json_object_get(sum, "review");
	int64_t records = jcount(rv, "records");
	double hours = json_number_value(json_object_get(rv, "hours"));
	double per = json_number_value(json_object_get(rv, "seconds_per_record"));
	int measured = strcmp(jtext(rv, "pace"), "measured") == 0;
	int timed = strcmp(jtext(rv, "pace"), "timed") == 0;
	w(out, "<section id=\"review\">\n");
	heading(out, 2, "h-review", "Việc còn lại cho người xem lại", "Review backlog");
	w(out, "<div class=\"tiles\">\n");
	tile(out, "review.records", records, records ? "warn" : "good", "Bản ghi cần xem lại",
	     "records to review");
	tile(out, "review.flags_open", jcount(rv, "flags_open"), "", "Vấn đề chưa xử lý",
	     "open flags");
	tile(out, "review.fields", jcount(rv, "fields"), "", "Trường cần đối chiếu",
	     "fields to check");
	w(out, "<div class=\"tile %s\"><div class=\"v\" data-k=\"review.hours\">%.1f</div>"
	  "<div class=\"l\">Giờ làm ước tính<span>estimated hours</span></div></div>\n",
	  records ? "warn" : "", hours);
	tile(out, "review.decided", jcount(rv, "decided"), "", "Đã duyệt hoặc từ chối",
	     "decided so far");
	w(out, "</div>\n<p class=\"note\" id=\"review-pace\">");
	if (timed)
		w(out, "Ước tính theo thời gian đo được khi duyệt: %.0f giây một bản ghi (trung vị "
		  "của %lld lần duyệt hoặc từ chối được đo giờ). <span class=\"en\">At the timed "
		  "pace: %.0f s a record (median of %lld approvals and rejections the review "
		  "application timed).</span>", per, (long long)jcount(rv, "pace_timed"), per,
		  (long long)jcount(rv, "pace_timed"));
	else if (measured)
		w(out, "Ước tính theo nhịp đo được: %.0f giây một bản ghi (trung vị của %lld "
		  "khoảng giữa hai lần quyết định của cùng một người). <span class=\"en\">At the "
		  "measured pace: %.0f s a record (median of %lld gaps between one archivist's "
		  "decisions).</span>", per, (long long)jcount(rv, "pace_gaps"), per,
		  (long long)jcount(rv, "pace_gaps"));
	else
		w(out, "Ước tính theo nhịp giả định %.0f giây một bản ghi (chưa đo được nhịp làm "
		  "việc của lô này). <span class=\"en\">At an assumed %.0f s a record (no pace "
		  "measured in this batch yet).</span>", per, per);
	w(out, "</p>\n");
	if (records) {
		w(out, "<p>Mở ứng dụng xem lại <span class=\"en\">(start the review application)"
		  "</span>: <code id=\"review-command\">");
		esc(out, jtext(rv, "command"));
		w(out, "</code></p>\n");
	} else {
		empty_note(out, "Không còn bản ghi nào cần xem lại.", "nothing left to review");
	}
	w(out, "</section>\n");
}

static void stages_section(FILE *out, const json_t *sum)
{
	const json_t *stages = json_object_get(sum, "stages");
	size_t n = json_object_size(stages), r = 0;
	struct bar_row *rows = so_calloc(n ? n : 1, sizeof(*rows));
	w(out, "<section id=\"stages\">\n");
	heading(out, 2, "h-stages", "Tiến độ các công đoạn", "Stage progress");
	w(out, "<div class=\"row\"><div class=\"fig\">\n");
	const char *key;
	const json_t *st;
	int64_t any = 0;
	json_object_foreach((json_t *)stages, key, st) {
		if (!rows)
			break;
		const struct name *nm = NAME_OF(stage_label, key);
		snprintf(rows[r].label, sizeof(rows[r].label), "%s", nm ? nm->vi : key);
		for (size_t i = 0; i < SO_ARRAY_SIZE(unit_state_label); i++)
			any += rows[r].v[i] = jcount(st, unit_state_label[i].key);
		r++;
	}
	if (any && rows) {
		chart_hbars(out, "stage progress", rows, r, unit_state_label,
			    SO_ARRAY_SIZE(unit_state_label), 1);
		w(out, "<p class=\"note\">Mỗi thanh là toàn bộ đơn vị của công đoạn; số ở cuối là "
		  "tổng. <span class=\"en\">Each bar is all the units of its stage; the number is "
		  "their count.</span></p>\n");
	} else {
		empty_note(out, "Chưa có công đoạn nào chạy.", "no stage has run yet");
	}
	free(rows);
	w(out, "</div><div class=\"nums\"><table id=\"stages-table\"><thead><tr>");
	th(out, "Công đoạn (đơn vị)", "stage (unit)", 0);
	for (size_t i = 0; i < SO_ARRAY_SIZE(unit_state_label); i++)
		th(out, unit_state_label[i].vi, unit_state_label[i].en, 1);
	w(out, "</tr></thead><tbody>\n");
	json_object_foreach((json_t *)stages, key, st) {
		const struct name *nm = NAME_OF(stage_label, key);
		const struct name *unit = NAME_OF(unit_label, jtext(st, "unit"));
		w(out, "<tr data-stage=\"");
		esc(out, key);
		w(out, "\"><td>");
		if (nm)
			w(out, "%s", nm->vi);
		else
			esc(out, key);
		w(out, " (%s)<br><span class=\"en\">", unit ? unit->vi : "");
		esc(out, nm ? nm->en : key);
		w(out, " (");
		esc(out, unit ? unit->en : jtext(st, "unit"));
		w(out, ")</span></td>");
		for (size_t i = 0; i < SO_ARRAY_SIZE(unit_state_label); i++)
			td_num(out, jcount(st, unit_state_label[i].key), "stages.%s.%s", key,
			       unit_state_label[i].key);
		w(out, "</tr>\n");
	}
	w(out, "</tbody></table></div></div>\n</section>\n");
}

static void pages_section(FILE *out, const json_t *sum)
{
	const json_t *pages = json_object_get(sum, "pages");
	const json_t *by_state = json_object_get(pages, "by_state");
	const json_t *files = json_object_get(sum, "scan_files");
	w(out, "<section id=\"pages\">\n");
	heading(out, 2, "h-pages", "Trang", "Pages");
	w(out, "<div class=\"row\"><div class=\"fig\">\n");
	struct bar_row row = { .label = "Trang" };
	for (size_t i = 0; i < SO_ARRAY_SIZE(page_state_label); i++)
		row.v[i] = jcount(by_state, page_state_label[i].key);
	if (jcount(pages, "in")) {
		chart_hbars(out, "pages by state", &row, 1, page_state_label,
			    SO_ARRAY_SIZE(page_state_label), 0);
		w(out, "<p class=\"note\">Trang đã xong: đã nhận dạng, trang trắng hoặc trùng lặp. "
		  "<span class=\"en\">Done: read by OCR, blank or duplicate.</span></p>\n");
	} else {
		empty_note(out, "Chưa có trang nào.", "no pages yet");
	}
	w(out, "</div><div class=\"nums\"><table id=\"pages-table\"><thead><tr>");
	th(out, "Tình trạng", "state", 0);
	th(out, "Số trang", "pages", 1);
	w(out, "</tr></thead><tbody>\n");
	count_rows(out, page_state_label, SO_ARRAY_SIZE(page_state_label), by_state,
		   "pages.by_state", NULL);
	w(out, "<tr class=\"sum\"><td>Tổng số trang nhận vào <span class=\"en\">pages in</span>"
	  "</td>");
	td_num(out, jcount(pages, "in"), "pages.in");
	w(out, "</tr><tr><td>Đã xong <span class=\"en\">done</span></td>");
	td_num(out, jcount(pages, "done"), "pages.done");
	w(out, "</tr><tr><td>Lỗi <span class=\"en\">failed</span></td>");
	td_num(out, jcount(pages, "failed"), "pages.failed");
	w(out, "</tr><tr><td>Còn chờ <span class=\"en\">pending</span></td>");
	td_num(out, jcount(pages, "pending"), "pages.pending");
	w(out, "</tr></tbody></table></div></div>\n");

	const json_t *failures = json_object_get(pages, "failures");
	const json_t *failed_files = json_object_get(files, "failed");
	heading(out, 3, "h-failures", "Trang và tệp không xử lý được",
		"Pages and files that could not be processed, with the reason");
	if (!json_array_size(failures) && !json_array_size(failed_files)) {
		empty_note(out, "Không có.", "none");
		w(out, "</section>\n");
		return;
	}
	w(out, "<table id=\"failures\"><thead><tr>");
	th(out, "Sổ", "book", 0);
	th(out, "Tệp", "file", 0);
	th(out, "Trang", "page", 1);
	th(out, "Công đoạn", "stage", 0);
	th(out, "Lý do", "reason", 0);
	w(out, "</tr></thead><tbody>\n");
	size_t i;
	const json_t *f;
	json_array_foreach((json_t *)failed_files, i, f) {
		w(out, "<tr class=\"failure\" data-stage=\"scan\"><td class=\"nowrap\">");
		esc(out, jtext(f, "book"));
		w(out, "</td><td>");
		esc(out, jtext(f, "file"));
		w(out, "</td><td class=\"n\">cả tệp<span class=\"en\"> whole file</span></td>"
		  "<td class=\"nowrap\">Quét ảnh <span class=\"en\">scan</span></td>"
		  "<td class=\"reason\">");
		esc(out, jtext(f, "reason"));
		w(out, "</td></tr>\n");
	}
	json_array_foreach((json_t *)failures, i, f) {
		const struct name *stage = NAME_OF(stage_label, jtext(f, "stage"));
		const struct name *state = NAME_OF(page_state_label, jtext(f, "state"));
		w(out, "<tr class=\"failure\" data-stage=\"");
		esc(out, jtext(f, "stage"));
		w(out, "\"><td class=\"nowrap\">");
		esc(out, jtext(f, "book"));
		w(out, "</td><td>");
		esc(out, jtext(f, "file"));
		w(out, "</td><td class=\"n\">%lld</td><td class=\"nowrap\">",
		  (long long)json_integer_value(json_object_get(f, "page")));
		if (stage)
			w(out, "%s <span class=\"en\">%s</span>", stage->vi, stage->en);
		else
			esc(out, jtext(f, "stage"));
		w(out, "</td><td class=\"reason\">");
		if (state && strcmp(state->key, "failed") != 0)
			w(out, "<b>%s</b>: ", state->vi);
		esc(out, jtext(f, "reason"));
		w(out, "</td></tr>\n");
	}
	w(out, "</tbody></table>\n");
	int64_t left = jcount(pages, "failures_total") - (int64_t)json_array_size(failures);
	if (left > 0)
		w(out, "<p class=\"note\">… và %lld trang lỗi khác (xem batch.db). <span class=\"en\">"
		  "and %lld more failed pages (see batch.db).</span></p>\n", (long long)left,
		  (long long)left);
	w(out, "</section>\n");
}

/* "Khai sinh 2019/01 (26740)" */
static void book_chart_label(const json_t *b, char *buf, size_t size)
{
	const struct name *type = NAME_OF(book_type_label, jtext(b, "type"));
	snprintf(buf, size, "%s %lld/%s (%s)", type ? type->vi : jtext(b, "type"),
		 (long long)jcount(b, "year"), jtext(b, "volume"), jtext(b, "authority_code"));
}

static void records_section(FILE *out, const json_t *sum)
{
	const json_t *records = json_object_get(sum, "records");
	const json_t *by_status = json_object_get(records, "by_status");
	const json_t *books = json_object_get(records, "books");
	size_t n = json_array_size(books), i;
	const json_t *b;
	w(out, "<section id=\"records\">\n");
	heading(out, 2, "h-records", "Bản ghi theo sổ và trạng thái", "Records by book and status");
	w(out, "<div class=\"row\"><div class=\"fig\">\n");
	struct bar_row *rows = so_calloc(n ? n : 1, sizeof(*rows));
	if (jcount(records, "total") && rows) {
		json_array_foreach((json_t *)books, i, b) {
			book_chart_label(b, rows[i].label, sizeof(rows[i].label));
			for (size_t k = 0; k < SO_ARRAY_SIZE(status_label); k++)
				rows[i].v[k] = jcount(json_object_get(b, "by_status"),
						      status_label[k].key);
		}
		chart_hbars(out, "records by book and status", rows, n, status_label,
			    SO_ARRAY_SIZE(status_label), 0);
	} else {
		empty_note(out, "Chưa có bản ghi nào.", "no records yet");
	}
	free(rows);
	w(out, "</div><div class=\"nums\"><table id=\"records-by-status\"><thead><tr>");
	th(out, "Trạng thái", "status", 0);
	th(out, "Bản ghi", "records", 1);
	w(out, "</tr></thead><tbody>\n");
	count_rows(out, status_label, SO_ARRAY_SIZE(status_label), by_status, "records.by_status",
		   "status");
	w(out, "<tr class=\"sum\"><td>Tổng <span class=\"en\">total</span></td>");
	td_num(out, jcount(records, "total"), "records.total");
	w(out, "</tr></tbody></table></div></div>\n");

	heading(out, 3, "h-books", "Theo sổ", "By book");
	if (!n) {
		empty_note(out, "Chưa có sổ nào.", "no books registered yet");
		w(out, "</section>\n");
		return;
	}
	w(out, "<div class=\"scroll\"><table id=\"records-by-book\"><thead><tr>");
	th(out, "Sổ", "book", 0);
	th(out, "Trang", "pages", 1);
	for (size_t k = 0; k < SO_ARRAY_SIZE(status_label); k++)
		th(out, status_label[k].vi, status_label[k].en, 1);
	th(out, "Tổng", "total", 1);
	th(out, "Sẵn sàng giao", "ready to deliver", 1);
	th(out, "Đã xem xong", "review done", 0);
	w(out, "</tr></thead><tbody>\n");
	json_array_foreach((json_t *)books, i, b) {
		long long id = (long long)jcount(b, "id");
		char label[160];
		book_chart_label(b, label, sizeof(label));
		w(out, "<tr data-book=\"%lld\"><td>", id);
		esc(out, label);
		w(out, "<br><span class=\"en\">");
		esc(out, jtext(b, "label"));
		w(out, " · ");
		esc(out, jtext(b, "layout"));
		w(out, "</span></td>");
		td_num(out, jcount(b, "pages"), "records.books.%lld.pages", id);
		for (size_t k = 0; k < SO_ARRAY_SIZE(status_label); k++)
			td_num(out, jcount(json_object_get(b, "by_status"), status_label[k].key),
			       "records.books.%lld.%s", id, status_label[k].key);
		td_num(out, jcount(b, "total"), "records.books.%lld.total", id);
		td_num(out, jcount(b, "ready"), "records.books.%lld.ready", id);
		int done = json_is_true(json_object_get(b, "review_done"));
		w(out, "<td data-k=\"records.books.%lld.review_done\" class=\"%s\">%s</td>", id,
		  done ? "" : "zero", done ? "✓ có <span class=\"en\">yes</span>"
					   : "chưa <span class=\"en\">not yet</span>");
		w(out, "</tr>\n");
	}
	w(out, "</tbody></table></div>\n</section>\n");
}

static void flags_section(FILE *out, const json_t *sum)
{
	const json_t *flags = json_object_get(sum, "flags");
	const json_t *by_code = json_object_get(flags, "by_code");
	const json_t *by_state = json_object_get(flags, "by_state");
	size_t n = json_array_size(by_code), i;
	const json_t *c;
	w(out, "<section id=\"flags\">\n");
	heading(out, 2, "h-flags", "Vấn đề phát hiện theo mã", "Flags by code");
	if (!n) {
		empty_note(out, "Không có vấn đề nào.", "no flags");
		w(out, "</section>\n");
		return;
	}
	w(out, "<div class=\"row\"><div class=\"fig\">\n");
	struct bar_row *rows = so_calloc(n, sizeof(*rows));
	if (rows) {
		json_array_foreach((json_t *)by_code, i, c) {
			const struct so_flag_code *fc = so_flag_code_find(jtext(c, "code"));
			snprintf(rows[i].label, sizeof(rows[i].label), "%s%s", fc ? fc->vi : jtext(c, "code"),
				 strcmp(jtext(c, "severity"), "warning") == 0 ? " (cảnh báo)" : "");
			for (size_t k = 0; k < SO_ARRAY_SIZE(flag_state_label); k++)
				rows[i].v[k] = jcount(c, flag_state_label[k].key);
		}
		chart_hbars(out, "flags by code", rows, n, flag_state_label,
			    SO_ARRAY_SIZE(flag_state_label), 0);
		free(rows);
	}
	w(out, "</div></div>\n<div class=\"scroll\"><table id=\"flags-table\" class=\"wide\">"
	  "<thead><tr>");
	th(out, "Mã", "code", 0);
	th(out, "Ý nghĩa", "meaning", 0);
	th(out, "Mức", "severity", 0);
	for (size_t k = 0; k < SO_ARRAY_SIZE(flag_state_label); k++)
		th(out, flag_state_label[k].vi, flag_state_label[k].en, 1);
	th(out, "Tổng", "total", 1);
	th(out, "Bản ghi", "records", 1);
	w(out, "</tr></thead><tbody>\n");
	json_array_foreach((json_t *)by_code, i, c) {
		const char *code = jtext(c, "code"), *sev = jtext(c, "severity");
		const struct name *s = NAME_OF(severity_label, sev);
		w(out, "<tr data-code=\"");
		esc(out, code);
		w(out, "\"><td><code>");
		esc(out, code);
		w(out, "</code></td><td>");
		const struct so_flag_code *fc = so_flag_code_find(code);
		if (fc)
			w(out, "%s <span class=\"en\">%s</span>", fc->vi, fc->en);
		w(out, "</td><td class=\"sev-%s\">", s ? s->key : "other");
		if (s)
			w(out, "%s <span class=\"en\">%s</span>", s->vi, s->en);
		else
			esc(out, sev);
		w(out, "</td>");
		for (size_t k = 0; k < SO_ARRAY_SIZE(flag_state_label); k++)
			td_num(out, jcount(c, flag_state_label[k].key), "flags.%s.%s.%s", code, sev,
			       flag_state_label[k].key);
		td_num(out, jcount(c, "total"), "flags.%s.%s.total", code, sev);
		td_num(out, jcount(c, "records"), "flags.%s.%s.records", code, sev);
		w(out, "</tr>\n");
	}
	w(out, "<tr class=\"sum\"><td colspan=\"3\">Tổng <span class=\"en\">total</span></td>");
	for (size_t k = 0; k < SO_ARRAY_SIZE(flag_state_label); k++)
		td_num(out, jcount(by_state, flag_state_label[k].key), "flags.by_state.%s",
		       flag_state_label[k].key);
	td_num(out, jcount(flags, "total"), "flags.total");
	w(out, "<td></td></tr></tbody></table></div>\n</section>\n");
}

/* The fields of each kind against the kind's threshold: where the review work is. */
static void confidence_kinds(FILE *out, const json_t *by_kind)
{
	size_t n = json_array_size(by_kind), i;
	const json_t *k;
	struct bar_row *rows = so_calloc(n ? n : 1, sizeof(*rows));
	if (!rows)
		return;
	json_array_foreach((json_t *)by_kind, i, k) {
		const struct name *nm = NAME_OF(kind_label, jtext(k, "kind"));
		snprintf(rows[i].label, sizeof(rows[i].label), "%s", nm ? nm->vi : jtext(k, "kind"));
		rows[i].v[0] = jcount(k, "under");
		rows[i].v[1] = jcount(k, "fields") - jcount(k, "under") - jcount(k, "without");
		rows[i].v[2] = jcount(k, "without");
	}
	chart_hbars(out, "fields under their threshold by kind", rows, n, threshold_label,
		    SO_ARRAY_SIZE(threshold_label), 0);
	free(rows);
}

static void confidence_section(FILE *out, const json_t *sum)
{
	const json_t *conf = json_object_get(sum, "confidence");
	const json_t *bins = json_object_get(conf, "bins");
	const json_t *by_kind = json_object_get(conf, "by_kind");
	w(out, "<section id=\"confidence\">\n");
	heading(out, 2, "h-confidence", "Độ tin cậy khi đọc các trường",
		"Confidence of the field readings");
	int any = jcount(conf, "total") != jcount(conf, "without");
	if (!any) {
		empty_note(out, "Chưa có trường nào được đọc.", "no field read yet");
	} else {
		w(out, "<div class=\"row\"><div class=\"fig\">\n");
		confidence_kinds(out, by_kind);
		w(out, "<p class=\"note\">Mỗi loại trường có ngưỡng riêng (đã hiệu chỉnh); trường "
		  "dưới ngưỡng phải được người đối chiếu với ảnh. <span class=\"en\">Each kind of "
		  "field has its calibrated threshold; a field under it is checked against the "
		  "image by a person.</span></p>\n");
		w(out, "</div><div class=\"nums\">");
	}
	/* the distribution itself, as numbers */
	w(out, "<table id=\"confidence-table\"><thead><tr>");
	for (int col = 0; col < 2; col++) {
		th(out, "Khoảng", "range", 0);
		th(out, "Số trường", "fields", 1);
	}
	w(out, "</tr></thead><tbody>\n");
	for (int i = 0; i < 10; i++) {
		w(out, "<tr>");
		for (int col = 0; col < 2; col++) {
			int b = i + 10 * col;
			w(out, "<td class=\"nowrap\">%.2f–%.2f</td>", b * 0.05, (b + 1) * 0.05);
			td_num(out, (int64_t)json_integer_value(json_array_get(bins, (size_t)b)),
			       "confidence.bins.%d", b);
		}
		w(out, "</tr>\n");
	}
	w(out, "<tr class=\"sum\"><td colspan=\"3\">Không có độ tin cậy <span class=\"en\">"
	  "without confidence</span></td>");
	td_num(out, jcount(conf, "without"), "confidence.without");
	w(out, "</tr><tr class=\"sum\"><td colspan=\"3\">Tổng số trường <span class=\"en\">"
	  "fields</span></td>");
	td_num(out, jcount(conf, "total"), "confidence.total");
	w(out, "</tr></tbody></table>\n");
	if (!any) {
		w(out, "</section>\n");
		return;
	}
	w(out, "</div></div>\n");
	/* each kind against its threshold */
	w(out, "<div class=\"scroll\"><table id=\"confidence-kinds\" class=\"wide\"><thead><tr>");
	th(out, "Loại trường", "kind", 0);
	th(out, "Ngưỡng", "threshold", 1);
	th(out, "Số trường", "fields", 1);
	th(out, "Dưới ngưỡng", "under the threshold", 1);
	th(out, "Không có độ tin cậy", "without confidence", 1);
	w(out, "</tr></thead><tbody>\n");
	size_t i;
	const json_t *k;
	json_array_foreach((json_t *)by_kind, i, k) {
		const char *kind = jtext(k, "kind");
		const struct name *nm = NAME_OF(kind_label, kind);
		w(out, "<tr data-kind=\"");
		esc(out, kind);
		w(out, "\"><td>");
		esc(out, nm ? nm->vi : kind);
		w(out, " <span class=\"en\">");
		esc(out, nm ? nm->en : kind);
		w(out, "</span></td><td class=\"n\">%.2f</td>",
		  json_number_value(json_object_get(k, "threshold")));
		td_num(out, jcount(k, "fields"), "confidence.by_kind.%s.fields", kind);
		td_num(out, jcount(k, "under"), "confidence.by_kind.%s.under", kind);
		td_num(out, jcount(k, "without"), "confidence.by_kind.%s.without", kind);
		w(out, "</tr>\n");
	}
	w(out, "</tbody></table></div>\n</section>\n");
}

static void throughput_section(FILE *out, const json_t *sum)
{
	const json_t *tp = json_object_get(sum, "throughput");
	long long start = so_iso_minute(jtext(tp, "start"));
	w(out, "<section id=\"throughput\">\n");
	heading(out, 2, "h-throughput", "Số trang mỗi phút", "Pages per minute over the run");
	size_t n = json_array_size(json_object_get(json_object_get(tp, "ocr"), "series"));
	if (start < 0 || !n) {
		empty_note(out, "Chưa có trang nào được xử lý.", "no page processed yet");
		w(out, "</section>\n");
		return;
	}
	w(out, "<div class=\"row\"><div class=\"fig\">\n");
	chart_throughput(out, tp, start);
	w(out, "</div><div class=\"nums\"><table id=\"throughput-table\"><thead><tr>");
	th(out, "Công đoạn", "stage", 0);
	th(out, "Trang", "pages", 1);
	th(out, "Trung bình/phút", "per minute", 1);
	th(out, "Cao nhất/phút", "peak per minute", 1);
	w(out, "</tr></thead><tbody>\n");
	static const char *const which[2] = { "scan", "ocr" };
	int64_t bucket_width = jcount(tp, "bucket_minutes");
	for (int k = 0; k < 2; k++) {
		const json_t *st = json_object_get(tp, which[k]);
		const struct name *nm = NAME_OF(stage_label, which[k]);
		w(out, "<tr><td>%s <span class=\"en\">%s</span></td>", nm->vi, nm->en);
		td_num(out, jcount(st, "pages"), "throughput.%s.pages", which[k]);
		w(out, "<td class=\"n\" data-k=\"throughput.%s.per_minute\">%.1f</td>", which[k],
		  json_number_value(json_object_get(st, "per_minute")));
		w(out, "<td class=\"n\">%.1f</td>", (double)jcount(st, "peak") /
		  (double)(bucket_width > 0 ? bucket_width : 1));
		w(out, "</tr>\n");
	}
	w(out, "</tbody></table>\n");

	/* the series in at most 24 rows */
	long long width = jcount(tp, "bucket_minutes");
	if (width < 1)
		width = 1;
	size_t group = bucket_group(n, 24);
	double minutes = (double)group * (double)width;
	int dates = (long long)n * width > 20 * 60;
	const json_t *scan = json_object_get(json_object_get(tp, "scan"), "series");
	const json_t *ocr = json_object_get(json_object_get(tp, "ocr"), "series");
	w(out, "<table id=\"throughput-series\"><thead><tr>");
	th(out, "Từ lúc", "from", 0);
	th(out, "Quét", "scan", 1);
	th(out, "trang/phút", "per minute", 1);
	th(out, "OCR", "OCR", 1);
	th(out, "trang/phút", "per minute", 1);
	w(out, "</tr></thead><tbody>\n");
	for (size_t i = 0; i < n; i += group) {
		int64_t a = series_sum(scan, i, group), b = series_sum(ocr, i, group);
		char label[32];
		bucket_label(start, width, i, dates, label, sizeof(label));
		w(out, "<tr><td>%s</td><td class=\"n%s\">%lld</td><td class=\"n%s\">%.1f</td>"
		  "<td class=\"n%s\">%lld</td><td class=\"n%s\">%.1f</td></tr>\n", label,
		  a ? "" : " zero", (long long)a, a ? "" : " zero", (double)a / minutes,
		  b ? "" : " zero", (long long)b, b ? "" : " zero", (double)b / minutes);
	}
	w(out, "</tbody></table>\n<p class=\"note\">Mỗi dòng: %g phút. <span class=\"en\">"
	  "%g minutes a row.</span></p></div></div>\n</section>\n", minutes, minutes);
}

static const struct name verdict_label[] = {
	{ "open", "đang kiểm tra", "open", NULL },
	{ "accepted", "chấp nhận", "accepted", NULL },
	{ "rejected", "không chấp nhận", "rejected", NULL },
};

/* Keying handwritten fields: what waits for keyers and arbitrators, and each keyer's work per
 * field kind (fields keyed, agreement with the value accepted, seconds per field). */
static void keying_section(FILE *out, const json_t *sum)
{
	const json_t *kp = json_object_get(sum, "keying");
	const json_t *keyers = json_object_get(kp, "keyers");
	w(out, "<section id=\"keying\">\n");
	heading(out, 2, "h-keying", "Nhập liệu chữ viết tay", "Keying handwritten entries");
	w(out, "<p class=\"keying-waiting\" data-waiting=\"%lld\" data-conflicts=\"%lld\">"
	  "%lld trường chờ nhập, %lld chờ phân xử <span class=\"en\">%lld fields waiting for "
	  "keying, %lld for an arbitrator</span></p>\n", (long long)jcount(kp, "waiting_fields"),
	  (long long)jcount(kp, "open_conflicts"), (long long)jcount(kp, "waiting_fields"),
	  (long long)jcount(kp, "open_conflicts"), (long long)jcount(kp, "waiting_fields"),
	  (long long)jcount(kp, "open_conflicts"));
	if (!json_array_size(keyers)) {
		empty_note(out, "Chưa có ai nhập liệu.", "nothing keyed yet");
		w(out, "</section>\n");
		return;
	}
	w(out, "<table id=\"keyer-stats\"><thead><tr>");
	th(out, "Người nhập", "keyer", 0);
	th(out, "Loại trường", "field kind", 0);
	th(out, "Đã nhập", "keyed", 1);
	th(out, "Đã quyết", "decided", 1);
	th(out, "Khớp giá trị cuối", "agreement", 1);
	th(out, "Giây/trường", "seconds a field", 1);
	w(out, "</tr></thead><tbody>\n");
	size_t i;
	const json_t *k;
	json_array_foreach((json_t *)keyers, i, k) {
		long long decided = (long long)jcount(k, "decided"), agreed = (long long)jcount(k, "agreed");
		const json_t *sec = json_object_get(k, "seconds");
		w(out, "<tr data-keyer=\"");
		esc(out, jtext(k, "keyer"));
		w(out, "\" data-kind=\"");
		esc(out, jtext(k, "kind"));
		w(out, "\"><td>");
		esc(out, jtext(k, "keyer"));
		w(out, "</td><td>");
		esc(out, jtext(k, "kind"));
		w(out, "</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td><td class=\"n\">",
		  (long long)jcount(k, "keyed"), decided);
		if (decided > 0)
			w(out, "%.1f %%", 100.0 * (double)agreed / (double)decided);
		else
			w(out, "–");
		w(out, "</td><td class=\"n\">");
		if (json_is_number(sec))
			w(out, "%.1f", json_number_value(sec));
		else
			w(out, "–");
		w(out, "</td></tr>\n");
	}
	w(out, "</tbody></table>\n</section>\n");
}

/* Batch acceptance by sampling (ISO 2859-1): each lot's plan and verdict. */
static void acceptance_section(FILE *out, const json_t *sum)
{
	const json_t *lots = json_object_get(json_object_get(sum, "acceptance"), "lots");
	w(out, "<section id=\"acceptance\">\n");
	heading(out, 2, "h-acceptance", "Nghiệm thu lô theo lấy mẫu (ISO 2859-1)",
		"Batch acceptance by sampling (ISO 2859-1)");
	if (!json_array_size(lots)) {
		empty_note(out, "Chưa lấy mẫu lô nào (sohoa review sample).",
			   "no lot sampled yet (sohoa review sample)");
		w(out, "</section>\n");
		return;
	}
	w(out, "<table id=\"acceptance-lots\"><thead><tr>");
	th(out, "Lô", "lot", 1);
	th(out, "Sổ", "book", 0);
	th(out, "Cỡ lô", "lot size", 1);
	th(out, "Mã chữ", "code letter", 0);
	th(out, "Cỡ mẫu", "sample size", 1);
	th(out, "Ac", "accept", 1);
	th(out, "Re", "reject", 1);
	th(out, "AQL", "AQL", 0);
	th(out, "Mức", "level", 0);
	th(out, "Chế độ", "severity", 0);
	th(out, "Đã kiểm", "checked", 1);
	th(out, "Lỗi", "defects", 1);
	th(out, "Kết luận", "verdict", 0);
	w(out, "</tr></thead><tbody>\n");
	size_t i;
	const json_t *l;
	json_array_foreach((json_t *)lots, i, l) {
		const char *state = jtext(l, "state");
		const struct name *v = name_of(verdict_label, SO_ARRAY_SIZE(verdict_label), state);
		w(out, "<tr data-lot=\"%lld\" data-state=\"", (long long)jcount(l, "lot"));
		esc(out, state);
		w(out, "\"><td class=\"n\">%lld</td><td>", (long long)jcount(l, "lot"));
		esc(out, jtext(l, "series"));
		w(out, "</td><td class=\"n\">%lld</td><td>", (long long)jcount(l, "lot_size"));
		esc(out, jtext(l, "code_letter"));
		if (strcmp(jtext(l, "code_letter"), jtext(l, "plan_letter")) != 0) {
			w(out, " → ");
			esc(out, jtext(l, "plan_letter"));
		}
		w(out, "</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td>"
		  "<td class=\"n\">%lld</td><td>", (long long)jcount(l, "sample_size"),
		  (long long)jcount(l, "ac"), (long long)jcount(l, "re"));
		esc(out, jtext(l, "aql"));
		w(out, " %%</td><td>");
		esc(out, jtext(l, "level"));
		w(out, "</td><td>");
		esc(out, jtext(l, "severity"));
		w(out, "</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td><td>",
		  (long long)jcount(l, "checked"), (long long)jcount(l, "defects"));
		if (v)
			w(out, "%s <span class=\"en\">%s</span>", v->vi, v->en);
		else
			esc(out, state);
		w(out, "</td></tr>\n");
	}
	w(out, "</tbody></table>\n</section>\n");
}

static void sync_section(FILE *out, const json_t *sum)
{
	const json_t *sync = json_object_get(sum, "sync");
	const json_t *outbox = json_object_get(sync, "outbox");
	w(out, "<section id=\"sync\">\n");
	heading(out, 2, "h-sync", "Đồng bộ với cơ sở dữ liệu hộ tịch",
		"Sync to the national civil-status database");
	w(out, "<div class=\"row\"><div class=\"fig\">\n");
	if (jcount(sync, "total")) {
		struct bar_row rows[SO_ARRAY_SIZE(outbox_label)];
		memset(rows, 0, sizeof(rows));
		for (size_t i = 0; i < SO_ARRAY_SIZE(outbox_label); i++) {
			snprintf(rows[i].label, sizeof(rows[i].label), "%s", outbox_label[i].vi);
			rows[i].v[i] = jcount(outbox, outbox_label[i].key);
		}
		chart_hbars(out, "sync results", rows, SO_ARRAY_SIZE(outbox_label), outbox_label,
			    SO_ARRAY_SIZE(outbox_label), 0);
	} else {
		empty_note(out, "Chưa gửi bản ghi nào.", "nothing sent yet");
	}
	w(out, "</div><div class=\"nums\"><table id=\"sync-table\"><thead><tr>");
	th(out, "Hàng đợi gửi", "outbox", 0);
	th(out, "Bản ghi", "records", 1);
	w(out, "</tr></thead><tbody>\n");
	count_rows(out, outbox_label, SO_ARRAY_SIZE(outbox_label), outbox, "sync.outbox", NULL);
	w(out, "<tr class=\"sum\"><td>Tổng <span class=\"en\">total</span></td>");
	td_num(out, jcount(sync, "total"), "sync.total");
	w(out, "</tr><tr><td>Số lần gửi <span class=\"en\">attempts</span></td>");
	td_num(out, jcount(sync, "attempts"), "sync.attempts");
	w(out, "</tr><tr><td>Bản ghi đã đồng bộ <span class=\"en\">records synced</span></td>");
	td_num(out, jcount(sync, "records_synced"), "sync.records_synced");
	w(out, "</tr>");
	const char *last = json_string_value(json_object_get(sync, "last_attempt_at"));
	if (last) {
		char when[64];
		local_time(last, when, sizeof(when), 1);
		w(out, "<tr><td>Lần gửi cuối <span class=\"en\">last attempt</span></td>"
		  "<td class=\"n\">");
		esc(out, when);
		w(out, "</td></tr>");
	}
	w(out, "</tbody></table></div></div>\n");
	const json_t *errors = json_object_get(sync, "errors");
	if (json_array_size(errors)) {
		heading(out, 3, "h-sync-errors", "Lỗi khi gửi", "Delivery errors");
		w(out, "<table id=\"sync-errors\"><thead><tr>");
		th(out, "Mã HTTP", "HTTP status", 1);
		th(out, "Lỗi", "error", 0);
		th(out, "Bản ghi", "records", 1);
		w(out, "</tr></thead><tbody>\n");
		size_t i;
		const json_t *e;
		json_array_foreach((json_t *)errors, i, e) {
			const json_t *status = json_object_get(e, "status");
			if (json_is_integer(status))
				w(out, "<tr><td class=\"n\">%lld</td>",
				  (long long)json_integer_value(status));
			else
				w(out, "<tr><td class=\"n\">—</td>");
			w(out, "<td class=\"reason\">");
			esc(out, jtext(e, "error"));
			w(out, "</td><td class=\"n\">%lld</td></tr>\n", (long long)jcount(e, "count"));
		}
		w(out, "</tbody></table>\n");
	}
	w(out, "</section>\n");
}

static void events_section(FILE *out, const json_t *sum)
{
	const json_t *events = json_object_get(sum, "events");
	const json_t *by_stage = json_object_get(events, "by_stage");
	const json_t *latest = json_object_get(events, "latest_errors");
	size_t i;
	const json_t *e;
	w(out, "<section id=\"events\">\n");
	heading(out, 2, "h-events", "Sự kiện ghi nhận", "Events recorded by the stages");
	if (!json_array_size(by_stage)) {
		empty_note(out, "Không có sự kiện nào.", "no events");
		w(out, "</section>\n");
		return;
	}
	w(out, "<table id=\"events-table\" class=\"narrow\"><thead><tr>");
	th(out, "Công đoạn", "stage", 0);
	for (size_t k = 0; k < SO_ARRAY_SIZE(level_label); k++)
		th(out, level_label[k].vi, level_label[k].en, 1);
	w(out, "</tr></thead><tbody>\n");
	json_array_foreach((json_t *)by_stage, i, e) {
		const char *stage = jtext(e, "stage");
		const struct name *nm = NAME_OF(stage_label, stage);
		w(out, "<tr><td>");
		if (nm)
			w(out, "%s <span class=\"en\">%s</span>", nm->vi, nm->en);
		else
			esc(out, stage);
		w(out, "</td>");
		for (size_t k = 0; k < SO_ARRAY_SIZE(level_label); k++)
			td_num(out, jcount(e, level_label[k].key), "events.%s.%s", stage,
			       level_label[k].key);
		w(out, "</tr>\n");
	}
	w(out, "</tbody></table>\n");
	if (json_array_size(latest)) {
		heading(out, 3, "h-latest-errors", "Lỗi gần đây nhất", "Latest errors");
		w(out, "<table id=\"latest-errors\"><thead><tr>");
		th(out, "Lúc", "at", 0);
		th(out, "Công đoạn", "stage", 0);
		th(out, "Đơn vị", "unit", 0);
		th(out, "Nội dung", "message", 0);
		w(out, "</tr></thead><tbody>\n");
		json_array_foreach((json_t *)latest, i, e) {
			char when[64];
			local_time(jtext(e, "at"), when, sizeof(when), 1);
			w(out, "<tr><td class=\"nowrap\">");
			esc(out, when);
			w(out, "</td><td>");
			esc(out, jtext(e, "stage"));
			w(out, "</td><td>");
			esc(out, jtext(e, "unit"));
			w(out, "</td><td class=\"reason\">");
			esc(out, jtext(e, "message"));
			w(out, "</td></tr>\n");
		}
		w(out, "</tbody></table>\n");
	}
	w(out, "</section>\n");
}

int so_report_html(const json_t *summary, FILE *out)
{
	static const char *const parts[] = { "batch", "stages", "pages", "scan_files", "records",
					     "flags", "confidence", "throughput", "sync",
					     "events" };
	for (size_t i = 0; i < SO_ARRAY_SIZE(parts); i++)
		if (!json_is_object(json_object_get(summary, parts[i])))
			return so_error("the batch summary has no '%s'", parts[i]);
	const json_t *batch = json_object_get(summary, "batch");
	const char *id = jtext(batch, "id");
	char when[64], zone[16];
	local_time(jtext(batch, "generated_at"), when, sizeof(when), 1);
	zone_name(zone, sizeof(zone));

	w(out, "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
	  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	  "<title>Báo cáo lô số hóa ");
	esc(out, id);
	w(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n<header>\n", report_css);
	heading(out, 1, "h-report", "Báo cáo lô số hóa", "Digitization batch report");
	w(out, "<div class=\"meta\"><div><span>Mã lô · batch</span><b data-k=\"batch.id\">");
	esc(out, id[0] ? id : "—");
	w(out, "</b></div><div><span>Thư mục · directory</span><code>");
	esc(out, jtext(batch, "dir"));
	w(out, "</code></div><div><span>Lập lúc · generated (%s)</span>", zone);
	esc(out, when);
	w(out, "</div><div><span>Sổ · books</span><b data-k=\"batch.books\">%lld</b></div>"
	  "<div><span>Tệp quét · scan files</span><b data-k=\"batch.scan_files\">%lld</b></div>"
	  "</div>\n</header>\n", (long long)jcount(batch, "books"),
	  (long long)jcount(batch, "scan_files"));
	overview_section(out, summary);
	review_section(out, summary);
	stages_section(out, summary);
	pages_section(out, summary);
	records_section(out, summary);
	flags_section(out, summary);
	confidence_section(out, summary);
	throughput_section(out, summary);
	sync_section(out, summary);
	keying_section(out, summary);
	acceptance_section(out, summary);
	events_section(out, summary);
	w(out, "<footer>sohoa %s · lập từ batch.db (made from the batch store)</footer>\n"
	  "</main>\n</body>\n</html>\n", SO_VERSION);
	if (ferror(out))
		return so_error("cannot write the report: %s", strerror(errno));
	return 0;
}

/* The state of a batch of a night, in both languages. */
static const struct name night_state_label[] = {
	{ "waiting", "chưa chạy", "waiting", NULL },
	{ "running", "đang chạy", "running", NULL },
	{ "done", "xong", "done", NULL },
	{ "partial", "xong, có lỗi", "done, with failures", NULL },
	{ "unfinished", "còn dở", "unfinished", NULL },
	{ "unreadable", "không đọc được", "unreadable", NULL },
};

int so_night_report_html(const json_t *night, FILE *out)
{
	const json_t *nt = json_object_get(night, "night"), *list = json_object_get(night, "batches");
	if (!json_is_object(nt) || !json_is_array(list))
		return so_error("the night's view lacks its night or its batches");
	const json_t *pages = json_object_get(night, "pages"), *rec = json_object_get(night, "records");
	const json_t *rv = json_object_get(night, "review"), *sy = json_object_get(night, "sync");
	w(out, "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
	  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	  "<title>Báo cáo đêm ");
	esc(out, jtext(nt, "name"));
	w(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n<header>\n", report_css);
	heading(out, 1, "h-night", "Báo cáo đêm số hóa", "The night's report");
	w(out, "<div class=\"meta\"><div><span>Đêm · night</span><b data-k=\"night.name\">");
	esc(out, jtext(nt, "name")[0] ? jtext(nt, "name") : "—");
	w(out, "</b></div><div><span>Tệp · file</span><code>");
	esc(out, jtext(nt, "file"));
	w(out, "</code></div><div><span>Lô · batches</span><b data-k=\"night.batches\">%lld</b>"
	  "</div></div>\n</header>\n", (long long)jcount(nt, "batches"));
	w(out, "<section id=\"night-totals\">\n");
	heading(out, 2, "h-night-totals", "Cả đêm", "The whole night");
	w(out, "<table><tbody>\n"
	  "<tr><th>Trang vào · pages in</th><td class=\"n\" data-k=\"pages.in\">%lld</td></tr>\n"
	  "<tr><th>Trang xong · pages done</th><td class=\"n\" data-k=\"pages.done\">%lld</td></tr>\n"
	  "<tr><th>Trang lỗi · pages failed</th><td class=\"n\" data-k=\"pages.failed\">%lld</td></tr>\n"
	  "<tr><th>Bản ghi · records</th><td class=\"n\" data-k=\"records.total\">%lld</td></tr>\n"
	  "<tr><th>Chờ duyệt · to review</th><td class=\"n\" data-k=\"review.records\">%lld (%.1f h)</td></tr>\n"
	  "<tr><th>Đã gửi · synced</th><td class=\"n\" data-k=\"sync.synced\">%lld</td></tr>\n"
	  "</tbody></table>\n", (long long)jcount(pages, "in"), (long long)jcount(pages, "done"),
	  (long long)jcount(pages, "failed"), (long long)jcount(rec, "total"),
	  (long long)jcount(rv, "records"), json_number_value(json_object_get(rv, "hours")),
	  (long long)jcount(sy, "synced"));
	w(out, "</section>\n<section id=\"night-batches\">\n");
	heading(out, 2, "h-night-batches", "Từng lô", "Batch by batch");
	w(out, "<table id=\"batches\"><thead><tr>");
	th(out, "Lô", "batch", 0);
	th(out, "Trạng thái", "state", 0);
	th(out, "Trang vào", "pages in", 1);
	th(out, "Xong", "done", 1);
	th(out, "Lỗi", "failed", 1);
	th(out, "Bản ghi", "records", 1);
	th(out, "Chờ duyệt", "to review", 1);
	th(out, "Đã gửi", "synced", 1);
	th(out, "Cuối đêm", "night's end", 0);
	th(out, "Báo cáo", "report", 0);
	w(out, "</tr></thead><tbody>\n");
	size_t i;
	const json_t *b;
	json_array_foreach((json_t *)list, i, b) {
		const char *state = jtext(b, "state");
		const struct name *v = name_of(night_state_label, SO_ARRAY_SIZE(night_state_label),
					       state);
		const json_t *bp = json_object_get(b, "pages");
		w(out, "<tr data-batch=\"");
		esc(out, jtext(b, "name"));
		w(out, "\" data-state=\"");
		esc(out, state);
		w(out, "\"><td>");
		esc(out, jtext(b, "name"));
		w(out, "</td><td>");
		if (v)
			w(out, "%s <span class=\"en\">%s</span>", v->vi, v->en);
		else
			esc(out, state);
		if (jtext(b, "message")[0]) {
			w(out, "<br><small>");
			esc(out, jtext(b, "message"));
			w(out, "</small>");
		}
		w(out, "</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td><td class=\"n\">%lld"
		  "</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td>"
		  "<td>", (long long)jcount(bp, "in"), (long long)jcount(bp, "done"),
		  (long long)jcount(bp, "failed"),
		  (long long)jcount(json_object_get(b, "records"), "total"),
		  (long long)jcount(json_object_get(b, "review"), "records"),
		  (long long)jcount(json_object_get(b, "sync"), "synced"));
		const json_t *m = json_object_get(b, "merged");
		if (json_is_object(m)) {
			w(out, "<span class=\"merged\" data-at=\"");
			esc(out, jtext(m, "at"));
			w(out, "\">đã đối chiếu <span class=\"en\">merged</span> ");
			esc(out, jtext(m, "at"));
			w(out, "</span><br><small data-k=\"duplicates\">%lld trùng <span "
			  "class=\"en\">duplicates</span></small>", (long long)jcount(m, "duplicates"));
		} else {
			w(out, "chưa đối chiếu <span class=\"en\">not merged</span>");
		}
		w(out, "</td><td>");
		if (jtext(b, "report")[0]) {
			w(out, "<a class=\"batch-report\" href=\"file://");
			esc(out, jtext(b, "report"));
			w(out, "\">report.html</a>");
		} else {
			w(out, "—");
		}
		w(out, "</td></tr>\n");
		size_t k;
		const json_t *f;
		json_array_foreach(json_object_get(b, "failures"), k, f) {
			w(out, "<tr class=\"failure\"><td></td><td colspan=\"9\">");
			esc(out, jtext(f, "file"));
			w(out, " p. %lld: ", (long long)jcount(f, "page"));
			esc(out, jtext(f, "reason"));
			w(out, "</td></tr>\n");
		}
	}
	w(out, "</tbody></table>\n</section>\n<footer>sohoa %s · lập từ báo cáo của từng lô "
	  "(made from each batch's summary)</footer>\n</main>\n</body>\n</html>\n", SO_VERSION);
	if (ferror(out))
		return so_error("cannot write the report: %s", strerror(errno));
	return 0;
}

int so_night_report_save(const json_t *night, const char *path)
{
	struct so_atomic a;
	if (so_atomic_open(&a, path) < 0)
		return -1;
	if (so_night_report_html(night, a.f) < 0) {
		so_atomic_abort(&a);
		return so_error_context("cannot write the report '%s'", path);
	}
	return so_atomic_commit(&a);
}

int so_report_save(const json_t *summary, const char *path)
{
	struct so_atomic a;
	if (so_atomic_open(&a, path) < 0)
		return -1;
	if (so_report_html(summary, a.f) < 0) {
		so_atomic_abort(&a);
		return so_error_context("cannot write the report '%s'", path);
	}
	return so_atomic_commit(&a);
}

int so_report_write(struct so_store *s, const char *path)
{
	json_t *summary = so_batch_summary(s);
	if (!summary)
		return -1;
	int r = so_report_save(summary, path);
	json_decref(summary);
	return r;
}
