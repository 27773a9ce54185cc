/*
 * Evidence: what the readings of one cell say about its value, as pure functions of their
 * texts and of the word lists (schemas/ref) — no recognizer, no store — so that what decides
 * a value is sure can be unit-tested. The readings compared are the cell's first and those of
 * other models (the second Vietnamese model, the Latin model, the main model line by line or
 * half as large again); each decision names a confidence tier of one table (so_tier) and the
 * reading that stands. The corroborators (corroborate.h) fetch the readings and apply it.
 */
#ifndef SO_EVIDENCE_H
#define SO_EVIDENCE_H

#include <stddef.h>

#include "register/normalize.h"

/*
 * The confidence tiers: each a level of evidence with its confidence, the calibration
 * (tests/bench/calibrate) weighing each. The numbers are written once, in the table of
 * evidence.c; code names a tier, never computes one from another.
 */
enum so_tier {
	SO_TIER_NONE,                 /* no evidence: the confidence stands */
	SO_TIER_DASH,                 /* a cell of one short flat stroke: a dash */
	SO_TIER_FAMILY_GUESS,         /* a family name guessed from its letters, marks set aside */
	SO_TIER_CORROBORATED,         /* read alike by another model, or standing on a list */
	SO_TIER_AGREED,               /* digits read alike by two models, none giving another */
	SO_TIER_NAME_LETTERS,         /* a name alike but for a mark the second lost on no name */
	SO_TIER_NAME_SIBLING,         /* a name alike, a word one mark from another name word */
	SO_TIER_NAME_SIBLING_LETTERS, /* both of the above */
	SO_TIER_NAME_TWO_OF_THREE,    /* a name: two readings of three against the third */
	SO_TIER_TIE,                  /* digits: two readings of three or four against another */
	SO_TIER_SPELLED,              /* a listed text whose marks or case were misread */
	SO_TIER_NAME_MARKS_THIRD,     /* marks both readings lost, which a third restores */
	SO_TIER_STREET_LETTERS,       /* a street whose marks the second reading lost */
	SO_TIER_NAME_UNLISTED,        /* a name read alike, of words no common name is made of */
	SO_TIER_CONTRADICTED,         /* a name or place another reading contradicts */
	SO_TIER_DISAGREED,            /* digits no two readings give alike */
	SO_TIER_NUMBER_INK,           /* a number with more or fewer digits than its ink holds */
	SO_TIER_STREET_SIBLING,       /* a street read alike, a word one mark from another listed
					 word (Lê Lợi / Lê Lơi, Hưng / Hùng) */
	SO_TIER_STREET_TWO_OF_THREE,  /* a street: two readings of three against the third */
	SO_TIER_MARKS_UNLISTED,       /* a kinship term read alike by two models but for a mark
					 off its list (bà ngoai / bà ngoại) */
	SO_TIERS
};

struct so_tier_info {
	double conf;          /* the confidence of the tier; -1 for SO_TIER_NONE */
	const char *name;     /* "corroborated" */
	const char *meaning;  /* one line, for people */
};

/* The tier's row of the table; that of SO_TIER_NONE for a value out of range. */
const struct so_tier_info *so_tier_info(enum so_tier tier);
/* The tier's confidence (so_tier_info(tier)->conf). */
double so_tier_conf(enum so_tier tier);

/* How a tier applies to the confidence a reading has. */
enum so_apply {
	SO_APPLY_KEEP,   /* the confidence stands */
	SO_APPLY_SET,    /* it becomes the tier's */
	SO_APPLY_RAISE,  /* it rises to the tier's, never falls */
	SO_APPLY_CAP,    /* it falls to the tier's, never rises */
};

/* A decision: the tier, how it applies, and which reading stands (0 the first, 1 the second,
 * 2 the third ...). */
struct so_verdict {
	enum so_tier tier;
	enum so_apply apply;
	int winner;
};

/* CONF after verdict V. */
double so_verdict_apply(const struct so_verdict *v, double conf);

/*
 * Names. A name key is the name as readings are compared: case-folded NFC letters (and
 * digits when DIGITS), words split by one space, all else dropped. Caller frees; NULL when
 * out of memory.
 */
char *so_name_key(const char *text, size_t len, int digits);
/* How far names A and B (name keys) agree: 2 word for word; 1 when each word is the same or
 * B's is no name word nor family name and has A's letters once marks are set aside (THUỲ read
 * THUY: the second reading lost a mark, neither confirming nor contradicting); 0 otherwise. */
