"""Acceptance: the published reports of ../shared/real (PDF text in layout
and raw order, OCR Markdown, two web pages) give the key figures listed in
../shared/real/README.md, through a real mount of the whole directory.

Skipped when ../shared is absent (a clone without the samples beside it)."""

import hashlib
import json
from decimal import Decimal
from typing import NamedTuple

import pytest

import nbmount as nb
from nbmount import T2_DIR, T3_CSV, T4_CSV

HUAIAN = "淮安市人民政府"
SHUYANG = "沭阳县人民政府"
SHUYANG_FGJ = "沭阳县发展和改革局"
SHANGHAI = "上海市人民政府办公厅"

CLAUSE_HEADERS_2021 = {
    "第二十条第（一）项": ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
    "第二十条第（五）项": ["信息内容", "本年处理决定数量"],
    "第二十条第（六）项": ["信息内容", "本年处理决定数量"],
    "第二十条第（八）项": ["信息内容", "本年收费金额（单位：万元）"],
}
CLAUSE_HEADERS_2019 = {
    "第二十条第（一）项": ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
    "第二十条第（五）项": ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
    "第二十条第（六）项": ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
    "第二十条第（八）项": ["信息内容", "上一年项目数量", "本年增/减"],
}


class Report(NamedTuple):
    agency: str
    year: str
    template: str
    t3_totals: tuple    # 总计 column: 新收, 上年结转, （七）总计, 结转下年度
    t4_totals: tuple    # 总计 of 行政复议, 直接起诉, 复议后起诉 ("" = blank)
    t2: dict            # clause -> {row label: values}


HUAIAN_T2 = {
    "第二十条第（一）项": {"规章": ["1", "0", "11"],
                      "行政规范性文件": ["8", "26", "66"]},
    "第二十条第（五）项": {"行政许可": ["447228"]},
    "第二十条第（六）项": {"行政处罚": ["3985758"], "行政强制": ["88283"]},
    "第二十条第（八）项": {"行政事业性收费": ["96171.6"]},
}
SHUYANG_T2 = {
    "第二十条第（一）项": {"行政规范性文件": ["6", "1", "32"]},
    "第二十条第（五）项": {"行政许可": ["517645"]},
    "第二十条第（六）项": {"行政处罚": ["693957"], "行政强制": ["2154"]},
    "第二十条第（八）项": {"行政事业性收费": ["4068.208"]},
}

# The key figures of ../shared/real/README.md.  淮安's report is there
# twice (pdftotext -layout and raw): two reports of one agency and year.
REPORTS = {
    "huaian-2024": Report(HUAIAN, "2024", "2021", ("3119", "34", "3050", "103"),
                          ("351", "26", "20"), HUAIAN_T2),
    "huaian-2024~2": Report(HUAIAN, "2024~2", "2021", ("3119", "34", "3050", "103"),
                            ("351", "26", "20"), HUAIAN_T2),
    "shuyang-county-2025": Report(SHUYANG, "2025", "2021", ("713", "36", "718", "31"),
                                  ("61", "3", "10"), SHUYANG_T2),
    "shuyang-fgj-2023": Report(SHUYANG_FGJ, "2023", "2021", ("26", "0", "26", "0"),
                               ("1", "0", "0"), {}),
    "shanghai-office-2019": Report(SHANGHAI, "2019", "2019", ("859", "18", "805", "72"),
                                   ("7", "9", ""), {}),
}
WITH_T2 = [k for k, r in REPORTS.items() if r.t2]

SOURCES = {
    "huaian-2024.pdftotext-layout.txt": (HUAIAN, {"2024", "2024~2"}),
    "huaian-2024.pdftotext-raw.txt": (HUAIAN, {"2024", "2024~2"}),
    "shuyang-county-2025.ocr.md": (SHUYANG, {"2025"}),
    "shuyang-fgj-2023.html": (SHUYANG_FGJ, {"2023"}),
    "shanghai-office-2019.html": (SHANGHAI, {"2019"}),
}


@pytest.fixture(scope="module")
def real():
    return nb.shared_dir("real")


@pytest.fixture(scope="module")
def mnt(request, real, tmp_path_factory):
    return nb.mount(request, real, tmp_path_factory.mktemp("real"))


def report(mnt, key):
    r = REPORTS[key]
    return nb.report_dir(mnt, r.agency, r.year)


def same(cell, expected, where):
    """expected "" means a blank cell; else the cell holds that number."""
    if expected == "":
        assert cell == "", f"{where}: {cell!r} where the report printed a blank"
    else:
        assert nb.number(cell, where) == Decimal(expected), (
            f"{where}: {cell!r}, the report printed {expected}")


def all_reports(mnt):
    return [mnt / a / y for a in nb.agencies(mnt) for y in nb.years(mnt / a)]


# ---- where each file lands -----------------------------------------------

