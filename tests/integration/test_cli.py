"""The command line: help, version, usage errors, `nianbaofs index` and its
summary and exit status, where the index goes, and mounts that fail or run
in the foreground.
"""
import contextlib
import os
import pathlib
import re
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from conftest import (REPO, RAW_REPORTS, agencies, copy_programs,
                      is_mounted, mounted,
                      needs_fuse, run, unmount, walk_files, write_raw)

# Bytes that no encoding we read can decode: not UTF-8, no BOM, and 0xFF is
# never part of a GB18030 sequence.
UNDECODABLE = b"\xfd\xff" * 2048


def summary(stdout):
    """The `index` summary as a dict: numbers as ints, "index" as a path."""
    out = {}
    for line in stdout.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            value = value.strip()
            out[key.strip()] = int(value) if value.isdigit() else value
    return out


def index_path(s):
    return s["index"].removesuffix(" (unchanged)")


def nb_version():
    header = (REPO / "core" / "nianbao.h").read_text(encoding="utf-8")
    return re.search(r'#define NB_VERSION "([^"]+)"', header).group(1)


# ---- help and version ----------------------------------------------------------

@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help(nianbaofs, flag):
    r = run([nianbaofs, flag])
    assert r.returncode == 0, r.stderr
    for text in ("usage: nianbaofs", "RAWDIR MOUNTPOINT", "nianbaofs index",
                 "--db FILE", "--db=FILE", "-o csv=unix", "fusermount3 -u",
                 "XDG_CACHE_HOME", "allow_other", "-f"):
        assert text in r.stdout, text


def test_index_help(nianbaofs):
    r = run([nianbaofs, "index", "--help"])
    assert r.returncode == 0, r.stderr
    assert "nianbaofs index [--db FILE] RAWDIR" in r.stdout


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(nianbaofs, flag):
    r = run([nianbaofs, flag])
    assert r.returncode == 0, r.stderr
    assert f"nianbaofs version {nb_version()}" in r.stdout
    assert re.search(r"FUSE library version 3\.\d+", r.stdout)


# ---- usage errors: exit 2, a message that says what was wrong ---------------

USAGE_ERRORS = [
    ([], "missing RAWDIR"),
    (["{raw}"], "missing MOUNTPOINT"),
    (["{raw}", "{mnt}", "extra"], "extra"),
    (["--db"], "--db"),
    (["--db=", "{raw}", "{mnt}"], "--db"),
    (["{raw}", "{mnt}", "--db"], "--db"),
    (["-o", "csv=dos", "{raw}", "{mnt}"], "csv=dos"),
    (["-o", "no_such_option", "{raw}", "{mnt}"], "no_such_option"),
    (["{tmp}/nothere", "{mnt}"], "nothere"),
    (["{raw}/qingsong-2019.txt", "{mnt}"], "not a directory"),
    (["{raw}", "{tmp}/nomount"], "nomount"),
    (["{raw}", "{raw}/qingsong-2019.txt"], "qingsong-2019.txt"),
    (["index"], "missing RAWDIR"),
    (["index", "{raw}", "extra"], "extra"),
    (["index", "-f", "{raw}"], "-f"),
    (["index", "-o", "csv=unix", "{raw}"], "csv=unix"),
    (["index", "{tmp}/nothere"], "nothere"),
    (["index", "{raw}/qingsong-2019.txt"], "not a directory"),
]


@pytest.mark.parametrize("argv,says", USAGE_ERRORS,
                         ids=[" ".join(a) or "(none)" for a, _ in USAGE_ERRORS])
def test_usage_errors(nianbaofs, fresh_raw, tmp_path, env, argv, says):
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    argv = [a.format(raw=fresh_raw, mnt=mnt, tmp=tmp_path) for a in argv]
    r = run([nianbaofs, *argv], env=env)
    try:
        assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
        assert r.stderr.startswith("nianbaofs: "), r.stderr
        assert says in r.stderr, r.stderr
        assert not is_mounted(mnt)
        # Nothing was indexed: usage is checked first.
        assert not (tmp_path / "cache").exists()
    finally:
        unmount(mnt)


# ---- nianbaofs index ----------------------------------------------------------------

def test_index_summary(nianbaofs, fresh_raw, tmp_path, env):
    db = tmp_path / "ix.sqlite"
    r = run([nianbaofs, "index", "--db", db, fresh_raw], env=env)
    assert r.returncode == 0, r.stderr
    s = summary(r.stdout)
    assert s["reports indexed"] == len(RAW_REPORTS)
    assert s["parsed now"] == len(RAW_REPORTS)
    assert s["reused"] == 0
    assert s["unreadable files"] == 0
    assert isinstance(s["reports with warnings"], int)
    assert isinstance(s["failed consistency checks"], int)
    assert index_path(s) == str(db)
    assert db.is_file() and db.stat().st_size > 0
    # The raw directory is left as it was.
    assert sorted(os.listdir(fresh_raw)) == sorted(RAW_REPORTS)


