#!/usr/bin/env bash
# ./test.sh — sets up, builds and runs every test suite (the UI tests under
# Xvfb). Ends with "N passed, N failed, N skipped"; exits non-zero on any
# failure, including a failed build. Extra arguments go to `meson test`
# (e.g. ./test.sh --suite core).
set -uo pipefail
cd "$(dirname "$0")"

if ! scripts/setup.sh --tests; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

echo "==> Running the tests"
log=$(mktemp)
meson test -C build --print-errorlogs --num-processes 2 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

count() { sed -n "s/^$1:[[:space:]]*\([0-9]*\).*/\1/p" "$log" | tail -n 1; }
ok=$(count Ok); expected_fail=$(count "Expected Fail"); fail=$(count Fail)
unexpected_pass=$(count "Unexpected Pass"); skipped=$(count Skipped); timeout=$(count Timeout)
rm -f "$log"

passed=$(( ${ok:-0} + ${expected_fail:-0} ))
failed=$(( ${fail:-0} + ${unexpected_pass:-0} + ${timeout:-0} ))
if [[ $status -ne 0 && $failed -eq 0 ]]; then
  failed=1
fi
echo "${passed} passed, ${failed} failed, ${skipped:-0} skipped"
[[ $status -eq 0 && $failed -eq 0 ]]
