/* Batch acceptance by ISO 2859-1 single sampling: the standard's tables as data, the arrows,
 * the switching rules and the seeded draw (see acceptance.h). */
#include "review/acceptance.h"

#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/util.h"

/* Names ---------------------------------------------------------------------------------------- */

static const char *const level_names[SO_ACC_LEVELS] = {
	[SO_ACC_S1] = "S-1", [SO_ACC_S2] = "S-2", [SO_ACC_S3] = "S-3", [SO_ACC_S4] = "S-4",
	[SO_ACC_I] = "I", [SO_ACC_II] = "II", [SO_ACC_III] = "III",
};

static const char *const severity_names[SO_ACC_SEVERITIES] = {
	[SO_ACC_NORMAL] = "normal", [SO_ACC_TIGHTENED] = "tightened",
	[SO_ACC_REDUCED] = "reduced", [SO_ACC_DISCONTINUED] = "discontinued",
};

const char *so_acc_level_name(enum so_acc_level l)
{
	return (unsigned)l < SO_ACC_LEVELS ? level_names[l] : "?";
}

int so_acc_level_parse(const char *s, enum so_acc_level *out)
{
	for (int i = 0; i < SO_ACC_LEVELS; i++) {
		/* "S1" is taken for "S-1" too */
		const char *n = level_names[i];
		if (strcmp(s, n) == 0 || (n[0] == 'S' && s[0] == 'S' && strcmp(s + 1, n + 2) == 0)) {
			*out = (enum so_acc_level)i;
			return 0;
		}
	}
	return so_error("'%s' is not an inspection level (S-1, S-2, S-3, S-4, I, II, III)", s);
}

const char *so_acc_severity_name(enum so_acc_severity v)
{
	return (unsigned)v < SO_ACC_SEVERITIES ? severity_names[v] : "?";
}

int so_acc_severity_parse(const char *s, enum so_acc_severity *out)
{
	for (int i = 0; i < SO_ACC_SEVERITIES; i++)
		if (strcmp(s, severity_names[i]) == 0) {
			*out = (enum so_acc_severity)i;
			return 0;
		}
	return so_error("'%s' is not a severity of inspection", s);
}

/* The AQL columns of Tables 2-A to 2-C, as the tables write them. */
static const char *const aql_names[SO_ACC_AQLS] = {
	"0.010", "0.015", "0.025", "0.040", "0.065", "0.10", "0.15", "0.25", "0.40", "0.65",
	"1.0", "1.5", "2.5", "4.0", "6.5", "10", "15", "25", "40", "65", "100", "150", "250",
	"400", "650", "1000",
};

const char *so_acc_aql_name(int index)
{
	return index >= 0 && index < SO_ACC_AQLS ? aql_names[index] : "?";
}

int so_acc_aql_parse(const char *s, int *index)
{
	double v;
	if (so_parse_decimal(s, 0.001, 1000, &v) < 0)
		return so_error("'%s' is not an AQL (a percentage such as 0.65 or 1.0)", s);
	for (int i = 0; i < SO_ACC_AQLS; i++) {
		double a = strtod(aql_names[i], NULL);
		if (v > a * 0.999 && v < a * 1.001) {
			*index = i;
			return 0;
		}
	}
	return so_error("%s is not one of the standard's AQLs (0.010 ... 0.65, 1.0, 1.5, 2.5, "
			"4.0, 6.5, 10 ... 1000)", s);
}

/* Table 1: sample size code letters --------------------------------------------------------- */

static const struct {
	int64_t upto;                   /* the band's largest lot (its smallest: the band above +1) */
	char letters[SO_ACC_LEVELS + 1];/* S-1 S-2 S-3 S-4 I II III */
} code_letters[] = {
	{ 8, "AAAAAAB" },
	{ 15, "AAAAABC" },
	{ 25, "AABBBCD" },
	{ 50, "ABBCCDE" },
	{ 90, "BBCCCEF" },
	{ 150, "BBCDDFG" },
	{ 280, "BCDEEGH" },
	{ 500, "BCDEFHJ" },
	{ 1200, "CCEFGJK" },
	{ 3200, "CDEGHKL" },
	{ 10000, "CDFGJLM" },
	{ 35000, "CDFHKMN" },
	{ 150000, "DEGJLNP" },
	{ 500000, "DEGJMPQ" },
	{ INT64_MAX, "DEHKNQR" },
};

