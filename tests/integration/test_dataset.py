"""The whole collection as a dataset (issue 9): MOUNTPOINT/_all and each
agency's 趋势.csv, over the fixture corpus (tests/fixtures) and the
three years of one agency in tests/data/index (for the trends and the
cross-year checks), mounted for real in both CSV dialects.

Everything in _all is checked against the per-report files of the same
mount, read with ordinary tools (cat, cp, stat) and Python's csv module:
the dataset must say exactly what the reports say."""

import collections
import functools
import csv
import io
import json
import os
import pathlib
import random
import shutil
import sqlite3
import subprocess

import pytest

from conftest import ALL, REPO, TREND, agencies, mounted, needs_fuse, run

pytestmark = needs_fuse

BOM = b"\xef\xbb\xbf"
IDENTITY = ["机关", "年度", "目录"]
LISTS = {
    "reports.csv": IDENTITY + ["标题", "发布日期", "格式", "来源文件", "编码",
                               "警告数", "未通过检查数"],
    "checks.csv": IDENTITY + ["规则", "对象", "说明"],
    "warnings.csv": IDENTITY + ["警告"],
}
UNKNOWN_YEAR = "未知年度"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The fixture corpus and tests/data/index in one raw directory."""
    raw = tmp_path_factory.mktemp("dataset") / "raw"
    shutil.copytree(REPO / "tests" / "fixtures", raw)
    shutil.copytree(REPO / "tests" / "data" / "index", raw / "index-data")
    return raw


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return tmp_path_factory.mktemp("dataset-db") / "index.sqlite"


@pytest.fixture(scope="module")
def mnt(nianbaofs, fuse_usable, corpus, db, tmp_path_factory):
    with mounted(nianbaofs, corpus, tmp_path_factory.mktemp("m"), db) as m:
        yield m


@pytest.fixture(scope="module")
def mnt_unix(nianbaofs, fuse_usable, corpus, db, tmp_path_factory):
    with mounted(nianbaofs, corpus, tmp_path_factory.mktemp("mu"), db,
                 "-o", "csv=unix") as m:
        yield m


def tool_bytes(*argv):
    """What a tool writes on stdout, as bytes."""
    r = subprocess.run([str(a) for a in argv], capture_output=True,
                       timeout=60, check=False)
    assert r.returncode == 0, r.stderr
    return r.stdout


def rows_of(path):
    """Header and rows, as Python's csv module reads the file."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


@functools.lru_cache(maxsize=None)
def reports(mnt):
    """{"<agency>/<year>": meta} for every report directory."""
    out = {}
    for a in agencies(mnt):
        for y in sorted(os.listdir(mnt / a)):
            if y != TREND:
                out[f"{a}/{y}"] = json.loads(
                    (mnt / a / y / "meta.json").read_text(encoding="utf-8"))
    return out


@functools.lru_cache(maxsize=None)
def report_csvs(mnt, rdir):
    """{table: (header, rows)} of one report's CSVs."""
    out = {}
    for sec in sorted((mnt / rdir).iterdir()):
        if sec.is_dir():
            for f in sorted(sec.glob("*.csv")):
                assert "~" not in f.name, f
                out[f.name[:-4]] = rows_of(f)
    return out


def identity(rdir, meta):
    year = meta["year"]
    return [meta["agency"] or "", str(year) if year else "", rdir]


def year_dir_of(row):
    return row[1] or UNKNOWN_YEAR


def all_tables(mnt):
    return sorted(p.name[:-4] for p in (mnt / ALL).iterdir()
                  if p.is_file() and p.name not in LISTS)


# ---- the tree --------------------------------------------------------------------

def test_all_sorts_first_and_clashes_with_no_agency(mnt):
    r = run(["ls", "-1", mnt])
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\n")[0] == ALL
    assert os.listdir(mnt)[0] == ALL          # readdir order too
    assert not any(a.startswith("_") for a in agencies(mnt))
    names = set(os.listdir(mnt / ALL))
    assert set(LISTS) <= names
    assert "申请情况.csv" in names and "复议诉讼情况.csv" in names
    years = sorted(n for n in names if (mnt / ALL / n).is_dir())
    assert years == sorted({year_dir_of(identity(d, m))
                            for d, m in reports(mnt).items()
                            if any(m["template_tables"])})
    for a in agencies(mnt):
        assert (mnt / a / TREND).is_file(), a


def test_list_headers(mnt):
    for name, header in LISTS.items():
        assert rows_of(mnt / ALL / name)[0] == header


# ---- every row of every report, exactly once ------------------------------------

def expected_table_rows(mnt, table, header):
    """The rows _all/<table>.csv must hold, from the reports' own CSVs,
    placed under the union header."""
    want = []
    for rdir, meta in reports(mnt).items():
        csvs = report_csvs(mnt, rdir)
        if table not in csvs:
            continue
        h, rows = csvs[table]
        assert header[:5] == IDENTITY + ["格式", h[0]], table
        place = [header.index(c, 5) for c in h[1:]]
        for row in rows:
            out = identity(rdir, meta) + [meta["template_tables"][table],
                                          row[0]] + [""] * (len(header) - 5)
            for i, v in zip(place, row[1:]):
                out[i] = v
            want.append(out)
    return want


