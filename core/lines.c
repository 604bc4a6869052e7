/*
 * lines.c — text to lines, and the marks every later stage relies on:
 * blank lines, site chrome, page numbers, image file names, Markdown markup.
 *
 * Chrome patterns are anchored and specific on purpose: a report's prose
 * mentions 版权 or 打印 in passing, and dropping a sentence of the report
 * is worse than keeping a line of the site.  Chrome lines are short.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* Chrome lines are short; a line longer than this is the report's text. */
#define NB_CHROME_MAX 80
/* 上一篇：<a title> lines carry a whole title. */
#define NB_CHROME_TITLE_MAX 120
/* Leading display columns of a page number laid out centred or right. */
#define NB_PAGENO_INDENT 20
#define NB_PAGENO_MAX 999

int nb_split_lines(const char *text, size_t len, nb_lines *out)
{
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - text) : len;
		bool newpage = e > i && text[i] == '\f';
		nb_line *l = nb_lines_push(out, text + i + newpage,
					   e - i - newpage);

		if (!l)
			return -ENOMEM;
		/* pdftotext starts each page with a form feed: keep the fact,
		 * drop the byte, so columns of layout text stay aligned. */
		if (newpage)
			l->flags |= NB_LF_NEWPAGE;
		if (memchr(l->text, '\f', l->len)) {
			size_t w = 0;

			for (size_t r = 0; r < l->len; r++)
				if (l->text[r] != '\f')
					l->text[w++] = l->text[r];
			l->text[w] = '\0';
			l->len = w;
		}
		i = e + 1;
	}
	return 0;
}

/* ---- small matching helpers ---------------------------------------------- */

static bool prefix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && memcmp(s, p, k) == 0;
}

static bool suffix_ci(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && strncasecmp(s + n - k, p, k) == 0;
}

static bool contains(const char *s, size_t n, const char *p)
{
	return memmem(s, n, p, strlen(p)) != NULL;
}

/* Code points that separate words in site navigation, or decorate them. */
static bool is_sep(uint32_t cp)
{
	switch (cp) {
	case '|': case 0xFF5C: case 0x4E28: case '/': case 0x00B7:
	case 0x2022: case 0x30FB: case 0xFF65: case 0x3001: case ':':
	case 0xFF1A: case '[': case ']': case 0x3010: case 0x3011:
	case '(': case ')': case 0xFF08: case 0xFF09: case '<': case '>':
	case 0xFF1C: case 0xFF1E: case 0x00BB: case 0x203A: case 0x2192:
	case '!': case 0xFF01: case ',': case 0xFF0C:
		return true;
	default:
		return nb_is_space(cp);
	}
}

static bool is_dash(uint32_t cp)
{
	switch (cp) {
	case '-': case 0x2010: case 0x2011: case 0x2012: case 0x2013:
	case 0x2014: case 0x2015: case 0x2212: case 0x2500: case 0xFE58:
	case 0xFE63: case 0xFF0D:
		return true;
	default:
		return false;
	}
}

static bool is_digit(uint32_t cp)
{
	cp = nb_halfwidth(cp);
	return cp >= '0' && cp <= '9';
}

/* Columns a code point takes in fixed-width text (CJK are two wide). */
static unsigned cp_width(uint32_t cp)
{
	if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
	    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	    (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000)
		return 2;
	return 1;
}

static size_t width(const char *s, size_t n)
{
	size_t i = 0, w = 0;

	while (i < n)
		w += cp_width(nb_utf8_next(s, n, &i));
	return w;
}

/* Reads digits (either width) at s[*i]; the value, or -1 when none or
 * more than 6. */
static long read_number(const char *s, size_t n, size_t *i)
{
	long v = 0;
	int k = 0;

	while (*i < n) {
		size_t at = *i;
		uint32_t cp = nb_utf8_next(s, n, i);

		if (!is_digit(cp)) {
			*i = at;
			break;
		}
		if (++k > 6)
			return -1;
		v = v * 10 + (long)(nb_halfwidth(cp) - '0');
	}
	return k ? v : -1;
}

