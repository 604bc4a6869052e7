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
