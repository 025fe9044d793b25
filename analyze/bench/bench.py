#!/usr/bin/env python3
"""Times bob's superset and deviation queries against DuckDB.

Both engines run the same SQL files of queries/ over the same Parquet
files of a synthetic dataset (made with `bob synth` if missing), in one
run, and the script prints wall time and peak memory side by side with
the ratio. Each query is run in a fresh process (bob through its CLI,
DuckDB through its Python module), best of --repeat, so both pay the same
start-up and file-footer reading.

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


def timed(cmd):
    """Runs cmd under GNU time; returns (seconds, peak RSS in MiB)."""
    with tempfile.NamedTemporaryFile("r") as t:
        subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", t.name] + cmd,
                       check=True, stdout=subprocess.DEVNULL)
        secs, kib = t.read().split()[-2:]
    return float(secs), int(kib) / 1024


def best(cmd, repeat):
    runs = [timed(cmd) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


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

    duck = ("import duckdb,sys\n"
            "c=duckdb.connect(); c.execute(\"SET threads=2\")\n"
            f"c.execute(\"CREATE VIEW events AS SELECT *, {ENV} AS env FROM "
            "read_parquet('\" + sys.argv[1] + \"/**/*.parquet', hive_partitioning=true)\")\n"
            "c.execute(open(sys.argv[2]).read()).fetchall()\n")
    print(f"dataset: {ds}")
    print(f"{'query':<24} {'bob s':>8} {'duckdb s':>9} {'ratio':>7} {'bob MiB':>8} {'duckdb MiB':>11}")
    total_b = total_d = 0.0
    peak = 0.0
    for q in QUERIES:
        sql = os.path.join(ROOT, "queries", q + ".sql")
        tb, mb = best([bob, "-q", "sql", "-f", sql, "--traces", ds, "--format", "csv"], args.repeat)
        td, md = best([sys.executable, "-c", duck, ds, sql], args.repeat)
        total_b += tb
        total_d += td
        peak = max(peak, mb)
        print(f"{q:<24} {tb:>8.2f} {td:>9.2f} {tb / td:>7.2f} {mb:>8.0f} {md:>11.0f}")
    print(f"{'total':<24} {total_b:>8.2f} {total_d:>9.2f} {total_b / total_d:>7.2f}")
    print(f"ratio bob/duckdb (lower is better, target <= 1.0): {total_b / total_d:.2f}")
    print(f"bob peak memory: {peak:.0f} MiB (target <= 1024)")


if __name__ == "__main__":
    main()
