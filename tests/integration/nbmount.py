"""Shared by the acceptance tests (test_seeds.py, test_real.py): mounting a
directory of ../shared with nianbaofs, unmounting it whatever happens, and
reading what the mount serves with ordinary tools (ls, cat, grep)."""

import csv
import io
import json
import os
import re
import subprocess
import time
from decimal import Decimal
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"

# Indexing before the mount is ready can be slow under the sanitizers.
READY_TIMEOUT = 300
TOOL_TIMEOUT = 60

# Ordinary tools must print names as they are, not escaped.
TOOL_ENV = dict(os.environ, LC_ALL="C.UTF-8")

# ---- the contract of issue 2 --------------------------------------------

CANONICAL_SECTIONS = [
    "1-总体情况",
    "2-主动公开政府信息情况",
    "3-收到和处理政府信息公开申请情况",
    "4-政府信息公开行政复议、行政诉讼情况",
    "5-存在的主要问题及改进情况",
    "6-其他需要报告的事项",
]
T2_DIR = CANONICAL_SECTIONS[1]
T3_CSV = CANONICAL_SECTIONS[2] + "/申请情况.csv"
T4_CSV = CANONICAL_SECTIONS[3] + "/复议诉讼情况.csv"

T3_HEADER = ["项目", "自然人", "商业企业", "科研机构", "社会公益组织",
             "法律服务机构", "其他", "总计"]
T4_HEADER = ["类别", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
T4_ROWS = ["行政复议", "行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉"]

T3_NEW = "一、本年新收政府信息公开申请数量"
T3_CARRIED_IN = "二、上年结转政府信息公开申请数量"
T3_RESULTS = "三、本年度办理结果"
T3_TOTAL = T3_RESULTS + "/（七）总计"
T3_CARRIED_OUT = "四、结转下年度继续办理"


def _t3_rows(other_rows):
    withheld = T3_RESULTS + "/（三）不予公开/"
    unavailable = T3_RESULTS + "/（四）无法提供/"
    not_handled = T3_RESULTS + "/（五）不予处理/"
    return [
        T3_NEW,
        T3_CARRIED_IN,
        T3_RESULTS + "/（一）予以公开",
        T3_RESULTS + "/（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        withheld + "1.属于国家秘密",
        withheld + "2.其他法律行政法规禁止公开",
        withheld + "3.危及“三安全一稳定”",
        withheld + "4.保护第三方合法权益",
        withheld + "5.属于三类内部事务信息",
        withheld + "6.属于四类过程性信息",
        withheld + "7.属于行政执法案卷",
        withheld + "8.属于行政查询事项",
        unavailable + "1.本机关不掌握相关政府信息",
        unavailable + "2.没有现成信息需要另行制作",
        unavailable + "3.补正后申请内容仍不明确",
        not_handled + "1.信访举报投诉类申请",
        not_handled + "2.重复申请",
        not_handled + "3.要求提供公开出版物",
        not_handled + "4.无正当理由大量反复申请",
        not_handled + "5.要求行政机关确认或重新出具已获取信息",
        *other_rows,
        T3_TOTAL,
        T3_CARRIED_OUT,
    ]


# The 项目 column of 申请情况.csv, in order (report-format.md, table 3).
T3_ROWS_2019 = _t3_rows([T3_RESULTS + "/（六）其他处理"])
T3_ROWS_2021 = _t3_rows([
    T3_RESULTS + "/（六）其他处理/1.申请人无正当理由逾期不补正、"
    "行政机关不再处理其政府信息公开申请",
    T3_RESULTS + "/（六）其他处理/2.申请人逾期未按收费通知要求缴纳费用、"
    "行政机关不再处理其政府信息公开申请",
    T3_RESULTS + "/（六）其他处理/3.其他",
])

META_KEYS = ["agency", "agency_as_printed", "year", "title", "published",
             "template", "source", "sha256", "encoding", "warnings", "checks"]

# A number written plainly: no unit, no sign but "-", no separators.
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def shared_dir(sub):
    """../shared/<sub> beside the repository, or skip the calling test."""
    d = SHARED / sub
    if not d.is_dir():
        pytest.skip(f"{d} is absent: the acceptance tests read the sample "
                    f"reports from ../shared beside the repository")
    return d


def binary():
    path = os.environ.get("NIANBAOFS") or str(REPO / "nianbaofs")
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path}: no nianbaofs binary (run `make`, or set "
                    f"NIANBAOFS to its absolute path)")
    return path