def test_every_report_row_appears_exactly_once(mnt):
    tables = all_tables(mnt)
    assert {"申请情况", "复议诉讼情况", "第二十条第（一）项"} <= set(tables)
    per_report = set()
    for rdir in reports(mnt):
        per_report |= set(report_csvs(mnt, rdir))
    assert set(tables) == per_report
    for table in tables:
        header, rows = rows_of(mnt / ALL / f"{table}.csv")
        want = expected_table_rows(mnt, table, header)
        assert want, table
        got = collections.Counter(map(tuple, rows))
        assert got == collections.Counter(map(tuple, want)), table


def test_table_2_has_both_formats_columns_in_template_order(mnt):
    header, rows = rows_of(mnt / ALL / "第二十条第（一）项.csv")
    assert header == IDENTITY + ["格式", "信息内容", "本年新制作数量",
                                 "本年新公开数量", "对外公开总数量",
                                 "本年制发件数", "本年废止件数", "现行有效件数"]
    assert {r[3] for r in rows} == {"2019", "2021"}
    for r in rows:
        own = r[5:8] if r[3] == "2019" else r[8:11]
        other = r[8:11] if r[3] == "2019" else r[5:8]
        assert other == ["", "", ""], r
        assert any(own), r


def test_rows_ordered_by_year_then_agency(mnt):
    for name in list(LISTS) + [t + ".csv" for t in all_tables(mnt)]:
        _, rows = rows_of(mnt / ALL / name)
        keys = [(int(r[1]) if r[1] else 10**9, r[2].split("/")[0])
                for r in rows]
        assert keys == sorted(keys), name


def test_year_files_hold_exactly_that_years_rows(mnt):
    for table in all_tables(mnt):
        whole = (mnt / ALL / f"{table}.csv").read_bytes()
        header, rows = rows_of(mnt / ALL / f"{table}.csv")
        years = sorted({year_dir_of(r) for r in rows},
                       key=lambda y: (y == UNKNOWN_YEAR, y))
        body = b""
        for y in years:
            path = mnt / ALL / y / f"{table}.csv"
            h, yrows = rows_of(path)
            assert h == header, path
            assert yrows == [r for r in rows if year_dir_of(r) == y], path
            data = path.read_bytes()
            first = data.index(b"\r\n") + 2
            assert data[:first] == whole[:first]
            body += data[first:]
        # a year's file is a slice: together they are the whole
        assert whole == whole[:whole.index(b"\r\n") + 2] + body, table
        for d in (mnt / ALL).iterdir():
            if d.is_dir() and d.name not in years:
                assert not (d / f"{table}.csv").exists()


# ---- the three lists --------------------------------------------------------------

def test_checks_are_exactly_the_failed_checks_of_every_meta_json(mnt):
    want = []
    for rdir, meta in reports(mnt).items():
        for c in meta["checks"]:
            if not c["ok"]:
                want.append(tuple(identity(rdir, meta) + [
                    c["rule"], c["subject"] or "", c["detail"]]))
    _, rows = rows_of(mnt / ALL / "checks.csv")
    assert collections.Counter(map(tuple, rows)) == collections.Counter(want)
    rules = {r[3] for r in rows}
    assert "cross_year.t2_current" in rules       # tests/data/index
    declared = set()                              # the fixtures' own
    for exp in (REPO / "tests" / "fixtures").rglob("*.expect.json"):
        declared |= set(json.loads(exp.read_text(encoding="utf-8"))
                        .get("checks_failed", []))
    assert declared and declared <= rules


def test_warnings_are_every_meta_jsons(mnt):
    want = [tuple(identity(rdir, meta) + [w])
            for rdir, meta in reports(mnt).items() for w in meta["warnings"]]
    _, rows = rows_of(mnt / ALL / "warnings.csv")
    assert want and collections.Counter(map(tuple, rows)) == \
        collections.Counter(want)


def test_reports_csv_has_one_row_per_report(mnt):
    want = []
    for rdir, meta in reports(mnt).items():
        want.append(tuple(identity(rdir, meta) + [
            meta["title"] or "", meta["published"] or "", meta["template"],
            meta["source"], meta["encoding"], str(len(meta["warnings"])),
            str(sum(not c["ok"] for c in meta["checks"]))]))
    _, rows = rows_of(mnt / ALL / "reports.csv")
    assert sorted(map(tuple, rows)) == sorted(want)
    # one row per report directory, and the corpus has dozens
    assert len(rows) == len(want) >= 50


# ---- 趋势.csv ----------------------------------------------------------------------

def split_key(key, csvs):
    """<table>/<row>/<column> back into its parts, using the headers of
    the agency's tables (row labels and headers may hold '/')."""
    table, rest = key.split("/", 1)
    for c in csvs.values():
        for col in c.get(table, [[]])[0][1:]:
            if rest.endswith("/" + col):
                return table, rest[:-len(col) - 1], col
    raise AssertionError(f"{key}: no column of {table} ends it")


