#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/check-style.sh SOURCE_ROOT — the habits a reviewer would otherwise
# have to check by eye: every C file formatted as .clang-format says
# (scripts/format.sh --check) and every source file opening with its SPDX
# line (scripts/add-spdx.py --check).
set -uo pipefail
cd "$1"

status=0
if command -v clang-format >/dev/null || command -v clang-format-14 >/dev/null; then
  scripts/format.sh --check || status=1
elif [[ ${NNB_TEST_STRICT:-} == 1 ]]; then
  echo "clang-format is missing: scripts/setup.sh --tests installs it" >&2
  status=1
else
  echo "clang-format is missing: the formatting is not checked" >&2
fi
python3 scripts/add-spdx.py --check || status=1
exit $status
