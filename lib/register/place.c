/*
 * Places as clerks write them (see place.h). A place is read in two steps. First its text is
 * cut into parts at its separators (comma, semicolon, full stop, dash) and before every unit
 * word (Phường, P., F12, Quận, Q1, TP.HCM, Ấp, KP., Bệnh viện, BV, Số …), the words of the table
 * below: a word opens a part only where it can (the first word after a unit word is its name,
 * "Thị trấn P Rao"; a word that continues a unit's name is no new unit, "Xã Tân Xã"; a word
 * without its marks is no unit word inside a street, "Huyền Trân Công Chúa"). Then every way
 * of reading the parts is matched against the list — some kept as written (a street, a
 * hamlet, a hospital), the rest units from the commune up, each of the level its word allows
 * (or any, when no word was written) — and the best reading is taken; two readings as good
 * that name different units leave the place unsure.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "base/text.h"
#include "base/util.h"
#include "register/fields.h"
#include "register/lexicon.h"
#include "register/place.h"
#include "register/refdata.h"

/* A unit matched under PLACE_MIN is not taken; between it and PLACE_SURE it is taken but the
 * place is not sure; two units closer than PLACE_TIE are a tie, and a place read more than
 * one way is no surer than PLACE_UNSURE. */
#define PLACE_MIN 0.75
#define PLACE_SURE 0.9
#define PLACE_EXACT 0.999
#define PLACE_TIE 0.05
#define PLACE_UNSURE 0.8
/* A written unit word that is not the one of the list ("Quận" for a "Huyện") costs this. */
#define PLACE_OTHER_WORD 0.05

#define PARTS_MAX 16
/* Parts kept before the units at most in a place read well (a hospital, a hamlet, a street
 * and a house: "Tổ 5, Khu phố 3, Số 12 Nguyễn Trãi"). */
#define PREFIX_MAX 3
#define READINGS_MAX 96

/* The levels of the units, as bits: what a unit word allows. */
enum { LV_C = 1, LV_D = 2, LV_P = 4, LV_ALL = 7 };

/* What a part of a place is. */
enum role {
	R_PLAIN,        /* no word written: a unit's name, or text kept as written */
	R_UNIT,         /* an administrative unit (its word written) */
	R_HAMLET,       /* below the commune: Ấp, Khu phố, Tổ, Thôn, Xóm, Bản, Buôn, Khóm */
	R_STREET,       /* a house number and street */
	R_INST,         /* a hospital, a health post */
};

#define W_ABBR 1u       /* an abbreviation: followed by '.', ':' or, written in capitals, a space */
#define W_DIGITS 2u     /* may be glued to the number that is its name: P12, Q1, KP3 */
#define W_WHOLE 4u      /* the word is the whole unit, name and all: TPHCM */

struct word {
	const char *folded;     /* as so_fold writes it, words one space apart */
	const char *marked;     /* with its marks: the word must be written with them (Tổ is
				   not Tô); NULL when its letters suffice */
	const char *official;   /* what it stands for in the canonical value */
	enum role role;
	unsigned levels;        /* a unit: the levels it may name */
	unsigned flags;
	const char *name;       /* W_WHOLE: the unit's name */
};

/* The words of places (REGISTERS.md, "How clerks really write"). */
static const struct word words[] = {
	/* administrative units, in full */
	{ "thanh pho", "thành phố", "Thành phố", R_UNIT, LV_D | LV_P, 0, NULL },
	{ "thi xa", "thị xã", "Thị xã", R_UNIT, LV_D, 0, NULL },
	{ "thi tran", "thị trấn", "Thị trấn", R_UNIT, LV_C, 0, NULL },
	{ "dac khu", "đặc khu", "Đặc khu", R_UNIT, LV_C, 0, NULL },
	{ "phuong", "phường", "Phường", R_UNIT, LV_C, 0, NULL },
	{ "quan", "quận", "Quận", R_UNIT, LV_D, 0, NULL },
	{ "huyen", "huyện", "Huyện", R_UNIT, LV_D, 0, NULL },
	{ "tinh", "tỉnh", "Tỉnh", R_UNIT, LV_P, 0, NULL },
	{ "xa", "xã", "Xã", R_UNIT, LV_C, 0, NULL },
	/* abbreviated */
	{ "tphcm", NULL, "Thành phố", R_UNIT, LV_P, W_WHOLE, "Hồ Chí Minh" },
	{ "tphn", NULL, "Thành phố", R_UNIT, LV_P, W_WHOLE, "Hà Nội" },
	/* the same with a space, in any case ("tp hcm" typed fast) */
	{ "tp hcm", NULL, "Thành phố", R_UNIT, LV_P, W_WHOLE, "Hồ Chí Minh" },
	{ "tp hn", NULL, "Thành phố", R_UNIT, LV_P, W_WHOLE, "Hà Nội" },
	{ "t.p", NULL, "Thành phố", R_UNIT, LV_D | LV_P, W_ABBR, NULL },
	{ "tp", NULL, "Thành phố", R_UNIT, LV_D | LV_P, W_ABBR, NULL },
	{ "tx", NULL, "Thị xã", R_UNIT, LV_D, W_ABBR, NULL },
	{ "tt", NULL, "Thị trấn", R_UNIT, LV_C, W_ABBR, NULL },
	{ "ph", NULL, "Phường", R_UNIT, LV_C, W_ABBR, NULL },
	{ "p", NULL, "Phường", R_UNIT, LV_C, W_ABBR | W_DIGITS, NULL },
	{ "f", NULL, "Phường", R_UNIT, LV_C, W_ABBR | W_DIGITS, NULL },
	{ "q", NULL, "Quận", R_UNIT, LV_D, W_ABBR | W_DIGITS, NULL },
	{ "h", NULL, "Huyện", R_UNIT, LV_D, W_ABBR, NULL },
	{ "x", NULL, "Xã", R_UNIT, LV_C, W_ABBR, NULL },
	{ "t", NULL, "Tỉnh", R_UNIT, LV_P, W_ABBR, NULL },
	/* below the commune */
	{ "to dan pho", "tổ dân phố", "Tổ dân phố", R_HAMLET, 0, 0, NULL },
	{ "tdp", NULL, "Tổ dân phố", R_HAMLET, 0, W_ABBR | W_DIGITS, NULL },
	{ "khu pho", "khu phố", "Khu phố", R_HAMLET, 0, 0, NULL },
	{ "kp", NULL, "Khu phố", R_HAMLET, 0, W_ABBR | W_DIGITS, NULL },
	{ "khu vuc", "khu vực", "Khu vực", R_HAMLET, 0, 0, NULL },
	{ "ap", "ấp", "Ấp", R_HAMLET, 0, 0, NULL },
	{ "to", "tổ", "Tổ", R_HAMLET, 0, 0, NULL },
	{ "thon", "thôn", "Thôn", R_HAMLET, 0, 0, NULL },
	{ "xom", "xóm", "Xóm", R_HAMLET, 0, 0, NULL },
	{ "ban", "bản", "Bản", R_HAMLET, 0, 0, NULL },
	{ "buon", "buôn", "Buôn", R_HAMLET, 0, 0, NULL },
	{ "khom", "khóm", "Khóm", R_HAMLET, 0, 0, NULL },
	/* streets, roads named after a unit among them */
	{ "so nha", "số nhà", "Số nhà", R_STREET, 0, 0, NULL },
	{ "so", "số", "Số", R_STREET, 0, 0, NULL },
	{ "duong", "đường", "Đường", R_STREET, 0, 0, NULL },
	{ "hem", "hẻm", "Hẻm", R_STREET, 0, 0, NULL },
	{ "ngo", "ngõ", "Ngõ", R_STREET, 0, 0, NULL },
	{ "ngach", "ngách", "Ngách", R_STREET, 0, 0, NULL },
	{ "kiet", "kiệt", "Kiệt", R_STREET, 0, 0, NULL },
	{ "quoc lo", "quốc lộ", "Quốc lộ", R_STREET, 0, 0, NULL },
	{ "tinh lo", "tỉnh lộ", "Tỉnh lộ", R_STREET, 0, 0, NULL },
	{ "huyen lo", "huyện lộ", "Huyện lộ", R_STREET, 0, 0, NULL },
	{ "xa lo", "xa lộ", "Xa lộ", R_STREET, 0, 0, NULL },
	/* hospitals and health posts */
	{ "benh vien", NULL, "Bệnh viện", R_INST, 0, 0, NULL },
	{ "bvdk", NULL, "Bệnh viện Đa khoa", R_INST, 0, W_ABBR, NULL },
	{ "bv", NULL, "Bệnh viện", R_INST, 0, W_ABBR, NULL },
	{ "benh xa", NULL, "Bệnh xá", R_INST, 0, 0, NULL },
	{ "tram y te", NULL, "Trạm Y tế", R_INST, 0, 0, NULL },
	{ "tyt", NULL, "Trạm Y tế", R_INST, 0, W_ABBR, NULL },
	{ "tram xa", NULL, "Trạm xá", R_INST, 0, 0, NULL },
	{ "trung tam y te", NULL, "Trung tâm Y tế", R_INST, 0, 0, NULL },
	{ "ttyt", NULL, "Trung tâm Y tế", R_INST, 0, W_ABBR, NULL },
	{ "nha ho sinh", NULL, "Nhà hộ sinh", R_INST, 0, 0, NULL },
	{ "nha bao sanh", NULL, "Nhà bảo sanh", R_INST, 0, 0, NULL },
	{ "phong kham", NULL, "Phòng khám", R_INST, 0, 0, NULL },
};

