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
	/* a page's stray 正文 run into the title (正文2025年…) */
	if (ct_at(t, n, i, "正文") && i + 2 < n && !ct_at(t, n, i + 2, "的"))
		i += 2;
	/* the two words decoded once, not at every place of the line */
	uint32_t rep[2], ann[2];
	size_t last = SIZE_MAX;
	ct_lit("报告", rep, 2);
	ct_lit("年报", ann, 2);
	for (size_t k = i; k + 1 < n; k++)
		if ((t[k] == rep[0] && t[k + 1] == rep[1]) || (t[k] == ann[0] && t[k + 1] == ann[1]))
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

/* Lines a title may be wrapped over (2025 年上海市人民政府办公厅政府信息公开 /
 * 工作年度报告; a third for a long agency name). */
#define TITLE_LINES 3
/* Longest line of a wrapped title, in code points (a PDF title line holds
 * at most about 25 characters at the title's size; 40 leaves room). */
#define TITLE_LINE_MAX 40

/* A title read from up to TITLE_LINES lines: the printed lines joined by a
 * space, and how well it reads. */
typedef struct {
	size_t line[TITLE_LINES], nline;
	size_t cut;		/* > 0: the title is the first cut code points of
				   a line the article runs on in (flattened page) */
	int score;		/* 2 when it names an agency, +1 a year; -1 none */
} window;

/* Where a title that an article runs on from ends: just past the first
 * 报告 or 年报 within the first TITLE_PREFIX_MAX code points; 0 if none. */
#define TITLE_PREFIX_MAX 80
static size_t title_prefix(const ctext *c, unsigned flags)
{
	size_t lim = c->n < TITLE_PREFIX_MAX ? c->n : TITLE_PREFIX_MAX;

	/* only a whole article on one line, or what flatten.c kept of one
	 * before its first heading (short when the intro is): a wrapped or a
	 * web page's line that opens with …报告。 is a sentence */
	if (c->n < FLAT_LINE_MIN && !(flags & NB_LF_FLATHEAD))
		return 0;
	for (size_t k = 0; k + 1 < lim; k++)
		if (ct_at(c->cp, lim, k, "报告") || ct_at(c->cp, lim, k, "年报"))
			return k + 2 < c->n ? k + 2 : 0;
	return 0;
}

/* Whether line i may be part of a title that goes on below it: short, no
 * sentence, not metadata or chrome. */
static bool title_part(const nb_doc *d, size_t i, const ctext *c)
{
	const nb_line *l = &d->lines.v[i];

	if (l->flags & (NB_LF_META | NB_LF_CHROME | NB_LF_BLANK | NB_LF_PAGENO | NB_LF_IMAGE))
		return false;
	if (c->n == 0 || c->n > TITLE_LINE_MAX)
		return false;
	for (size_t k = 0; k < c->n; k++)
		if (ct_any(c->cp[k], "。,;:|"))
			return false;
	return true;
}

/* The window's lines joined by a space (nb_tidy drops it between Han). */
static int window_text(const nb_doc *d, const window *w, nb_buf *out, size_t *starts)
{
	size_t cps = 0;

	for (size_t k = 0; k < w->nline; k++) {
		const nb_line *l = &d->lines.v[w->line[k]];
		if (k) {
			nb_buf_addc(out, ' ');
			cps++;
		}
		if (starts)
			starts[k] = cps;
		nb_buf_add(out, l->text, l->len);
		cps += nb_utf8_count(l->text, l->len);
	}
	if (out->oom || !out->s) {
		nb_buf_free(out);
		return -ENOMEM;
	}
	return 0;
}

/* Reads the window as a title: its score, and the span in the compact
 * text. */
static int window_score(const nb_doc *d, window *w, ctext *c, size_t *a, size_t *b)
{
	nb_buf t = { 0 };
	size_t aa, ab;
	int y, rc;

	w->score = -1;
	if ((rc = window_text(d, w, &t, NULL)) < 0)
		return rc;
	rc = ct_make(c, t.s, t.len);
	nb_buf_free(&t);
	if (rc < 0)
		return rc;
	if (w->cut)
		c->n = w->cut;
	if (!title_span(c->cp, c->n, a, b))
		return 0;
	w->score = (title_agency(c->cp, *a, *b, &aa, &ab) ? 2 : 0) +
		   (fx_title_year(c->cp, *a, *b, &y) != SIZE_MAX);
	/* a title the article runs on from must name its agency: a sentence
	 * that opens with 根据…年度报告格式 is no title */
	if (w->cut && w->score < 2)
		w->score = -1;
	return 0;
}

/* The best title among the windows that end at line i: line i alone, or
 * with the one or two title-like lines above it.  Better than *best only
 * when it reads better (a later line with the same score loses). */