char so_acc_code_letter(int64_t lot_size, enum so_acc_level l)
{
	if (lot_size < 1 || (unsigned)l >= SO_ACC_LEVELS)
		return 0;
	size_t i = 0;
	while (lot_size > code_letters[i].upto)
		i++;
	return code_letters[i].letters[l];
}

/* Tables 2-A, 2-B, 2-C ---------------------------------------------------------------------- */

/* The code letters in order; 'S' (3150) exists only in Table 2-B, under 0.010. */
static const char letters[] = "ABCDEFGHJKLMNPQRS";
#define LETTER_R 15
#define LETTER_S 16
#define LETTER_E 4

/* Sample sizes by letter: normal and tightened, reduced. */
static const int sizes_normal[] = { 2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800,
				    1250, 2000, 3150 };
static const int sizes_reduced[] = { 2, 2, 2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500,
				     800 };

static int letter_index(char c)
{
	const char *p = c ? strchr(letters, c) : NULL;
	return p ? (int)(p - letters) : -1;
}

int so_acc_letter_size(char letter, enum so_acc_severity v)
{
	int i = letter_index(letter);
	if (i < 0 || (i == LETTER_S && v != SO_ACC_TIGHTENED))
		return 0;
	return v == SO_ACC_REDUCED ? sizes_reduced[i] : sizes_normal[i];
}

/* What a cell of the tables holds. */
enum cell_kind { CELL_NONE, CELL_PLAN, CELL_DOWN, CELL_UP };
struct cell {
	enum cell_kind kind;
	int ac, re;
};

/*
 * The tables run in diagonals: moving one code letter down (a larger sample) and one AQL to
 * the left (a tighter one) keeps the plan. A cell's diagonal is its letter's index plus its
 * AQL's index, and each table is one row of cells per diagonal from its first plan (below it,
 * arrows down) to 26 (after it, arrows up). The two last diagonals hold plans only in the
 * rows of letters A to E (the large acceptance numbers of nonconformities per hundred units);
 * further down they are arrows up.
 */
#define DIAG_LAST 26
#define P(a, r) { CELL_PLAN, a, r }
#define DN { CELL_DOWN, 0, 0 }
#define UP { CELL_UP, 0, 0 }
static const struct {
	int first;                          /* the diagonal of the table's first plan */
	struct cell diag[DIAG_LAST + 1 - 14];
} tables[] = {
	/* Table 2-A, normal: 0/1, an arrow up and one down, then Re = Ac + 1 */
	[SO_ACC_NORMAL] = { 14, { P(0, 1), UP, DN, P(1, 2), P(2, 3), P(3, 4), P(5, 6), P(7, 8),
				  P(10, 11), P(14, 15), P(21, 22), P(30, 31), P(44, 45) } },
	/* Table 2-B, tightened: one diagonal later, 0/1, two arrows down */
	[SO_ACC_TIGHTENED] = { 15, { DN, P(0, 1), DN, DN, P(1, 2), P(2, 3), P(3, 4), P(5, 6),
				     P(8, 9), P(12, 13), P(18, 19), P(27, 28), P(41, 42) } },
	/* Table 2-C, reduced (the reduced sample sizes) */
	[SO_ACC_REDUCED] = { 14, { P(0, 1), UP, DN, P(1, 2), P(1, 2), P(2, 3), P(3, 4), P(5, 6),
				   P(6, 7), P(8, 9), P(10, 11), P(14, 15), P(21, 22) } },
};
#undef P
#undef DN
#undef UP

static struct cell cell_at(enum so_acc_severity v, int letter, int aql)
{
	struct cell none = { CELL_NONE, 0, 0 };
	if (letter == LETTER_S) {
		/* Table 2-B's last row: 3150 items, 1/2 at 0.010 only */
		struct cell s = { CELL_PLAN, 1, 2 };
		return v == SO_ACC_TIGHTENED && aql == 0 ? s : none;
	}
	if (letter < 0 || letter > LETTER_R || aql < 0 || aql >= SO_ACC_AQLS)
		return none;
	int d = letter + aql;
	struct cell down = { CELL_DOWN, 0, 0 }, up = { CELL_UP, 0, 0 };
	if (d < tables[v].first)
		return down;
	if (d > DIAG_LAST || (d >= DIAG_LAST - 1 && letter > LETTER_E))
		return up;
	return tables[v].diag[d - 14];
}