/* Short names of the two cities written so ("TP.HCM", "Tp HN"), folded, and their names. */
static const struct {
	const char *folded, *name;
} city_names[] = {
	{ "hcm", "Hồ Chí Minh" }, { "tp hcm", "Hồ Chí Minh" }, { "hn", "Hà Nội" },
};

/* Names ------------------------------------------------------------------------------------- */

/* A written name's keys (so_unit_key, so_unit_fold). */
struct keys {
	char *exact, *fold;
	size_t flen;
};

static int keys_make(struct keys *k, const char *s)
{
	k->exact = so_unit_key(s);
	k->fold = so_unit_fold(s);
	k->flen = k->fold ? strlen(k->fold) : 0;
	return k->exact && k->fold ? 0 : -1;
}

static void keys_release(struct keys *k)
{
	SO_FREE(k->exact);
	SO_FREE(k->fold);
}

/* Letters recognition confuses (l, 1 and I; 0 and O) made one. */
static char confusable(char c)
{
	return c == 'l' || c == '1' ? 'i' : c == '0' ? 'o' : c;
}

/* How alike written name K and a unit's name (its KEY and FOLD) are, 0..1: 1 when equal but
 * for case, punctuation and tone placement, 0.9 when equal but for marks or letters
 * recognition confuses, then by the edit distance of the folded forms. */
static double key_sim(const struct keys *k, const char *key, const char *fold)
{
	if (strcmp(k->exact, key) == 0)
		return 1.0;
	size_t la = k->flen, lb = strlen(fold), lmax = la > lb ? la : lb;
	if (lmax == 0)
		return 0;
	size_t diff = la > lb ? la - lb : lb - la;
	if (0.9 * (1.0 - (double)diff / (double)lmax) < PLACE_MIN)
		return 0; /* too far apart in length to be alike */
	if (la == lb) {
		size_t i = 0;
		while (i < la && confusable(k->fold[i]) == confusable(fold[i]))
			i++;
		if (i == la)
			return 0.9;
	}
	int d = so_edit_distance(k->fold, la, fold, lb);
	return 0.9 * (1.0 - (double)d / (double)lmax);
}

/* 1 when unit name OFFICIAL begins with unit word WORD, whatever the case of its letters
 * ("Thị Xã Buôn Hồ" and "Thị xã"). */
static int word_is(const char *official, const char *word)
{
	size_t l = strlen(word);
	return strncasecmp(official, word, l) == 0 && official[l] == ' ';
}

/* Reading the parts ------------------------------------------------------------------------- */

struct part {
	size_t start, end;      /* its bytes in the text as written */
	size_t name;            /* where its name begins */
	const struct word *w;   /* its word; NULL when none was written */
	enum role role;
	int in_name;            /* a unit written in the name of the hospital before it, with no
				   separator ("Trạm Y tế xã Phước Trung") */
	int words;              /* words of its name (while reading) */
	unsigned levels;        /* the levels it may name as a unit */
	char *text;             /* as written */
	char *name_text;        /* its name (a city's short name made whole) */
	struct keys k;          /* of its name; of the whole text for a hamlet read as a unit */
};

struct reader {
	const struct so_refdata *rd;
	const char *clean;
	char *f;                /* CLEAN folded, one byte a character */
	size_t *map;            /* the byte of CLEAN where each folded character begins */
	struct part *parts;
	size_t n, max;
	struct part *cur;       /* the part being read, NULL between parts */
};

/* A place word found in the text. */
struct hit {
	const struct word *w;
	size_t end;             /* the folded character after the word */
	size_t name;            /* where its name begins */
	int marked;             /* written with the word's marks */
	int alone;              /* an abbreviation cut from its name by a comma ("P, Phước Ninh",
				 * "X., Dân Lý") */
};

/* 1 when the bytes FROM..TO of the text, folded, are the name of a unit or its first words. */
static int begins_unit_name(const struct reader *r, size_t from, size_t to)
{
	char *t = to > from ? strndup(r->clean + from, to - from) : NULL;
	char *k = t ? so_unit_fold(t) : NULL;
	int begins = k && *k && so_unit_name_begins(r->rd, k);
	free(t);
	free(k);
	return begins;
}

/* 1 when the bytes FROM..TO of the text are MARKED but for case and tone placement. */
static int marks_match(const struct reader *r, size_t from, size_t to, const char *marked)
{
	char *t = strndup(r->clean + from, to - from);
	char *a = t ? so_text_tone_key(t) : NULL, *b = so_text_tone_key(marked);
	int same = a && b && strcmp(a, b) == 0;
	free(t);
	free(a);
	free(b);
	return same;
}

static size_t skip_spaces(const char *f, size_t j)
{
	while (f[j] == ' ')
		j++;
	return j;
}

/* The end of the word (letters and digits) at I. */
static size_t word_end(const char *f, size_t i)
{
	while (isalnum((unsigned char)f[i]))
		i++;
	return i;
}

/* The letter of the text at byte AT: 1 when it is a capital, -1 a small letter, 0 neither. */
static int letter_case(const char *at)
{
	utf8proc_int32_t cp;
	if (utf8proc_iterate((const utf8proc_uint8_t *)at, -1, &cp) <= 0)
		return 0;
	return utf8proc_isupper(cp) ? 1 : utf8proc_islower(cp) ? -1 : 0;
}

/* 1 when the abbreviation at folded characters I..J is glued to the name after it, its dot
 * lost ("PThạch Thang", "QTân Phú"): the abbreviation in capitals, then a capital and a small
 * letter — a shape no Vietnamese word has ("PHAN", "Phan" and "PHƯỜNG" are not). */