static int windows_at(facts *f, size_t i, window *best)
{
	nb_doc *d = f->d;
	window w = { .nline = 0 };
	size_t at = i;
	int rc = 0;

	for (size_t k = 0; k < TITLE_LINES && at != SIZE_MAX; k++) {
		memmove(w.line + 1, w.line, w.nline * sizeof *w.line);
		w.line[0] = at;
		w.nline++;
		ctext c;
		size_t a, b;
		if ((rc = window_score(d, &w, &c, &a, &b)) < 0)
			return rc;
		ct_free(&c);
		if (w.score > best->score)
			*best = w;
		if (k == 0 && w.score < 0) {
			/* a flattened page: the title, then the article on the
			 * same line (…年度报告根据《条例》…) */
			ctext lc;
			if ((rc = fx_ct_line(f, i, &lc)) < 0)
				return rc;
			window pw = { .line = { i }, .nline = 1, .cut = title_prefix(&lc, d->lines.v[i].flags) };
			ct_free(&lc);
			if (pw.cut) {
				if ((rc = window_score(d, &pw, &c, &a, &b)) < 0)
					return rc;
				ct_free(&c);
				if (pw.score > best->score)
					*best = pw;
			}
		}
		/* the line above, when it can be the title's start */
		size_t p = SIZE_MAX;
		for (size_t q = at; q > 0 && at - q < 3; q--) {
			if (!(d->lines.v[q - 1].flags & (NB_LF_BLANK | NB_LF_PAGENO))) {
				p = q - 1;
				break;
			}
		}
		at = SIZE_MAX;
		if (p == SIZE_MAX)
			break;
		ctext pc;
		if ((rc = fx_ct_line(f, p, &pc)) < 0)
			return rc;
		size_t pa, pb;
		/* a line that is a title of its own starts no longer one */
		if (title_part(d, p, &pc) && !title_span(pc.cp, pc.n, &pa, &pb))
			at = p;
		ct_free(&pc);
	}
	return 0;
}

/* Takes the window as the title: year, agency and the title's text. */
static int take_title(facts *f, const window *w)
{
	nb_doc *d = f->d;
	nb_report *r = d->r;
	nb_buf t = { 0 };
	size_t starts[TITLE_LINES], a, b, aa, ab;
	ctext c;
	int rc, y;

	/* a title the article runs on from keeps its line: no line is the
	 * title's alone */
	if (!w->cut) {
		f->title_line = w->line[0];
		f->title_end = w->line[w->nline - 1] + 1;
	}
	f->titled = true;
	f->title_cut = w->cut > 0;
	if ((rc = window_text(d, w, &t, starts)) < 0)
		return rc;
	if ((rc = ct_make(&c, t.s, t.len)) < 0)
		goto out;
	if (w->cut)
		c.n = w->cut;
	if (!title_span(c.cp, c.n, &a, &b))
		goto out;
	if (fx_title_year(c.cp, a, b, &y) != SIZE_MAX) {
		r->year = y;
		r->year_rule = NB_YEAR_TITLE;
	}
	if (title_agency(c.cp, a, b, &aa, &ab)) {
		if ((rc = fx_cand_set(f, SRC_TITLE, w->line[0], &c, aa, ab)) < 0)
			goto out;
		/* the candidate's place in the one line that holds it, so its
		 * printed spelling can be found; none when it is wrapped */
		cand *k = &f->ag[SRC_TITLE];
		k->line = SIZE_MAX;
		for (size_t n = w->nline; n > 0 && k->set; n--) {
			if (k->a >= starts[n - 1]) {
				if (n == w->nline || k->b <= starts[n] - 1) {
					k->line = w->line[n - 1];
					k->a -= starts[n - 1];
					k->b -= starts[n - 1];
				}
				break;
			}
		}
	}
	/* the title's text from [a, b): without a label or the site's name */
	size_t bi = 0, ai = 0, n = 0;
	while (bi < t.len && n < c.at[b - 1] + 1) {
		nb_utf8_next(t.s, t.len, &bi);
		n++;
	}
	for (n = 0; ai < t.len && n < c.at[a]; n++)
		nb_utf8_next(t.s, t.len, &ai);
	rc = set_title(f, t.s + ai, bi - ai);
out:
	ct_free(&c);
	nb_buf_free(&t);
	return rc;
}

/* Title and metadata in the head: lines [0, f->head).  The title is the
 * window of lines that reads best as one before the prose starts: a
 * breadcrumb's 政府信息公开年报 gives way to the title naming agency and year. */
