#!/usr/bin/env python3
"""Times bob's superset and deviation queries against DuckDB.

Both engines run the same SQL files of queries/ over the same Parquet
files of a synthetic dataset (made with `bob synth` if missing), in one
run, and the script prints their times side by side with the ratio. Each
query runs in a fresh process (bob through its CLI, DuckDB through its
Python module), best of --repeat, and is timed two ways:

- end to end: the wall time of the process, as a user meets it. DuckDB's
  includes starting Python and importing the module (about 0.1 s), bob's
  includes opening the dataset and writing the CSV result.
- engine: what the query itself takes. For DuckDB, a timer inside the
  process around creating the view, running the query and fetching every
  row; for bob, the process time less that of `SELECT 1` over the same
  dataset (start-up, dataset checks, registering the table).

The target is judged on the engine figures, which leave DuckDB's Python
start-up out of its time.

Usage: analyze/bench/bench.py [--rows 10000000] [--envs 16] [--repeat 3]
(BOB=path/to/bob uses that binary instead of building the release one.)
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QUERIES = ["superset_syscalls", "superset_capabilities", "superset_execs",
           "superset_opens", "superset_images", "deviations"]
ENV = "concat_ws(' ', os, k8s_distribution, k8s_version, kernel, arch, runtime)"


def timed(cmd, keep):
    """Runs cmd under GNU time; returns (seconds, peak RSS in MiB, stdout
    if `keep`, else discarded)."""
    with tempfile.NamedTemporaryFile("r") as t:
        out = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", t.name] + cmd, check=True,
                             stdout=subprocess.PIPE if keep else subprocess.DEVNULL,
                             text=True).stdout or ""
        secs, kib = t.read().split()[-2:]
    return float(secs), int(kib) / 1024, out


def best(cmd, repeat, inner=False):
    """Best wall time, peak memory and, with `inner`, best in-process time
    (the number the command prints) of `repeat` runs."""
    runs = [timed(cmd, inner) for _ in range(repeat)]
    inner = [float(r[2].split()[-1]) for r in runs if inner]
    return min(r[0] for r in runs), max(r[1] for r in runs), min(inner, default=None)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--envs", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dataset", default=None, help="dataset dir (default: target/bench/synth-ROWS-ENVS)")
    args = ap.parse_args()

    bob = os.environ.get("BOB")
    if not bob:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "bob"], cwd=ROOT, check=True)
        bob = os.path.join(ROOT, "target/release/bob")
    ds = args.dataset or os.path.join(ROOT, f"target/bench/synth-{args.rows}-{args.envs}")
    if not os.path.isdir(ds):
        print(f"generating {args.rows} rows in {args.envs} environments: {ds}", file=sys.stderr)
        subprocess.run([bob, "synth", "-o", ds, "--rows", str(args.rows), "--envs", str(args.envs),
                        "--seed", "1"], check=True)

    duck = ("import time\nt0 = time.perf_counter()\n"
            "import duckdb,sys\n"
            "c=duckdb.connect(); c.execute(\"SET threads=2\")\n"
            "t1 = time.perf_counter()\n"
            f"c.execute(\"CREATE VIEW events AS SELECT *, {ENV} AS env FROM "
            "read_parquet('\" + sys.argv[1] + \"/**/*.parquet', hive_partitioning=true)\")\n"
            "c.execute(open(sys.argv[2]).read()).fetchall()\n"
            "print(time.perf_counter() - t1)\n")
    with open(os.devnull, "w") as null:
        subprocess.run([bob, "-q", "sql", "SELECT 1", "--traces", ds], check=True, stdout=null)
    empty, _, _ = best([bob, "-q", "sql", "SELECT 1", "--traces", ds, "--format", "csv"],
                       args.repeat)
    print(f"dataset: {ds}")
    print(f"bob start-up (SELECT 1 over the dataset): {empty:.2f} s")
    print(f"{'':<24} {'end to end':^26} {'engine':^26} {'peak MiB':^17}")
    print(f"{'query':<24} {'bob s':>8} {'duckdb s':>9} {'ratio':>7} "
          f"{'bob s':>8} {'duckdb s':>9} {'ratio':>7} {'bob':>8} {'duckdb':>8}")
    tot = [0.0, 0.0, 0.0, 0.0]
    peak = 0.0
    for q in QUERIES:
        sql = os.path.join(ROOT, "queries", q + ".sql")
        tb, mb, _ = best([bob, "-q", "sql", "-f", sql, "--traces", ds, "--format", "csv"],
                         args.repeat)
        td, md, ed = best([sys.executable, "-c", duck, ds, sql], args.repeat, inner=True)
        eb = max(tb - empty, 0.01)
        for k, v in enumerate((tb, td, eb, ed)):
            tot[k] += v
        peak = max(peak, mb)
        print(f"{q:<24} {tb:>8.2f} {td:>9.2f} {tb / td:>7.2f} "
              f"{eb:>8.2f} {ed:>9.2f} {eb / ed:>7.2f} {mb:>8.0f} {md:>8.0f}")
    print(f"{'total':<24} {tot[0]:>8.2f} {tot[1]:>9.2f} {tot[0] / tot[1]:>7.2f} "
          f"{tot[2]:>8.2f} {tot[3]:>9.2f} {tot[2] / tot[3]:>7.2f}")
    print(f"ratio bob/duckdb, engine (lower is better, target <= 1.0): {tot[2] / tot[3]:.2f}")
    print(f"ratio bob/duckdb, end to end: {tot[0] / tot[1]:.2f}")
    print(f"bob peak memory: {peak:.0f} MiB (target <= 1024)")


if __name__ == "__main__":
    main()
