/*
 * Page layouts as data: one JSON file per book type and version under schemas/layouts/
 * (compiled in), or in the directories of SOHOA_LAYOUT_PATH (colon-separated, searched first),
 * so a new printing of the books is a new file, not new code.
 */
#ifndef SO_LAYOUT_H
#define SO_LAYOUT_H

#include <stddef.h>

#include "register/kind.h"

enum so_column_kind { SO_COLUMN_FIELD, SO_COLUMN_COMPOSITE };

struct so_column {
	int index;              /* 1-based, as printed in the index row */
	char *title;            /* header text */
	enum so_column_kind kind;
	char *field;            /* FIELD: the record field it fills */
	enum so_kind holds;     /* what the cell holds (so_kind_in_layout): a composite, BLOCK */
	char *parser;           /* COMPOSITE: person, declarant or death_notice */
	char *prefix;           /* COMPOSITE: field prefix ("mother") */
	char **subfields;       /* COMPOSITE: the sub-fields it may fill ("full_name", ...) */
	enum so_kind *subkinds; /* COMPOSITE: the kind of each sub-field (so_subfield_kind) */
	size_t nsubfields;
	double width;           /* relative width; the widths of a layout sum to 1 */
};

struct so_layout {
	char *name;             /* "birth-v1" */
	char *book_type;        /* birth, marriage, death, parentage */
	int version;
	char *title;            /* the book title printed in the top band */
	int rows_min, rows_max; /* entry rows per page */
	struct so_column *columns;
	size_t ncolumns;
};

/* Loads layout NAME. Returns 0, or -1 with the error set. The caller frees with so_layout_free. */
int so_layout_load(const char *name, struct so_layout **out);
void so_layout_free(struct so_layout *l);
/* The kind of field FIELD of layout L ("child.birth_date" -> SO_KIND_DATE, "mother.residence"
 * -> SO_KIND_PLACE), or SO_KIND_NONE when the layout has no such field. */
enum so_kind so_field_kind(const struct so_layout *l, const char *field);
/* The column of L that holds FIELD (a composite's sub-field: its index in *SUB when SUB is
 * given), or NULL. The column's cell is column (its position in L->columns) + 1 of a row. */
const struct so_column *so_field_column(const struct so_layout *l, const char *field,
				       size_t *sub);
/* "birth-v1" for "birth"; NULL for an unknown book type. */
const char *so_layout_default(const char *book_type);
/* 1 if TYPE is one of the four book types. */
int so_book_type_valid(const char *type);

#endif
