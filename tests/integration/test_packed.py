"""The packed tables behind the documented views (schema 7: a row's cells
in stored_row.cells, a table's headers in stored_table.headers, a report's
checks in check_list; schema 9: a report's facts in stored_report, its text
in report_text) after a refresh that reuses reports: every view reads as in
a build from scratch, the checks across years made again, not kept
twice."""
import shutil
import sqlite3
from pathlib import Path

from conftest import run

DATA = Path(__file__).resolve().parent.parent / "data" / "index"

# Each documented view, keyed by the report's source path, not its id.
VIEWS = {
    "cell_view": "SELECT source, table_name, row_no, col_no, row_label,"
                 " col_label, quote(raw), quote(value), quote(num), state,"
                 " quote(note) FROM cell_view ORDER BY 1, 2, 3, 4",
    "check_result": "SELECT s.path, c.seq, c.scope, c.rule,"
                    " quote(c.subject), c.ok, quote(c.detail),"
                    " typeof(c.ok) FROM check_result c"
                    " JOIN source s ON s.id = c.report ORDER BY 1, 2",
    "table_column": "SELECT s.path, c.tbl_no, c.col_no, quote(c.header)"
                    " FROM table_column c JOIN source s ON s.id = c.report"
                    " ORDER BY 1, 2, 3",
    "report_table": "SELECT s.path, t.tbl_no, t.kind, t.format,"
                    " quote(t.name), quote(t.label_header), t.ncols, t.nrows"
                    " FROM report_table t JOIN source s ON s.id = t.report"
                    " ORDER BY 1, 2",
    "table_row": "SELECT s.path, r.tbl_no, r.row_no, quote(r.label),"
                 " quote(r.printed), r.extra FROM table_row r"
                 " JOIN source s ON s.id = r.report ORDER BY 1, 2, 3",
    "section": "SELECT s.path, x.seq, x.number, quote(x.name), x.dir,"
               " quote(x.heading), quote(x.text)"
               " FROM section x JOIN source s ON s.id = x.report"
               " ORDER BY 1, 2",
    "report": "SELECT s.path, r.agency, r.year, r.year_rule, r.format,"
              " r.agency_dir, r.year_dir, quote(r.title), r.text,"
              " quote(r.preamble) FROM report r"
              " JOIN source s ON s.id = r.id ORDER BY 1",
}


def views(db):
    con = sqlite3.connect(db)
    try:
        return {name: con.execute(sql).fetchall()
                for name, sql in VIEWS.items()}
    finally:
        con.close()


def test_refresh_reads_as_a_build_from_scratch(nianbaofs, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(DATA, raw)
    db = tmp_path / "ix.sqlite"
    assert run([nianbaofs, "index", "-q", "--db", db, raw]).returncode == 0
    # the middle year changes: both its neighbours' checks across years
    # are made again, against it and by it
    changed = raw / "青山县人民政府" / "2021.txt"
    changed.write_bytes(changed.read_bytes() + "\n".encode())
    r = run([nianbaofs, "index", "--db", db, raw])
    assert r.returncode == 0, r.stderr
    assert "parsed now:                1" in r.stdout, r.stdout

    scratch = tmp_path / "scratch.sqlite"
    assert run([nianbaofs, "index", "-q", "--db", scratch,
                raw]).returncode == 0
    got, want = views(db), views(scratch)
    for name in VIEWS:
        assert got[name] == want[name], name
    scopes = {row[2] for row in got["check_result"]}
    assert scopes == {"report", "cross_year"}, scopes
    assert any(row[3] != "NULL" for row in got["table_column"])
    assert got["cell_view"], "no cells"
    assert all(row[8] for row in got["report"]), "a report without its text"


def test_report_view_takes_an_insert(nianbaofs, tmp_path):
    """report is a view over stored_report and report_text: an insert
    without an id lands in both under one id, and the preamble is made
    from its place in the text, as the generated column made it."""
    db = tmp_path / "ix.sqlite"
    assert run([nianbaofs, "index", "-q", "--db", db, DATA]).returncode == 0
    con = sqlite3.connect(db)
    try:
        before, = con.execute("SELECT count(*) FROM report").fetchone()
        con.execute("INSERT INTO report(agency, year, year_rule, format,"
                    " traditional, text, preamble_off, preamble_len)"
                    " VALUES('测试局', 2020, 'title', '2019', 0,"
                    " '前言。一、总体情况', 0, 9)")
        con.execute("INSERT INTO report(agency, year, year_rule, format,"
                    " traditional, text, preamble_text)"
                    " VALUES('测试局', 2021, 'title', '2019', 0, '正文',"
                    " '别处的前言')")
        got = con.execute("SELECT r.year, r.preamble, t.text"
                          " FROM report r JOIN report_text t ON t.id = r.id"
                          " WHERE r.agency = '测试局' ORDER BY r.year"
                          ).fetchall()
        after, = con.execute("SELECT count(*) FROM report").fetchone()
        stored, = con.execute("SELECT count(*) FROM stored_report").fetchone()
        texts, = con.execute("SELECT count(*) FROM report_text").fetchone()
    finally:
        con.close()
    assert got == [(2020, "前言。", "前言。一、总体情况"),
                   (2021, "别处的前言", "正文")], got
    assert after == before + 2 == stored == texts
