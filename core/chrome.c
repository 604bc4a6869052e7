/*
 * chrome.c — a web site's lines around a report (breadcrumbs, 字号：大 中
 * 小, 扫一扫, 上一篇, 备案号, tool bars) and lone image file names.
 *
 * Chrome patterns are anchored and specific on purpose: a report's prose
 * mentions 版权 or 打印 in passing, and dropping a sentence of the report
 * is worse than keeping a line of the site.  Chrome lines are short.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lines.h"

/* Chrome lines are short; a line longer than this is the report's text. */
#define NB_CHROME_MAX 80
/* 上一篇：<a title> lines carry a whole title. */
#define NB_CHROME_TITLE_MAX 120

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
	"视力保护色", "打印本页", "关闭窗口", "免责声明",
	/* a crawler's notes: 页面链接与图片详见 links.tsv, ===== 正文 ===== */
	"页面链接与图片详见", "=====", NULL
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

/* Does s[0..n) start with word w?  Every line is tried against every
 * word: the first two bytes, compared here, turn most away before the
 * whole word is (the first alone lets through a sixth: most Han
 * characters start with one of six bytes). */
static inline bool starts_with(const char *s, size_t n, const char *w)
{
	return n > 0 && w[0] == s[0] && (w[1] == '\0' || (n > 1 && w[1] == s[1])) &&
	       nb_has_prefix(s, n, w);
}

/* The words font_size, copyright and date_banner look for in a line. */
static const char *const font_keys[] = { "字号", "字体", NULL };
static const char *const copyright_keys[] = { "版权所有", NULL };
/* every day is 星期…: a line without it has none of them */
static const char *const date_keys[] = { "星期", "天气", NULL };

/* Whether s[0..n)'s first code point is in the set: a word can open s only
 * if that is the word's first code point (a word is whole UTF-8, so s
 * opening with its bytes decodes to its first code point). */
static bool first_in(const nb_cpset *set, const char *s, size_t n)
{
	size_t i = 0;

	return n > 0 && nb_cpset_has(set, nb_utf8_next(s, n, &i));
}

/* Each word's first code point into set (as line_init hashes a line's). */
static void firsts_of(nb_cpset *set, const char *const *list)
{
	for (; *list; list++) {
		size_t i = 0;

		nb_cpset_add(set, nb_utf8_next(*list, strlen(*list), &i));
	}
}

void ln_chrome_init(ln_chrome_sets *cs)
{
	memset(cs, 0, sizeof *cs);
	firsts_of(&cs->meta, meta_keys);
	firsts_of(&cs->start, chrome_start);
	firsts_of(&cs->words, chrome_words);
	firsts_of(&cs->inside, chrome_anywhere);
	firsts_of(&cs->inside, font_keys);
	firsts_of(&cs->inside, copyright_keys);
	firsts_of(&cs->inside, date_keys);
}

static bool starts_any(const char *s, size_t n, const char *const *list,
		       const nb_cpset *set)
{
	if (!first_in(set, s, n))
		return false;
	for (; *list; list++)
		if (starts_with(s, n, *list))
			return true;
	return false;
}

/*
 * A line being tried, with the set of its code points (hashed into 1,024
 * bits).  A pattern's first code point is looked up in the set before the
 * line is searched for it: when it is not there the pattern cannot occur
 * (a byte that is no continuation byte always starts a code point where
 * nb_utf8_next reads, so the pattern's code points are the line's), and
 * most lines hold none of the dozens of patterns tried on each.
 */
typedef struct {
	const char *s;
	size_t n;
	nb_cpset cps;
} chrome_line;

/* The line's set of code points. */
static void line_init(chrome_line *l, const char *s, size_t n)
{
	size_t i = 0;

	l->s = s;
	l->n = n;
	memset(&l->cps, 0, sizeof l->cps);
	while (i < n) {
		/* U+4000..U+9FFF, most of a line, decoded inline */
		uint32_t cp = nb_utf8_han(s, n, i);
		if (cp)
			i += 3;
		else
			cp = nb_utf8_next(s, n, &i);
		nb_cpset_add(&l->cps, cp);
	}
}

/* The code points of s[0..n), exact up to limit, over limit when there are
 * more: each byte that is no continuation byte begins one (the text is
 * valid UTF-8, decode.c), counted eight bytes at a time.  A line too long
 * to be chrome is turned away by its count, before its set is made. */
static size_t cp_count(const char *s, size_t n, size_t limit)
{
	size_t i = 0, ncp = 0;

	for (; n - i >= 8 && ncp <= limit; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		uint64_t cont = w & ~(w << 1) & 0x8080808080808080u;
		ncp += 8 - (size_t)((cont >> 7) * 0x0101010101010101u >> 56);
	}
	for (; i < n && ncp <= limit; i++)
		ncp += ((unsigned char)s[i] & 0xC0) != 0x80;
	return ncp;
}

/* Only the pattern's first code point is looked up: that turns nearly
 * every pattern away, for less than measuring the pattern would cost.  The
 * decoder reads no further than the NUL (never a continuation byte). */
static inline const char *line_find(const chrome_line *l, const char *p)
{
	size_t i = 0;

	if (!nb_cpset_has(&l->cps, nb_utf8_next(p, 4, &i)))
		return NULL;
	return nb_find(l->s, l->n, p);
}

static bool line_has(const chrome_line *l, const char *p)
{
	return line_find(l, p) != NULL;
}

static bool contains_any(const chrome_line *l, const char *const *list)
{
	for (; *list; list++)
		if (line_has(l, *list))
			return true;
	return false;
}

/* The line is only tool-bar words between separators, at least one of
 * them longer than one character (a lone 中 is not chrome), and page
 * links (首页 上一页 1 2 3 下一页). */
