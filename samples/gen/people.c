/*
 * The people of the registers: Vietnamese names drawn with their real frequencies (family
 * names) and by sex (middle and given names, with both tone placements where they differ,
 * hòa/hoà, thủy/thuỷ), a few foreign spouses, ethnic groups, nationalities, and the identity
 * documents of each period (none, CMND, CCCD whose digits agree with sex, birth year and
 * province, passports). Dates are written in the clerk's usual form with some deviation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "base/util.h"
#include "people.h"

struct weighted_name {
	const char *name;       /* "Hòa|Hoà": old|new tone placement */
	double weight;
};

static const struct weighted_name family_names[] = {
	{ "Nguyễn", 38 }, { "Trần", 11 }, { "Lê", 9.5 }, { "Phạm", 7 }, { "Hoàng", 3 },
	{ "Huỳnh", 2.5 }, { "Phan", 4.5 }, { "Vũ", 2 }, { "Võ", 2 }, { "Đặng", 2.1 },
	{ "Bùi", 2 }, { "Đỗ", 1.4 }, { "Hồ", 1.3 }, { "Ngô", 1.3 }, { "Dương", 1 },
	{ "Lý", 0.5 }, { "Đinh", 0.6 }, { "Trương", 0.8 }, { "Lâm", 0.4 }, { "Mai", 0.4 },
	{ "Trịnh", 0.4 }, { "Đoàn", 0.4 }, { "Lương", 0.3 }, { "Cao", 0.3 }, { "Tạ", 0.2 },
	{ "Châu", 0.2 }, { "Lưu", 0.2 }, { "Quách", 0.1 }, { "Tô", 0.2 }, { "Thái", 0.1 },
	{ "Triệu", 0.1 }, { "Kiều", 0.1 }, { "Hà", 0.3 }, { "La", 0.1 }, { "Từ", 0.1 },
	{ "Tăng", 0.1 },
};

static const struct weighted_name middle_male[] = {
	{ "Văn", 30 }, { "Hữu", 6 }, { "Đức", 8 }, { "Minh", 10 }, { "Quốc", 6 }, { "Gia", 4 },
	{ "Thanh", 6 }, { "Hoàng", 5 }, { "Công", 4 }, { "Xuân", 3 }, { "Đình", 4 },
	{ "Trung", 3 }, { "Tuấn", 2 }, { "Anh", 3 }, { "Bảo", 3 }, { "Ngọc", 2 }, { "Tấn", 3 },
	{ "Thành", 2 }, { "Nhật", 2 },
};

static const struct weighted_name middle_female[] = {
	{ "Thị", 40 }, { "Ngọc", 8 }, { "Thu", 5 }, { "Thanh", 5 }, { "Kim", 5 }, { "Minh", 4 },
	{ "Hoàng", 3 }, { "Phương", 4 }, { "Mỹ", 4 }, { "Bảo", 3 }, { "Diệu", 2 },
	{ "Thúy|Thuý", 2 }, { "Hồng", 3 }, { "Khánh", 2 }, { "Quỳnh", 2 }, { "Ánh", 2 },
};

static const struct weighted_name second_middle_male[] = {
	{ "Gia", 1 }, { "Minh", 1 }, { "Anh", 1 }, { "Bảo", 1 }, { "Đức", 1 }, { "Hoàng", 1 },
};

static const struct weighted_name second_middle_female[] = {
	{ "Ngọc", 1 }, { "Thu", 1 }, { "Minh", 1 }, { "Bảo", 1 }, { "Phương", 1 }, { "Khánh", 1 },
};

static const struct weighted_name given_male[] = {
	{ "An", 2 }, { "Bình", 2 }, { "Dũng", 3 }, { "Hải", 3 }, { "Hòa|Hoà", 2 }, { "Khánh", 2 },
	{ "Long", 3 }, { "Nam", 3 }, { "Phúc", 2 }, { "Quân", 3 }, { "Sơn", 3 }, { "Tâm", 2 },
	{ "Tuấn", 4 }, { "Đạt", 3 }, { "Minh", 4 }, { "Hùng", 3 }, { "Cường", 2 },
	{ "Thắng", 2 }, { "Huy", 3 }, { "Khoa", 2 }, { "Trung", 2 }, { "Hiếu", 2 }, { "Toàn", 2 },
	{ "Thành", 2 }, { "Vinh", 2 }, { "Lâm", 1 }, { "Phong", 2 }, { "Kiên", 1 },
	{ "Khỏe|Khoẻ", 1 }, { "Thụy|Thuỵ", 1 }, { "Hóa|Hoá", 1 }, { "Hưng", 2 }, { "Hoàng", 2 },
	{ "Nhân", 1 }, { "Phát", 1 }, { "Tài", 1 }, { "Lộc", 1 }, { "Bảo", 2 }, { "Duy", 2 },
	{ "Tùng", 2 }, { "Quang", 2 }, { "Việt", 1 }, { "Thịnh", 1 }, { "Nghĩa", 1 },
	{ "Trí", 1 }, { "Thuận", 1 },
};

