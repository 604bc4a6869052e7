"""Acceptance: issue 2's table "What must hold on the samples", checked
through a real mount of ../shared/seeds with ls, cat, find and grep -r.

Skipped when ../shared is absent (a clone without the samples beside it)."""

import hashlib
import re
from decimal import Decimal

import pytest

import nbmount as nb
from nbmount import CANONICAL_SECTIONS, T2_DIR, T3_CSV, T4_CSV

SUIFENHE = "绥芬河市人民政府"
XIALU = ["下陆区人民政府", "黄石市下陆区人民政府"]
YAOSHAN = "津市市药山镇人民政府"
# the title says 安顺市政府办公室; the report prints the office's full name
# (《安顺市人民政府办公室关于…》), and the fullest name the report gives wins
ANSHUN = "安顺市人民政府办公室"
HANGZHOU = "杭州市发展和改革委员会"

CLAUSE_1_HEADER_2019 = ["信息内容", "本年新制作数量", "本年新公开数量",
                        "对外公开总数量"]
CLAUSES_2019 = ["第二十条第（一）项.csv", "第二十条第（五）项.csv",
                "第二十条第（六）项.csv", "第二十条第（八）项.csv",
                "第二十条第（九）项.csv"]


@pytest.fixture(scope="module")
def seeds():
    return nb.shared_dir("seeds")


@pytest.fixture(scope="module")
def mnt(request, seeds, tmp_path_factory):
    return nb.mount(request, seeds, tmp_path_factory.mktemp("seeds"))


# ---- the whole mount ---------------------------------------------------------

def test_ls_shows_one_directory_per_agency_and_year(mnt):
    agencies = nb.agencies(mnt)
    xialu = [a for a in XIALU if a in agencies]
    assert len(xialu) == 1, f"no single 下陆区 directory in {agencies}"
    assert sorted(agencies) == sorted(
        [SUIFENHE, xialu[0], YAOSHAN, ANSHUN, HANGZHOU])
    years = {a: nb.years(mnt / a) for a in agencies}
    assert years == {SUIFENHE: ["2019"], xialu[0]: ["2016"],
                     YAOSHAN: ["2019"], ANSHUN: ["2020"],
                     HANGZHOU: ["2018"]}


def test_every_report_has_meta_and_report_txt(mnt):
    for agency in nb.agencies(mnt):
        for year in nb.years(mnt / agency):
            names = nb.ls(mnt / agency / year)
            assert "meta.json" in names, f"{agency}/{year}: {names}"
            assert "report.txt" in names, f"{agency}/{year}: {names}"


def test_meta_json_has_the_required_fields(mnt, seeds):
    for agency in nb.agencies(mnt):
        for year in nb.years(mnt / agency):
            where = f"{agency}/{year}/meta.json"
            m = nb.meta(mnt / agency / year)
            missing = [k for k in nb.META_KEYS if k not in m]
            assert not missing, f"{where}: missing {missing}"
            assert m["agency"] == agency, where
            assert isinstance(m["agency_as_printed"], str), where
            assert m["agency_as_printed"], where
            assert m["year"] == int(year.split("~")[0]), where
            assert m["title"] is None or isinstance(m["title"], str), where
            assert m["published"] is None or re.fullmatch(
                r"\d{4}-\d{2}-\d{2}", m["published"]), where
            assert nb.templates(m) <= {"2019", "2021", "none"}, where
            raw = seeds / m["source"]
            assert raw.is_file(), f"{where}: source {m['source']!r}"
            assert m["sha256"] == hashlib.sha256(raw.read_bytes()).hexdigest(), where
            assert isinstance(m["encoding"], str) and m["encoding"], where
            assert all(isinstance(w, str) for w in m["warnings"]), where
            for c in m["checks"]:
                assert isinstance(c["rule"], str) and c["rule"], where
                assert isinstance(c["ok"], bool), where
                assert isinstance(c["detail"], str), where


def test_every_seed_is_one_report(mnt, seeds):
    sources = sorted(nb.meta(mnt / a / y)["source"]
                     for a in nb.agencies(mnt) for y in nb.years(mnt / a))
    assert sources == sorted(p.name for p in seeds.glob("*.txt"))


def test_csv_dialect_is_bom_crlf_rfc4180(mnt):
    paths = nb.walk_files(mnt, ".csv")
    assert paths, "no CSV in the mount"
    for path in paths:
        nb.check_csv_dialect(path, nb.cat(path))


def test_text_files_are_utf8_lf_without_bom(mnt):
    paths = nb.walk_files(mnt, ".txt")
    assert paths, "no text file in the mount"
    for path in paths:
        nb.check_text_file(path, nb.cat(path))


# ---- seed 000: 绥芬河市, 2019 format, tables given as images ----------------