static void skip_spaces(const char *s, size_t n, size_t *i)
{
	while (*i < n) {
		size_t at = *i;

		if (!nb_is_space(nb_utf8_next(s, n, i))) {
			*i = at;
			return;
		}
	}
}

/* Skips a run of dashes; whether there was one. */
static bool skip_dashes(const char *s, size_t n, size_t *i)
{
	bool any = false;

	while (*i < n) {
		size_t at = *i;

		if (!is_dash(nb_utf8_next(s, n, i))) {
			*i = at;
			break;
		}
		any = true;
	}
	return any;
}

static bool skip_str(const char *s, size_t n, size_t *i, const char *p)
{
	if (!prefix(s + *i, n - *i, p))
		return false;
	*i += strlen(p);
	return true;
}

/* ---- page numbers -------------------------------------------------------- */

/* The printed page-number forms: -3-, - 3 -, — 4 —, 第 3 页, 第3页 共12页,
 * 共12页 第3页, 3/12, Page 3.  s[0..n) is trimmed. */
static bool pageno_form(const char *s, size_t n)
{
	size_t i = 0;
	long a, b;

	if (n == 0)
		return false;
	if (skip_dashes(s, n, &i)) {
		skip_spaces(s, n, &i);
		if (read_number(s, n, &i) < 0)
			return false;
		skip_spaces(s, n, &i);
		return skip_dashes(s, n, &i) && i == n;
	}
	if (skip_str(s, n, &i, "共")) {
		skip_spaces(s, n, &i);
		if (read_number(s, n, &i) < 0)
			return false;
		skip_spaces(s, n, &i);
		if (!skip_str(s, n, &i, "页"))
			return false;
		while (i < n) {
			size_t at = i;
			uint32_t cp = nb_utf8_next(s, n, &i);

			if (!nb_is_space(cp) && cp != ',' && cp != 0xFF0C) {
				i = at;
				break;
			}
		}
	}
	if (skip_str(s, n, &i, "第")) {
		skip_spaces(s, n, &i);
		if (read_number(s, n, &i) < 0)
			return false;
		skip_spaces(s, n, &i);
		if (!skip_str(s, n, &i, "页"))
			return false;
		if (i == n)
			return true;
		while (i < n) {
			size_t at = i;
			uint32_t cp = nb_utf8_next(s, n, &i);

			if (!nb_is_space(cp) && cp != ',' && cp != 0xFF0C &&
			    cp != '/') {
				i = at;
				break;
			}
		}
		if (!skip_str(s, n, &i, "共"))
			return false;
		skip_spaces(s, n, &i);
		if (read_number(s, n, &i) < 0)
			return false;
		skip_spaces(s, n, &i);
		return skip_str(s, n, &i, "页") && i == n;
	}
	if (i > 0)
		return false;	/* 共N页 alone is not a page number */
	if (n > 5 && strncasecmp(s, "page ", 5) == 0) {
		i = 5;
		skip_spaces(s, n, &i);
		return read_number(s, n, &i) >= 0 && i == n;
	}
	a = read_number(s, n, &i);
	if (a < 1)
		return false;
	skip_spaces(s, n, &i);
	if (!skip_str(s, n, &i, "/") && !skip_str(s, n, &i, "／"))
		return false;
	skip_spaces(s, n, &i);
	b = read_number(s, n, &i);
	return i == n && b >= a && b <= NB_PAGENO_MAX;
}

/* The value of a line holding only a small number, else -1. */
static long lone_number(const char *s, size_t n)
{
	size_t i = 0;
	long v = read_number(s, n, &i);

	return i == n && v >= 0 && v <= NB_PAGENO_MAX ? v : -1;
}

/* ---- site chrome --------------------------------------------------------- */

