/*
 * sections.c — the report's section headings, the spans of lines they open,
 * and the prose of each section, the preamble and the whole report.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "headings.h"

/* Bytes a section's name may take in a directory name ("N-" + name). */
#define NAME_MAX_BYTES 240

typedef struct {
	size_t line, nhead;
	size_t name_end;	/* nhead 1: the name's end in the line (nb_heading_at) */
	int numeral;
	int canon;		/* the canonical heading it reads as, or 0 */
	double score;
	char *heading;		/* as printed, tidied, joined */
	char *name;		/* without numeral and punctuation */
} head;

typedef struct {
	head *v;
	size_t n, cap;
} heads;

static void heads_free(heads *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].heading);
		free(h->v[i].name);
	}
	free(h->v);
}

static bool skipped(const nb_line *l)
{
	return l->flags & (NB_LF_BLANK | NB_LF_CHROME | NB_LF_PAGENO | NB_LF_META |
			   NB_LF_TITLE | NB_LF_IMAGE);
}

static size_t next_line(const nb_doc *d, size_t i)
{
	for (size_t k = i + 1; k < d->lines.n && k <= i + 2; k++)
		if (!skipped(&d->lines.v[k]))
			return k;
	return SIZE_MAX;
}

/* The heading's name cleaned for a directory: no '/', no control
 * characters, trailing colons and stops dropped, at most NAME_MAX_BYTES. */
static char *clean_name(const char *s, size_t n)
{
	nb_buf t = { 0 }, b = { 0 };

	nb_tidy(&t, s, n);
	if (t.oom)
		return NULL;
	size_t len = t.len, i = 0;
	const char *p = t.s ? t.s : "";
	/* drop trailing ： : 。 */
	for (;;) {
		if (len >= 3 && (!memcmp(p + len - 3, "\xef\xbc\x9a", 3) ||
				 !memcmp(p + len - 3, "\xe3\x80\x82", 3)))
			len -= 3;
		else if (len >= 1 && p[len - 1] == ':')
			len--;
		else
			break;
	}
	while (i < len) {
		size_t at = i;
		uint32_t cp = nb_utf8_next(p, len, &i);
		if (b.len + (i - at) > NAME_MAX_BYTES)
			break;
		if (cp == '/')
			nb_buf_addcp(&b, 0xFF0F);
		else if (cp >= 0x20 && cp != 0x7F)
			nb_buf_add(&b, p + at, i - at);
	}
	nb_buf_free(&t);
	if (!b.s && !b.oom)
		nb_buf_adds(&b, "");
	return nb_buf_take(&b);
}

static int push_head(heads *h, const nb_doc *d, size_t line, size_t hend, size_t nhead,
		     int num, const char *name, size_t nlen, double score, int canon)
{
	head *v = nb_grow(h->v, &h->cap, h->n + 1, sizeof *v, 16);
	if (!v)
		return -ENOMEM;
	h->v = v;
	head *x = &h->v[h->n];
	nb_buf hb = { 0 };
	nb_tidy(&hb, d->lines.v[line].text, hend);
	if (nhead == 2) {
		const nb_line *l = &d->lines.v[next_line(d, line)];
		nb_tidy(&hb, l->text, l->len);
	}
	*x = (head){ .line = line, .nhead = nhead, .name_end = hend, .numeral = num,
		     .canon = canon, .score = score };
	x->heading = nb_buf_take(&hb);
	x->name = clean_name(name, nlen);
	if (!x->heading || !x->name) {
		free(x->heading);
		free(x->name);
		return -ENOMEM;
	}
	h->n++;
	return 0;
}

/*
 * Every line that reads as a heading, with the next line joined when the
 * heading was split ("三、收到和处理政府信息公开" / "申请情况", "三、" / …).
 */
