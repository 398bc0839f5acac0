#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# gpu-check.sh — on a machine with a GPU: runs the packed CUDA tests, the
# CPU-against-GPU benchmarks (gpu-device-race and the device race of
# nnblocks-cli) and trains bench/workloads/wide.nnb on the CPU and on the
# GPU, from gpu-pack/ (made here by bench/gpu-pack.sh), with no GLib,
# json-glib, OpenBLAS or SLEEF installed and no network.
# Done within 8 minutes on an H200: the steps share a budget of 450 s and
# each gets at most what is left of it.
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
budget=${GPU_CHECK_BUDGET:-450}

# seconds a step may take: its own limit, or what is left of the budget
limit () {
  local left=$((budget - SECONDS))
  if [ "$left" -lt "$1" ]; then
    echo $((left > 5 ? left : 5))
  else
    echo "$1"
  fi
}

# wall seconds of one training run of wide.nnb; prints the CLI's last line
train_wide () {
  local device=$1 start end
  start=$EPOCHREALTIME
  timeout "$(limit 60)" "$pack/nnblocks-cli" train "$root/bench/workloads/wide.nnb" --epochs 20 --log-every 0 \
    --device "$device" --threads "$(nproc)" | tail -n 1
  local status=${PIPESTATUS[0]}
  end=$EPOCHREALTIME
  echo "   $device: 20 epochs in $(awk "BEGIN { printf \"%.2f\", $end - $start }") s, start-up included (status $status)"
}

main () {
  local exe
  for exe in test-gpu test-gpu-formulas test-backend-ops gpu-device-race nnblocks-cli; do
    if [ ! -x "$pack/$exe" ]; then
      echo "gpu-check: no $exe in $pack: run bench/gpu-pack.sh where nvcc is, then carry gpu-pack"
      return 2
    fi
  done

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
  echo "== devices"
  "$pack/nnblocks-cli" devices

  echo "== libraries not found"
  ldd "$pack"/test-gpu "$pack"/test-gpu-formulas "$pack"/test-backend-ops "$pack"/gpu-device-race "$pack"/nnblocks-cli \
    | grep "not found" || echo "(none)"

  local status=0 tap
  echo "== test-gpu-formulas (the kernels' formulas on the host)"
  timeout "$(limit 30)" "$pack/test-gpu-formulas" --tap || status=1

  echo "== test-backend-ops (every op of the CUDA table against the CPU's)"
  timeout "$(limit 30)" "$pack/test-backend-ops" --tap || status=1

  echo "== test-gpu (parity with the CPU)"
  tap=$(mktemp)
  timeout "$(limit 150)" "$pack/test-gpu" --tap | tee "$tap"
  local test_status=${PIPESTATUS[0]}
  if [ "$test_status" -eq 124 ]; then
    echo "gpu-check: test-gpu ran out of time"
  fi
  [ "$test_status" -eq 0 ] || status=$test_status
  # a cuBLAS that dlopen cannot use makes the GPU unavailable, and the GPU
  # tests would only skip: that is a failure here
  if [ "$test_status" -eq 0 ] && grep -q "cuBLAS (.*) could not be loaded" "$tap"; then
    echo "gpu-check: test-gpu skipped the GPU tests because cuBLAS could not be loaded from $cublas_dir"
    status=1
  fi
  rm -f "$tap"

  echo "== device race (nnblocks-cli race: 1→W→W→1 Tanh, 1024 points, every thread)"
  NNB_CLI="$pack/nnblocks-cli" timeout "$(limit 120)" bash "$root/bench/device-race" --threads "$(nproc)" \
    || echo "gpu-check: the device race stopped with status $?"

  echo "== gpu-device-race (ReLU, 8192 points, time per epoch, CPU against GPU)"
  timeout "$(limit 120)" "$pack/gpu-device-race" --seconds 0.5 || echo "gpu-check: the benchmark stopped with status $?"

  echo "== wide.nnb (1-512-512-512-1 ReLU, 8192 points): 20 epochs on each device"
  train_wide cpu
  train_wide cuda

  echo "== gpu-check: $SECONDS s; test status: $status"
  return "$status"
}

main 2>&1 | tee "$log"
exit "${PIPESTATUS[0]}"
