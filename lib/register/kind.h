/*
 * What a field holds — its kind — parsed once, when a layout is loaded, from the "holds" of a
 * column or the name of a composite cell's sub-field; everywhere else a kind is this enum, and
 * what a kind means to each subsystem is a table or a switch on it. The names are those of the
 * layouts and of schemas/confidence-thresholds.json.
 */
#ifndef SO_KIND_H
#define SO_KIND_H

enum so_kind {
	SO_KIND_NONE,           /* not a field (an unknown name) */
	SO_KIND_NUMBER,         /* a registration number: "Số 56" */
	SO_KIND_DATE,
	SO_KIND_DATETIME,       /* "14 giờ 30 phút, ngày 05/03/2021" */
	SO_KIND_NAME,
	SO_KIND_TEXT,           /* free text: a cause of death, a note, an issuer */
	SO_KIND_SEX,
	SO_KIND_ETHNICITY,
	SO_KIND_NATIONALITY,
	SO_KIND_PLACE,
	SO_KIND_ID_NUMBER,      /* a personal identity number */
	SO_KIND_ID_DOCUMENT,    /* a document's type and number: "CCCD số 079…" */
	SO_KIND_RELATIONSHIP,   /* the parent recognized: father or mother */
	SO_KIND_BLOCK,          /* a composite cell: several labelled facts */
	SO_KIND_KINSHIP,        /* a declarant's relationship to the person (sub-fields only) */
	SO_KIND_CODE,           /* a document's number (sub-fields only) */
	SO_KINDS
};

/* "date" for SO_KIND_DATE; "" for SO_KIND_NONE or a value out of range. */
const char *so_kind_name(enum so_kind k);
/* The kind named NAME, or SO_KIND_NONE. */
enum so_kind so_kind_parse(const char *name);
/* 1 when a layout column may hold kind K (KINSHIP and CODE are sub-fields' only). */
int so_kind_in_layout(enum so_kind k);
/* The kind of a composite cell's sub-field ("birth_date" -> SO_KIND_DATE, "residence" ->
 * SO_KIND_PLACE); SO_KIND_TEXT for a sub-field this table does not know. */
enum so_kind so_subfield_kind(const char *sub);

/* The calibrated confidence threshold of field kind KIND (schemas/confidence-thresholds.json,
 * its "default" for a kind it does not list, 0.6 when the file cannot be read). A reading goes
 * to review when its confidence is BELOW the threshold (conf < threshold): a confidence equal
 * to the threshold passes. The file is read once, by the first caller, under pthread_once:
 * safe from any thread. Never fails. */
double so_confidence_threshold(enum so_kind kind);

#endif
