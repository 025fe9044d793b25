#!/bin/sh
# overhead.sh: what `bob capture` costs a syscall-heavy workload.
#
# Not a timed test: a measurement to run by hand, as root, on an idle
# machine. In one run it measures
#   1. `dd if=/dev/zero of=/dev/null bs=1 count=500000` (a million syscalls)
#      alone, traced by bob, and untraced while bob traces another process;
#      prints the ratios and the nanoseconds added per syscall;
#   2. the sustained rate of open records (distinct paths, so nothing is
#      merged) and whether any were dropped;
#   3. the bytes on disk per row of that trace.
# dd's own timing ("copied, X s") is used, so loading the programs is not
# counted. Each figure is the best of $REPEAT runs (default 5).
#
# Usage: capture/bench/overhead.sh   (from the repository root; as root)
#        REPEAT=9 OPENS=500000 BOB_BIN=target/release/bob capture/bench/overhead.sh
set -eu
REPEAT=${REPEAT:-5}
COUNT=500000
SYSCALLS=$((COUNT * 2))	# one read and one write per block
OPENS=${OPENS:-200000}

# BOB_BIN=path uses a binary built before instead of building one.
if [ -n "${BOB_BIN:-}" ]; then
	BOB=$BOB_BIN
else
	cargo build --release -q -p bob
	BOB=$(pwd)/target/release/bob
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Seconds dd reports for copying; "$@" prefixes dd.
dd_secs() {
	"$@" dd if=/dev/zero of=/dev/null bs=1 count=$COUNT 2>&1 |
		sed -n 's/.*copied, \([0-9.e-]*\) s.*/\1/p' | tail -1
}

capture() {
	"$BOB" -q capture -o "$work/ds" --run "r$$-$(date +%s%N)" -- "$@"
}

# The three measurements are interleaved, so that a change in the load of
# the machine affects all three alike; the best of each is kept.
base="" traced="" untraced=""
i=0
while [ $i -lt "$REPEAT" ]; do
	base="$base $(dd_secs)"
	traced="$traced $(dd_secs capture)"
	# An untraced dd while bob traces a sleeping process.
	"$BOB" -q capture -o "$work/ds" --run idle$i -- sleep 600 2>/dev/null &
	bobpid=$!
	while [ ! -e "$work/ds/source=capture/.idle$i.parquet.tmp" ]; do sleep 0.05; done
	untraced="$untraced $(dd_secs)"
	kill -INT $bobpid
	wait $bobpid || true
	i=$((i + 1))
done
best() { python3 -c "import sys; print(min(float(x) for x in sys.argv[1:]))" "$@"; }
base=$(best $base)
traced=$(best $traced)
untraced=$(best $untraced)

# Distinct failing opens: one record each, nothing to merge.
cat > "$work/opens.py" <<PY
import os, time
t = time.perf_counter()
for i in range($OPENS):
    try:
        os.open("/nonexistent/bob-bench/%d" % i, os.O_RDONLY)
    except FileNotFoundError:
        pass
print(time.perf_counter() - t)
PY
open_secs=$("$BOB" capture -o "$work/opens" --run opens -- python3 "$work/opens.py" 2>"$work/opens.log")
summary=$(grep 'capture: wrote' "$work/opens.log")
rows=$(echo "$summary" | sed -n 's/.*wrote \([0-9]*\) rows.*/\1/p')
dropped=$(echo "$summary" | sed -n 's/.*dropped: \([0-9]*\) events.*/\1/p')
bytes=$(stat -c %s "$work/opens/source=capture/opens.parquet")

python3 - "$base" "$traced" "$untraced" "$open_secs" "$rows" "$dropped" "$bytes" <<PY
import sys
base, traced, untraced, open_secs = map(float, sys.argv[1:5])
rows, dropped, size = map(int, sys.argv[5:8])
n = $SYSCALLS
print(f"dd bs=1 count=$COUNT ({n} syscalls), best of $REPEAT:")
print(f"  alone        {base:.3f} s  ({base / n * 1e9:.0f} ns/syscall)")
print(f"  traced       {traced:.3f} s  ratio {traced / base:.2f}  +{(traced - base) / n * 1e9:.0f} ns/syscall")
print(f"  untraced     {untraced:.3f} s  ratio {untraced / base:.2f}  +{(untraced - base) / n * 1e9:.0f} ns/syscall (bob tracing another process)")
print(f"opens: $OPENS distinct paths in {open_secs:.3f} s traced = {$OPENS / open_secs:,.0f} open records/s, {dropped} dropped")
print(f"disk:  {size} bytes for {rows} rows = {size / rows:.1f} bytes/row")
PY
