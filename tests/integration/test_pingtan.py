"""Acceptance: the flattened pages of ../shared/real/pingtan (a crawler's
plain text: header lines, then the whole article on one line, table cells
run together) and the Word-exported HTML of one of them give the table key
figures of ../shared/real/README.md through a real mount; the cells the
README calls ambiguous are empty, with a warning that says so.

Each report is found by its source file (meta.json), not by the agency and
year it was filed under: those come from the crawler's header lines, which
this file does not test.  Skipped when ../shared is absent."""

from decimal import Decimal
from typing import NamedTuple

import pytest

import nbmount as nb
from nbmount import T2_DIR, T3_CSV, T4_CSV


class Key(NamedTuple):
    template: str
    t3_totals: tuple    # 总计 column: 新收, 上年结转, （七）总计, 结转下年度
    t3_new_person: str  # 新收, 自然人
    t4_totals: tuple    # 总计 of 行政复议, 直接起诉, 复议后起诉
    t2: dict            # clause -> {row label: values}


T2_2023 = {
    "第二十条第（五）项": {"行政许可": ["2629"]},
    "第二十条第（六）项": {"行政强制": ["54"]},
    "第二十条第（八）项": {"行政事业性收费": ["5949.088667"]},
}

KEYS = {
    "pingtan-2023.txt": Key("2021", ("81", "0", "81", "0"), "80", ("2", "5", "2"), T2_2023),
    "pingtan-2023.html": Key("2021", ("81", "0", "81", "0"), "80", ("2", "5", "2"), {
        **T2_2023,
        "第二十条第（一）项": {"行政规范性文件": ["77", "132", "470"]},
    }),
    "pingtan-2021.txt": Key("2021", ("70", "0", "69", "1"), "64", ("3", "12", "0"), {
        "第二十条第（五）项": {"行政许可": ["2293"]},
        "第二十条第（六）项": {"行政处罚": ["1282"], "行政强制": ["42"]},
        "第二十条第（八）项": {"行政事业性收费": ["24252.311082"]},
    }),
    "pingtan-2019.txt": Key("2019", ("23", "0", "23", "0"), "23", ("0", "0", "0"), {
        "第二十条第（一）项": {"规章": ["0", "0", "0"]},
    }),
    "pingtan-junshan-2022.txt": Key("2021", ("0", "0", "0", "0"), "0", ("0", "0", "0"), {
        "第二十条第（一）项": {"行政规范性文件": ["0", "0", "11"]},
        "第二十条第（五）项": {"行政许可": ["0"]},
        "第二十条第（八）项": {"行政事业性收费": ["0"]},
    }),
}

# The runs the README says more than one reading fits: (source, clause,
# row).  77132470 as three counts: 7|7|132470, 77|132|470, …
AMBIGUOUS = [("pingtan-2023.txt", "第二十条第（一）项", "行政规范性文件")]

# 君山's printed table 3 breaks （七）总计 = the result rows (its 1.本机关不掌握
# row reads 3|0|0|0|0|2|5, its （七）总计 row 0s).  Both runs have as many
# digits as the row has columns, so their format alone allows one reading:
# the cells are the rows' own, kept as printed, and the check reports the
# rule the report breaks (never a repair).
PRINTED_BREAKS = {("pingtan-junshan-2022.txt", nb.T3_TOTAL, "总计"): "t3.results"}

# Free-form reports: no standard tables.
FREE = ["pingtan-2017.txt", "pingtan-county-2013.txt"]


@pytest.fixture(scope="module")
def reports(request, tmp_path_factory):
    """{source file name: its report directory in the mount}."""
    mnt = nb.mount(request, nb.shared_dir("real/pingtan"), tmp_path_factory.mktemp("pingtan"))
    out = {}
    for agency in nb.agencies(mnt):
        for year in nb.years(mnt / agency):
            source = nb.meta(mnt / agency / year)["source"]
            assert source not in out, f"{source} is in two directories"
            out[source] = mnt / agency / year
    return out


def same(cell, expected, where):
    assert nb.number(cell, where) == Decimal(expected), (
        f"{where}: {cell!r}, the report printed {expected}")


def test_every_page_is_a_report(reports):
    assert set(reports) >= set(KEYS) | set(FREE)


@pytest.mark.parametrize("source", KEYS)
def test_template(reports, source):
    assert nb.templates(nb.meta(reports[source])) == {KEYS[source].template}