/* Metadata keys facts.c reads and flags: their lines are not ours, even
 * when the site put 字号 or 视力保护色 on the same line. */
static const char *const meta_keys[] = {
	"发布时间", "发布日期", "日期", "时间", "来源", "信息来源", "索引号",
	"发布机构", "发文机关", "成文日期", "文号", "作者", "公开日期",
	"生成日期", "[来源", "【来源", NULL
};

/* A line starting with one of these (after brackets) is chrome. */
static const char *const chrome_start[] = {
	"当前位置", "当前页面", "您现在的位置", "您当前的位置", "您所在的位置",
	"您的位置", "所在位置", "现在位置", "当前的位置", "扫一扫",
	"手机扫一扫", "微信扫一扫", "用手机扫描", "分享到", "上一篇", "下一篇",
	"上一条", "下一条", "欢迎光临", "欢迎访问", "欢迎您访问", "欢迎来到",
	"主办单位", "承办单位", "主办：", "主办:", "承办：", "承办:",
	"技术支持", "运维单位", "维护单位", "网站维护", "建议使用",
	"版权所有", "Copyright", "COPYRIGHT", "copyright", "©", "网站标识码",
	"网站识别码", "备案号", "浏览次数", "点击数", "阅读次数", "访问次数",
	"视力保护色", "打印本页", "关闭窗口", "免责声明", NULL
};

/* Found anywhere in a short line, these only ever belong to the site. */
static const char *const chrome_anywhere[] = {
	"公网安备", "ICP备", "ICP证", "网站标识码", "Copyright",
	"©", "视力保护色", "扫一扫在手机打开", "打印本页", "关闭窗口",
	"【打印】", "【关闭】", "[打印]", "[关闭]", NULL
};

/* Words that make up tool bars: a line made only of these is chrome. */
static const char *const chrome_words[] = {
	"打印本页", "打印此页", "打印正文", "打印", "关闭窗口", "关闭本页",
	"关闭", "收藏本页", "加入收藏", "收藏", "返回顶部", "返回", "顶部",
	"分享到", "分享", "保存", "我要纠错", "纠错", "字号", "字体", "默认",
	"大", "中", "小", "上一篇", "下一篇", "相关信息", "相关链接", "相关文章",
	"相关阅读", "相关稿件", "电脑版", "手机版", "扫一扫", "微信", "微博",
	"QQ空间", "邮件", "放大", "缩小", "繁体", "简体", "繁體", "无障碍浏览",
	"无障碍", "网站地图", "联系我们", "设为首页", "English", "长者模式",
	"关怀版", "T", "首页", "上一页", "下一页", "尾页", "末页", NULL
};

static bool starts_any(const char *s, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (prefix(s, n, *list))
			return true;
	return false;
}

static bool contains_any(const char *s, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (contains(s, n, *list))
			return true;
	return false;
}

/* The line is only tool-bar words between separators, at least one of
 * them longer than one character (a lone 中 is not chrome), and page
 * links (首页 上一页 1 2 3 下一页). */
static bool only_chrome_words(const char *s, size_t n)
{
	size_t i = 0;
	bool long_word = false;

	while (i < n) {
		size_t at = i;
		uint32_t cp = nb_utf8_next(s, n, &i);

		if (is_sep(cp) || is_digit(cp))
			continue;
		i = at;

		const char *const *w;

		for (w = chrome_words; *w; w++)
			if (prefix(s + i, n - i, *w))
				break;
		if (!*w)
			return false;
		long_word |= nb_utf8_count(*w, strlen(*w)) > 1;
		i += strlen(*w);
	}
	return long_word;
}

