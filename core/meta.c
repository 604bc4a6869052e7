/*
 * meta.c — page metadata: the "key: value" rows a site prints around a
 * report (发布时间, 来源, 发布机构, 标题, 索引号 …), read into the facts, and
 * recognised so that no text keeps them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uchar.h>

#include "facts.h"

enum { K_PUBLISHED, K_WRITTEN, K_SOURCE, K_ISSUER, K_TITLE, K_OTHER };

/* The keys as the code points they are matched as (UTF-32, so that no
 * line's every position decodes them), with their lengths. */
#define K(w) w, sizeof w / sizeof w[0] - 1
static const struct {
	const char32_t *key;
	size_t n;
	int kind;
	bool head_only;		/* words too common to trust below the head */
} meta_keys[] = {
	{ K(U"发布时间"), K_PUBLISHED, false }, { K(U"发布日期"), K_PUBLISHED, false },
	{ K(U"公开日期"), K_PUBLISHED, false }, { K(U"发文日期"), K_PUBLISHED, false },
	{ K(U"日期"), K_PUBLISHED, false }, { K(U"成文日期"), K_WRITTEN, false },
	{ K(U"成文时间"), K_WRITTEN, false }, { K(U"信息来源"), K_SOURCE, false },
	{ K(U"来源"), K_SOURCE, false }, { K(U"发布机构"), K_ISSUER, false },
	{ K(U"发布单位"), K_ISSUER, false }, { K(U"发文机关"), K_ISSUER, false },
	{ K(U"发文单位"), K_ISSUER, false }, { K(U"所属机构"), K_ISSUER, true },
	{ K(U"单位"), K_ISSUER, true }, { K(U"标题"), K_TITLE, true },
	{ K(U"名称"), K_TITLE, true }, { K(U"索引号"), K_OTHER, false },
	{ K(U"索引號"), K_OTHER, false }, { K(U"文号"), K_OTHER, false },
	{ K(U"公开方式"), K_OTHER, false }, { K(U"公开范围"), K_OTHER, false },
	{ K(U"主题分类"), K_OTHER, false }, { K(U"体裁分类"), K_OTHER, false },
	{ K(U"信息分类"), K_OTHER, false }, { K(U"分类"), K_OTHER, true },
	{ K(U"关键词"), K_OTHER, true }, { K(U"采集时间"), K_OTHER, false },
	{ K(U"有效性"), K_OTHER, true }, { K(U"生成日期"), K_OTHER, false },
	{ K(U"责任编辑"), K_OTHER, false }, { K(U"浏览次数"), K_OTHER, false },
	{ K(U"访问次数"), K_OTHER, false }, { K(U"字号"), K_OTHER, true },
	{ K(U"作者"), K_OTHER, true },
	/* a crawler's header lines (栏目: 政府信息公开年报, 原文链接: https://…) */
	{ K(U"时间"), K_PUBLISHED, true }, { K(U"栏目"), K_OTHER, true },
	{ K(U"原文链接"), K_OTHER, true }, { K(U"本地目录"), K_OTHER, true },
	{ K(U"页面链接"), K_OTHER, true },
};
#undef K
#define NKEYS (sizeof meta_keys / sizeof *meta_keys)

/* char32_t is the uint32_t of ctext (glibc: both unsigned int). */
_Static_assert(_Generic((const char32_t *)0, const uint32_t *: 1, default: 0),
	       "char32_t is not uint32_t");

uint64_t fx_meta_firsts(void)
{
	uint32_t u[NKEYS];

	for (size_t k = 0; k < NKEYS; k++)
		u[k] = meta_keys[k].key[0];
	return nb_key_bits(u, NKEYS);
}

/* The key at t[i] followed by ':' or '|' (fullwidth forms are folded),
 * longest first; its index or -1, and where its value starts.  firsts:
 * fx_meta_firsts(), asked first: most positions start no key. */
static int key_at(uint64_t firsts, const uint32_t *t, size_t n, size_t i, bool head,
		  size_t *vstart)
{
	int best = -1;
	size_t bestlen = 0;

	if (i >= n || !(nb_key_bits(t + i, 1) & firsts))
		return -1;
	for (size_t k = 0; k < NKEYS; k++) {
		if (meta_keys[k].head_only && !head)
			continue;
		size_t kl = meta_keys[k].n;
		if (meta_keys[k].key[0] != t[i] || kl <= bestlen || i + kl >= n ||
		    memcmp(t + i, meta_keys[k].key, kl * sizeof *t))
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
	while (a < b && ct_any(c->cp[a], "[【(<"))
		a++;
	while (b > a && ct_any(c->cp[b - 1], "]】)>,;"))
		b--;
	if (a >= b)
		return 0;
	switch (meta_keys[key].kind) {
	case K_PUBLISHED:
		if (!f->pub_meta.y)
			fx_first_date(c->cp, a, b, &f->pub_meta);
		return 0;
	case K_WRITTEN:
		if (!f->pub_written.y)
			fx_first_date(c->cp, a, b, &f->pub_written);
		return 0;
	case K_SOURCE:
		return fx_cand_set(f, SRC_SOURCE, line, c, a, b);
	case K_ISSUER:
		return fx_cand_set(f, SRC_HEADER, line, c, a, b);
	case K_TITLE:
		if (!f->meta_title) {
			f->meta_title = ct_str(c->cp, a, b);
			if (!f->meta_title)
				return -ENOMEM;
			f->meta_title_line = line;
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
int fx_meta_line(facts *f, size_t line, const ctext *c, bool head)
{
	const uint32_t *t = c->cp;
	size_t n = c->n, i = 0, v;
	int key;

	if (n == 0 || n > SHORT_LINE)
		return 0;
	uint64_t firsts = f->meta_firsts;
	while (i < n && ct_any(t[i], "[【*#|"))
		i++;
	if ((key = key_at(firsts, t, n, i, head, &v)) < 0)
		return 0;
	while (key >= 0) {
		size_t e = v, nv = 0;
		int next = -1;
		while (e < n && t[e] != '|' && (next = key_at(firsts, t, n, e, head, &nv)) < 0)
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
			if ((key = key_at(firsts, t, n, e, head, &v)) < 0)
				while (e < n && t[e] != '|')
					e++;
		}
	}
	return 1;
}

/* How far into a flattened article its inline metadata may start. */
#define INLINE_META_MAX 80

int fx_meta_inline(facts *f, size_t line, const ctext *c)
{
	size_t lim = c->n < INLINE_META_MAX ? c->n : INLINE_META_MAX, v;

	for (size_t k = 0; k < lim; k++) {
		if (key_at(f->meta_firsts, c->cp, c->n, k, false, &v) < 0)
			continue;
		size_t n = c->n - k < SHORT_LINE ? c->n - k : SHORT_LINE;
		ctext slice = { .cp = c->cp + k, .at = c->at + k, .n = n };
		int rc = fx_meta_line(f, line, &slice, false);
		return rc < 0 ? rc : 0;
	}
	return 0;
}
