#!/usr/bin/env bash
# scripts/screenshot.sh [OUT.png] [ARGS…] — runs the built app under Xvfb
# and saves a screenshot of the screen (for the README and for checking
# what a change looks like). Needs xvfb-run and imagemagick's `import`.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/screenshots/main-window.png}
shift || true
export GSETTINGS_SCHEMA_DIR="$PWD/build/data"
xvfb-run -a -s '-screen 0 1600x1000x24' bash -c '
  build/src/ui/nnblocks "$@" &
  app=$!
  sleep 4
  import -window root "'"$out"'"
  kill $app' _ "${@:---lesson=day02}"
echo "saved $out"
