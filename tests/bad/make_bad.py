#!/usr/bin/env python3
"""Writes the corpus of bad inputs (issue 8) into DEST: one case per file
or directory, each named for what it is, beside good reports that must
still be indexed.  Made by this script, not committed as blobs: some
cases are 100 MB, links, FIFOs or unreadable files.

    python3 tests/bad/make_bad.py DEST

The cases (CASES below) name the file and what `nianbaofs index` must say
of it: `None` for a file that is indexed (or skipped as no report) without
failing.  Deterministic: the same DEST content every run.
"""
import os
import pathlib
import random
import sys

HERE = pathlib.Path(__file__).resolve().parent
GOOD = HERE.parents[0] / "integration" / "data"

# A good report, for the cases made of one: our own text, not a sample.
BASE = "qingsong-2019.txt"


def good_text():
    return (GOOD / BASE).read_text(encoding="utf-8")


def with_agency(text, agency):
    """The report retitled to agency (its first line names it)."""
    lines = text.split("\n")
    lines[0] = f"{agency}2019年政府信息公开工作年度报告"
    return "\n".join(lines).replace("青松县人民政府", agency)


# Each case: file name -> (what to write, what stderr must say of it or
# None).  Writers take the destination path.
def w_bytes(data):
    return lambda p: p.write_bytes(data)


def w_text(text, encoding="utf-8"):
    return lambda p: p.write_bytes(text.encode(encoding))


def w_sparse(size, head):
    def write(p):
        with open(p, "wb") as f:
            f.write(head)
            f.truncate(size)
    return write


def w_fifo(p):
    os.mkfifo(p)


def w_unreadable(p):
    p.write_bytes(good_text().encode("utf-8"))
    p.chmod(0)


def w_symlink(target):
    return lambda p: os.symlink(target, p)


def cases():
    text = good_text()
    rnd = random.Random(8)
    head, tail = text[:len(text) // 2], text[len(text) // 2:]
    ten_mb_line = "本机关依法公开政府信息" * (10 * 1024 * 1024 // 33)
    wide_row = "| " + " | ".join(f"列{i}" for i in range(1000)) + " |\n"
    wide = ("白沙县人民政府2019年政府信息公开工作年度报告\n一、总体情况\n"
            + wide_row + "|" + "---|" * 1000 + "\n"
            + "| " + " | ".join(str(i) for i in range(1000)) + " |\n")
    headings = text.split("\n")[0] + "\n" + "".join(
        f"{n}、总体情况\n（一）主动公开\n二、主动公开政府信息情况\n"
        for n in ["一"] * 10000)
    c = {
        "empty.txt": (w_bytes(b""), "not an annual report"),
        "binary.txt": (w_bytes(bytes(rnd.randrange(256) for _ in range(65536))),
                       "in no encoding"),
        "nul-bytes.txt": (w_text(text.replace("。", "。\0")), None),
        "invalid-midway.txt": (w_bytes(head.encode() + b"\xff" + tail.encode()),
                               None),
        "mixed-encodings.txt": (w_bytes(head.encode("utf-8") +
                                        tail.encode("gb18030")),
                                "in no encoding"),
        "huge-100MB.txt": (w_sparse(100 * 1024 * 1024, text.encode()),
                           "larger than 64 MiB"),
        "line-10MB.txt": (w_text(text.split("\n")[0] + "\n" + ten_mb_line + "\n"),
                          None),
        "columns-1000.md": (w_text(wide), None),
        "headings-10000.txt": (w_text(headings), None),
        "fifo.txt": (w_fifo, "not a regular file"),
        "unreadable.txt": (w_unreadable, "Permission denied"),
        "loop": (w_symlink("."), "symbolic link loop, skipped"),
        "out-of-rawdir.txt": (w_symlink("/etc/passwd"),
                              "symbolic link leads out of RAWDIR"),
        "out-of-rawdir-dir": (w_symlink("/"), "symbolic link leads out of RAWDIR"),
    }
    hostile = {
        "agency-slash.txt": "青山/县人民政府",
        "agency-dotdot.txt": "..",
        "agency-dot.txt": ".",
        "agency-dash.txt": "-rf县人民政府",
        "agency-control.txt": "\x1b[2J青山县\x07人民政府",
        "agency-300-bytes.txt": "青" * 100 + "县人民政府",
        "agency-nfc.txt": "Caf\u00e9县人民政府",
        "agency-nfd.txt": "Cafe\u0301县人民政府",
        "agency-compat.txt": "\uf900山县人民政府",
        "agency-unified.txt": "\u8c48山县人民政府",
        "agency-bidi.txt": "\u202e青山县人民政府",
    }
    for name, agency in hostile.items():
        c[name] = (w_text(with_agency(text, agency)), None)
    return c


def make(dest):
    dest = pathlib.Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for name in os.listdir(GOOD):
        (dest / f"good-{name}").write_bytes((GOOD / name).read_bytes())
    for name, (write, _) in cases().items():
        write(dest / name)
    return dest


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_bad.py DEST")
    make(sys.argv[1])
