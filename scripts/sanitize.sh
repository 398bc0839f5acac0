#!/usr/bin/env bash
# scripts/sanitize.sh [MESON TEST ARGS…] — builds the engine, the CLI and the
# engine's tests with AddressSanitizer (leaks included) and
# UndefinedBehaviorSanitizer in ./build-asan (clang; no GTK front end, no
# CUDA), then runs the core, files and parity suites there. Exits non-zero
# when a test fails or any instrumented process (a test or the CLI it runs)
# reports a problem. Reports are kept in build-asan/sanitizer-reports/.
# OpenBLAS, SLEEF and Python are not instrumented; only our code is checked.
set -euo pipefail
cd "$(dirname "$0")/.."

for package in clang libclang-rt-14-dev; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    scripts/setup.sh --sanitizers
    break
  fi
done

build=build-asan
if [[ ! -f $build/build.ninja ]]; then
  echo "==> Configuring the sanitizer build in ./$build"
  CC=clang meson setup "$build" -Dbuildtype=debugoptimized -Db_sanitize=address,undefined -Db_lundef=false \
    -Dcuda=disabled -Dui=false >/dev/null
fi
echo "==> Building with AddressSanitizer and UndefinedBehaviorSanitizer"
ninja -C "$build" >/dev/null

reports=$PWD/$build/sanitizer-reports
rm -rf "$reports"
mkdir -p "$reports"
# every instrumented process writes its report to a file of its own, so a
# report from the CLI a test runs is not lost in the test's captured stderr
export ASAN_OPTIONS=detect_leaks=1:log_path=$reports/asan
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan
export LSAN_OPTIONS=log_path=$reports/lsan

echo "==> Running the core, files and parity suites under the sanitizers"
status=0
meson test -C "$build" --suite core --suite files --suite parity --print-errorlogs --num-processes 2 "$@" || status=1

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
