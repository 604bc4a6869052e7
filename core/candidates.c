/*
 * candidates.c — the agency names each rule found (title, intro, signature,
 * page header, source line) and the choice between them: the first rule
 * that found one, then the fullest name the report gives for that body.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"

static const char *const src_names[NSRC] = {
	"title", "intro", "signature", "header", "source",
};

int fx_cand_set(facts *f, int src, size_t line, const ctext *c, size_t a, size_t b)
{
	cand *k = &f->ag[src];

	if (k->set || b <= a)
		return 0;
	if (!nb_agency_like(c->cp + a, b - a))
		return 0;
	k->name = ct_str(c->cp, a, b);
	if (!k->name)
		return -ENOMEM;
	k->set = true;
	k->line = line;
	k->a = c->at[a];
	k->b = c->at[b - 1] + 1;
	return 0;
}

/* The spelling the report printed: from the original script when the text
 * was converted, and the line kept its code points. */
static char *as_printed(const nb_doc *d, const cand *k)
{
	const nb_line *l = d->orig.n > k->line ? &d->orig.v[k->line] : NULL;

	if (!l || nb_utf8_count(l->text, l->len) != nb_utf8_count(d->lines.v[k->line].text,
								   d->lines.v[k->line].len))
		return nb_strdup(k->name);
	nb_buf b = { 0 };
	size_t i = 0, idx = 0;
	while (i < l->len && idx < k->b) {
		uint32_t cp = nb_utf8_next(l->text, l->len, &i);
		if (idx >= k->a && !nb_is_space(cp))
			nb_buf_addcp(&b, nb_halfwidth(cp));
		idx++;
	}
	if (!b.s && !b.oom)
		return nb_strdup(k->name);
	return nb_buf_take(&b);
}

/*
 * The agency: the first rule that found one, then the fullest name the
 * report gives for the same body (市发改委 → 杭州市发展和改革委员会).
 */
int fx_choose_agency(facts *f)
{
	nb_report *r = f->d->r;
	int best = -1;
	char *formal[NSRC] = { 0 };
	int rc = 0;

	for (int s = 0; s < NSRC; s++) {
		if (!f->ag[s].set)
			continue;
		formal[s] = nb_agency_formal(f->ag[s].name);
		if (!formal[s]) {
			rc = -ENOMEM;
			goto out;
		}
		if (best < 0)
			best = s;
	}
	if (best < 0)
		goto out;
	for (int s = 0; s < NSRC; s++)
		if (formal[s] && s != best && nb_agency_abbrev(formal[best], formal[s]))
			best = s;
	r->agency = formal[best];
	formal[best] = NULL;
	r->agency_as_printed = as_printed(f->d, &f->ag[best]);
	r->agency_source = nb_strdup(src_names[best]);
	if (!r->agency_as_printed || !r->agency_source)
		rc = -ENOMEM;
out:
	for (int s = 0; s < NSRC; s++)
		free(formal[s]);
	return rc;
}