/* The first plan from row LETTER in direction STEP (+1 down, -1 up), its row into *AT: the
 * cell, or CELL_NONE when the column has none that way. */
static struct cell follow(enum so_acc_severity v, int letter, int aql, int step, int *at)
{
	int last = v == SO_ACC_TIGHTENED ? LETTER_S : LETTER_R;
	for (int k = letter + step; k >= 0 && k <= last; k += step) {
		struct cell c = cell_at(v, k, aql);
		if (c.kind == CELL_PLAN) {
			*at = k;
			return c;
		}
	}
	struct cell none = { CELL_NONE, 0, 0 };
	return none;
}

int so_acc_plan_for(int64_t lot_size, int aql, enum so_acc_level l, enum so_acc_severity v,
		    struct so_acc_plan *p)
{
	memset(p, 0, sizeof(*p));
	if (lot_size < 1)
		return so_error("a lot of %lld records has nothing to sample", (long long)lot_size);
	if (aql < 0 || aql >= SO_ACC_AQLS)
		return so_error("no AQL column %d", aql);
	if ((unsigned)l >= SO_ACC_LEVELS)
		return so_error("no inspection level %d", (int)l);
	if (v == SO_ACC_DISCONTINUED)
		return so_error("inspection is discontinued (5 lots rejected under tightened "
				"inspection): it resumes under tightened inspection once the "
				"cause is corrected");
	if ((unsigned)v >= SO_ACC_SEVERITIES)
		return so_error("no severity of inspection %d", (int)v);
	char code = so_acc_code_letter(lot_size, l);
	int start = letter_index(code), at = start;
	struct cell c = cell_at(v, start, aql);
	if (c.kind == CELL_DOWN) {
		c = follow(v, start, aql, +1, &at);
		if (c.kind == CELL_NONE)      /* below the last row: the first plan above */
			c = follow(v, start, aql, -1, &at);
	} else if (c.kind == CELL_UP) {
		c = follow(v, start, aql, -1, &at);
		if (c.kind == CELL_NONE)
			c = follow(v, start, aql, +1, &at);
	}
	if (c.kind != CELL_PLAN)
		return so_error("no plan for code letter %c at AQL %s", code, aql_names[aql]);
	p->lot_size = lot_size;
	p->code_letter = code;
	p->plan_letter = letters[at];
	p->sample_size = so_acc_letter_size(letters[at], v);
	p->ac = c.ac;
	p->re = c.re;
	p->aql = aql;
	p->level = l;
	p->severity = v;
	if (p->sample_size >= lot_size) {
		p->sample_size = lot_size;
		p->full = 1;
	}
	return 0;
}

/* Switching rules ---------------------------------------------------------------------------- */

#define SWITCH_WINDOW 5         /* lots looked back on under normal inspection */
#define SWITCH_TO_TIGHTENED 2   /* rejected among them: tightened inspection */
#define TIGHT_TO_NORMAL 5       /* consecutive lots accepted under tightened: normal */
#define TIGHT_DISCONTINUE 5     /* lots rejected under tightened: discontinued */
#define SCORE_TO_REDUCED 30     /* the switching score that allows reduced inspection */
#define SCORE_STEP_TIGHTER 3    /* Ac >= 2: accepted had the AQL been one step tighter */
#define SCORE_STEP_ACCEPTED 2   /* Ac 0 or 1: accepted */

void so_acc_state_init(struct so_acc_state *st)
{
	memset(st, 0, sizeof(*st));
	st->severity = SO_ACC_NORMAL;
}

void so_acc_state_resume(struct so_acc_state *st)
{
	int lots = st->lots;
	so_acc_state_init(st);
	st->severity = SO_ACC_TIGHTENED;
	st->lots = lots;
}