static int glued_name(const struct reader *r, size_t i, size_t j)
{
	for (size_t k = i; k < j; k++)
		if (!isupper((unsigned char)r->clean[r->map[k]]))
			return 0;
	return r->f[j + 1] && letter_case(r->clean + r->map[j]) > 0 &&
	       letter_case(r->clean + r->map[j + 1]) < 0;
}

/* The place word written at folded character I, the longest that fits, with what must follow
 * it: a name (after the dot, colon or space of an abbreviation, or glued to it for a number);
 * 1 when there is one. */
static int word_find(const struct reader *r, size_t i, struct hit *h)
{
	const char *f = r->f;
	memset(h, 0, sizeof(*h));
	if (i > 0 && isalnum((unsigned char)f[i - 1]))
		return 0;
	size_t best = 0;
	for (size_t k = 0; k < SO_ARRAY_SIZE(words); k++) {
		const struct word *w = &words[k];
		size_t l = strlen(w->folded);
		if (l <= best || strncmp(f + i, w->folded, l) != 0)
			continue;
		size_t j = i + l, name;
		char next = f[j];
		int alone = 0;
		if (w->flags & W_WHOLE) {
			if (isalnum((unsigned char)next))
				continue;
			name = j;
		} else if (isalnum((unsigned char)next)) {
			if (!((w->flags & W_DIGITS) && isdigit((unsigned char)next)) &&
			    !((w->flags & W_ABBR) && isalpha((unsigned char)next) &&
			      glued_name(r, i, j)))
				continue;
			name = j;
		} else if (w->flags & W_ABBR) {
			if (next == '.' || next == ':') {
				name = skip_spaces(f, j + 1);
				/* a comma after the dot ("X., Dân Lý"), read or written: the name
				 * follows it all the same */
				if (f[name] == ',') {
					name = skip_spaces(f, name + 1);
					alone = 1;
				}
			} else if (next == ' ' && isupper((unsigned char)r->clean[r->map[i]])) {
				name = skip_spaces(f, j);
			} else if (next == ',') {
				name = skip_spaces(f, j + 1);
				alone = 1;
			} else {
				continue;
			}
		} else if (next == ' ') {
			name = j + 1;
		} else if (next == '.' || next == ':') {
			name = skip_spaces(f, j + 1);
		} else {
			continue;
		}
		if (!(w->flags & W_WHOLE) && !isalnum((unsigned char)f[name]))
			continue; /* a word needs its name */
		best = l;
		h->w = w;
		h->end = j;
		h->name = name;
		h->alone = alone;
		h->marked = w->marked && marks_match(r, r->map[i], r->map[j], w->marked);
	}
	return h->w != NULL;
}

/* 1 when word H at I opens a part. */
static int opens_part(const struct reader *r, const struct hit *h, size_t i)
{
	const struct part *c = r->cur;
	const struct word *w = h->w;
	/* a word of several words is told by its letters alone ("Tố dân phố" is Tổ dân phố, its
	 * mark misread); one short word without its marks may be another ("To", "Xa") */
	int unmarked = w->marked && !h->marked && !strchr(w->folded, ' ');
	if (!c) {
		if (!unmarked)
			return 1;
		/* a unit word without its marks opens a part unless the words are a unit's name
		 * ("Quán Thánh", "Quan Hóa") */
		return w->role == R_UNIT &&
		       !begins_unit_name(r, r->map[i], r->map[word_end(r->f, h->name)]);
	}
	if ((c->role == R_UNIT && c->words == 0) || h->alone)
		return 0; /* the first word of a unit's name, whatever it is ("Thị trấn P Rao") */
	if (w->role == R_UNIT) {
		/* inside a street, a hamlet or a hospital only a unit word with its marks */
		if (c->role != R_UNIT && unmarked)
			return 0;
		/* the words may go on with the name ("Xã Tân Xã", "Xã Cẩm Quan") */
		if ((c->role == R_UNIT || c->role == R_PLAIN) &&
		    begins_unit_name(r, c->name, r->map[word_end(r->f, i)]))
			return 0;
		return 1;
	}
	if (w->role == R_HAMLET)
		return (c->role == R_PLAIN || c->role == R_STREET || c->role == R_HAMLET) &&
		       !unmarked && c->words > 0;
	return 0;
}

static void part_close(struct reader *r)
{
	struct part *c = r->cur;
	if (!c)
		return;
	if ((c->role == R_UNIT || c->role == R_HAMLET || c->role == R_STREET) && c->words == 0 &&
	    !(c->w->flags & W_WHOLE)) {
		/* a word without a name: plain text (a hospital's name may be all units: "Trạm Y
		 * tế xã Phước Trung") */
		c->role = R_PLAIN;
		c->w = NULL;
		c->name = c->start;
	}
	r->cur = NULL;
}

/* Opens a part at folded character I, with word H (NULL: none written). */
static int part_open(struct reader *r, size_t i, const struct hit *h)
{
	int after_inst = r->cur && r->cur->role == R_INST;
	/* a hospital or health post whose word has no name after it yet ("TYT X. Phước Trung") */
	int inst_bare = after_inst && r->cur->end <= r->cur->name;
	part_close(r);
	if (r->n == r->max)
		return -1;
	struct part *p = &r->parts[r->n++];
	memset(p, 0, sizeof(*p));
	p->start = r->map[i];
	if (h) {
		p->w = h->w;
		p->role = h->w->role;
		p->name = r->map[h->name];
		p->end = r->map[h->end];
		/* the first unit written in a hospital's name, no separator between them; a name
		 * spells its unit word out ("Trạm Y tế xã …") or is that unit alone ("TYT X. …"),
		 * so an abbreviation after a name opens the units (a line break between: "BV Đa khoa
		 * Trung ương Cần Thơ\nP. An Khánh") */
		p->in_name = p->role == R_UNIT && after_inst &&
			     (!(h->w->flags & W_ABBR) || inst_bare);
		if (h->w->flags & W_WHOLE)
			p->words = 1;
	} else {
		p->role = isdigit((unsigned char)r->f[i]) ? R_STREET : R_PLAIN;
		p->name = p->start;
		p->end = p->start;
	}
	r->cur = p;
	return 0;
}

/* The text of the current part goes on across a dash at I ("Bà Rịa - Vũng Tàu", "Văn Miếu -
 * Quốc Tử Giám"): 1 when its words and the next one begin a unit's name. */
static int dash_in_name(const struct reader *r, size_t i)
{
	const struct part *c = r->cur;
	if (!c || c->words == 0 || (c->role != R_UNIT && c->role != R_PLAIN))
		return 0;
	size_t j = i;
	while (r->f[j] && !isalnum((unsigned char)r->f[j]) && r->f[j] != ',' && r->f[j] != ';')
		j++;
	if (!isalnum((unsigned char)r->f[j]))
		return 0;
	return begins_unit_name(r, c->name, r->map[word_end(r->f, j)]);
}

/* The length in characters of a dash at I (-, – or —), 0 when there is none. */
static int dash_at(const struct reader *r, size_t i)
{
	if (r->f[i] == '-')
		return 1;
	const unsigned char *b = (const unsigned char *)r->clean + r->map[i];
	return r->f[i] == '?' && b[0] == 0xe2 && b[1] == 0x80 && (b[2] == 0x93 || b[2] == 0x94);
}

/* A full stop at I not taken by an abbreviation: in a number (12.5) or after a single letter
 * (an initial) it is text; otherwise it ends the part. */
static int dot_in_text(const struct reader *r, size_t i)
{
	const char *f = r->f;
	if (i == 0)
		return 0;
	if (isdigit((unsigned char)f[i - 1]) && isdigit((unsigned char)f[i + 1]))
		return 1;
	return isalpha((unsigned char)f[i - 1]) && (i < 2 || !isalnum((unsigned char)f[i - 2]));
}

