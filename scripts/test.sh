#!/usr/bin/env bash
# Runs every test of bob: sets up what is missing, checks that the committed
# eBPF object matches its C source, runs the Rust tests of every crate
# (unit and end-to-end; the capture tests load real eBPF programs and need
# root), and executes the notebooks headless.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

if [ -x capture/bpf/check-object.sh ]; then
  capture/bpf/check-object.sh
fi

cargo test --workspace --no-fail-fast

if [ -x scripts/run-notebooks.py ] && ls notebooks/*.ipynb >/dev/null 2>&1; then
  scripts/run-notebooks.py
fi
