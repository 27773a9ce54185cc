/*
 * Inside the content generator: the state of one book being written, shared by content.c
 * (the plan and the entries), cells.c (what each cell says) and anomalies.c (what is planted).
 */
#ifndef GEN_BOOK_H
#define GEN_BOOK_H

#include "content.h"
#include "people.h"

#define ENTRY_MAX_FIELDS 64

struct book_gen {
	struct gen_ctx g;
	struct rng rng;             /* what is written */
	struct rng plan;            /* pages and rows */
	struct rng planted;         /* anomalies */
	const struct so_layout *layout;
	struct book_content *b;
	const struct book_request *req;
};

/* content.c: the fields of an entry */
/* The field NAME of E, added (null) when absent; NULL with the error set. */
struct field_value *field_slot(struct entry *e, const char *name);
/* Sets NAME to VALUE/RAW/CODE (each may be NULL), copied as NFC. 0 or -1. */
int field_set(struct entry *e, const char *name, const char *value, const char *raw,
              const char *code);
struct field_value *entry_field_mut(struct entry *e, const char *name);

/* cells.c */
/* Writes the registration_number field from e->number in the book's form. 0 or -1. */
int entry_number_write(struct book_gen *bg, struct entry *e);
/* Puts E's fields in the order of the layout, adding absent ones as null. 0 or -1. */
int entry_order_fields(const struct so_layout *l, struct entry *e);
/* Composes the text of every cell of E. 0 or -1. */
int entry_cells(struct book_gen *bg, struct entry *e);

/* anomalies.c */
/* Plants the anomalies that change what is written (date, id, number) in entries not yet
 * USED; *DUPLICATE gets the entry that repeats its predecessor's number, or -1. 0 or -1. */
int plant_data_anomalies(struct book_gen *bg, char *used, long *duplicate);
/* Plants the anomalies that change only how a row looks (handwriting, smudge). */
void plant_look_anomalies(struct book_gen *bg, char *used);

#endif
