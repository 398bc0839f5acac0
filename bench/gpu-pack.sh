#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# gpu-pack.sh — builds the CUDA backend's test and benchmark here (where
# nvcc lives) and packs them, with the shared libraries they need, into
# gpu-pack/ for a machine that has a GPU but none of GLib, json-glib,
# OpenBLAS or SLEEF. bench/gpu-check.sh runs the pack there.
#
#   bench/gpu-pack.sh              # build-gpu/ → gpu-pack/
#   NNB_GPU_BUILD=/tmp/b bench/gpu-pack.sh   # another build folder
#
# Then, with the device tool: run (command: "bash bench/gpu-check.sh",
# carry: ["gpu-pack"], timeout_s: 540).
#
# Left out of the pack:
#  - the C library's own pieces (libc, libm, libpthread, libdl, librt,
#    ld-linux): the binary must use the target's, which are newer here-built
#    code runs on;
#  - libcuda: the driver's library, which must match the target's kernel module;
#  - cuBLAS (libcublas, libcublasLt): 600 MB, ten times what a carry may
#    hold; gpu-check.sh uses the target's own CUDA 13 cuBLAS (the toolkit's
#    or PyTorch's pip wheel), which cuBLAS's stable ABI allows. The binaries
#    do not link it: the backend opens it with dlopen (src/gpu/nnb-gpu-blas.c),
#    so ldd does not list it and LD_LIBRARY_PATH is how it is found there.
# The CUDA runtime is linked statically (cudart_static), so there is no
# libcudart to pack either.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${NNB_GPU_BUILD:-$root/build-gpu}
pack=$root/gpu-pack
export PATH=$PATH:/usr/local/cuda/bin

cd "$root"
if [ -f "$build/build.ninja" ]; then
  meson configure "$build" -Dcuda=enabled -Dui=false
else
  meson setup "$build" -Dcuda=enabled -Dui=false
fi
# the GPU's tests (test-backend-ops: every op of the CUDA table against the
# CPU, softmax's included), its benchmark, and the CLI for the device race
# and for training bench/workloads/wide.nnb on both devices
binaries="tests/gpu/test-gpu tests/gpu/test-gpu-formulas tests/test-backend-ops bench/gpu-device-race src/cli/nnblocks-cli"
# shellcheck disable=SC2086
ninja -C "$build" $binaries

rm -rf "$pack"
mkdir -p "$pack/lib"
for exe in $binaries; do
  # debug info is most of a binary's size; symbols stay for backtraces
  strip --strip-debug -o "$pack/$(basename "$exe")" "$build/$exe"
done

# every library ldd resolves, under the name the binary asks for (the
# soname), as a real file: the carry does not follow symbolic links
for exe in $binaries; do
  exe=$pack/$(basename "$exe")
  ldd "$exe" | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }'
done | sort -u | while read -r soname path; do
  case "$soname" in
    libc.so.*|libm.so.*|libpthread.so.*|libdl.so.*|librt.so.*|ld-linux*|linux-vdso*) continue ;;
    # libcublas is not linked any more; kept here should an older build be packed
    libcuda.so.*|libcublas.so.*|libcublasLt.so.*) continue ;;
  esac
  cp -L "$path" "$pack/lib/$soname"
  echo "packed $soname ($path)"
done

# the pack is a build output: keep it out of git without touching .gitignore
exclude=$root/.git/info/exclude
if [ -d "$root/.git/info" ] && ! grep -qx '/gpu-pack/' "$exclude" 2>/dev/null; then
  echo '/gpu-pack/' >> "$exclude"
fi

size_kib=$(du -sk "$pack" | cut -f1)
echo "gpu-pack/: $((size_kib / 1024)) MiB"
if [ "$size_kib" -gt $((60 * 1024)) ]; then
  echo "warning: gpu-pack/ is over 60 MiB; with the working tree it may not fit the device tool's 64 MiB" >&2
fi