/* 首页 > 信息公开 > 年报: a path starting at the home page. */
static bool breadcrumb(const char *s, size_t n)
{
	size_t i = 0;

	if (!skip_str(s, n, &i, "网站首页") && !skip_str(s, n, &i, "首页") &&
	    !skip_str(s, n, &i, "主页"))
		return false;
	skip_spaces(s, n, &i);
	return skip_str(s, n, &i, ">") || skip_str(s, n, &i, "»") ||
	       skip_str(s, n, &i, "＞") || skip_str(s, n, &i, "›") ||
	       skip_str(s, n, &i, "→") || skip_str(s, n, &i, "/") ||
	       skip_str(s, n, &i, "-") || skip_str(s, n, &i, "|");
}

/* 字号：大 中 小, 【字体：大 中 小】, 字号:[ ], 文章字号: */
static bool font_size(const char *s, size_t n)
{
	static const char *const keys[] = { "字号", "字体", NULL };

	for (const char *const *k = keys; *k; k++) {
		const char *p = memmem(s, n, *k, strlen(*k));

		if (!p)
			continue;

		size_t i = (size_t)(p - s) + strlen(*k);
		uint32_t cp = 0;

		while (i < n) {
			cp = nb_utf8_next(s, n, &i);
			if (!is_sep(cp))
				break;
			cp = 0;
		}
		if (cp == 0 || cp == 0x5927 /* 大 */ || cp == 0x4E2D /* 中 */ ||
		    cp == 0x5C0F /* 小 */ || cp == 'T' || cp == 0x9ED8 /* 默 */)
			return true;
	}
	return false;
}

/* 某某人民政府 版权所有, but not 版权所有人 in a sentence wrapped by a PDF */
static bool copyright(const char *s, size_t n)
{
	const char *p = memmem(s, n, "版权所有", strlen("版权所有"));

	if (!p)
		return false;

	size_t i = (size_t)(p - s) + strlen("版权所有");

	return i == n || !nb_is_han(nb_utf8_next(s, n, &i));
}

/* 2014年12月08日 星期一 黄石天气:多云 */
static bool date_banner(const char *s, size_t n)
{
	static const char *const days[] = {
		"星期一", "星期二", "星期三", "星期四", "星期五", "星期六",
		"星期日", "星期天", NULL
	};
	size_t i = 0;

	if (!contains_any(s, n, days) && !contains(s, n, "天气"))
		return false;
	if (skip_str(s, n, &i, "今天是") || skip_str(s, n, &i, "今日"))
		return true;
	return read_number(s, n, &i) >= 0 && skip_str(s, n, &i, "年");
}

static bool ends_sentence(const char *s, size_t n)
{
	return suffix_ci(s, n, "。") || suffix_ci(s, n, "；") ||
	       suffix_ci(s, n, "！") || suffix_ci(s, n, "？");
}

/* s[0..n) is trimmed and not blank. */
static bool chrome(const char *s, size_t n)
{
	size_t ncp = nb_utf8_count(s, n);
	size_t i = 0;

	if (ncp > NB_CHROME_TITLE_MAX || starts_any(s, n, meta_keys))
		return false;
	if (prefix(s, n, "上一篇") || prefix(s, n, "下一篇") ||
	    prefix(s, n, "上一条") || prefix(s, n, "下一条"))
		return true;
	if (ncp > NB_CHROME_MAX || ends_sentence(s, n))
		return false;

	/* Past opening brackets and a greeting: 【打印】, 您好！欢迎光临 */
	while (i < n) {
		size_t at = i;
		uint32_t cp = nb_utf8_next(s, n, &i);

		if (!(cp == '[' || cp == 0x3010 || cp == '(' || cp == 0xFF08 ||
		      nb_is_space(cp))) {
			i = at;
			break;
		}
	}
	if (skip_str(s, n, &i, "您好")) {
		while (i < n) {
			size_t at = i;

			if (!is_sep(nb_utf8_next(s, n, &i))) {
				i = at;
				break;
			}
		}
	}
	const char *t = s + i;
	size_t tn = n - i;

	return starts_any(t, tn, chrome_start) || breadcrumb(t, tn) ||
	       contains_any(s, n, chrome_anywhere) || copyright(s, n) ||
	       font_size(s, n) ||
	       date_banner(s, n) || only_chrome_words(s, n);
}

