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

/* Found anywhere in a short line, these only ever belong to the site.
 * Like every list of inside_lists, of words of INSIDE_MIN bytes or more:
 * the shorter ones are in chrome_signs. */
static const char *const chrome_anywhere[] = {
	"公网安备", "ICP备", "ICP证", "网站标识码", "Copyright",
	"视力保护色", "扫一扫在手机打开", "打印本页", "关闭窗口",
	"【打印】", "【关闭】", "[打印]", "[关闭]", NULL
};

/* As chrome_anywhere, words shorter than INSIDE_MIN bytes. */
static const char *const chrome_signs[] = { "©", NULL };

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
/* Every word looked for anywhere in a line: the inside tests all need one
 * of them (date_banner's days all begin with 星期). */
static const char *const *const inside_lists[] = {
	chrome_anywhere, font_keys, copyright_keys, date_keys, NULL
};

/* Whether s[0..n)'s first code point is in the set: a word can open s only
 * if that is the word's first code point (a word is whole UTF-8, so s
 * opening with its bytes decodes to its first code point). */
static bool first_in(const nb_cpset *set, const char *s, size_t n)
{
	size_t i = 0;

	return n > 0 && nb_cpset_has(set, nb_utf8_next(s, n, &i));
}

/* Each word's first code point into set.  The decoder reads no further
 * than the NUL (never a continuation byte): no strlen. */
static void firsts_of(nb_cpset *set, const char *const *list)
{
	for (; *list; list++) {
		size_t i = 0;

		nb_cpset_add(set, nb_utf8_next(*list, 4, &i));
	}
}

/* The fewest bytes of a word of inside_lists (字号, ICP备). */
#define INSIDE_MIN 6

/* The key of the two bytes at s: their low six bits, all a continuation
 * byte has (Han is a lead byte and two of those). */
static inline unsigned pair_key(const char *s)
{
	return ((unsigned)(unsigned char)s[0] & 0x3F) << 6 | ((unsigned char)s[1] & 0x3F);
}

/* For the pair of bytes j - 1, j (0 < j < INSIDE_MIN) of each word, the
 * bytes from j to the word's INSIDE_MIN-th: how far a search that finds
 * that pair may move on without passing the word's start. */
static void skips_of(ln_chrome_sets *cs, const char *const *list)
{
	for (; *list; list++)
		for (unsigned j = 1; j < INSIDE_MIN; j++) {
			unsigned k = pair_key(*list + j - 1);

			if (cs->skip[k] > INSIDE_MIN - 1 - j)
				cs->skip[k] = (unsigned char)(INSIDE_MIN - 1 - j);
		}
}

void ln_chrome_init(ln_chrome_sets *cs)
{
	memset(cs, 0, sizeof *cs);
	firsts_of(&cs->meta, meta_keys);
	firsts_of(&cs->start, chrome_start);
	firsts_of(&cs->words, chrome_words);
	memset(cs->skip, INSIDE_MIN - 1, sizeof cs->skip);
	for (const char *const *const *l = inside_lists; *l; l++)
		skips_of(cs, *l);
}

static bool starts_one_of(const char *s, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (starts_with(s, n, *list))
			return true;
	return false;
}

/* Inline: most lines are turned away by their first code point, and the
 * call would cost more than that test. */
static inline bool starts_any(const char *s, size_t n, const char *const *list,
			      const nb_cpset *set)
{
	return first_in(set, s, n) && starts_one_of(s, n, list);
}

static bool contains_any(const char *s, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (nb_contains(s, n, *list))
			return true;
	return false;
}

/*
 * Whether a word of inside_lists occurs in s[0..n).  Only 181 of 130,342
 * lines tried in 1,000 generated reports hold one, so the inside tests
 * are made on those alone.  The search (Wu and Manber's) looks at the
 * last pair of bytes of a window of INSIDE_MIN: when no word has that pair
 * in its first INSIDE_MIN bytes, the window moves on by INSIDE_MIN - 1,
 * else by as far as the skip table allows; at 0 the words are compared at
 * the window's start.  A word found at any byte is one found at a code
 * point: every word opens with a byte that is no continuation byte.
 */
static bool has_inside_word(const ln_chrome_sets *cs, const char *s, size_t n)
{
	if (contains_any(s, n, chrome_signs))
		return true;
	for (size_t i = INSIDE_MIN - 1; i < n;) {
		unsigned skip = cs->skip[pair_key(s + i - 1)];

		if (skip) {
			i += skip;
			continue;
		}

		size_t at = i - (INSIDE_MIN - 1);

		for (const char *const *const *l = inside_lists; *l; l++)
			for (const char *const *w = *l; *w; w++)
				if (starts_with(s + at, n - at, *w))
					return true;
		i++;
	}
	return false;
}

/* The code points of s[0..n), exact up to limit, over limit when there are
 * more: each byte that is no continuation byte begins one (the text is
 * valid UTF-8, decode.c), counted eight bytes at a time.  A line too long
 * to be chrome is turned away by its count, before it is searched. */
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
static bool font_size(const char *s, size_t n)
{
	for (const char *const *k = font_keys; *k; k++) {
		const char *p = nb_find(s, n, *k);

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
static bool copyright(const char *s, size_t n)
{
	const char *p = nb_find(s, n, copyright_keys[0]);

	if (!p)
		return false;

	size_t i = (size_t)(p - s) + strlen(copyright_keys[0]);

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

	if (!(nb_contains(s, n, date_keys[0]) && contains_any(s, n, days)) &&
	    !nb_contains(s, n, date_keys[1]))
		return false;
	if (sc_skip_str(s, n, &i, "今天是") || sc_skip_str(s, n, &i, "今日"))
		return true;
	return sc_number(s, n, &i) >= 0 && sc_skip_str(s, n, &i, "年");
}

/* s[0..n) is trimmed and not blank. */
bool ln_chrome(const ln_chrome_sets *cs, const char *s, size_t n)
{
	bool next = nb_has_prefix(s, n, "上一篇") || nb_has_prefix(s, n, "下一篇") ||
		    nb_has_prefix(s, n, "上一条") || nb_has_prefix(s, n, "下一条");
	/* only a 上一篇 (下一条...) line may be longer than NB_CHROME_MAX: the
	 * others are counted no further.  Fewer bytes than NB_CHROME_MAX
	 * hold fewer code points: only longer lines are counted (0: "not
	 * over") */
	size_t limit = next ? NB_CHROME_TITLE_MAX : NB_CHROME_MAX;
	size_t ncp = n > NB_CHROME_MAX ? cp_count(s, n, limit) : 0;
	size_t i = 0;

	if (ncp > limit || starts_any(s, n, meta_keys, &cs->meta))
		return false;
	if (next)
		return true;
	if (nb_ends_with_full_stop(s, n))
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

	return starts_any(t, tn, chrome_start, &cs->start) || breadcrumb(t, tn) ||
	       (has_inside_word(cs, s, n) &&
		(contains_any(s, n, chrome_anywhere) ||
		 contains_any(s, n, chrome_signs) || copyright(s, n) ||
		 font_size(s, n) || date_banner(s, n))) ||
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
