/*
 * facts.c — the report's title, agency, year and publication date, found in
 * the title, the page's metadata, the intro sentence and the signature; the
 * title and metadata lines are marked so that no text keeps them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* How far from the top the title and page metadata may be. */
#define HEAD_MAX 80
/* How many non-blank lines at the end may hold a signature or metadata. */
#define TAIL_LINES 12
/* Longest line taken for a title, a heading or a metadata row. */
#define SHORT_LINE 120

/*
 * A line as matching sees it: code points with the spaces dropped (PDF text
 * spaces out digits: "2024 年") and fullwidth ASCII folded; at[] keeps each
 * one's index among the line's code points, to find the printed spelling.
 */
typedef struct {
	uint32_t *cp;
	size_t *at;
	size_t n;
} ctext;

typedef struct {
	int y, m, d;
} date;

enum { SRC_TITLE, SRC_INTRO, SRC_SIGNATURE, SRC_HEADER, SRC_SOURCE, NSRC };

static const char *const src_names[NSRC] = {
	"title", "intro", "signature", "header", "source",
};

/* An agency name found in one line, at code points [a, b) of that line. */
typedef struct {
	bool set;
	size_t line, a, b;
	char *name;		/* as printed, spaces dropped, Simplified */
} cand;

typedef struct {
	nb_doc *d;
	size_t head;		/* lines [0, head) may hold title and metadata */
	cand ag[NSRC];
	date pub_meta, pub_written, pub_sign, pub_start;
	char *meta_title;	/* from a 标题：/名称 row */
	size_t title_line;	/* first line of the title, or SIZE_MAX */
	size_t title_end;	/* one past its last line */
} facts;

/* ---- compact text ---------------------------------------------------- */

static int ct_make(ctext *c, const char *s, size_t len)
{
	c->cp = malloc((len + 1) * sizeof *c->cp);
	c->at = malloc((len + 1) * sizeof *c->at);
	c->n = 0;
	if (!c->cp || !c->at) {
		free(c->cp);
		free(c->at);
		c->cp = NULL;
		c->at = NULL;
		return -ENOMEM;
	}
	size_t i = 0, k = 0;
	while (i < len) {
		uint32_t cp = nb_utf8_next(s, len, &i);
		if (!nb_is_space(cp)) {
			c->cp[c->n] = nb_halfwidth(cp);
			c->at[c->n++] = k;
		}
		k++;
	}
	return 0;
}

static void ct_free(ctext *c)
{
	free(c->cp);
	free(c->at);
	c->cp = NULL;
	c->at = NULL;
	c->n = 0;
}

static int ct_line(ctext *c, const nb_line *l)
{
	return ct_make(c, l->text, l->len);
}

/* Decodes a short UTF-8 literal. */
static size_t lit(const char *s, uint32_t *out, size_t cap)
{
	size_t i = 0, n = 0, len = strlen(s);

	while (i < len && n < cap)
		out[n++] = nb_utf8_next(s, len, &i);
	return n;
}

static bool at_lit(const uint32_t *t, size_t n, size_t i, const char *s)
{
	uint32_t u[32];
	size_t k = lit(s, u, 32);

	return i + k <= n && memcmp(t + i, u, k * sizeof *u) == 0;
}

/* Index of the first s in t[from, to), or SIZE_MAX. */
static size_t find_lit(const uint32_t *t, size_t from, size_t to, const char *s)
{
	uint32_t u[32];
	size_t k = lit(s, u, 32);

	for (size_t i = from; i + k <= to; i++)
		if (memcmp(t + i, u, k * sizeof *u) == 0)
			return i;
	return SIZE_MAX;
}

static bool ends_lit(const uint32_t *t, size_t a, size_t b, const char *s)
{
	uint32_t u[32];
	size_t k = lit(s, u, 32);

	return b - a >= k && memcmp(t + b - k, u, k * sizeof *u) == 0;
}

static bool is_digit(uint32_t cp)
{
	return cp >= '0' && cp <= '9';
}