static int collect(const nb_doc *d, heads *h)
{
	const nb_fuzzy_key *hk = nb_tkeys_headings(d->tkeys);

	for (size_t i = d->body; i < d->lines.n; i++) {
		const nb_line *l = &d->lines.v[i];
		size_t na, ne;
		int num;

		double score;
		int canon;
		if (skipped(l) || !(num = nb_heading_at(hk, l, &na, &ne, &canon, &score)))
			continue;
		size_t nx = next_line(d, i);
		if (score < 0.95 && nx != SIZE_MAX) {
			const nb_line *x = &d->lines.v[nx];
			size_t xa, xe;
			nb_trim(x->text, x->len, &xa, &xe);
			size_t xn = nb_utf8_count(x->text + xa, xe - xa);
			if (xn > 0 && xn <= 16 && nb_heading_continues(x->text + xa, xe - xa)) {
				nb_buf j = { 0 };
				nb_buf_add(&j, l->text + na, ne - na);
				nb_buf_add(&j, x->text + xa, xe - xa);
				if (j.oom) {
					nb_buf_free(&j);
					return -ENOMEM;
				}
				double js;
				/* only a score of score + 0.1 or more is taken */
				int jc = nb_heading_classify(hk, j.s, j.len, score + 0.1, &js);
				if (jc && js >= score + 0.1) {
					int rc = push_head(h, d, i, l->len, 2, num, j.s, j.len, js, jc);
					nb_buf_free(&j);
					if (rc < 0)
						return rc;
					i = nx;
					continue;
				}
				nb_buf_free(&j);
			}
		}
		if (na == ne)
			continue;	/* a lone numeral: a table's tall label */
		int rc = push_head(h, d, i, ne, 1, num, l->text + na, ne - na, score, canon);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/*
 * The headings in order: each numeral one more than the last (a canonical
 * heading may skip one the text lost).  Of two with the same numeral before
 * the next, the canonical one wins (table 3's 四、结转下年度继续办理 comes
 * right before 四、政府信息公开行政复议…).
 */
static size_t choose(heads *h, bool *keep)
{
	int last = 0, lastcanon = 0;
	size_t n = 0;

	for (size_t i = 0; i < h->n; i++) {
		head *x = &h->v[i];
		keep[i] = false;
		if (x->numeral <= last)
			continue;
		bool next = x->numeral == last + 1;
		bool canon_jump = x->canon > lastcanon && x->numeral <= x->canon + 1;
		if (!next && !canon_jump)
			continue;
		if (last == 0 && x->numeral != 1 && !x->canon)
			continue;
		bool better = false;
		for (size_t k = i + 1; k < h->n && h->v[k].numeral != x->numeral + 1; k++)
			if (h->v[k].numeral == x->numeral && h->v[k].canon && !x->canon)
				better = true;
		if (better)
			continue;
		keep[i] = true;
		last = x->numeral;
		if (x->canon > lastcanon)
			lastcanon = x->canon;
		n++;
	}
	return n;
}

int nb_find_sections(nb_doc *d)
{
	heads h = { 0 };
	bool *keep = NULL;
	int rc = collect(d, &h);

	if (rc < 0)
		goto out;
	if (h.n == 0)
		goto out;
	keep = calloc(h.n, sizeof *keep);
	if (!keep) {
		rc = -ENOMEM;
		goto out;
	}
	size_t n = choose(&h, keep);
	d->spans = calloc(n, sizeof *d->spans);
	if (!d->spans) {
		rc = -ENOMEM;
		goto out;
	}

	/* A standard report: enough headings read as the canonical ones, in
	 * order, and the year is one of the standard formats'. */
	int year = d->r->year, ncanon = 0, prev = 0;
	for (size_t i = 0; i < h.n; i++)
		if (keep[i] && h.v[i].canon > prev) {
			prev = h.v[i].canon;
			ncanon++;
		}
	bool standard = (ncanon >= 4 || (ncanon >= 3 && (size_t)ncanon == n)) &&
			(year == 0 || year >= 2019);

	int *num = calloc(n ? n : 1, sizeof *num);
	if (!num) {
		rc = -ENOMEM;
		goto out;
	}
	size_t k = 0;
	prev = 0;
	for (size_t i = 0; i < h.n; i++) {
		if (!keep[i])
			continue;
		head *x = &h.v[i];
		nb_span *sp = &d->spans[k];
		num[k++] = x->numeral;
		sp->head = x->line;
		sp->nhead = x->nhead;
		sp->name_end = x->name_end;
		sp->canonical = 0;
		if (standard && x->canon > prev) {
			sp->canonical = x->canon;
			prev = x->canon;
		}
		sp->heading = x->heading;
		sp->name = x->name;
		x->heading = x->name = NULL;
	}
	d->nspans = n;
	/* In a standard report, a heading alone in a canonical gap that its
	 * numeral fits is that canonical section (一、概况 between nothing and
	 * 二、主动公开…). */
	for (size_t i = 0; standard && i < n; i++) {
		int p = 0, q = 7;
		if (d->spans[i].canonical)
			continue;
		for (size_t j = 0; j < i; j++)
			if (d->spans[j].canonical)
				p = d->spans[j].canonical;
		for (size_t j = n; j > i + 1; j--)
			if (d->spans[j - 1].canonical)
				q = d->spans[j - 1].canonical;
		if (q - p == 2 && num[i] == p + 1)
			d->spans[i].canonical = p + 1;
	}
	free(num);
	for (size_t i = 0; i < n; i++) {
		nb_span *sp = &d->spans[i];
		sp->end = i + 1 < n ? d->spans[i + 1].head : d->lines.n;
		d->lines.v[sp->head].flags |= NB_LF_HEADING;
		if (sp->nhead == 2) {
			size_t nx = next_line(d, sp->head);
			if (nx != SIZE_MAX)
				d->lines.v[nx].flags |= NB_LF_HEADING;
		}
		if (sp->canonical) {
			char *c = nb_strdup(nb_canonical_name(sp->canonical));
			if (!c) {
				rc = -ENOMEM;
				goto out;
			}
			free(sp->name);
			sp->name = c;
		} else if (!sp->name[0]) {
			free(sp->name);
			sp->name = nb_strdup(sp->heading);
			if (!sp->name) {
				rc = -ENOMEM;
				goto out;
			}
		}
	}
out:
	free(keep);
	heads_free(&h);
	return rc;
}

/* ---- assembling the text ------------------------------------------------- */

typedef struct {
	nb_doc *d;
	nb_prose ps, pr;	/* the section's prose; the report's text */
	nb_buf sec, rep;
	nb_prose *prose[2];	/* &ps, &pr: both take each prose line */
	nb_buf *out[2];		/* &sec, &rep */
} build;

/* Lines [from, to) into the section's prose and the report's text. */
static void take_lines(build *b, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		const nb_line *l = &b->d->lines.v[i];
		if ((l->flags & NB_LF_TABLE) &&
		    !(l->flags & (NB_LF_PAGENO | NB_LF_CHROME | NB_LF_META))) {
			nb_prose_break(&b->ps, &b->sec);
			nb_prose_raw(&b->pr, &b->rep, l->text, l->len);
		} else if (l->flags & (NB_LF_HEADING | NB_LF_TITLE | NB_LF_META)) {
			nb_prose_break(&b->ps, &b->sec);
			nb_prose_break(&b->pr, &b->rep);
		} else if (l->flags & (NB_LF_BLANK | NB_LF_CHROME | NB_LF_PAGENO | NB_LF_IMAGE)) {
			/* in a PDF a page's end does not end the paragraph */
			if (!b->d->pdf) {
				nb_prose_break(&b->ps, &b->sec);
				nb_prose_break(&b->pr, &b->rep);
			}
		} else {
			nb_prose_line(b->prose, b->out, l);
		}
	}
	nb_prose_break(&b->ps, &b->sec);
	nb_prose_break(&b->pr, &b->rep);
}

/* What follows the name on a heading's line ("一、总体情况。2019年，…"):
 * the section's first prose.  The name's end is the one nb_heading_at
 * found for the line (collect), kept, not found again. */
static void take_rest(build *b, const nb_span *sp)
{
	const nb_line *l = &b->d->lines.v[sp->head];

	if (sp->nhead != 1 || sp->name_end >= l->len)
		return;
	size_t i = sp->name_end;
	nb_utf8_next(l->text, l->len, &i);	/* the stop */
	nb_line rest = { .text = l->text + i, .len = l->len - i };
	nb_prose_line(b->prose, b->out, &rest);
}

static char *take_text(nb_buf *b, int *rc)
{
	if (b->oom) {
		nb_buf_free(b);
		*rc = -ENOMEM;
		return NULL;
	}
	if (!b->s)
		nb_buf_adds(b, "");
	char *s = nb_buf_take(b);
	if (!s)
		*rc = -ENOMEM;
	*b = (nb_buf){ 0 };
	return s;
}

int nb_build_sections(nb_doc *d)
{
	nb_report *r = d->r;
	build b = { .d = d };
	int rc = 0;
	size_t first = d->nspans ? d->spans[0].head : d->lines.n;

	b.prose[0] = &b.ps;
	b.prose[1] = &b.pr;
	b.out[0] = &b.sec;
	b.out[1] = &b.rep;

	nb_prose_init(&b.ps, d);
	b.pr = b.ps;
	if (r->title) {
		nb_buf_adds(&b.rep, r->title);
		nb_buf_adds(&b.rep, "\n\n");
	}
	take_lines(&b, d->body < first ? d->body : first, first);
	r->preamble = take_text(&b.sec, &rc);
	if (rc < 0)
		goto out;
	if (d->nspans) {
		r->sections = calloc(d->nspans, sizeof *r->sections);
		if (!r->sections || (!r->arena && nb_arena_new(&r->arena) < 0)) {
			rc = -ENOMEM;
			goto out;
		}
	}
	int extra = 7, order = 1;
	bool standard = false;
	for (size_t i = 0; i < d->nspans; i++)
		if (d->spans[i].canonical)
			standard = true;
	for (size_t i = 0; i < d->nspans; i++) {
		nb_span *sp = &d->spans[i];
		nb_section *s = &r->sections[i];
		if (b.rep.len)
			nb_buf_addc(&b.rep, '\n');
		nb_buf_adds(&b.rep, sp->heading);
		nb_buf_addc(&b.rep, '\n');
		take_rest(&b, sp);
		take_lines(&b, sp->head + 1, sp->end);
		s->number = sp->canonical ? sp->canonical : standard ? extra++ : order;
		order++;
		s->canonical = sp->canonical;
		/* the report's arena holds them (report.c) */
		s->name = nb_arena_strdup(r->arena, sp->name);
		s->heading = nb_arena_strdup(r->arena, sp->heading);
		s->text = take_text(&b.sec, &rc);
		r->nsections = i + 1;
		if (!s->name || !s->heading || rc < 0) {
			rc = -ENOMEM;
			goto out;
		}
	}
	r->text = take_text(&b.rep, &rc);
out:
	nb_buf_free(&b.sec);
	nb_buf_free(&b.rep);
	return rc;
}
