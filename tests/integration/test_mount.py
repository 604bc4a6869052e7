"""The mounted filesystem, seen through ordinary tools and system calls:
its tree, its bytes, its attributes, and that nothing can change it.

The numbers inside the files are tested elsewhere (unit and acceptance
tests); here what matters is that the filesystem serves them correctly.
"""
import concurrent.futures
import csv
import errno
import hashlib
import io
import json
import os
import pathlib
import re
import stat
import subprocess
import time

import pytest

from conftest import (ALL, EXPECTED_REPORTS, RAW_REPORTS, TREND, agencies,
                      mounted, needs_fuse, report_dirs, run, walk_all,
                      walk_files)
from nbmount import fs_type

pytestmark = needs_fuse

BOM = b"\xef\xbb\xbf"
YEAR_DIR = re.compile(r"^\d{4}(~\d+)?$")
SECTION_DIR = re.compile(r"^[1-9]\d*-.+$")
META_KEYS = {"agency", "agency_as_printed", "year", "title", "published",
             "template", "source", "sha256", "encoding", "warnings", "checks"}


def read(path):
    with open(path, "rb") as f:
        return f.read()


def meta_of(mnt, report_dir):
    return json.loads(read(mnt / report_dir / "meta.json").decode("utf-8"))


# ---- the tree ------------------------------------------------------------------

def test_mounted_as_nianbaofs(mnt):
    assert fs_type(mnt) == "fuse.nianbaofs"
    st = os.statvfs(mnt)
    assert st.f_flag & os.ST_RDONLY
    assert st.f_namemax == 255
    assert st.f_files >= len(walk_all(mnt))
    assert os.stat(mnt).st_ino == 1


def test_tree_shape(mnt):
    """<agency>/<year>/{meta.json,report.txt,<n>-<section>/{text.txt,*.csv}},
    <agency>/趋势.csv; _all is tested in test_dataset.py"""
    for agency in mnt.iterdir():
        assert agency.is_dir(), f"{agency}: a file at the top level"
        if agency.name == ALL:
            continue
        assert (agency / TREND).is_file(), agency
        for year in agency.iterdir():
            if year.name == TREND:
                continue
            assert year.is_dir() and YEAR_DIR.match(year.name), year
            names = {p.name for p in year.iterdir()}
            assert {"meta.json", "report.txt"} <= names, year
            sections = sorted(p for p in year.iterdir() if p.is_dir())
            assert sections, f"{year}: no section directory"
            assert names == {"meta.json", "report.txt"} | {
                s.name for s in sections}, year
            numbers = sorted(int(s.name.split("-", 1)[0]) for s in sections)
            assert numbers == list(range(1, len(sections) + 1)), year
            for s in sections:
                assert SECTION_DIR.match(s.name), s
                files = [p.name for p in s.iterdir()]
                assert "text.txt" in files, s
                for f in files:
                    assert f == "text.txt" or f.endswith(".csv"), s / f
                    assert (s / f).is_file(), s / f


def test_one_report_directory_per_raw_file(mnt):
    assert report_dirs(mnt) == sorted(EXPECTED_REPORTS.values())
    for raw, rdir in EXPECTED_REPORTS.items():
        assert meta_of(mnt, rdir)["source"] == raw


def test_standard_sections_and_tables(mnt):
    year = mnt / EXPECTED_REPORTS["qingsong-2019.txt"]
    sections = sorted(p.name for p in year.iterdir() if p.is_dir())
    assert sections == [
        "1-总体情况", "2-主动公开政府信息情况", "3-收到和处理政府信息公开申请情况",
        "4-政府信息公开行政复议、行政诉讼情况", "5-存在的主要问题及改进情况",
        "6-其他需要报告的事项"]
    assert {p.name for p in (year / sections[1]).glob("*.csv")} == {
        f"第二十条第（{n}）项.csv" for n in ("一", "五", "六", "八", "九")}
    assert (year / sections[2] / "申请情况.csv").is_file()
    assert (year / sections[3] / "复议诉讼情况.csv").is_file()
    for s in (sections[0], sections[4], sections[5]):
        assert not list((year / s).glob("*.csv")), s