static bool only_chrome_words(const ln_chrome_sets *cs, const char *s, size_t n)
{
	size_t i = 0;
	bool long_word = false;

	while (i < n) {
		size_t at = i;
		uint32_t cp = nb_utf8_next(s, n, &i);

		if (sc_sep(cp) || nb_is_digit(cp))
			continue;
		i = at;
		if (!first_in(&cs->words, s + i, n - i))
			return false;	/* no word opens here */

		const char *const *w;

		for (w = chrome_words; *w; w++)
			if (starts_with(s + i, n - i, *w))
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

	if (!sc_skip_str(s, n, &i, "网站首页") && !sc_skip_str(s, n, &i, "首页") &&
	    !sc_skip_str(s, n, &i, "主页"))
		return false;
	sc_skip_spaces(s, n, &i);
	return sc_skip_str(s, n, &i, ">") || sc_skip_str(s, n, &i, "»") ||
	       sc_skip_str(s, n, &i, "＞") || sc_skip_str(s, n, &i, "›") ||
	       sc_skip_str(s, n, &i, "→") || sc_skip_str(s, n, &i, "/") ||
	       sc_skip_str(s, n, &i, "-") || sc_skip_str(s, n, &i, "|");
}

/* 字号：大 中 小, 【字体：大 中 小】, 字号:[ ], 文章字号: */
static bool font_size(const chrome_line *l)
{
	const char *s = l->s;
	size_t n = l->n;

	for (const char *const *k = font_keys; *k; k++) {
		const char *p = line_find(l, *k);

		if (!p)
			continue;

		size_t i = (size_t)(p - s) + strlen(*k);
		uint32_t cp = 0;

		while (i < n) {
			cp = nb_utf8_next(s, n, &i);
			if (!sc_sep(cp))
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
static bool copyright(const chrome_line *l)
{
	const char *s = l->s, *p = line_find(l, copyright_keys[0]);
	size_t n = l->n;

	if (!p)
		return false;

	size_t i = (size_t)(p - s) + strlen(copyright_keys[0]);

	return i == n || !nb_is_han(nb_utf8_next(s, n, &i));
}

/* 2014年12月08日 星期一 黄石天气:多云 */
static bool date_banner(const chrome_line *l)
{
	const char *s = l->s;
	size_t n = l->n;
	static const char *const days[] = {
		"星期一", "星期二", "星期三", "星期四", "星期五", "星期六",
		"星期日", "星期天", NULL
	};
	size_t i = 0;

	if (!(line_has(l, date_keys[0]) && contains_any(l, days)) && !line_has(l, date_keys[1]))
		return false;
	if (sc_skip_str(s, n, &i, "今天是") || sc_skip_str(s, n, &i, "今日"))
		return true;
	return sc_number(s, n, &i) >= 0 && sc_skip_str(s, n, &i, "年");
}

/* s[0..n) is trimmed and not blank. */
bool ln_chrome(const ln_chrome_sets *cs, const char *s, size_t n)
{
	chrome_line l;
	/* fewer bytes than NB_CHROME_MAX hold fewer code points: only longer
	 * lines are counted (0 stands for "not over NB_CHROME_MAX") */
	size_t ncp = n > NB_CHROME_MAX ? cp_count(s, n, NB_CHROME_TITLE_MAX) : 0;
	size_t i = 0;

	if (ncp > NB_CHROME_TITLE_MAX || starts_any(s, n, meta_keys, &cs->meta))
		return false;
	if (nb_has_prefix(s, n, "上一篇") || nb_has_prefix(s, n, "下一篇") ||
	    nb_has_prefix(s, n, "上一条") || nb_has_prefix(s, n, "下一条"))
		return true;
	if (ncp > NB_CHROME_MAX || nb_ends_with_full_stop(s, n))
		return false;
	line_init(&l, s, n);

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
	if (sc_skip_str(s, n, &i, "您好")) {
		while (i < n) {
			size_t at = i;

			if (!sc_sep(nb_utf8_next(s, n, &i))) {
				i = at;
				break;
			}
		}
	}
	const char *t = s + i;
	size_t tn = n - i;

	/* the words looked for anywhere all begin with a code point of
	 * cs->inside: a line holding none of those has none of them */
	bool inside = nb_cpset_meets(&l.cps, &cs->inside);

	return starts_any(t, tn, chrome_start, &cs->start) || breadcrumb(t, tn) ||
	       (inside && (contains_any(&l, chrome_anywhere) || copyright(&l) ||
			   font_size(&l) || date_banner(&l))) ||
	       only_chrome_words(cs, s, n);
}

/* ---- images -------------------------------------------------------------- */

static bool image_name_end(const char *s, size_t n)
{
	/* the last letters of the names below, in either case: every line is
	 * asked, and one byte turns nearly all away */
	char last = n ? (char)(s[n - 1] | 0x20) : 0;

	if (last != 'g' && last != 'f' && last != 'p')
		return false;
	return nb_has_suffix_ci(s, n, ".png") || nb_has_suffix_ci(s, n, ".jpg") ||
	       nb_has_suffix_ci(s, n, ".jpeg") || nb_has_suffix_ci(s, n, ".gif") ||
	       nb_has_suffix_ci(s, n, ".bmp");
}

/* A line that is only a file name: 11.png, 年报表格(改).png */
bool ln_image_name(const char *s, size_t n)
{
	if (!image_name_end(s, n) || nb_utf8_count(s, n) > NB_CHROME_MAX)
		return false;
	return !nb_contains(s, n, "。") && !nb_contains(s, n, "，") &&
	       !nb_contains(s, n, "：");
}