static bool is_any(uint32_t cp, const char *set)
{
	uint32_t u[32];
	size_t k = lit(set, u, 32);

	for (size_t i = 0; i < k; i++)
		if (u[i] == cp)
			return true;
	return false;
}

static char *u_str(const uint32_t *t, size_t a, size_t b)
{
	nb_buf buf = { 0 };

	for (size_t i = a; i < b; i++)
		nb_buf_addcp(&buf, t[i]);
	if (!buf.s && !buf.oom)
		nb_buf_adds(&buf, "");
	return nb_buf_take(&buf);
}

/* ---- dates ----------------------------------------------------------- */

static bool date_valid(date dt)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (dt.y < 1990 || dt.y > 2099 || dt.m < 1 || dt.m > 12 || dt.d < 1)
		return false;
	if (dt.d > mdays[dt.m - 1])
		return false;
	bool leap = (dt.y % 4 == 0 && dt.y % 100 != 0) || dt.y % 400 == 0;
	return !(dt.m == 2 && dt.d == 29 && !leap);
}

static size_t digits(const uint32_t *t, size_t n, size_t i, size_t max, int *v)
{
	size_t k = 0;

	*v = 0;
	while (i + k < n && k < max && is_digit(t[i + k]))
		*v = *v * 10 + (int)(t[i + k++] - '0');
	return k;
}

/*
 * A date at t[i]: 2020-02-17, 2020年2月17日, 2020.2.17, 2020/02/17, and the
 * scraped 20161230日 (the separators lost).  *end gets the index past it.
 */
static bool date_at(const uint32_t *t, size_t n, size_t i, date *out, size_t *end)
{
	date dt;
	int v;

	if (i > 0 && is_digit(t[i - 1]))
		return false;
	if (digits(t, n, i, 8, &v) == 8 && i + 8 < n && at_lit(t, n, i + 8, "日")) {
		dt = (date){ v / 10000, v / 100 % 100, v % 100 };
		if (date_valid(dt)) {
			*out = dt;
			*end = i + 9;
			return true;
		}
	}
	if (digits(t, n, i, 4, &dt.y) != 4 || i + 4 >= n)
		return false;
	size_t k = i + 4;
	uint32_t sep = t[k];
	bool cjk = at_lit(t, n, k, "年");
	if (!cjk && sep != '-' && sep != '/' && sep != '.')
		return false;
	k++;
	size_t dm = digits(t, n, k, 2, &dt.m);
	if (!dm)
		return false;
	k += dm;
	if (k >= n || (cjk ? !at_lit(t, n, k, "月") : t[k] != sep))
		return false;
	k++;
	size_t dd = digits(t, n, k, 2, &dt.d);
	if (!dd)
		return false;
	k += dd;
	if (cjk && k < n && at_lit(t, n, k, "日"))
		k++;
	if (!date_valid(dt))
		return false;
	*out = dt;
	*end = k;
	return true;
}

/* The first date in t[a, b). */
static bool first_date(const uint32_t *t, size_t a, size_t b, date *out)
{
	size_t end;

	for (size_t i = a; i < b; i++)
		if (is_digit(t[i]) && date_at(t, b, i, out, &end))
			return true;
	return false;
}

/* A line that is nothing but a date, perhaps in brackets. */
static bool date_line(const ctext *c, date *out)
{
	size_t a = 0, b = c->n, end;

	while (a < b && is_any(c->cp[a], "([【"))
		a++;
	while (b > a && is_any(c->cp[b - 1], ")]】"))
		b--;
	return a < b && date_at(c->cp, b, a, out, &end) && end == b;
}

/* ---- candidates -------------------------------------------------------- */

static int cand_set(facts *f, int src, size_t line, const ctext *c, size_t a, size_t b)
{
	cand *k = &f->ag[src];

	if (k->set || b <= a)
		return 0;
	if (!nb_agency_like(c->cp + a, b - a))
		return 0;
	k->name = u_str(c->cp, a, b);
	if (!k->name)
		return -ENOMEM;
	k->set = true;
	k->line = line;
	k->a = c->at[a];
	k->b = c->at[b - 1] + 1;
	return 0;
}