def test_rerun_parses_nothing(nianbaofs, fresh_raw, tmp_path, env):
    db = tmp_path / "ix.sqlite"
    assert run([nianbaofs, "index", "--db", db, fresh_raw],
               env=env).returncode == 0
    r = run([nianbaofs, "index", "--db", db, fresh_raw], env=env)
    assert r.returncode == 0, r.stderr
    s = summary(r.stdout)
    assert (s["parsed now"], s["reused"], s["reports indexed"]) == (
        0, len(RAW_REPORTS), len(RAW_REPORTS))
    # One changed file: only it is parsed again.
    with open(fresh_raw / "nanshan-2018-trad.txt", "a", encoding="utf-8") as f:
        f.write("附件：南山市交通運輸局2018年政務公開工作統計表\n")
    r = run([nianbaofs, "index", "--db", db, fresh_raw], env=env)
    assert r.returncode == 0, r.stderr
    s = summary(r.stdout)
    assert (s["parsed now"], s["reused"], s["reports indexed"]) == (
        1, len(RAW_REPORTS) - 1, len(RAW_REPORTS))


def test_undecodable_file_fails_but_others_are_indexed(nianbaofs, fresh_raw,
                                                       tmp_path, env):
    (fresh_raw / "garbled.txt").write_bytes(UNDECODABLE)
    r = run([nianbaofs, "index", "--db", tmp_path / "ix.sqlite", fresh_raw],
            env=env)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "garbled.txt" in r.stderr
    s = summary(r.stdout)
    assert s["unreadable files"] == 1
    assert s["reports indexed"] == len(RAW_REPORTS)


def test_unreadable_file_fails_but_others_are_indexed(nianbaofs, env):
    """A file the user may not read.  Root reads everything, so as root the
    command runs as nobody, in a directory of its own under /tmp."""
    base = pathlib.Path(tempfile.mkdtemp(prefix="nb-unreadable-"))
    try:
        base.chmod(0o755)
        raw = write_raw(base / "raw")
        (raw / "secret.txt").write_bytes((raw / "donghu-2017.txt").read_bytes())
        (raw / "secret.txt").chmod(0)
        out = base / "out"
        out.mkdir()
        argv = [nianbaofs, "index", "--db", out / "ix.sqlite", raw]
        kw = {}
        if os.geteuid() == 0:
            argv[0] = copy_programs(nianbaofs, base)
            os.chown(out, 65534, 65534)
            kw = {"user": 65534, "group": 65534, "extra_groups": []}
            env = dict(env, HOME=str(out), XDG_CACHE_HOME=str(out))
        r = run(argv, env=env, cwd=base, **kw)
        assert r.returncode == 1, (r.stdout, r.stderr)
        assert "secret.txt" in r.stderr
        s = summary(r.stdout)
        assert s["unreadable files"] == 1
        assert s["reports indexed"] == len(RAW_REPORTS)
    finally:
        shutil.rmtree(base, ignore_errors=True)


# The indexer runs with glibc's malloc on transparent huge pages
# (fs/indexer.c): what GLIBC_TUNABLES each build is started with, told by
# an indexer standing in for the real one, which it then becomes.
TUNABLES_CASES = [
    (None, "glibc.malloc.hugetlb=1"),
    ("", "glibc.malloc.hugetlb=1"),
    ("glibc.malloc.arena_max=2",
     "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1"),
    ("glibc.malloc.hugetlb=0", "glibc.malloc.hugetlb=0"),
]


def logging_indexer(nianbaofs, base):
    """nianbaofs copied to base beside an indexer that appends its
    GLIBC_TUNABLES to base/tunables.log and execs the real one.  Skips
    when nianbaofs is a wrapper (tests/valgrind.sh): the program it runs
    looks for the indexer beside itself, not beside the wrapper."""
    with open(nianbaofs, "rb") as f:
        if f.read(4) != b"\x7fELF":
            pytest.skip(f"{nianbaofs} is a wrapper, not the program")
    prog = copy_programs(nianbaofs, base)
    real = base / "real-nianbaofs-index"
    (base / "nianbaofs-index").rename(real)
    log = base / "tunables.log"
    script = base / "nianbaofs-index"
    script.write_text("#!/bin/sh\n"
                      f"printf '%s\\n' \"${{GLIBC_TUNABLES-unset}}\" >> '{log}'\n"
                      f"exec '{real}' \"$@\"\n")
    script.chmod(0o755)
    return prog, log


