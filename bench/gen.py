#!/usr/bin/env python3
"""Writes N synthetic annual reports for the benchmark, in every shape the
parser reads: each is one of our fixtures (tests/fixtures/*, with its
encoding, line ends and layout) under a new agency name and year, with
the numbers of its prose varied.  Same seed, same tree, byte for byte.

usage: bench/gen.py [-n N] [--seed S] OUTDIR

OUTDIR gets <province>/<city>/<name>.<ext>, about 200 reports a directory,
as a scrape of a province would be laid out.
"""
import argparse
import json
import pathlib
import random
import re
import sys

REPO = pathlib.Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"

# Syllables of invented place names; two make a name (~900 of them).
SYLLABLES = ("安 白 北 碧 长 东 枫 高 古 桂 海 河 红 湖 华 黄 江 金 静 兰 蓝 乐 "
             "临 龙 绿 梅 明 南 宁 平 青 清 泉 山 上 石 松 太 天 田 文 西 溪 "
             "新 阳 永 云 长 珠").split()
PER_DIR = 200
# Prose numbers to vary: digits followed by a counting unit.
PROSE_NUMBER = re.compile(r"(?<![0-9０-９])([0-9]{1,4})(条|次|篇|个|场|期|人次)")


def decode(data):
    """The fixture's text and how to write it back the same way."""
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le"), ("utf-16-le", b"\xff\xfe")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), ("utf-8", b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8"), ("utf-8", b"")
    except UnicodeDecodeError:
        return data.decode("gb18030"), ("gb18030", b"")


def templates():
    out = []
    for expect in sorted(FIXTURES.glob("*/*.expect.json")):
        facts = json.loads(expect.read_text(encoding="utf-8"))
        stem = expect.name[:-len(".expect.json")]
        raw = [p for p in expect.parent.glob(stem + ".*")
               if not p.name.endswith(".expect.json")]
        if len(raw) != 1 or not facts.get("agency") or not facts.get("year"):
            continue
        text, enc = decode(raw[0].read_bytes())
        out.append({"text": text, "enc": enc, "ext": raw[0].suffix,
                    "agency": facts["agency"], "year": int(facts["year"])})
    if not out:
        sys.exit(f"{FIXTURES}: no fixtures found")
    return out


def place(rng):
    return rng.choice(SYLLABLES) + rng.choice(SYLLABLES)


def one_report(rng, t):
    # A report names its agency in full and by its place alone (晓山区2022年
    # ...): the place (the agency's first two characters) is replaced
    # everywhere, the rest of the name stays that of the template.
    new_place = place(rng)
    # stay within what the template's rules accept: 2019 on is the new
    # format, before it the old one
    old = t["year"] < 2019
    year = rng.randint(2015, 2018) if old else rng.randint(2019, 2024)
    text = t["text"].replace(t["agency"][:2], new_place)
    shift = year - t["year"]
    if shift:
        # report year and publication year (the next), from the latest
        # down so that no year is shifted twice
        for y in (t["year"] + 1, t["year"]):
            text = text.replace(str(y), f"\0{y + shift}\0")
        text = text.replace("\0", "")
    text = PROSE_NUMBER.sub(lambda m: f"{rng.randint(1, 999)}{m.group(2)}",
                            text)
    codec, bom = t["enc"]
    return bom + text.encode(codec), year


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10000, help="reports (10000)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("outdir", type=pathlib.Path)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    ts = templates()
    total = 0
    for i in range(a.n):
        t = rng.choice(ts)
        data, year = one_report(rng, t)
        d = a.outdir / f"p{i // (PER_DIR * 50):02}" / f"c{i // PER_DIR:04}"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"r{i:06}-{year}{t['ext']}").write_bytes(data)
        total += len(data)
    print(f"{a.n} reports, {total / 1e6:.1f} MB, {len(ts)} templates, "
          f"in {a.outdir}")


if __name__ == "__main__":
    main()