def test_free_form_report_has_no_tables(mnt):
    year = mnt / EXPECTED_REPORTS["donghu-2017.txt"]
    sections = sorted(p for p in year.iterdir() if p.is_dir())
    assert len(sections) >= 3
    assert not list(year.glob("*/*.csv"))


def test_meta_json(mnt, raw_dir):
    for rdir in report_dirs(mnt):
        meta = meta_of(mnt, rdir)
        assert META_KEYS <= set(meta), f"{rdir}: missing {META_KEYS - set(meta)}"
        agency, year = rdir.split("/")
        assert meta["agency"] == agency
        assert meta["year"] == int(year.split("~")[0])
        raw = raw_dir / meta["source"]
        assert raw.is_file(), meta["source"]
        assert meta["sha256"] == hashlib.sha256(read(raw)).hexdigest()
        assert meta["published"] is None or re.fullmatch(
            r"\d{4}-\d{2}-\d{2}", meta["published"])
        assert isinstance(meta["warnings"], list)
        assert all(isinstance(w, str) for w in meta["warnings"])
        assert isinstance(meta["checks"], list)
        for c in meta["checks"]:
            assert {"rule", "ok", "detail"} <= set(c), c
            assert isinstance(c["ok"], bool)


# ---- ordinary tools ------------------------------------------------------------

def test_ls_lR(mnt):
    r = run(["ls", "-lR", mnt])
    assert r.returncode == 0, r.stderr
    modes = [line.split()[0] for line in r.stdout.splitlines()
             if line[:1] in ("-", "d")]
    files = walk_files(mnt, dataset=True)
    assert modes.count("-r--r--r--") == len(files)
    assert set(modes) == {"-r--r--r--", "dr-xr-xr-x"}
    for f in files:
        assert os.path.basename(f) in r.stdout


def test_ls_shows_dot_entries(mnt):
    rdir = mnt / report_dirs(mnt)[0]
    r = run(["ls", "-ai", rdir])
    assert r.returncode == 0, r.stderr
    inos = {line.split()[1]: int(line.split()[0])
            for line in r.stdout.splitlines()}
    assert inos["."] == os.stat(rdir).st_ino
    assert inos[".."] == os.stat(rdir.parent).st_ino