static void parts_release(struct part *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].text);
		free(p[i].name_text);
		keys_release(&p[i].k);
	}
}

static char *trimmed(const char *s, size_t from, size_t to)
{
	if (from > to)
		from = to;
	while (from < to && (s[from] == ' ' || s[from] == ','))
		from++;
	while (to > from && (s[to - 1] == ' ' || s[to - 1] == ','))
		to--;
	return strndup(s + from, to - from);
}

/* A unit's name that is a number written with leading zeros ("Phường 09", "Q.03") is that
 * number: no unit of the lists is named with a leading zero. NAME is changed in place. */
static void number_unpad(char *name)
{
	size_t n = strspn(name, "0123456789"), z = strspn(name, "0");
	if (n == 0 || name[n] || z == 0)
		return;
	if (z == n)
		z--; /* "0" and "00" stay a zero */
	memmove(name, name + z, n - z + 1);
}

/* The parts' texts, names, keys and levels once they are cut. */
static int parts_finish(struct reader *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct part *p = &r->parts[i];
		p->text = trimmed(r->clean, p->start, p->end);
		if (p->w && (p->w->flags & W_WHOLE))
			p->name_text = so_strdup(p->w->name);
		else
			p->name_text = trimmed(r->clean, p->name, p->end);
		if (!p->text || !p->name_text)
			return so_error("out of memory");
		if (p->role == R_UNIT)
			number_unpad(p->name_text);
		char *fold = so_unit_fold(p->name_text);
		if (!fold)
			return -1;
		for (size_t k = 0; k < SO_ARRAY_SIZE(city_names); k++)
			if (strcmp(fold, city_names[k].folded) == 0 &&
			    (p->role == R_PLAIN || (p->role == R_UNIT && (p->w->levels & LV_P)))) {
				free(p->name_text);
				p->name_text = so_strdup(city_names[k].name);
				p->levels = LV_P;
				if (!p->name_text) {
					free(fold);
					return -1;
				}
			}
		free(fold);
		if (!p->levels)
			p->levels = p->role == R_UNIT ? p->w->levels
				  : p->role == R_PLAIN || p->role == R_HAMLET ? LV_ALL : 0;
		/* a hamlet read as a unit is read with its word ("Buôn Hồ") */
		if (keys_make(&p->k, p->role == R_HAMLET ? p->text : p->name_text) < 0)
			return -1;
	}
	return 0;
}

/* Cuts CLEAN into parts. Returns their number, or -1 (no memory). */
static long place_parts(const struct so_refdata *rd, const char *clean, struct part *parts,
			size_t max)
{
	size_t len = strlen(clean);
	struct reader r = { .rd = rd, .clean = clean, .parts = parts, .max = max };
	r.map = so_calloc(len + 1, sizeof(*r.map));
	r.f = r.map ? so_fold(clean, r.map) : NULL;
	long rc = -1;
	if (!r.f)
		goto done;
	size_t i = 0;
	while (r.f[i]) {
		char c = r.f[i];
		if (c == ' ') {
			i++;
		} else if (c == ',' || c == ';') {
			part_close(&r);
			i++;
		} else if (dash_at(&r, i)) {
			if (dash_in_name(&r, i + 1))
				r.cur->end = r.map[i + 1];
			else
				part_close(&r);
			i++;
		} else if (c == '.') {
			if (r.cur && dot_in_text(&r, i))
				r.cur->end = r.map[i + 1];
			else
				part_close(&r);
			i++;
		} else if (!isalnum((unsigned char)c)) {
			if (r.cur)
				r.cur->end = r.map[i + 1];
			i++;
		} else {
			struct hit h;
			if (word_find(&r, i, &h) && opens_part(&r, &h, i)) {
				if (part_open(&r, i, &h) < 0)
					break; /* too many parts: the rest is not read */
				i = h.name;
				continue;
			}
			/* nothing goes on after a whole unit ("TPHCM") */
			if ((!r.cur || (r.cur->w && (r.cur->w->flags & W_WHOLE))) &&
			    part_open(&r, i, NULL) < 0)
				break;
			size_t e = word_end(r.f, i);
			r.cur->end = r.map[e];
			r.cur->words++;
			i = e;
		}
	}
	part_close(&r);
	rc = parts_finish(&r) < 0 ? -1 : (long)r.n;
done:
	free(r.map);
	free(r.f);
	if (rc < 0)
		parts_release(parts, r.n);
	return rc;
}

/* Matching ---------------------------------------------------------------------------------- */

/* One way of reading the parts, and the unit it names. */
struct reading {
	size_t first;           /* parts before it are kept as written, from it on units */
	unsigned level[PARTS_MAX];
	size_t units;
	double score, second;   /* the best unit, and the next best other unit */
	long commune, district, province;
};

struct matcher {
	const struct so_unit_list *list;
	int districts;          /* the list has districts (the old one) */
	const struct part *parts;
	size_t n;
	double *ps, *ds;        /* scores of the provinces and districts (-1: not a candidate) */
};

/* How well part P names the unit OFFICIAL (KEY, FOLD): its name's likeness, less when the
 * unit word written is another of the same level. */
static double unit_score(const struct part *p, const char *official, const char *key,
			 const char *fold)
{
	double s = key_sim(&p->k, key, fold);
	if (s >= PLACE_MIN && p->role == R_UNIT && !word_is(official, p->w->official))
		s -= PLACE_OTHER_WORD;
	return s;
}

static void keep(struct reading *rd, double s, long commune, long district, long province)
{
	if (s > rd->score) {
		rd->second = rd->score;
		rd->score = s;
		rd->commune = commune;
		rd->district = district;
		rd->province = province;
	} else if (s > rd->second) {
		rd->second = s;
	}
}

static double min2(double a, double b)
{
	return a < b ? a : b;
}

/* The best unit for reading RD: its province, district and commune parts matched together. */
static void reading_match(struct matcher *m, struct reading *rd)
{
	const struct so_unit_list *l = m->list;
	int cp = -1, dp = -1, pp = -1;
	for (size_t k = rd->first; k < m->n; k++)
		*(rd->level[k] == LV_C ? &cp : rd->level[k] == LV_D ? &dp : &pp) = (int)k;
	rd->score = rd->second = 0;
	rd->commune = rd->district = rd->province = -1;
	for (size_t i = 0; i < l->nprovinces; i++) {
		m->ps[i] = 1;
		if (pp >= 0) {
			const struct so_unit_province *u = &l->provinces[i];
			double s = unit_score(&m->parts[pp], u->name, u->key, u->fold);
			m->ps[i] = s >= PLACE_MIN ? s : -1;
		}
	}
	for (size_t i = 0; i < l->ndistricts; i++) {
		const struct so_unit_district *u = &l->districts[i];
		m->ds[i] = m->ps[u->province];
		if (dp >= 0 && m->ds[i] >= 0) {
			double s = unit_score(&m->parts[dp], u->name, u->key, u->fold);
			m->ds[i] = s >= PLACE_MIN ? min2(s, m->ds[i]) : -1;
		}
	}
	if (cp >= 0) {
		const struct part *p = &m->parts[cp];
		/* the communes of the districts, or the provinces, that may be */
		size_t groups = dp >= 0 ? l->ndistricts : pp >= 0 ? l->nprovinces : 1;
		for (size_t g = 0; g < groups; g++) {
			const size_t *idx = NULL;
			size_t count = l->ncommunes;
			if (dp >= 0) {
				if (m->ds[g] < 0)
					continue;
				idx = l->by_district + l->districts[g].first;
				count = l->districts[g].count;
			} else if (pp >= 0) {
				if (m->ps[g] < 0)
					continue;
				idx = l->order + l->provinces[g].first;
				count = l->provinces[g].count;
			}
			for (size_t k = 0; k < count; k++) {
				size_t ci = idx ? idx[k] : k;
				const struct so_unit_commune *c = &l->communes[ci];
				double t = c->district >= 0 && m->districts ? m->ds[c->district]
									    : m->ps[c->province];
				if (t < PLACE_MIN || t <= rd->second)
					continue;
				double s = unit_score(p, c->name, c->key, c->fold);
				if (s >= PLACE_MIN)
					keep(rd, min2(s, t), (long)ci, c->district, (long)c->province);
			}
		}
	} else if (dp >= 0) {
		for (size_t i = 0; i < l->ndistricts; i++)
			if (m->ds[i] >= PLACE_MIN)
				keep(rd, m->ds[i], -1, (long)i, (long)l->districts[i].province);
	} else if (pp >= 0) {
		for (size_t i = 0; i < l->nprovinces; i++)
			if (m->ps[i] >= PLACE_MIN)
				keep(rd, m->ps[i], -1, -1, (long)i);
	}
}