@pytest.mark.parametrize("source", KEYS)
def test_sections(reports, source):
    assert nb.sections(reports[source]) == nb.CANONICAL_SECTIONS


@pytest.mark.parametrize("source", KEYS)
def test_table_3(reports, source):
    t = nb.Table(reports[source] / T3_CSV)
    key = KEYS[source]
    assert t.header == nb.T3_HEADER
    assert t.labels == (nb.T3_ROWS_2021 if key.template == "2021" else nb.T3_ROWS_2019)
    rows = [nb.T3_NEW, nb.T3_CARRIED_IN, nb.T3_TOTAL, nb.T3_CARRIED_OUT]
    for label, expected in zip(rows, key.t3_totals):
        rule = PRINTED_BREAKS.get((source, label, "总计"))
        same(t.cell(label, "总计"), expected, f"{source} {label} 总计")
        if rule:
            checks = nb.meta(reports[source])["checks"]
            assert any(c["rule"] == rule and c["subject"] == "总计"
                       and not c["ok"] for c in checks), checks
    same(t.cell(nb.T3_NEW, "自然人"), key.t3_new_person, f"{source} 新收 自然人")


@pytest.mark.parametrize("source", KEYS)
def test_table_4(reports, source):
    t = nb.Table(reports[source] / T4_CSV)
    assert t.header == nb.T4_HEADER
    assert t.labels == nb.T4_ROWS
    for label, expected in zip(nb.T4_ROWS, KEYS[source].t4_totals):
        same(t.cell(label, "总计"), expected, f"{source} {label} 总计")


@pytest.mark.parametrize("source", KEYS)
def test_table_2(reports, source):
    for clause, rows in KEYS[source].t2.items():
        t = nb.Table(reports[source] / T2_DIR / (clause + ".csv"))
        for label, values in rows.items():
            got = t.row(label)
            assert len(got) == len(values), (source, clause, label, got)
            for cell, expected in zip(got, values):
                same(cell, expected, f"{source} {clause} {label}")


@pytest.mark.parametrize("source,clause,row", AMBIGUOUS)
def test_ambiguous_runs_stay_empty_with_a_warning(reports, source, clause, row):
    t = nb.Table(reports[source] / T2_DIR / (clause + ".csv"))
    assert t.row(row) == [""] * (len(t.header) - 1), (
        f"{source} {clause} {row}: {t.row(row)}, but more than one reading fits")
    warnings = nb.meta(reports[source])["warnings"]
    assert any(clause in w and row in w and "more than one reading" in w for w in warnings), (
        f"{source}: no warning names {clause} {row}: {warnings}")


@pytest.mark.parametrize("source", FREE)
def test_free_form_reports_have_no_standard_tables(reports, source):
    r = reports[source]
    assert nb.templates(nb.meta(r)) == {"none"}
    assert not nb.walk_files(r, ".csv"), f"{source}: tables where the report has none"


def test_free_form_prose_is_cut_into_its_sections(reports):
    """The old reports' prose is cut into sections, not read as tables."""
    names = nb.sections(reports["pingtan-2017.txt"])
    assert names[:2] == ["1-概述", "2-主动公开政府信息情况"]


def test_flattened_2023_never_contradicts_its_html(reports):
    """The same report as a flattened page and as Word HTML (whose cells are
    the table's own): every cell the flattened page fills has the HTML's
    value, and it fills all but the ambiguous run's."""
    flat, html = reports["pingtan-2023.txt"], reports["pingtan-2023.html"]
    csvs = [p.relative_to(html) for p in nb.walk_files(html, ".csv")]
    assert len(csvs) == 6, csvs
    empty = 0
    for rel in csvs:
        a, b = nb.Table(flat / rel), nb.Table(html / rel)
        assert a.labels == b.labels and a.header == b.header, rel
        for row_a, row_b in zip(a.rows, b.rows):
            for cell_a, cell_b, col in zip(row_a[1:], row_b[1:], a.header[1:]):
                if cell_a == "":
                    empty += 1
                    continue
                assert cell_a == cell_b, f"{rel} {row_a[0]} {col}: {cell_a!r}, the HTML has {cell_b!r}"
    assert empty == 3, f"{empty} cells empty; only 行政规范性文件's three are ambiguous"