/* ---- images -------------------------------------------------------------- */

static bool image_name_end(const char *s, size_t n)
{
	return suffix_ci(s, n, ".png") || suffix_ci(s, n, ".jpg") ||
	       suffix_ci(s, n, ".jpeg") || suffix_ci(s, n, ".gif") ||
	       suffix_ci(s, n, ".bmp");
}

/* A line that is only a file name: 11.png, 年报表格(改).png */
static bool image_name(const char *s, size_t n)
{
	if (!image_name_end(s, n) || nb_utf8_count(s, n) > NB_CHROME_MAX)
		return false;
	return !contains(s, n, "。") && !contains(s, n, "，") &&
	       !contains(s, n, "：");
}

/* ---- Markdown ------------------------------------------------------------ */

/* |---|:---:|, ---, with spaces: a table's delimiter row or a rule.
 * 0 when it is not one, else the longest run of dashes; *pipes counts
 * the pipes. */
static size_t delimiter_row(const char *s, size_t n, size_t *pipes)
{
	size_t longest = 0, run = 0;

	*pipes = 0;
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '-':
			if (++run > longest)
				longest = run;
			break;
		case '|':
			(*pipes)++;
			run = 0;
			break;
		case ':': case ' ': case '\t':
			break;
		default:
			return 0;
		}
	}
	return longest;
}

/* Length of a <br>, <br/> or <br /> tag at s, else 0. */
static size_t html_br(const char *s, size_t n)
{
	size_t i = 3;

	if (n < 4 || strncasecmp(s, "<br", 3) != 0)
		return 0;
	while (i < n && s[i] == ' ')
		i++;
	if (i < n && s[i] == '/')
		i++;
	return i < n && s[i] == '>' ? i + 1 : 0;
}

/*
 * Rewrites l->text in place (every edit shortens it): ![alt](dir/a.png)
 * becomes a.png, [text](url) becomes text, ** and __ go.
 */
static void md_inline(nb_line *l)
{
	char *s = l->text;
	size_t n = l->len, w = 0, r = 0;

	while (r < n) {
		if ((s[r] == '*' || s[r] == '_') && r + 1 < n &&
		    s[r + 1] == s[r]) {
			r += 2;
			continue;
		}
		/* a line break inside a table cell joins the cell's words */
		size_t br = html_br(s + r, n - r);

		if (br) {
			r += br;
			continue;
		}
		if (n - r >= 6 && strncasecmp(s + r, "&nbsp;", 6) == 0) {
			s[w++] = ' ';
			r += 6;
			continue;
		}
		bool img = s[r] == '!' && r + 1 < n && s[r + 1] == '[';

		if (img || s[r] == '[') {
			size_t open = r + img;
			char *close = memchr(s + open, ']', n - open);
			size_t c = close ? (size_t)(close - s) : n;
			char *paren = c + 1 < n && s[c + 1] == '(' ?
				      memchr(s + c + 2, ')', n - c - 2) : NULL;

			if (paren) {
				size_t u = c + 2, ue = (size_t)(paren - s);
				const char *from = s + open + 1;
				size_t len = c - open - 1;

				if (img) {
					/* the link target's file name */
					size_t e = u;

					while (e < ue && s[e] != ' ' &&
					       s[e] != '?' && s[e] != '#')
						e++;
					size_t b = e;

					while (b > u && s[b - 1] != '/')
						b--;
					if (e > b) {
						from = s + b;
						len = e - b;
					}
					l->flags |= NB_LF_IMAGE;
				}
				memmove(s + w, from, len);
				w += len;
				r = ue + 1;
				continue;
			}
		}
		s[w++] = s[r++];
	}
	s[w] = '\0';
	l->len = w;
}