/* A reading R is better than B: sure before unsure, then more units read, then surer. */
static int better(const struct reading *a, const struct reading *b)
{
	int sa = a->score >= PLACE_SURE, sb = b->score >= PLACE_SURE;
	if (sa != sb)
		return sa > sb;
	if (a->units != b->units)
		return a->units > b->units;
	return a->score > b->score;
}

struct readings {
	struct reading v[READINGS_MAX];
	size_t n;
};

/* Every way to give the parts from K on rising levels above PREV; each complete one is
 * matched and kept in OUT. */
static void readings_level(struct matcher *m, struct reading *rd, size_t k, unsigned prev,
			   unsigned allowed, int lone, struct readings *out)
{
	if (k == m->n) {
		if (out->n == READINGS_MAX)
			return;
		reading_match(m, rd);
		if (rd->score >= PLACE_MIN)
			out->v[out->n++] = *rd;
		return;
	}
	static const unsigned levels[] = { LV_C, LV_D, LV_P };
	for (size_t i = 0; i < SO_ARRAY_SIZE(levels); i++) {
		unsigned lv = levels[i];
		if (lv <= prev || !(lv & allowed & m->parts[k].levels))
			continue;
		if (lone && lv == LV_C)
			continue; /* a commune's name alone, no unit word: too many alike */
		rd->level[k] = lv;
		readings_level(m, rd, k + 1, lv, allowed, lone, out);
	}
}

/* Every reading of the parts: the first ones kept as written (a typed unit never), the
 * others units (a street or a hospital never). */
static void readings_all(struct matcher *m, struct readings *out)
{
	unsigned allowed = m->districts ? LV_ALL : LV_C | LV_P;
	size_t maxunits = m->districts ? 3 : 2;
	out->n = 0;
	for (size_t first = 0; first < m->n; first++) {
		if (m->n - first <= maxunits) {
			int ok = 1;
			for (size_t k = first; k < m->n; k++)
				ok &= m->parts[k].levels != 0;
			struct reading rd = { .first = first, .units = m->n - first };
			if (ok)
				readings_level(m, &rd, first, 0, allowed,
					       m->n - first == 1 && m->parts[first].role != R_UNIT, out);
		}
		if (m->parts[first].role == R_UNIT && !m->parts[first].in_name)
			break; /* a unit written with its word is a unit (in a hospital's name,
				  it may be the name only) */
	}
}

/* The best of the readings; *TIE set when another as good names another unit. */
static const struct reading *readings_best(const struct readings *rs, int *tie)
{
	const struct reading *best = NULL;
	for (size_t i = 0; i < rs->n; i++)
		if (!best || better(&rs->v[i], best))
			best = &rs->v[i];
	*tie = 0;
	for (size_t i = 0; best && i < rs->n; i++) {
		const struct reading *o = &rs->v[i];
		int same_unit = o->commune == best->commune && o->district == best->district &&
				o->province == best->province;
		if (o != best && !same_unit && (o->score >= PLACE_SURE) == (best->score >= PLACE_SURE) &&
		    o->units == best->units && best->score - o->score < PLACE_TIE)
			*tie = 1;
	}
	return best;
}

/* The place's hospital or health post, when one of the table: its part (kept before the
 * units) and its row; -1 when none. */
static long hospital_of(const struct so_refdata *rd, const struct part *parts, size_t first,
			size_t *at)
{
	for (size_t i = 0; i < first; i++) {
		const struct part *p = &parts[i];
		if (p->role != R_INST || !p->name_text[0])
			continue;
		char *written = so_asprintf("%s %s", p->w->official, p->name_text);
		struct keys k = { 0 };
		long hit = -1;
		double best = PLACE_SURE - 1e-9;
		if (written && keys_make(&k, written) == 0) {
			for (size_t h = 0; h < rd->nhospitals; h++) {
				char *key = so_unit_key(rd->hospitals[h].name);
				char *fold = so_unit_fold(rd->hospitals[h].name);
				double s = key && fold ? key_sim(&k, key, fold) : 0;
				if (s > best) {
					best = s;
					hit = (long)h;
				}
				free(key);
				free(fold);
			}
		}
		keys_release(&k);
		free(written);
		*at = i;
		return hit;
	}
	return -1;
}

/* Writing the value ------------------------------------------------------------------------- */

static int add_sep(struct so_buf *b, const char *sep)
{
	return b->len ? so_buf_adds(b, sep) : 0;
}

/* 1 when W is the word of a house number ("Số", "số nhà"), not of a street or an alley. */
static int house_word(const struct word *w)
{
	return strcmp(w->folded, "so") == 0 || strcmp(w->folded, "so nha") == 0;
}

/* The word "đường" (street) at S followed by a space, in any case: its length, else 0. */
static size_t street_word(const char *s)
{
	static const char *const forms[] = { "đường ", "Đường ", "ĐƯỜNG " };
	for (size_t i = 0; i < SO_ARRAY_SIZE(forms); i++)
		if (strncmp(s, forms[i], strlen(forms[i])) == 0)
			return strlen(forms[i]);
	return 0;
}

/* 1 when the word at S is one a street's name writes small ("Tỉnh lộ 8", "số nhà 12 đường
 * …", "hẻm 4 ngõ 2"). */
static int small_word(const char *s)
{
	static const char *const small[] = { "lộ", "đường", "số", "nhà", "phố", "hẻm", "ngõ",
					     "ngách", "tổ", "ấp", "khu", "thôn", "xóm" };
	for (size_t i = 0; i < SO_ARRAY_SIZE(small); i++) {
		size_t l = strlen(small[i]);
		if (strncmp(s, small[i], l) == 0 && (s[l] == ' ' || s[l] == ',' || !s[l]))
			return 1;
	}
	return 0;
}

/* 1 when part P is a house number alone ("Số 12", "số nhà 12/3A", "12"). */
static int house_number(const struct part *p)
{
	const char *n = p->w ? p->name_text : p->text;
	if (p->role != R_STREET || (p->w && !house_word(p->w)) || !isdigit((unsigned char)*n))
		return 0;
	return strchr(n, ' ') == NULL;
}

/* 1 when T is a hamlet's word written without its marks before a number ("Tô 1", "Ap 3": Tổ
 * and Ấp misread, or the clerk's hand): the word is surely that, its text not. */
