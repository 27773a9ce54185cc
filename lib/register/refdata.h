/*
 * The reference data the generator draws from, read from the files compiled into libsohoa:
 * the administrative units before and from 2025-07-01 (with the old → new commune conversion),
 * the 54 ethnic groups, the countries, and a small table of hospitals whose address is known,
 * with the commune they stand in under each list.
 */
#ifndef SO_REFDATA_H
#define SO_REFDATA_H

#include <stddef.h>

/* One list of units: provinces, districts (the old list only) and communes. */
struct so_unit_province {
	char *code;             /* "79" */
	char *name;             /* "Thành phố Hồ Chí Minh" */
	size_t first, count;    /* its communes: communes[order[first .. first+count)] */
};

struct so_unit_district {
	char *code;             /* "760" */
	char *name;             /* "Quận 1" */
};

struct so_unit_commune {
	char *code;             /* "26740" */
	char *name;             /* "Phường Bến Nghé" (white space collapsed) */
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

#endif
