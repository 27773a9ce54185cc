/* Unit tests of ISO 2859-1 single sampling (review/acceptance.h): Table 1's code letters for
 * every lot-size band at level II and some at the other levels, the plans of every band at
 * AQL 0.65 % and 1.0 % under normal, tightened and reduced inspection with the arrows
 * followed, 100 % inspection of small lots, the switching rules over sequences of verdicts,
 * and the seeded draw. The expected values are the standard's published tables, written out
 * here by hand (not computed the way the library computes them). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "review/acceptance.h"
#include "batch/store.h"
#include "review/acceptance_lot.h"
#include "scratch.h"
#include "teststore.h"

/* The bands of Table 1: a lot at the band's bottom, one at its top. */
static const int64_t band_low[] = { 2, 9, 16, 26, 51, 91, 151, 281, 501, 1201, 3201, 10001,
				    35001, 150001, 500001 };
static const int64_t band_high[] = { 8, 15, 25, 50, 90, 150, 280, 500, 1200, 3200, 10000, 35000,
				     150000, 500000, 5000000 };
#define BANDS 15

static void code_letters_level_ii(void **state)
{
	(void)state;
	const char *expect = "ABCDEFGHJKLMNPQ";
	for (int b = 0; b < BANDS; b++) {
		assert_int_equal(so_acc_code_letter(band_low[b], SO_ACC_II), expect[b]);
		assert_int_equal(so_acc_code_letter(band_high[b], SO_ACC_II), expect[b]);
	}
	assert_int_equal(so_acc_code_letter(1, SO_ACC_II), 'A');
	assert_int_equal(so_acc_code_letter(0, SO_ACC_II), 0);
	assert_int_equal(so_acc_code_letter(79, SO_ACC_II), 'E');
}

static void code_letters_other_levels(void **state)
{
	(void)state;
	/* columns S-1 S-2 S-3 S-4 I III of a few bands */
	static const struct { int64_t lot; const char *letters; } rows[] = {
		{ 5, "AAAAAB" },
		{ 79, "BBCCCF" },
		{ 200, "BCDEEH" },
		{ 1000, "CCEFGK" },
		{ 10000, "CDFGJM" },
		{ 100000, "DEGJLP" },
		{ 600000, "DEHKNR" },
	};
	static const enum so_acc_level cols[] = { SO_ACC_S1, SO_ACC_S2, SO_ACC_S3, SO_ACC_S4,
						  SO_ACC_I, SO_ACC_III };
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++)
		for (int c = 0; c < 6; c++) {
			char got = so_acc_code_letter(rows[r].lot, cols[c]);
			if (got != rows[r].letters[c])
				fail_msg("lot %lld level %s: %c, expected %c", (long long)rows[r].lot,
					 so_acc_level_name(cols[c]), got, rows[r].letters[c]);
		}
}

/* The plan of each band's top lot at level II: sample size, Ac, Re. */
struct expect {
	int n, ac, re;
};

static void check_band_plans(enum so_acc_severity v, const char *aql,
			     const struct expect want[BANDS])
{
	int a;
	assert_int_equal(so_acc_aql_parse(aql, &a), 0);
	for (int b = 0; b < BANDS; b++) {
		struct so_acc_plan p;
		assert_int_equal(so_acc_plan_for(band_high[b], a, SO_ACC_II, v, &p), 0);
		int64_t n = want[b].n < band_high[b] ? want[b].n : band_high[b];
		if (p.sample_size != n || p.ac != want[b].ac || p.re != want[b].re)
			fail_msg("%s AQL %s lot %lld (%c): n %lld Ac %d Re %d, expected n %lld "
				 "Ac %d Re %d", so_acc_severity_name(v), aql,
				 (long long)band_high[b], p.code_letter, (long long)p.sample_size,
				 p.ac, p.re, (long long)n, want[b].ac, want[b].re);
		assert_int_equal(p.full, want[b].n >= band_high[b]);
	}
}

