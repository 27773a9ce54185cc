/*
 * The style families (see hand.h). Each writing convention of REGISTERS.md "How clerks really
 * write" is used by at least one tuned family, so that the held-out families (typewriter,
 * web) bring no form the tuned ones never showed: only other fonts, another engine and other
 * mixtures of the same habits.
 */
#include <string.h>

#include "base/util.h"
#include "calendar.h"
#include "hand.h"

/* date forms: slash padded, slash, dash, dot, words (the classic five), then slash with
 * spaces, dash with spaces, short dot, words without padding */
static const struct hand hands[] = {
	{
		.name = "classic", .engine = ENGINE_CAIRO, .classic = 1,
		.about = "the original hand: Noto and DejaVu, serif or sans, the forms of layout v1",
		.fonts = { "Noto Serif", "Noto Sans", "DejaVu Serif", "DejaVu Sans" },
		.entry_pt = 10, .width_jitter = 0.03,
		.index = { 1, 0, 0 }, .paper = { 1, 0, 0 }, .ink = { 1, 0 },
	},
	{
		.name = "serif", .engine = ENGINE_CAIRO,
		.about = "a Times-like serif, or a high-contrast one whose hairlines a blurred "
		         "black-and-white scan breaks (Noto Serif Display); units in full, "
		         "capitalized or small, full stops and semicolons; numbers 'Số: 125/2019', "
		         "dates in words; grey paper",
		.fonts = { "Liberation Serif", "Noto Serif Display" },
		.entry_pt = 10.5, .letter_spacing = 0.1, .line_spacing = 1.05, .width_jitter = 0.05,
		.names_upper = 0.3,
		.date_forms = { 30, 10, 0, 10, 25, 0, 0, 0, 25 },
		.number_forms = { 10, 40, 20, 0, 30, 0 },
		.place_forms = { 70, 10, 20 },
		.abbr = { 60, 0, 0, 0, 40 },
		.seps = { 30, 40, 30, 0, 0, 0 },
		.cases = { 40, 40, 0, 20, 0 },
		.hamlet = 0.3, .street = 0.6, .hospital_short = 0.2, .facility = 0.25,
		.city_short = 0.1, .header_variant = 0.5,
		.index = { 80, 20, 0 }, .paper = { 60, 40, 0 }, .ink = { 1, 0 },
		.seal = 0.3, .signature = 0.2,
	},
	{
		.name = "sans", .engine = ENGINE_CAIRO,
		.about = "an Arial-like or Calibri-like sans; abbreviations tight and bare (P.12, "
		         "P12, F.12, Q1, TP.HCM), dashes or nothing between units; '125/KS'; blue "
		         "ink, grey paper, seals",
		.fonts = { "Liberation Sans", "Carlito" },
		.entry_pt = 10, .letter_spacing = 0, .line_spacing = 0, .width_jitter = 0.05,
		.names_upper = 0.7,
		.date_forms = { 30, 25, 0, 0, 0, 25, 20, 0, 0 },
		.number_forms = { 40, 0, 30, 30, 0, 0 },
		.place_forms = { 10, 60, 30 },
		.abbr = { 0, 40, 30, 30, 0 },
		.seps = { 40, 0, 0, 30, 0, 30 },
		.cases = { 60, 0, 40, 0, 0 },
		.hamlet = 0.5, .street = 0.7, .hospital_short = 0.6, .facility = 0.3,
		.city_short = 0.6, .header_variant = 0.3,
		.index = { 60, 20, 20 }, .paper = { 50, 50, 0 }, .ink = { 50, 50 },
		.seal = 0.4, .signature = 0.3,
	},
	{
		.name = "condensed", .engine = ENGINE_CAIRO,
		.about = "DejaVu condensed; units on separate lines or after semicolons, Ph./Tt./Tx., "
		         "whole units in capitals; 'Số: 125'; dates with dots; yellowed paper, "
		         "faint or missing index row, signatures",
		.fonts = { "DejaVu Sans Condensed", "DejaVu Serif Condensed" },
		.entry_pt = 10, .letter_spacing = -0.15, .line_spacing = 0.95, .width_jitter = 0.05,
		.names_upper = 0.5,
		.date_forms = { 0, 0, 20, 30, 0, 0, 0, 30, 20 },
		.number_forms = { 0, 30, 0, 30, 0, 40 },
		.place_forms = { 20, 30, 50 },
		.abbr = { 30, 20, 0, 0, 50 },
		.seps = { 30, 0, 30, 0, 40, 0 },
		.cases = { 40, 40, 0, 0, 20 },
		.hamlet = 0.5, .street = 0.5, .hospital_short = 0.4, .facility = 0.4,
		.city_short = 0.3, .header_variant = 0.6,
		.index = { 50, 30, 20 }, .paper = { 30, 0, 70 }, .ink = { 70, 30 },
		.seal = 0.3, .signature = 0.4,
	},
	{
		.name = "typewriter", .engine = ENGINE_CAIRO,
		.about = "held out: monospaced (FreeMono, Liberation Mono, Noto Mono), much in "
		         "capitals, every separator; yellowed or grey paper, missing index rows",
		.fonts = { "FreeMono", "Liberation Mono", "Noto Mono" },
		.entry_pt = 9.5, .letter_spacing = 0, .line_spacing = 1.0, .width_jitter = 0.04,
		.names_upper = 0.9,
		.date_forms = { 15, 0, 25, 25, 15, 20, 0, 0, 0 },
		.number_forms = { 30, 0, 0, 35, 35, 0 },
		.place_forms = { 40, 40, 20 },
		.abbr = { 30, 0, 30, 0, 40 },
		.seps = { 30, 20, 0, 20, 15, 15 },
		.cases = { 30, 0, 20, 0, 50 },
		.hamlet = 0.5, .street = 0.6, .hospital_short = 0.5, .facility = 0.35,
		.city_short = 0.4, .header_variant = 0.5,
		.index = { 40, 30, 30 }, .paper = { 0, 40, 60 }, .ink = { 60, 40 },
		.seal = 0.35, .signature = 0.35,
	},
	{
		.name = "web", .engine = ENGINE_CHROMIUM,
		.about = "held out: an HTML page printed by headless Chromium (Blink's layout and "
		         "text), FreeSans or FreeSerif; every writing form mixed",
		.fonts = { "FreeSans", "FreeSerif" },
		.entry_pt = 10, .width_jitter = 0.05,
		.names_upper = 0.5,
		.date_forms = { 20, 10, 10, 10, 10, 10, 10, 10, 10 },
		.number_forms = { 20, 20, 15, 15, 15, 15 },
		.place_forms = { 35, 35, 30 },
		.abbr = { 25, 20, 20, 15, 20 },
		.seps = { 30, 15, 15, 15, 10, 15 },
		.cases = { 50, 20, 15, 15, 0 },
		.hamlet = 0.4, .street = 0.6, .hospital_short = 0.4, .facility = 0.3,
		.city_short = 0.4, .header_variant = 0.5,
		.index = { 50, 25, 25 }, .paper = { 50, 50, 0 }, .ink = { 60, 40 },
		.seal = 0.3, .signature = 0.3,
	},
};

const struct hand *hand_find(const char *name)
{
	for (size_t i = 0; i < SO_ARRAY_SIZE(hands); i++)
		if (strcmp(hands[i].name, name) == 0)
			return &hands[i];
	return NULL;
}

const struct hand *hand_default(void)
{
	return &hands[0];
}

const struct hand *hand_at(size_t i)
{
	return i < SO_ARRAY_SIZE(hands) ? &hands[i] : NULL;
}

size_t hand_count(void)
{
	return SO_ARRAY_SIZE(hands);
}
