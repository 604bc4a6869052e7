/*
 * wrapjoin — measures how well the core joins the lines a PDF hard-wrapped.
 *
 *   wrapjoin [-p layout|raw] DIR...   (-p: print the wrapped texts instead)
 *
 * Every fixture under the DIRs whose prose arrives one paragraph per line
 * (not layout/ or raw/, which are PDF text already) is parsed; its title,
 * headings and paragraphs are then printed as a PDF's text would carry
 * them, hard-wrapped at 30 to 40 Han characters (60 to 80 columns; one
 * width per report), in two orders:
 *
 *   layout  pdftotext -layout: a left margin, paragraphs indented by four
 *           more columns, a centred page number (- N -) and a form feed
 *           every 44 lines, the title repeated at the top of each page
 *   raw     pdftotext reading order: no margin, paragraphs indented with
 *           two U+3000, a bare page number and a form feed every 44 lines,
 *           the running header at the top of each page
 *
 * That text is parsed again and report.txt searched for each wrapped
 * phrase (three characters either side of a break inside a paragraph):
 * found on one line, the break was joined.  Also counted: breaks inside a
 * number (培训16 / 36期), paragraph ends joined to the next paragraph
 * (wrong joins), and page numbers or running headers left in the text.
 * Figures, not a test: it exits 0 unless it cannot run.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "corpus.h"
#include "nianbao.h"

#define PAGE_LINES 44
#define SIDE 3			/* characters either side of a break */

typedef struct {
	size_t breaks, joined, nbreaks, njoined, ends, wrong, furniture, docs;
} tally;

/* Byte length of the UTF-8 sequence starting with c. */
static size_t seq(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Code points of s[0..n). */
static size_t count(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i += seq((unsigned char)s[i]))
		k++;
	return k;
}

/* Byte offset of code point k in s. */
static size_t at_cp(const char *s, size_t n, size_t k)
{
	size_t i = 0;
	while (i < n && k--)
		i += seq((unsigned char)s[i]);
	return i;
}

typedef struct {
	char *s;
	size_t len, cap;
	size_t lines;		/* lines on the current page */
	int page;
	bool raw;
	const char *header;
} out;

static void put(out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		o->cap = (o->len + n + 1) * 2;
		o->s = realloc(o->s, o->cap);
		if (!o->s) {
			perror("wrapjoin");
			exit(1);
		}
	}
	memcpy(o->s + o->len, s, n);
	o->len += n;
	o->s[o->len] = '\0';
}

static void puts_(out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* One printed line; a page break with its number after PAGE_LINES. */
static void line(out *o, const char *s, size_t n)
{
	char buf[64];

	put(o, s, n);
	puts_(o, "\n");
	if (++o->lines < PAGE_LINES)
		return;
	o->page++;
	if (o->raw)
		snprintf(buf, sizeof buf, "%d\n\f", o->page);
	else
		snprintf(buf, sizeof buf, "\n                                  - %d -\n\f", o->page);
	puts_(o, buf);
	o->lines = 0;
	if (o->raw) {
		puts_(o, o->header);
	} else {
		puts_(o, "              ");
		puts_(o, o->header);
	}
	puts_(o, "\n");
}

typedef struct {
	char a[SIDE * 4 + 1], b[SIDE * 4 + 1];
	bool digits;		/* a digit on both sides */
	bool end;		/* a paragraph's end, not a wrap */
} brk;

typedef struct {
	brk *v;
	size_t n, cap;
} brks;

static void add_break(brks *bs, const char *l, size_t ln, const char *r, size_t rn, bool end)
{
	if (bs->n == bs->cap) {
		bs->cap = bs->cap ? bs->cap * 2 : 64;
		bs->v = realloc(bs->v, bs->cap * sizeof *bs->v);
		if (!bs->v) {
			perror("wrapjoin");
			exit(1);
		}
	}
	brk *b = &bs->v[bs->n++];
	size_t lc = count(l, ln), rc = count(r, rn);
	size_t la = at_cp(l, ln, lc > SIDE ? lc - SIDE : 0);
	size_t rb = at_cp(r, rn, rc > SIDE ? SIDE : rc);
	snprintf(b->a, sizeof b->a, "%.*s", (int)(ln - la), l + la);
	snprintf(b->b, sizeof b->b, "%.*s", (int)rb, r);
	b->digits = ln && rn && l[ln - 1] >= '0' && l[ln - 1] <= '9' && r[0] >= '0' && r[0] <= '9';
	b->end = end;
}

/* Display columns of the code point starting at s: CJK and fullwidth
 * forms take two. */
static size_t cols(const char *s)
{
	return (unsigned char)s[0] >= 0xE1 ? 2 : 1;
}

/* A paragraph wrapped at width display columns (its first line two
 * characters narrower: the indent). */
static void paragraph(out *o, brks *bs, const char *p, size_t n, size_t width,
		      const char *prev_end, size_t prev_n)
{
	const char *last = NULL;
	size_t lastn = 0, a = 0;

	if (prev_end)
		add_break(bs, prev_end, prev_n, p, n, true);
	while (a < n) {
		size_t w = a == 0 ? width - 4 : width, b = a, used = 0;
		while (b < n && used + cols(p + b) <= w) {
			used += cols(p + b);
			b += seq((unsigned char)p[b]);
		}
		if (last)
			add_break(bs, last, lastn, p + a, b - a, false);
		if (o->raw) {
			if (a == 0)
				puts_(o, "\xe3\x80\x80\xe3\x80\x80");
		} else {
			puts_(o, a == 0 ? "      " : "  ");
		}
		line(o, p + a, b - a);
		last = p + a;
		lastn = b - a;
		a = b;
	}
}

/* Writes the report as PDF text; the breaks it made into bs. */
static void render(const nb_report *r, bool raw, unsigned seed, out *o, brks *bs)
{
	/* one page width per document: 30 to 40 Han characters */
	size_t width = 2 * (30 + seed * 7 % 11);

	o->raw = raw;
	o->header = r->title ? r->title : "政府信息公开工作年度报告";
	if (r->title) {
		puts_(o, raw ? "" : "            ");
		line(o, r->title, strlen(r->title));
		line(o, "", 0);
	}
	for (size_t i = 0; i < r->nsections; i++) {
		const nb_section *s = &r->sections[i];
		if (!raw)
			puts_(o, "  ");
		line(o, s->heading, strlen(s->heading));
		const char *p = s->text, *pe = NULL;
		size_t pn = 0;
		while (p && *p) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);
			if (n > 0) {
				paragraph(o, bs, p, n, width, pe, pn);
				pe = p;
				pn = n;
			}
			p += n + (nl != NULL);
		}
	}
}