static const struct weighted_name given_female[] = {
	{ "Châu", 1 }, { "Hà", 3 }, { "Hương", 3 }, { "Linh", 4 }, { "Mai", 3 }, { "Thảo", 3 },
	{ "Thủy|Thuỷ", 3 }, { "Trang", 4 }, { "Vy", 2 }, { "Yến", 2 }, { "Nhung", 2 },
	{ "Quỳnh", 2 }, { "Lan", 3 }, { "Hoa", 2 }, { "Hằng", 2 }, { "Ngọc", 2 }, { "Oanh", 1 },
	{ "Phượng", 1 }, { "Tuyết", 1 }, { "Hạnh", 2 }, { "Loan", 1 }, { "Nga", 2 },
	{ "Xuân", 1 }, { "Hòa|Hoà", 1 }, { "Thúy|Thuý", 2 }, { "Khánh", 1 }, { "Tâm", 1 },
	{ "Anh", 3 }, { "Nhi", 2 }, { "Trâm", 1 }, { "Uyên", 1 }, { "Vân", 2 }, { "Diễm", 1 },
	{ "Hiền", 2 }, { "Thùy|Thuỳ", 2 }, { "Thư", 2 }, { "Hồng", 2 }, { "Dung", 2 },
	{ "Giang", 2 }, { "Ly", 1 }, { "Hòe|Hoè", 1 },
};

/*
 * Foreign spouses with a romanized name. Only syllables that are also well-formed Vietnamese
 * syllables are used, so that natural content never trips the NAME_CHARS rule.
 */
static const char *const korean_male[] = { "Kim Min Ho", "Choi Nam Ho", "Kim Sung Min",
                                           "Choi Min Su" };
static const char *const korean_female[] = { "Kim Ha Na", "Choi So Min", "Kim Su Min" };
static const char *const chinese_male[] = { "Chen Long", "Lin Hao", "Chen Hao", "Lin Long" };
static const char *const chinese_female[] = { "Li Na", "Lin Li Na", "Chen Li" };

/* The GSO code and weight of the ethnic groups drawn (the rest never appear). */
static const struct { const char *code; double weight; } ethnic_weights[] = {
	{ "01", 86 }, { "04", 3.5 }, { "05", 2.5 }, { "02", 1.5 }, { "03", 1.3 }, { "06", 1.3 },
	{ "07", 0.9 }, { "08", 0.7 }, { "09", 0.6 }, { "17", 0.3 }, { "10", 0.2 }, { "12", 0.2 },
	{ "13", 0.1 }, { "16", 0.1 }, { "20", 0.1 },
};

static const char *weighted_pick(struct rng *r, const struct weighted_name *list, size_t n)
{
	double w[64];
	if (n > SO_ARRAY_SIZE(w))
		n = SO_ARRAY_SIZE(w);
	for (size_t i = 0; i < n; i++)
		w[i] = list[i].weight;
	return list[rng_weighted(r, w, n)].name;
}

/* Appends one name part, choosing a tone placement for "old|new" entries. */
static void name_append(char *out, size_t len, const char *part, int new_style)
{
	const char *bar = strchr(part, '|');
	size_t used = strlen(out);
	if (used && used + 1 < len)
		out[used++] = ' ', out[used] = 0;
	if (!bar) {
		snprintf(out + used, len - used, "%s", part);
	} else if (new_style) {
		snprintf(out + used, len - used, "%s", bar + 1);
	} else {
		int n = (int)(bar - part);
		snprintf(out + used, len - used, "%.*s", n, part);
	}
}

static const struct so_coded_name *ethnic_draw(struct gen_ctx *g)
{
	double w[SO_ARRAY_SIZE(ethnic_weights)];
	for (size_t i = 0; i < SO_ARRAY_SIZE(ethnic_weights); i++)
		w[i] = ethnic_weights[i].weight;
	size_t k = rng_weighted(g->rng, w, SO_ARRAY_SIZE(w));
	const struct so_coded_name *e = so_ethnic_find(g->rd, ethnic_weights[k].code);
	return e ? e : &g->rd->ethnic[0];
}

