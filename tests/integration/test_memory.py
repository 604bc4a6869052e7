"""The daemon's memory bound and its start (issue 7): a fixed number of
workers however many requests queue (fs/cmd_mount.c), and every build in
the indexer, a program of its own (fs/indexer.c), so that the mount loads
none of the parser's libraries and a build's memory is never the daemon's.
"""
import os
import pathlib
import subprocess
import threading
import time
import uuid

from conftest import copy_programs, needs_fuse, run, write_raw
from nbmount import is_mounted, unmount

pytestmark = needs_fuse

READY = 60
# fs/cmd_mount.c: NB_WORKERS
WORKERS = 4
# besides the workers: the main thread (waiting for the loop to end) and
# the thread that follows RAWDIR (fs/watch.c)
OTHERS = 2
# What the parser needs and serving does not (Makefile: --as-needed).
PARSER_LIBS = ("libopencc", "libxml2", "libstdc++")


def needed(binary):
    out = subprocess.run(["readelf", "-d", str(binary)], capture_output=True,
                         text=True, check=True).stdout
    return [line.split("[", 1)[1].rstrip("]") for line in out.splitlines()
            if "(NEEDED)" in line]


def threads_under_load(nianbaofs, raw, tmp_path, *opts):
    """The most threads the daemon had while 32 clients asked it names it
    does not have (each a LOOKUP of its own: nothing the kernel caches)."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    db = tmp_path / "ix.sqlite"
    proc = subprocess.Popen([nianbaofs, "-f", "-o", "nowatch", "--db", db,
                             *opts, raw, mnt], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + READY
        while not is_mounted(mnt):
            assert proc.poll() is None, f"nianbaofs exited {proc.returncode}"
            assert time.monotonic() < deadline, "the mount never came up"
            time.sleep(0.05)
        stop = time.monotonic() + 2
        asked = [0]

        def client():
            while time.monotonic() < stop:
                try:
                    os.stat(mnt / uuid.uuid4().hex)
                except FileNotFoundError:
                    asked[0] += 1

        clients = [threading.Thread(target=client) for _ in range(32)]
        for c in clients:
            c.start()
        most = 0
        while any(c.is_alive() for c in clients):
            most = max(most, len(os.listdir(f"/proc/{proc.pid}/task")))
            time.sleep(0.005)
        for c in clients:
            c.join()
        assert asked[0] > 100, "the clients asked nothing"
        return most
    finally:
        unmount(mnt)
        proc.wait(timeout=READY)


def test_workers_are_capped(nianbaofs, tmp_path):
    raw = write_raw(tmp_path / "raw")
    most = threads_under_load(nianbaofs, raw, tmp_path)
    assert most <= WORKERS + OTHERS, f"{most} threads"


def test_max_threads_still_chosen_by_the_user(nianbaofs, tmp_path):
    raw = write_raw(tmp_path / "raw")
    most = threads_under_load(nianbaofs, raw, tmp_path, "-o", "max_threads=1")
    assert most <= 1 + OTHERS, f"{most} threads"


def test_mount_loads_no_parser_library(nianbaofs):
    libs = needed(nianbaofs)
    assert "libfuse3.so.3" in libs, libs
    for lib in PARSER_LIBS:
        assert not any(n.startswith(lib) for n in libs), libs
    # ... which the indexer does
    indexer = pathlib.Path(nianbaofs).parent / "nianbaofs-index"
    assert any(n.startswith("libopencc") for n in needed(indexer))


def test_index_and_first_build_run_the_indexer(nianbaofs, tmp_path):
    """`nianbaofs index` and a first mount build through nianbaofs-index,
    found beside the binary; without it, both say so and fail."""
    raw = write_raw(tmp_path / "raw")
    progs = tmp_path / "progs"
    progs.mkdir()
    binary = copy_programs(nianbaofs, progs)
    r = run([binary, "index", "--db", tmp_path / "a.sqlite", raw])
    assert r.returncode == 0, r.stderr
    assert "reports indexed:           4" in r.stdout
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    r = run([binary, "--db", tmp_path / "b.sqlite", raw, mnt])
    try:
        assert r.returncode == 0, r.stderr
        assert len(os.listdir(mnt)) >= 4
    finally:
        unmount(mnt)
    (progs / "nianbaofs-index").unlink()
    r = run([binary, "index", "--db", tmp_path / "c.sqlite", raw])
    assert r.returncode == 1
    assert "cannot find nianbaofs-index" in r.stderr
    r = run([binary, "--db", tmp_path / "d.sqlite", raw, mnt])
    assert r.returncode == 1
    assert "cannot find nianbaofs-index" in r.stderr
    assert not is_mounted(mnt)
    assert not (tmp_path / "d.sqlite").exists()


def test_indexer_refuses_the_mount_options(nianbaofs, tmp_path):
    raw = write_raw(tmp_path / "raw")
    r = run([nianbaofs, "--mounting", "--db", tmp_path / "a.sqlite", raw,
             tmp_path])
    assert r.returncode == 2
    assert "unknown option '--mounting'" in r.stderr