def test_cat_reads_exactly_st_size(mnt):
    files = walk_files(mnt)
    total = 0
    for f in files:
        data = read(mnt / f)
        assert os.stat(mnt / f).st_size == len(data), f
        total += len(data)
    r = subprocess.run(["cat"] + [str(mnt / f) for f in files],
                       capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert len(r.stdout) == total


def test_reads_at_any_offset(mnt):
    path = mnt / EXPECTED_REPORTS["baishi-2020-cells.txt"] / "report.txt"
    data = read(path)
    assert len(data) > 100
    fd = os.open(path, os.O_RDONLY)
    try:
        for off in (0, 1, 7, len(data) // 3, len(data) - 5, len(data) - 1):
            assert os.pread(fd, 13, off) == data[off:off + 13], off
        assert os.pread(fd, 10, len(data)) == b""
        assert os.pread(fd, 10, len(data) + 4096) == b""
    finally:
        os.close(fd)


def test_grep_r(mnt):
    r = run(["grep", "-rl", "湖滨便民服务驿站", mnt])
    assert r.returncode == 0, r.stderr
    hits = sorted(os.path.relpath(p, mnt) for p in r.stdout.splitlines())
    donghu = EXPECTED_REPORTS["donghu-2017.txt"]
    assert f"{donghu}/report.txt" in hits
    assert any(h.startswith(donghu + "/") and h.endswith("/text.txt")
               for h in hits), hits
    r = run(["grep", "-rl", "--include=*.csv", "予以公开", mnt])
    assert r.returncode == 0, r.stderr
    assert any(p.endswith("/申请情况.csv") for p in r.stdout.splitlines())


def test_find(mnt):
    r = run(["find", mnt, "-type", "f"])
    assert r.returncode == 0, r.stderr
    found = sorted(os.path.relpath(p, mnt) for p in r.stdout.splitlines())
    assert found == walk_files(mnt, dataset=True)
    r = run(["find", mnt, "-type", "d"])
    assert r.returncode == 0, r.stderr
    dirs = len(r.stdout.splitlines())
    assert dirs + len(found) == len(walk_all(mnt))


def test_cp_r_copies_every_byte(mnt, tmp_path):
    dest = tmp_path / "copy"
    r = run(["cp", "-r", mnt, dest])
    assert r.returncode == 0, r.stderr
    assert walk_all(dest) == walk_all(mnt)
    for f in walk_files(mnt, dataset=True):
        assert read(dest / f) == read(mnt / f), f


def test_wc(mnt):
    files = walk_files(mnt, dataset=True)
    r = run(["wc", "-c"] + [mnt / f for f in files])
    assert r.returncode == 0, r.stderr
    total = int(r.stdout.splitlines()[-1].split()[0])
    assert total == sum(os.stat(mnt / f).st_size for f in files)


def test_tar_round_trip(mnt, tmp_path):
    archive = tmp_path / "tree.tar"
    r = run(["tar", "cf", archive, "-C", mnt, "."])
    # tar warns and exits 1 when a file's size differs from what it read.
    assert r.returncode == 0, r.stderr
    out = tmp_path / "x"
    out.mkdir()
    r = run(["tar", "xf", archive, "-C", out])
    assert r.returncode == 0, r.stderr
    assert walk_all(out) == walk_all(mnt)
    for f in walk_files(mnt, dataset=True):
        assert read(out / f) == read(mnt / f), f


def test_parallel_reads_agree(mnt):
    files = walk_files(mnt, dataset=True)
    first = {f: read(mnt / f) for f in files}
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        for f, data in zip(files * 8, pool.map(lambda f: read(mnt / f),
                                               files * 8)):
            assert data == first[f], f


# ---- bytes: CSV and text dialects ---------------------------------------------

def csv_files(root):
    return [f for f in walk_files(root) if f.endswith(".csv")]


def test_csv_has_bom_and_crlf(mnt):
    files = csv_files(mnt)
    assert files
    for f in files:
        data = read(mnt / f)
        assert data.startswith(BOM), f
        assert data.endswith(b"\r\n"), f
        assert data.count(b"\n") == data.count(b"\r\n"), f
        rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"),
                                           newline="")))
        assert len(rows) >= 2, f
        assert all(len(r) == len(rows[0]) for r in rows), f


def test_text_files_are_utf8_lf(mnt):
    for f in walk_files(mnt):
        if f.endswith(".csv"):
            continue
        data = read(mnt / f)
        assert not data.startswith(BOM), f
        assert b"\r" not in data, f
        data.decode("utf-8")


def test_csv_unix(mnt, mnt_unix):
    assert walk_all(mnt_unix) == walk_all(mnt)
    for f in walk_files(mnt):
        excel, unix = read(mnt / f), read(mnt_unix / f)
        assert os.stat(mnt_unix / f).st_size == len(unix), f
        if f.endswith(".csv"):
            assert not unix.startswith(BOM), f
            assert b"\r" not in unix, f
            assert unix.endswith(b"\n"), f
            assert excel[len(BOM):].replace(b"\r\n", b"\n") == unix, f
        else:
            assert excel == unix, f


# ---- attributes ------------------------------------------------------------------

def test_modes_and_owner(mnt):
    for p in walk_all(mnt):
        st = os.stat(mnt / p)
        if stat.S_ISDIR(st.st_mode):
            assert stat.S_IMODE(st.st_mode) == 0o555, p
        else:
            assert stat.S_ISREG(st.st_mode), p
            assert stat.S_IMODE(st.st_mode) == 0o444, p
            assert st.st_blocks * 512 >= st.st_size, p
        assert (st.st_uid, st.st_gid) == (os.getuid(), os.getgid()), p


def test_mtime_is_the_raw_files(mnt, raw_dir):
    for rdir in report_dirs(mnt):
        raw = raw_dir / meta_of(mnt, rdir)["source"]
        want = os.stat(raw).st_mtime_ns
        assert want == RAW_REPORTS[raw.name]
        for f in walk_files(mnt / rdir):
            assert os.stat(mnt / rdir / f).st_mtime_ns == want, f"{rdir}/{f}"


