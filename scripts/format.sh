#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# scripts/format.sh [--check] [FILE…] — formats the C code with clang-format
# and the repository's .clang-format (GNU style as GNOME uses it).
#   scripts/format.sh           rewrites every .c/.h in src/, tests/ and bench/
#   scripts/format.sh --check   changes nothing; lists the files that would
#                               change and exits 1 when there are any
#   scripts/format.sh FILE…     only these files
# clang-format has no option to keep gettext's `_("…")` without the space
# that GNU style puts before every parenthesis, so the script takes that one
# space out again after clang-format (_, N_, C_, NC_).
# Needs clang-format (Debian: apt-get install clang-format; version 14 is
# the one the .clang-format was tuned with).
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
files=()
for arg in "$@"; do
  case "$arg" in
    --check) check=true ;;
    -h|--help) sed -n '3,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "scripts/format.sh: unknown option $arg" >&2; exit 2 ;;
    *) files+=("$arg") ;;
  esac
done

clang_format=${CLANG_FORMAT:-}
if [[ -z $clang_format ]]; then
  for candidate in clang-format clang-format-14; do
    if command -v "$candidate" >/dev/null; then
      clang_format=$candidate
      break
    fi
  done
fi
if [[ -z $clang_format ]]; then
  echo "scripts/format.sh: clang-format not found; install it (Debian: apt-get install clang-format)" >&2
  exit 2
fi

if ((${#files[@]} == 0)); then
  mapfile -t files < <(find src tests bench -name '*.[ch]' -type f | LC_ALL=C sort)
fi

# the file as it should be, on stdout
formatted() {
  "$clang_format" --style=file --assume-filename="$1" <"$1" |
    sed -E 's/(^|[^A-Za-z0-9_])(N?C?_) \(/\1\2(/g'
}

changed=0
refused=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for file in "${files[@]}"; do
  formatted "$file" >"$tmp"
  # a stringifying macro with spaces added changes the program's text
  # (G_DEFINE_QUARK (nnb-error-quark, …) becomes "nnb - error - quark")
  if grep -nE 'G_(DEFINE_QUARK|STRINGIFY) *\([^,)]* - ' "$tmp" >&2; then
    echo "scripts/format.sh: $file: left as it is: clang-format would put spaces into a stringified name; put /* clang-format off */ and /* clang-format on */ around that line" >&2
    refused=$((refused + 1))
    continue
  fi
  if ! cmp -s "$file" "$tmp"; then
    changed=$((changed + 1))
    if $check; then
      echo "$file"
    else
      cat "$tmp" >"$file"
    fi
  fi
done

if ((refused > 0)); then
  exit 2
fi
if $check; then
  if ((changed > 0)); then
    echo "scripts/format.sh: $changed of ${#files[@]} files are not formatted; run scripts/format.sh" >&2
    exit 1
  fi
  echo "scripts/format.sh: all ${#files[@]} files are formatted"
else
  echo "scripts/format.sh: formatted ${#files[@]} files, $changed changed"
fi
