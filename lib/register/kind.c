/* Field kinds (see kind.h). */
#include <string.h>

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