static void plans_normal(void **state)
{
	(void)state;
	static const struct expect at065[BANDS] = {
		{ 20, 0, 1 }, { 20, 0, 1 }, { 20, 0, 1 }, { 20, 0, 1 }, { 20, 0, 1 },
		{ 20, 0, 1 }, { 20, 0, 1 }, { 80, 1, 2 }, { 80, 1, 2 }, { 125, 2, 3 },
		{ 200, 3, 4 }, { 315, 5, 6 }, { 500, 7, 8 }, { 800, 10, 11 }, { 1250, 14, 15 },
	};
	static const struct expect at10[BANDS] = {
		{ 13, 0, 1 }, { 13, 0, 1 }, { 13, 0, 1 }, { 13, 0, 1 }, { 13, 0, 1 },
		{ 13, 0, 1 }, { 50, 1, 2 }, { 50, 1, 2 }, { 80, 2, 3 }, { 125, 3, 4 },
		{ 200, 5, 6 }, { 315, 7, 8 }, { 500, 10, 11 }, { 800, 14, 15 }, { 1250, 21, 22 },
	};
	check_band_plans(SO_ACC_NORMAL, "0.65", at065);
	check_band_plans(SO_ACC_NORMAL, "1.0", at10);
}

static void plans_tightened(void **state)
{
	(void)state;
	static const struct expect at065[BANDS] = {
		{ 32, 0, 1 }, { 32, 0, 1 }, { 32, 0, 1 }, { 32, 0, 1 }, { 32, 0, 1 },
		{ 32, 0, 1 }, { 32, 0, 1 }, { 125, 1, 2 }, { 125, 1, 2 }, { 125, 1, 2 },
		{ 200, 2, 3 }, { 315, 3, 4 }, { 500, 5, 6 }, { 800, 8, 9 }, { 1250, 12, 13 },
	};
	static const struct expect at10[BANDS] = {
		{ 20, 0, 1 }, { 20, 0, 1 }, { 20, 0, 1 }, { 20, 0, 1 }, { 20, 0, 1 },
		{ 20, 0, 1 }, { 80, 1, 2 }, { 80, 1, 2 }, { 80, 1, 2 }, { 125, 2, 3 },
		{ 200, 3, 4 }, { 315, 5, 6 }, { 500, 8, 9 }, { 800, 12, 13 }, { 1250, 18, 19 },
	};
	check_band_plans(SO_ACC_TIGHTENED, "0.65", at065);
	check_band_plans(SO_ACC_TIGHTENED, "1", at10);
}

static void plans_reduced(void **state)
{
	(void)state;
	static const struct expect at065[BANDS] = {
		{ 8, 0, 1 }, { 8, 0, 1 }, { 8, 0, 1 }, { 8, 0, 1 }, { 8, 0, 1 },
		{ 8, 0, 1 }, { 8, 0, 1 }, { 32, 1, 2 }, { 32, 1, 2 }, { 50, 1, 2 },
		{ 80, 2, 3 }, { 125, 3, 4 }, { 200, 5, 6 }, { 315, 6, 7 }, { 500, 8, 9 },
	};
	static const struct expect at10[BANDS] = {
		{ 5, 0, 1 }, { 5, 0, 1 }, { 5, 0, 1 }, { 5, 0, 1 }, { 5, 0, 1 },
		{ 5, 0, 1 }, { 20, 1, 2 }, { 20, 1, 2 }, { 32, 1, 2 }, { 50, 2, 3 },
		{ 80, 3, 4 }, { 125, 5, 6 }, { 200, 6, 7 }, { 315, 8, 9 }, { 500, 10, 11 },
	};
	check_band_plans(SO_ACC_REDUCED, "0.65", at065);
	check_band_plans(SO_ACC_REDUCED, "1.0", at10);
}

