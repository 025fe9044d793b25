#!/usr/bin/env bash
# bob's main job on the bundled datasets: builds bob (the first build takes
# a while, see README.md), then runs `bob pipeline` over datasets/webapp
# and datasets/redis into out/demo/ and prints the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "demo: building bob (cargo build -p bob)" >&2
cargo build -q -p bob
target/debug/bob pipeline -o out/demo "$@"
echo "demo: profiles, deviations, scoreboards and alerts are under out/demo/" >&2
