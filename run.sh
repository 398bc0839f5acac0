#!/usr/bin/env bash
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
if "$cli" lesson --help >/dev/null 2>&1; then
  exec "$cli" lesson day02
fi
# Until the lesson runner lands: the page's programs, one after another.
for step in "inspect data/examples/sequential.nnb" "inspect data/examples/mlp-residual.nnb" \
            "trace data/examples/mlp-residual.nnb" "train data/examples/regression.nnb" \
            "inspect data/examples/sinenet.nnb" "train data/examples/sinenet.nnb --log-every 500" \
            "train data/examples/sine-linear.nnb --log-every 1000"; do
  echo
  echo "\$ nnblocks-cli $step"
  # shellcheck disable=SC2086
  "$cli" $step || true
done
