/*
 * The cells of an entry as the clerk writes them: the registration number in the book's form,
 * plain cells holding the field's text (or a dash when nothing applies), and person, declarant
 * and death-notice cells composed from their facts with the labels, order and grouping of
 * REGISTERS.md "Composite cells". Also puts an entry's fields in layout order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "base/util.h"
#include "book.h"

int entry_number_write(struct book_gen *bg, struct entry *e)
{
	char raw[32], value[16];
	const struct hand *h = bg->g.style.hand;
	int form = bg->g.style.number_form;
	if (rng_chance(&bg->rng, 0.1))
		form = h->classic ? (int)rng_below(&bg->rng, 3)
		                  : (int)rng_weighted(&bg->rng, h->number_forms, NUMBER_FORM_COUNT);
	/* the book's mark after the number: KS births, KH marriages, KT deaths, CMC parentage */
	const char *t = bg->req->type;
	const char *mark = t[0] == 'b' ? "KS" : t[0] == 'm' ? "KH" : t[0] == 'd' ? "KT" : "CMC";
	snprintf(value, sizeof(value), "%d", e->number);
	switch (form) {
	case NUMBER_SO:
		snprintf(raw, sizeof(raw), "Số %d", e->number);
		break;
	case NUMBER_YEAR:
		snprintf(raw, sizeof(raw), "%d/%d", e->number, bg->g.year);
		break;
	case NUMBER_BOOK:
		snprintf(raw, sizeof(raw), "%d/%s", e->number, mark);
		break;
	case NUMBER_SO_COLON_YEAR:
		snprintf(raw, sizeof(raw), "Số: %d/%d", e->number, bg->g.year);
		break;
	case NUMBER_SO_COLON:
		snprintf(raw, sizeof(raw), "Số: %d", e->number);
		break;
	default:
		snprintf(raw, sizeof(raw), "%d", e->number);
		break;
	}
	return field_set(e, "registration_number", value, raw, NULL);
}

struct fact {
	const char *sub;
	const char *label;          /* NULL: no label */
	const char *text;
};

/* The label a person, declarant or death-notice cell gives a sub-field. */
static const char *fact_label(const char *sub, char hint, int year_label, int alt)
{
	if (strcmp(sub, "birth_date") == 0) {
		if (hint == 'y')
			return year_label ? "Sinh năm" : "Năm sinh";
		return alt ? "Ngày sinh" : "Sinh ngày";
	}
	if (strcmp(sub, "ethnicity") == 0)
		return "Dân tộc";
	if (strcmp(sub, "nationality") == 0)
		return "Quốc tịch";
	if (strcmp(sub, "residence") == 0)
		return alt ? "Nơi cư trú" : "Cư trú";
	if (strcmp(sub, "relationship") == 0)
		return "Quan hệ";
	if (strcmp(sub, "number") == 0)
		return "Số";
	if (strcmp(sub, "date") == 0)
		return "Ngày cấp";
	if (strcmp(sub, "issuer") == 0)
		return "Nơi cấp";
	return NULL;
}

static int fact_write(struct so_buf *b, const struct fact *f, int colon, int lower)
{
	if (!f->label)
		return so_buf_adds(b, f->text);
	const char *label = f->label;
	char *low = NULL;
	if (lower && !(low = so_text_lower_initial(label)))
		return -1;
	int rc = so_buf_addf(b, "%s%s %s", low ? low : label, colon ? ":" : "", f->text);
	free(low);
	return rc;
}

