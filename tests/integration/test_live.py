"""A mount that follows its raw directory (issue 8, "Live updates" and
"Load"): reports added, changed, renamed and removed while mounted show up
within seconds, readers see a file's old bytes or its new bytes and never
an error, SIGHUP refreshes, an index rebuilt by `nianbaofs index` is
served, and `-o nowatch` leaves the mount alone.

The mounts run in the foreground (-f) under the test, so that the daemon's
pid (for SIGHUP and its memory) and its messages are at hand; each is
unmounted on every path out.
"""
import concurrent.futures
import contextlib
import errno
import mmap
import os
import pathlib
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import threading
import time

import pytest

from conftest import (DATA, TIMEOUT, mounted, needs_fuse, run, served_bytes,
                      write_raw)
from nbmount import is_mounted, unmount

pytestmark = needs_fuse

# The mount must start within this (an index build under the sanitizers).
READY = 120
# From a change to RAWDIR to the switch: a second of quiet, then an
# incremental build (slow under the sanitizers).
SWITCH = 60
# From the switch to what ls, stat and cat show (issue 8).
VISIBLE = 2.0

SWITCHED = "serving the new index"

BAISHI = "白石市生态环境局/2020"
DONGHU = "东湖区人民政府/2017"
XIHU = "西湖区人民政府/2017"
NANSHAN = "南山市交通运输局/2018"
QINGSONG_CSV = "青松县人民政府/2019/3-收到和处理政府信息公开申请情况/申请情况.csv"


@contextlib.contextmanager
def live_mount(nianbaofs, raw, mnt, db, *opts):
    """Mounts raw at mnt in the foreground; yields (mnt, process, log)."""
    mnt = pathlib.Path(mnt)
    mnt.mkdir(parents=True, exist_ok=True)
    log = pathlib.Path(str(db) + ".log")
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [nianbaofs, "-f", "--db", str(db), *opts, str(raw), str(mnt)],
            stdout=out, stderr=subprocess.STDOUT,
            env=dict(os.environ, LC_ALL="C.UTF-8"))
    try:
        deadline = time.monotonic() + READY
        while not is_mounted(mnt):
            assert proc.poll() is None, \
                f"nianbaofs exited {proc.returncode}: {log.read_text()}"
            assert time.monotonic() < deadline, "the mount never came up"
            time.sleep(0.05)
        yield mnt, proc, log
    finally:
        unmount(mnt)
        try:
            proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise


def switches(log):
    return log.read_text(errors="replace").count(SWITCHED)


def wait_switch(log, before, timeout=SWITCH):
    """Waits for the daemon to serve a new index; returns when it did."""
    deadline = time.monotonic() + timeout
    while switches(log) <= before:
        assert time.monotonic() < deadline, \
            f"no switch to a new index within {timeout} s: {log.read_text()}"
        time.sleep(0.05)
    return time.monotonic()


def eventually(check, since, within=VISIBLE, what="the new state"):
    """check() true within `within` seconds of `since` (polled)."""
    while True:
        ok = check()
        if ok:
            return
        assert time.monotonic() - since < within, \
            f"{what} not visible {within} s after the switch"
        time.sleep(0.02)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def exists(path):
    try:
        os.stat(path)
        return True
    except FileNotFoundError:
        return False


def listing(path):
    try:
        return sorted(os.listdir(path))
    except FileNotFoundError:
        return None


def settle(log):
    """The switches so far.  (The mount looks once for changes made while
    it was being set up, a second after it starts; there were none, so
    that look switches nothing.)"""
    n = switches(log)
    assert n == 0, log.read_text()
    return n


def write_atomic(path, data):
    """Writes a raw file as a downloader that renames into place does."""
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.rename(tmp, path)


def changed_baishi(n):
    """The report as shipped, with one number changed."""
    text = (DATA / "baishi-2020-cells.txt").read_text(encoding="utf-8")
    return text.replace("信息412条", f"信息{n}条").encode("utf-8")


def xihu_text(raw):
    text = (raw / "donghu-2017.txt").read_text(encoding="utf-8")
    return text.replace("东湖", "西湖").encode("utf-8")


# ---- each kind of change ----------------------------------------------------------

@pytest.fixture
def live(nianbaofs, fresh_raw, tmp_path):
    with live_mount(nianbaofs, fresh_raw, tmp_path / "mnt",
                    tmp_path / "index.sqlite") as (mnt, proc, log):
        yield fresh_raw, mnt, proc, log


