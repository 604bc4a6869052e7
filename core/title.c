/*
 * title.c — the report's title: found among the head's lines (or in a
 * 标题 metadata row), with the year and the agency it names; the lines it
 * takes are marked so that no text keeps them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"

const char *const fx_report_words[] = {
	"政府信息公开", "信息公开", "政务公开", "政府信息", "工作年度报告",
	"年度报告", "工作报告", "年报",
};
const size_t fx_nreport_words = sizeof fx_report_words / sizeof *fx_report_words;


/*
 * Strips what surrounds a title: a "标题:" label, Markdown marks, and a site
 * name after the last 报告 ("…年度报告-沭阳县发改局").  Returns whether what
 * is left in [*a, *b) reads as a report's title.
 */
static bool title_span(const uint32_t *t, size_t n, size_t *a, size_t *b)
{
	size_t i = 0, e = n;

	while (i < n && ct_any(t[i], "#*【[<"))
		i++;
	if (ct_at(t, n, i, "标题:") || ct_at(t, n, i, "名称:"))
		i += 3;
	size_t last = SIZE_MAX;
	for (size_t k = i; k + 1 < n; k++)
		if (ct_at(t, n, k, "报告") || ct_at(t, n, k, "年报"))
			last = k + 2;
	if (last == SIZE_MAX)
		return false;
	if (last < n && t[last] == '(' && t[n - 1] == ')' && ct_find(t, last, n, "年") != SIZE_MAX) {
		e = n;	/* …年度报告（2019年度） */
	} else if (last < n) {
		if (!ct_any(t[last], "-_|—–·") && !ct_at(t, n, last, "(全文)"))
			return false;
		e = last;
	}
	while (e > i && ct_any(t[e - 1], "*#】]>"))
		e--;
	if (e - i < 6 || e - i > 80)
		return false;
	if (ct_find(t, i, e, "公开") == SIZE_MAX && ct_find(t, i, e, "年报") == SIZE_MAX &&
	    ct_find(t, i, e, "年度报告") == SIZE_MAX)
		return false;
	for (size_t k = i; k < e; k++)
		if (ct_any(t[k], "。,;>»") || ct_at(t, e, k, "现公布"))
			return false;
	*a = i;
	*b = e;
	return true;
}

/* The year a title names: four digits and 年 ("2024年", "2019年度"). */
size_t fx_title_year(const uint32_t *t, size_t a, size_t b, int *year)
{
	for (size_t i = a; i + 4 < b; i++) {
		int y;
		if ((i == a || !ct_digit(t[i - 1])) && ct_digits(t, b, i, 4, &y) == 4 &&
		    ct_at(t, b, i + 4, "年") && y >= 1990 && y <= 2099) {
			*year = y;
			return i;
		}
	}
	return SIZE_MAX;
}

static bool agency_span(const uint32_t *t, size_t s, size_t e, size_t *aa, size_t *ab)
{
	while (e > s && ct_any(t[e - 1], "(《\"“"))
		e--;
	if (e <= s || !nb_agency_like(t + s, e - s))
		return false;
	*aa = s;
	*ab = e;
	return true;
}

/*
 * The agency a title names, in [*aa, *ab): before 关于 (某局关于…), before
 * the year (某市2019年…), or before the report's words, after the year when
 * the title opens with it (2019年某市政府信息公开…, 某市政府信息公开工作
 * 年度报告（2019年度）).
 */
static bool title_agency(const uint32_t *t, size_t a, size_t b, size_t *aa, size_t *ab)
{
	int y;
	size_t yi = fx_title_year(t, a, b, &y);
	size_t about = ct_find(t, a, b, "关于");
	size_t s = a, e = b;

	if (about != SIZE_MAX && about > a && agency_span(t, a, about, aa, ab))
		return true;
	/* 关于某市2019年…的报告: the name follows 关于 */
	if (about == a) {
		a += 2;
		s = a;
	}
	if (yi != SIZE_MAX && yi > a && agency_span(t, a, yi, aa, ab))
		return true;
	if (yi == a) {
		s = yi + 5;
		if (ct_at(t, b, s, "度"))
			s++;
	}
	for (size_t k = 0; k < fx_nreport_words; k++) {
		size_t w = ct_find(t, s, b, fx_report_words[k]);
		if (w < e)
			e = w;
	}
	/* 某市人民政府信息公开…: the 政府 belongs to both */
	if (e < b && ct_ends(t, s, e, "人民") && ct_at(t, b, e, "政府"))
		e += 2;
	return agency_span(t, s, e, aa, ab);
}

