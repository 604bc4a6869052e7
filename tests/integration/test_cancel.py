"""Unmounting while the background refresh runs (fs/watch.c, issue 7's large
RAWDIRs): the daemon cancels the build and exits at once, rather than after
the whole build (minutes at 100,000 reports); the build is rolled back as a
failed one is, its temporary file removed and the index left as it was, and
the log says nothing of a failure.
"""
import hashlib
import os
import subprocess
import sys
import time

from conftest import REPO, needs_fuse, run, write_raw
from nbmount import is_mounted, unmount

pytestmark = needs_fuse

# The sanitizers slow everything (make asan sets it).
TIME_FACTOR = float(os.environ.get("NB_TIME_FACTOR", "1"))
# bench/gen.py reports (about 19 MB for 2,500): a build of several seconds
# on this 2-core machine, long enough to be caught running.
REPORTS = 2500
# From `fusermount3 -u` to the daemon's exit: a cancelled build stops within
# milliseconds; the rest is FUSE's own teardown.
EXIT_WITHIN = 2.0 * TIME_FACTOR
READY = 60 * TIME_FACTOR


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_unmount_during_refresh_exits_at_once(nianbaofs, tmp_path):
    raw = write_raw(tmp_path / "raw")
    db = tmp_path / "ix.sqlite"
    assert run([nianbaofs, "index", "-q", "--db", db, raw]).returncode == 0
    before = digest(db)
    seal = tmp_path / "ix.sqlite.seal"	# index/seal.c: whole, not re-checked
    sealed = seal.exists()
    # added after the index: it is served at once (of this version, whole)
    # and the start-up refresh parses them all in the background
    subprocess.run([sys.executable, str(REPO / "bench" / "gen.py"), "-n",
                    str(REPORTS), str(raw / "gen")], check=True,
                   capture_output=True, timeout=120)
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    log = tmp_path / "nianbaofs.log"
    with open(log, "wb") as out:
        # -f: this process is the daemon, whose exit is timed
        proc = subprocess.Popen([nianbaofs, "-f", "-o", "nowatch", "--db",
                                 str(db), str(raw), str(mnt)],
                                stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + READY
        while not (is_mounted(mnt) and list(tmp_path.glob("*.tmp-*"))):
            assert proc.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, \
                "no refresh under way: " + log.read_text(errors="replace")
            time.sleep(0.01)
        start = time.monotonic()
        r = subprocess.run(["fusermount3", "-u", str(mnt)],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        try:
            proc.wait(timeout=EXIT_WITHIN)
        except subprocess.TimeoutExpired:
            proc.wait(timeout=600)
            raise AssertionError(
                f"the daemon exited {time.monotonic() - start:.1f} s after "
                f"fusermount3 -u (at most {EXIT_WITHIN} s): it waited for "
                f"the refresh to finish")
        print(f"daemon exited {time.monotonic() - start:.3f} s after "
              f"fusermount3 -u")
    finally:
        unmount(mnt)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = log.read_text(errors="replace")
    assert proc.returncode == 0, text
    assert list(tmp_path.glob("*.tmp-*")) == []
    assert digest(db) == before, "the cancelled build changed the index"
    assert seal.exists() == sealed, "a cancel is no failure of the index"
    assert "cannot bring" not in text and "interrupt" not in text, text


def test_sigterm_stops_index_at_once(nianbaofs, tmp_path):
    """`nianbaofs index` (the indexer, fs/indexer_main.c) stopped by SIGTERM
    -- how the mount stops a refresh it runs as a child -- rolls back at
    once and says so by its status, 3, not as a failure."""
    raw = write_raw(tmp_path / "raw")
    db = tmp_path / "ix.sqlite"
    assert run([nianbaofs, "index", "-q", "--db", db, raw]).returncode == 0
    before = digest(db)
    subprocess.run([sys.executable, str(REPO / "bench" / "gen.py"), "-n",
                    str(REPORTS), str(raw / "gen")], check=True,
                   capture_output=True, timeout=120)
    proc = subprocess.Popen([nianbaofs, "index", "-q", "--db", str(db),
                             str(raw)], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + READY
        while not list(tmp_path.glob("*.tmp-*")):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no build under way"
            time.sleep(0.01)
        start = time.monotonic()
        proc.terminate()
        out, err = proc.communicate(timeout=EXIT_WITHIN + 600)
        took = time.monotonic() - start
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 3, err
    assert took < EXIT_WITHIN, f"{took:.1f} s after SIGTERM"
    assert out == b"" and err == b"", (out, err)
    assert list(tmp_path.glob("*.tmp-*")) == []
    assert digest(db) == before