static bool has(const char *text, const char *a, const char *b)
{
	char buf[64];
	snprintf(buf, sizeof buf, "%s%s", a, b);
	return strstr(text, buf) != NULL;
}

/* -p: the order to print instead of measuring, or NULL */
static const char *print_order;

static void measure(nb_parser *p, const nb_report *src, bool raw, unsigned seed, tally *t)
{
	out o = { 0 };
	brks bs = { 0 };
	nb_report *r;

	render(src, raw, seed, &o, &bs);
	if (print_order) {
		if (!strcmp(print_order, raw ? "raw" : "layout"))
			fwrite(o.s, 1, o.len, stdout);
		free(o.s);
		free(bs.v);
		return;
	}
	if (nb_parse(p, "wrapped.txt", o.s, o.len, &r) < 0) {
		free(o.s);
		free(bs.v);
		return;
	}
	t->docs++;
	for (size_t i = 0; i < bs.n; i++) {
		const brk *b = &bs.v[i];
		bool one = has(r->text, b->a, b->b);
		if (b->end) {
			t->ends++;
			t->wrong += one;
		} else {
			t->breaks++;
			t->joined += one;
			t->nbreaks += b->digits;
			t->njoined += b->digits && one;
		}
	}
	/* page numbers and running headers left in the prose */
	for (const char *l = r->text; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		char num[16];
		int v;
		if (n && n < sizeof num) {
			memcpy(num, l, n);
			num[n] = '\0';
			if ((sscanf(num, "- %d -", &v) == 1 || sscanf(num, "%d", &v) == 1) &&
			    strspn(num, "- 0123456789") == n)
				t->furniture++;
		}
		/* the running header, alone or inside a paragraph */
		if (src->title && l != r->text && memmem(l, n, src->title, strlen(src->title)))
			t->furniture++;
		l += n + (nl != NULL);
	}
	nb_report_free(r);
	free(o.s);
	free(bs.v);
}

static void walk(nb_parser *p, const char *dir, tally t[2], unsigned *seed)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[4096];
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		struct stat st;
		if (stat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (strcmp(e->d_name, "layout") && strcmp(e->d_name, "raw"))
				walk(p, path, t, seed);
			continue;
		}
		if (strstr(e->d_name, ".expect.json") || strstr(e->d_name, ".py") ||
		    !strcmp(e->d_name, "README.md"))
			continue;
		char *buf = NULL;
		size_t len = 0;
		nb_report *r;
		if (read_file(path, &buf, &len) < 0)
			continue;
		if (nb_parse(p, path, buf, len, &r) == 0) {
			tally before[2] = { t[0], t[1] };
			measure(p, r, false, (*seed)++, &t[0]);
			measure(p, r, true, (*seed)++, &t[1]);
			if (getenv("WRAPJOIN_VERBOSE"))
				for (int k = 0; k < 2; k++)
					fprintf(stderr, "%s %s: breaks %zu joined %zu ends %zu wrong %zu\n",
						path, k ? "raw" : "layout", t[k].breaks - before[k].breaks,
						t[k].joined - before[k].joined, t[k].ends - before[k].ends,
						t[k].wrong - before[k].wrong);
			nb_report_free(r);
		}
		free(buf);
	}
	closedir(d);
}

static double pct(size_t a, size_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0;
}

int main(int argc, char **argv)
{
	nb_parser *p;
	const char *err = NULL;
	tally t[2] = { { 0 } };
	unsigned seed = 1;

	if (argc > 2 && !strcmp(argv[1], "-p")) {
		print_order = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: wrapjoin [-p layout|raw] DIR...\n");
		return 2;
	}
	if (nb_parser_new(&p, &err) < 0) {
		fprintf(stderr, "wrapjoin: %s\n", err ? err : "cannot start the parser");
		return 1;
	}
	for (int i = 1; i < argc; i++)
		walk(p, argv[i], t, &seed);
	nb_parser_free(p);
	if (print_order)
		return 0;
	printf("order   reports  breaks  joined%%  number-breaks joined%%  para-ends wrongly-joined%%  furniture-left\n");
	for (int k = 0; k < 2; k++)
		printf("%-7s %7zu %7zu %7.1f %14zu %7.1f %10zu %16.1f %15zu\n", k ? "raw" : "layout",
		       t[k].docs, t[k].breaks, pct(t[k].joined, t[k].breaks), t[k].nbreaks,
		       pct(t[k].njoined, t[k].nbreaks), t[k].ends, pct(t[k].wrong, t[k].ends),
		       t[k].furniture);
	return 0;
}