def test_added_report_appears(live):
    raw, mnt, _, log = live
    before = settle(log)
    assert listing(mnt / "西湖区人民政府") is None
    write_atomic(raw / "xihu-2017.txt", xihu_text(raw))
    t = wait_switch(log, before)
    eventually(lambda: "西湖区人民政府" in os.listdir(mnt), t)
    eventually(lambda: "西湖区".encode() in read(mnt / XIHU / "report.txt"), t)


def test_changed_report_is_new_bytes(live):
    raw, mnt, _, log = live
    before = settle(log)
    old = read(mnt / BAISHI / "report.txt")
    old_ino = os.stat(mnt / BAISHI / "report.txt").st_ino
    kept = os.stat(mnt / DONGHU / "meta.json").st_ino
    csv = mnt / QINGSONG_CSV
    kept_csv = os.stat(csv).st_ino
    assert "信息412条".encode() in old
    # written in place, in two pieces, as a scraper would
    data = changed_baishi(987654)
    with open(raw / "baishi-2020-cells.txt", "wb") as f:
        f.write(data[:100])
        f.flush()
        time.sleep(0.2)
        f.write(data[100:])
    t = wait_switch(log, before)
    eventually(lambda: b"987654" in read(mnt / BAISHI / "report.txt"), t)
    new = read(mnt / BAISHI / "report.txt")
    assert new == old.replace("412".encode(), b"987654", 1)
    st = os.stat(mnt / BAISHI / "report.txt")
    assert st.st_ino != old_ino, "new bytes under the old inode number"
    assert st.st_size == len(new)
    # what did not change keeps its inode number, CSV files too
    assert os.stat(mnt / DONGHU / "meta.json").st_ino == kept
    assert os.stat(csv).st_ino == kept_csv


def test_renamed_report_moves(live):
    raw, mnt, _, log = live
    before = settle(log)
    assert b'"source":\t"nanshan-2018-trad.txt"' in read(mnt / NANSHAN / "meta.json")
    (raw / "old").mkdir()
    os.rename(raw / "nanshan-2018-trad.txt", raw / "old" / "nanshan.txt")
    t = wait_switch(log, before)
    eventually(lambda: b'"source":\t"old/nanshan.txt"' in
               read(mnt / NANSHAN / "meta.json"), t)


def test_removed_report_disappears(live):
    raw, mnt, _, log = live
    before = settle(log)
    assert exists(mnt / NANSHAN / "report.txt")
    (raw / "nanshan-2018-trad.txt").unlink()
    t = wait_switch(log, before)
    eventually(lambda: not exists(mnt / NANSHAN / "report.txt"), t)
    eventually(lambda: "南山市交通运输局" not in os.listdir(mnt), t)
    with pytest.raises(FileNotFoundError):
        read(mnt / NANSHAN / "meta.json")


def test_new_subdirectory_is_watched(live):
    raw, mnt, _, log = live
    before = settle(log)
    sub = raw / "2024" / "新下载"
    sub.mkdir(parents=True)
    # a file written into it well after the refresh its making caused:
    # only a watch on the new directory sees it
    time.sleep(3)
    assert switches(log) == before
    write_atomic(sub / "xihu.txt", xihu_text(raw))
    t = wait_switch(log, before)
    eventually(lambda: exists(mnt / XIHU / "meta.json"), t)


def test_background_mount_follows(nianbaofs, fresh_raw, tmp_path):
    """The mount as users start it, gone to the background (the watching
    thread starts after the fork): a removed report disappears."""
    raw = fresh_raw
    with mounted(nianbaofs, raw, tmp_path / "mnt", tmp_path / "i.sqlite") as mnt:
        assert exists(mnt / NANSHAN / "meta.json")
        (raw / "nanshan-2018-trad.txt").unlink()
        deadline = time.monotonic() + SWITCH
        while exists(mnt / NANSHAN / "meta.json"):
            assert time.monotonic() < deadline, "the removal never showed"
            time.sleep(0.05)
        assert exists(mnt / BAISHI / "meta.json")