def test_000_six_canonical_sections(mnt):
    r = nb.report_dir(mnt, SUIFENHE, "2019")
    assert nb.sections(r) == CANONICAL_SECTIONS


def test_000_tables_were_images_no_csv_and_a_warning(mnt):
    r = nb.report_dir(mnt, SUIFENHE, "2019")
    assert nb.walk_files(r, ".csv") == []
    m = nb.meta(r)
    assert nb.templates(m) == {"2019"}
    images = [w for w in m["warnings"]
              if re.search(r"image|图片|图像|\.png", w, re.IGNORECASE)]
    assert images, f"no warning says the tables were images: {m['warnings']}"


def test_000_facts(mnt):
    m = nb.meta(nb.report_dir(mnt, SUIFENHE, "2019"))
    assert m["agency_as_printed"].startswith("绥芬河市")
    assert m["published"] == "2020-02-17"


def test_000_grep_finds_prose_in_its_section(mnt):
    found = nb.grep_files("全市主动公开政府信息13279条", mnt / SUIFENHE)
    assert found == ["2019/1-总体情况/text.txt", "2019/report.txt"]


# ---- seed 001: 下陆区, 2016, no standard format, site chrome ------------------

XIALU_SECTIONS = [
    "1-信息公开概述",
    "2-主动公开政府信息的情况",
    "3-政府信息依申请公开办理情况",
    "4-政府信息公开的收费及减免情况",
    "5-政府信息公开工作存在的主要问题及改进措施",
]


def test_001_free_headings_numbered_in_order(mnt):
    r = nb.report_dir(mnt, XIALU, "2016")
    assert nb.templates(nb.meta(r)) == {"none"}
    assert nb.sections(r) == XIALU_SECTIONS
    assert nb.walk_files(r, ".csv") == []


def test_001_site_header_and_footer_in_no_text_file(mnt):
    r = nb.report_dir(mnt, XIALU, "2016")
    for chrome in ["欢迎光临", "当前位置", "鄂公网安备", "来源:", "来源：",
                   "视力保护色", "黄石天气"]:
        found = nb.grep_files(chrome, mnt, "--include=text.txt")
        assert found == [], f"{chrome!r} in {found}"
        found = nb.grep_files(chrome, r, "--include=report.txt")
        assert found == [], f"{chrome!r} in {r}/report.txt"


def test_001_grep_finds_prose_in_its_section(mnt):
    r = nb.report_dir(mnt, XIALU, "2016")
    found = nb.grep_files("区政府网站归口下陆区委宣传部管理", r)
    assert found == [XIALU_SECTIONS[4] + "/text.txt", "report.txt"]


# ---- seed 002: 津市市药山镇, 2019 format, "|" rows, no year in a title ------

def test_002_sections_and_all_three_tables(mnt):
    r = nb.report_dir(mnt, YAOSHAN, "2019")
    assert nb.sections(r) == CANONICAL_SECTIONS
    assert nb.templates(nb.meta(r)) == {"2019"}
    csvs = nb.ls(r / T2_DIR)
    assert sorted(n for n in csvs if n.endswith(".csv")) == sorted(CLAUSES_2019)
    assert (r / T3_CSV).is_file()
    assert (r / T4_CSV).is_file()


def test_002_clause_1_official_header_and_figures(mnt):
    t = nb.Table(nb.report_dir(mnt, YAOSHAN, "2019") / T2_DIR / CLAUSES_2019[0])
    # The page printed 本年新 | 本年新: the header is the official one.
    assert t.header == CLAUSE_1_HEADER_2019
    assert t.labels == ["规章", "规范性文件"]
    assert t.row("规章") == ["0", "0", "0"]
    assert t.row("规范性文件") == ["7", "16", "16"]


def check_procurement(t, count, amount_wan):
    """政府集中采购: count, and the amount in the unit the header names."""
    assert t.header[:2] == ["信息内容", "采购项目数量"]
    assert t.cell("政府集中采购", "采购项目数量") == count
    header = t.header_of("采购总金额")
    amount = nb.number(t.cell("政府集中采购", "采购总金额"), t.path)
    if "万元" in header:
        assert amount == amount_wan
    else:
        assert "元" in header, f"{t.path}: no unit in {header!r}"
        assert amount == amount_wan * 10000


def test_002_procurement(mnt):
    t = nb.Table(nb.report_dir(mnt, YAOSHAN, "2019") / T2_DIR / CLAUSES_2019[4])
    check_procurement(t, "5", Decimal("414.52"))


