"""Shared fixtures of the integration tests: a raw directory of our own
report texts (tests/integration/data), and real mounts of it, each with its
own index file, unmounted on every path out of a test.

Run by `make integration`, which sets NIANBAOFS to the binary under test.
"""
import contextlib
import os
import pathlib
import shutil
import subprocess

import pytest

from nbmount import is_mounted, unmount

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[1]
DATA = HERE / "data"

# The raw reports and the mtime each gets (nanoseconds, so that the
# filesystem's mtime can be checked to the nanosecond).
RAW_REPORTS = {
    "qingsong-2019.txt": 1579478400_123456789,
    "baishi-2020-cells.txt": 1611538200_987654321,
    "donghu-2017.txt": 1522022400_000000500,
    "nanshan-2018-trad.txt": 1552003200_250000000,
}

# What the tree must hold for them: <agency>/<year> per raw file.
EXPECTED_REPORTS = {
    "qingsong-2019.txt": "青松县人民政府/2019",
    "baishi-2020-cells.txt": "白石市生态环境局/2020",
    "donghu-2017.txt": "东湖区人民政府/2017",
    "nanshan-2018-trad.txt": "南山市交通运输局/2018",
}

TIMEOUT = 120

# The whole collection as a dataset (issue 9): MOUNTPOINT/_all and each
# agency's 趋势.csv, beside the per-report tree.
ALL = "_all"
TREND = "趋势.csv"


def nianbaofs_path():
    return os.environ.get("NIANBAOFS") or str(REPO / "nianbaofs")


@pytest.fixture(scope="session")
def nianbaofs():
    path = nianbaofs_path()
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path}: no nianbaofs binary; run `make` or set NIANBAOFS")
    return path


def copy_programs(binary, dest):
    """Copies nianbaofs into dest (mode 755), with the indexer it runs for
    every build, which it looks for beside itself (fs/indexer.c); returns
    the copy of nianbaofs."""
    here = os.path.dirname(os.path.abspath(binary))
    for src, name in ((binary, "nianbaofs"),
                      (os.path.join(here, "nianbaofs-index"),
                       "nianbaofs-index")):
        shutil.copy(src, dest / name)
        (dest / name).chmod(0o755)
    return dest / "nianbaofs"


def run(argv, env=None, **kw):
    """Runs a command, capturing its output as UTF-8 text.  The C.UTF-8
    locale keeps tools' messages in English and names unescaped."""
    kw.setdefault("timeout", TIMEOUT)
    env = dict(os.environ if env is None else env, LC_ALL="C.UTF-8")
    return subprocess.run([str(a) for a in argv], capture_output=True,
                          text=True, encoding="utf-8", errors="replace",
                          env=env, **kw)


def served_bytes(db, unix=False):
    """Every file of the index db as served: {path: bytes}.  A report's
    files are rendered on read, not stored, so they are read through the
    index's own read path (the nbdump tool) rather than from SQL."""
    tools = os.environ.get("NB_TOOLS") or str(REPO / "build" / "tools")
    dump = os.path.join(tools, "nbdump")
    if not os.access(dump, os.X_OK):
        pytest.fail(f"{dump}: missing; run through `make integration`")
    argv = [dump] + (["-u"] if unix else []) + [str(db)]
    out = subprocess.run(argv, capture_output=True, timeout=TIMEOUT)
    assert out.returncode == 0, out.stderr.decode(errors="replace")
    files, data, i = {}, out.stdout, 0
    while i < len(data):
        j = data.index(b"\0", i)
        k = data.index(b"\0", j + 1)
        size = int(data[j + 1:k])
        files[data[i:j].decode()] = data[k + 1:k + 1 + size]
        i = k + 1 + size
    return files


def can_mount():
    """Whether this user can mount FUSE filesystems here."""
    return (shutil.which("fusermount3") is not None and
            os.access("/dev/fuse", os.R_OK | os.W_OK))


