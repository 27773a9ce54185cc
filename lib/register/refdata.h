/*
 * The reference data the generator draws from, read from the files compiled into libsohoa:
 * the administrative units before and from 2025-07-01 (with the old → new commune conversion),
 * the 54 ethnic groups, the countries, and a small table of hospitals whose address is known,
 * with the commune they stand in under each list. Each unit carries the keys its name is
 * matched on (so_unit_key, so_unit_fold), made once at load.
 */
#ifndef SO_REFDATA_H
#define SO_REFDATA_H

#include <stddef.h>

/* The first day of the units of the 2025 reorganization (yyyymmdd). */
#define SO_UNITS_REFORM_DATE 20250701

/* One list of units: provinces, districts (the old list only) and communes. */
struct so_unit_province {
	char *code;             /* "79" */
	char *name;             /* "Thành phố Hồ Chí Minh" */
	char *key, *fold;       /* of its name without the unit word: so_unit_key, so_unit_fold */
	size_t first, count;    /* its communes: communes[order[first .. first+count)] */
};

struct so_unit_district {
	char *code;             /* "760" */
	char *name;             /* "Quận 1" */
	char *key, *fold;
	size_t province;        /* index into provinces */
	size_t first, count;    /* its communes: communes[by_district[first .. first+count)] */
};

struct so_unit_commune {
	char *code;             /* "26740" */
	char *name;             /* "Phường Bến Nghé" (white space collapsed) */
	char *key, *fold;
	size_t province;        /* index into provinces */
	long district;          /* index into districts, -1 in the new list */
	long successor;         /* old list: the commune of the new list it went into, when it went
	                           whole into one (-1 when split or unknown); -1 in the new list */
};

struct so_unit_list {
	struct so_unit_province *provinces;
	size_t nprovinces;
	struct so_unit_district *districts;
	size_t ndistricts;
	struct so_unit_commune *communes;
	size_t ncommunes;
	size_t *order;          /* commune indices grouped by province */
	size_t *by_code;        /* commune indices sorted by code */
	size_t *by_district;    /* commune indices grouped by district (the old list; NULL in the
	                           new one) */
};

/* An ethnic group ("05", "Khơ-me", {"Khmer", ...}) or a country ("KR", "Hàn Quốc", ...). */
struct so_coded_name {
	char *code;
	char *name;
	char **variants;
	size_t nvariants;
};

#define SO_HOSPITAL_MATERNITY 1   /* births happen there */
#define SO_HOSPITAL_GENERAL 2      /* deaths may be certified there */

struct so_hospital {
	const char *name;       /* "Bệnh viện Từ Dũ" */
	const char *old_code;   /* its commune in the list before 2025-07-01 */
	int kind;               /* SO_HOSPITAL_MATERNITY, SO_HOSPITAL_GENERAL or both */
	long old_commune;       /* index in the old list, -1 when not found */
	long new_commune;       /* index in the new list, -1 when the successor is not certain */
};

struct so_refdata {
	struct so_unit_list old_units, new_units;
	struct so_coded_name *ethnic;
	size_t nethnic;
	struct so_coded_name *countries;
	size_t ncountries;
	struct so_hospital *hospitals;
	size_t nhospitals;
	char **unit_folds;      /* so_unit_fold of every unit name of both lists, sorted, unique */
	size_t nunit_folds;
};

/* Loads everything from the embedded files. Returns NULL with the error set; free with
 * so_refdata_free. */
struct so_refdata *so_refdata_load(void);
void so_refdata_free(struct so_refdata *rd);

/* The commune with CODE in LIST, or -1. */
long so_unit_find_commune(const struct so_unit_list *list, const char *code);
/* The province with CODE in LIST, or -1. */
long so_unit_find_province(const struct so_unit_list *list, const char *code);
/* The country with alpha-2 CODE, or NULL. */
const struct so_coded_name *so_country_find(const struct so_refdata *rd, const char *code);
/* The ethnic group with GSO code CODE, or NULL. */
const struct so_coded_name *so_ethnic_find(const struct so_refdata *rd, const char *code);

/* The name of unit OFFICIAL without its unit word, whatever its case ("Thị Xã Buôn Hồ" ->
 * "Buôn Hồ", "Phường 12" -> "12"); OFFICIAL itself when it has none. Points into OFFICIAL. */
const char *so_unit_bare(const char *official);
/* The key a unit's name is matched on exactly: case, punctuation and where the tone mark sits
 * set aside, the marks themselves kept ("Ea H'leo" and "EA H’LEO" alike, "Hòa" and "Hoà"
 * alike, "Hoa" another). NULL when out of memory; caller frees. */
char *so_unit_key(const char *name);
/* The key with every mark set aside too: ASCII letters and digits, words one space apart
 * ("Bà Rịa - Vũng Tàu" -> "ba ria vung tau"). NULL when out of memory; caller frees. */
char *so_unit_fold(const char *name);
/* 1 when FOLD (an so_unit_fold key) is the whole name of a unit of either list, or its first
 * words ("tan" of "Tân Xã"); 0 otherwise. */
int so_unit_name_begins(const struct so_refdata *rd, const char *fold);

#endif