/* ---- page metadata ------------------------------------------------------ */

enum { K_PUBLISHED, K_WRITTEN, K_SOURCE, K_ISSUER, K_TITLE, K_OTHER };

static const struct {
	const char *key;
	int kind;
	bool head_only;		/* words too common to trust below the head */
} meta_keys[] = {
	{ "发布时间", K_PUBLISHED, false }, { "发布日期", K_PUBLISHED, false },
	{ "公开日期", K_PUBLISHED, false }, { "发文日期", K_PUBLISHED, false },
	{ "日期", K_PUBLISHED, false }, { "成文日期", K_WRITTEN, false },
	{ "成文时间", K_WRITTEN, false }, { "信息来源", K_SOURCE, false },
	{ "来源", K_SOURCE, false }, { "发布机构", K_ISSUER, false },
	{ "发布单位", K_ISSUER, false }, { "发文机关", K_ISSUER, false },
	{ "发文单位", K_ISSUER, false }, { "所属机构", K_ISSUER, true },
	{ "单位", K_ISSUER, true }, { "标题", K_TITLE, true },
	{ "名称", K_TITLE, true }, { "索引号", K_OTHER, false },
	{ "索引號", K_OTHER, false }, { "文号", K_OTHER, false },
	{ "公开方式", K_OTHER, false }, { "公开范围", K_OTHER, false },
	{ "主题分类", K_OTHER, false }, { "体裁分类", K_OTHER, false },
	{ "信息分类", K_OTHER, false }, { "分类", K_OTHER, true },
	{ "关键词", K_OTHER, true }, { "采集时间", K_OTHER, false },
	{ "有效性", K_OTHER, true }, { "生成日期", K_OTHER, false },
	{ "责任编辑", K_OTHER, false }, { "浏览次数", K_OTHER, false },
	{ "访问次数", K_OTHER, false }, { "字号", K_OTHER, true },
	{ "作者", K_OTHER, true },
};
#define NKEYS (sizeof meta_keys / sizeof *meta_keys)

/* The key at t[i] followed by ':' or '|' (fullwidth forms are folded),
 * longest first; its index or -1, and where its value starts. */
static int key_at(const uint32_t *t, size_t n, size_t i, bool head, size_t *vstart)
{
	int best = -1;
	size_t bestlen = 0;

	for (size_t k = 0; k < NKEYS; k++) {
		if (meta_keys[k].head_only && !head)
			continue;
		uint32_t u[16];
		size_t kl = lit(meta_keys[k].key, u, 16);
		if (kl <= bestlen || i + kl >= n || memcmp(t + i, u, kl * sizeof *u))
			continue;
		if (t[i + kl] != ':' && t[i + kl] != '|')
			continue;
		best = (int)k;
		bestlen = kl;
	}
	if (best >= 0) {
		size_t v = i + bestlen;
		if (v < n && t[v] == ':')
			v++;
		if (v < n && t[v] == '|')
			v++;
		*vstart = v;
	}
	return best;
}

static int meta_value(facts *f, size_t line, const ctext *c, int key, size_t a, size_t b)
{
	while (a < b && is_any(c->cp[a], "[【(<"))
		a++;
	while (b > a && is_any(c->cp[b - 1], "]】)>,;"))
		b--;
	if (a >= b)
		return 0;
	switch (meta_keys[key].kind) {
	case K_PUBLISHED:
		if (!f->pub_meta.y)
			first_date(c->cp, a, b, &f->pub_meta);
		return 0;
	case K_WRITTEN:
		if (!f->pub_written.y)
			first_date(c->cp, a, b, &f->pub_written);
		return 0;
	case K_SOURCE:
		return cand_set(f, SRC_SOURCE, line, c, a, b);
	case K_ISSUER:
		return cand_set(f, SRC_HEADER, line, c, a, b);
	case K_TITLE:
		if (!f->meta_title) {
			f->meta_title = u_str(c->cp, a, b);
			if (!f->meta_title)
				return -ENOMEM;
		}
		return 0;
	default:
		return 0;
	}
}