/* A short line that is only an agency's name (a title's first line, a
 * signature). */
bool fx_agency_line(const ctext *c)
{
	return c->n >= 2 && c->n <= 30 && nb_agency_like(c->cp, c->n);
}

static int set_title(facts *f, const char *s, size_t n)
{
	nb_buf b = { 0 };

	nb_tidy(&b, s, n);
	free(f->d->r->title);
	f->d->r->title = nb_buf_take(&b);
	return f->d->r->title ? 0 : -ENOMEM;
}

/* The previous line that is not blank, within two lines of i. */
static size_t prev_text_line(const nb_doc *d, size_t i, size_t lo)
{
	for (size_t k = i; k > lo && i - k < 3; k--)
		if (!(d->lines.v[k - 1].flags & (NB_LF_BLANK | NB_LF_PAGENO)))
			return k - 1;
	return SIZE_MAX;
}

/* The title from line i (already known to read as one, at [a, b)). */
static int take_title(facts *f, size_t i, const ctext *c, size_t a, size_t b)
{
	nb_doc *d = f->d;
	nb_report *r = d->r;
	size_t aa, ab;
	int rc, y;

	f->title_line = i;
	f->title_end = i + 1;
	if (fx_title_year(c->cp, a, b, &y) != SIZE_MAX) {
		r->year = y;
		r->year_rule = NB_YEAR_TITLE;
	}
	if (title_agency(c->cp, a, b, &aa, &ab)) {
		if ((rc = fx_cand_set(f, SRC_TITLE, i, c, aa, ab)) < 0)
			return rc;
		/* title text from the line itself, without the site's name */
		const nb_line *l = &d->lines.v[i];
		size_t bi = 0, k = 0;
		while (bi < l->len && k < c->at[b - 1] + 1) {
			nb_utf8_next(l->text, l->len, &bi);
			k++;
		}
		size_t ai = 0;
		k = 0;
		while (ai < l->len && k < c->at[a]) {
			nb_utf8_next(l->text, l->len, &ai);
			k++;
		}
		return set_title(f, l->text + ai, bi - ai);
	}
	/* A title split over two lines: 淮安市人民政府 / 2024 年…年度报告. */
	size_t p = prev_text_line(d, i, 0);
	if (p != SIZE_MAX && !(d->lines.v[p].flags & (NB_LF_META | NB_LF_CHROME))) {
		ctext pc;
		if ((rc = ct_line(&pc, &d->lines.v[p])) < 0)
			return rc;
		size_t pe = pc.n;
		int py;
		size_t pyi = fx_title_year(pc.cp, 0, pc.n, &py);
		if (pyi != SIZE_MAX && pyi + 5 >= pc.n - 1)
			pe = pyi;	/* 沐阳县人民政府 2025 年 / 政府信息公开… */
		if (pe >= 2 && pe <= 30 && nb_agency_like(pc.cp, pe)) {
			rc = fx_cand_set(f, SRC_TITLE, p, &pc, 0, pe);
			if (rc == 0 && pyi != SIZE_MAX && r->year_rule != NB_YEAR_TITLE) {
				r->year = py;
				r->year_rule = NB_YEAR_TITLE;
			}
			f->title_line = p;
			if (rc == 0) {
				nb_buf tb = { 0 };
				nb_buf_add(&tb, d->lines.v[p].text, d->lines.v[p].len);
				nb_buf_addc(&tb, ' ');
				nb_buf_add(&tb, d->lines.v[i].text, d->lines.v[i].len);
				if (tb.oom) {
					nb_buf_free(&tb);
					rc = -ENOMEM;
				} else {
					rc = set_title(f, tb.s, tb.len);
					nb_buf_free(&tb);
				}
			}
			ct_free(&pc);
			return rc;
		}
		ct_free(&pc);
	}
	const nb_line *l = &d->lines.v[i];
	return set_title(f, l->text, l->len);
}

