#!/bin/bash
# gpu-check.sh — on a machine with a GPU: runs the packed CUDA tests and the
# CPU-against-GPU benchmark from gpu-pack/ (made here by bench/gpu-pack.sh),
# with no GLib, json-glib, OpenBLAS or SLEEF installed and no network.
# Done in well under 8 minutes: each step has its own time limit.
#
#   bash bench/gpu-check.sh [PACK]        # PACK defaults to gpu-pack
#
# The log also goes to $OUT/gpu-check.log when $OUT is set (the device
# tool's folder that comes back). Exit status: the tests'.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
pack=${1:-$root/gpu-pack}
log=/dev/null
if [ -n "${OUT:-}" ] && [ -d "$OUT" ]; then
  log=$OUT/gpu-check.log
fi

main () {
  if [ ! -x "$pack/test-gpu" ] || [ ! -x "$pack/gpu-device-race" ]; then
    echo "gpu-check: no pack at $pack: run bench/gpu-pack.sh where nvcc is, then carry gpu-pack"
    return 2
  fi

  # cuBLAS is not in the pack (too large to carry): the machine's own CUDA 13
  # one, from the toolkit or from PyTorch's nvidia-cublas wheel. The binaries
  # open it with dlopen, which searches LD_LIBRARY_PATH: ldd does not list it
  local cublas_dir="" dir sp
  local candidates=(/usr/local/cuda/lib64 /usr/local/cuda-13*/lib64 /usr/local/cuda/targets/x86_64-linux/lib)
  for sp in $(python3 -c 'import site; print("\n".join(site.getsitepackages()))' 2>/dev/null); do
    candidates+=("$sp/nvidia/cu13/lib" "$sp/nvidia/cublas/lib")
  done
  for dir in "${candidates[@]}"; do
    if [ -e "$dir/libcublas.so.13" ] && [ -e "$dir/libcublasLt.so.13" ]; then
      cublas_dir=$dir
      break
    fi
  done
  if [ -z "$cublas_dir" ]; then
    cublas_dir=$(timeout 60 find / -xdev -name 'libcublas.so.13' -printf '%h\n' 2>/dev/null | head -n 1)
  fi
  if [ -z "$cublas_dir" ]; then
    echo "gpu-check: no libcublas.so.13 on this machine; the pack cannot run"
    return 2
  fi
  export LD_LIBRARY_PATH="$pack/lib:$cublas_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "== cuBLAS from $cublas_dir"

  echo "== GPU"
  timeout 30 nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || echo "(nvidia-smi unavailable)"

  echo "== libraries not found"
  ldd "$pack/test-gpu" "$pack/gpu-device-race" | grep "not found" || echo "(none)"

  echo "== test-gpu (parity with the CPU)"
  local status=0 tap
  tap=$(mktemp)
  timeout 180 "$pack/test-gpu" --tap | tee "$tap"
  status=${PIPESTATUS[0]}
  if [ "$status" -eq 124 ]; then
    echo "gpu-check: test-gpu ran past 180 s"
  fi
  # a cuBLAS that dlopen cannot use makes the GPU unavailable, and the GPU
  # tests would only skip: that is a failure here
  if [ "$status" -eq 0 ] && grep -q "cuBLAS (.*) could not be loaded" "$tap"; then
    echo "gpu-check: test-gpu skipped the GPU tests because cuBLAS could not be loaded from $cublas_dir"
    status=1
  fi
  rm -f "$tap"

  echo "== gpu-device-race (time per epoch, CPU against GPU)"
  timeout 240 "$pack/gpu-device-race" --seconds 1 || echo "gpu-check: the benchmark stopped with status $?"

  echo "== test-gpu status: $status"
  return "$status"
}

main 2>&1 | tee "$log"
exit "${PIPESTATUS[0]}"