int so_names_agree(const char *a, const char *b);
/* 1 when name keys A and B are the same letters but for spaces (LÊHỮU / LÊ HỮU). */
int so_same_but_spacing(const char *a, const char *b);
/* 1 when name keys LOSER and WINNER differ in their number of words, or at a word where
 * DECISIVE(loser's word, winner's word) holds; never when they differ only by spaces. */
int so_differs_where(const char *loser, const char *winner,
		     int (*decisive)(const char *lw, const char *ww));
/* 1 when, where LOSER and WINNER differ, LOSER's word is a name word or family name too
 * (Khanh / Khánh): two readings against one do not settle between two names. */
int so_loses_a_name(const char *loser, const char *winner);
/* 1 when, where LOSER and WINNER differ, WINNER's word is one mark from another name word
 * (Thuỷ / Thuỳ): the readings disagree where the marks decide. */
int so_disputed_sibling(const char *loser, const char *winner);
/* 1 when TEXT (LEN bytes) is a name of common words: a family name, then at least one name
 * word (a family name after the first word does not count). */
int so_is_common_name(const char *text, size_t len);
/* 1 when a word of the name TEXT (LEN bytes) after its first has a sibling among the name
 * words, the same letters with other marks (Khanh / Khánh); 1 as well when out of memory. */
int so_has_sibling_word(const char *text, size_t len);

/*
 * Digits. Caller frees what is returned; NULL when out of memory.
 */
/* The digits of the LEN bytes of S, in order. */
char *so_digits_of(const char *s, size_t len);
/* TEXT (LEN bytes) with its runs of digits replaced by DIGITS: digit by digit when they are
 * as many in all, the one run whole when there is one; NULL when neither fits. */
char *so_with_digits(const char *text, size_t len, const char *digits);
/* 1 when TEXT is a registration number as written and nothing else: "Số" (or "số", a colon
 * after it), one to five digits, then up to two parts after a slash, each a year or the
 * book's code of capitals (125, Số 125, 125/2019, 125/KS, Số: 125/2019, 125/2019/KS; "Z1",
 * "G7", "12/19" or "1912022" are not). */
int so_clean_number(const char *text);
/*
 * The ink of a number. A box in page coordinates (x1, y1 excluded); a glyph as the recognizer
 * saw it: its text and its box (x1 <= x0 when not known).
 */
struct so_box {
	int x0, y0, x1, y1;
};
struct so_glyph {
	const char *text;
	struct so_box box;
};
/* How many digits the ink of a cell holds where its reading's number stands. GLYPHS[0..NG)
 * are the reading's glyphs in order, MARKS[0..NM) the boxes of the cell's marks (connected
 * components of its ink), CELL the cell. The number is the first run of digit glyphs; on its
 * line (the band of its glyphs) each glyph stands on the mark under it, the number's first
 * (another's box may reach over a digit). The ink holds a digit for each of the number's
 * glyphs that stands on a mark, and for each mark no glyph stands on between the marks of the
 * glyphs before and after the number, as tall as a digit — so that a digit the reading
 * dropped or made up is counted as the ink has it; pieces of a broken digit count once, a
 * mark far wider than a digit as the digits touching in it, a seal or stroke across the cell
 * not at all. -1 when it cannot be told: no number, a digit without its box. */
int so_ink_digits(const struct so_glyph *glyphs, size_t ng, const struct so_box *marks,
		  size_t nm, const struct so_box *cell);
/* How many digits the number of TEXT has (its first run of digits, "Số 125/2019": 3). */
int so_number_digits(const char *text);

/* 1 when canonical date (or date-time) VALUE is of a year a register can hold: 1850 to
 * THIS_YEAR. */
int so_plausible_date(const char *value, int this_year);

/*
 * Places and streets.
 */
/* PLACE made canonical with the units of either list (the old first, then the new: the ocr
 * stage does not judge dates). Release OUT with so_canon_release. 0 or -1. */
int so_place_canon(const char *place, struct so_canon *out);
/* The street part of canonical place VALUE: what comes before its commune (Phường, Xã, Thị
 * trấn). Caller frees; "" when there is none, NULL when out of memory. */
char *so_street_of(const char *value);
/* A street as readings are compared: letters and digits, case-folded, words split by one
 * space, without a leading "số". Caller frees; NULL when out of memory. */
