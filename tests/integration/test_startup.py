"""The index a mount starts with (fs/startup.c, issue 7): an index of this
version is served at once and brought up to date in the background, even
under -o nowatch; a first mount builds its index before it answers.
"""
import time

from conftest import DATA, mounted, needs_fuse, run, write_raw

pytestmark = needs_fuse

DONGHU = "东湖区人民政府/2017"
# From the mount to the background refresh's switch (slow under the
# sanitizers: a walk, a check of the index, an incremental build).
SWITCH = 60


def test_first_mount_answers_with_its_index_built(nianbaofs, tmp_path):
    raw = write_raw(tmp_path / "raw")
    with mounted(nianbaofs, raw, tmp_path / "mnt", tmp_path / "ix.sqlite",
                 "-o", "nowatch") as m:
        assert (m / DONGHU).is_dir()


def test_changes_made_while_unmounted_follow_the_mount(nianbaofs, tmp_path):
    raw = write_raw(tmp_path / "raw")
    db = tmp_path / "ix.sqlite"
    assert run([nianbaofs, "index", "-q", "--db", db, raw]).returncode == 0
    (raw / "donghu-2017.txt").unlink()
    (raw / "again-donghu.txt").write_bytes(
        (DATA / "qingsong-2019.txt").read_bytes())
    # nowatch: nothing but the start-up refresh can bring the change in
    with mounted(nianbaofs, raw, tmp_path / "mnt", db, "-o", "nowatch") as m:
        deadline = time.monotonic() + SWITCH
        while (m / DONGHU).exists():
            assert time.monotonic() < deadline, \
                "a report removed while unmounted is still served"
            time.sleep(0.1)
        assert not (m / DONGHU).exists()
