#!/bin/sh
# build.sh OUT: compiles capture.bpf.c into the eBPF object OUT.
#
# Used by build.rs (with BOB_BPF_REBUILD=1) and by check-object.sh. The
# object is reproducible for one clang version: the compile runs in this
# directory with relative paths, the temporary directory that holds the
# decompressed vmlinux.h is mapped away, and DWARF is stripped (the BTF and
# BTF.ext sections that CO-RE needs stay). Needs clang, llvm-strip and xz.
set -eu
out=$(realpath -m "$1")
here=$(dirname "$0")
cd "$here"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
xz -dc vmlinux.h.xz > "$tmp/vmlinux.h"
clang -target bpf -O2 -g -mcpu=v3 -D__TARGET_ARCH_x86 \
	-fdebug-prefix-map="$tmp"=. -I"$tmp" -I. \
	-Wall -Werror -Wno-unused-function \
	-c capture.bpf.c -o "$tmp/capture.bpf.o"
${LLVM_STRIP:-llvm-strip} -g "$tmp/capture.bpf.o"
mv "$tmp/capture.bpf.o" "$out"
