/*
 * agency.c — agency names: what looks like one, the formal name a bare
 * place stands for, OCR slips in place names, and abbreviations.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

/* Endings of an institution's name, longest first where one ends another. */
static const char *const institution_ends[] = {
	"人民政府", "政府", "办公室", "办公厅", "委员会", "管委会", "办事处",
	"局", "厅", "委", "办", "院", "中心", "处", "所", "站", "署", "会",
	"部", "司", "队", "馆", "校", "大学", "公司", "集团", "银行", "社",
};

/* Endings of a bare place: the report of the place is its government's. */
static const char *const place_ends[] = { "市", "县", "区", "旗", "镇", "乡" };

/* Zones that end in 区 but have no 人民政府: a 管委会 or a bureau governs
 * them, and the report names the zone itself (平潭综合实验区).  Not 新区:
 * 浦东新区 has a 人民政府, 雄安新区 a 管委会. */
static const char *const zone_ends[] = {
	"实验区", "试验区", "开发区", "示范区", "园区", "保税区", "合作区",
	"管理区", "风景区", "片区",
};

/*
 * Place names OCR gets wrong, and the name that exists: there is no 沐阳县,
 * the county is 沭阳.
 */
static const struct {
	const char *wrong, *right;
} ocr_slips[] = {
	{ "沐阳", "沭阳" },
	{ "沐城", "沭城" },
};

static size_t decode(const char *s, uint32_t *out, size_t cap)
{
	size_t i = 0, n = 0, len = strlen(s);

	while (i < len) {
		uint32_t cp = nb_utf8_next(s, len, &i);
		if (n < cap)
			out[n] = cp;
		n++;
	}
	return n;
}

static bool ends_with_u(const uint32_t *s, size_t n, const char *end)
{
	uint32_t e[16];
	size_t ne = decode(end, e, 16);

	return ne <= 16 && ne <= n && memcmp(s + n - ne, e, ne * sizeof *e) == 0;
}

static bool ends_with(const char *s, const char *end)
{
	size_t n = strlen(s), ne = strlen(end);

	return ne <= n && memcmp(s + n - ne, end, ne) == 0;
}

static bool is_institution(const uint32_t *s, size_t n)
{
	for (size_t i = 0; i < sizeof institution_ends / sizeof *institution_ends; i++)
		if (ends_with_u(s, n, institution_ends[i]))
			return true;
	return false;
}

static bool is_zone(const uint32_t *s, size_t n)
{
	for (size_t i = 0; i < sizeof zone_ends / sizeof *zone_ends; i++)
		if (ends_with_u(s, n, zone_ends[i]))
			return true;
	return false;
}

static bool is_place(const uint32_t *s, size_t n)
{
	for (size_t i = 0; i < sizeof place_ends / sizeof *place_ends; i++)
		if (ends_with_u(s, n, place_ends[i]))
			return true;
	return ends_with_u(s, n, "街道");
}

bool nb_agency_like(const uint32_t *s, size_t n)
{
	if (n < 2 || n > 40)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!nb_is_han(s[i]) && s[i] != '(' && s[i] != ')')
			return false;
	return is_institution(s, n) || is_place(s, n);
}

/* Whether the name already names an institution somewhere inside it, as
 * 安顺市政府办公室 does (so it is no bare place, whatever its ending). */
static bool names_institution(const char *s)
{
	static const char *const words[] = { "政府", "委员会", "办公", "局", "厅" };

	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strstr(s, words[i]))
			return true;
	return false;
}

