#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# scripts/fuzz.sh [SECONDS] [TARGET…] — builds the libFuzzer targets in
# tests/fuzz (clang, with AddressSanitizer and UndefinedBehaviorSanitizer) and
# runs each for SECONDS (default 30), one after another, on its seed corpus
# tests/fuzz/corpus-TARGET. TARGETs: project, safetensors, csv, lesson, python (default:
# all).
#
# The engine is built by meson in ./build-fuzz (or $NNB_FUZZ_BUILD) with
# -fsanitize=fuzzer-no-link (so libFuzzer sees its coverage); each target is
# one .c file linked against that build's static libraries. New interesting inputs go to
# tests/fuzz/corpus-work/TARGET (ignored by git); a crashing input is left in
# tests/fuzz/crash-TARGET-* and the script exits non-zero. To keep a finding,
# copy it into tests/fuzz/regressions/TARGET/: tests/test-fuzz-regressions.c
# replays every file there.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
if (($# > 0)); then
  shift
fi
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(project safetensors csv lesson python)
fi

# everything it builds with, on a machine that has nothing yet (quick when
# all is there)
scripts/setup.sh --sanitizers --packages-only

build=${NNB_FUZZ_BUILD:-build-fuzz}
export CC=clang
if [[ ! -f $build/build.ninja ]]; then
  echo "==> Configuring the fuzzing build in $build"
  meson setup "$build" -Dbuildtype=debugoptimized -Db_sanitize=address,undefined -Db_lundef=false \
    -Dc_args="-fsanitize=fuzzer-no-link -fno-sanitize-recover=all" -Dcuda=disabled -Dui=false -Dtests=false >/dev/null
fi
echo "==> Building the engine for fuzzing"
# every static library of src/core (the engine and its per-instruction-set
# kernels), whatever src/core/meson.build names them
read -r -a core_libs <<<"$(ninja -C "$build" -t targets all | sed -n 's|^\(src/core/lib[A-Za-z0-9_]*\.a\):.*|\1|p' | sort -u | tr '\n' ' ')"
ninja -C "$build" "${core_libs[@]}" >/dev/null

# OpenBLAS is not linked: the engine loads it itself (src/core/tensor/nnb-blas.c)
read -r -a deps <<<"$(pkg-config --cflags --libs glib-2.0 gio-2.0 json-glib-1.0 sleef)"

# the engine's headers: src/core and its layer folders (tensor, model, …)
core_includes=(-Isrc/core)
for dir in src/core/*/; do
  core_includes+=(-I"${dir%/}")
done

for target in "${targets[@]}"; do
  echo "==> Building fuzz-$target"
  clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Wall -Wextra -Werror -Wno-unused-parameter \
    -D_GNU_SOURCE "${core_includes[@]}" -I"$build" tests/fuzz/fuzz-"$target".c \
    -Wl,--start-group "${core_libs[@]/#/$build/}" -Wl,--end-group "${deps[@]}" -lm -lpthread \
    -o "$build"/fuzz-"$target"
done

# Big allocations come back as NULL (the engine then says "not enough
# memory") instead of stopping the run: a size the file asks for is not a
# bug as long as the engine refuses it cleanly.
export ASAN_OPTIONS=allocator_may_return_null=1:max_allocation_size_mb=512:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export OPENBLAS_NUM_THREADS=1

status=0
for target in "${targets[@]}"; do
  work=tests/fuzz/corpus-work/$target
  mkdir -p "$work"
  echo "==> Fuzzing $target for ${seconds}s"
  log=$build/fuzz-$target.log
  # NNB_FUZZ_SEED fixes libFuzzer's seed (CI: the same smoke run every
  # time); unset, each run explores afresh.
  # -max_len: inputs up to 256 KB, so that deep nesting (the 160 KB file
  # that crashed json-glib), long names and big headers are reachable;
  # libFuzzer would otherwise stay near its seeds' size (about 4 KB)
  if ! "$build"/fuzz-"$target" -seed="${NNB_FUZZ_SEED:-0}" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 \
         -max_len=262144 \
         -dict=tests/fuzz/"$target".dict -artifact_prefix=tests/fuzz/crash-"$target"- \
         -print_final_stats=1 "$work" tests/fuzz/corpus-"$target" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz-$target: FOUND A PROBLEM (input in tests/fuzz/crash-$target-*)"
    status=1
  else
    grep -E "^stat::(number_of_executed_units|new_units_added)|^Done" "$log" || true
    echo "fuzz-$target: no findings"
  fi
done
exit $status