static const char *find_ci(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	for (size_t i = 0; i + k <= n; i++)
		if (strncasecmp(s + i, p, k) == 0)
			return s + i;
	return NULL;
}

/* Net <table> nesting a line opens (negative: closes). */
static int table_depth(const char *s, size_t n)
{
	int d = 0;
	const char *p;
	size_t i = 0;

	while ((p = find_ci(s + i, n - i, "<table")) != NULL) {
		d++;
		i = (size_t)(p - s) + 6;
	}
	i = 0;
	while ((p = find_ci(s + i, n - i, "</table")) != NULL) {
		d--;
		i = (size_t)(p - s) + 7;
	}
	return d;
}

static int copy_line(nb_lines *out, const nb_line *l)
{
	nb_line *c = nb_lines_push(out, l->text, l->len);

	if (!c)
		return -ENOMEM;
	c->flags = l->flags;
	return 0;
}

/*
 * Converted documents (OCR, Word to Markdown) often carry their tables as
 * HTML inside the Markdown.  Each such block, from the line that opens a
 * <table> to the line that closes it, goes through html.c so its rows get
 * their real cells and spans.  Builds the new lines beside the old ones:
 * on failure nothing has changed.
 */
static int html_blocks(nb_lines *ls)
{
	nb_lines out = { 0 };
	nb_buf block = { 0 };
	int rc = 0, ntables = 0;

	for (size_t k = 0; k < ls->n && rc == 0; k++) {
		nb_line *l = &ls->v[k];

		if (!find_ci(l->text, l->len, "<table")) {
			rc = copy_line(&out, l);
			continue;
		}

		int depth = 0;
		size_t e = k;

		block.len = 0;
		for (; e < ls->n; e++) {
			nb_buf_add(&block, ls->v[e].text, ls->v[e].len);
			nb_buf_addc(&block, '\n');
			depth += table_depth(ls->v[e].text, ls->v[e].len);
			if (depth <= 0)
				break;
		}
		if (block.oom) {
			rc = -ENOMEM;
			break;
		}
		size_t first = out.n;
		int base = ntables;

		rc = nb_html_lines(block.s, block.len, &out);
		/* each block counts its tables from 1: keep them apart */
		for (size_t j = first; j < out.n; j++) {
			if (out.v[j].table > 0) {
				out.v[j].table += base;
				if (out.v[j].table > ntables)
					ntables = out.v[j].table;
			}
		}
		k = e < ls->n ? e : ls->n - 1;
	}
	nb_buf_free(&block);
	if (rc < 0) {
		nb_lines_free(&out);
		return rc;
	}
	nb_lines_free(ls);
	*ls = out;
	return 0;
}

int nb_markdown_clean(nb_lines *ls)
{
	bool html = false;
	int depth = 0;			/* <table> nesting at this line */

	bool prev_pipe = false;		/* the previous line is a table row */
	bool prev_header = false;	/* ... and the first of its table */

	for (size_t k = 0; k < ls->n; k++) {
		nb_line *l = &ls->v[k];
		char *s = l->text;
		size_t n = l->len, i = 0, pipes;

		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		/* HTML table blocks are html.c's, untouched */
		if (depth > 0 || find_ci(s, n, "<table")) {
			html = true;
			depth += table_depth(s, n);
			prev_pipe = prev_header = false;
			continue;
		}

		size_t dashes = delimiter_row(s + i, n - i, &pipes);

		/* | - | - | under a delimiter row is a row of blank cells;
		 * right under the header, or with --- cells, it delimits. */
		if (dashes >= 3 || (dashes > 0 && pipes > 0 && prev_header)) {
			s[0] = '\0';
			l->len = 0;
			l->flags |= NB_LF_BLANK;
			prev_pipe = true;
			prev_header = false;
			continue;
		}

		bool pipe = memchr(s, '|', n) != NULL;

		prev_header = pipe && !prev_pipe;
		prev_pipe = pipe;
		/* > quote marks, then # heading marks and the space after */
		size_t j = i;

		while (j < n && s[j] == '>') {
			j++;
			while (j < n && s[j] == ' ')
				j++;
		}
		size_t h = j;

		while (h < n && s[h] == '#')
			h++;
		if (h > j && h - j <= 6 &&
		    (h == n || s[h] == ' ' || s[h] == '\t' ||
		     (unsigned char)s[h] >= 0x80)) {
			j = h;
			while (j < n && (s[j] == ' ' || s[j] == '\t'))
				j++;
			/* closing marks: ## heading ## */
			while (n > j && s[n - 1] == '#')
				n--;
			while (n > j && s[n - 1] == ' ')
				n--;
		}
		if (j > i || n < l->len) {
			/* keep the indentation, drop the marks */
			memmove(s + i, s + j, n - j);
			l->len = i + (n - j);
			s[l->len] = '\0';
		}
		md_inline(l);
	}
	return html ? html_blocks(ls) : 0;
}