/* The issue's examples, the arrows' letters and the ends of the tables. */
static void plans_arrows(void **state)
{
	(void)state;
	struct so_acc_plan p;
	int a065, a010, a0015, a4;
	assert_int_equal(so_acc_aql_parse("0.65", &a065), 0);
	assert_int_equal(so_acc_aql_parse("0.010", &a010), 0);
	assert_int_equal(so_acc_aql_parse("0.015", &a0015), 0);
	assert_int_equal(so_acc_aql_parse("4", &a4), 0);
	/* lot 79, 0.65 %, II, normal: E, arrow down to F: n 20, 0/1 */
	assert_int_equal(so_acc_plan_for(79, a065, SO_ACC_II, SO_ACC_NORMAL, &p), 0);
	assert_int_equal(p.code_letter, 'E');
	assert_int_equal(p.plan_letter, 'F');
	assert_int_equal(p.sample_size, 20);
	assert_int_equal(p.ac, 0);
	assert_int_equal(p.re, 1);
	assert_int_equal(p.full, 0);
	/* lot 5000 (3,201-10,000): L, n 200, 3/4 */
	assert_int_equal(so_acc_plan_for(5000, a065, SO_ACC_II, SO_ACC_NORMAL, &p), 0);
	assert_int_equal(p.code_letter, 'L');
	assert_int_equal(p.plan_letter, 'L');
	assert_int_equal(p.sample_size, 200);
	assert_int_equal(p.ac, 3);
	assert_int_equal(p.re, 4);
	/* lot 250 (G) at 0.65: arrow up to F */
	assert_int_equal(so_acc_plan_for(250, a065, SO_ACC_II, SO_ACC_NORMAL, &p), 0);
	assert_int_equal(p.code_letter, 'G');
	assert_int_equal(p.plan_letter, 'F');
	assert_int_equal(p.sample_size, 20);
	/* lot 400 (H) at 0.65: arrow down to J */
	assert_int_equal(so_acc_plan_for(400, a065, SO_ACC_II, SO_ACC_NORMAL, &p), 0);
	assert_int_equal(p.plan_letter, 'J');
	assert_int_equal(p.sample_size, 80);
	assert_int_equal(p.ac, 1);
	/* tiny lots: the sample reaches the lot, all of it is inspected */
	for (int64_t lot = 1; lot <= 20; lot++) {
		assert_int_equal(so_acc_plan_for(lot, a065, SO_ACC_II, SO_ACC_NORMAL, &p), 0);
		assert_int_equal(p.sample_size, lot);
		assert_int_equal(p.full, 1);
		assert_int_equal(p.ac, 0);
		assert_int_equal(p.re, 1);
	}
	assert_int_equal(so_acc_plan_for(21, a065, SO_ACC_II, SO_ACC_NORMAL, &p), 0);
	assert_int_equal(p.full, 0);
	assert_int_equal(p.sample_size, 20);
	/* 4.0 %, lot 40 (D): Table 2-A's D row has an arrow down there, to E's 1/2 of 13 */
	assert_int_equal(so_acc_plan_for(40, a4, SO_ACC_II, SO_ACC_NORMAL, &p), 0);
	assert_int_equal(p.code_letter, 'D');
	assert_int_equal(p.plan_letter, 'E');
	assert_int_equal(p.sample_size, 13);
	assert_int_equal(p.ac, 1);
	assert_int_equal(p.re, 2);
	/* the ends: Q at 0.010 is 0/1 of 1250; R at 0.010 an arrow up to it */
	assert_int_equal(so_acc_plan_for(600000, a010, SO_ACC_II, SO_ACC_NORMAL, &p), 0);
	assert_int_equal(p.code_letter, 'Q');
	assert_int_equal(p.sample_size, 1250);
	assert_int_equal(p.ac, 0);
	assert_int_equal(so_acc_plan_for(600000, a010, SO_ACC_III, SO_ACC_NORMAL, &p), 0);
	assert_int_equal(p.code_letter, 'R');
	assert_int_equal(p.plan_letter, 'Q');
	assert_int_equal(p.sample_size, 1250);
	/* tightened: R at 0.010 is 0/1 of 2000; 0.015 goes down to Table 2-B's row S */
	assert_int_equal(so_acc_plan_for(600000, a010, SO_ACC_III, SO_ACC_TIGHTENED, &p), 0);
	assert_int_equal(p.sample_size, 2000);
	assert_int_equal(p.ac, 0);
	assert_int_equal(so_acc_plan_for(600000, a010, SO_ACC_II, SO_ACC_TIGHTENED, &p), 0);
	assert_int_equal(p.code_letter, 'Q');
	assert_int_equal(p.plan_letter, 'R');
	/* discontinued: no plan */
	assert_int_equal(so_acc_plan_for(100, a065, SO_ACC_II, SO_ACC_DISCONTINUED, &p), -1);
	assert_non_null(strstr(so_errmsg(), "discontinued"));
	(void)a0015;
}