def test_open_file_keeps_its_bytes(live):
    """A reader with the file open across the switch gets all its old
    bytes; the next open gets all the new ones."""
    raw, mnt, _, log = live
    before = settle(log)
    path = mnt / BAISHI / "report.txt"
    whole_old = read(path)
    f = open(path, "rb", buffering=0)
    m = open(mnt / BAISHI / "meta.json", "rb", buffering=0)
    try:
        head = f.read(50)
        write_atomic(raw / "baishi-2020-cells.txt", changed_baishi(555))
        t = wait_switch(log, before)
        eventually(lambda: b"555" in read(path), t)
        # and again: the first version is two versions back now
        write_atomic(raw / "baishi-2020-cells.txt", changed_baishi(556))
        t = wait_switch(log, before + 1)
        eventually(lambda: b"556" in read(path), t)
        rest = f.read()
        assert head + rest == whole_old
        # again from the daemon, not the page cache, two versions later
        os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            parts = list(pool.map(lambda off: os.pread(f.fileno(), 64, off),
                                  range(0, len(whole_old), 64)))
        assert b"".join(parts) == whole_old
        assert os.pread(f.fileno(), 10, 0) == whole_old[:10]
        assert os.fstat(f.fileno()).st_size == len(whole_old)
        # a file opened before and not read at all
        assert b'"sha256"' in m.read()
        mm = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)
        assert mm[:] == whole_old
        mm.close()
    finally:
        f.close()
        m.close()
    new = read(path)
    assert b"556" in new and new != whole_old


def test_sighup_refreshes_and_nowatch(nianbaofs, fresh_raw, tmp_path):
    """-o nowatch: a change is not seen by itself; SIGHUP refreshes."""
    raw = fresh_raw
    with live_mount(nianbaofs, raw, tmp_path / "mnt", tmp_path / "i.sqlite",
                    "-o", "nowatch") as (mnt, proc, log):
        (raw / "nanshan-2018-trad.txt").unlink()
        time.sleep(3)	# a watching mount would have switched by now
        assert exists(mnt / NANSHAN / "meta.json")
        assert switches(log) == 0
        proc.send_signal(signal.SIGHUP)
        t = wait_switch(log, 0)
        eventually(lambda: not exists(mnt / NANSHAN / "meta.json"), t)
        assert proc.poll() is None, "SIGHUP ended the mount"


def test_index_rebuilt_elsewhere_is_served(nianbaofs, fresh_raw, tmp_path):
    """`nianbaofs index` on the mounted --db is picked up (here with
    -o nowatch, so that only the rebuilt index can explain the change)."""
    db = tmp_path / "i.sqlite"
    other = write_raw(tmp_path / "other")
    write_atomic(other / "xihu-2017.txt", xihu_text(other))
    with live_mount(nianbaofs, fresh_raw, tmp_path / "mnt", db,
                    "-o", "nowatch") as (mnt, proc, log):
        kept = os.stat(mnt / DONGHU / "report.txt").st_ino
        r = run([nianbaofs, "index", "--db", db, other])
        assert r.returncode == 0, r.stderr
        t = wait_switch(log, 0, timeout=10)
        eventually(lambda: exists(mnt / XIHU / "report.txt"), t)
        assert os.stat(mnt / DONGHU / "report.txt").st_ino == kept


def test_failed_refresh_keeps_serving(nianbaofs, fresh_raw, tmp_path):
    """A refresh that fails is logged, and the old index keeps being
    served whole: here the index file is replaced by something that is no
    index, which neither opens nor may be overwritten."""
    raw = fresh_raw
    db = tmp_path / "i.sqlite"
    with live_mount(nianbaofs, raw, tmp_path / "mnt", db) as (mnt, proc, log):
        before = read(mnt / BAISHI / "report.txt")
        db.rename(tmp_path / "moved.sqlite")
        db.write_text("not an index\n")
        (raw / "nanshan-2018-trad.txt").unlink()
        deadline = time.monotonic() + SWITCH
        while "cannot bring the index" not in log.read_text(errors="replace"):
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        text = log.read_text(errors="replace")
        assert "still serving the index as it was" in text
        assert SWITCHED not in text
        assert read(mnt / BAISHI / "report.txt") == before
        assert exists(mnt / NANSHAN / "meta.json")
        assert proc.poll() is None