/* ---- marking ------------------------------------------------------------- */

/* Columns of leading white space. */
static size_t indent(const char *s, size_t n)
{
	size_t i = 0, w = 0;

	while (i < n) {
		uint32_t cp = nb_utf8_next(s, n, &i);

		if (!nb_is_space(cp))
			break;
		w += cp == '\t' ? 8 : cp_width(cp);
	}
	return w;
}

/*
 * Lone numbers are page numbers only with evidence: laid out centred or
 * right, or ending a page (a form feed follows), and either both or part
 * of a run of consecutive page numbers.  Tables printed one cell per line
 * are full of lone numbers, and dropping one would shift a table.
 */
static void mark_lone_pagenos(nb_lines *ls)
{
	long prev_v = -2;
	size_t prev_i = 0;
	bool prev_marked = false;

	for (size_t k = 0; k < ls->n; k++) {
		nb_line *l = &ls->v[k];
		size_t s, e;

		if (l->flags & (NB_LF_BLANK | NB_LF_PAGENO))
			continue;
		nb_trim(l->text, l->len, &s, &e);

		long v = lone_number(l->text + s, e - s);

		if (v < 0)
			continue;

		size_t next = k + 1;

		while (next < ls->n && (ls->v[next].flags & NB_LF_BLANK) &&
		       !(ls->v[next].flags & NB_LF_NEWPAGE))
			next++;
		bool ends_page = next < ls->n &&
				 (ls->v[next].flags & NB_LF_NEWPAGE);
		bool far = indent(l->text, l->len) >= NB_PAGENO_INDENT;

		if (!far && !ends_page)
			continue;
		if (far && ends_page)
			l->flags |= NB_LF_PAGENO;
		if (v == prev_v + 1) {
			l->flags |= NB_LF_PAGENO;
			if (!prev_marked)
				ls->v[prev_i].flags |= NB_LF_PAGENO;
		}
		prev_v = v;
		prev_i = k;
		prev_marked = l->flags & NB_LF_PAGENO;
	}
}

static bool sentence_end_cp(uint32_t cp)
{
	switch (cp) {
	case 0x3002: case 0xFF1B: case 0xFF1A: case 0xFF01: case 0xFF1F:
	case '.': case ';': case ':': case '!': case '?': case 0x2026:
		return true;
	default:
		return false;
	}
}

/* Widths are counted up to this; wider lines are not hard-wrapped. */
#define NB_WRAP_MAXW 240
/* Lines narrower than this say nothing about wrapping. */
#define NB_WRAP_MINW 24
/* Lines within this many columns of the common width are "full". */
#define NB_WRAP_SLACK 6
/* A page holds at least this many columns (20 Han characters); the
 * commonest width of a web page's short lines (headings) is narrower. */
#define NB_WRAP_PAGEW 40