static void aql_parse(void **state)
{
	(void)state;
	int a;
	assert_int_equal(so_acc_aql_parse("1", &a), 0);
	assert_string_equal(so_acc_aql_name(a), "1.0");
	assert_int_equal(so_acc_aql_parse("0.65", &a), 0);
	assert_int_equal(a, 9);
	assert_int_equal(so_acc_aql_parse("10", &a), 0);
	assert_string_equal(so_acc_aql_name(a), "10");
	assert_int_equal(so_acc_aql_parse("0.7", &a), -1);
	assert_int_equal(so_acc_aql_parse("1x", &a), -1);
	assert_int_equal(so_acc_aql_parse("-1", &a), -1);
	enum so_acc_level l;
	assert_int_equal(so_acc_level_parse("II", &l), 0);
	assert_int_equal(l, SO_ACC_II);
	assert_int_equal(so_acc_level_parse("S-3", &l), 0);
	assert_int_equal(l, SO_ACC_S3);
	assert_int_equal(so_acc_level_parse("S3", &l), 0);
	assert_int_equal(l, SO_ACC_S3);
	assert_int_equal(so_acc_level_parse("IV", &l), -1);
}

/* Runs VERDICTS ('A' accepted, 'R' rejected) through a series under the plan of a lot of
 * LOT at AQL, the plan following the series' severity; DEFECTS_OK defects for an accepted
 * lot. Returns the severities after each lot as letters (n t r d). */
static void run_series(struct so_acc_state *st, int64_t lot, const char *aql,
		       const char *verdicts, int defects_ok, int reduced_allowed, char *trace)
{
	int a;
	assert_int_equal(so_acc_aql_parse(aql, &a), 0);
	size_t i = 0;
	for (; verdicts[i]; i++) {
		struct so_acc_plan p;
		assert_int_equal(so_acc_plan_for(lot, a, SO_ACC_II, st->severity, &p), 0);
		int defects = verdicts[i] == 'A' ? (defects_ok <= p.ac ? defects_ok : p.ac) : p.re;
		enum so_acc_severity v = so_acc_state_next(st, &p, defects, reduced_allowed);
		trace[i] = "ntrd"[v];
	}
	trace[i] = '\0';
}

static void switching_to_tightened_and_back(void **state)
{
	(void)state;
	struct so_acc_state st;
	char trace[64];
	/* two rejected within five lots: tightened after the second */
	so_acc_state_init(&st);
	run_series(&st, 5000, "0.65", "ARAAR", 0, 0, trace);
	assert_string_equal(trace, "nnnnt");
	/* rejections six lots apart do not switch */
	so_acc_state_init(&st);
	run_series(&st, 5000, "0.65", "RAAAAR", 0, 0, trace);
	assert_string_equal(trace, "nnnnnn");
	/* two in a row */
	so_acc_state_init(&st);
	run_series(&st, 5000, "0.65", "RR", 0, 0, trace);
	assert_string_equal(trace, "nt");
	/* tightened: five accepted in a row bring normal back; a rejection restarts the count */
	run_series(&st, 5000, "0.65", "AAAARAAAAA", 0, 0, trace);
	assert_string_equal(trace, "tttttttttn");
	assert_int_equal(st.severity, SO_ACC_NORMAL);
	assert_int_equal(st.lots, 12);
}