def extra_rows(db):
    """{(report dir, table, label)} of rows the template does not have."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        return set(c.execute(
            "SELECT r.agency_dir || '/' || r.year_dir, t.name, tr.label"
            " FROM table_row tr JOIN report_table t ON t.report = tr.report"
            " AND t.tbl_no = tr.tbl_no JOIN report r ON r.id = tr.report"
            " WHERE tr.extra = 1"))


def test_trend_agrees_with_the_reports(mnt, db):
    extra = extra_rows(db)
    assert extra, "the corpus has an extra row (a province row)"
    checked = 0
    for a in agencies(mnt):
        header, rows = rows_of(mnt / a / TREND)
        years = [y for y in sorted(os.listdir(mnt / a)) if y != TREND]
        assert header == ["项目"] + years, a
        csvs = {y: report_csvs(mnt, f"{a}/{y}") for y in years}
        keys = [r[0] for r in rows]
        assert len(keys) == len(set(keys)), a
        for r in rows:
            table, label, col = split_key(r[0], csvs)
            for y, v in zip(years, r[1:]):
                have = csvs[y].get(table)
                cell = ""
                if have and label in [x[0] for x in have[1]]:
                    row = next(x for x in have[1] if x[0] == label)
                    if col in have[0]:
                        cell = row[have[0].index(col)]
                assert v == cell, (a, y, r[0])
                checked += 1
        # every key figure: table 3 and 4 rows in 总计, every table-2
        # cell; only rows the template does not have are left out
        for y, c in csvs.items():
            for table, (h, trows) in c.items():
                cols = h[1:] if table.startswith("第二十条") else ["总计"]
                for tr in trows:
                    is_extra = (f"{a}/{y}", table, tr[0]) in extra
                    for col in cols:
                        key = f"{table}/{tr[0]}/{col}"
                        assert (key in keys) != is_extra, (a, y, key)
    assert checked > 1000
    header, rows = rows_of(mnt / "青山县人民政府" / TREND)
    assert header == ["项目", "2020", "2021", "2022"]
    new = next(r for r in rows
               if r[0] == "申请情况/一、本年新收政府信息公开申请数量/总计")
    assert new[1:] == ["6", "2", "4"]
    assert rows[0][0].startswith("申请情况/一、")


# ---- bytes: sizes, dialects, readers ----------------------------------------------

def dataset_files(mnt):
    out = [p for p in (mnt / ALL).rglob("*") if p.is_file()]
    return sorted(out + [mnt / a / TREND for a in agencies(mnt)])


def test_sizes_exact_through_cat_cp_and_random_reads(mnt, mnt_unix, tmp_path):
    rng = random.Random(9)
    for m in (mnt, mnt_unix):
        dest = tmp_path / m.name
        r = run(["cp", "-r", m / ALL, dest])
        assert r.returncode == 0, r.stderr
        trends = dest / "trends"
        trends.mkdir()
        for a in agencies(m):
            os.symlink(m / a / TREND, trends / a)
        r = run(["cp", "-rL", trends, dest / "trend-copies"])
        assert r.returncode == 0, r.stderr
        for p in dataset_files(m):
            size = os.stat(p).st_size
            data = tool_bytes("cat", p)
            assert len(data) == size, p
            copy = (dest / p.relative_to(m / ALL) if ALL in p.parts else
                    dest / "trend-copies" / p.parent.name)
            assert copy.read_bytes() == data, p
            with open(p, "rb", buffering=0) as f:
                fd = f.fileno()
                for _ in range(12):
                    off = rng.randrange(0, size + 10)
                    n = rng.choice([1, 7, 100, 4096, 70000])
                    assert os.pread(fd, n, off) == data[off:off + n], (p, off, n)
            assert p.read_bytes() == data


def test_dialects(mnt, mnt_unix):
    for p in dataset_files(mnt):
        excel = p.read_bytes()
        unix = (mnt_unix / p.relative_to(mnt)).read_bytes()
        assert excel.startswith(BOM) and not unix.startswith(BOM), p
        assert excel.endswith(b"\r\n") and unix.endswith(b"\n"), p
        assert b"\r" not in unix.replace(b'"\r', b"")
        assert excel[3:].replace(b"\r\n", b"\n") == unix, p
        assert os.stat(p).st_size == len(excel)
        assert os.stat(mnt_unix / p.relative_to(mnt)).st_size == len(unix)


def test_python_csv_reads_every_row_with_the_right_width(mnt, mnt_unix):
    for m in (mnt, mnt_unix):
        for p in dataset_files(m):
            with open(p, newline="", encoding="utf-8-sig") as f:
                rows = list(csv.reader(f))
            assert len(rows) >= 1, p
            assert all(len(r) == len(rows[0]) for r in rows), p
            assert rows[0][0] in ("机关", "项目"), p
