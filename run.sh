#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ./run.sh — sets up, builds and starts NN Blocks with the Day 2 lesson open.
# Without a display it runs the Day 2 lesson in the terminal instead.
set -euo pipefail
cd "$(dirname "$0")"

scripts/setup.sh

export GSETTINGS_SCHEMA_DIR="$PWD/build/data"
if [[ -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ]]; then
  echo "==> Starting NN Blocks"
  exec build/src/ui/nnblocks --lesson day02 "$@"
fi

echo "==> No display found (DISPLAY and WAYLAND_DISPLAY are unset): running the Day 2 lesson in the terminal."
cli=build/src/cli/nnblocks-cli
exec "$cli" lesson day02