static void switching_discontinue(void **state)
{
	(void)state;
	struct so_acc_state st;
	char trace[64];
	so_acc_state_init(&st);
	run_series(&st, 5000, "0.65", "RR", 0, 0, trace);
	assert_int_equal(st.severity, SO_ACC_TIGHTENED);
	/* five rejected under tightened, never five accepted in a row between: discontinued */
	run_series(&st, 5000, "0.65", "RARAARRAAAR", 0, 0, trace);
	assert_string_equal(trace, "ttttttttttd");
	struct so_acc_plan p;
	assert_int_equal(so_acc_plan_for(5000, 9, SO_ACC_II, st.severity, &p), -1);
	so_acc_state_resume(&st);
	assert_int_equal(st.severity, SO_ACC_TIGHTENED);
	assert_int_equal(st.tight_rejected, 0);
}

static void switching_score_small_ac(void **state)
{
	(void)state;
	struct so_acc_state st;
	char trace[64];
	/* Ac 0 (lot 79 at 0.65): +2 per accepted lot; 15 lots make 30 */
	so_acc_state_init(&st);
	run_series(&st, 79, "0.65", "AAAAAAAAAAAAAA", 0, 1, trace);
	assert_int_equal(st.score, 28);
	assert_int_equal(st.severity, SO_ACC_NORMAL);
	run_series(&st, 79, "0.65", "A", 0, 1, trace);
	assert_string_equal(trace, "r");
	/* reduced: a rejected lot brings normal back, with the score at 0 */
	run_series(&st, 79, "0.65", "AAR", 0, 1, trace);
	assert_string_equal(trace, "rrn");
	assert_int_equal(st.score, 0);
	/* without the authority's approval the score grows but the series stays normal */
	so_acc_state_init(&st);
	run_series(&st, 79, "0.65", "AAAAAAAAAAAAAAAAAAAA", 0, 0, trace);
	assert_int_equal(st.score, 40);
	assert_int_equal(st.severity, SO_ACC_NORMAL);
	/* a rejected lot resets the score */
	run_series(&st, 79, "0.65", "R", 0, 0, trace);
	assert_int_equal(st.score, 0);
}

static void switching_score_large_ac(void **state)
{
	(void)state;
	struct so_acc_state st;
	char trace[64];
	/* Ac 3 (lot 5000 at 0.65, L 200 3/4); one step tighter (0.40) L is 2/3: 2 defects add
	 * 3, 3 defects are accepted but reset the score */
	so_acc_state_init(&st);
	run_series(&st, 5000, "0.65", "AAAAAAAAA", 2, 1, trace);
	assert_int_equal(st.score, 27);
	run_series(&st, 5000, "0.65", "A", 3, 1, trace);
	assert_int_equal(st.score, 0);
	assert_string_equal(trace, "n");
	run_series(&st, 5000, "0.65", "AAAAAAAAAA", 2, 1, trace);
	assert_string_equal(trace, "nnnnnnnnnr");
	/* under reduced the plan is Table 2-C's: L 80, 2/3 */
	struct so_acc_plan p;
	assert_int_equal(so_acc_plan_for(5000, 9, SO_ACC_II, st.severity, &p), 0);
	assert_int_equal(p.sample_size, 80);
	assert_int_equal(p.ac, 2);
	assert_int_equal(p.re, 3);
}

static void draw_seeded(void **state)
{
	(void)state;
	size_t a[20], b[20], c[20];
	assert_int_equal(so_acc_draw(42, 79, 20, a), 0);
	assert_int_equal(so_acc_draw(42, 79, 20, b), 0);
	assert_int_equal(so_acc_draw(43, 79, 20, c), 0);
	assert_memory_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, c, sizeof(a));
	for (int i = 0; i < 20; i++) {
		assert_true(a[i] < 79);
		if (i)
			assert_true(a[i] > a[i - 1]);
	}
	/* all of a lot */
	size_t all[7];
	assert_int_equal(so_acc_draw(7, 7, 7, all), 0);
	for (size_t i = 0; i < 7; i++)
		assert_int_equal(all[i], i);
	assert_int_equal(so_acc_draw(7, 5, 6, all), -1);
	/* every item is drawn about as often as the others */
	int hits[10] = { 0 };
	for (uint64_t seed = 0; seed < 2000; seed++) {
		size_t one[3];
		assert_int_equal(so_acc_draw(seed, 10, 3, one), 0);
		for (int i = 0; i < 3; i++)
			hits[one[i]]++;
	}
	for (int i = 0; i < 10; i++)
		assert_in_range(hits[i], 500, 700);
}

