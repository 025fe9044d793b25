#!/bin/sh
# build.sh OUT: compiles capture.bpf.c into the eBPF object OUT.
#
# Used by build.rs (with BOB_BPF_REBUILD=1) and by check-object.sh. The
# object is reproducible for one clang version: the compile runs in this
# directory with relative paths, this directory and the temporary one that
# holds the decompressed vmlinux.h are mapped away, and DWARF is stripped (the BTF and
# BTF.ext sections that CO-RE needs stay). Needs clang, llvm-strip and xz.
set -eu
out=$(realpath -m "$1")
here=$(dirname "$0")
cd "$here"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
xz -dc vmlinux.h.xz > "$tmp/vmlinux.h"
# The source directory is mapped too: BTF line info names the source files,
# and the object must not depend on where the repository is checked out.
clang -target bpf -O2 -g -mcpu=v3 -D__TARGET_ARCH_x86 \
	-fdebug-prefix-map="$tmp"=. -fdebug-prefix-map="$(pwd)"=. -fdebug-compilation-dir=. \
	-I"$tmp" -I. \
	-Wall -Werror -Wno-unused-function \
	-c capture.bpf.c -o "$tmp/capture.bpf.o"
${LLVM_STRIP:-llvm-strip} -g "$tmp/capture.bpf.o"
mv "$tmp/capture.bpf.o" "$out"