static void to_normal(struct so_acc_state *st)
{
	int lots = st->lots;
	so_acc_state_init(st);
	st->lots = lots;
}

/* The acceptance number the lot's plan would have had one AQL step tighter (clause 9.3.3.2),
 * or -1 when there is no tighter AQL. */
static int ac_one_step_tighter(const struct so_acc_plan *p)
{
	if (p->aql == 0)
		return -1;
	struct cell c = cell_at(SO_ACC_NORMAL, letter_index(p->plan_letter), p->aql - 1);
	if (c.kind == CELL_PLAN)
		return c.ac;
	struct so_acc_plan t;
	if (so_acc_plan_for(p->lot_size, p->aql - 1, p->level, SO_ACC_NORMAL, &t) < 0)
		return -1;
	return t.ac;
}

enum so_acc_severity so_acc_state_next(struct so_acc_state *st, const struct so_acc_plan *p,
				       int defects, int reduced_allowed)
{
	int accepted = defects <= p->ac;
	st->lots++;
	switch (st->severity) {
	case SO_ACC_NORMAL: {
		st->recent = ((st->recent << 1) | (accepted ? 0u : 1u)) & ((1u << SWITCH_WINDOW) - 1);
		if (st->recent_n < SWITCH_WINDOW)
			st->recent_n++;
		int rejected = __builtin_popcount(st->recent);
		if (rejected >= SWITCH_TO_TIGHTENED) {
			int lots = st->lots;
			so_acc_state_init(st);
			st->severity = SO_ACC_TIGHTENED;
			st->lots = lots;
			break;
		}
		if (p->ac >= 2) {
			int tighter = ac_one_step_tighter(p);
			if (tighter >= 0 && defects <= tighter)
				st->score += SCORE_STEP_TIGHTER;
			else
				st->score = 0;
		} else {
			st->score = accepted ? st->score + SCORE_STEP_ACCEPTED : 0;
		}
		if (st->score >= SCORE_TO_REDUCED && reduced_allowed) {
			int lots = st->lots;
			so_acc_state_init(st);
			st->severity = SO_ACC_REDUCED;
			st->lots = lots;
		}
		break;
	}
	case SO_ACC_TIGHTENED:
		if (accepted) {
			if (++st->tight_accepted >= TIGHT_TO_NORMAL)
				to_normal(st);
		} else {
			st->tight_accepted = 0;
			if (++st->tight_rejected >= TIGHT_DISCONTINUE)
				st->severity = SO_ACC_DISCONTINUED;
		}
		break;
	case SO_ACC_REDUCED:
		/* a rejected lot, or the authority's approval withdrawn: back to normal */
		if (!accepted || !reduced_allowed)
			to_normal(st);
		break;
	default:
		break;
	}
	return st->severity;
}

/* The draw ------------------------------------------------------------------------------------- */

#define DRAW_MAX ((size_t)1 << 26)   /* items a lot may have */

/* splitmix64: the next number of the sequence STATE walks. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [0, BOUND) without the modulo's bias. */
static uint64_t below(uint64_t *state, uint64_t bound)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
	uint64_t r;
	do
		r = next_random(state);
	while (r >= limit);
	return r % bound;
}

static int size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

int so_acc_draw(uint64_t seed, size_t n, size_t sample_size, size_t *out)
{
	if (sample_size > n)
		return so_error("cannot draw %zu of %zu records", sample_size, n);
	if (n > DRAW_MAX)
		return so_error("a lot of %zu records is more than %zu", n, DRAW_MAX);
	if (sample_size == 0)
		return 0;
	size_t *items = malloc(n * sizeof(*items));
	if (!items)
		return so_error("out of memory");
	for (size_t i = 0; i < n; i++)
		items[i] = i;
	uint64_t state = seed;
	/* the first SAMPLE_SIZE steps of a Fisher-Yates shuffle */
	for (size_t i = 0; i < sample_size; i++) {
		size_t j = i + (size_t)below(&state, n - i);
		size_t t = items[i];
		items[i] = items[j];
		items[j] = t;
	}
	memcpy(out, items, sample_size * sizeof(*out));
	free(items);
	qsort(out, sample_size, sizeof(*out), size_cmp);
	return 0;
}
