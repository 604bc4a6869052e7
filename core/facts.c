/*
 * facts.c — the report's title, agency, year and publication date: drives
 * the title and metadata readers over the head, then reads the byline, the
 * intro sentence (agency, statistics period) and the signature at the end,
 * and decides.  The title and metadata lines are marked so no text keeps them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"

/* ---- the intro sentence ------------------------------------------------- */

/* The agency named after "现公布" / "编制了" or between "由" and "编制". */
static int intro_agency(facts *f, size_t line, const ctext *c)
{
	static const char *const before[] = {
		"现向社会公布", "现予以公布", "现向公布", "现公布", "特公布", "编制了",
		"发布了",
	};
	const uint32_t *t = c->cp;
	size_t n = c->n;
	nb_cpset set;

	ct_set_make(&set, t, n);
	for (size_t k = 0; k < sizeof before / sizeof *before; k++) {
		if (!ct_set_may_hold(&set, before[k]))
			continue;
		size_t at = ct_find(t, 0, n, before[k]);
		if (at == SIZE_MAX)
			continue;
		uint32_t u[16];
		size_t s = at + ct_lit(before[k], u, 16), e = n;
		int y;
		size_t yi = fx_title_year(t, s, n, &y);
		if (yi != SIZE_MAX)
			e = yi;
		for (size_t w = 0; w < fx_nreport_words; w++) {
			size_t wi = ct_find(t, s, e, fx_report_words[w]);
			if (wi < e)
				e = wi;
		}
		if (e > s && e - s <= 30 && nb_agency_like(t + s, e - s))
			return fx_cand_set(f, SRC_INTRO, line, c, s, e);
	}
	/* "…规定，松川市人民政府编制了本年度报告": the clause before 编制. */
	for (size_t at = ct_find(t, 0, n, "编制"); at != SIZE_MAX;
	     at = ct_find(t, at + 1, n, "编制")) {
		size_t s = at;
		while (s > 0 && at - s < 30 && !ct_any(t[s - 1], "，,。；;：:）)》"))
			s--;
		for (size_t k = s; k < at; k++)
			if (ct_any(t[k], "由"))
				s = k + 1;
		if (s < at && nb_agency_like(t + s, at - s))
			return fx_cand_set(f, SRC_INTRO, line, c, s, at);
	}
	for (size_t by = ct_find(t, 0, n, "由"); by != SIZE_MAX;
	     by = ct_find(t, by + 1, n, "由")) {
		size_t e = SIZE_MAX;
		static const char *const after[] = { "编制", "根据", "负责", "按照", "依据" };
		for (size_t k = 0; k < sizeof after / sizeof *after; k++) {
			size_t w = ct_find(t, by + 1, by + 32 < n ? by + 32 : n, after[k]);
			if (w < e)
				e = w;
		}
		if (e != SIZE_MAX && nb_agency_like(t + by + 1, e - by - 1))
			return fx_cand_set(f, SRC_INTRO, line, c, by + 1, e);
	}
	return 0;
}

/* The statistics period: 统计期限自2019年1月1日起至2019年12月31日止, also
 * mangled (20201月1日起至202012月31日止).  Returns the year or 0. */
static int period_year(const ctext *c)
{
	const uint32_t *t = c->cp;
	size_t n = c->n;

	for (size_t i = ct_find(t, 0, n, "1月1日"); i != SIZE_MAX;
	     i = ct_find(t, i + 1, n, "1月1日")) {
		size_t j = i;
		if (j > 0 && ct_at(t, n, j - 1, "年"))
			j--;
		if (j < 4 || (j >= 5 && ct_digit(t[j - 5])))
			continue;
		int y;
		if (ct_digits(t, n, j - 4, 4, &y) != 4 || y < 1990 || y > 2099)
			continue;
		size_t lim = i + 40 < n ? i + 40 : n;
		if (ct_find(t, i, lim, "12月31日") != SIZE_MAX)
			return y;
	}
	return 0;
}

/* ---- the pieces together -------------------------------------------------- */