static int hamlet_unmarked(const char *t)
{
	size_t len = strlen(t);
	size_t *map = so_calloc(len + 1, sizeof(*map));
	char *f = map ? so_fold(t, map) : NULL;
	int odd = 0;
	for (size_t k = 0; f && !odd && k < SO_ARRAY_SIZE(words); k++) {
		const struct word *w = &words[k];
		size_t l = strlen(w->folded);
		if (w->role != R_HAMLET || !w->marked || strncmp(f, w->folded, l) != 0 ||
		    f[l] != ' ' || !isdigit((unsigned char)f[l + 1]))
			continue;
		char *head = strndup(t, map[l]);
		char *a = head ? so_text_tone_key(head) : NULL, *b = so_text_tone_key(w->marked);
		odd = a && b && strcmp(a, b) != 0;
		free(head);
		free(a);
		free(b);
	}
	free(f);
	free(map);
	return odd;
}

/* 1 when the part before the units cannot be what it says: a letter with marks in a number
 * ("Số óó", "2ó4 Hai Bà Trưng": a digit misread), a hamlet's number with letters glued to it
 * ("Xóm 1X": the next unit's abbreviation), or a short word in capitals that is no place
 * word ("TL": "TT" misread). */
static int part_odd(const struct part *p)
{
	const char *t = p->w ? p->name_text : p->text;
	if (!t)
		return 0;
	if (p->role == R_PLAIN) {
		size_t n = strlen(t), caps = 0;
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)t[i];
			caps += isupper(c) != 0;
			/* a sign no name holds ("X%": a unit's abbreviation in a blot) */
			if (c < 0x80 && !isalnum(c) && !strchr(" /-.'()", c))
				return 1;
		}
		if (n <= 3 && caps == n)
			return 1;
		if (hamlet_unmarked(t))
			return 1;
	}
	if (p->role == R_STREET) {
		/* a word in small letters after a capitalized one in a street's name ("Lý Thường
		 * kiệt"): a letter misread, or the name cut wrong */
		int capital = 0;
		for (const char *q = t; *q; q++) {
			if (q != t && q[-1] != ' ')
				continue;
			int lc = letter_case(q);
			if (lc > 0)
				capital = 1;
			else if (lc < 0 && capital && !small_word(q))
				return 1;
		}
	}
	/* the first word of a street or a hamlet: its number */
	size_t len = strcspn(t, " ,");
	int digits = 0, marked = 0, letters = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)t[i];
		digits += isdigit(c) != 0;
		marked += c >= 0x80;
		letters += isalpha(c) != 0;
	}
	if (p->role == R_STREET && p->w && house_word(p->w) && !digits)
		return 1; /* "Số" and no number */
	if ((p->role == R_STREET || p->role == R_HAMLET) && digits && marked)
		return 1;
	return p->role == R_HAMLET && digits && letters;
}

/* 1 when unit part P, written in a name, is the name of a unit of reading R as written (but
 * for case and tone placement). */
static int in_name_exact(const struct so_unit_list *l, const struct reading *r,
			 const struct part *p)
{
	const char *key = p->k.exact;
	if (!key)
		return 0;
	return (r->commune >= 0 && strcmp(l->communes[r->commune].key, key) == 0) ||
	       (r->district >= 0 && l->ndistricts &&
		strcmp(l->districts[r->district].key, key) == 0) ||
	       (r->province >= 0 && strcmp(l->provinces[r->province].key, key) == 0);
}

/* Text T of a street or a hamlet as kept: as written, but for a name written in capitals
 * ("NGUYỄN HUỆ", "ẤP TÂN HÒA": the clerk's capitals hide the name's case), whose words that are
 * Vietnamese syllables go in Title Case, as names do ("Nguyễn Huệ"); a word that is none keeps
 * its capitals ("CMT8", "IV"). NULL when out of memory. */
static char *kept_case(const char *t)
{
	for (const char *q = t; *q; q++)
		if (letter_case(q) < 0)
			return so_strdup(t);
	struct so_buf b = SO_BUF_INIT(64);
	for (const char *q = t; *q;) {
		size_t n = strcspn(q, " ");
		char *word = strndup(q, n), *core = word ? so_strdup(word) : NULL, *title = NULL;
		if (core) {
			/* the word without the punctuation around it ("HUỆ," "(CŨ)") */
			char *e = core + strlen(core);
			while (e > core && strchr(",.;:)", e[-1]))
				*--e = 0;
			const char *c0 = core + strspn(core, "(");
			title = *c0 && so_is_syllable(c0) ? so_text_title(word) : so_strdup(word);
		}
		int fail = !title || so_buf_adds(&b, title) < 0 ||
			   (q[n] == ' ' && so_buf_adds(&b, " ") < 0);
		free(word);
		free(core);
		free(title);
		if (fail) {
			so_buf_release(&b);
			return NULL;
		}
		q += n + (q[n] == ' ');
	}
	return so_buf_detach(&b, NULL);
}

/* A part kept as written: its word in full; a house and its street as "Số 12 Nguyễn Trãi",
 * however written ("số nhà 12, đường Nguyễn Trãi", "Số nhà 12 đường Nguyễn Trãi"); a street
 * named by a number keeps its word ("Số 12 Đường 3/2"); a street's or a hamlet's name written
 * in capitals in Title Case (kept_case). PARTS[K] is the part. */
static int add_kept(struct so_buf *b, const struct part *parts, size_t k)
{
	const struct part *p = &parts[k];
	int cased = p->role == R_STREET || p->role == R_HAMLET;
	char *name = cased && p->name_text ? kept_case(p->name_text) : NULL;
	char *text = cased && p->text ? kept_case(p->text) : NULL;
	int rc = -1;
	if ((cased && p->name_text && !name) || (cased && p->text && !text))
		goto done;
	const char *nt = name ? name : p->name_text, *tx = text ? text : p->text;
	if (p->role == R_STREET && p->w && strcmp(p->w->folded, "duong") == 0 && k > 0 &&
	    house_number(&parts[k - 1]) && !isdigit((unsigned char)nt[0])) {
		rc = so_buf_addf(b, " %s", nt);
		goto done;
	}
	add_sep(b, ", ");
	if (p->role == R_STREET && (!p->w || house_word(p->w))) {
		/* a house number: "Số", its number, the street after it without its word */
		const char *n = p->w ? nt : tx, *sp = strchr(n, ' ');
		size_t word = sp ? street_word(sp + 1) : 0;
		if (word && !isdigit((unsigned char)sp[1 + word]))
			rc = so_buf_addf(b, "Số %.*s %s", (int)(sp - n), n, sp + 1 + word);
		else
			rc = so_buf_addf(b, "Số%s%s", *n ? " " : "", n);
	} else if (p->w) {
		rc = so_buf_addf(b, "%s%s%s", p->w->official, nt[0] ? " " : "", nt);
	} else {
		rc = so_buf_adds(b, tx);
	}
done:
	free(name);
	free(text);
	return rc;
}

/* A unit written in a hospital's name: as written, an abbreviated word in full. */
static int add_in_name(struct so_buf *b, const struct part *p)
{
	add_sep(b, " ");
	if (p->w->flags & (W_ABBR | W_WHOLE))
		return so_buf_addf(b, "%s %s", p->w->official, p->name_text);
	return so_buf_adds(b, p->text);
}

/* The parts before FIRST, kept as written; the hospital at HAT spelt HNAME (when not NULL). */
static void add_prefix(struct so_buf *b, const struct part *parts, size_t first,
		       const char *hname, size_t hat)
{
	for (size_t k = 0; k < first; k++) {
		if (hname && k == hat) {
			add_sep(b, ", ");
			so_buf_adds(b, hname);
		} else if (parts[k].in_name) {
			add_in_name(b, &parts[k]);
		} else {
			add_kept(b, parts, k);
		}
	}
}

/* The units of the list from the level of reading R up, those written in a hospital's name
 * (levels IN_NAME) aside. */