def test_inode_numbers_never_reused(nianbaofs, fresh_raw, tmp_path):
    """Across rebuilds an inode number names one file's bytes only."""
    db = tmp_path / "i.sqlite"
    seen = {}

    def collect():
        served = served_bytes(db)
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            for ino, path in con.execute(
                    "SELECT n.ino, p.path FROM node n"
                    " JOIN node_path p USING (ino) WHERE NOT n.is_dir"):
                data = served[path]
                if ino in seen:
                    assert seen[ino] == (path, data), f"inode {ino} reused"
                seen[ino] = (path, data)
        finally:
            con.close()

    raw = fresh_raw
    steps = [
        lambda: write_atomic(raw / "baishi-2020-cells.txt",
                             changed_baishi(1)),
        lambda: (raw / "nanshan-2018-trad.txt").unlink(),
        lambda: write_atomic(raw / "xihu-2017.txt", xihu_text(raw)),
        lambda: write_atomic(raw / "baishi-2020-cells.txt",
                             changed_baishi(412)),
    ]
    assert run([nianbaofs, "index", "--db", db, raw]).returncode == 0
    collect()
    for step in steps:
        step()
        assert run([nianbaofs, "index", "--db", db, raw]).returncode == 0
        collect()


# ---- load: readers while RAWDIR keeps changing ------------------------------------

def versions_of(nianbaofs, states, tmp_path):
    """Every state's served files: {path: set of bytes}."""
    valid = {}
    for i, make in enumerate(states):
        raw = write_raw(tmp_path / f"state{i}")
        make(raw)
        db = tmp_path / f"state{i}.sqlite"
        r = run([nianbaofs, "index", "--db", db, raw])
        assert r.returncode == 0, r.stderr
        # the files of _all are composed of chunks: their versions are not
        # kept here, so the readers leave them out
        for path, data in served_bytes(db).items():
            if not path.startswith("/_all/"):
                valid.setdefault(path, set()).add(data)
    return valid


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def sanitized(pid):
    """Whether the daemon runs under AddressSanitizer: its quarantine holds
    freed memory back, so its size says nothing about leaks."""
    with open(f"/proc/{pid}/maps") as f:
        return "libasan" in f.read()