def test_each_file_is_a_report_in_its_agency_and_year(mnt, real):
    placed = {}
    for r in all_reports(mnt):
        m = nb.meta(r)
        placed.setdefault(m["source"], []).append(r)
        raw = real / m["source"]
        assert raw.is_file(), f"{r}: source {m['source']!r}"
        assert m["sha256"] == hashlib.sha256(raw.read_bytes()).hexdigest(), r
    for source, (agency, years) in SOURCES.items():
        dirs = placed.get(source, [])
        assert len(dirs) == 1, f"{source} is in {dirs}"
        assert dirs[0].parent.name == agency, f"{source} is in {dirs[0]}"
        assert dirs[0].name in years, f"{source} is in {dirs[0]}"
    huaian = [placed[s][0].name for s in SOURCES if s.startswith("huaian")]
    assert sorted(huaian) == ["2024", "2024~2"]


def test_ocr_misreading_is_kept_only_as_printed(mnt):
    m = nb.meta(report(mnt, "shuyang-county-2025"))
    assert m["agency"] == SHUYANG
    assert "沐阳县" in m["agency_as_printed"]


@pytest.mark.parametrize("key", REPORTS)
def test_template(mnt, key):
    assert nb.templates(nb.meta(report(mnt, key))) == {REPORTS[key].template}


# ---- table 3: 收到和处理政府信息公开申请情况 ----------------------------------

@pytest.mark.parametrize("key", REPORTS)
def test_table_3_shape(mnt, key):
    t = nb.Table(report(mnt, key) / T3_CSV)
    assert t.header == nb.T3_HEADER
    expected = nb.T3_ROWS_2021 if REPORTS[key].template == "2021" \
        else nb.T3_ROWS_2019
    assert t.labels == expected


@pytest.mark.parametrize("key", REPORTS)
def test_table_3_totals(mnt, key):
    t = nb.Table(report(mnt, key) / T3_CSV)
    rows = [nb.T3_NEW, nb.T3_CARRIED_IN, nb.T3_TOTAL, nb.T3_CARRIED_OUT]
    for label, expected in zip(rows, REPORTS[key].t3_totals):
        same(t.cell(label, "总计"), expected, f"{key} {label} 总计")


def test_fgj_blank_legal_person_cells_stay_blank(mnt):
    t = nb.Table(report(mnt, "shuyang-fgj-2023") / T3_CSV)
    legal_persons = nb.T3_HEADER[2:7]
    for label in t.labels:
        for column in legal_persons:
            assert t.cell(label, column) == "", (
                f"{label} {column}: {t.cell(label, column)!r}, printed blank")
    same(t.cell(nb.T3_NEW, "自然人"), "26", "新收 自然人")


# ---- table 4: 行政复议、行政诉讼 -----------------------------------------------

@pytest.mark.parametrize("key", REPORTS)
def test_table_4_totals(mnt, key):
    t = nb.Table(report(mnt, key) / T4_CSV)
    assert t.header == nb.T4_HEADER
    assert t.labels == nb.T4_ROWS
    for label, expected in zip(nb.T4_ROWS, REPORTS[key].t4_totals):
        same(t.cell(label, "总计"), expected, f"{key} {label} 总计")


# pdftotext's reading order prints table 4's numbers in runs of 4, 4, 1, 5
# and 1, interleaved with header fragments and out of the table's order
# (72 64 178 37 | 12 1 1 6 | 351 | 13 4 8 1 26 | 20).  One arrangement of the
# runs alone satisfies every group's 总计, the reading order and the group
# its header names (…复议后起诉 over 12 1 1 6): the row comes out whole, in
# both copies of the report, with a note saying how it was placed.
@pytest.mark.parametrize("key", ["huaian-2024", "huaian-2024~2"])
def test_huaian_appeals_row_in_full(mnt, key):
    t = nb.Table(report(mnt, key) / T4_CSV)
    assert t.row("行政复议") == ["72", "64", "178", "37", "351"]
    assert t.row("行政诉讼/未经复议直接起诉") == ["13", "4", "8", "1", "26"]
    assert t.row("行政诉讼/复议后起诉") == ["12", "1", "1", "6", "20"]


def test_huaian_raw_appeals_placed_by_order_say_so(mnt):
    r = by_source(mnt, "huaian-2024.pdftotext-raw.txt")
    notes = nb.meta(r).get("notes", [])
    assert any("复议诉讼情况" in n and "out of order" in n for n in notes), notes


# ---- table 2: 主动公开政府信息情况 ------------------------------------------------

@pytest.mark.parametrize("key", REPORTS)
def test_table_2_official_headers(mnt, key):
    d = report(mnt, key) / T2_DIR
    official = CLAUSE_HEADERS_2021 if REPORTS[key].template == "2021" \
        else CLAUSE_HEADERS_2019
    clauses = [n[:-len(".csv")] for n in nb.ls(d) if n.endswith(".csv")]
    expected = list(official) + (["第二十条第（九）项"]
                                 if REPORTS[key].template == "2019" else [])
    assert sorted(clauses) == sorted(expected)
    for clause, header in official.items():
        assert nb.Table(d / (clause + ".csv")).header == header, clause