static void add_units(struct so_buf *b, const struct so_unit_list *l, const struct reading *r,
		      unsigned in_name)
{
	if (r->commune >= 0 && !(in_name & LV_C)) {
		add_sep(b, ", ");
		so_buf_adds(b, l->communes[r->commune].name);
	}
	if (r->district >= 0 && l->ndistricts && !(in_name & LV_D)) {
		add_sep(b, ", ");
		so_buf_adds(b, l->districts[r->district].name);
	}
	if (r->province >= 0 && !(in_name & LV_P)) {
		add_sep(b, ", ");
		so_buf_adds(b, l->provinces[r->province].name);
	}
}

/* The written units of parts FIRST.. as written, their words in full (a mismatch). */
static void add_written_units(struct so_buf *b, const struct part *parts, size_t first,
			      size_t n)
{
	for (size_t k = first; k < n; k++) {
		const struct part *p = &parts[k];
		if (p->in_name) {
			add_in_name(b, p);
		} else {
			add_sep(b, ", ");
			if (p->w)
				so_buf_addf(b, "%s %s", p->w->official, p->name_text);
			else
				so_buf_adds(b, p->name_text);
		}
	}
}

/* The levels of the units written in a hospital's name in reading R. */
static unsigned in_name_levels(const struct part *parts, size_t n, const struct reading *r)
{
	unsigned lv = 0;
	for (size_t k = r->first; k < n; k++)
		if (parts[k].in_name)
			lv |= r->level[k];
	return lv;
}

/* Contradictions --------------------------------------------------------------------------- */

/* The units of level LV of list L that part P names surely, as flags in SURE (one a unit of
 * that level); how many. */
static size_t sure_units(const struct so_unit_list *l, const struct part *p, unsigned lv,
			 char *sure)
{
	size_t count = 0, n = lv == LV_P ? l->nprovinces : lv == LV_D ? l->ndistricts
								  : l->ncommunes;
	for (size_t i = 0; i < n; i++) {
		const char *name, *key, *fold;
		if (lv == LV_P) {
			name = l->provinces[i].name, key = l->provinces[i].key, fold = l->provinces[i].fold;
		} else if (lv == LV_D) {
			name = l->districts[i].name, key = l->districts[i].key, fold = l->districts[i].fold;
		} else {
			name = l->communes[i].name, key = l->communes[i].key, fold = l->communes[i].fold;
		}
		sure[i] = unit_score(p, name, key, fold) >= PLACE_SURE;
		count += (size_t)sure[i];
	}
	return count;
}

/* 1 when a unit of SA (level LA) stands in a unit of SB (level LB, above). */
static int units_nest(const struct so_unit_list *l, const char *sa, unsigned la, const char *sb,
		      unsigned lb)
{
	size_t n = la == LV_C ? l->ncommunes : l->ndistricts;
	for (size_t i = 0; i < n; i++) {
		if (!sa[i])
			continue;
		size_t up;
		if (la == LV_C)
			up = lb == LV_D ? (size_t)l->communes[i].district : l->communes[i].province;
		else
			up = l->districts[i].province;
		if (sb[up])
			return 1;
	}
	return 0;
}

/* "Phường Bến Nghé" for part P: its word in full and its name. */
static char *unit_written(const struct part *p)
{
	return p->w ? so_asprintf("%s %s", p->w->official, p->name_text) : so_strdup(p->name_text);
}

/* Why the written units of parts FT.. at levels LEVEL contradict each other, when each names a
 * unit surely; NULL when they do not (or when one names none); *FAILED on no memory. */
static char *levels_contradict(const struct matcher *m, size_t ft, const unsigned *level,
			       int *failed)
{
	const struct so_unit_list *l = m->list;
	size_t k = m->n - ft;
	char *sure[3] = { NULL, NULL, NULL };
	char *why = NULL;
	for (size_t a = 0; a < k; a++) {
		size_t n = level[a] == LV_P ? l->nprovinces : level[a] == LV_D ? l->ndistricts
										 : l->ncommunes;
		sure[a] = so_calloc(n ? n : 1, 1);
		if (!sure[a]) {
			*failed = 1;
			goto done;
		}
		if (sure_units(l, &m->parts[ft + a], level[a], sure[a]) == 0)
			goto done;
	}
	for (size_t a = 0; a + 1 < k && !why && !*failed; a++) {
		for (size_t b = a + 1; b < k && !why; b++) {
			if (units_nest(l, sure[a], level[a], sure[b], level[b]))
				continue;
			char *ua = unit_written(&m->parts[ft + a]), *ub = unit_written(&m->parts[ft + b]);
			if (ua && ub)
				why = so_asprintf("theo danh mục đơn vị hành chính, “%s” không thuộc “%s”",
						  ua, ub);
			free(ua);
			free(ub);
			*failed = !why;
		}
	}
	if (!why && !*failed) /* each two stand in one another, the three do not */
		why = so_strdup("theo danh mục đơn vị hành chính, các đơn vị ghi trong sổ không "
				"thuộc nhau");
	*failed |= !why;
done:
	for (size_t a = 0; a < 3; a++)
		free(sure[a]);
	return why;
}

/* The written units (every part from the first unit word on has one), each naming a unit of
 * the list surely, that do not stand in one another ("Phường Bến Nghé" and "Quận 3"): why,
 * for an archivist, and *FIRST the first of them; NULL when they do not contradict each other
 * (or on no memory, with *FAILED set). */
static char *units_contradict(const struct matcher *m, size_t *first, int *failed)
{
	size_t ft = 0;
	while (ft < m->n && m->parts[ft].role != R_UNIT)
		ft++;
	size_t k = m->n - ft;
	if (k < 2 || k > (m->districts ? 3u : 2u))
		return NULL;
	for (size_t a = ft; a < m->n; a++)
		if (m->parts[a].role != R_UNIT)
			return NULL;
	unsigned allowed = m->districts ? LV_ALL : LV_C | LV_P;
	/* every rising choice of levels the words allow: 3^k of them at most */
	size_t combos = k == 2 ? 9 : 27;
	for (size_t c = 0; c < combos; c++) {
		unsigned level[3], prev = 0;
		size_t v = c;
		int ok = 1;
		for (size_t a = 0; a < k; a++, v /= 3) {
			level[a] = 1u << (v % 3);
			ok &= level[a] > prev && (level[a] & allowed & m->parts[ft + a].levels) != 0;
			prev = level[a];
		}
		if (!ok)
			continue;
		char *why = levels_contradict(m, ft, level, failed);
		if (why || *failed) {
			*first = ft;
			return why;
		}
	}
	return NULL;
}

/* Reading a place --------------------------------------------------------------------------- */

/* The commune HC of list L with its district and province, as reading R. */
static void reading_at(const struct so_unit_list *l, long hc, struct reading *r)
{
	r->commune = hc;
	r->district = l->communes[hc].district;
	r->province = (long)l->communes[hc].province;
}

/* The text of units of reading R ("Phường Phạm Ngũ Lão, Quận 1, …"); NULL on no memory. */
static char *units_text(const struct so_unit_list *l, const struct reading *r)
{
	struct so_buf b = SO_BUF_INIT(4096);
	add_units(&b, l, r, 0);
	return so_buf_detach(&b, NULL);
}

/* 1 when part P names the country ("Việt Nam", "VN"). */
static int the_country(const struct part *p)
{
	if (p->role != R_PLAIN)
		return 0;
	return strcmp(p->k.fold, "viet nam") == 0 || strcmp(p->k.fold, "vn") == 0;
}

