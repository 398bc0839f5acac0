#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# scripts/screenshot.sh [BUILD_DIR] — makes the README's screenshots of the
# built app under Xvfb: the main window training SineNet with the Day 2
# lesson open, in the light and the dark style, in presentation mode (light
# and dark) and in German. Needs xvfb-run and
# imagemagick's `import` (scripts/setup.sh --tests installs both).
#
# Each shot runs the app in a fresh Xvfb with in-memory settings, waits
# for training to finish (or a fixed time), grabs the screen and crops it
# to the window.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=docs/screenshots
mkdir -p "$out"
[[ $build = /* ]] || build="$PWD/$build"
export GSETTINGS_SCHEMA_DIR="$build/data" GSETTINGS_BACKEND=memory
export GSK_RENDERER=cairo NO_AT_BRIDGE=1 GTK_A11Y=none
# State and data folders of its own: no autosave or recent file of the
# developer's shows up in the pictures.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export XDG_DATA_HOME="$scratch/data"

# shot NAME SECONDS [ENV=VALUE…] -- [APP ARGS…]
shot() {
  local name=$1 seconds=$2
  shift 2
  local envs=()
  while [[ $# -gt 0 && $1 != -- ]]; do envs+=("$1"); shift; done
  shift || true
  # a state folder per shot: the previous shot's autosave is not offered
  env XDG_STATE_HOME="$scratch/state-$name" "${envs[@]}" xvfb-run -a -s '-screen 0 1600x1000x24' bash -c '
    "$0" "$@" &
    app=$!
    sleep '"$seconds"'
    import -window root "'"$out/$name"'.png"
    kill $app' "$build/src/ui/nnblocks" "$@" 2>/dev/null
  # the window sits at the top-left corner: crop the empty screen around it
  convert "$out/$name.png" -trim +repage "$out/$name.png" 2>/dev/null || true
  echo "saved $out/$name.png"
}

# Presentation mode is a preference: a keyfile of settings says so.
presenting="$scratch/presenting"
mkdir -p "$presenting/glib-2.0/settings"
printf '[io/github/nnblocks/NNBlocks]\npresentation-mode=true\n' > "$presenting/glib-2.0/settings/keyfile"

sinenet=data/examples/sinenet.nnb
shot main-window-light 10 ADW_DEBUG_COLOR_SCHEME=prefer-light -- --lesson=day02 --train "$sinenet"
shot main-window-dark 10 ADW_DEBUG_COLOR_SCHEME=prefer-dark -- --lesson=day02 --train "$sinenet"
shot presentation 10 ADW_DEBUG_COLOR_SCHEME=prefer-light GSETTINGS_BACKEND=keyfile XDG_CONFIG_HOME="$presenting" \
  -- --lesson=day02 --train "$sinenet"
shot presentation-dark 10 ADW_DEBUG_COLOR_SCHEME=prefer-dark GSETTINGS_BACKEND=keyfile XDG_CONFIG_HOME="$presenting" \
  -- --lesson=day02 --train "$sinenet"
# German text from the build's catalogue, German numbers from the locale
# (Debian: the locales package, de_DE.UTF-8 enabled)
shot german 10 LANGUAGE=de LC_ALL=de_DE.UTF-8 -- --lesson=day02 --train "$sinenet"
