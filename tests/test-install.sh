#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/test-install.sh BUILD_DIR [ui|no-ui] — what `meson install` puts on
# a machine works from there: installs the build into a scratch folder
# (--destdir), then runs the installed programs from it (no source tree, no
# build folder) and checks the manual pages and data files are in place.
# Registered in tests/meson.build (suite "install"); prints TAP.
set -uo pipefail

build=${1:?usage: test-install.sh BUILD_DIR [ui|no-ui]}
ui=${2:-ui}

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for line in "$@"; do echo "# $line"; done; }
check() { # check DESCRIPTION COMMAND…
  local what=$1
  shift
  if "$@"; then ok "$what"; else not_ok "$what"; fi
}

destdir=$(mktemp -d "${TMPDIR:-/tmp}/nnb-install.XXXXXX")
trap 'rm -rf "$destdir"' EXIT

if ! out=$(meson install -C "$build" --destdir "$destdir" --no-rebuild --quiet 2>&1); then
  not_ok "meson install --destdir" "$out"
  echo "1..$n"
  exit 1
fi
ok "meson install --destdir"

# where the prefix's bin/ and man/ ended up (default prefix /usr/local)
cli=$(find "$destdir" -path '*/bin/nnblocks-cli' -type f | head -n1)
app=$(find "$destdir" -path '*/bin/nnblocks' -type f | head -n1)
man1=$(find "$destdir" -path '*/man/man1' -type d | head -n1)
share=$(find "$destdir" -path '*/share' -type d -prune | head -n1)

# English messages, no user lessons, no display: the same on every machine
export LC_ALL=C.UTF-8 LANGUAGE=
export XDG_DATA_HOME="$destdir/xdg-data" HOME="$destdir/home"
unset DISPLAY WAYLAND_DISPLAY
mkdir -p "$XDG_DATA_HOME" "$HOME"

if [[ -z $cli ]]; then
  not_ok "bin/nnblocks-cli installed"
else
  ok "bin/nnblocks-cli installed"
  out=$("$cli" --help 2>&1)
  check "nnblocks-cli --help lists the commands" grep -q '^  lesson ' <<<"$out"
  out=$("$cli" --version 2>&1)
  check "nnblocks-cli --version ($out)" grep -qE '^nnblocks-cli [0-9]+\.[0-9]+' <<<"$out"
  # the built-in lesson travels inside the binary: no data file needed
  out=$("$cli" lesson day02 2>&1)
  status=$?
  last=$(tail -n1 <<<"$out")
  if ((status == 0)) && [[ $last == "14 of 14 steps passed their checks." ]]; then
    ok "installed nnblocks-cli lesson day02: $last"
  else
    not_ok "installed nnblocks-cli lesson day02" "exit status $status, last line: $last"
  fi
fi

manpages=(nnblocks-cli.1)
if [[ $ui == ui ]]; then
  manpages+=(nnblocks.1)
fi
for page in "${manpages[@]}"; do
  file=${man1:+$man1/$page}
  if [[ -z $file || ! -f $file ]]; then
    not_ok "man page $page installed"
    continue
  fi
  ok "man page $page installed"
  if grep -q '^\.TH .*@VERSION@' "$file" || ! grep -q '^\.TH ' "$file"; then
    not_ok "$page has its .TH line, with the version filled in"
  else
    ok "$page has its .TH line, with the version filled in"
  fi
  # groff's warnings (-ww), where groff is installed
  if command -v groff >/dev/null; then
    warnings=$(groff -man -Tutf8 -ww -z "$file" 2>&1)
    if [[ -z $warnings ]]; then ok "$page renders without warnings"; else not_ok "$page renders without warnings" "$warnings"; fi
  fi
done

if [[ $ui == ui ]]; then
  if [[ -z $app ]]; then
    not_ok "bin/nnblocks installed"
  else
    ok "bin/nnblocks installed"
    # --help is answered before GTK opens a display
    out=$("$app" --help 2>&1)
    status=$?
    if ((status == 0)) && grep -q -- '--lesson' <<<"$out"; then
      ok "nnblocks --help without a display"
    else
      not_ok "nnblocks --help without a display" "exit status $status" "$out"
    fi
    out=$("$app" --version 2>&1)
    check "nnblocks --version ($out)" grep -qE '[0-9]+\.[0-9]+\.[0-9]+' <<<"$out"
  fi
  for file in \
    applications/io.github.nnblocks.NNBlocks.desktop \
    metainfo/io.github.nnblocks.NNBlocks.metainfo.xml \
    glib-2.0/schemas/io.github.nnblocks.NNBlocks.gschema.xml \
    icons/hicolor/scalable/apps/io.github.nnblocks.NNBlocks.svg \
    icons/hicolor/symbolic/apps/io.github.nnblocks.NNBlocks-symbolic.svg \
    locale/de/LC_MESSAGES/nnblocks.mo; do
    check "share/$file installed" test -f "$share/$file"
  done
fi

echo "1..$n"
((failed == 0))
