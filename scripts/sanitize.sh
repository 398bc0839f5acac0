#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# scripts/sanitize.sh [--thread] [MESON TEST ARGS…]
#
# Default: builds NN Blocks and every test with clang's AddressSanitizer
# (leaks included) and UndefinedBehaviorSanitizer in ./build-asan (or
# $NNB_ASAN_BUILD) — meson's -Db_sanitize=address,undefined with
# -fno-sanitize-recover=all, so undefined behaviour stops the program rather
# than printing and going on — and runs the core, files and parity suites.
# NNB_SANITIZE_UI=1 builds the GTK front end too and adds the ui suite
# (under Xvfb): it takes over 7 minutes on two cores, and LeakSanitizer
# then reports the caches of fontconfig and Pango, so CI leaves it out
# (docs/robustness.md).
#
# --thread: builds with ThreadSanitizer in ./build-tsan (or $NNB_TSAN_BUILD)
# and runs test-trainer and test-trainer-pictures, the worker/UI hand-off,
# several times.
#
# Exits non-zero when a test fails or any instrumented process (a test, the
# CLI or the app a test starts) reports a problem. Every process writes its
# report to a file of its own in BUILD/sanitizer-reports/, so a report from a
# child process is not lost in the test's captured output. OpenBLAS, SLEEF,
# GTK and Python are not instrumented; only our code is checked.
# LeakSanitizer ignores what tests/sanitizers/lsan.supp lists: memory that a
# library (GLib, GTK, fontconfig…) keeps or loses itself, never ours.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=address
if [[ ${1:-} == --thread ]]; then
  mode=thread
  shift
fi

# everything it builds with, on a machine that has nothing yet (quick when
# all is there); the tests it runs compare with PyTorch too
scripts/setup.sh --sanitizers --tests --packages-only

export CC=clang
export OPENBLAS_NUM_THREADS=1

if [[ $mode == thread ]]; then
  build=${NNB_TSAN_BUILD:-build-tsan}
  if [[ ! -f $build/build.ninja ]]; then
    echo "==> Configuring the ThreadSanitizer build in $build"
    meson setup "$build" -Dbuildtype=debugoptimized -Db_sanitize=thread -Db_lundef=false \
      -Dcuda=disabled -Dui=false >/dev/null
  fi
  echo "==> Building test-trainer and test-trainer-pictures with ThreadSanitizer"
  ninja -C "$build" tests/test-trainer tests/test-trainer-pictures src/cli/nnblocks-cli >/dev/null
  reports=$PWD/$build/sanitizer-reports
  rm -rf "$reports"
  mkdir -p "$reports"
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$reports/tsan"
  echo "==> Running test-trainer and test-trainer-pictures under ThreadSanitizer (3 times)"
  status=0
  meson test -C "$build" --no-rebuild --print-errorlogs --repeat 3 test-trainer test-trainer-pictures "$@" || status=1
else
  build=${NNB_ASAN_BUILD:-build-asan}
  if [[ ! -f $build/build.ninja ]]; then
    echo "==> Configuring the sanitizer build in $build"
    meson setup "$build" -Dbuildtype=debugoptimized -Db_sanitize=address,undefined -Db_lundef=false \
      -Dc_args=-fno-sanitize-recover=all -Dcuda=disabled -Dui=false >/dev/null
  fi
  ui=false
  if [[ ${NNB_SANITIZE_UI:-0} == 1 ]]; then
    ui=true
  fi
  meson configure "$build" -Dui="$ui" >/dev/null
  echo "==> Building with AddressSanitizer and UndefinedBehaviorSanitizer"
  ninja -C "$build" >/dev/null
  reports=$PWD/$build/sanitizer-reports
  rm -rf "$reports"
  mkdir -p "$reports"
  # fast_unwind_on_malloc=0: GLib has no frame pointers, and without full
  # stacks the suppressions could not see which library a leak is in
  export ASAN_OPTIONS="detect_leaks=1:fast_unwind_on_malloc=0:log_path=$reports/asan"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan"
  export LSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0:log_path=$reports/lsan"

  suites=(core files parity)
  if [[ $ui == true ]]; then
    suites+=(ui)
  fi
  # test-allocations replaces malloc to count calls, and AddressSanitizer
  # replaces it too: under the sanitizer there is nothing for it to count.
  skip='test-allocations'
  mapfile -t tests < <(meson test -C "$build" --no-rebuild --list "${suites[@]/#/--suite=}" 2>/dev/null |
                       sed -n 's|^[^ ]* / \(.*\)$|\1|p' | grep -vxE "$skip")
  echo "==> Running the ${suites[*]} suites under the sanitizers (${#tests[@]} tests; not $skip)"
  status=0
  meson test -C "$build" --no-rebuild --print-errorlogs --num-processes 2 "${tests[@]}" "$@" || status=1
fi

if compgen -G "$reports/*" >/dev/null; then
  for report in "$reports"/*; do
    echo "==> $report"
    cat "$report"
  done
  echo "sanitizers: FOUND PROBLEMS (reports above)"
  exit 1
fi
if ((status != 0)); then
  echo "sanitizers: tests failed"
  exit 1
fi
echo "sanitizers: no findings"