@pytest.mark.parametrize("given,child", TUNABLES_CASES)
def test_index_runs_with_huge_pages(nianbaofs, fresh_raw, tmp_path, env,
                                    given, child):
    prog, log = logging_indexer(nianbaofs, tmp_path)
    env = dict(env)
    env.pop("GLIBC_TUNABLES", None)
    if given is not None:
        env["GLIBC_TUNABLES"] = given
    r = run([prog, "index", "-q", "--db", tmp_path / "ix.sqlite",
             fresh_raw], env=env)
    assert r.returncode == 0, r.stderr
    assert log.read_text().splitlines() == [child]
    assert summary(r.stdout)["reports indexed"] == len(RAW_REPORTS)


@needs_fuse
def test_mount_builds_with_huge_pages(nianbaofs, fresh_raw, tmp_path, env):
    prog, log = logging_indexer(nianbaofs, tmp_path)
    env = dict(env, GLIBC_TUNABLES="glibc.malloc.arena_max=2")
    with mounted(prog, fresh_raw, tmp_path / "mnt", tmp_path / "ix.sqlite",
                 env=env) as mnt:
        assert sorted(p.name for p in mnt.iterdir())
    assert log.read_text().splitlines()[0] == (
        "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1")


def test_db_option_forms(nianbaofs, fresh_raw, tmp_path, env):
    for argv, db in ((["--db", tmp_path / "a.sqlite"], tmp_path / "a.sqlite"),
                     ([f"--db={tmp_path / 'b.sqlite'}"], tmp_path / "b.sqlite"),
                     (["--db", "rel.sqlite"], tmp_path / "rel.sqlite")):
        r = run([nianbaofs, "index", *argv, fresh_raw], env=env, cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        assert index_path(summary(r.stdout)) == str(db)
        assert db.is_file()
    # The option may also follow RAWDIR.
    r = run([nianbaofs, "index", fresh_raw, "--db", tmp_path / "c.sqlite"],
            env=env)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "c.sqlite").is_file()
    assert not (tmp_path / "cache").exists()


def test_db_in_missing_directory(nianbaofs, fresh_raw, tmp_path, env):
    db = tmp_path / "no" / "such" / "ix.sqlite"
    r = run([nianbaofs, "index", "--db", db, fresh_raw], env=env)
    assert r.returncode == 1
    assert r.stderr.startswith("nianbaofs: ") and str(db) in r.stderr