/*
 * A metadata line starts with one of the keys (after an opening bracket, as
 * in "[来源: 区政府办公室 ]") and may hold several "key: value" pairs or
 * table cells "key | value | key | value"; a value runs to the end of its
 * cell or to the next key.  Returns 1 when the line is one.
 */
static int meta_line(facts *f, size_t line, const ctext *c, bool head)
{
	const uint32_t *t = c->cp;
	size_t n = c->n, i = 0, v;
	int key;

	if (n == 0 || n > SHORT_LINE)
		return 0;
	while (i < n && is_any(t[i], "[【*#|"))
		i++;
	if ((key = key_at(t, n, i, head, &v)) < 0)
		return 0;
	while (key >= 0) {
		size_t e = v, nv = 0;
		int next = -1;
		while (e < n && t[e] != '|' && (next = key_at(t, n, e, head, &nv)) < 0)
			e++;
		int rc = meta_value(f, line, c, key, v, e);
		if (rc < 0)
			return rc;
		key = next;
		v = nv;
		/* past the cell's end: the next cell that starts with a key */
		while (key < 0 && e < n) {
			while (e < n && t[e] == '|')
				e++;
			if ((key = key_at(t, n, e, head, &v)) < 0)
				while (e < n && t[e] != '|')
					e++;
		}
	}
	return 1;
}

/* ---- the title ------------------------------------------------------------ */

static const char *const report_words[] = {
	"政府信息公开", "信息公开", "政务公开", "政府信息", "工作年度报告",
	"年度报告", "工作报告", "年报",
};

/*
 * Strips what surrounds a title: a "标题:" label, Markdown marks, and a site
 * name after the last 报告 ("…年度报告-沭阳县发改局").  Returns whether what
 * is left in [*a, *b) reads as a report's title.
 */
static bool title_span(const uint32_t *t, size_t n, size_t *a, size_t *b)
{
	size_t i = 0, e = n;

	while (i < n && is_any(t[i], "#*【[<"))
		i++;
	if (at_lit(t, n, i, "标题:") || at_lit(t, n, i, "名称:"))
		i += 3;
	size_t last = SIZE_MAX;
	for (size_t k = i; k + 1 < n; k++)
		if (at_lit(t, n, k, "报告") || at_lit(t, n, k, "年报"))
			last = k + 2;
	if (last == SIZE_MAX)
		return false;
	if (last < n && t[last] == '(' && t[n - 1] == ')' && find_lit(t, last, n, "年") != SIZE_MAX) {
		e = n;	/* …年度报告（2019年度） */
	} else if (last < n) {
		if (!is_any(t[last], "-_|—–·") && !at_lit(t, n, last, "(全文)"))
			return false;
		e = last;
	}
	while (e > i && is_any(t[e - 1], "*#】]>"))
		e--;
	if (e - i < 6 || e - i > 80)
		return false;
	if (find_lit(t, i, e, "公开") == SIZE_MAX && find_lit(t, i, e, "年报") == SIZE_MAX &&
	    find_lit(t, i, e, "年度报告") == SIZE_MAX)
		return false;
	for (size_t k = i; k < e; k++)
		if (is_any(t[k], "。,;>»") || at_lit(t, e, k, "现公布"))
			return false;
	*a = i;
	*b = e;
	return true;
}

/* The year a title names: four digits and 年 ("2024年", "2019年度"). */
static size_t title_year(const uint32_t *t, size_t a, size_t b, int *year)
{
	for (size_t i = a; i + 4 < b; i++) {
		int y;
		if ((i == a || !is_digit(t[i - 1])) && digits(t, b, i, 4, &y) == 4 &&
		    at_lit(t, b, i + 4, "年") && y >= 1990 && y <= 2099) {
			*year = y;
			return i;
		}
	}
	return SIZE_MAX;
}

