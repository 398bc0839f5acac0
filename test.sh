#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ./test.sh — sets up, builds and runs every test suite (the UI tests under
# Xvfb). Ends with "N passed, N failed, N skipped"; exits non-zero on any
# failure, including a failed build. .ci/run passes the results of its
# checks before the tests in NNB_CI_PASSED and NNB_CI_FAILED (and the failed
# ones' names in NNB_CI_FAILED_NAMES); they count in that line too. Extra arguments go to `meson test`
# (e.g. ./test.sh --suite core).
set -uo pipefail
cd "$(dirname "$0")"

ci_passed=${NNB_CI_PASSED:-0}
ci_failed=${NNB_CI_FAILED:-0}
ci_summary() {
  if ((ci_passed + ci_failed > 0)); then
    echo "==> Counted below with the tests: .ci/run's checks, ${ci_passed} passed, ${ci_failed} failed${NNB_CI_FAILED_NAMES:+ (${NNB_CI_FAILED_NAMES})}"
  fi
}

if ! scripts/setup.sh --tests; then
  echo "build failed"
  ci_summary
  echo "${ci_passed} passed, $((ci_failed + 1)) failed"
  exit 1
fi

echo "==> Running the tests"
# a missing prerequisite (PyTorch, the German locale, msgfmt) fails the test
# that needs it instead of skipping it: the set-up above installs them all
export NNB_TEST_STRICT=1
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
ci_summary
echo "$((passed + ci_passed)) passed, $((failed + ci_failed)) failed, ${skipped:-0} skipped"
[[ $status -eq 0 && $failed -eq 0 && $ci_failed -eq 0 ]]
