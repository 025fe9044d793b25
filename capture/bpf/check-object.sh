#!/bin/sh
# check-object.sh: fails when the committed capture.bpf.o is not what
# capture.bpf.c compiles to.
#
# The comparison is byte for byte: build.sh makes the object reproducible
# for one clang (relative paths, the temporary directory mapped away,
# DWARF stripped). The committed object was built with Debian 12's clang 14
# (`apt-get install clang llvm libbpf-dev xz-utils`); another clang version
# emits other bytes, so run this with that one. To update the object after
# changing the C source: `capture/bpf/build.sh capture/bpf/capture.bpf.o`.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
for tool in clang ${LLVM_STRIP:-llvm-strip} xz; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "check-object.sh: $tool not found (apt-get install clang llvm libbpf-dev xz-utils)" >&2
		exit 2
	}
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$here/build.sh" "$tmp/capture.bpf.o"
if cmp -s "$tmp/capture.bpf.o" "$here/capture.bpf.o"; then
	echo "check-object.sh: capture/bpf/capture.bpf.o is current ($(clang --version | head -1))"
	exit 0
fi
echo "check-object.sh: capture/bpf/capture.bpf.o is stale: it differs from what" >&2
echo "capture.bpf.c compiles to with $(clang --version | head -1)." >&2
echo "Rebuild it with: capture/bpf/build.sh capture/bpf/capture.bpf.o" >&2
exit 1
