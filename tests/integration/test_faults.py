"""Issue 8's defects and operational faults, each as a test that failed
before its fix: a FIFO put in a report's place, names that are not UTF-8
or hold terminal escapes, OpenCC's config in the working directory,
symbolic links out of RAWDIR, a damaged, foreign or newer index, stray
bytes, stale temporary files, unreadable directories, a full disk, and the
checks before mounting.
"""
import contextlib
import fcntl
import hashlib
import json
import os
import pathlib
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time

import pytest

from conftest import (RAW_REPORTS, copy_programs, mounted, needs_fuse, run,
                      unmount, walk_files, write_raw)
from test_cli import summary
from nbmount import is_mounted


def index(nianbaofs, raw, db, env, **kw):
    return run([nianbaofs, "index", "--db", db, raw], env=env, **kw)


def sha(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def tree_of(db):
    """The tree as the index holds it: every node's path, sorted."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT ino, parent, name FROM node").fetchall()
    finally:
        con.close()
    by_id = {r[0]: r for r in rows}

    def path(i):
        parts = []
        while i in by_id and i != 1:
            parts.append(by_id[i][2])
            i = by_id[i][1]
        return "/".join(reversed(parts))
    return sorted(path(r[0]) for r in rows)


@contextlib.contextmanager
def world_dir(prefix):
    """A directory under /tmp that the user nobody can reach."""
    base = pathlib.Path(tempfile.mkdtemp(prefix=prefix))
    try:
        base.chmod(0o755)
        yield base
    finally:
        for d, dirs, _ in os.walk(base):
            for x in dirs:
                with contextlib.suppress(OSError):
                    os.chmod(os.path.join(d, x), 0o755)
        shutil.rmtree(base, ignore_errors=True)


def as_nobody(nianbaofs, base, argv, env):
    """Runs nianbaofs argv as nobody when root (root reads everything), a
    copy of the programs in base so that nobody may run them."""
    kw = {}
    if os.geteuid() == 0:
        nianbaofs = copy_programs(nianbaofs, base)
        kw = {"user": 65534, "group": 65534, "extra_groups": []}
        env = dict(env, HOME=str(base / "out"), XDG_CACHE_HOME=str(base / "out"))
    return run([nianbaofs, *argv], env=env, cwd=base, **kw)


# ---- 1: a FIFO in a report's place ------------------------------------------

def test_fifo_swapped_in_after_the_walk_does_not_hang(nianbaofs, fresh_raw,
                                                     tmp_path, env):
    """A report is replaced by a FIFO and back, again and again, while
    indexes run: each finishes; a FIFO met is named, never waited on."""
    report = fresh_raw / "swap.txt"
    data = (fresh_raw / "donghu-2017.txt").read_bytes()
    stop = threading.Event()

    def swap():
        k = 0
        while not stop.is_set():
            k += 1
            tmp = fresh_raw / f".swap-{k}"
            if k % 2:
                os.mkfifo(tmp)
            else:
                tmp.write_bytes(data)
            os.replace(tmp, report)
    report.write_bytes(data)
    t = threading.Thread(target=swap)
    t.start()
    try:
        for i in range(12):
            r = index(nianbaofs, fresh_raw, tmp_path / f"ix{i}.sqlite", env,
                      timeout=20)
            assert r.returncode in (0, 1), r.stderr
            if r.returncode == 1:
                assert "swap.txt: not a regular file" in r.stderr, r.stderr
    finally:
        stop.set()
        t.join()


def test_fifo_named_like_a_report(nianbaofs, fresh_raw, tmp_path, env):
    os.mkfifo(fresh_raw / "pipe.txt")
    r = index(nianbaofs, fresh_raw, tmp_path / "ix.sqlite", env, timeout=20)
    assert r.returncode == 1
    assert "pipe.txt: not a regular file" in r.stderr
    assert summary(r.stdout)["reports indexed"] == len(RAW_REPORTS)


# ---- 2 and 6: names that are not UTF-8, names with terminal escapes -------

@needs_fuse
def test_non_utf8_name_gives_valid_meta_json(nianbaofs, fresh_raw, tmp_path):
    gbk = "报告".encode("gbk") + b".txt"      # as Windows zip files store it
    src = fresh_raw / "qingsong-2019.txt"
    os.rename(src, os.path.join(os.fsencode(fresh_raw), gbk))
    with mounted(nianbaofs, fresh_raw, tmp_path / "mnt",
                 tmp_path / "ix.sqlite") as m:
        meta = (m / "青松县人民政府" / "2019" / "meta.json").read_bytes()
    doc = json.loads(meta.decode("utf-8"))
    assert doc["source"] == "\\xB1\\xA8\\xB8\\xE6.txt"


def test_terminal_escapes_in_names_are_printed_escaped(nianbaofs, fresh_raw,
                                                       tmp_path, env):
    name = "\x1b]2;owned\x07\x1b[2J\u202e.txt"
    (fresh_raw / name).write_text("nothing of a report\n", encoding="utf-8")
    r = index(nianbaofs, fresh_raw, tmp_path / "ix.sqlite", env)
    assert r.returncode == 0, r.stderr
    assert "\x1b" not in r.stderr and "\x07" not in r.stderr
    assert "\u202e" not in r.stderr
    assert "\\x1B]2;owned\\x07\\x1B[2J\\u202E.txt" in r.stderr
    # the same name through nb_err (the command line's own messages)
    r = run([nianbaofs, "index", "--db", tmp_path / "x.sqlite",
             tmp_path / "\x1b[2Jmissing"], env=env)
    assert r.returncode == 2 and "\x1b" not in r.stderr
    assert "\\x1B[2Jmissing" in r.stderr


# ---- 3: OpenCC's config in the working directory ------------------------

@pytest.mark.parametrize("planted", ["s2t", "garbage"])
def test_output_does_not_depend_on_the_working_directory(
        nianbaofs, raw_dir, tmp_path, env, planted):
    good = tmp_path / "good.sqlite"
    assert index(nianbaofs, raw_dir, good, env).returncode == 0
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    if planted == "s2t":
        s2t = pathlib.Path("/usr/share/opencc/s2t.json")
        if not s2t.exists():
            pytest.skip(f"{s2t} absent")
        shutil.copy(s2t, cwd / "t2s.json")
        for ocd in s2t.parent.glob("*.ocd2"):
            shutil.copy(ocd, cwd / ocd.name)
    else:
        (cwd / "t2s.json").write_text("{ not json", encoding="utf-8")
    other = tmp_path / "other.sqlite"
    r = run([nianbaofs, "index", "--db", other, raw_dir], env=env, cwd=cwd)
    assert r.returncode == 0, r.stderr
    assert tree_of(other) == tree_of(good)


# ---- 5: symbolic links leave RAWDIR only not at all ----------------------

def test_links_are_followed_only_inside_rawdir(nianbaofs, tmp_path, env):
    outside = write_raw(tmp_path / "outside")
    raw = write_raw(tmp_path / "raw")
    for n in list(RAW_REPORTS)[1:]:
        (raw / n).unlink()
    first = list(RAW_REPORTS)[0]
    os.symlink("/", raw / "root")
    (raw / "sub").mkdir()
    os.symlink("../..", raw / "sub" / "back")
    os.symlink(outside / "donghu-2017.txt", raw / "x.txt")
    os.symlink(first, raw / "alias.txt")           # inside: followed
    os.symlink("sub", raw / "sub-again")            # inside: followed
    t0 = time.monotonic()
    r = index(nianbaofs, raw, tmp_path / "ix.sqlite", env, timeout=60)
    assert time.monotonic() - t0 < 20
    assert r.returncode == 0, r.stderr
    for link in ("root", "sub/back", "x.txt"):
        assert f"{link}: symbolic link leads out of RAWDIR" in r.stderr
    s = summary(r.stdout)
    assert s["report files found"] == 2          # first, and alias.txt
    assert "donghu" not in r.stderr


# ---- 7: a damaged, foreign or newer index --------------------------------

def damage(db, how):
    data = bytearray(db.read_bytes())
    if how == "truncated":
        data = data[:len(data) // 2]
    elif how == "zeroed":
        page = 4096
        data[page:page * 3] = bytes(page * 2)
    db.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["truncated", "zeroed"])
def test_damaged_index_is_moved_aside_and_rebuilt(nianbaofs, fresh_raw,
                                                  tmp_path, env, how):
    db = tmp_path / "ix.sqlite"
    assert index(nianbaofs, fresh_raw, db, env).returncode == 0
    before = tree_of(db)
    damage(db, how)
    r = index(nianbaofs, fresh_raw, db, env)
    assert r.returncode == 0, r.stderr
    assert "index is damaged" in r.stderr and "moved aside as" in r.stderr
    assert tree_of(db) == before
    assert len(list(tmp_path.glob("ix.sqlite.corrupt-*"))) == 1


def test_foreign_file_is_refused_with_what_to_do(nianbaofs, fresh_raw,
                                                 tmp_path, env):
    db = tmp_path / "notes.txt"
    db.write_text("my notes\n")
    r = index(nianbaofs, fresh_raw, db, env)
    assert r.returncode == 1
    assert "not a nianbaofs index" in r.stderr and "--db" in r.stderr
    assert db.read_text() == "my notes\n"


def test_index_of_a_newer_version_is_refused(nianbaofs, fresh_raw, tmp_path,
                                             env):
    db = tmp_path / "ix.sqlite"
    assert index(nianbaofs, fresh_raw, db, env).returncode == 0
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version = 999")
    con.commit()
    con.close()
    digest = sha(db)
    r = index(nianbaofs, fresh_raw, db, env)
    assert r.returncode == 1
    assert "newer nianbaofs" in r.stderr and "999" in r.stderr
    assert sha(db) == digest


# ---- 8: smaller ones ----------------------------------------------------------

@needs_fuse
def test_one_stray_byte_keeps_the_report_with_a_warning(nianbaofs, fresh_raw,
                                                        tmp_path):
    p = fresh_raw / "qingsong-2019.txt"
    data = p.read_bytes()
    cut = data.index("二、主动公开".encode())
    p.write_bytes(data[:cut] + b"\xff" + data[cut:])
    with mounted(nianbaofs, fresh_raw, tmp_path / "mnt",
                 tmp_path / "ix.sqlite") as m:
        meta = json.loads((m / "青松县人民政府" / "2019" / "meta.json")
                          .read_text(encoding="utf-8"))
    assert any("U+FFFD" in w for w in meta["warnings"]), meta["warnings"]


def test_stale_tmp_whose_pid_was_reused_is_removed(nianbaofs, fresh_raw,
                                                   tmp_path, env):
    db = tmp_path / "ix.sqlite"
    # a live PID that is no build: ours
    stale = tmp_path / f"ix.sqlite.tmp-{os.getpid()}"
    stale.write_bytes(b"left by a build that died")
    # a build still running holds its lock: kept
    live = tmp_path / "ix.sqlite.tmp-1"
    live.write_bytes(b"")
    fd = os.open(live, os.O_RDWR)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 1 << 40)
        assert index(nianbaofs, fresh_raw, db, env).returncode == 0
        assert not stale.exists()
        assert live.exists()
    finally:
        os.close(fd)
    # its build gone (the lock released), the next build removes it
    fresh_raw.joinpath("qingsong-2019.txt").touch()
    assert index(nianbaofs, fresh_raw, db, env).returncode == 0
    assert not live.exists()


def test_unreadable_directory_is_reported_as_a_directory(nianbaofs, env):
    with world_dir("nb-unreadable-dir-") as base:
        raw = write_raw(base / "raw")
        (base / "out").mkdir()
        os.chown(base / "out", 65534, 65534)
        locked = raw / "locked"
        locked.mkdir()
        shutil.copy(raw / "donghu-2017.txt", locked / "x.txt")
        locked.chmod(0)
        r = as_nobody(nianbaofs, base,
                      ["index", "--db", base / "out" / "ix.sqlite", raw], env)
        assert r.returncode == 1, (r.stdout, r.stderr)
        assert "locked: directory cannot be read" in r.stderr
        s = summary(r.stdout)
        assert s["unreadable directories"] == 1
        assert s["unreadable files"] == 0
        assert s["reports indexed"] == len(RAW_REPORTS)


@contextlib.contextmanager
def small_tmpfs(path, size):
    if os.geteuid() != 0:
        pytest.skip("a full disk is made with a small tmpfs: needs root")
    path.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}",
                        "tmpfs", str(path)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


@needs_fuse
def test_full_disk_says_enospc_and_the_old_index_is_served(
        nianbaofs, fresh_raw, tmp_path, env):
    with small_tmpfs(tmp_path / "small", "2m") as small:
        db = small / "ix.sqlite"
        assert index(nianbaofs, fresh_raw, db, env).returncode == 0
        digest = sha(db)
        old_tree = tree_of(db)
        # leave less room than a new index needs
        free = os.statvfs(small).f_bavail * os.statvfs(small).f_frsize
        (small / "filler").write_bytes(bytes(max(0, free - 64 * 1024)))
        for i in range(3):
            shutil.copy(fresh_raw / "qingsong-2019.txt",
                        fresh_raw / f"copy{i}.txt")
        r = index(nianbaofs, fresh_raw, db, env)
        assert r.returncode == 1
        assert "No space left on device" in r.stderr, r.stderr
        assert sha(db) == digest
        assert not list(small.glob("ix.sqlite.tmp-*"))
        # The mount serves the index as it is at once and brings it up to
        # date in the background (fs/startup.c) once it has been quiet for a
        # moment (fs/watch.c): in the foreground, that refresh's failure is
        # on stderr.
        mnt = tmp_path / "mnt"
        mnt.mkdir()
        proc = subprocess.Popen([nianbaofs, "-f", "--db", db, fresh_raw, mnt],
                                stderr=subprocess.PIPE, text=True, env=env)
        lines = []
        reader = threading.Thread(target=lambda: lines.extend(proc.stderr))
        reader.start()
        try:
            deadline = time.monotonic() + 30
            while not is_mounted(mnt):
                assert proc.poll() is None, "".join(lines)
                assert time.monotonic() < deadline, "the mount never came up"
                time.sleep(0.05)
            files = walk_files(mnt)
            while not any("still serving" in line for line in lines):
                assert time.monotonic() < deadline, "".join(lines)
                time.sleep(0.05)
        finally:
            unmount(mnt)
            proc.wait(timeout=60)
            reader.join(timeout=60)
        err = "".join(lines)
        assert "No space left on device" in err, err
        assert "still serving the index as it was" in err, err
        assert sha(db) == digest
        assert {p for p in old_tree if p.endswith("meta.json")} <= set(files)


# ---- checks before mounting -----------------------------------------------

@pytest.mark.parametrize("case", ["missing", "file", "not-empty"])
def test_bad_mountpoint(nianbaofs, raw_dir, tmp_path, env, case):
    mp = tmp_path / "mp"
    says = {"missing": "No such file or directory",
            "file": "not a directory",
            "not-empty": "not empty"}[case]
    if case == "file":
        mp.write_text("x")
    elif case == "not-empty":
        mp.mkdir()
        (mp / "keep").write_text("x")
    try:
        r = run([nianbaofs, "--db", tmp_path / "ix.sqlite", raw_dir, mp],
                env=env)
    finally:
        unmount(mp)     # should it have mounted after all
    assert r.returncode == 2, r.stderr
    assert str(mp) in r.stderr and says in r.stderr


@needs_fuse
def test_mountpoint_already_mounted(nianbaofs, raw_dir, tmp_path, env):
    with mounted(nianbaofs, raw_dir, tmp_path / "mnt",
                 tmp_path / "ix.sqlite") as m:
        r = run([nianbaofs, "--db", tmp_path / "ix2.sqlite", raw_dir, m],
                env=env)
        if r.returncode == 0:
            unmount(m)  # the second mount, stacked on the first
        assert r.returncode == 2, r.stderr
        assert "already a mount point" in r.stderr


def test_missing_fuse_device(nianbaofs, raw_dir, tmp_path, env):
    (tmp_path / "mp").mkdir()
    e = dict(env, NIANBAOFS_DEV_FUSE=str(tmp_path / "no-fuse"))
    try:
        r = run([nianbaofs, "--db", tmp_path / "ix.sqlite", raw_dir,
                 tmp_path / "mp"], env=e)
    finally:
        unmount(tmp_path / "mp")

    assert r.returncode == 1
    assert "the FUSE device is missing" in r.stderr


@needs_fuse
def test_index_deleted_while_mounted_still_serves(nianbaofs, raw_dir,
                                                  tmp_path):
    db = tmp_path / "ix.sqlite"
    with mounted(nianbaofs, raw_dir, tmp_path / "mnt", db) as m:
        before = {f: (m / f).read_bytes() for f in walk_files(m)}
        db.unlink()
        after = {f: (m / f).read_bytes() for f in walk_files(m)}
    assert after == before


# ---- crash safety ----------------------------------------------------------

KILLS = int(os.environ.get("NB_CRASH_KILLS", "20"))


def complete_index(db, n_files):
    """Whether db is a whole index of n_files sources, sound to SQLite."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        ok = con.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        sources = con.execute("SELECT count(*) FROM source").fetchone()[0]
        nodes = con.execute("SELECT count(*) FROM node").fetchone()[0]
    finally:
        con.close()
    return ok and sources == n_files and nodes > 1


def test_sigkill_at_random_moments(nianbaofs, tmp_path, env):
    """SIGKILL `nianbaofs index` at KILLS random moments of a rebuild: each
    time the index is the old one, byte for byte, or a complete new one;
    the next run finishes."""
    import random
    seed = int(os.environ.get("NB_CRASH_SEED", str(int(time.time()))))
    rnd = random.Random(seed)
    raw = write_raw(tmp_path / "raw")
    for i in range(15):
        for name in RAW_REPORTS:
            shutil.copy(raw / name, raw / f"copy{i}-{name}")
    n_files = len(list(raw.iterdir()))
    db = tmp_path / "ix.sqlite"
    t0 = time.monotonic()
    assert index(nianbaofs, raw, db, env).returncode == 0
    full = time.monotonic() - t0
    old = sha(db)
    outcomes = {"old": 0, "new": 0}
    for k in range(KILLS):
        stamp = time.time_ns() + k
        for f in raw.iterdir():
            os.utime(f, ns=(stamp, stamp))          # every file changed
        p = subprocess.Popen([nianbaofs, "index", "--db", db, raw], env=env,
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(rnd.uniform(0, full * 1.2))
        p.kill()
        p.wait()
        now = sha(db)
        if now == old:
            outcomes["old"] += 1
        else:
            assert complete_index(db, n_files), f"seed {seed}, kill {k}"
            outcomes["new"] += 1
            old = now
    r = index(nianbaofs, raw, db, env)
    assert r.returncode == 0, (seed, r.stderr)
    assert complete_index(db, n_files)
    assert not list(tmp_path.glob("ix.sqlite.tmp-*")), seed
    print(f"seed {seed}: {outcomes}")


def test_old_index_only_ever_opened_read_only(nianbaofs, fresh_raw, tmp_path,
                                              env):
    """During an incremental rebuild (the old index attached for its rows)
    every open of the old index is O_RDONLY, seen by strace."""
    strace = shutil.which("strace")
    if not strace:
        pytest.skip("strace is not installed: cannot watch the opens")
    db = tmp_path / "ix.sqlite"
    assert index(nianbaofs, fresh_raw, db, env).returncode == 0
    (fresh_raw / "qingsong-2019.txt").touch()     # one changed, three reused
    log = tmp_path / "strace.log"
    # LeakSanitizer cannot run under ptrace (make asan)
    r = run([strace, "-f", "-qq", "-e", "trace=open,openat", "-o", log,
             nianbaofs, "index", "--db", db, fresh_raw],
            env=dict(env, ASAN_OPTIONS="detect_leaks=0"))
    assert r.returncode == 0, r.stderr
    assert summary(r.stdout)["reused"] == 3
    opens = [l for l in log.read_text().splitlines()
             if f'"{db}"' in l and "= -1" not in l]
    assert opens
    assert all("O_RDONLY" in l and "O_RDWR" not in l for l in opens), opens
