#!/usr/bin/env python3
"""make bench: indexing and serving N generated reports, each figure beside
a baseline measured in the same run, printed as a table and saved.

usage: bench/run.py [-n N] [--runs R] [--passes P,...] [--work DIR]
                    [--out FILE] BINARY

  index from scratch (R builds), refresh (nothing changed; one file
  changed, added, removed), with the indexer's peak RSS (/usr/bin/time -v);
  mount until the first `ls` answers;
  find, ls -lR, grep -r, cat of every file, cat of _all/申请情况.csv on the
  mount, cold and warm, each as a ratio to the same command on a local copy
  of the tree;
  the daemon's peak RSS; index size against raw size.

Medians of R runs (hyperfine).  Cold runs drop the page cache before each
run (as root: echo 3 > /proc/sys/vm/drop_caches); without root they are
left out.  Figures only: nothing here fails on a slow result.
"""
import argparse
import json
import os
import pathlib
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
TOOLS = ("find {d} >/dev/null",
         "ls -lR {d} >/dev/null",
         "grep -r 公开 {d} >/dev/null",
         "find {d} -type f -exec cat {{}} + >/dev/null",
         "cat {d}/_all/申请情况.csv >/dev/null")
NAMES = ("find", "ls -lR", "grep -r 公开", "cat every file",
         "cat _all/申请情况.csv")
# --passes names them by these keys: at 100,000 reports `cat` of every
# file alone takes the better part of an hour each way (cold and warm, the
# mount and the local copy), so a run there may leave it out
KEYS = ("find", "ls", "grep", "cat", "all")


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, check=True, text=True,
                          capture_output=True, **kw)


def timed(argv):
    """(seconds, peak RSS in MB) of one run, via /usr/bin/time -v."""
    with tempfile.NamedTemporaryFile("r") as out:
        t0 = time.monotonic()
        r = subprocess.run(["/usr/bin/time", "-v", "-o", out.name, *argv],
                           capture_output=True, text=True)
        dt = time.monotonic() - t0
        if r.returncode != 0:
            sys.exit(f"{argv}: failed ({r.returncode}): {r.stderr[-2000:]}")
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)",
                      out.read())
    return dt, int(m.group(1)) / 1024 if m else float("nan")


def hyperfine(cmd, runs, prepare=None, warmup=1):
    """Median seconds of cmd over runs."""
    with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
        argv = ["hyperfine", "--shell=bash", "--runs",
                str(runs), "--warmup", str(warmup), "--export-json", out.name,
                "--style", "none"]
        if prepare:
            argv += ["--prepare", prepare]
        subprocess.run(argv + [cmd], check=True, capture_output=True)
        return json.load(open(out.name))["results"][0]["median"]


# The daemon's CPU in a run below which the run was answered by the kernel
# alone: an idle daemon uses none.
IDLE_CPU = 0.05
# Runs that warm a pass up, at most.  This machine pages out page cache
# left idle for about a minute (DAMON, README "Measured"): at 100,000
# reports a grep -r that starts from disk outlasts that, and the third run
# back to back was the first the daemon did not answer.
WARM_TRIES = 4


def warm_up(cmd, served):
    """Runs cmd until a run leaves the daemon idle, WARM_TRIES times at
    most; how many runs it took."""
    for n in range(1, WARM_TRIES + 1):
        before = served()
        subprocess.run(cmd, shell=True)
        if served() - before < IDLE_CPU:
            return n
    return WARM_TRIES


def daemon_cpu(pid):
    """A function giving the CPU seconds the daemon has used so far; 0
    when it cannot be read."""
    tick = os.sysconf("SC_CLK_TCK")

    def cpu():
        try:
            st = open(f"/proc/{pid}/stat").read()
            f = st[st.rindex(")") + 2:].split()
            return (int(f[11]) + int(f[12])) / tick
        except (OSError, IndexError, ValueError):
            return 0.0
    return cpu


def daemon_hwm(pid):
    """The daemon's own peak RSS in MB (VmHWM), read while it runs.
    /usr/bin/time -v would report the largest of it and the children it
    waited for, and every refresh runs in a child (nianbaofs-index)."""
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return None


def is_root():
    return os.geteuid() == 0


def drop_caches():
    return "sync; echo 3 > /proc/sys/vm/drop_caches"