def test_load(nianbaofs, fresh_raw, tmp_path):
    """8 readers for NB_LOAD_SECONDS (10 in make test, 60 in make soak)
    while RAWDIR changes every half second: no I/O error, every whole-file
    read one version's bytes, the daemon's memory flat."""
    seconds = float(os.environ.get("NB_LOAD_SECONDS", "10"))
    raw = fresh_raw
    # Each step is one atomic change within one directory (a walk lists a
    # directory in one go), so every state a build can see is one of these.
    baishi0 = (raw / "baishi-2020-cells.txt").read_bytes()
    xihu = xihu_text(raw)

    def st(b=False, x=False, moved=False):
        def make(r):
            if b:
                write_atomic(r / "baishi-2020-cells.txt", changed_baishi(4242))
            if x:
                write_atomic(r / "xihu-2017.txt", xihu)
            if moved:
                os.rename(r / "nanshan-2018-trad.txt", r / "nanshan-moved.txt")
        return make
    states = [st(), st(b=True), st(b=True, x=True), st(b=True, x=True, moved=True),
              st(x=True, moved=True), st(moved=True)]
    valid = versions_of(nianbaofs, states, tmp_path)

    def step(i):
        k = i % 6
        if k == 0:
            write_atomic(raw / "baishi-2020-cells.txt", changed_baishi(4242))
        elif k == 1:
            write_atomic(raw / "xihu-2017.txt", xihu)
        elif k == 2:
            os.rename(raw / "nanshan-2018-trad.txt", raw / "nanshan-moved.txt")
        elif k == 3:
            write_atomic(raw / "baishi-2020-cells.txt", baishi0)
        elif k == 4:
            (raw / "xihu-2017.txt").unlink()
        else:
            os.rename(raw / "nanshan-moved.txt", raw / "nanshan-2018-trad.txt")

    errors, mismatches, counts = [], [], {"whole": 0, "pread": 0, "mmap": 0}
    lock = threading.Lock()
    stop = threading.Event()

    def fail(what):
        with lock:
            errors.append(what)

    def tolerated(e):
        # a file or directory removed meanwhile; never EIO
        return e.errno in (errno.ENOENT, errno.ESTALE) and \
            e.errno != errno.EIO

    def files(mnt):
        out = []
        for d, ds, fs in os.walk(mnt):
            if d == str(mnt) and "_all" in ds:
                ds.remove("_all")  # its versions are not known (above)
            out += [os.path.join(d, f) for f in fs]
        return out

    def check_whole(mnt, path, data, how):
        rel = "/" + os.path.relpath(path, mnt)
        if data not in valid.get(rel, ()):
            with lock:
                mismatches.append((how, rel, len(data)))
        with lock:
            counts["whole" if how == "cat" else how] += 1

    def cat_reader(mnt):
        while not stop.is_set():
            for p in files(mnt):
                try:
                    check_whole(mnt, p, read(p), "cat")
                except OSError as e:
                    if not tolerated(e):
                        fail(f"cat {p}: {e}")

    def pread_reader(mnt, seed):
        rnd = random.Random(seed)
        while not stop.is_set():
            ps = files(mnt)
            if not ps:
                continue
            p = rnd.choice(ps)
            try:
                fd = os.open(p, os.O_RDONLY)
            except OSError as e:
                if not tolerated(e):
                    fail(f"open {p}: {e}")
                continue
            try:
                size = os.fstat(fd).st_size
                whole = os.pread(fd, size + 4096, 0)
                check_whole(mnt, p, whole, "pread")
                for _ in range(20):
                    off = rnd.choice([size, max(0, size - 3), size + 100,
                                      rnd.randrange(size + 1)])
                    n = rnd.choice([1, 7, 4096, 70000])
                    if os.pread(fd, n, off) != whole[off:off + n]:
                        with lock:
                            mismatches.append(("pread", p, off, n))
            except OSError as e:
                fail(f"pread {p}: {e}")
            finally:
                os.close(fd)

    def mmap_reader(mnt):
        while not stop.is_set():
            for p in files(mnt):
                try:
                    with open(p, "rb") as f:
                        size = os.fstat(f.fileno()).st_size
                        if size == 0:
                            continue
                        with mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ) as m:
                            check_whole(mnt, p, m[:], "mmap")
                except OSError as e:
                    if not tolerated(e):
                        fail(f"mmap {p}: {e}")

    def tool_reader(mnt, argv):
        while not stop.is_set():
            r = subprocess.run(argv, capture_output=True, text=True,
                               errors="replace", cwd=mnt)
            bad = [line for line in r.stderr.splitlines()
                   if "No such file" not in line]
            if bad:
                fail(f"{argv[0]}: {bad[:3]}")

    with live_mount(nianbaofs, raw, tmp_path / "mnt",
                    tmp_path / "index.sqlite") as (mnt, proc, log):
        readers = [
            threading.Thread(target=tool_reader, args=(mnt, ["find", "."])),
            threading.Thread(target=tool_reader,
                             args=(mnt, ["grep", "-r", "-c", "公开", "."])),
            threading.Thread(target=cat_reader, args=(mnt,)),
            threading.Thread(target=cat_reader, args=(mnt,)),
            threading.Thread(target=pread_reader, args=(mnt, 1)),
            threading.Thread(target=pread_reader, args=(mnt, 2)),
            threading.Thread(target=mmap_reader, args=(mnt,)),
            threading.Thread(target=mmap_reader, args=(mnt,)),
        ]
        for t in readers:
            t.start()
        rss = []
        try:
            start = time.monotonic()
            i = 0
            while time.monotonic() - start < seconds:
                step(i)
                i += 1
                time.sleep(0.5)
                rss.append(rss_kib(proc.pid))
        finally:
            stop.set()
            for t in readers:
                t.join(timeout=TIMEOUT)
        n = switches(log)
        assert proc.poll() is None, log.read_text()
        assert not errors, errors[:10]
        assert not mismatches, mismatches[:10]
        # a RAWDIR that never stays quiet is indexed every 3 s, plus the
        # time a build takes on a busy machine
        assert n >= max(1, int(seconds // 8)), f"only {n} switches in {seconds} s"
        assert min(counts.values()) > 0, counts
        # flat: the second half does not grow past the first half's peak
        # (not under AddressSanitizer, which keeps freed memory on purpose)
        half = len(rss) // 2
        if half >= 4 and not sanitized(proc.pid):
            first, second = max(rss[:half]), max(rss[half:])
            assert second <= first * 1.25 + 4096, \
                f"RSS grew: {first} KiB then {second} KiB ({rss})"
        print(f"\nload: {seconds:.0f} s, {n} switches, {counts}, "
              f"RSS KiB every 5 s: {rss[::10]}")