def inode_map(root):
    return {p: os.stat(root / p).st_ino for p in walk_all(root)}


def test_inodes_unique_and_stable(mnt, nianbaofs, raw_dir, shared_db,
                                  tmp_path):
    first = inode_map(mnt)
    assert len(set(first.values())) == len(first)
    assert inode_map(mnt) == first
    # Another mount of the same index: the same numbers.
    with mounted(nianbaofs, raw_dir, tmp_path / "again", shared_db) as again:
        assert inode_map(again) == first


# ---- read-only -------------------------------------------------------------------

def expect_erofs(fn, *args):
    with pytest.raises(OSError) as e:
        fn(*args)
    assert e.value.errno == errno.EROFS, (fn.__name__, args, e.value)


def changes_by_name(rdir, report):
    """Every change made through a name: (function, arguments...)."""
    return [
        (open, rdir / "new.txt", "w"),
        (os.mkdir, rdir / "newdir"),
        (os.remove, report),
        (os.rmdir, next(p for p in rdir.iterdir() if p.is_dir())),
        (os.rename, report, rdir / "moved.txt"),
        (os.link, report, rdir / "hard.txt"),
        (os.symlink, "report.txt", rdir / "soft.txt"),
        (os.truncate, report, 0),
        (os.chmod, report, 0o644),
        (os.utime, report, (0, 0)),
        (os.mknod, rdir / "fifo", stat.S_IFIFO | 0o644),
        (os.setxattr, report, "user.note", b"x"),
        (os.removexattr, report, "user.note"),
    ]


def test_read_only_mount_refuses_every_change(mnt):
    """Mounted read-only (-o ro, always last): the kernel answers EROFS
    itself, before any request reaches the filesystem."""
    rdir = mnt / report_dirs(mnt)[0]
    report = rdir / "report.txt"
    before = read(report)
    names = sorted(os.listdir(rdir))
    expect_erofs(open, report, "wb")
    expect_erofs(open, report, "ab")
    expect_erofs(open, report, "r+b")
    expect_erofs(os.open, report, os.O_RDONLY | os.O_TRUNC)
    for fn, *args in changes_by_name(rdir, report):
        expect_erofs(fn, *args)
    assert read(report) == before
    assert sorted(os.listdir(rdir)) == names


def write_through(path, flags):
    fd = os.open(path, flags)
    try:
        os.write(fd, b"x")
    finally:
        os.close(fd)


def change_through_fds(fn, src, dst):
    """fn(fd_src, fd_dst) on src opened for reading and dst for writing."""
    s = os.open(src, os.O_RDONLY)
    try:
        d = os.open(dst, os.O_WRONLY)
        try:
            fn(s, d)
        finally:
            os.close(d)
    finally:
        os.close(s)


@pytest.mark.skipif(os.geteuid() != 0,
                    reason="only root can remount a FUSE mount read-write")
def test_handlers_refuse_every_change_after_remount_rw(nianbaofs, fuse_usable,
                                                        raw_dir, shared_db,
                                                        tmp_path):
    """Root can make the mount writable (`mount -o remount,rw`): the kernel
    then passes every change to the filesystem, whose handlers (ops.c,
    ro_*) refuse each one with EROFS, so the tree still cannot change."""
    with mounted(nianbaofs, raw_dir, tmp_path / "rw", shared_db) as m:
        r = run(["mount", "-i", "-o", "remount,rw", m])
        if r.returncode != 0:
            pytest.skip(f"cannot remount read-write here: {r.stderr}")
        rdir = m / report_dirs(m)[0]
        report = rdir / "report.txt"
        # A read: from here the kernel opens files without asking us,
        # where it can, so changes arrive as writes and attributes.
        before = read(report)
        names = sorted(os.listdir(rdir))
        for flags in (os.O_WRONLY, os.O_WRONLY | os.O_APPEND, os.O_RDWR,
                      os.O_WRONLY | os.O_TRUNC):
            expect_erofs(write_through, report, flags)
        # O_TRUNC is the open's to do (atomic_o_trunc), and the kernel opens
        # without asking us: the open succeeds and truncates nothing.
        try:
            os.close(os.open(report, os.O_RDONLY | os.O_TRUNC))
        except OSError as e:
            assert e.errno == errno.EROFS, e
        assert read(report) == before
        for fn, *args in changes_by_name(rdir, report):
            expect_erofs(fn, *args)
        expect_erofs(change_through_fds,
                     lambda s, d: os.posix_fallocate(d, 0, 10), report, report)
        expect_erofs(change_through_fds,
                     lambda s, d: os.copy_file_range(s, d, 1, 0, 0),
                     report, rdir / "meta.json")
        assert read(report) == before
        assert sorted(os.listdir(rdir)) == names


