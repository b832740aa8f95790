#!/usr/bin/env python3
"""Time `cargo check` and `cargo build` of the generated sqlwright and Diesel crates, side
by side in one run on the same machine.

Dependencies are built first, untimed. Then, --reps times, for every variant x mode x
crate in turn (interleaved, so a noisy machine slows all alike): touch the crate's sources
and time one cargo invocation with CARGO_INCREMENTAL=0, which recompiles only that crate.
Prints the median, min and max of each, and the sqlwright/Diesel ratio of the medians.

Crates: sqlwright_gen (PostgreSQL), diesel_gen, and sqlwright_sqlite_gen (the same sqlwright
queries on a SqliteConnection, sqlwright built with its `sqlite` feature).

Variants: full (tables, row structs and the 72 query functions), schema (tables and row
structs only: --no-default-features).

Usage: python3 benches/compile/gen.py && python3 benches/compile/measure.py [--reps 5]
User scale and the edit loop (see BENCHMARKS.md):
       python3 benches/compile/gen.py --copies 8 --queries 400 --out benches/compile/work-scale
       python3 benches/compile/measure.py --work benches/compile/work-scale --modes check
       python3 benches/compile/measure.py --work benches/compile/work-scale --edit
"""
import argparse
import os
import statistics
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "work")
EDIT_MARK = ".limit("
CRATES = ["sqlwright_gen", "diesel_gen", "sqlwright_sqlite_gen"]
VARIANTS = {"full": [], "schema": ["--no-default-features"]}
MODES = ["check", "build"]


def cargo(mode, crate, variant, timed=True, incremental=False):
    env = dict(os.environ, CARGO_TERM_COLOR="never", CARGO_INCREMENTAL="1" if incremental else "0")
    cmd = ["cargo", mode, "-q", "-p", crate] + VARIANTS[variant]
    if timed and not incremental:
        for f in os.listdir(os.path.join(WORK, crate, "src")):
            os.utime(os.path.join(WORK, crate, "src", f))
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=WORK, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit("%s failed:\n%s" % (" ".join(cmd), p.stderr[-4000:]))
    return wall


def edit(crate, n):
    """Changes one literal in the crate's queries: the first `.limit(k)` becomes `.limit(n)`."""
    path = os.path.join(WORK, crate, "src", "queries.rs")
    text = open(path).read()
    at = text.index(EDIT_MARK) + len(EDIT_MARK)
    end = text.index(")", at)
    with open(path, "w") as f:
        f.write(text[:at] + str(n) + text[end:])


def edit_loop(crates, reps):
    """The edit loop: incremental `cargo check` after one literal changed in queries.rs."""
    times = {}
    for crate in crates:
        cargo("check", crate, "full", timed=False, incremental=True)  # incremental state
    for r in range(reps):
        for crate in crates:
            edit(crate, 1000 + r)
            times.setdefault(crate, []).append(cargo("check", crate, "full", incremental=True))
    for crate in crates:
        edit(crate, 10)
    print("| edit, incremental check | median (min-max) |")
    print("|---|---:|")
    for crate in crates:
        t = times[crate]
        print("| %s | %.2f s (%.2f-%.2f) |" % (crate, statistics.median(t), min(t), max(t)))


def main():
    global WORK, CRATES
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--variants", default="full,schema")
    ap.add_argument("--modes", default="check,build")
    ap.add_argument("--work", default=WORK, help="the generated workspace (gen.py --out)")
    ap.add_argument("--crates", default=",".join(CRATES))
    ap.add_argument("--edit", action="store_true",
                    help="time the edit loop instead: one literal changed, incremental check")
    a = ap.parse_args()
    WORK = os.path.abspath(a.work)
    CRATES = a.crates.split(",")
    if a.edit:
        edit_loop(CRATES, a.reps)
        return
    variants = a.variants.split(",")
    modes = a.modes.split(",")
    for mode in modes:
        for crate in CRATES:
            for v in variants:
                cargo(mode, crate, v, timed=False)  # dependencies, untimed
    times = {}
    for _ in range(a.reps):
        for v in variants:
            for mode in modes:
                for crate in CRATES:
                    times.setdefault((v, mode, crate), []).append(cargo(mode, crate, v))
    print("| variant | mode | sqlwright median (min-max) | Diesel median (min-max) | ratio "
          "| sqlwright on SQLite (min-max) | ratio to Diesel |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for v in variants:
        for mode in modes:
            s = times[(v, mode, "sqlwright_gen")]
            d = times[(v, mode, "diesel_gen")]
            q = times.get((v, mode, "sqlwright_sqlite_gen"), [float("nan")])
            ms, md, mq = statistics.median(s), statistics.median(d), statistics.median(q)
            print("| %s | %s | %.2f s (%.2f-%.2f) | %.2f s (%.2f-%.2f) | %.2f | %.2f s (%.2f-%.2f) | %.2f |" % (
                v, mode, ms, min(s), max(s), md, min(d), max(d), ms / md, mq, min(q), max(q), mq / md))
    print("\n%d repetitions each, CARGO_INCREMENTAL=0, dependencies prebuilt." % a.reps)


if __name__ == "__main__":
    main()