/* Title and metadata in the head: lines [0, f->head). */
int fx_scan_head(facts *f)
{
	nb_doc *d = f->d;
	bool prose_seen = false;
	int rc = 0;

	for (size_t i = 0; i < f->head && rc == 0; i++) {
		nb_line *l = &d->lines.v[i];
		ctext c;
		size_t a, b;

		if (l->flags & (NB_LF_BLANK | NB_LF_PAGENO | NB_LF_IMAGE))
			continue;
		if ((rc = ct_line(&c, l)) < 0)
			return rc;
		int m = fx_meta_line(f, i, &c, true);
		if (m < 0) {
			rc = m;
		} else if (m > 0) {
			l->flags |= NB_LF_META;
		} else if (!(l->flags & NB_LF_CHROME) && !prose_seen && f->title_line == SIZE_MAX &&
			   title_span(c.cp, c.n, &a, &b)) {
			rc = take_title(f, i, &c, a, b);
		} else if (!(l->flags & NB_LF_CHROME) && c.n > 50 &&
			   (ct_find(c.cp, 0, c.n, "。") != SIZE_MAX || ct_find(c.cp, 0, c.n, ",") != SIZE_MAX)) {
			prose_seen = true;	/* the title comes before the prose */
		}
		ct_free(&c);
	}
	return rc;
}

/* The title from a 标题/名称 row when no line gave one. */
int fx_title_from_meta(facts *f)
{
	ctext c;
	size_t a, b, aa, ab;
	int y, rc = 0;

	if (!f->meta_title || f->title_line != SIZE_MAX)
		return 0;
	if ((rc = ct_make(&c, f->meta_title, strlen(f->meta_title))) < 0)
		return rc;
	if (title_span(c.cp, c.n, &a, &b)) {
		nb_report *r = f->d->r;
		if (fx_title_year(c.cp, a, b, &y) != SIZE_MAX) {
			r->year = y;
			r->year_rule = NB_YEAR_TITLE;
		}
		char *t = ct_str(c.cp, a, b);
		if (!t) {
			rc = -ENOMEM;
		} else {
			free(r->title);
			r->title = t;
		}
		if (rc == 0 && title_agency(c.cp, a, b, &aa, &ab) && !f->ag[SRC_TITLE].set) {
			f->ag[SRC_TITLE].name = ct_str(c.cp, aa, ab);
			if (!f->ag[SRC_TITLE].name)
				rc = -ENOMEM;
			f->ag[SRC_TITLE].set = rc == 0;
			f->ag[SRC_TITLE].line = SIZE_MAX;
		}
	}
	ct_free(&c);
	return rc;
}

/* Every head line that repeats the title (an HTML page's <title> and <h1>). */
int fx_mark_title_lines(facts *f)
{
	nb_doc *d = f->d;
	ctext tc;
	int rc;

	if (!d->r->title)
		return 0;
	if ((rc = ct_make(&tc, d->r->title, strlen(d->r->title))) < 0)
		return rc;
	for (size_t i = 0; i < f->head; i++) {
		nb_line *l = &d->lines.v[i];
		ctext c;
		size_t a, b;
		if (l->flags & (NB_LF_BLANK | NB_LF_META))
			continue;
		if (i >= f->title_line && i < f->title_end) {
			l->flags |= NB_LF_TITLE;
			continue;
		}
		if ((rc = ct_line(&c, l)) < 0)
			break;
		if (title_span(c.cp, c.n, &a, &b) && b - a == tc.n &&
		    !memcmp(c.cp + a, tc.cp, tc.n * sizeof *tc.cp))
			l->flags |= NB_LF_TITLE;
		ct_free(&c);
	}
	ct_free(&tc);
	return rc;
}