def unmount(m):
    subprocess.run(["fusermount3", "-u", "-z", str(m)], capture_output=True)


def mounted(m):
    with open("/proc/self/mountinfo") as f:
        return any(line.split()[4] == str(m) for line in f)


class Table:
    def __init__(self):
        self.rows = []

    def add(self, what, value, base="", ratio=""):
        self.rows.append((what, value, base, ratio))
        print(f"  {what}: {value} {base} {ratio}", file=sys.stderr)

    def text(self):
        out = ["| what | nianbaofs | baseline | ratio |", "|---|---|---|---|"]
        out += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in self.rows]
        return "\n".join(out)


def machine():
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(open("/proc/meminfo").readline().split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{cpu}, {os.cpu_count()} cores, {mem}, Linux "
            f"{platform.release()}, load {os.getloadavg()[0]:.2f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cold-runs", type=int, default=1,
                    help="runs of each cold command (each reads everything "
                    "from disk: slow; 0 leaves the cold passes out)")
    ap.add_argument("--work", type=pathlib.Path,
                    help="working directory (default: a temporary one)")
    ap.add_argument("--out", type=pathlib.Path,
                    help="where the table is saved (bench/results-N.md)")
    ap.add_argument("--passes", default=",".join(KEYS),
                    help="serving passes to time, comma-separated among "
                    f"{','.join(KEYS)} (default: all)")
    ap.add_argument("binary", type=pathlib.Path)
    a = ap.parse_args()
    # hyperfine takes --runs 0 as no limit: a cold pass would never end
    if a.runs < 1 or a.cold_runs < 0:
        ap.error("--runs must be at least 1 and --cold-runs at least 0")
    passes = a.passes.split(",")
    unknown = [p for p in passes if p not in KEYS]
    if unknown:
        ap.error(f"--passes: unknown {', '.join(unknown)}; "
                 f"choose among {', '.join(KEYS)}")
    nb = str(a.binary.resolve())
    out = a.out or HERE / f"results-{a.n}.md"
    work = a.work or pathlib.Path(tempfile.mkdtemp(prefix="nb-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    raw, db, m, local = (work / "raw", work / "ix.sqlite", work / "m",
                         work / "local")
    t = Table()
    try:
        # the generated tree is kept in --work and made again only when
        # another N was asked for (or a run changed it)
        marker = work / f"raw-{a.n}.done"
        if not marker.exists():
            if raw.exists():
                shutil.rmtree(raw)
            for old in work.glob("raw-*.done"):
                old.unlink()
            print(f"generating {a.n} reports in {raw}", file=sys.stderr)
            sh(f"{sys.executable} {HERE / 'gen.py'} -n {a.n} {raw}")
            marker.touch()
        raw_bytes = sum(p.stat().st_size for p in raw.rglob("*") if p.is_file())
        for p in (db, local):
            if p.is_dir():
                shutil.rmtree(p)
            elif p.exists():
                p.unlink()

        idx = [nb, "index", "-q", "--db", str(db), str(raw)]
        # --runs builds, each from scratch: one build of 10,000 reports
        # took 2.08 s, then 2.48 s, in two runs of the same binary 13
        # minutes apart
        builds = []
        for _ in range(a.runs):
            for p in db.parent.glob(db.name + "*"):
                p.unlink()
            builds.append(timed(idx))
        dts = sorted(b[0] for b in builds)
        dt, rss = statistics.median(dts), max(b[1] for b in builds)
        t.add("index from scratch",
              f"{dt:.2f} s (median of {len(dts)}: {dts[0]:.2f}–{dts[-1]:.2f} s)",
              f"{a.n / dt:.0f} reports/s", f"{raw_bytes / dt / 1e6:.1f} MB/s")
        t.add("indexer peak RSS", f"{rss:.0f} MB")
        t.add("refresh, nothing changed",
              f"{hyperfine(' '.join(idx), a.runs):.3f} s")
        victim = sorted(raw.rglob("*.txt"))[a.n // 2]
        data = victim.read_bytes()
        victim.write_bytes(data.replace("公开".encode(), "公布".encode(), 1)
                           if b"\xe5\x85\xac\xe5\xbc\x80" in data
                           else data + b"\n")
        t.add("refresh, one file changed", f"{timed(idx)[0]:.3f} s")
        added = victim.with_name("added-" + victim.name)
        added.write_bytes(data)
        t.add("refresh, one file added", f"{timed(idx)[0]:.3f} s")
        added.unlink()
        t.add("refresh, one file removed", f"{timed(idx)[0]:.3f} s")
        victim.write_bytes(data)  # the tree as generated, for the next run
        # and the index brought up to date with it: otherwise each mount
        # below starts a rebuild in the background (cancelled by its
        # unmount), and the daemon timed for its RSS does that rebuild
        # during the warm passes, which then show it as "daemon busy" and
        # its peak RSS as the daemon's
        timed(idx)
        size = db.stat().st_size
        t.add("index size", f"{size / 1e6:.1f} MB",
              f"raw {raw_bytes / 1e6:.1f} MB", f"{size / raw_bytes:.2f}×")

        m.mkdir(exist_ok=True)
        mount = f"{nb} --db {db} {raw} {m}"
        # an unmounted daemon lives on until its startup refresh ends:
        # each run waits for the one before to be gone, or they pile up
        # (-xf: the daemon's whole command line, not a line holding it)
        gone = (f"fusermount3 -u {m} 2>/dev/null; while pgrep -xf -- "
                f"'{mount}' >/dev/null; do sleep 0.1; done")
        first_ls = hyperfine(f"{mount} && ls {m} >/dev/null", a.runs,
                             prepare=gone)
        subprocess.run(gone, shell=True)
        t.add("mount until the first ls answers", f"{first_ls:.3f} s")

        # the daemon in the foreground, for its CPU time and peak RSS
        daemon = subprocess.Popen([nb, "-f", "--db", str(db), str(raw),
                                   str(m)], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        for _ in range(600):
            if mounted(m):
                break
            time.sleep(0.05)
        sh(f"cp -r {m} {local}")
        # the peak after each step, so that the step which set it is known
        steps = [("cp -r", daemon_hwm(daemon.pid))]
        cold = is_root() and a.cold_runs > 0
        served = daemon_cpu(daemon.pid)
        for key, name, tool in zip(KEYS, NAMES, TOOLS):
            if key not in passes:
                continue
            for label, prep, runs in (("warm", None, a.runs),
                                      ("cold", drop_caches(), a.cold_runs)):
                if label == "cold" and not cold:
                    continue
                # a warm pass warmed here, so that what the daemon does
                # below is done during the timed runs only; the local copy
                # is given as many runs
                warmups = (warm_up(tool.format(d=m), served)
                           if label == "warm" else 0)
                before = served()
                on_m = hyperfine(tool.format(d=m), runs, prep, 0)
                busy = served() - before
                on_l = hyperfine(tool.format(d=local), runs, prep, warmups)
                # a warm run answered by the daemon was not warm: the page
                # cache was dropped under it (another cold benchmark on
                # the machine, or its reclaim); say so beside the figure
                note = (f", daemon busy {busy:.2f} s"
                        if label == "warm" and busy >= IDLE_CPU else "")
                # one run after the pass before was cold, a second to
                # find the pages kept: more says the machine took them back
                if warmups > 2:
                    note += f", {warmups} warm-up runs"
                t.add(f"{name}, {label}", f"{on_m:.3f} s",
                      f"local {on_l:.3f} s{note}", f"{on_m / on_l:.2f}×")
                steps.append((f"{key} {label}", daemon_hwm(daemon.pid)))
        if not a.cold_runs:
            t.add("cold runs", "left out: --cold-runs 0")
        elif not cold:
            t.add("cold runs", "left out: dropping the page cache needs root")
        hwm = daemon_hwm(daemon.pid)
        unmount(m)
        daemon.wait(timeout=60)
        t.add("daemon peak RSS", f"{hwm:.0f} MB (VmHWM)" if hwm else "?",
              "after " + ", ".join(f"{w} {h:.0f}" for w, h in steps if h))
    finally:
        if mounted(m):
            unmount(m)
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)
    head = (f"## {a.n} reports, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n\n"
            f"Machine: {machine()}.  Medians of {a.runs} runs "
            f"({a.cold_runs} cold).  Passes: {a.passes}.\n\n")
    out.write_text(head + t.text() + "\n", encoding="utf-8")
    print(head + t.text())
    print(f"\nsaved in {out}")


if __name__ == "__main__":
    main()