static bool agency_span(const uint32_t *t, size_t s, size_t e, size_t *aa, size_t *ab)
{
	while (e > s && is_any(t[e - 1], "(《\"“"))
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
	size_t yi = title_year(t, a, b, &y);
	size_t about = find_lit(t, a, b, "关于");
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
		if (at_lit(t, b, s, "度"))
			s++;
	}
	for (size_t k = 0; k < sizeof report_words / sizeof *report_words; k++) {
		size_t w = find_lit(t, s, b, report_words[k]);
		if (w < e)
			e = w;
	}
	/* 某市人民政府信息公开…: the 政府 belongs to both */
	if (e < b && ends_lit(t, s, e, "人民") && at_lit(t, b, e, "政府"))
		e += 2;
	return agency_span(t, s, e, aa, ab);
}

/* A short line that is only an agency's name (a title's first line, a
 * signature). */
static bool agency_line(const ctext *c)
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
	if (title_year(c->cp, a, b, &y) != SIZE_MAX) {
		r->year = y;
		r->year_rule = NB_YEAR_TITLE;
	}
	if (title_agency(c->cp, a, b, &aa, &ab)) {
		if ((rc = cand_set(f, SRC_TITLE, i, c, aa, ab)) < 0)
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
		size_t pyi = title_year(pc.cp, 0, pc.n, &py);
		if (pyi != SIZE_MAX && pyi + 5 >= pc.n - 1)
			pe = pyi;	/* 沐阳县人民政府 2025 年 / 政府信息公开… */
		if (pe >= 2 && pe <= 30 && nb_agency_like(pc.cp, pe)) {
			rc = cand_set(f, SRC_TITLE, p, &pc, 0, pe);
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

	for (size_t k = 0; k < sizeof before / sizeof *before; k++) {
		size_t at = find_lit(t, 0, n, before[k]);
		if (at == SIZE_MAX)
			continue;
		uint32_t u[16];
		size_t s = at + lit(before[k], u, 16), e = n;
		int y;
		size_t yi = title_year(t, s, n, &y);
		if (yi != SIZE_MAX)
			e = yi;
		for (size_t w = 0; w < sizeof report_words / sizeof *report_words; w++) {
			size_t wi = find_lit(t, s, e, report_words[w]);
			if (wi < e)
				e = wi;
		}
		if (e > s && e - s <= 30 && nb_agency_like(t + s, e - s))
			return cand_set(f, SRC_INTRO, line, c, s, e);
	}
	/* "…规定，松川市人民政府编制了本年度报告": the clause before 编制. */
	for (size_t at = find_lit(t, 0, n, "编制"); at != SIZE_MAX;
	     at = find_lit(t, at + 1, n, "编制")) {
		size_t s = at;
		while (s > 0 && at - s < 30 && !is_any(t[s - 1], "，,。；;：:）)》"))
			s--;
		for (size_t k = s; k < at; k++)
			if (is_any(t[k], "由"))
				s = k + 1;
		if (s < at && nb_agency_like(t + s, at - s))
			return cand_set(f, SRC_INTRO, line, c, s, at);
	}
	for (size_t by = find_lit(t, 0, n, "由"); by != SIZE_MAX;
	     by = find_lit(t, by + 1, n, "由")) {
		size_t e = SIZE_MAX;
		static const char *const after[] = { "编制", "根据", "负责", "按照", "依据" };
		for (size_t k = 0; k < sizeof after / sizeof *after; k++) {
			size_t w = find_lit(t, by + 1, by + 32 < n ? by + 32 : n, after[k]);
			if (w < e)
				e = w;
		}
		if (e != SIZE_MAX && nb_agency_like(t + by + 1, e - by - 1))
			return cand_set(f, SRC_INTRO, line, c, by + 1, e);
	}
	return 0;
}

/* The statistics period: 统计期限自2019年1月1日起至2019年12月31日止, also
 * mangled (20201月1日起至202012月31日止).  Returns the year or 0. */
static int period_year(const ctext *c)
{
	const uint32_t *t = c->cp;
	size_t n = c->n;

	for (size_t i = find_lit(t, 0, n, "1月1日"); i != SIZE_MAX;
	     i = find_lit(t, i + 1, n, "1月1日")) {
		size_t j = i;
		if (j > 0 && at_lit(t, n, j - 1, "年"))
			j--;
		if (j < 4 || (j >= 5 && is_digit(t[j - 5])))
			continue;
		int y;
		if (digits(t, n, j - 4, 4, &y) != 4 || y < 1990 || y > 2099)
			continue;
		size_t lim = i + 40 < n ? i + 40 : n;
		if (find_lit(t, i, lim, "12月31日") != SIZE_MAX)
			return y;
	}
	return 0;
}

/* ---- the pieces together -------------------------------------------------- */

static bool line_skipped(const nb_line *l)
{
	return l->flags & (NB_LF_BLANK | NB_LF_CHROME | NB_LF_PAGENO | NB_LF_IMAGE);
}

/* The first line of the body proper: a section heading 一、 ends the head. */
static size_t head_end(const nb_doc *d)
{
	size_t lim = d->lines.n < HEAD_MAX ? d->lines.n : HEAD_MAX;

	for (size_t i = 0; i < lim; i++) {
		const nb_line *l = &d->lines.v[i];
		size_t s, e, k;
		nb_trim(l->text, l->len, &s, &e);
		while (s < e && (l->text[s] == '#' || l->text[s] == ' '))
			s++;
		k = s;
		if (e - s < 4 || nb_utf8_next(l->text, e, &k) != 0x4E00)
			continue;
		uint32_t p = nb_halfwidth(nb_utf8_next(l->text, e, &k));
		if (p == 0x3001 || p == '.' || p == 0xFF0E || p == ' ' || p == 0x3000)
			return i;
	}
	return lim;
}

static void date_str(char out[11], date dt)
{
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)dt.y % 10000u, (unsigned)dt.m % 100u,
		 (unsigned)dt.d % 100u);
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
static int choose_agency(facts *f)
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