static bool line_skipped(const nb_line *l)
{
	return l->flags & (NB_LF_BLANK | NB_LF_CHROME | NB_LF_PAGENO | NB_LF_IMAGE);
}

/* The first line of the body proper: a section heading 一、 or 第一部分
 * ends the head. */
static size_t head_end(const nb_doc *d)
{
	size_t lim = d->lines.n < HEAD_MAX ? d->lines.n : HEAD_MAX;

	for (size_t i = 0; i < lim; i++) {
		const nb_line *l = &d->lines.v[i];
		size_t s, e, k;
		nb_trim(l->text, l->len, &s, &e);
		while (s < e && (l->text[s] == '#' || l->text[s] == ' '))
			s++;
		if (e - s >= 12 && !memcmp(l->text + s, "第一部分", 12))
			return i;
		k = s;
		if (e - s < 4 || nb_utf8_next(l->text, e, &k) != 0x4E00)
			continue;
		uint32_t p = nb_halfwidth(nb_utf8_next(l->text, e, &k));
		if (p == 0x3001 || p == '.' || p == 0xFF0E || p == ' ' || p == 0x3000)
			return i;
	}
	return lim;
}

/*
 * A byline under the title (沐阳县人民政府 / (2026年1月23日)) and a signature
 * at the end (绥芬河市人民政府 / 2020年2月17日): an agency's line, then a
 * date's.  *found says whether lines name_line and date_line_i are one.
 */
static int signature_at(facts *f, size_t name_line, const ctext *nc, const ctext *dc,
			date *out, bool *found)
{
	*found = false;
	if (fx_date_line(dc, out) && fx_agency_line(nc)) {
		*found = true;
		return fx_cand_set(f, SRC_SIGNATURE, name_line, nc, 0, nc->n);
	}
	return 0;
}

static size_t next_text_line(const nb_doc *d, size_t i, size_t lim)
{
	for (size_t k = i; k < lim; k++)
		if (!line_skipped(&d->lines.v[k]))
			return k;
	return SIZE_MAX;
}

static int scan_byline(facts *f)
{
	nb_doc *d = f->d;
	size_t n1, n2;
	bool found;
	int rc;

	if (f->title_line == SIZE_MAX)
		return 0;
	n1 = next_text_line(d, f->title_end, d->lines.n);
	while (n1 != SIZE_MAX && (d->lines.v[n1].flags & (NB_LF_META | NB_LF_TITLE)))
		n1 = next_text_line(d, n1 + 1, d->lines.n);
	if (n1 == SIZE_MAX)
		return 0;
	/* A date alone under the title: （2020年1月21日）. */
	ctext c1, c2;
	if ((rc = fx_ct_line(f, n1, &c1)) < 0)
		return rc;
	found = fx_date_line(&c1, &f->pub_start);
	n2 = found ? SIZE_MAX : next_text_line(d, n1 + 1, d->lines.n);
	if (found)
		d->lines.v[n1].flags |= NB_LF_META;
	if (n2 == SIZE_MAX || n2 - n1 > 3) {
		ct_free(&c1);
		return 0;
	}
	if ((rc = fx_ct_line(f, n2, &c2)) < 0) {
		ct_free(&c1);
		return rc;
	}
	rc = signature_at(f, n1, &c1, &c2, &f->pub_start, &found);
	ct_free(&c1);
	ct_free(&c2);
	if (rc < 0)
		return rc;
	if (found) {
		d->lines.v[n1].flags |= NB_LF_META;
		d->lines.v[n2].flags |= NB_LF_META;
	}
	return 0;
}