# ---- mounting --------------------------------------------------------------

def _unescape_mountinfo(field):
    # /proc/self/mountinfo escapes space, tab, newline and backslash as \ooo.
    out, i = [], 0
    raw = field.encode()
    while i < len(raw):
        octal = raw[i + 1:i + 4]
        if raw[i] == 0x5C and len(octal) == 3 and octal.isdigit():
            out.append(int(octal, 8))
            i += 4
        else:
            out.append(raw[i])
            i += 1
    return bytes(out).decode("utf-8", "surrogateescape")


def is_mounted(path):
    """True when path is a mount point, even a dead FUSE one (where stat
    fails and os.path.ismount says False)."""
    path = os.path.realpath(path)
    with open("/proc/self/mountinfo", encoding="utf-8",
              errors="surrogateescape") as f:
        return any(_unescape_mountinfo(line.split()[4]) == path for line in f)


def fs_type(path):
    path = os.path.realpath(path)
    with open("/proc/self/mountinfo", encoding="utf-8",
              errors="surrogateescape") as f:
        for line in f:
            fields = line.split()
            if _unescape_mountinfo(fields[4]) == path:
                return fields[fields.index("-") + 1]
    return None


def unmount(path):
    """Unmounts path if it is mounted: fusermount3 -u, else a lazy -uz."""
    if not is_mounted(path):
        return
    r = subprocess.run(["fusermount3", "-u", str(path)], capture_output=True)
    if r.returncode != 0 or is_mounted(path):
        subprocess.run(["fusermount3", "-uz", str(path)], capture_output=True)
    for _ in range(100):
        if not is_mounted(path):
            return
        time.sleep(0.05)
    raise AssertionError(f"{path} is still mounted after fusermount3 -uz")


