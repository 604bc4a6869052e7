"""Building the index fast: a renamed report is reused by its hash, not
parsed again, and what comes out is what a build from scratch makes; the
progress line shows only on a terminal and never with -q."""
import os
import pty
import shutil
import sqlite3
import subprocess

from conftest import RAW_REPORTS, REPO, run, served_bytes


def summary(out):
    return {k.strip(): v.strip() for k, v in
            (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def served(db):
    """Every node with its bytes and every cell, as served and queried."""
    con = sqlite3.connect(db)
    try:
        data = served_bytes(db)
        nodes = [(path, size, size_unix, data.get(path)) for
                 path, size, size_unix, is_dir in con.execute(
                     "SELECT p.path, n.size, n.size_unix, n.is_dir"
                     " FROM node n JOIN node_path p USING (ino)"
                     " ORDER BY p.path")]
        cells = con.execute("SELECT agency, year, table_name, row_label,"
                            " col_label, raw, value, num, state, note"
                            " FROM cell_view ORDER BY 1, 2, 3, row_no,"
                            " col_no").fetchall()
        return nodes, cells
    finally:
        con.close()


def test_renamed_report_is_reused_not_parsed(nianbaofs, fresh_raw, tmp_path):
    db = tmp_path / "ix.sqlite"
    r = run([nianbaofs, "index", "-q", "--db", db, fresh_raw])
    assert r.returncode == 0, r.stderr
    name = next(iter(RAW_REPORTS))
    (fresh_raw / "moved").mkdir()
    os.rename(fresh_raw / name, fresh_raw / "moved" / ("renamed-" + name))
    r = run([nianbaofs, "index", "-q", "--db", db, fresh_raw])
    assert r.returncode == 0, r.stderr
    s = summary(r.stdout)
    assert s["parsed now"] == "0", r.stdout
    assert s["reused"] == str(len(RAW_REPORTS)), r.stdout

    scratch = tmp_path / "scratch.sqlite"
    r = run([nianbaofs, "index", "-q", "--db", scratch, fresh_raw])
    assert r.returncode == 0, r.stderr
    assert summary(r.stdout)["parsed now"] == str(len(RAW_REPORTS))
    assert served(db) == served(scratch)


def test_a_copy_under_a_new_name_is_parsed(nianbaofs, fresh_raw, tmp_path):
    """The old path still exists: the copy is a new report of its own."""
    db = tmp_path / "ix.sqlite"
    assert run([nianbaofs, "index", "-q", "--db", db, fresh_raw]).returncode == 0
    name = next(iter(RAW_REPORTS))
    shutil.copyfile(fresh_raw / name, fresh_raw / ("copy-" + name))
    r = run([nianbaofs, "index", "-q", "--db", db, fresh_raw])
    assert r.returncode == 0, r.stderr
    assert summary(r.stdout)["parsed now"] == "1", r.stdout


def test_parallel_build_is_deterministic(nianbaofs, fresh_raw, tmp_path):
    """Two builds from scratch give the same index, however the workers
    were scheduled."""
    for i in range(3):
        shutil.copyfile(fresh_raw / next(iter(RAW_REPORTS)),
                        fresh_raw / f"extra-{i}.txt")
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    for db in (a, b):
        assert run([nianbaofs, "index", "-q", "--db", db,
                    fresh_raw]).returncode == 0
    assert served(a) == served(b)


def index_on_terminal(nianbaofs, raw, db, *opts):
    """Runs nianbaofs index with stderr on a pseudo-terminal; returns what
    the terminal showed."""
    main, sub = pty.openpty()
    try:
        p = subprocess.run([str(nianbaofs), "index", *opts, "--db", str(db),
                            str(raw)], stdout=subprocess.DEVNULL, stderr=sub,
                           timeout=120)
        os.close(sub)
        sub = -1
        out = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        assert p.returncode == 0, out
        return out.decode("utf-8", "replace")
    finally:
        os.close(main)
        if sub >= 0:
            os.close(sub)


def test_progress_only_on_a_terminal(nianbaofs, fresh_raw, tmp_path):
    shown = index_on_terminal(nianbaofs, fresh_raw, tmp_path / "a.sqlite")
    assert f"of {len(RAW_REPORTS)} files" in shown, shown
    assert "indexing:" in shown
    # after the last file, the tree: no "0 s left" standing still
    assert f"{len(RAW_REPORTS)} of {len(RAW_REPORTS)} files; writing the tree" \
        in shown, shown
    quiet = index_on_terminal(nianbaofs, fresh_raw, tmp_path / "b.sqlite", "-q")
    assert "indexing:" not in quiet, quiet
    r = run([nianbaofs, "index", "--db", tmp_path / "c.sqlite", fresh_raw])
    assert r.returncode == 0 and "indexing:" not in r.stderr, r.stderr


def test_refresh_that_widens_a_union_is_a_build_from_scratch(nianbaofs,
                                                              tmp_path):
    """A report kept from the last index has its rows in _all rendered
    again when the union of a table's columns changes, on the same readers
    as the reports parsed now: none may lend it their tables (a kept
    report once got the _all rows of the parsed report rendered before it
    on its reader)."""
    fixtures = REPO / "tests" / "fixtures"
    kept = fixtures / "cell" / "hexi-2021-blanks.txt"
    raw = tmp_path / "raw"
    raw.mkdir()
    # last in path order: rendered after parsed reports
    shutil.copyfile(kept, raw / ("zz-" + kept.name))
    db = tmp_path / "ix.sqlite"
    assert run([nianbaofs, "index", "-q", "--db", db, raw]).returncode == 0
    added = [f for f in sorted(fixtures.glob("*/*"))
             if f.suffix in (".txt", ".html") and f != kept]
    for f in added:
        shutil.copyfile(f, raw / f.name)
    r = run([nianbaofs, "index", "-q", "--db", db, raw])
    assert r.returncode == 0, r.stderr
    assert summary(r.stdout)["parsed now"] == str(len(added)), r.stdout

    scratch = tmp_path / "scratch.sqlite"
    assert run([nianbaofs, "index", "-q", "--db", scratch, raw]).returncode == 0
    assert served(db) == served(scratch)


def nodes_and_links(db):
    """Every node's path, kind, link count and time."""
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT p.path, n.is_dir, n.nlink, n.mtime_ns"
                           " FROM node n JOIN node_path p USING (ino)"
                           " ORDER BY p.path").fetchall()
    finally:
        con.close()


def orphans(db):
    """Rows of a report table whose report is gone, and nodes whose
    directory is gone."""
    con = sqlite3.connect(db)
    try:
        found = {t: con.execute(f"SELECT count(*) FROM {t} WHERE report"
                                " NOT IN (SELECT id FROM report)").fetchone()[0]
                 for t in ("stored_section", "stored_table", "stored_row",
                           "warning", "note", "check_list")}
        found["node"] = con.execute(
            "SELECT count(*) FROM node WHERE parent <> 0 AND parent NOT IN"
            " (SELECT ino FROM node)").fetchone()[0]
        return {t: n for t, n in found.items() if n}
    finally:
        con.close()


def beside(raw, path, prefix):
    """path's new name beside it, its extension kept (the format)."""
    return raw / os.path.dirname(path) / (prefix + os.path.basename(path))


def utf8(data):
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def test_refresh_serves_what_a_build_from_scratch_serves(nianbaofs, tmp_path):
    """A refresh starts from a copy of the old index and keeps what did not
    change in place (index/carryover.c, tree.c): after changes of every
    kind it serves what a build from scratch serves, directories' links
    and times included, and leaves no row of a report it dropped."""
    raw = tmp_path / "raw"
    shutil.copytree(REPO / "tests" / "fixtures", raw)
    shutil.copytree(REPO / "tests" / "data" / "index", raw / "index-data")
    db = tmp_path / "ix.sqlite"
    assert run([nianbaofs, "index", "-q", "--db", db, raw]).returncode == 0
    # its carried-over count is read by the 2021 report's checks across years
    prev = "index-data/青山县人民政府/2020.txt"
    label = "结转下年度继续办理".encode()
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM check_list l JOIN source s"
                       " ON s.id = l.report WHERE s.path = ? AND l.cross"
                       " IS NOT NULL", (prev.replace("2020", "2021"),)
                       ).fetchone() == (1,)
    paths = [p for p, in con.execute(
        "SELECT s.path FROM report r JOIN source s ON s.id = r.id"
        " WHERE s.path NOT LIKE 'index-data/%' ORDER BY s.path")]
    con.close()
    # UTF-8 text to append to, and to copy from one report to another
    plain = [p for p in paths if p.endswith(".txt") and
             utf8((raw / p).read_bytes())][:3]
    rest = [p for p in paths if p not in plain]
    text = (raw / prev).read_bytes()
    digit = next(i for i in range(text.index(label), len(text))
                 if text[i:i + 1].isdigit())
    (raw / prev).write_bytes(text[:digit] + (b"5" if text[digit:digit + 1]
                                             != b"5" else b"6") +
                             text[digit + 1:])
    with open(raw / plain[0], "ab") as f:
        f.write("\n附：本报告电子版已在门户网站公布。\n".encode())
    # a report now another agency's
    shutil.copyfile(raw / plain[2], raw / plain[1])
    os.unlink(raw / rest[0])
    # of an agency's two reports of 2016, the second: the first stays as it
    # was, its agency directory loses a link
    os.unlink(raw / "index-data/白水镇人民政府/2016年报.txt")
    shutil.copyfile(raw / rest[5], beside(raw, rest[5], "copy-"))
    os.rename(raw / rest[10], beside(raw, rest[10], "moved-"))

    refreshed_as_from_scratch(nianbaofs, raw, db, tmp_path / "a.sqlite", 4)
    # the year between two others gone, nothing parsed: the last year's
    # checks across years lose theirs
    os.unlink(raw / prev.replace("2020", "2021"))
    refreshed_as_from_scratch(nianbaofs, raw, db, tmp_path / "b.sqlite", 0)