static void write_text(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The built-in policy, a batch's own replacing it, and files refused with a reason. */
static void policy(void **state)
{
	(void)state;
	struct so_acc_policy p;
	char *dir = scratch_dir();
	assert_int_equal(so_acc_policy_load(dir, &p), 0);
	assert_string_equal(so_acc_aql_name(p.aql), "0.65");
	assert_int_equal(p.level, SO_ACC_II);
	assert_int_equal(p.lot_all, 0);
	assert_int_equal(p.required_before_sync, 0);
	assert_int_equal(p.reduced_allowed, 0);
	write_text(dir, "acceptance.json", "{\"aql\": 1.0, \"level\": \"S-2\", \"lot\": \"all\", "
		   "\"required_before_sync\": true, \"reduced_allowed\": true}");
	assert_int_equal(so_acc_policy_load(dir, &p), 0);
	assert_string_equal(so_acc_aql_name(p.aql), "1.0");
	assert_int_equal(p.level, SO_ACC_S2);
	assert_int_equal(p.lot_all, 1);
	assert_int_equal(p.required_before_sync, 1);
	assert_int_equal(p.reduced_allowed, 1);
	/* a key left out keeps the built-in value */
	write_text(dir, "acceptance.json", "{\"required_before_sync\": true}");
	assert_int_equal(so_acc_policy_load(dir, &p), 0);
	assert_string_equal(so_acc_aql_name(p.aql), "0.65");
	assert_int_equal(p.required_before_sync, 1);
	static const struct { const char *text, *why; } bad[] = {
		{ "{\"aql\": 0.7}", "0.7 is not one of the standard's AQLs" },
		{ "{\"level\": \"IV\"}", "\"level\" is not an inspection level" },
		{ "{\"lot\": \"page\"}", "\"lot\" is \"book\" or \"all\"" },
		{ "{\"required_before_sync\": \"yes\"}", "\"required_before_sync\" is true or false" },
		{ "{\"aqll\": 1}", "unknown key \"aqll\"" },
		{ "[1]", "not a JSON object" },
		{ "{", "not JSON" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_text(dir, "acceptance.json", bad[i].text);
		assert_int_equal(so_acc_policy_load(dir, &p), -1);
		if (!strstr(so_errmsg(), bad[i].why) || !strstr(so_errmsg(), "acceptance.json"))
			fail_msg("%s: '%s' does not say '%s'", bad[i].text, so_errmsg(), bad[i].why);
	}
	scratch_remove(dir);
	free(dir);
}

static int64_t sql_int(struct so_store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(so_store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* A lot through the store: a book of 12 records (10 decided, one rejected by an archivist,
 * one in review); the whole lot sampled (a small lot); a record outside the sample and a
 * closed lot refused with nothing changed; one defect rejects it: the decided records go
 * back to review, audited, the archivist's rejection stays. */
static void lot_in_store(void **state)
{
	(void)state;
	char *dir;
	struct so_store *s = teststore_open(&dir);
	int64_t file, book = teststore_birth_book(s, "b.tif", &file);
	struct so_page pg = { .scan_file_id = file, .page_index = 0, .dpi = 300 };
	strcpy(pg.state, "prepared");
	assert_int_equal(so_page_put(s, &pg), 0);
	int64_t ids[12];
	for (int i = 0; i < 12; i++) {
		assert_int_equal(so_record_add(s, book, pg.id, i + 1, NULL, &ids[i]), 0);
		assert_int_equal(so_record_set_status(s, ids[i], i == 10 ? "rejected" : i == 11 ?
						      "needs_review" : i % 2 ? "approved" : "valid"), 0);
	}
	struct so_acc_request req = { .lot = "birth-2019-01-26740", .level = SO_ACC_II,
				      .has_seed = 1, .seed = 77 };
	assert_int_equal(so_acc_aql_parse("0.65", &req.aql), 0);
	struct so_acc_lot_row l;
	assert_int_equal(so_acc_sample(s, &req, "kiem", &l), 0);
	assert_int_equal(l.lot_size, 10);
	assert_string_equal(l.code_letter, "B");
	assert_string_equal(l.plan_letter, "F");
	assert_int_equal(l.sample_size, 10);
	assert_int_equal(l.full, 1);
	assert_string_equal(l.state, "open");
	assert_int_equal(sql_int(s, "SELECT count(*) FROM acceptance_members WHERE sample_pos IS "
				 "NOT NULL"), 10);
	/* a second lot of the book waits; a book that is not there */
	struct so_acc_lot_row again;
	assert_int_equal(so_acc_sample(s, &req, "kiem", &again), -1);
	assert_non_null(strstr(so_errmsg(), "still open"));
	assert_int_equal(again.id, l.id);
	req.lot = "birth-2019-02-26740";
	assert_int_equal(so_acc_sample(s, &req, "kiem", &again), -1);
	assert_non_null(strstr(so_errmsg(), "no book 'birth-2019-02-26740'"));
	/* a record outside the sample: refused, nothing stored */
	assert_int_equal(so_acc_check(s, l.id, ids[11], "kiem", 1, "x", 0, &again), -1);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM audit WHERE action = "
				 "'acceptance_check'"), 0);
	/* nine conform, one defect */
	int64_t versions = sql_int(s, "SELECT sum(version) FROM records");
	for (int i = 0; i < 10; i++) {
		assert_int_equal(so_acc_check(s, l.id, ids[i], "kiem", i == 4, i == 4 ? "sai số" :
					      NULL, 0, &again), 0);
		assert_string_equal(again.state, i < 9 ? "open" : "rejected");
	}
	assert_int_equal(again.found, 1);
	assert_int_equal(again.defects, 1);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM records WHERE status = 'needs_review'"),
			 11);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM records WHERE status = 'rejected'"), 1);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM audit WHERE action = "
				 "'acceptance_reopen' AND actor = 'kiem'"), 10);
	/* each reopened record's version moved on (an open page of it is stale) */
	assert_int_equal(sql_int(s, "SELECT sum(version) FROM records"), versions + 10);
	/* the series: normal, score reset, one lot */
	struct so_acc_state st;
	assert_int_equal(so_acc_series_get(s, "birth-2019-01-26740", &st), 1);
	assert_int_equal(st.severity, SO_ACC_NORMAL);
	assert_int_equal(st.lots, 1);
	assert_int_equal(st.recent, 1);
	/* a decided lot takes no more checks */
	assert_int_equal(so_acc_check(s, l.id, ids[0], "kiem", 0, NULL, 0, &again), -1);
	assert_non_null(strstr(so_errmsg(), "already rejected"));
	/* nothing decided left: no lot */
	req.lot = "birth-2019-01-26740";
	assert_int_equal(so_acc_sample(s, &req, "kiem", &again), -1);
	assert_non_null(strstr(so_errmsg(), "no decided"));
	teststore_remove(s, dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(code_letters_level_ii),
		cmocka_unit_test(code_letters_other_levels),
		cmocka_unit_test(plans_normal),
		cmocka_unit_test(plans_tightened),
		cmocka_unit_test(plans_reduced),
		cmocka_unit_test(plans_arrows),
		cmocka_unit_test(aql_parse),
		cmocka_unit_test(switching_to_tightened_and_back),
		cmocka_unit_test(switching_discontinue),
		cmocka_unit_test(switching_score_small_ac),
		cmocka_unit_test(switching_score_large_ac),
		cmocka_unit_test(draw_seeded),
		cmocka_unit_test(policy),
		cmocka_unit_test(lot_in_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