char *nb_agency_formal(const char *printed)
{
	nb_buf b = { 0 };
	const char *s = printed;

	/* The OCR slips first: they are whole place names, spelled wrong. */
	while (*s) {
		size_t k;
		for (k = 0; k < sizeof ocr_slips / sizeof *ocr_slips; k++) {
			size_t wl = strlen(ocr_slips[k].wrong);
			if (!strncmp(s, ocr_slips[k].wrong, wl)) {
				nb_buf_adds(&b, ocr_slips[k].right);
				s += wl;
				break;
			}
		}
		if (k == sizeof ocr_slips / sizeof *ocr_slips)
			nb_buf_addc(&b, *s++);
	}
	if (b.oom || !b.s) {
		nb_buf_free(&b);
		return NULL;
	}

	uint32_t u[64];
	size_t n = decode(b.s, u, 64);
	if (n > 64)
		return nb_buf_take(&b);
	if (ends_with(b.s, "人民")) {
		nb_buf_adds(&b, "政府");
	} else if (ends_with(b.s, "街道")) {
		nb_buf_adds(&b, "办事处");
	} else if (n >= 3 && ends_with(b.s, "政府") && !ends_with(b.s, "人民政府") &&
		   is_place(u, n - 2)) {
		/* 下陆区政府 is what people call 下陆区人民政府 */
		b.len -= strlen("政府");
		b.s[b.len] = '\0';
		nb_buf_adds(&b, "人民政府");
	} else if (is_place(u, n) && !is_zone(u, n) && !names_institution(b.s)) {
		nb_buf_adds(&b, "人民政府");
	}
	return nb_buf_take(&b);
}

/*
 * Whether a and b end as the same kind of body: the same last character,
 * or a word cut short (…委 of …委员会, …办 of …办公室 / …办公厅).  洪泽区人民政府
 * is not short for 淮安市洪泽区人民政府办公室: that is its office.
 */
static bool same_kind(const uint32_t *ua, size_t na, const uint32_t *ub, size_t nb)
{
	static const struct {
		const char *cut, *full;
	} cuts[] = { { "委", "委员会" }, { "办", "办公室" }, { "办", "办公厅" } };

	if (ua[na - 1] == ub[nb - 1])
		return true;
	for (size_t k = 0; k < sizeof cuts / sizeof *cuts; k++)
		if (ends_with_u(ua, na, cuts[k].cut) && ends_with_u(ub, nb, cuts[k].full))
			return true;
	return false;
}

/*
 * a is an abbreviation of b when b holds a's characters in order and more
 * besides (市发改委 of 杭州市发展和改革委员会, 商务委 of 商务委员会) — but
 * not when b only adds an ending, for that names another body
 * (淮安市人民政府办公室 is not 淮安市人民政府), nor when it only puts the
 * city before a district's usual name.
 */
bool nb_agency_abbrev(const char *a, const char *b)
{
	uint32_t ua[64], ub[64];
	size_t na = decode(a, ua, 64), nb = decode(b, ub, 64);

	return na <= 64 && nb <= 64 && nb_agency_abbrev_u(ua, na, ub, nb);
}

bool nb_agency_abbrev_u(const uint32_t *ua, size_t na, const uint32_t *ub, size_t nb)
{
	if (na > 64 || nb > 64 || nb <= na || na < 2)
		return false;
	if (memcmp(ua, ub, na * sizeof *ua) == 0) {
		/* only the word cut short may go on: …商务委 of …商务委员会 */
		static const uint32_t wei = 0x59D4, yuan = 0x5458, hui = 0x4F1A;
		return ua[na - 1] == wei && nb == na + 2 && ub[na] == yuan && ub[na + 1] == hui;
	}
	if (memcmp(ua, ub + nb - na, na * sizeof *ua) == 0) {
		/* 黄石市下陆区人民政府 is no fuller than 下陆区人民政府, the name the
		 * agency goes by every year; but 市发展和改革委员会 lacks its city */
		static const uint32_t levels[] = { 0x5E02, 0x53BF, 0x533A, 0x7701, 0x5DDE };
		for (size_t k = 0; k < sizeof levels / sizeof *levels; k++)
			if (ua[0] == levels[k])
				return true;
		return false;
	}
	if (!same_kind(ua, na, ub, nb))
		return false;
	/* a's characters in order; what b inserts between them spells words
	 * out (发改 → 发展和改革) but names no other place (淮安市人民政府 is
	 * not short for 淮安市洪泽区人民政府) */
	size_t j = 0;
	for (size_t i = 0; i < nb && j < na; i++) {
		if (ub[i] == ua[j])
			j++;
		else if (j > 0 && is_place(ub + i, 1))
			return false;
	}
	return j == na;
}
