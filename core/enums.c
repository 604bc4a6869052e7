/*
 * enums.c — the names the report's enumerations are shown under (meta.json,
 * the index), one place for each, apart from the pipeline that sets them.
 */
#include "nianbao.h"

const char *nb_format_name(nb_format f)
{
	switch (f) {
	case NB_FMT_2019:
		return "2019";
	case NB_FMT_2021:
		return "2021";
	default:
		return "none";
	}
}

const char *nb_year_rule_name(nb_year_rule r)
{
	switch (r) {
	case NB_YEAR_TITLE:
		return "title";
	case NB_YEAR_PERIOD:
		return "period";
	case NB_YEAR_PUBLISHED:
		return "published";
	default:
		return "unknown";
	}
}
