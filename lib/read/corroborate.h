/*
 * Corroboration: a cell's value read again another way. A cell of digits is read again whole
 * by other models until two readings agree; the words of a name, a document, a place or a
 * free text are read again one line at a time by another model, and a third time when the
 * first two differ. Two readings by models that make different mistakes agreeing is evidence
 * the confidence of one reading cannot give. What the readings decide is evidence.h's; this
 * module fetches them (tesseract) and applies the decision, by the kind of the field: one
 * table row per kind says which models read it again and which corroborator a whole cell and
 * a composite cell's sub-field of that kind get.
 */
#ifndef SO_CORROBORATE_H
#define SO_CORROBORATE_H

#include <stddef.h>

#include "read/recognize.h"
#include "read/table.h"
#include "register/kind.h"

/* A reading at stake and where it was read. */
struct so_corroboration {
	struct so_recognizer *rec;
	const struct so_table *table;  /* the page's table: its text image, its cells' boxes */
	int row, col;                  /* the cell (0-based, header rows counted) */
	enum so_read_mode mode;        /* how the cell was first read */
	struct so_reading *rd;         /* the cell's first reading */
	size_t start, end;             /* the span of its text at stake (a sub-field's) */
	const char *field;             /* the field's name ("death.cause", "declarant.issuer") */
	int this_year;                 /* no date in a register is later */
};

/* A whole cell of KIND (a field column's): its confidence *CONF raised or lowered by its
 * other readings, CX->rd replaced by a better reading when one wins (CX's span is not used).
 * 0, or -1 when the recognizer or memory fails. */
int so_corroborate_cell(const struct so_corroboration *cx, enum so_kind kind, double *conf);

/* The span of CX (a composite cell's sub-field of KIND): *CONF raised or lowered, *BETTER set
 * to a better reading of the span when one wins (the caller frees), else NULL. 0 or -1. */
int so_corroborate_span(const struct so_corroboration *cx, enum so_kind kind, double *conf,
			char **better);

#endif
