"""Serving under stress of its own index: an index changed in place under
a mount (issue 8, defect 4), and a directory of 100,000 entries.
"""
import errno
import os
import pathlib
import shutil
import sqlite3
import subprocess
import time

import pytest

from conftest import mounted, needs_fuse, run, walk_files
from nbmount import is_mounted, unmount

pytestmark = needs_fuse


def read(path):
    with open(path, "rb") as f:
        return f.read()


def wait_mounted(path, proc, timeout=60):
    end = time.monotonic() + timeout
    while not is_mounted(path):
        if proc.poll() is not None:
            raise AssertionError(f"nianbaofs exited: {proc.stderr.read()}")
        if time.monotonic() > end:
            raise AssertionError(f"{path}: not mounted after {timeout} s")
        time.sleep(0.05)


def test_index_truncated_then_restored(nianbaofs, fresh_raw, tmp_path):
    """While the index is truncated, reads fail with EIO and the reason is
    logged once; once its bytes are back, every file reads right again."""
    db = tmp_path / "ix.sqlite"
    r = run([nianbaofs, "index", "-q", "--db", db, fresh_raw])
    assert r.returncode == 0, r.stderr
    # what the intact index serves, from a second mount of a copy of it
    ref_db = tmp_path / "ref.sqlite"
    shutil.copyfile(db, ref_db)
    with mounted(nianbaofs, fresh_raw, tmp_path / "ref", ref_db) as ref:
        expected = {p: read(ref / p) for p in walk_files(ref)}
    files = sorted(expected)
    assert len(files) > 20
    original = read(db)

    mnt = tmp_path / "m"
    mnt.mkdir()
    proc = subprocess.Popen([nianbaofs, "-f", "--db", db, fresh_raw, mnt],
                            stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, LC_ALL="C.UTF-8"))
    try:
        wait_mounted(mnt, proc)
        # every name and size is cached; the bytes of one third are read
        assert walk_files(mnt) == files
        for p in files[0::3]:
            assert read(mnt / p) == expected[p]

        with open(db, "r+b") as f:
            f.truncate(0)
        failed = 0
        # an empty file's size is known, so reading it asks nothing
        unread = [p for p in files[1::3] if expected[p]]
        for p in unread:
            try:
                read(mnt / p)
            except OSError as e:
                assert e.errno == 5, (p, e)  # EIO
                failed += 1
        assert failed == len(unread) > 0

        with open(db, "r+b") as f:
            f.write(original)
        for p in files[1::3] + files[2::3]:
            assert read(mnt / p) == expected[p], p
    finally:
        unmount(mnt)
        try:
            _, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
    assert proc.returncode == 0, err
    logged = [line for line in err.splitlines() if "EIO" in line]
    assert len(logged) == 1, err
    assert str(db) in logged[0], err
    assert "can be read again" in err, err


# ---- a directory of 100,000 entries ---------------------------------------------

ENTRIES = 100_000


def empty_index(nianbaofs, tmp_path):
    """An empty RAWDIR and its index: (raw, db), for a test to add nodes."""
    raw = tmp_path / "raw"
    raw.mkdir()
    db = tmp_path / "ix.sqlite"
    r = run([nianbaofs, "index", "--db", db, raw])
    assert r.returncode == 0, r.stderr
    return raw, db


def add_entries(db, n):
    """Adds n empty files "f000000".. under the root of the index db, with
    increasing inode numbers in name order, as the index writes them."""
    con = sqlite3.connect(db)
    try:
        top = con.execute("SELECT coalesce(max(ino), 1) FROM node").fetchone()[0]
        con.executemany(
            "INSERT INTO node(ino, parent, name, is_dir, size, size_unix,"
            " mtime_ns, nlink, report)"
            " VALUES(?, 1, ?, 0, 0, NULL, 0, 1, NULL)",
            ((top + 1 + i, f"f{i:06}") for i in range(n)))
        con.commit()
    finally:
        con.close()


def test_file_neither_rendered_nor_all_is_damage(nianbaofs, tmp_path):
    """A file with bytes that the index neither renders (no part) nor
    keeps in _all's blocks: no index of this version makes one, so it is
    damage, read as EIO, and the mount goes on serving the rest."""
    raw, db = empty_index(nianbaofs, tmp_path)
    con = sqlite3.connect(db)
    try:
        top = con.execute("SELECT max(ino) FROM node").fetchone()[0]
        con.execute("INSERT INTO node(ino, parent, name, is_dir, size,"
                    " size_unix, mtime_ns, nlink)"
                    " VALUES(?, 1, 'stray', 0, 5, NULL, 0, 1)", (top + 1,))
        con.commit()
    finally:
        con.close()
    with mounted(nianbaofs, raw, tmp_path / "m", db) as m:
        assert os.stat(m / "stray").st_size == 5
        with pytest.raises(OSError) as e:
            read(m / "stray")
        assert e.value.errno == errno.EIO
        assert sorted(os.listdir(m)) == ["_all", "stray"]


def test_directory_of_100000_entries(nianbaofs, tmp_path):
    """An empty RAWDIR's index (current, so the mount serves it as it is)
    with 100,000 files under the root: every listing has each exactly once,
    through getdents of any size, and quickly."""
    raw, db = empty_index(nianbaofs, tmp_path)
    add_entries(db, ENTRIES)
    names = [f"f{i:06}" for i in range(ENTRIES)]
    with mounted(nianbaofs, raw, tmp_path / "m", db) as m:
        t0 = time.monotonic()
        listed = os.listdir(m)
        first = time.monotonic() - t0
        names = sorted(names + ["_all"])  # the dataset's directory (issue 9)
        assert sorted(listed) == names
        assert len(listed) == ENTRIES + 1
        r = run(["ls", "-U", m])  # plain getdents, no sorting
        assert r.returncode == 0, r.stderr
        assert sorted(r.stdout.split()) == names
        with os.scandir(m) as it:
            inos = {e.name: e.inode() for e in it}
        assert sorted(inos) == names and len(set(inos.values())) == ENTRIES + 1
        r = run(["ls", "-l", m])
        assert r.returncode == 0, r.stderr
        assert len(r.stdout.splitlines()) == ENTRIES + 2  # _all and "total"
        # generous: the listing itself takes well under a second here
        assert first < 20, first


def test_listing_is_read_from_contiguous_pages(nianbaofs, tmp_path):
    """readdir (index/conn.c, IX_Q_READDIR) is one range of node, kept in
    (parent, ino) order, without a lookup per entry: the first `ls` of a
    root of ~21,500 entries read one scattered page per entry (issue 7)."""
    raw, db = empty_index(nianbaofs, tmp_path)
    con = sqlite3.connect(db)
    try:
        plan = " ".join(row[-1] for row in con.execute(
            "EXPLAIN QUERY PLAN SELECT ino, parent, is_dir, size, size_unix,"
            " mtime_ns, nlink, name FROM node WHERE parent = ? AND ino > ?"
            " ORDER BY ino", (1, 0)))
    finally:
        con.close()
    assert "SEARCH node USING PRIMARY KEY (parent=? AND ino>?)" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