/*
 * Text extracted from a PDF is hard-wrapped: many lines of nearly the same
 * display width, most of them ending mid-sentence.  A web page's text has
 * one paragraph per line, of any length, ending in 。.
 */
/* A line of running text, and its display width in [*s, *e); false for
 * blank lines, chrome, page numbers and layout table rows. */
static bool text_line(const nb_line *l, size_t *s, size_t *e, size_t *w)
{
	if (l->flags & (NB_LF_BLANK | NB_LF_CHROME | NB_LF_PAGENO))
		return false;
	nb_trim(l->text, l->len, s, e);
	if (memmem(l->text + *s, *e - *s, "   ", 3))
		return false;	/* layout table row */
	*w = width(l->text + *s, *e - *s);
	return true;
}

static bool looks_wrapped(const nb_lines *ls, size_t npageno)
{
	size_t hist[NB_WRAP_MAXW + 1] = { 0 };
	size_t cands = 0;

	for (size_t k = 0; k < ls->n; k++) {
		size_t s, e, w;

		if (!text_line(&ls->v[k], &s, &e, &w) || w < NB_WRAP_MINW ||
		    w > NB_WRAP_MAXW)
			continue;
		hist[w]++;
		cands++;
	}
	if (cands < 8)
		return false;

	/* The densest window of widths: the page's text width. */
	size_t best = 0, best_w = 0, run = 0;

	for (size_t w = NB_WRAP_MINW; w <= NB_WRAP_MAXW; w++) {
		run += hist[w];
		if (w >= NB_WRAP_MINW + NB_WRAP_SLACK)
			run -= hist[w - NB_WRAP_SLACK];
		if (run > best) {
			best = run;
			best_w = w;
		}
	}

	if (best_w < NB_WRAP_PAGEW)
		return false;

	size_t full = 0, open = 0;

	for (size_t k = 0; k < ls->n; k++) {
		const nb_line *l = &ls->v[k];
		size_t s, e, w;

		if (!text_line(l, &s, &e, &w) || w + NB_WRAP_SLACK <= best_w || w > best_w)
			continue;
		full++;

		size_t i = s, last = s;

		while (i < e) {
			last = i;
			nb_utf8_next(l->text, e, &i);
		}
		size_t j = last;

		if (!sentence_end_cp(nb_utf8_next(l->text, e, &j)))
			open++;
	}
	/*
	 * Measured: PDF text (pdftotext, layout or raw) has 60%-70% of its
	 * lines at the page width, 96% of them open; scraped pages and OCR
	 * Markdown at most 26%.  Page numbers are strong evidence: ask for
	 * less of the rest.
	 */
	double need = npageno >= 2 ? 0.3 : 0.4;

	return (double)full >= need * (double)cands && full >= 8 &&
	       (double)open >= 0.6 * (double)full;
}

void nb_mark_lines(nb_doc *d)
{
	nb_lines *ls = &d->lines;
	size_t npageno = 0;

	for (size_t k = 0; k < ls->n; k++) {
		nb_line *l = &ls->v[k];
		size_t s, e;

		nb_trim(l->text, l->len, &s, &e);
		if (s == e) {
			l->flags |= NB_LF_BLANK;
			continue;
		}
		const char *t = l->text + s;
		size_t n = e - s;

		if (l->table) {
			/* an HTML table row: only a tool bar laid out as a
			 * table (【打印本页】 | 【关闭窗口】) is not the report's */
			if (chrome(t, n))
				l->flags |= NB_LF_CHROME;
		} else if (pageno_form(t, n)) {
			l->flags |= NB_LF_PAGENO;
			npageno++;
		} else if (image_name(t, n)) {
			l->flags |= NB_LF_IMAGE;
		} else if (chrome(t, n)) {
			l->flags |= NB_LF_CHROME;
		}
	}
	mark_lone_pagenos(ls);
	d->pdf = d->kind != NB_SRC_HTML && looks_wrapped(ls, npageno);
}