def mount(request, rawdir, workdir):
    """Mounts rawdir read-only at workdir/mnt, with its own index in workdir,
    in the background as a user would; unmounted when request finishes,
    whether the tests passed, failed or the mount itself failed."""
    if not os.path.exists("/dev/fuse"):
        pytest.fail("/dev/fuse does not exist: the acceptance tests mount "
                    "for real (in a container: --device /dev/fuse "
                    "--cap-add SYS_ADMIN)")
    mountpoint = workdir / "mnt"
    mountpoint.mkdir()
    db = workdir / "index.sqlite"
    log = workdir / "nianbaofs.log"
    request.addfinalizer(lambda: unmount(mountpoint))

    cmd = [binary(), "--db", str(db), str(rawdir), str(mountpoint)]
    # A file, not a pipe, for the output: the daemon keeps its copy open.
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)
        try:
            status = proc.wait(timeout=READY_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            pytest.fail(f"{' '.join(cmd)} did not mount within "
                        f"{READY_TIMEOUT}s:\n{log.read_text(errors='replace')}")
    if status != 0:
        pytest.fail(f"{' '.join(cmd)} exited with status {status}:\n"
                    f"{log.read_text(errors='replace')}")
    deadline = time.monotonic() + 10
    while not os.path.ismount(mountpoint):
        if time.monotonic() > deadline:
            pytest.fail(f"{' '.join(cmd)} exited 0 but {mountpoint} is not "
                        f"mounted:\n{log.read_text(errors='replace')}")
        time.sleep(0.05)
    return mountpoint


# ---- ordinary tools over the mount --------------------------------------

def _tool(cmd, ok=(0,)):
    p = subprocess.run(cmd, capture_output=True, env=TOOL_ENV,
                       timeout=TOOL_TIMEOUT, check=False)
    assert p.returncode in ok, (
        f"{' '.join(map(str, cmd))} exited {p.returncode}: "
        f"{p.stderr.decode(errors='replace')}")
    return p


def ls(path):
    """The names `ls -A` prints for a directory, in its order."""
    out = _tool(["ls", "-1A", str(path)]).stdout.decode("utf-8")
    return [n for n in out.split("\n") if n]


def cat(path):
    """A file's bytes as `cat` reads them through the mount."""
    return _tool(["cat", str(path)]).stdout


def grep_files(pattern, top, *options, regex=False):
    """The files under top where `grep -r` finds pattern (a fixed string,
    or with regex=True an extended regular expression), relative to top."""
    p = _tool(["grep", "-r", "-l", "-E" if regex else "-F", *options, "--",
               pattern, str(top)], ok=(0, 1))
    out = p.stdout.decode("utf-8")
    return sorted(str(Path(f).relative_to(top)) for f in out.split("\n") if f)


# The whole collection as a dataset (issue 9), beside the per-report tree.
ALL = "_all"
TREND = "趋势.csv"


def walk_files(top, suffix):
    """Every file of the per-report tree under top (not _all, not
    趋势.csv) whose name ends in suffix, found with find."""
    out = _tool(["find", str(top), "-path", str(Path(top) / ALL), "-prune",
                 "-o", "-type", "f", "-name", "*" + suffix, "!", "-name",
                 TREND, "-print"]).stdout.decode("utf-8")
    return sorted(Path(f) for f in out.split("\n") if f)


def agencies(mnt):
    """The agency directories `ls` shows (not _all)."""
    return [a for a in ls(mnt) if a != ALL]


def years(agency_dir):
    """The report directories of an agency `ls` shows (not 趋势.csv)."""
    return [y for y in ls(agency_dir) if y != TREND]


# ---- reports in the mount --------------------------------------------------

def report_dir(mnt, agencies, year):
    """MOUNTPOINT/<agency>/<year> for the first of agencies present."""
    if isinstance(agencies, str):
        agencies = [agencies]
    present = ls(mnt)
    for agency in agencies:
        if agency in present:
            have = years(mnt / agency)
            assert year in have, (
                f"{agency}: no directory {year}; it has {have}")
            return mnt / agency / year
    raise AssertionError(f"no directory {' or '.join(agencies)} in the "
                         f"mount; it has {present}")


def sections(report):
    """The report's section directories (N-name), in N's order."""
    names = [n for n in ls(report)
             if re.match(r"\d+-", n) and (report / n).is_dir()]
    return sorted(names, key=lambda n: int(n.split("-", 1)[0]))


def meta(report):
    return json.loads(cat(report / "meta.json").decode("utf-8"))


def templates(m):
    """The formats meta.json names: the report's, and each table's."""
    t = m["template"]
    found = set(t.values()) if isinstance(t, dict) else {t}
    per_table = m.get("template_tables")
    if isinstance(per_table, dict):
        found |= set(per_table.values())
    return found


class Table:
    """One CSV served by the mount, read with the csv module."""

    def __init__(self, path):
        self.path = path
        text = cat(path).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert rows, f"{path} is empty"
        self.header = rows[0]
        self.rows = rows[1:]
        self.labels = [r[0] for r in self.rows]

    def row(self, label):
        """The cells after the label, for the row labelled exactly so."""
        found = [r for r in self.rows if r[0] == label]
        assert len(found) == 1, (
            f"{self.path}: {len(found)} rows labelled {label!r}; "
            f"labels are {self.labels}")
        return found[0][1:]

    def column(self, prefix):
        """The index (among the value columns) of the one column whose
        header starts with prefix."""
        found = [i for i, h in enumerate(self.header[1:])
                 if h.startswith(prefix)]
        assert len(found) == 1, (
            f"{self.path}: {len(found)} columns named {prefix}…; "
            f"header is {self.header}")
        return found[0]

    def cell(self, label, column):
        return self.row(label)[self.column(column)]

    def header_of(self, column):
        return self.header[1 + self.column(column)]


def number(cell, where=""):
    """A cell that must hold a plainly written number, as a Decimal."""
    assert PLAIN_NUMBER.fullmatch(cell), (
        f"{where}: {cell!r} is not a plainly written number")
    return Decimal(cell)


def check_csv_dialect(path, data):
    """UTF-8 with a BOM, CRLF line ends, RFC 4180 records all as wide as
    the header."""
    assert data.startswith(b"\xef\xbb\xbf"), f"{path}: no UTF-8 BOM"
    assert data.endswith(b"\r\n"), f"{path}: last line does not end CRLF"
    assert data.count(b"\n") == data.count(b"\r\n"), (
        f"{path}: a line ends in a bare LF")
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    widths = {len(r) for r in rows}
    assert len(widths) == 1, f"{path}: records of widths {sorted(widths)}"


def check_text_file(path, data):
    """UTF-8, LF line ends, no BOM."""
    assert not data.startswith(b"\xef\xbb\xbf"), f"{path}: has a BOM"
    assert b"\r" not in data, f"{path}: has a CR"
    data.decode("utf-8")