char *so_street_key(const char *text);
/* 1 when street key A and the start of street key B, as many words, are the same letters, B
 * with fewer marks: the second reading lost marks the first has (Trân / Trần). */
int so_street_marks_lost(const char *a, const char *b);
/* 1 when TEXT has a word of neither letter nor digit ("Trần Hưng __ Đạo"): a speck or a
 * stroke the readings may both skip, left in the value; 1 as well when out of memory. */
int so_has_stray_token(const char *text);

/*
 * Words one mark apart. Streets are mostly named after people, hamlets after places and
 * people, and a declarant's relationship is a kinship term: a word of theirs one mark from
 * another listed word is as unsure as such a word in a name.
 */
/* 1 when WORD is a listed word: a name word, a family name or a kinship term. */
int so_is_listed_word(const char *word);
/* 1 when another listed word has WORD's letters with other marks (Lơi / Lợi, Hưng / Hùng,
 * ngoai / ngoại); the other tone placement of the same word (Hòa / Hoà) is not another word.
 * 1 as well when out of memory. */
int so_has_listed_sibling(const char *word);
/* 1 when a word of street key KEY (so_street_key) is in question: one mark from another
 * listed word, and no word of an address's make (số, đường, hẻm, ấp, thôn, xóm, tổ, khu,
 * phố ...) nor a number. With UNLISTED, only such a word that is itself no listed word
 * (Lơi). */
int so_street_in_question(const char *key, int unlisted);

/*
 * Decisions. Each takes the readings fetched so far (NULL for one not read yet) and returns
 * 1 when it needs the next one to decide, 0 with *V set, or -1 when out of memory.
 */

/* How the canonical values of a cell's readings count as opinions (so_opinions_verdict). */
enum so_value_rule {
	SO_VALUES_PLAIN,      /* any value (an identity number) */
	SO_VALUES_DATED,      /* a date: a value of an impossible year counts as none */
	SO_VALUES_SEQUENCED,  /* a registration number: readings alike never raise it (those of
				 a blurred number were seen wrong, 151 for 131); the register's
				 sequence is the better witness */
};

/* 0 when a cell first read as TEXT is not read again under RULE: a registration number
 * cleanly written (so_clean_number) with as many digits as its ink holds (INK, from
 * so_ink_digits; -1 when not told); 1 otherwise. */
int so_opinions_wanted(enum so_value_rule rule, const char *text, int ink);
/* 1 when the number of TEXT has INK digits (so_number_digits), or INK is not told (< 0). */
int so_fits_ink(const char *text, int ink);
/* A registration number standing as TEXT after its other readings, its cell's ink holding INK
 * digits: NUMBER_INK (capped) when it has more or fewer; else kept. The register's sequence
 * may still confirm it (validate): a number doubtful is one that fits neither. */
void so_ink_verdict(const char *text, int ink, struct so_verdict *v);

/*
 * A cell of digits read again by up to MAX - 1 other readings until two agree. VALUES[0..N)
 * are the canonical values of the readings so far (NULL: none; later readings' as counted
 * under RULE). Two alike, none giving another value: AGREED (raised); alike against another:
 * TIE; under SO_VALUES_SEQUENCED, alike never raises (capped at DISAGREED). No two alike but
 * some later value: DISAGREED (capped), and when the first gives no value (or one of an
 * impossible year) the first later one that does wins. Later readings giving no value teach
 * nothing. Needs another reading (1) while none agree and N < MAX.
 */
int so_opinions_verdict(const char *const *values, size_t n, size_t max, enum so_value_rule rule,
			int this_year, struct so_verdict *v);

/*
 * A name (FIRST, as first read) read AGAIN by the second model and, when needed, a THIRD time
 * by the main model line by line. AMBIGUOUS: a word of FIRST could as well be another listed
 * word by its letters' alternatives (Tân / Tấn). Alike and of common words (not ambiguous):
 * CORROBORATED, NAME_LETTERS, NAME_SIBLING or NAME_SIBLING_LETTERS (raised), by how far they
 * agree and whether a word is one mark from another name word. Alike of words no name is made
 * of, which the third gives as common name words of the same letters (HOANG -> HOÀNG):
 * NAME_MARKS_THIRD (set), the third wins. Otherwise alike: NAME_UNLISTED (capped). Not alike:
 * two of three agreeing on a name of common words, the odd one out reading no other name
 * there nor the marks deciding: NAME_TWO_OF_THREE (set); else CONTRADICTED (capped). The
 * second wins when two of three side with it, or when it alone is a name of common words.
 * Needs the third (1) when the first two differ, or are not of common words.
 */