/* The official name, or now and then one of the listed variant spellings. */
static const char *coded_written(struct gen_ctx *g, const struct so_coded_name *c, double p_variant,
                                 int vietnamese_only)
{
	if (c->nvariants == 0 || !rng_chance(g->rng, p_variant))
		return c->name;
	const char *pool[32];
	size_t n = 0;
	for (size_t i = 0; i < c->nvariants && n < SO_ARRAY_SIZE(pool); i++) {
		const unsigned char *s = (const unsigned char *)c->variants[i];
		int ascii = 1;
		for (; *s; s++)
			if (*s >= 0x80)
				ascii = 0;
		/* a clerk writes foreign country names in Vietnamese, not in English */
		if (vietnamese_only && ascii)
			continue;
		pool[n++] = c->variants[i];
	}
	return n ? pool[rng_below(g->rng, n)] : c->name;
}

static void random_old_province(struct gen_ctx *g, char out[4])
{
	const struct so_unit_list *old = &g->rd->old_units;
	snprintf(out, 4, "%s", old->provinces[rng_below(g->rng, old->nprovinces)].code);
}

void person_make(struct gen_ctx *g, struct person *p, int female, const char *family,
                 struct date birth)
{
	memset(p, 0, sizeof(*p));
	p->female = female;
	p->birth = birth;
	p->birth_precision = DATE_DAY;
	int new_style = rng_chance(g->rng, 0.45);
	if (family)
		snprintf(p->family, sizeof(p->family), "%s", family);
	else
		snprintf(p->family, sizeof(p->family), "%s",
		         weighted_pick(g->rng, family_names, SO_ARRAY_SIZE(family_names)));
	name_append(p->name, sizeof(p->name), p->family, new_style);
	if (female)
		name_append(p->name, sizeof(p->name),
		            weighted_pick(g->rng, middle_female, SO_ARRAY_SIZE(middle_female)),
		            new_style);
	else
		name_append(p->name, sizeof(p->name),
		            weighted_pick(g->rng, middle_male, SO_ARRAY_SIZE(middle_male)), new_style);
	if (rng_chance(g->rng, 0.15)) {
		const char *second = female
			? weighted_pick(g->rng, second_middle_female, SO_ARRAY_SIZE(second_middle_female))
			: weighted_pick(g->rng, second_middle_male, SO_ARRAY_SIZE(second_middle_male));
		/* no name part twice ("Minh Minh") */
		if (!strstr(p->name, second))
			name_append(p->name, sizeof(p->name), second, new_style);
	}
	const char *given;
	do {
		given = female ? weighted_pick(g->rng, given_female, SO_ARRAY_SIZE(given_female))
		               : weighted_pick(g->rng, given_male, SO_ARRAY_SIZE(given_male));
	} while (strstr(p->name, given));
	name_append(p->name, sizeof(p->name), given, new_style);
	p->ethnic = ethnic_draw(g);
	p->ethnic_written = coded_written(g, p->ethnic,
	                                  strcmp(p->ethnic->code, "01") == 0 ? 0.03 : 0.35, 0);
	p->country = so_country_find(g->rd, "VN");
	if (!p->country)
		p->country = &g->rd->countries[0];
	p->country_written = coded_written(g, p->country, 0.015, 1);
	if (rng_chance(g->rng, 0.65))
		snprintf(p->province, sizeof(p->province), "%s", g->old_province);
	else
		random_old_province(g, p->province);
	p->residence.commune = -1;
}

void person_make_foreign(struct gen_ctx *g, struct person *p, int female, const char *country)
{
	person_make(g, p, female, NULL, p->birth);
	const struct so_coded_name *c = so_country_find(g->rd, country);
	if (!c)
		return;
	p->country = c;
	p->country_written = coded_written(g, c, 0.2, 1);
	const char *roman = NULL;
	if (strcmp(country, "KR") == 0)
		roman = female ? RNG_PICK(g->rng, korean_female) : RNG_PICK(g->rng, korean_male);
	else if (strcmp(country, "CN") == 0 || (strcmp(country, "TW") == 0 && rng_chance(g->rng, 0.7)))
		roman = female ? RNG_PICK(g->rng, chinese_female) : RNG_PICK(g->rng, chinese_male);
	if (roman) {
		/* romanized names: no ethnic group of Vietnam is written for them */
		snprintf(p->name, sizeof(p->name), "%s", roman);
		snprintf(p->family, sizeof(p->family), "%.*s", (int)strcspn(roman, " "), roman);
		p->foreign_name = 1;
		p->ethnic = NULL;
		p->ethnic_written = NULL;
	}
	p->id_kind = ID_PASSPORT;
	const char *letter = strcmp(country, "KR") == 0 ? "M" : strcmp(country, "CN") == 0 ? "E"
	                   : strcmp(country, "US") == 0 || strcmp(country, "TW") == 0 ? "" : "N";
	int digits = strcmp(country, "US") == 0 || strcmp(country, "TW") == 0 ? 9
	           : strcmp(country, "KR") == 0 || strcmp(country, "CN") == 0 ? 8 : 7;
	size_t o = (size_t)snprintf(p->id_number, sizeof(p->id_number), "%s", letter);
	for (int i = 0; i < digits && o + 1 < sizeof(p->id_number); i++)
		p->id_number[o++] = (char)('0' + rng_int(g->rng, i == 0 && !*letter ? 1 : 0, 9));
	p->id_number[o] = 0;
}