/* Title and metadata in the head: lines [0, f->head). */
static int scan_head(facts *f)
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
		int m = meta_line(f, i, &c, true);
		if (m < 0) {
			rc = m;
		} else if (m > 0) {
			l->flags |= NB_LF_META;
		} else if (!(l->flags & NB_LF_CHROME) && !prose_seen && f->title_line == SIZE_MAX &&
			   title_span(c.cp, c.n, &a, &b)) {
			rc = take_title(f, i, &c, a, b);
		} else if (!(l->flags & NB_LF_CHROME) && c.n > 50 &&
			   (find_lit(c.cp, 0, c.n, "。") != SIZE_MAX || find_lit(c.cp, 0, c.n, ",") != SIZE_MAX)) {
			prose_seen = true;	/* the title comes before the prose */
		}
		ct_free(&c);
	}
	return rc;
}

/* The title from a 标题/名称 row when no line gave one. */
static int title_from_meta(facts *f)
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
		if (title_year(c.cp, a, b, &y) != SIZE_MAX) {
			r->year = y;
			r->year_rule = NB_YEAR_TITLE;
		}
		char *t = u_str(c.cp, a, b);
		if (!t) {
			rc = -ENOMEM;
		} else {
			free(r->title);
			r->title = t;
		}
		if (rc == 0 && title_agency(c.cp, a, b, &aa, &ab) && !f->ag[SRC_TITLE].set) {
			f->ag[SRC_TITLE].name = u_str(c.cp, aa, ab);
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
static int mark_title_lines(facts *f)
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

/*
 * A byline under the title (沐阳县人民政府 / (2026年1月23日)) and a signature
 * at the end (绥芬河市人民政府 / 2020年2月17日): an agency's line, then a
 * date's.  *found says whether lines name_line and date_line_i are one.
 */
static int signature_at(facts *f, size_t name_line, size_t date_line_i, date *out,
			bool *found)
{
	nb_doc *d = f->d;
	ctext nc, dc;
	int rc;

	*found = false;
	if ((rc = ct_line(&dc, &d->lines.v[date_line_i])) < 0)
		return rc;
	if ((rc = ct_line(&nc, &d->lines.v[name_line])) < 0) {
		ct_free(&dc);
		return rc;
	}
	if (date_line(&dc, out) && agency_line(&nc)) {
		*found = true;
		rc = cand_set(f, SRC_SIGNATURE, name_line, &nc, 0, nc.n);
	}
	ct_free(&nc);
	ct_free(&dc);
	return rc;
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
	ctext dc;
	if ((rc = ct_line(&dc, &d->lines.v[n1])) < 0)
		return rc;
	found = date_line(&dc, &f->pub_start);
	ct_free(&dc);
	if (found) {
		d->lines.v[n1].flags |= NB_LF_META;
		return 0;
	}
	n2 = next_text_line(d, n1 + 1, d->lines.n);
	if (n2 == SIZE_MAX || n2 - n1 > 3)
		return 0;
	if ((rc = signature_at(f, n1, n2, &f->pub_start, &found)) < 0)
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
	int rc = 0;

	for (size_t i = d->lines.n; i > f->head && seen < TAIL_LINES; i--) {
		nb_line *l = &d->lines.v[i - 1];
		if (line_skipped(l))
			continue;
		seen++;
		ctext c;
		if ((rc = ct_line(&c, l)) < 0)
			return rc;
		int m = meta_line(f, i - 1, &c, false);
		ct_free(&c);
		if (m < 0)
			return m;
		if (m > 0) {
			l->flags |= NB_LF_META;
			continue;
		}
		if (after != SIZE_MAX && !f->pub_sign.y) {
			bool found;
			date dt;
			if ((rc = signature_at(f, i - 1, after, &dt, &found)) < 0)
				return rc;
			if (found)
				f->pub_sign = dt;
		}
		after = i - 1;
	}
	return 0;
}

/* The intro: the first prose lines after the title block. */
static int scan_intro(facts *f)
{
	nb_doc *d = f->d;
	nb_report *r = d->r;
	size_t lines = 0;
	int rc = 0;

	for (size_t i = d->body; i < d->lines.n && rc == 0; i++) {
		nb_line *l = &d->lines.v[i];
		if (line_skipped(l) || (l->flags & (NB_LF_META | NB_LF_TITLE)))
			continue;
		ctext c;
		if ((rc = ct_line(&c, l)) < 0)
			return rc;
		if (lines == 0 && !f->pub_start.y) {
			size_t end;
			date dt;
			if (c.n > 0 && date_at(c.cp, c.n, 0, &dt, &end))
				f->pub_start = dt;
		}
		if (lines < 12 && i < f->head + 12)
			rc = intro_agency(f, i, &c);
		if (r->year_rule != NB_YEAR_TITLE && !r->year) {
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
	return rc;
}

int nb_find_facts(nb_doc *d)
{
	facts f = { .d = d, .title_line = SIZE_MAX, .title_end = SIZE_MAX };
	nb_report *r = d->r;
	int rc;

	f.head = head_end(d);
	if ((rc = scan_head(&f)) < 0)
		goto out;
	if ((rc = title_from_meta(&f)) < 0)
		goto out;
	if ((rc = mark_title_lines(&f)) < 0)
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
	if ((rc = scan_intro(&f)) < 0)
		goto out;
	if ((rc = choose_agency(&f)) < 0)
		goto out;

	date pub = f.pub_meta.y ? f.pub_meta : f.pub_written.y ? f.pub_written :
		   f.pub_sign.y ? f.pub_sign : f.pub_start;
	if (pub.y)
		date_str(r->published, pub);
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
	return rc;
}