def test_default_db_under_xdg_cache_home(nianbaofs, fresh_raw, tmp_path, env):
    r = run([nianbaofs, "index", fresh_raw], env=env)
    assert r.returncode == 0, r.stderr
    db = pathlib.Path(index_path(summary(r.stdout)))
    assert db.parent == tmp_path / "cache" / "nianbaofs"
    assert db.is_file()
    assert sorted(os.listdir(fresh_raw)) == sorted(RAW_REPORTS)
    # Keyed by RAWDIR's real path: another spelling of it, the same index.
    r = run([nianbaofs, "index", "raw/../raw/"], env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    s = summary(r.stdout)
    assert pathlib.Path(index_path(s)) == db
    assert s["parsed now"] == 0
    # Another RAWDIR, another index.
    other = write_raw(tmp_path / "other")
    r = run([nianbaofs, "index", other], env=env)
    assert r.returncode == 0, r.stderr
    other_db = pathlib.Path(index_path(summary(r.stdout)))
    assert other_db != db and other_db.parent == db.parent


def test_default_db_without_xdg_cache_home(nianbaofs, fresh_raw, tmp_path, env):
    del env["XDG_CACHE_HOME"]
    r = run([nianbaofs, "index", fresh_raw], env=env)
    assert r.returncode == 0, r.stderr
    db = pathlib.Path(index_path(summary(r.stdout)))
    assert db.parent == tmp_path / "home" / ".cache" / "nianbaofs"
    assert db.is_file()


@contextlib.contextmanager
def read_only(path):
    """Makes path read-only for this process: a read-only bind mount as
    root (root ignores permissions), write permission removed otherwise."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [path, *path.iterdir()]}
        for p, m in modes.items():
            p.chmod(m & ~0o222)
        try:
            yield
        finally:
            for p, m in modes.items():
                p.chmod(m)
        return
    if run(["mount", "--bind", path, path]).returncode != 0:
        pytest.skip("root cannot make a read-only bind mount here")
    try:
        r = run(["mount", "-o", "remount,ro,bind", path])
        if r.returncode != 0:
            pytest.skip("root cannot make a read-only bind mount here")
        yield
    finally:
        run(["umount", path])


@needs_fuse
def test_read_only_rawdir(nianbaofs, fresh_raw, tmp_path, env):
    db = tmp_path / "ix.sqlite"
    with read_only(fresh_raw):
        with pytest.raises(OSError):
            (fresh_raw / "probe").write_text("x")
        r = run([nianbaofs, "index", "--db", db, fresh_raw], env=env)
        assert r.returncode == 0, r.stderr
        s = summary(r.stdout)
        assert s["reports indexed"] == len(RAW_REPORTS)
        # Without --db too: the default index is not beside the reports.
        r = run([nianbaofs, "index", fresh_raw], env=env)
        assert r.returncode == 0, r.stderr
        assert summary(r.stdout)["reports indexed"] == len(RAW_REPORTS)
        with mounted(nianbaofs, fresh_raw, tmp_path / "m", db,
                     env=env) as m:
            assert len(agencies(m)) == len(RAW_REPORTS)
    assert sorted(os.listdir(fresh_raw)) == sorted(RAW_REPORTS)


# ---- mounting -----------------------------------------------------------------------

def nianbaofs_processes(mnt):
    """Processes whose command line names mnt."""
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if str(mnt).encode() in argv:
            out.append(pid)
    return out


@needs_fuse
@pytest.mark.parametrize("case", ["db-in-missing-dir", "no-rawdir",
                                  "unknown-fuse-option", "mount-on-file"])
def test_failed_mount_leaves_nothing_behind(nianbaofs, fresh_raw, tmp_path,
                                            env, case):
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    db = tmp_path / "ix.sqlite"
    argv, want = {
        "db-in-missing-dir": (["--db", tmp_path / "no/ix.sqlite", fresh_raw, mnt], 1),
        "no-rawdir": (["--db", db, tmp_path / "nothere", mnt], 2),
        "unknown-fuse-option": (["--db", db, "-o", "bogus", fresh_raw, mnt], 2),
        "mount-on-file": (["--db", db, fresh_raw, fresh_raw / "donghu-2017.txt"], 2),
    }[case]
    try:
        r = run([nianbaofs, *argv], env=env)
        assert r.returncode == want, r.stderr
        assert r.stderr.startswith("nianbaofs: "), r.stderr
        assert not is_mounted(mnt)
        assert not is_mounted(fresh_raw / "donghu-2017.txt")
        assert not nianbaofs_processes(mnt)
    finally:
        unmount(mnt)


@needs_fuse
def test_mount_with_an_unreadable_file_still_mounts(nianbaofs, fresh_raw,
                                                    tmp_path, env):
    (fresh_raw / "garbled.txt").write_bytes(UNDECODABLE)
    mnt = tmp_path / "mnt"
    with mounted(nianbaofs, fresh_raw, mnt, tmp_path / "ix.sqlite",
                 env=env) as m:
        assert len(agencies(m)) == len(RAW_REPORTS)


def wait_mounted(mnt, proc):
    for _ in range(200):
        if is_mounted(mnt):
            return
        if proc.poll() is not None:
            raise AssertionError(f"nianbaofs exited {proc.returncode}: "
                                 f"{proc.stderr.read()}")
        time.sleep(0.05)
    raise AssertionError("not mounted after 10 s")


@needs_fuse
def default_sigint():
    """In the daemon before exec: SIGINT as by default.  A shell starts its
    background jobs with SIGINT ignored (CI run as `... &`), an ignored
    signal stays ignored across exec, and libfuse leaves an ignored signal
    alone: the daemon would not hear the SIGINT this test sends."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("stop", ["fusermount3", "SIGTERM", "SIGINT"])
@pytest.mark.parametrize("threads", [["-f"], ["-f", "-s"]], ids=["mt", "st"])
def test_foreground_mount(nianbaofs, raw_dir, tmp_path, env, stop, threads):
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    proc = subprocess.Popen([nianbaofs, *threads, "--db", tmp_path / "ix.sqlite",
                             raw_dir, mnt], env=dict(env, LC_ALL="C.UTF-8"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, encoding="utf-8", errors="replace",
                            preexec_fn=default_sigint)
    try:
        wait_mounted(mnt, proc)
        assert len(agencies(mnt)) == len(RAW_REPORTS)
        for f in walk_files(mnt):
            assert len((mnt / f).read_bytes()) == os.stat(mnt / f).st_size
        if stop == "fusermount3":
            assert subprocess.run(["fusermount3", "-u", mnt]).returncode == 0
        else:
            proc.send_signal(getattr(signal, stop))
        assert proc.wait(timeout=20) == 0, proc.stderr.read()
        assert not is_mounted(mnt)
        # A clean run says nothing.
        assert proc.stderr.read() == "" and proc.stdout.read() == ""

    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        unmount(mnt)