void personal_id_make(struct gen_ctx *g, char out[16], const char *province, int female,
                      int birth_year)
{
	int century = birth_year < 2000 ? 0 : birth_year < 2100 ? 2 : 4;
	int n = snprintf(out, 16, "0%.2s%d%02d", province, century + (female ? 1 : 0),
	                 birth_year % 100);
	for (int i = n; i < 12; i++)
		out[i] = (char)('0' + rng_int(g->rng, 0, 9));
	out[12] = 0;
}

/* The first two digits of an old identity card: the issuing police office. Only Hà Nội (01),
 * Hồ Chí Minh (02) and Hải Phòng (03) are taken as certain; others get a plausible prefix. */
static void cmnd_make(struct gen_ctx *g, char out[16], const char *province)
{
	int prefix;
	if (strcmp(province, "01") == 0)
		prefix = 1;
	else if (strcmp(province, "79") == 0)
		prefix = 2;
	else if (strcmp(province, "31") == 0)
		prefix = 3;
	else
		prefix = rng_int(g->rng, 4, 38);
	snprintf(out, 16, "%02d", prefix);
	for (int i = 2; i < 9; i++)
		out[i] = (char)('0' + rng_int(g->rng, 0, 9));
	out[9] = 0;
}

void person_draw_id(struct gen_ctx *g, struct person *p, int age)
{
	if (p->id_kind == ID_PASSPORT)
		return;
	p->id_kind = ID_NONE;
	p->id_number[0] = 0;
	if (age < 14 || g->year < 1980)
		return;
	double p_cccd;
	if (g->year < 2016)
		p_cccd = 0;
	else if (g->year <= 2020)
		p_cccd = 0.5;
	else if (g->year < 2025)
		p_cccd = 0.9;
	else
		p_cccd = 1;
	if (g->year < 2016 && rng_chance(g->rng, g->year < 1995 ? 0.3 : 0.1))
		return;
	if (rng_chance(g->rng, p_cccd)) {
		p->id_kind = ID_CCCD;
		personal_id_make(g, p->id_number, p->province, p->female, p->birth.y);
	} else {
		p->id_kind = ID_CMND;
		cmnd_make(g, p->id_number, p->province);
	}
}

char *person_name_written(struct gen_ctx *g, const struct person *p)
{
	int upper = g->style.names_upper;
	if (rng_chance(g->rng, 0.08))
		upper = !upper;
	return upper ? so_text_upper(p->name) : so_text_nfc(p->name);
}

void person_id_written(struct gen_ctx *g, const struct person *p, char *raw, size_t rawlen,
                       char *value, size_t valuelen)
{
	(void)g;
	switch (p->id_kind) {
	case ID_CCCD:
		snprintf(raw, rawlen, "CCCD số %s", p->id_number);
		snprintf(value, valuelen, "CCCD %s", p->id_number);
		break;
	case ID_CMND:
		snprintf(raw, rawlen, "CMND số %s", p->id_number);
		snprintf(value, valuelen, "CMND %s", p->id_number);
		break;
	case ID_PASSPORT:
		snprintf(raw, rawlen, "Hộ chiếu số %s", p->id_number);
		snprintf(value, valuelen, "HO_CHIEU %s", p->id_number);
		break;
	default:
		raw[0] = 0;
		value[0] = 0;
		break;
	}
}

void date_write_styled(struct gen_ctx *g, char out[DATE_TEXT_MAX], struct date d,
                       enum date_precision p, int labelled)
{
	enum date_form f = g->style.date_form;
	if (g->style.hand->classic) {
		if (rng_chance(g->rng, 0.2))
			f = (enum date_form)rng_below(g->rng, DATE_FORM_CLASSIC);
	} else if (rng_chance(g->rng, 0.2)) {
		f = (enum date_form)rng_weighted(g->rng, g->style.hand->date_forms, DATE_FORM_COUNT);
	}
	if (labelled && (f == DATE_FORM_WORDS || f == DATE_FORM_WORDS_SHORT))
		f = DATE_FORM_SLASH_PADDED;
	date_write(out, d, p, f);
}

enum date_precision birth_precision_draw(struct gen_ctx *g, int partial_allowed)
{
	if (!partial_allowed || g->year >= 1995)
		return DATE_DAY;
	double u = rng_unit(g->rng);
	return u < 0.45 ? DATE_YEAR : u < 0.6 ? DATE_MONTH : DATE_DAY;
}
