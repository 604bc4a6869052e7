"""The seal of an index (index/seal.c): an index a build wrote, or a full
check found sound, is reused without reading every page while it is the
same file with the same size and mtime; a write to it, a copy of it, or a
seal written in the same clock tick as the index's last write sends it
through the full check again, as before seals existed.

Whether the full check ran is told by a damage it finds: a b-tree page
zeroed, which nothing but the check reads on a refresh that finds nothing
changed.  With the seal made to match the damaged file, the damage goes
unseen (the check was skipped); without, it is found and the index moved
aside.
"""
import os
import shutil
import sqlite3
import time

import pytest

from conftest import mounted, needs_fuse, served_bytes, walk_files
from test_cli import summary
from test_faults import index, tree_of

MAGIC = "nianbaofs-seal 1"


def seal_path(db):
    return db.with_name(db.name + ".seal")


def seal_line(db):
    st = os.stat(db)
    return (f"{MAGIC} {st.st_dev} {st.st_ino} {st.st_size} "
            f"{st.st_mtime_ns // 10**9} {st.st_mtime_ns % 10**9}\n")


def zero_rows_root(db):
    """Zeroes the root page of the stored_row table in place (the size kept):
    damage only a full check reads on a refresh that changes nothing."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        page_size, = con.execute("PRAGMA page_size").fetchone()
        root, = con.execute("SELECT rootpage FROM sqlite_master"
                            " WHERE name = 'stored_row'").fetchone()
    finally:
        con.close()
    with open(db, "r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(bytes(page_size))


def forge_seal(db):
    """Seals db as it is now, as a build would have: the seal written
    after the index's last write."""
    seal_path(db).write_text(seal_line(db))
    st, own = os.stat(db), os.stat(seal_path(db))
    assert own.st_mtime_ns > st.st_mtime_ns


def damaged_said(r):
    return "index is damaged" in r.stderr and "moved aside as" in r.stderr


def test_a_build_seals_its_index(nianbaofs, fresh_raw, tmp_path, env):
    db = tmp_path / "ix.sqlite"
    assert index(nianbaofs, fresh_raw, db, env).returncode == 0
    assert seal_path(db).read_text() == seal_line(db)


def test_sealed_index_is_reused_without_a_full_check(nianbaofs, fresh_raw,
                                                      tmp_path, env):
    db = tmp_path / "ix.sqlite"
    assert index(nianbaofs, fresh_raw, db, env).returncode == 0
    zero_rows_root(db)
    forge_seal(db)
    r = index(nianbaofs, fresh_raw, db, env)
    assert r.returncode == 0, r.stderr
    assert summary(r.stdout)["index"].endswith("(unchanged)")
    assert not damaged_said(r), "the sealed index was checked in full"
    # the same file without its seal: checked in full, the damage found
    seal_path(db).unlink()
    r = index(nianbaofs, fresh_raw, db, env)
    assert r.returncode == 0, r.stderr
    assert damaged_said(r)


def test_a_write_keeping_the_size_breaks_the_seal(nianbaofs, fresh_raw,
                                                  tmp_path, env):
    db = tmp_path / "ix.sqlite"
    assert index(nianbaofs, fresh_raw, db, env).returncode == 0
    before, size = tree_of(db), db.stat().st_size
    zero_rows_root(db)
    assert db.stat().st_size == size
    r = index(nianbaofs, fresh_raw, db, env)
    assert r.returncode == 0, r.stderr
    assert damaged_said(r)
    assert tree_of(db) == before
    assert len(list(tmp_path.glob("ix.sqlite.corrupt-*"))) == 1
    assert seal_path(db).read_text() == seal_line(db)


def test_a_seal_as_old_as_the_index_is_not_trusted(nianbaofs, fresh_raw,
                                                   tmp_path, env):
    """A write in the clock tick the seal was taken in keeps the mtime
    the seal records: such a seal proves nothing."""
    db = tmp_path / "ix.sqlite"
    assert index(nianbaofs, fresh_raw, db, env).returncode == 0
    zero_rows_root(db)
    forge_seal(db)
    mtime = db.stat().st_mtime_ns
    os.utime(seal_path(db), ns=(mtime, mtime))
    r = index(nianbaofs, fresh_raw, db, env)
    assert r.returncode == 0, r.stderr
    assert damaged_said(r)


def test_a_damaged_copy_with_its_mtime_kept_is_found(nianbaofs, fresh_raw,
                                                     tmp_path, env):
    db = tmp_path / "ix.sqlite"
    assert index(nianbaofs, fresh_raw, db, env).returncode == 0
    copy = tmp_path / "copy.sqlite"
    shutil.copy2(db, copy)
    shutil.copy2(seal_path(db), seal_path(copy))    # even with its seal
    zero_rows_root(copy)
    mtime = db.stat().st_mtime_ns
    os.utime(copy, ns=(mtime, mtime))
    r = index(nianbaofs, fresh_raw, copy, env)
    assert r.returncode == 0, r.stderr
    assert damaged_said(r)


