"""A directory of many entries (issue 7: the root at national scale lists
correctly and fast).  Its st_blksize holds its whole listing, so that
glibc's opendir reads it with a buffer that size and the kernel asks for
it in a few READDIR requests instead of one per 32 KiB (fs/ops.c); a
small directory keeps 4 KiB.  The listing must still be whole, once,
with the right types, read cold and again from the kernel's cache.
"""
import os

from conftest import DATA, mounted, needs_fuse

pytestmark = needs_fuse

STEMS = "甲乙丙丁戊己庚辛壬癸"
# agencies: the root lists one directory each (and _all); at 64 bytes an
# entry (fs/ops.c) their listing needs more than glibc's 32 KiB
AGENCIES = 600


def agency(i):
    return "青松" + STEMS[i // 100] + STEMS[i // 10 % 10] + STEMS[i % 10] + "县"


def write_agencies(raw):
    raw.mkdir()
    text = (DATA / "qingsong-2019.txt").read_text(encoding="utf-8")
    assert "青松县" in text
    for i in range(AGENCIES):
        (raw / f"r{i}.txt").write_text(text.replace("青松县", agency(i)),
                                       encoding="utf-8")


def test_a_big_directory_lists_whole_in_big_reads(nianbaofs, tmp_path):
    raw = tmp_path / "raw"
    write_agencies(raw)
    want = {agency(i) + "人民政府" for i in range(AGENCIES)}
    with mounted(nianbaofs, raw, tmp_path / "mnt", tmp_path / "ix.sqlite",
                 "-o", "nowatch") as m:
        for _ in range(2):	# from the daemon, then from the kernel's cache
            entries = list(os.scandir(m))
            names = [e.name for e in entries]
            assert len(names) == len(set(names))
            assert want <= set(names), sorted(want - set(names))[:5]
            assert all(e.is_dir() for e in entries if e.name in want)
        root = os.stat(m)
        assert root.st_blksize >= 64 * len(names)
        assert root.st_blksize & (root.st_blksize - 1) == 0
        small = os.stat(m / (agency(7) + "人民政府"))
        assert small.st_blksize == 4096
        # attributes of entries listed without them (only the first
        # request carries them) are looked up one by one, all there
        assert all((m / n).is_dir() for n in want)
