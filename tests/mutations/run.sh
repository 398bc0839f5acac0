#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/mutations/run.sh — applies each mutation (tests/mutations/*.patch) to a
# scratch copy of the tree and checks that some test fails because of it.
#
#   tests/mutations/run.sh [NN-name.patch …]   (default: every *.patch here)
#
# Copies the tracked and untracked-but-not-ignored files once to a temporary
# folder, configures one build there (`meson setup` options from
# $MUT_MESON_OPTIONS, default -Dcuda=disabled: the mutations are CPU code
# and the GPU tests need a GPU), then for each patch: runs the tests named on its
# "# tests: …" line on the unpatched tree (once per distinct line; a
# failure there makes the verdict meaningless), applies it with patch -p1,
# rebuilds, runs the same tests, and reverses it. The "# tests:" line holds
# arguments for `meson test`: test names, --suite S, --setup scalar,
# --test-args '…'. One line per mutation, then "N caught, N missed"; exits
# non-zero when any mutation was missed (or did not apply, build, or have
# passing tests without it). $MUT_KEEP=1 keeps the scratch folder.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(git -C "$here" rev-parse --show-toplevel)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/nnb-mutations-XXXXXX")
src=$scratch/src
build=$scratch/build
logs=$scratch/logs
mkdir -p "$src" "$logs"
if [[ "${MUT_KEEP:-0}" != 1 ]]; then
  trap 'rm -rf "$scratch"' EXIT
else
  echo "scratch folder: $scratch"
fi

if (($# > 0)); then
  patches=()
  for p in "$@"; do
    [[ -f "$p" ]] || p=$here/$(basename "$p")
    patches+=("$(cd "$(dirname "$p")" && pwd)/$(basename "$p")")
  done
else
  shopt -s nullglob
  patches=("$here"/*.patch)
fi
if ((${#patches[@]} == 0)); then
  echo "no mutations (*.patch) in $here"
  exit 1
fi

# the tree as git sees it, with files not committed yet, without build output
(cd "$root" && git ls-files -z --cached --others --exclude-standard |
   while IFS= read -r -d '' f; do [[ -f "$f" ]] && printf '%s\0' "$f"; done |
   xargs -0 cp --parents -t "$src")

echo "==> building a scratch copy in $build"
# shellcheck disable=SC2086
if ! meson setup "$build" "$src" ${MUT_MESON_OPTIONS--Dcuda=disabled} >"$logs/setup.log" 2>&1 ||
   ! ninja -C "$build" >"$logs/build.log" 2>&1; then
  echo "the unmutated tree does not build: see $logs (MUT_KEEP=1 keeps it)"
  tail -20 "$logs/build.log" 2>/dev/null
  exit 1
fi

# meson test with the arguments of a patch's "# tests:" line
run_tests() {
  local line=$1 log=$2
  local -a args
  eval "args=($line)"
  meson test -C "$build" --print-errorlogs --num-processes 1 "${args[@]}" >"$log" 2>&1
}

declare -A baseline
caught=0 missed=0
for patch in "${patches[@]}"; do
  name=$(basename "$patch" .patch)
  line=$(sed -n 's/^# tests:[[:space:]]*//p' "$patch" | head -n 1)
  if [[ -z "$line" ]]; then
    echo "MISSED  $name (no '# tests:' line)"
    missed=$((missed + 1))
    continue
  fi
  if [[ -z "${baseline[$line]:-}" ]]; then
    ninja -C "$build" >>"$logs/build.log" 2>&1
    if run_tests "$line" "$logs/$name.baseline.log"; then baseline[$line]=pass; else baseline[$line]=fail; fi
  fi
  if [[ "${baseline[$line]}" != pass ]]; then
    echo "MISSED  $name (its tests fail without the mutation: $line)"
    missed=$((missed + 1))
    continue
  fi
  if ! (cd "$src" && patch -p1 --dry-run -s <"$patch" >/dev/null 2>&1); then
    echo "MISSED  $name (does not apply to this tree)"
    missed=$((missed + 1))
    continue
  fi
  (cd "$src" && patch -p1 -s <"$patch")
  if ! ninja -C "$build" >"$logs/$name.build.log" 2>&1; then
    echo "MISSED  $name (does not build)"
    missed=$((missed + 1))
  elif run_tests "$line" "$logs/$name.log"; then
    echo "MISSED  $name ($line all pass)"
    missed=$((missed + 1))
  else
    failed=$(grep -E '^ *[0-9]+/[0-9]+ .* (FAIL|ERROR|TIMEOUT) ' "$logs/$name.log" | awk '{print $4}' | sort -u | tr '\n' ' ')
    echo "CAUGHT  $name (${failed% })"
    caught=$((caught + 1))
  fi
  (cd "$src" && patch -p1 -R -s <"$patch")
done
ninja -C "$build" >>"$logs/build.log" 2>&1

echo "$caught caught, $missed missed"
((missed == 0))
