/* Field kinds (see kind.h). */
#include <jansson.h>
#include <pthread.h>
#include <string.h>

#include "base/embed.h"
#include "base/util.h"
#include "register/kind.h"

static const struct {
	const char *name;
	int in_layout;
} kinds[SO_KINDS] = {
	[SO_KIND_NONE] = { "", 0 },
	[SO_KIND_NUMBER] = { "number", 1 },
	[SO_KIND_DATE] = { "date", 1 },
	[SO_KIND_DATETIME] = { "datetime", 1 },
	[SO_KIND_NAME] = { "name", 1 },
	[SO_KIND_TEXT] = { "text", 1 },
	[SO_KIND_SEX] = { "sex", 1 },
	[SO_KIND_ETHNICITY] = { "ethnicity", 1 },
	[SO_KIND_NATIONALITY] = { "nationality", 1 },
	[SO_KIND_PLACE] = { "place", 1 },
	[SO_KIND_ID_NUMBER] = { "id_number", 1 },
	[SO_KIND_ID_DOCUMENT] = { "id_document", 1 },
	[SO_KIND_RELATIONSHIP] = { "relationship", 1 },
	[SO_KIND_BLOCK] = { "block", 1 },
	[SO_KIND_KINSHIP] = { "kinship", 0 },
	[SO_KIND_CODE] = { "code", 0 },
};

/* The sub-fields of composite cells (schemas/layouts) and their kinds. */
static const struct {
	const char *sub;
	enum so_kind kind;
} subfields[] = {
	{ "full_name", SO_KIND_NAME }, { "birth_date", SO_KIND_DATE },
	{ "ethnicity", SO_KIND_ETHNICITY }, { "nationality", SO_KIND_NATIONALITY },
	{ "residence", SO_KIND_PLACE }, { "id_document", SO_KIND_ID_DOCUMENT },
	{ "relationship", SO_KIND_KINSHIP }, { "number", SO_KIND_CODE }, { "date", SO_KIND_DATE },
	{ "issuer", SO_KIND_TEXT },
};

const char *so_kind_name(enum so_kind k)
{
	return k >= 0 && k < SO_KINDS ? kinds[k].name : "";
}

enum so_kind so_kind_parse(const char *name)
{
	for (int k = SO_KIND_NONE + 1; k < SO_KINDS; k++)
		if (strcmp(kinds[k].name, name) == 0)
			return (enum so_kind)k;
	return SO_KIND_NONE;
}

int so_kind_in_layout(enum so_kind k)
{
	return k > SO_KIND_NONE && k < SO_KINDS && kinds[k].in_layout;
}

enum so_kind so_subfield_kind(const char *sub)
{
	for (size_t i = 0; i < SO_ARRAY_SIZE(subfields); i++)
		if (strcmp(subfields[i].sub, sub) == 0)
			return subfields[i].kind;
	return SO_KIND_TEXT;
}

/* Thresholds ---------------------------------------------------------------------------------- */

/* The threshold of each kind, and at SO_KINDS the one of a kind out of range: written once by
 * thresholds_load under thresholds_once, read only after. */
static pthread_once_t thresholds_once = PTHREAD_ONCE_INIT;
static double thresholds[SO_KINDS + 1];

static void thresholds_load(void)
{
	json_t *t = NULL;
	const struct so_embedded *e = so_embedded_find("confidence-thresholds.json");
	if (e)
		t = json_loadb((const char *)e->data, e->size, 0, NULL);
	json_t *def = json_object_get(t, "default");
	double fallback = json_is_number(def) ? json_number_value(def) : 0.6;
	for (int k = 0; k < SO_KINDS; k++) {
		json_t *th = json_object_get(json_object_get(t, "thresholds"), so_kind_name(k));
		thresholds[k] = json_is_number(th) ? json_number_value(th) : fallback;
	}
	/* so_kind_name gives "" out of range: the default, unless the file names "" */
	json_t *none = json_object_get(json_object_get(t, "thresholds"), "");
	thresholds[SO_KINDS] = json_is_number(none) ? json_number_value(none) : fallback;
	json_decref(t);
}

double so_confidence_threshold(enum so_kind kind)
{
	pthread_once(&thresholds_once, thresholds_load);
	return (unsigned)kind < SO_KINDS ? thresholds[kind] : thresholds[SO_KINDS];
}