int fx_scan_head(facts *f)
{
	nb_doc *d = f->d;
	bool prose_seen = false;
	window best = { .score = -1 };
	int rc = 0;

	for (size_t i = 0; i < f->head && rc == 0; i++) {
		nb_line *l = &d->lines.v[i];
		ctext c;

		if (l->flags & (NB_LF_BLANK | NB_LF_PAGENO | NB_LF_IMAGE))
			continue;
		if ((rc = fx_ct_line(f, i, &c)) < 0)
			return rc;
		int m = fx_meta_line(f, i, &c, true);
		if (m < 0) {
			rc = m;
		} else if (m > 0) {
			l->flags |= NB_LF_META;
		} else if (!(l->flags & NB_LF_CHROME) && !prose_seen && best.score < 3) {
			rc = windows_at(f, i, &best);
		}
		/* a flattened article carries the page's metadata inline */
		if (rc == 0 && m == 0 && (c.n >= FLAT_LINE_MIN || (l->flags & NB_LF_FLATHEAD)))
			rc = fx_meta_inline(f, i, &c);
		if (rc == 0 && !(l->flags & NB_LF_CHROME) && c.n > 50 &&
		    (ct_find(c.cp, 0, c.n, "。") != SIZE_MAX || ct_find(c.cp, 0, c.n, ",") != SIZE_MAX))
			prose_seen = true;	/* the title comes before the prose */
		ct_free(&c);
	}
	if (rc == 0 && best.score >= 0)
		rc = take_title(f, &best);
	return rc;
}

/* Whether title is a proper end of [a, b) in c: what is left of a longer
 * title when its first part stayed on the line above. */
static int title_is_tail(const char *title, const ctext *c, size_t a, size_t b, bool *tail)
{
	ctext tc;
	int rc = ct_make(&tc, title, strlen(title));

	if (rc < 0)
		return rc;
	*tail = tc.n > 0 && tc.n < b - a &&
		!memcmp(c->cp + b - tc.n, tc.cp, tc.n * sizeof *tc.cp);
	ct_free(&tc);
	return 0;
}

/*
 * The title from a 标题/名称 row: when no line gave one, when the line's
 * title names no agency and the row's does, when the title was cut from
 * the start of a flattened article (the crawler's header is its own), or
 * when the line's title is only the end of the row's (a header row wrapped
 * after it was saved: 本地目录: …/1_平川 / 综合实验区2023年度…报告 would
 * name 综合实验区).  A row cut short goes on in the line below it
 * (标题: 平川综合实验区 / 2023年度政府信息公开…报告).
 */
int fx_title_from_meta(facts *f)
{
	nb_doc *d = f->d;
	nb_report *r = d->r;
	nb_buf t = { 0 };
	ctext c = { 0 };
	size_t a, b, aa, ab, cont = SIZE_MAX;
	int y, rc = 0;

	if (!f->meta_title)
		return 0;
	nb_buf_adds(&t, f->meta_title);
	if (t.oom || (rc = ct_make(&c, t.s, t.len)) < 0) {
		rc = rc ? rc : -ENOMEM;
		goto out;
	}
	bool ok = title_span(c.cp, c.n, &a, &b);
	size_t nx = f->meta_title_line + 1;
	if (!ok && nx < d->lines.n &&
	    !(d->lines.v[nx].flags & (NB_LF_META | NB_LF_CHROME | NB_LF_BLANK | NB_LF_PAGENO))) {
		nb_buf_add(&t, d->lines.v[nx].text, d->lines.v[nx].len);
		ct_free(&c);
		if (t.oom || (rc = ct_make(&c, t.s, t.len)) < 0) {
			rc = rc ? rc : -ENOMEM;
			goto out;
		}
		if ((ok = title_span(c.cp, c.n, &a, &b)))
			cont = nx;
	}
	if (!ok)
		goto out;
	if (f->titled && f->ag[SRC_TITLE].set && !f->title_cut) {
		bool tail;
		if ((rc = title_is_tail(r->title, &c, a, b, &tail)) < 0 || !tail)
			goto out;
	}
	bool named = title_agency(c.cp, a, b, &aa, &ab);
	if (f->titled && !named)
		goto out;	/* no better than the title the lines gave */
	if (fx_title_year(c.cp, a, b, &y) != SIZE_MAX) {
		r->year = y;
		r->year_rule = NB_YEAR_TITLE;
	}
	char *title = ct_str(c.cp, a, b);
	if (!title) {
		rc = -ENOMEM;
		goto out;
	}
	free(r->title);
	r->title = title;
	if (named) {
		free(f->ag[SRC_TITLE].name);
		f->ag[SRC_TITLE].name = ct_str(c.cp, aa, ab);
		if (!f->ag[SRC_TITLE].name) {
			rc = -ENOMEM;
			goto out;
		}
		f->ag[SRC_TITLE].set = true;
		f->ag[SRC_TITLE].line = SIZE_MAX;
	}
	if (cont != SIZE_MAX) {
		f->title_line = cont;
		f->title_end = cont + 1;
	}
out:
	ct_free(&c);
	nb_buf_free(&t);
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
		if ((rc = fx_ct_line(f, i, &c)) < 0)
			break;
		if (title_span(c.cp, c.n, &a, &b) && b - a == tc.n &&
		    !memcmp(c.cp + a, tc.cp, tc.n * sizeof *tc.cp))
			l->flags |= NB_LF_TITLE;
		ct_free(&c);
	}
	ct_free(&tc);
	return rc;
}