@pytest.fixture(scope="session")
def fuse_usable():
    """These tests mount for real: without FUSE they fail, they do not skip."""
    if not can_mount():
        pytest.fail("cannot mount here: no fusermount3, or /dev/fuse is "
                    "missing or not readable and writable by this user (in a "
                    "container: --device /dev/fuse --cap-add SYS_ADMIN)")


needs_fuse = pytest.mark.usefixtures("fuse_usable")


@contextlib.contextmanager
def mounted(binary, rawdir, mnt, db, *opts, env=None):
    """Mounts rawdir at mnt with the index db; unmounts however the body
    ends, and also when the mount command itself fails half-way."""
    os.makedirs(mnt, exist_ok=True)
    try:
        r = run([binary, "--db", db, *opts, rawdir, mnt], env=env)
        assert r.returncode == 0, f"mount failed ({r.returncode}): {r.stderr}"
        assert is_mounted(mnt), f"{mnt}: not mounted after nianbaofs exited 0"
        yield pathlib.Path(mnt)
    finally:
        unmount(mnt)


def write_raw(dest):
    """Copies our report texts to dest with fixed mtimes; returns dest."""
    dest = pathlib.Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for name, mtime_ns in RAW_REPORTS.items():
        shutil.copyfile(DATA / name, dest / name)
        os.utime(dest / name, ns=(mtime_ns, mtime_ns))
    return dest


@pytest.fixture(scope="session")
def raw_dir(tmp_path_factory):
    return write_raw(tmp_path_factory.mktemp("raw"))


@pytest.fixture
def env(tmp_path):
    """An environment whose default index place is inside tmp_path."""
    e = dict(os.environ)
    e["HOME"] = str(tmp_path / "home")
    e["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    return e


@pytest.fixture
def fresh_raw(tmp_path):
    """A raw directory a test may change."""
    return write_raw(tmp_path / "raw")


@pytest.fixture(scope="session")
def shared_db(tmp_path_factory):
    return tmp_path_factory.mktemp("db") / "index.sqlite"


@pytest.fixture(scope="session")
def mnt(nianbaofs, fuse_usable, raw_dir, shared_db, tmp_path_factory):
    """The raw directory mounted with the default options (CSV for Excel)."""
    with mounted(nianbaofs, raw_dir, tmp_path_factory.mktemp("mnt"),
                 shared_db) as m:
        yield m


@pytest.fixture(scope="session")
def mnt_unix(nianbaofs, fuse_usable, raw_dir, shared_db, tmp_path_factory):
    """The same raw directory and index, mounted with -o csv=unix."""
    with mounted(nianbaofs, raw_dir, tmp_path_factory.mktemp("mnt_unix"),
                 shared_db, "-o", "csv=unix") as m:
        yield m


def walk_files(root, dataset=False):
    """Every regular file of the per-report tree under root (with
    dataset=True, also _all and the 趋势.csv files), as paths relative to
    root, sorted."""
    out = []
    for d, dirs, files in os.walk(root):
        if not dataset and os.path.samefile(d, root) and ALL in dirs:
            dirs.remove(ALL)
        dirs.sort()
        for f in files:
            if dataset or f != TREND:
                out.append(os.path.relpath(os.path.join(d, f), root))
    return sorted(out)


def agencies(root):
    """The agency directories under root (not _all)."""
    return sorted(a for a in os.listdir(root) if a != ALL)


def walk_all(root):
    """Every directory and file under root (root itself as "."), sorted."""
    out = ["."]
    for d, dirs, files in os.walk(root):
        for name in dirs + files:
            out.append(os.path.relpath(os.path.join(d, name), root))
    return sorted(out)


def report_dirs(root):
    """The <agency>/<year> directories under root."""
    root = pathlib.Path(root)
    return sorted(y.relative_to(root).as_posix()
                  for a in root.iterdir() if a.is_dir() and a.name != ALL
                  for y in a.iterdir() if y.is_dir())