def test_shell_tools_cannot_change_anything(mnt):
    rdir = mnt / report_dirs(mnt)[0]
    before = {p: read(mnt / p) for p in walk_files(mnt)}
    for argv in (["touch", rdir / "report.txt"], ["touch", rdir / "new"],
                 ["mkdir", rdir / "d"], ["rm", "-f", rdir / "report.txt"],
                 ["rm", "-rf", rdir], ["mv", rdir / "meta.json", rdir / "m"],
                 ["cp", __file__, rdir / "report.txt"],
                 ["sh", "-c", f"echo x >> '{rdir / 'report.txt'}'"]):
        r = run(argv)
        assert r.returncode != 0, argv
        assert "Read-only file system" in r.stderr, (argv, r.stderr)
    assert {p: read(mnt / p) for p in walk_files(mnt)} == before


def test_xattrs_are_empty(mnt):
    report = mnt / report_dirs(mnt)[0] / "report.txt"
    assert os.listxattr(report) == []
    with pytest.raises(OSError) as e:
        os.getxattr(report, "user.anything")
    assert e.value.errno in (errno.ENODATA, errno.ENOTSUP)


def test_missing_names(mnt):
    for p in ("nosuch", "青松县人民政府/1999", "a/b/c"):
        assert not os.path.exists(mnt / p)
        with pytest.raises(FileNotFoundError):
            os.stat(mnt / p)
    with pytest.raises(NotADirectoryError):
        os.listdir(mnt / report_dirs(mnt)[0] / "report.txt")


# ---- a large directory: listings that span many readdir calls ------------------

def test_large_directory_lists_every_entry(nianbaofs, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    text = (pathlib.Path(__file__).parent / "data" / "donghu-2017.txt").read_bytes()
    copies = 150
    for i in range(copies):
        note = f"附：第{i}号补充说明。\r\n".encode()
        (raw / f"donghu-{i:03}.txt").write_bytes(text + note)
    with mounted(nianbaofs, raw, tmp_path / "m", tmp_path / "ix.sqlite") as m:
        names = agencies(m)
        assert len(names) == 1, names
        top = m / names[0]
        years = [y for y in os.listdir(top) if y != TREND]
        assert len(years) == copies and len(set(years)) == copies
        r = run(["ls", "-U", top])  # plain getdents, no sorting
        assert r.returncode == 0, r.stderr
        assert sorted(r.stdout.split()) == sorted(years + [TREND])
        with os.scandir(top) as it:
            scanned = {e.name: e.inode() for e in it}
        assert sorted(scanned) == sorted(years + [TREND])
        for name, ino in scanned.items():
            assert os.stat(top / name).st_ino == ino
        sources = {meta_of(top.parent, f"{top.name}/{y}")["source"]
                   for y in years}
        assert len(sources) == copies


def test_unmount_stops_the_daemon(nianbaofs, raw_dir, tmp_path):
    """After fusermount3 -u the background process exits by itself."""
    db = tmp_path / "ix.sqlite"
    with mounted(nianbaofs, raw_dir, tmp_path / "m", db) as m:
        pids = [p for p in os.listdir("/proc") if p.isdigit()
                and str(m) in _cmdline(p)]
        assert len(pids) == 1, pids
    for _ in range(100):
        if not os.path.exists(f"/proc/{pids[0]}") or _is_zombie(pids[0]):
            break
        time.sleep(0.05)
    else:
        raise AssertionError("nianbaofs still runs after the unmount")


def _cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def _is_zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True
