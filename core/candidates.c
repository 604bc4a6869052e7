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

/* Longest name looked for in the report's text, in code points. */
#define FULL_NAME_MAX 30
/* A city before a district's name: 2 or 3 characters and 市/州/盟 (淮安市,
 * 哈尔滨市); longer runs are more often a verb and a place (公布黄石市). */
#define PLACE_PREFIX_MAX 4
/* No place (prev in fuller_in_text). */
#define NONE SIZE_MAX

/* Single characters that may stand right before a place name in prose
 * (由淮安市洪泽区人民政府办公室编制, 向…, 经…, 编制了…). */
static bool place_boundary(const uint32_t *t, size_t k)
{
	return k == 0 || !nb_is_han(t[k - 1]) || ct_any(t[k - 1], "由经向在对是为与和及据了");
}

/* Whether name (code points) opens with a district or county, not a city:
 * its first place ending is 区, 县 or 旗. */
static bool district_first(const uint32_t *u, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		if (ct_any(u[i], "区县旗"))
			return true;
		if (ct_any(u[i], "市省州盟镇乡"))
			return false;
	}
	return false;
}

/* Extends *name, which starts at t[k] with a bare level (市…), by the
 * place printed before it (临江 of 临江市…) when a boundary precedes the
 * place.  0 or -ENOMEM. */
static int with_place(const uint32_t *t, size_t k, size_t e, char **name)
{
	for (size_t p = k; p > 0 && k - p + 1 < PLACE_PREFIX_MAX; p--) {
		if (!nb_is_han(t[p - 1]))
			return 0;
		if (k - (p - 1) >= 2 && place_boundary(t, p - 1)) {
			char *full = ct_str(t, p - 1, e);
			if (!full)
				return -ENOMEM;
			free(*name);
			*name = full;
			return 0;
		}
	}
	return 0;
}

/*
 * A fuller name the report's own text gives for the agency: the shortest
 * name ending at each place of the text of which the agency is an
 * abbreviation (上海市科委 → 上海市科学技术委员会), or, for a district or
 * county, its name with the city before it where the text prints both
 * together (洪泽区人民政府 → 淮安市洪泽区人民政府).  The longest found, or
 * NULL (also when memory ran out: *rc says so).
 */
static char *fuller_in_text(const nb_doc *d, const char *agency, int *rc)
{
	uint32_t u[64];
	size_t nu = 0, i = 0, len = strlen(agency);
	char *best = NULL;
	size_t bestn = 0;

	while (i < len && nu < 64)
		u[nu++] = nb_utf8_next(agency, len, &i);
	if (nu < 2 || i < len)
		return NULL;
	bool district = district_first(u, nu);
	/* prev[i]: the last place at or before i of the agency's first
	 * character (NONE when none), so that only those places are tried
	 * as a name's start, not every character before each end */
	size_t *prev = NULL, nprev = 0;
	char first[4];
	size_t nfirst = nb_utf8_put(u[0], first);
	for (size_t li = 0; li < d->lines.n && *rc == 0; li++) {
		const nb_line *l = &d->lines.v[li];
		/* Every name found starts with or holds the agency's first
		 * character.  A line that cannot decode to it is passed over
		 * unread: beyond U+07FF only its own three bytes or an overlong
		 * four-byte form (lead 0xF0) decode to it, and no folding of
		 * ctext makes it (U+FFFD also stands for invalid bytes). */
		if (u[0] >= 0x800 && u[0] != 0xFFFD && !memchr(l->text, 0xF0, l->len) &&
		    !nb_find_n(l->text, l->len, first, nfirst))
			continue;
		ctext c;
		if ((*rc = ct_line(&c, l)) < 0)
			break;
		const uint32_t *t = c.cp;
		size_t *np = nb_grow(prev, &nprev, c.n + 1, sizeof *prev, 256);
		if (!np) {
			*rc = -ENOMEM;
			ct_free(&c);
			break;
		}
		prev = np;
		for (size_t i = 0; i < c.n; i++)
			prev[i] = t[i] == u[0] ? i : i ? prev[i - 1] : NONE;
		size_t run = 0;	/* where the Han run ending at e - 1 starts */
		for (size_t e = 1; e <= c.n && *rc == 0; e++) {
			if (!nb_is_han(t[e - 1]))
				continue;
			if (e == 1 || !nb_is_han(t[e - 2]))
				run = e - 1;
			char *found = NULL;
			/* an abbreviation spelled out: starts with the agency's
			 * first character, ends as the same kind of body; the
			 * nearest start first, within the Han run and at most
			 * FULL_NAME_MAX back, longer than the agency */
			size_t lo = e >= FULL_NAME_MAX && e - FULL_NAME_MAX > run ?
				    e - FULL_NAME_MAX : run;
			size_t k = e > nu ? prev[e - nu - 1] : NONE;
			for (; k != NONE && k >= lo; k = k ? prev[k - 1] : NONE) {
				/* compared as code points (t[k, e) is Han, as
				 * its UTF-8 decodes): spelled out once found */
				if (!nb_agency_abbrev_u(u, nu, t + k, e - k))
					continue;
				found = ct_str(t, k, e);
				if (!found)
					*rc = -ENOMEM;
				/* 市交通局 spelled out inside 临江市交通运输局:
				 * the place before the level is the name's */
				else if (ct_any(u[0], "市县区"))
					*rc = with_place(t, k, e, &found);
				break;
			}
			/* the city printed before a district's name */
			if (!found && district && e >= nu &&
			    !memcmp(t + e - nu, u, nu * sizeof *u)) {
				size_t s = e - nu;
				for (size_t k = s; k > 0 && s - k + 1 <= PLACE_PREFIX_MAX; k--) {
					size_t p = k - 1;
					if (!nb_is_han(t[p]))
						break;
					if (s - p >= 3 && ct_any(t[s - 1], "市州盟") &&
					    place_boundary(t, p)) {
						found = ct_str(t, p, e);
						if (!found)
							*rc = -ENOMEM;
						break;
					}
				}
			}
			if (found) {
				size_t n = nb_utf8_count(found, strlen(found));
				if (n > bestn) {
					free(best);
					best = found;
					bestn = n;
				} else {
					free(found);
				}
			}
		}
		ct_free(&c);
	}
	free(prev);
	if (*rc < 0) {
		free(best);
		return NULL;
	}
	return best;
}

/*
 * The agency: the first rule that found one, then the fullest name the
 * report gives for the same body (市发改委 → 杭州市发展和改革委员会), from
 * another rule's name or from the report's text.
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
	char *full = fuller_in_text(f->d, formal[best], &rc);
	if (rc < 0)
		goto out;
	if (full) {
		r->agency = full;
	} else {
		r->agency = formal[best];
		formal[best] = NULL;
	}
	r->agency_as_printed = as_printed(f->d, &f->ag[best]);
	r->agency_source = nb_strdup(src_names[best]);
	if (!r->agency_as_printed || !r->agency_source)
		rc = -ENOMEM;
out:
	for (int s = 0; s < NSRC; s++)
		free(formal[s]);
	return rc;
}