/* Metadata and the signature among the last lines. */
static int scan_tail(facts *f)
{
	nb_doc *d = f->d;
	size_t seen = 0, after = SIZE_MAX;
	/* line after's text, kept for the signature above it: each line is
	 * decoded once */
	ctext after_c = { 0 };
	int rc = 0;

	for (size_t i = d->lines.n; i > f->head && seen < TAIL_LINES; i--) {
		nb_line *l = &d->lines.v[i - 1];
		if (line_skipped(l))
			continue;
		seen++;
		ctext c;
		if ((rc = fx_ct_line(f, i - 1, &c)) < 0)
			break;
		int m = fx_meta_line(f, i - 1, &c, false);
		if (m != 0) {
			ct_free(&c);
			if ((rc = m) < 0)
				break;
			rc = 0;
			l->flags |= NB_LF_META;
			continue;
		}
		if (after != SIZE_MAX && !f->pub_sign.y) {
			bool found;
			date dt;
			if ((rc = signature_at(f, i - 1, &c, &after_c, &dt, &found)) < 0) {
				ct_free(&c);
				break;
			}
			if (found)
				f->pub_sign = dt;
		}
		after = i - 1;
		ct_free(&after_c);
		after_c = c;
	}
	ct_free(&after_c);
	return rc;
}

/*
 * A signature run into the last paragraph (…提高公开时效。松岭县林业局
 * 2018年1月20日), as a crawler that flattens the page leaves it: after the
 * last sentence of the last line, an agency's name and a date, nothing else.
 */
static int inline_signature(facts *f)
{
	nb_doc *d = f->d;
	size_t i = d->lines.n;

	if (f->pub_sign.y || f->ag[SRC_SIGNATURE].set)
		return 0;
	while (i > 0 && (line_skipped(&d->lines.v[i - 1]) ||
			 (d->lines.v[i - 1].flags & (NB_LF_META | NB_LF_TITLE))))
		i--;
	if (i == 0)
		return 0;
	ctext c;
	int rc = fx_ct_line(f, i - 1, &c);
	if (rc < 0)
		return rc;
	/* after the last full stop; or the whole line, when the crawler's
	 * space before the signature made it a line of its own (flatten.c) */
	size_t from = 0;
	for (size_t k = 0; k < c.n; k++)
		if (c.cp[k] == 0x3002)
			from = k + 1;
	for (size_t k = from; k < c.n; k++) {
		size_t end;
		date dt;
		if (ct_digit(c.cp[k]) && fx_date_at(c.cp, c.n, k, &dt, &end) && end == c.n) {
			if (k > from && nb_agency_like(c.cp + from, k - from)) {
				rc = fx_cand_set(f, SRC_SIGNATURE, i - 1, &c, from, k);
				f->pub_sign = dt;
			}
			break;
		}
	}
	ct_free(&c);
	return rc;
}

/* The intro: the first prose lines after the title block. */
static int scan_intro(facts *f)
{
	nb_doc *d = f->d;
	nb_report *r = d->r;
	size_t lines = 0;
	int rc = 0;
	/* the ctext of the line taken as the next one, kept for when that
	 * line's own turn comes: each line is decoded once */
	ctext held = { 0 };
	size_t held_line = SIZE_MAX;

	for (size_t i = d->body; i < d->lines.n && rc == 0; i++) {
		nb_line *l = &d->lines.v[i];
		if (line_skipped(l) || (l->flags & (NB_LF_META | NB_LF_TITLE)))
			continue;
		/* What is still to be read from a line: once nothing is (each
		 * of these stays false once it is), the rest of the loop would
		 * decode lines for nothing. */
		bool want_date = lines == 0 && !f->pub_start.y;
		bool want_agency = lines < 12 && i < f->head + 12 && !f->ag[SRC_INTRO].set;
		bool want_period = r->year_rule != NB_YEAR_TITLE && !r->year;
		if (!want_date && !want_agency && !want_period)
			break;
		/* the line with the next one: a wrap may cut the agency's name
		 * or the period (松川市人民政 / 府编制了本年度…) */
		size_t nx = i + 1;
		while (nx < d->lines.n && nx <= i + 2 && (d->lines.v[nx].flags & NB_LF_BLANK))
			nx++;
		const nb_line *next = nx < d->lines.n && nx <= i + 2 &&
				      !line_skipped(&d->lines.v[nx]) &&
				      !(d->lines.v[nx].flags & (NB_LF_META | NB_LF_TITLE)) ?
				      &d->lines.v[nx] : NULL;
		ctext own_c, next_c = { 0 }, c;
		if (held_line == i) {
			own_c = held;
		} else {
			ct_free(&held);
			if ((rc = fx_ct_line(f, i, &own_c)) < 0)
				break;
		}
		held = (ctext){ 0 };
		held_line = SIZE_MAX;
		if (next && (rc = fx_ct_line(f, nx, &next_c)) < 0) {
			ct_free(&own_c);
			break;
		}
		rc = ct_join(&c, l, &own_c, next, &next_c);
		size_t own = own_c.ncp;
		ct_free(&own_c);
		if (next) {
			held = next_c;
			held_line = nx;
		}
		if (rc < 0)
			break;
		if (want_date) {
			size_t end;
			date dt;
			if (c.n > 0 && fx_date_at(c.cp, c.n, 0, &dt, &end))
				f->pub_start = dt;
		}
		if (want_agency) {
			rc = intro_agency(f, i, &c);
			/* a name that runs into the next line has no one line that
			 * holds its printed spelling */
			if (f->ag[SRC_INTRO].set && f->ag[SRC_INTRO].b > own)
				f->ag[SRC_INTRO].line = SIZE_MAX;
		}
		if (want_period) {
			int y = period_year(&c);
			if (y) {
				r->year = y;
				r->year_rule = NB_YEAR_PERIOD;
			}
		}
		ct_free(&c);
		if (++lines >= 40 && (f->ag[SRC_INTRO].set || lines >= 80))
			break;
	}
	ct_free(&held);
	return rc;
}

