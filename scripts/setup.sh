#!/usr/bin/env bash
# Installs what a fresh machine of this kind lacks, and nothing that is
# already there: clang, llvm, libbpf headers and xz (to rebuild and check
# the eBPF object; the committed one is Debian 12's clang 14's output),
# GNU time (peak memory in benchmarks), and the pinned Python packages of
# notebooks/requirements.txt (notebooks, the interop test, the DuckDB
# baseline). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v clang >/dev/null 2>&1 || need_apt+=(clang)
command -v llvm-strip >/dev/null 2>&1 || need_apt+=(llvm)
[ -e /usr/include/bpf/bpf_helpers.h ] || need_apt+=(libbpf-dev)
command -v xz >/dev/null 2>&1 || need_apt+=(xz-utils)
[ -x /usr/bin/time ] || need_apt+=(time)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! python3 - <<'PY' 2>/dev/null
import importlib.metadata as m, re, sys
for line in open("notebooks/requirements.txt"):
    line = line.split("#")[0].strip()
    if not line:
        continue
    name, version = re.split(r"==", line)
    if m.version(name) != version:
        sys.exit(1)
PY
then
  echo "setup: installing notebooks/requirements.txt" >&2
  python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore -r notebooks/requirements.txt
fi
