/*
 * Style families ("hands"): how a family of books was printed and filled in. A hand fixes the
 * engine that draws its pages (cairo and pango, or an HTML page printed by headless
 * Chromium), its fonts and spacing, the page's furniture (header wording, the index row, paper,
 * ink, seals and signatures) and the clerks' writing conventions of REGISTERS.md "How clerks
 * really write" (unit words in every case and abbreviation, separators, hamlets and streets,
 * hospitals and health posts, registration-number and date forms). Each book is drawn in one
 * hand (`--style NAME`); the default, "classic", is the generator's original hand and draws
 * exactly what it always drew. Whatever the hand, the truth keeps the canonical values.
 */
#ifndef GEN_HAND_H
#define GEN_HAND_H

#include <stddef.h>

enum hand_engine { ENGINE_CAIRO, ENGINE_CHROMIUM };

/* Registration-number forms: "125", "Số 125", "125/2019", "125/KS", "Số: 125/2019",
 * "Số: 125". The first three are the classic hand's. */
enum number_form { NUMBER_PLAIN, NUMBER_SO, NUMBER_YEAR, NUMBER_BOOK, NUMBER_SO_COLON_YEAR,
                   NUMBER_SO_COLON, NUMBER_FORM_COUNT };

/* Separators between the parts of a place. */
enum place_sep { SEP_COMMA, SEP_STOP, SEP_SEMICOLON, SEP_DASH, SEP_NEWLINE, SEP_NONE,
                 SEP_COUNT };

/* How the kind word of a unit is cased: as in the list ("Thị xã"), each word capitalized
 * ("Thị Xã"), in capitals ("THỊ XÃ"), in small letters ("thị xã"), the whole unit in
 * capitals ("THỊ XÃ BUÔN HỒ"). */
enum unit_case { CASE_OFFICIAL, CASE_TITLE, CASE_UPPER, CASE_LOWER, CASE_ALL_UPPER,
                 CASE_COUNT };

/* Abbreviation habits: the classic set ("P. ", "Q. ", "TP. "), tight ("P.12", "Q.1",
 * "TP.HCM"), bare ("P12", "Q1", "TPHCM", "P 12"), the southern "F." for numbered wards and
 * the mixed-case ones ("Ph.", "Tt.", "Tx.", "Tp.", "T.P"). */
enum abbr_set { ABBR_CLASSIC, ABBR_TIGHT, ABBR_BARE, ABBR_SOUTH, ABBR_MIXED, ABBR_COUNT };

enum paper_kind { PAPER_WHITE, PAPER_GREY, PAPER_YELLOWED, PAPER_COUNT };
enum ink_kind { INK_BLACK, INK_BLUE, INK_COUNT };
enum index_mode { INDEX_PRESENT, INDEX_FAINT, INDEX_MISSING, INDEX_COUNT };

#define HAND_FONTS_MAX 4
#define HAND_DATE_FORMS 9

struct hand {
	const char *name;
	const char *about;
	enum hand_engine engine;
	int classic;                        /* the original hand: no new draw anywhere */
	const char *fonts[HAND_FONTS_MAX];  /* print fonts; those installed are used */
	double entry_pt;                    /* cell text size */
	double letter_spacing;              /* extra space between letters, in points */
	double line_spacing;                /* line height factor, 0 for the font's */
	double width_jitter;                /* column widths vary by ± this share */
	/* writing */
	double names_upper;                 /* chance a book's clerk writes names in capitals */
	double date_forms[HAND_DATE_FORMS]; /* weights of enum date_form */
	double number_forms[NUMBER_FORM_COUNT];
	double place_forms[3];              /* full, abbreviated, mixed */
	double abbr[ABBR_COUNT];
	double seps[SEP_COUNT];
	double cases[CASE_COUNT];
	double hamlet;                      /* a hamlet, neighbourhood or group in an address */
	double street;                      /* a house and street in a town address */
	double hospital_short;              /* "BV Từ Dũ" for "Bệnh viện Từ Dũ" */
	double facility;                    /* a health post or clinic in no table */
	double city_short;                  /* "TP.HCM", "TPHCM" for the whole city */
	/* the page */
	double header_variant;              /* a column title printed in other words */
	double index[INDEX_COUNT];
	double paper[PAPER_COUNT];
	double ink[INK_COUNT];
	double seal;                        /* a red seal across a cell, per page */
	double signature;                   /* a signature across a cell, per page */
};

/* The hand named NAME, or NULL. */
const struct hand *hand_find(const char *name);
/* The default (classic) hand. */
const struct hand *hand_default(void);
/* The hands, in order, for listings. */
const struct hand *hand_at(size_t i);
size_t hand_count(void);

#endif