int nb_find_facts(nb_doc *d)
{
	facts f = { .d = d, .title_line = SIZE_MAX, .title_end = SIZE_MAX };
	nb_report *r = d->r;
	int rc;

	f.meta_firsts = fx_meta_firsts();
	f.head = head_end(d);
	if ((rc = fx_scan_head(&f)) < 0)
		goto out;
	if ((rc = fx_title_from_meta(&f)) < 0)
		goto out;
	if ((rc = fx_mark_title_lines(&f)) < 0)
		goto out;
	if ((rc = scan_byline(&f)) < 0)
		goto out;

	/* The body starts at the first line of text after the title block (or
	 * the metadata at the top); what is above it and unmarked is the
	 * site's header. */
	size_t top = f.title_line;
	for (size_t i = 0; i < f.head && top == SIZE_MAX; i++)
		if (d->lines.v[i].flags & NB_LF_META)
			top = i;
	if (top == SIZE_MAX)
		top = 0;
	for (size_t i = 0; i < top; i++)
		if (!(d->lines.v[i].flags & (NB_LF_TITLE | NB_LF_META | NB_LF_BLANK)))
			d->lines.v[i].flags |= NB_LF_CHROME;
	d->body = top;
	while (d->body < d->lines.n &&
	       (d->lines.v[d->body].flags & (NB_LF_TITLE | NB_LF_META | NB_LF_BLANK | NB_LF_CHROME |
					     NB_LF_PAGENO | NB_LF_IMAGE)))
		d->body++;

	if ((rc = scan_tail(&f)) < 0)
		goto out;
	if ((rc = inline_signature(&f)) < 0)
		goto out;
	if ((rc = scan_intro(&f)) < 0)
		goto out;
	if ((rc = fx_choose_agency(&f)) < 0)
		goto out;

	date pub = f.pub_meta.y ? f.pub_meta : f.pub_written.y ? f.pub_written :
		   f.pub_sign.y ? f.pub_sign : f.pub_start;
	if (pub.y)
		fx_date_str(r->published, pub);
	if (!r->year && pub.y) {
		r->year = pub.y - 1;
		r->year_rule = NB_YEAR_PUBLISHED;
	}
	if (!r->agency)
		rc = nb_warn(r, "%s: no agency found (no title, intro, signature or source line names one)",
			     d->name);
	if (rc == 0 && !r->year)
		rc = nb_warn(r, "%s: the report's year could not be told (no title year, statistics period or date)",
			     d->name);
out:
	for (int s = 0; s < NSRC; s++)
		free(f.ag[s].name);
	free(f.meta_title);
	fx_ct_free(&f);
	return rc;
}