@pytest.mark.parametrize("key", WITH_T2)
def test_table_2_figures(mnt, key):
    d = report(mnt, key) / T2_DIR
    for clause, rows in REPORTS[key].t2.items():
        t = nb.Table(d / (clause + ".csv"))
        for label, values in rows.items():
            cells = t.row(label)
            assert len(cells) == len(values), f"{clause} {label}: {cells}"
            for cell, expected in zip(cells, values):
                same(cell, expected, f"{key} {clause} {label}")


def test_fgj_normative_documents_get_the_official_label(mnt):
    t = nb.Table(report(mnt, "shuyang-fgj-2023") / T2_DIR / "第二十条第（一）项.csv")
    assert t.labels == ["规章", "行政规范性文件"]


def test_shanghai_procurement_in_the_headers_unit(mnt):
    r = report(mnt, "shanghai-office-2019")
    t = nb.Table(r / T2_DIR / "第二十条第（九）项.csv")
    assert t.header[:2] == ["信息内容", "采购项目数量"]
    same(t.cell("政府集中采购", "采购项目数量"), "6", "采购项目数量")
    header = t.header_of("采购总金额")
    amount = t.cell("政府集中采购", "采购总金额")
    # The page printed 251000元 under a header without a unit.
    if "万元" in header:
        same(amount, "25.1", header)
        m = json.dumps(nb.meta(r), ensure_ascii=False)
        assert "251000" in m, "the conversion from 251000元 is not noted"
    else:
        assert "元" in header, f"no unit in {header!r}"
        same(amount, "251000", header)


# ---- text from a PDF ------------------------------------------------------------

def test_huaian_pdf_lines_joined_and_page_numbers_dropped(mnt):
    for key in ["huaian-2024", "huaian-2024~2"]:
        r = report(mnt, key)
        # The PDF broke the first phrase across two lines, the second
        # across a page break, with the page number -1- between.
        for phrase in ["努力传递政府声音", "一流营商环境高质量推进产业发展"]:
            found = nb.grep_files(phrase, r)
            assert found == ["1-总体情况/text.txt", "report.txt"], (key, phrase)
        found = nb.grep_files(r"^\s*(-\s*[0-9]+\s*-|—\s*[0-9]+\s*—)\s*$", r,
                              "--include=*.txt", regex=True)
        assert found == [], f"{key}: a line that is a page number in {found}"


# ---- every CSV ----------------------------------------------------------------

def test_every_csv_cell_is_blank_or_a_plain_number(mnt):
    paths = nb.walk_files(mnt, ".csv")
    assert paths, "no CSV in the mount"
    for path in paths:
        data = nb.cat(path)
        nb.check_csv_dialect(path, data)
        t = nb.Table(path)
        assert t.header[0] in ("信息内容", "项目", "类别"), path
        for row in t.rows:
            for cell in row[1:]:
                if cell != "":
                    nb.number(cell, f"{path} {row[0]}")


# ---- raw reading order: right or empty, never wrong -----------------------------

def by_source(mnt, source):
    for r in all_reports(mnt):
        if nb.meta(r)["source"] == source:
            return r
    pytest.fail(f"{source} is in no report directory")


def csv_tables(report):
    """{relative csv path: Table} of a report."""
    return {str(p.relative_to(report)): nb.Table(p) for p in nb.walk_files(report, ".csv")}


def test_huaian_raw_order_never_contradicts_the_layout(mnt):
    """The same report as pdftotext prints it in reading order (one cell
    per line, rows interleaved where the PDF's cells are) and with -layout
    (aligned columns, all figures right): every cell of the raw reading is
    the layout's figure or empty, and every row left empty is named in a
    warning."""
    layout = by_source(mnt, "huaian-2024.pdftotext-layout.txt")
    raw = by_source(mnt, "huaian-2024.pdftotext-raw.txt")
    want, got = csv_tables(layout), csv_tables(raw)
    assert set(got) == set(want)
    warnings = nb.meta(raw)["warnings"]
    for path, t in got.items():
        assert t.header == want[path].header, path
        for label in t.labels:
            for column, cell in zip(t.header[1:], t.row(label)):
                expected = want[path].cell(label, column)
                if cell == "":
                    if expected != "":
                        table = path.rsplit("/", 1)[-1][:-len(".csv")]
                        assert any(table in w and (label in w or "all 15 cells" in w)
                                   for w in warnings), (
                            f"{path} {label} {column} left empty without a warning")
                    continue
                assert cell == expected, (
                    f"WRONG {path} {label} {column}: {cell!r}, the report printed {expected!r}")


def test_huaian_raw_total_row_right_or_empty_with_warning(mnt):
    """Issue 6: table 3's （七）总计 row once took numbers from two
    interleaved rows (0,21,0,0,0,0,0 for 21,0,0,0,0,0,21)."""
    r = by_source(mnt, "huaian-2024.pdftotext-raw.txt")
    t = nb.Table(r / T3_CSV)
    printed = ["2932", "53", "0", "0", "61", "4", "3050"]
    cells = t.row(nb.T3_TOTAL)
    assert len(cells) == 7
    for column, cell, expected in zip(nb.T3_HEADER[1:], cells, printed):
        if cell == "":
            assert any("（七）总计" in w for w in nb.meta(r)["warnings"]), column
        else:
            same(cell, expected, f"raw （七）总计 {column}")