/* Reads the N PARTS against list L (with districts: the old one). */
static int read_list(const struct so_refdata *rd, const struct so_unit_list *l, int districts,
		     const struct part *parts, size_t n, struct so_place *out)
{
	/* the country after the units ("…, Việt Nam"): kept, not read */
	size_t all = n;
	if (n > 1 && the_country(&parts[n - 1]))
		n--;
	struct matcher m = { l, districts, parts, n, NULL, NULL };
	struct readings *rs = so_malloc(sizeof(*rs));
	struct so_buf b = SO_BUF_INIT(4096);
	int rc = -1, tie = 0, failed = 0;
	m.ps = so_calloc(l->nprovinces + 1, sizeof(double));
	m.ds = so_calloc(l->ndistricts + 1, sizeof(double));
	if (!rs || !m.ps || !m.ds)
		goto done;
	readings_all(&m, rs);
	const struct reading *best = readings_best(rs, &tie);
	/* a near tie between two units is as unsure as a poor match */
	tie |= best && best->second > 0 && best->score - best->second < PLACE_TIE;
	size_t first = best ? best->first : n, hat = 0;

	if (!best || best->score < PLACE_SURE) {
		/* no reading is sure: the written units may contradict one another */
		size_t ft = 0;
		char *why = units_contradict(&m, &ft, &failed);
		if (failed)
			goto done;
		if (why) {
			add_prefix(&b, parts, ft, NULL, 0);
			add_written_units(&b, parts, ft, n);
			out->mismatch = why;
			out->match = 1;
			goto value;
		}
	}
	long h = hospital_of(rd, parts, first, &hat);
	if (!best) {
		/* no unit: a hospital of the table named alone stands at its address */
		long hc = h < 0 ? -1 : districts ? rd->hospitals[h].old_commune
						 : rd->hospitals[h].new_commune;
		if (hc < 0 || n != 1) {
			out->problem = "names no known administrative unit";
			rc = 0;
			goto done;
		}
		struct reading at = { 0 };
		reading_at(l, hc, &at);
		so_buf_adds(&b, rd->hospitals[h].name);
		add_units(&b, l, &at, 0);
		out->code = so_strdup(l->communes[hc].code);
		if (districts && l->communes[hc].successor >= 0)
			out->successor = so_strdup(rd->new_units.communes[l->communes[hc].successor].code);
		out->match = 1;
		/* named alone: sure of it only when written as in the table */
		out->verified = strcmp(parts[0].text, rd->hospitals[h].name) == 0;
		goto value;
	}
	struct reading r = *best;
	unsigned in_name = in_name_levels(parts, n, &r);
	const char *hname = NULL;
	if (h >= 0) {
		long hc = districts ? rd->hospitals[h].old_commune : rd->hospitals[h].new_commune;
		const struct so_unit_commune *c = hc >= 0 ? &l->communes[hc] : NULL;
		int agrees = c && (r.commune >= 0 ? r.commune == hc
				   : r.district >= 0 ? c->district == r.district
						     : (long)c->province == r.province);
		if (agrees) {
			/* the units and the name vouch for each other: the table's spelling, and
			 * its commune when the units stop above it */
			hname = rd->hospitals[h].name;
			if (r.commune < 0 && !in_name)
				reading_at(l, hc, &r);
		} else if (c && r.score >= PLACE_SURE && !tie) {
			/* a listed hospital written with other units: as written, no code */
			char *where = units_text(l, &(struct reading){ .commune = hc,
				.district = c->district, .province = (long)c->province });
			out->mismatch = where ? so_asprintf("theo danh mục bệnh viện, “%s” ở %s",
							   rd->hospitals[h].name, where) : NULL;
			free(where);
			if (!out->mismatch)
				goto done;
			add_prefix(&b, parts, first, NULL, 0);
			for (size_t k = first; k < n && parts[k].in_name; k++)
				add_in_name(&b, &parts[k]);
			add_units(&b, l, &r, in_name);
			out->match = r.score;
			goto value;
		}
	}
	add_prefix(&b, parts, first, hname, hat);
	for (size_t k = first; k < n && parts[k].in_name; k++)
		add_in_name(&b, &parts[k]);
	add_units(&b, l, &r, in_name);
	if (r.commune >= 0) {
		const struct so_unit_commune *c = &l->communes[r.commune];
		out->code = so_strdup(c->code);
		if (!out->code)
			goto done;
		if (districts && c->successor >= 0)
			out->successor = so_strdup(rd->new_units.communes[c->successor].code);
	}
	out->match = r.score;
	if (tie)
		out->match = min2(out->match, PLACE_UNSURE);
	/* text before units that stop above the commune: a street, or the commune misread? */
	if (r.commune < 0 && first > 0 && parts[first - 1].role == R_PLAIN)
		out->match = min2(out->match, PLACE_UNSURE);
	/* a commune or a district alone: nothing written above it vouches for the units the
	 * list adds (but a hospital of the table that stands there) */
	if (r.units == 1 && r.level[r.first] != LV_P && !hname)
		out->match = min2(out->match, PLACE_UNSURE);
	/* more before the units than a hospital, a hamlet and a street: not a place read well */
	if (first > PREFIX_MAX)
		out->match = min2(out->match, PLACE_UNSURE);
	for (size_t k = 0; k < first; k++)
		if (!(hname && k == hat) && part_odd(&parts[k]))
			out->match = min2(out->match, PLACE_UNSURE);
	/* a unit kept as written in a health post's name must be written as the unit it is
	 * matched to ("Trạm Y tế phường Nguyên Cư Trinh": Nguyễn misread, kept so) */
	for (size_t k = first; k < n && parts[k].in_name; k++)
		if (!in_name_exact(l, &r, &parts[k]))
			out->match = min2(out->match, PLACE_UNSURE);
	/* exact units from the commune up, before them nothing or a hospital of the table that
	 * stands in that commune */
	out->verified = best->commune >= 0 && r.score >= PLACE_EXACT && !tie && r.units >= 2 &&
			(first == 0 || (first == 1 && hname));
	if (out->match < PLACE_SURE) {
		out->problem = "the unit is not certain";
		out->verified = 0;
	}
value:
	for (size_t k = n; k < all; k++) {
		add_sep(&b, ", ");
		so_buf_adds(&b, parts[k].text);
	}
	out->value = so_buf_detach(&b, NULL);
	rc = out->value ? 0 : -1;
done:
	so_buf_release(&b);
	free(rs);
	free(m.ps);
	free(m.ds);
	return rc;
}

void so_place_release(struct so_place *p)
{
	SO_FREE(p->value);
	SO_FREE(p->code);
	SO_FREE(p->successor);
	SO_FREE(p->mismatch);
}

int so_place_read(const struct so_refdata *rd, long registration, const char *clean,
		  struct so_place *out)
{
	memset(out, 0, sizeof(*out));
	struct part parts[PARTS_MAX];
	long n = place_parts(rd, clean, parts, SO_ARRAY_SIZE(parts));
	if (n < 0)
		return -1;
	int new_list = registration >= SO_UNITS_REFORM_DATE;
	const struct so_unit_list *l = new_list ? &rd->new_units : &rd->old_units;
	int rc = read_list(rd, l, !new_list, parts, (size_t)n, out);
	/* a later book may write a place with the districts it had: read on the old list, coded
	 * with the commune it went into */
	int districts = 0;
	for (long k = 0; k < n; k++)
		districts |= parts[k].role == R_UNIT && (parts[k].levels & LV_D);
	if (rc == 0 && new_list && !out->value && districts) {
		so_place_release(out);
		memset(out, 0, sizeof(*out));
		rc = read_list(rd, &rd->old_units, 1, parts, (size_t)n, out);
		if (rc == 0 && out->value) {
			SO_FREE(out->code);
			out->code = out->successor;
			out->successor = NULL;
			out->verified = 0;
		}
	}
	if (rc < 0)
		so_place_release(out);
	parts_release(parts, (size_t)n);
	return rc;
}