/* Writes a composite cell: the name first, then the facts in some order and grouping. */
static char *composite_cell(struct book_gen *bg, const struct entry *e,
                            const struct so_column *c)
{
	struct rng *r = &bg->rng;
	struct fact facts[16];
	size_t n = 0;
	const char *name = NULL;
	char key[FIELD_NAME_MAX];
	int year_label = rng_chance(r, 0.5), alt = rng_chance(r, 0.4);
	int colon = bg->g.style.label_colon;
	if (rng_chance(r, 0.15))
		colon = !colon;
	int lower = rng_chance(r, 0.1);
	for (size_t i = 0; i < c->nsubfields && n < SO_ARRAY_SIZE(facts); i++) {
		snprintf(key, sizeof(key), "%s.%s", c->prefix, c->subfields[i]);
		const struct field_value *f = entry_field(e, key);
		if (!f || !f->raw)
			continue;
		if (strcmp(c->subfields[i], "full_name") == 0) {
			name = f->raw;
			continue;
		}
		facts[n].sub = c->subfields[i];
		facts[n].text = f->raw;
		facts[n].label = fact_label(c->subfields[i], f->hint, year_label, alt);
		if (strcmp(c->subfields[i], "id_document") == 0 && rng_chance(r, 0.25))
			facts[n].label = "Giấy tờ";
		n++;
	}
	if (!name && n == 0) {
		int dash = bg->g.style.na_dash;
		if (rng_chance(r, 0.3))
			dash = !dash;
		return so_strdup(dash ? "-" : "");
	}
	/* the order varies now and then */
	if (rng_chance(r, 0.35))
		for (size_t i = n; i > 1; i--) {
			size_t k = rng_below(r, i);
			struct fact t = facts[i - 1];
			facts[i - 1] = facts[k];
			facts[k] = t;
		}
	struct so_buf b = SO_BUF_INIT(8192);
	int grouping = strcmp(c->parser, "death_notice") == 0 ? (rng_chance(r, 0.5) ? 0 : 2)
	             : (int)rng_weighted(r, (const double[]){ 45, 35, 20 }, 3);
	if (name && so_buf_addf(&b, "%s%s", rng_chance(r, 0.2) ? "Họ tên: " : "", name) < 0)
		goto error;
	size_t on_line = 0;
	for (size_t i = 0; i < n; i++) {
		int long_fact = strcmp(facts[i].sub, "residence") == 0 ||
		                strcmp(facts[i].sub, "issuer") == 0;
		int new_line = b.len == 0 ? 0
		             : grouping == 0 ? 1
		             : grouping == 1 ? (on_line >= 2 || long_fact || i == 0)
		             : i == 0 && name;
		if (new_line) {
			if (so_buf_adds(&b, "\n") < 0)
				goto error;
			on_line = 0;
		} else if (on_line > 0 && so_buf_adds(&b, "; ") < 0) {
			goto error;
		}
		if (fact_write(&b, &facts[i], colon, lower) < 0)
			goto error;
		on_line = grouping == 1 && long_fact ? 2 : on_line + 1;
	}
	return so_buf_detach(&b, NULL);
error:
	so_buf_release(&b);
	return NULL;
}

int entry_cells(struct book_gen *bg, struct entry *e)
{
	const struct so_layout *l = bg->layout;
	e->cells = so_calloc(l->ncolumns, sizeof(*e->cells));
	if (!e->cells)
		return -1;
	e->ncells = l->ncolumns;
	for (size_t i = 0; i < l->ncolumns; i++) {
		const struct so_column *c = &l->columns[i];
		if (c->kind == SO_COLUMN_COMPOSITE) {
			e->cells[i] = composite_cell(bg, e, c);
		} else {
			struct field_value *f = field_slot(e, c->field);
			if (!f)
				return -1;
			if (!f->raw && !f->value) {
				int dash = bg->g.style.na_dash;
				if (rng_chance(&bg->rng, 0.3))
					dash = !dash;
				if (dash && !(f->raw = so_strdup("-")))
					return -1;
			}
			e->cells[i] = so_strdup(f->raw ? f->raw : "");
		}
		if (!e->cells[i])
			return -1;
	}
	return 0;
}

/* Puts the fields in layout order, adding the absent ones as null. */
int entry_order_fields(const struct so_layout *l, struct entry *e)
{
	struct field_value *sorted = so_calloc(ENTRY_MAX_FIELDS, sizeof(*sorted));
	size_t n = 0;
	char key[FIELD_NAME_MAX];
	if (!sorted)
		return -1;
	for (size_t i = 0; i < l->ncolumns; i++) {
		const struct so_column *c = &l->columns[i];
		size_t nsub = c->kind == SO_COLUMN_COMPOSITE ? c->nsubfields : 1;
		for (size_t k = 0; k < nsub; k++) {
			const char *sub = c->kind == SO_COLUMN_COMPOSITE ? c->subfields[k] : NULL;
			if (sub)
				snprintf(key, sizeof(key), "%s.%s", c->prefix, sub);
			else
				snprintf(key, sizeof(key), "%s", c->field);
			if (n == ENTRY_MAX_FIELDS) {
				free(sorted);
				return so_error("layout '%s' has too many fields", l->name);
			}
			struct field_value *f = entry_field_mut(e, key);
			if (f) {
				sorted[n] = *f;
				memset(f, 0, sizeof(*f));   /* moved */
			} else {
				snprintf(sorted[n].name, sizeof(sorted[n].name), "%s", key);
			}
			const char *holds = sub ? sub : so_kind_name(c->holds);
			sorted[n].coded = strcmp(holds, "place") == 0 || strcmp(holds, "ethnicity") == 0 ||
			                  strcmp(holds, "residence") == 0;
			n++;
		}
	}
	for (size_t i = 0; i < e->nfields; i++) {
		free(e->fields[i].value);
		free(e->fields[i].raw);
		free(e->fields[i].code);
	}
	free(e->fields);
	e->fields = sorted;
	e->nfields = n;
	e->capfields = ENTRY_MAX_FIELDS;
	return 0;
}