def refreshed_as_from_scratch(nianbaofs, raw, db, scratch, parsed):
    r = run([nianbaofs, "index", "-q", "--db", db, raw])
    assert r.returncode == 0, r.stderr
    assert summary(r.stdout)["parsed now"] == str(parsed), r.stdout
    assert run([nianbaofs, "index", "-q", "--db", scratch, raw]).returncode == 0
    assert orphans(db) == {}
    assert nodes_and_links(db) == nodes_and_links(scratch)
    assert served(db) == served(scratch)


def test_an_index_switched_to_wal_is_built_again(nianbaofs, fresh_raw,
                                                 tmp_path):
    """sqlite3's PRAGMA journal_mode = WAL stays with the file, and such an
    index could not be attached read-only by a refresh (disk I/O error,
    every refresh, the mount serving an index ever older).  It is built
    again from scratch, in our mode, the log its read left behind gone."""
    db = tmp_path / "ix.sqlite"
    assert run([nianbaofs, "index", "-q", "--db", db, fresh_raw]).returncode == 0
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode = WAL").fetchone() == ("wal",)
    con.close()
    with open(fresh_raw / next(iter(RAW_REPORTS)), "ab") as f:
        f.write("\n附：本报告电子版已在门户网站公布。\n".encode())
    r = run([nianbaofs, "index", "-q", "--db", db, fresh_raw])
    assert r.returncode == 0, r.stderr
    assert "switched to write-ahead logging" in r.stderr, r.stderr
    assert summary(r.stdout)["parsed now"] == str(len(RAW_REPORTS)), r.stdout
    assert sorted(p.name for p in tmp_path.glob("ix.sqlite-*")) == []
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    con.close()
    r = run([nianbaofs, "index", "-q", "--db", db, fresh_raw])
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert summary(r.stdout)["parsed now"] == "0", r.stdout
