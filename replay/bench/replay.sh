#!/bin/sh
# Replay speed beside the scan limit, and peak memory, on synthetic traces.
#
# usage: replay/bench/replay.sh [ROWS] [DIR]
#   ROWS  events to generate (default 10000000)
#   DIR   where the dataset and profiles go (default /tmp/bob-replay-bench);
#         an existing DIR/dataset is reused.
#
# Builds the `bench` example of bob-replay in release mode (it needs only
# the replay and trace crates, not the bob binary), generates the data once,
# then runs the measurement under /usr/bin/time -v for the peak RSS.
set -eu
ROWS=${1:-10000000}
DIR=${2:-/tmp/bob-replay-bench}
cd "$(dirname "$0")/../.."
cargo build --release -p bob-replay --example bench
BENCH=target/release/examples/bench
if [ ! -d "$DIR/dataset" ]; then
    mkdir -p "$DIR"
    "$BENCH" gen "$DIR" "$ROWS"
fi
[ -x /usr/bin/time ] || { echo "install GNU time: apt-get install -y time" >&2; exit 2; }
/usr/bin/time -v "$BENCH" run "$DIR" 2> "$DIR/time.txt"
grep -E "Maximum resident|Elapsed" "$DIR/time.txt"