int so_name_verdict(const char *first, const char *again, const char *third, int ambiguous,
		    struct so_verdict *v);

/*
 * The digits of FIRST (a date, a document number in a cell) read AGAIN by the Latin model and,
 * when they differ, a THIRD time by the second model. Alike: AGREED (raised). The third siding
 * with the first: TIE (set); with the second: TIE, that reading winning with FIRST's text
 * carrying its digits into *BETTER (caller frees) — only when BETTER is given and they fit
 * (so_with_digits); otherwise DISAGREED (capped). FIRST or AGAIN without digits: kept.
 */
int so_digits_verdict(const char *first, const char *again, const char *third,
		      struct so_verdict *v, char **better);

/* How a free text stands on the list of its field. */
enum so_listing {
	SO_UNLISTED,
	SO_LISTED,         /* corroborated by the list: *v raises to CORROBORATED */
	SO_LISTED_DIGITS,  /* listed, its digits to be read alike first (so_digits_verdict) */
};
/* TEXT, of free-text FIELD ("death.cause", "death_notice.issuer"), against the texts known for
 * it (so_text_listed). *V keeps but for SO_LISTED. */
enum so_listing so_listed_verdict(const char *field, const char *text, struct so_verdict *v);

/* A free text read as the listed SPELLED but for case and marks, read AGAIN by the second
 * model: kept when AGAIN gives SPELLED's letters and digits (case aside), else SPELLED
 * (capped). */
int so_spelled_verdict(const char *spelled, const char *again, struct so_verdict *v);
/* The same for an issuer taking its listed spelling SPELLED: read so AGAIN, CORROBORATED; not,
 * SPELLED — unless digits, or a commune named by a letter or two (Phường I), could as well be
 * a misread digit: DISAGREED (capped). Set but for the cap. */
int so_issuer_verdict(const char *spelled, const char *again, struct so_verdict *v);

/*
 * A street (A: the street key of the first reading) read AGAIN by the second model and, when
 * needed, a THIRD time by the main model line by line (AGAIN and THIRD: the keys of the whole
 * place read again, its street first). Read alike: CORROBORATED (set); SIBLING (set) when a
 * word is in question (so_street_in_question) — but a word in question that is no listed word
 * (Lơi) needs the third alike too, else CONTRADICTED (capped). Its marks lost by AGAIN alone:
 * STREET_LETTERS (raised), or, a word in question, as the third says (alike: SIBLING). Not
 * alike: the third alike with A, AGAIN giving no other listed word where they differ:
 * STREET_TWO_OF_THREE (set); else CONTRADICTED (capped). The first stands.
 */
int so_street_verdict(const char *a, const char *again, const char *third,
		      struct so_verdict *v);

/*
 * A place (A: FIRST made canonical, so_place_canon) read AGAIN by the second model and, for
 * its street, a THIRD time; its confidence CONF so far. Its units are checked by the lists;
 * what the readings speak for is the rest. A place naming no unit, or not surely:
 * CONTRADICTED (capped), AGAIN winning when it names its units exactly (no stray token), at
 * CORROBORATED (set) when its commune and street are FIRST's. A place standing on the lists
 * (verified), or read surely (CONF corroborated's) but for a street word in question that is
 * no listed word (Lơi): kept, AGAIN not needed. A street before the units:
 * so_street_verdict — before units matched inexactly it may lower the confidence, never raise
 * it. Units alone, or a street with a stray token: CORROBORATED when AGAIN gives the same
 * canonical place.
 */
int so_place_verdict(const struct so_canon *a, const char *again, const char *third, double conf,
		     struct so_verdict *v);

/*
 * A declarant's relationship FIRST read, and AGAIN by the second model. A kinship term as
 * listed: kept. Not listed, but a listed term's letters with other marks (SPELLED, from the
 * list): read so by AGAIN, SPELLED (set) and *BETTER the listed term (caller frees); read as
 * FIRST by AGAIN (both lost the same mark): MARKS_UNLISTED (capped), FIRST standing; else
 * CONTRADICTED (capped). Neither: kept. AGAIN is needed (1) only for a term that spells a
 * listed one.
 */
int so_kinship_verdict(const char *first, const char *again, struct so_verdict *v,
		       char **better);

#endif