def test_a_sound_copy_is_checked_once_then_sealed(nianbaofs, fresh_raw,
                                                  tmp_path, env):
    db = tmp_path / "ix.sqlite"
    assert index(nianbaofs, fresh_raw, db, env).returncode == 0
    copy = tmp_path / "copy.sqlite"
    shutil.copy2(db, copy)
    r = index(nianbaofs, fresh_raw, copy, env)
    assert r.returncode == 0, r.stderr
    assert summary(r.stdout)["index"].endswith("(unchanged)")
    assert seal_path(copy).read_text() == seal_line(copy)
    assert seal_path(db).read_text() == seal_line(db)


@needs_fuse
def test_a_copied_index_is_served_as_the_original(nianbaofs, fresh_raw,
                                                  tmp_path, env):
    db = tmp_path / "ix.sqlite"
    assert index(nianbaofs, fresh_raw, db, env).returncode == 0
    want = {p.lstrip("/"): b for p, b in served_bytes(db).items()}
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    copy = moved / "ix.sqlite"
    shutil.copy2(db, copy)
    shutil.copy2(seal_path(db), seal_path(copy))
    with mounted(nianbaofs, fresh_raw, tmp_path / "m", copy, env=env) as m:
        files = walk_files(m, dataset=True)
        assert files and set(files) == set(want)
        for f in files:
            assert (m / f).read_bytes() == want[f], f
    r = index(nianbaofs, fresh_raw, copy, env)
    assert r.returncode == 0, r.stderr
    assert summary(r.stdout)["index"].endswith("(unchanged)")
    assert seal_path(copy).read_text() == seal_line(copy)


def test_an_index_dated_ahead_is_checked_not_sealed(nianbaofs, fresh_raw,
                                                    tmp_path, env):
    """An mtime ahead of the clock would make a seal wait for ever: the
    index is checked in full on every build, without waiting."""
    db = tmp_path / "ix.sqlite"
    assert index(nianbaofs, fresh_raw, db, env).returncode == 0
    seal_path(db).unlink()
    t0 = time.monotonic()
    assert index(nianbaofs, fresh_raw, db, env).returncode == 0
    full_check = time.monotonic() - t0              # and a seal at once
    ahead = db.stat().st_mtime_ns + 3600 * 10**9
    os.utime(db, ns=(ahead, ahead))
    t0 = time.monotonic()
    r = index(nianbaofs, fresh_raw, db, env)
    assert time.monotonic() - t0 < full_check + 1.5   # a wait is 2.1 s
    assert r.returncode == 0, r.stderr
    assert summary(r.stdout)["index"].endswith("(unchanged)")
    assert not seal_path(db).exists()
    zero_rows_root(db)
    os.utime(db, ns=(ahead, ahead))
    assert damaged_said(index(nianbaofs, fresh_raw, db, env))


def test_a_build_failed_on_a_sealed_index_checks_it_next(nianbaofs, fresh_raw,
                                                         tmp_path, env):
    """Damage a seal cannot see is met when a build copies the old rows:
    that build fails, and the next one checks the index in full."""
    db = tmp_path / "ix.sqlite"
    assert index(nianbaofs, fresh_raw, db, env).returncode == 0
    before = tree_of(db)
    zero_rows_root(db)
    forge_seal(db)
    report = sorted(fresh_raw.iterdir())[0]
    st = report.stat()
    os.utime(report, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    r = index(nianbaofs, fresh_raw, db, env)
    assert r.returncode != 0
    assert not seal_path(db).exists()
    r = index(nianbaofs, fresh_raw, db, env)
    assert r.returncode == 0, r.stderr
    assert damaged_said(r)
    assert tree_of(db) == before


@pytest.mark.parametrize("how", ["torn", "other form", "link"])
def test_a_seal_not_whole_is_none(nianbaofs, fresh_raw, tmp_path, env, how):
    db = tmp_path / "ix.sqlite"
    assert index(nianbaofs, fresh_raw, db, env).returncode == 0
    zero_rows_root(db)
    line = seal_line(db)
    seal = seal_path(db)
    if how == "torn":
        seal.write_text(line[:-4])
    elif how == "other form":
        seal.write_text(line.replace(MAGIC, "nianbaofs-seal 2"))
    else:
        seal.unlink()
        (tmp_path / "elsewhere").write_text(line)
        seal.symlink_to(tmp_path / "elsewhere")
    r = index(nianbaofs, fresh_raw, db, env)
    assert r.returncode == 0, r.stderr
    assert damaged_said(r)