def test_002_tables_3_and_4_all_zero(mnt):
    r = nb.report_dir(mnt, YAOSHAN, "2019")
    t3 = nb.Table(r / T3_CSV)
    assert t3.header == nb.T3_HEADER
    assert t3.labels == nb.T3_ROWS_2019
    assert all(r[1:] == ["0"] * 7 for r in t3.rows)
    t4 = nb.Table(r / T4_CSV)
    assert t4.header == nb.T4_HEADER
    assert t4.labels == nb.T4_ROWS
    assert all(r[1:] == ["0"] * 5 for r in t4.rows)


def test_002_checks_all_pass(mnt):
    checks = nb.meta(nb.report_dir(mnt, YAOSHAN, "2019"))["checks"]
    assert checks, "no consistency check was run on tables 3 and 4"
    assert [c for c in checks if not c["ok"]] == []


# ---- seed 003: 安顺市政府办公室, 2020, one cell per line, footer chrome --------

def test_003_five_sections_no_six(mnt):
    r = nb.report_dir(mnt, ANSHUN, "2020")
    assert nb.sections(r) == CANONICAL_SECTIONS[:5]
    assert nb.templates(nb.meta(r)) == {"2019"}


def test_003_clause_1_and_procurement(mnt):
    r = nb.report_dir(mnt, ANSHUN, "2020")
    t = nb.Table(r / T2_DIR / CLAUSES_2019[0])
    assert t.header == CLAUSE_1_HEADER_2019
    assert t.row("规章") == ["0", "0", "1"]
    assert t.row("规范性文件") == ["4", "4", "124"]
    t = nb.Table(r / T2_DIR / CLAUSES_2019[4])
    check_procurement(t, "7", Decimal("238.58"))


def test_003_requests_table(mnt):
    t = nb.Table(nb.report_dir(mnt, ANSHUN, "2020") / T3_CSV)
    assert t.header == nb.T3_HEADER
    assert t.labels == nb.T3_ROWS_2019
    nineteen = ["19", "0", "0", "0", "0", "0", "19"]
    assert t.row(nb.T3_NEW) == nineteen
    assert t.row(nb.T3_RESULTS + "/（一）予以公开") == \
        ["11", "0", "0", "0", "0", "0", "11"]
    assert t.row(nb.T3_RESULTS + "/（四）无法提供/1.本机关不掌握相关政府信息") == \
        ["8", "0", "0", "0", "0", "0", "8"]
    assert t.row(nb.T3_TOTAL) == nineteen
    assert t.row(nb.T3_CARRIED_IN) == ["0"] * 7
    assert t.row(nb.T3_CARRIED_OUT) == ["0"] * 7


def test_003_appeals_table_all_zero(mnt):
    t = nb.Table(nb.report_dir(mnt, ANSHUN, "2020") / T4_CSV)
    assert t.header == nb.T4_HEADER
    assert t.labels == nb.T4_ROWS
    assert all(r[1:] == ["0"] * 5 for r in t.rows)


def test_003_page_footer_in_no_text_file(mnt):
    r = nb.report_dir(mnt, ANSHUN, "2020")
    for chrome in ["扫一扫在手机打开当前页面", "上一篇", "下一篇",
                   "电脑版|手机版", "当前页面:"]:
        found = nb.grep_files(chrome, mnt, "--include=text.txt")
        assert found == [], f"{chrome!r} in {found}"
        found = nb.grep_files(chrome, r, "--include=report.txt")
        assert found == [], f"{chrome!r} in {r}/report.txt"


def test_003_checks_all_pass(mnt):
    m = nb.meta(nb.report_dir(mnt, ANSHUN, "2020"))
    assert m["published"] == "2021-01-29"
    assert m["checks"], "no consistency check was run on tables 3 and 4"
    assert [c for c in m["checks"] if not c["ok"]] == []


# ---- seed 004: 杭州市发改委, 2018, Traditional script ------------------------

HANGZHOU_SECTIONS = [
    "1-2018年政务公开工作完成情况及成效",
    "2-工作中存在的困难和问题",
    "3-2019年工作打算及有关意见建议",
]


def test_004_free_headings_in_simplified(mnt):
    r = nb.report_dir(mnt, HANGZHOU, "2018")
    assert nb.sections(r) == HANGZHOU_SECTIONS
    assert nb.templates(nb.meta(r)) == {"none"}
    assert nb.walk_files(r, ".csv") == []


def test_004_text_converted_to_simplified(mnt):
    r = nb.report_dir(mnt, HANGZHOU, "2018")
    for traditional in ["發", "開", "會", "報"]:
        found = nb.grep_files(traditional, r, "--include=*.txt")
        assert found == [], f"Traditional {traditional!r} left in {found}"
    found = nb.grep_files("启动我委网站迁至政务服务网站集约化平台工作", r)
    assert found == [HANGZHOU_SECTIONS[0] + "/text.txt", "report.txt"]
