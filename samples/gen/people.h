/*
 * Inside the content generator: the state of one book being written (its units, its clerk's
 * habits), and the people and places that fill its entries. Names, dates, ethnicity,
 * nationality and identity documents are drawn here (people.c); places, hospitals and their
 * written and canonical forms in places.c.
 */
#ifndef GEN_PEOPLE_H
#define GEN_PEOPLE_H

#include "calendar.h"
#include "hand.h"
#include "register/refdata.h"
#include "rng.h"

/* How the clerk of a book writes; drawn once per book, deviated from now and then. */
struct book_style {
	int names_upper;            /* names in capitals */
	enum date_form date_form;   /* the usual date form */
	int number_form;            /* 0 "125", 1 "Số 125", 2 "125/2019" */
	int place_form;             /* 0 full, 1 abbreviated, 2 mixed */
	int label_colon;            /* labels followed by a colon */
	int na_dash;                /* not-applicable cells hold "-" rather than nothing */
	/* the hand's habits (not drawn for the classic hand) */
	const struct hand *hand;
	int abbr;                   /* enum abbr_set */
	int sep;                    /* enum place_sep */
	int unit_case;              /* enum unit_case */
};

struct gen_ctx {
	const struct so_refdata *rd;
	struct rng *rng;
	int year;
	int new_units;
	const struct so_unit_list *units;  /* the list valid for the book */
	long authority;                 /* commune index in units */
	char old_province[4];           /* authority province in the old list (for ids) */
	struct book_style style;
};

enum facility_kind { FACILITY_NONE, FACILITY_HEALTH_POST, FACILITY_CLINIC,
                     FACILITY_GENERAL };

struct place {
	long commune;                   /* index in ctx->units, -1 for none */
	const struct so_hospital *hospital;
	char house[16];                 /* "12", "45/7", "" */
	const char *street;
	/* other hands only */
	int alley;                      /* "Hẻm 45 Nguyễn Trãi": house holds the alley number */
	char hamlet[64];                /* canonical: "Ấp 3", "Tổ 5, Khu phố 2", "" */
	enum facility_kind facility;    /* a health post or clinic in no table */
	char facility_name[160];        /* canonical: "Trạm Y tế xã Phước Trung" */
};

enum id_kind { ID_NONE, ID_CCCD, ID_CMND, ID_PASSPORT };

struct person {
	char name[160];                 /* canonical: NFC Title Case */
	char family[40];
	int female;
	int foreign_name;               /* a romanized foreign name */
	struct date birth;
	enum date_precision birth_precision;
	const struct so_coded_name *ethnic;   /* NULL: not written (foreigners) */
	const char *ethnic_written;
	const struct so_coded_name *country;
	const char *country_written;
	struct place residence;
	enum id_kind id_kind;
	char id_number[16];
	char province[4];               /* old-list province of the birth registration */
};

/* people.c */
/* A Vietnamese person: name (FAMILY or a drawn one), Kinh mostly, Vietnamese, born on BIRTH. */
void person_make(struct gen_ctx *g, struct person *p, int female, const char *family,
                 struct date birth);
/* A citizen of COUNTRY (alpha-2) married in Vietnam: romanized name or an overseas Vietnamese
 * name, a passport. */
void person_make_foreign(struct gen_ctx *g, struct person *p, int female, const char *country);
/* Draws the identity document a person of AGE holds at the book's time. */
void person_draw_id(struct gen_ctx *g, struct person *p, int age);
/* A 12-digit personal id for a person born in PROVINCE (old code) on BIRTH. */
void personal_id_make(struct gen_ctx *g, char out[16], const char *province, int female,
                      int birth_year);
/* Name as the clerk writes it; caller frees; NULL on failure. */
char *person_name_written(struct gen_ctx *g, const struct person *p);
/* The written and canonical forms of the identity document ("CCCD số N" / "CCCD N"). */
void person_id_written(struct gen_ctx *g, const struct person *p, char *raw, size_t rawlen,
                       char *value, size_t valuelen);
/* A date written in the book's manner; deviates from the usual form now and then. LABELLED
 * dates follow a label ("Sinh ngày: ...") and are never written in words. */
void date_write_styled(struct gen_ctx *g, char out[DATE_TEXT_MAX], struct date d,
                       enum date_precision p, int labelled);
/* Picks the precision a birth date is written with, for a person born in BIRTH_YEAR. */
enum date_precision birth_precision_draw(struct gen_ctx *g, int partial_allowed);

/* places.c */
enum place_scope { PLACE_LOCAL, PLACE_PROVINCE, PLACE_MAIN, PLACE_ANY, PLACE_NEAR };
/* A commune drawn around the authority (scope), returned as an index in ctx->units. */
long place_commune_draw(struct gen_ctx *g, enum place_scope scope);
/* An address in the commune: a house and street in towns now and then. */
void place_address(struct gen_ctx *g, struct place *p, long commune, int street_allowed);
/* A hospital usable in the book's unit list, of KIND (SO_HOSPITAL_MATERNITY or
 * SO_HOSPITAL_GENERAL); 0, or -1 if none. */
int place_hospital(struct gen_ctx *g, struct place *p, int kind);
/* A health post, clinic or general hospital in no table, in or near the authority's
 * commune (other hands only). 0. */
int place_facility(struct gen_ctx *g, struct place *p, int maternity);
/* The old-list province code of a commune of ctx->units. */
void place_old_province(struct gen_ctx *g, long commune, char out[4]);
/* Writes P: *raw as the clerk writes it, *value canonical, code the commune code. Both
 * strings are the caller's. NAME_ONLY writes a hospital by its name alone. 0 or -1. */
int place_write(struct gen_ctx *g, const struct place *p, int name_only, char **raw,
                char **value, char code[8]);
/* "UBND Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh"; caller frees. */
char *place_authority_text(struct gen_ctx *g);

#endif
