#!/usr/bin/env bash
# scripts/setup.sh — installs the Debian packages NN Blocks needs (only the
# missing ones), then configures and builds it in ./build.
#   scripts/setup.sh            packages to build and run the app
#   scripts/setup.sh --tests    also what the test suites need (PyTorch, ONNX, Xvfb)
#   scripts/setup.sh --sanitizers  also clang and libFuzzer (scripts/sanitize.sh, scripts/fuzz.sh)
# Idempotent and quick when nothing changed. CI=true builds with --werror.
set -euo pipefail
cd "$(dirname "$0")/.."

build_packages=(
  meson ninja-build pkg-config gcc gettext
  libglib2.0-dev libjson-glib-dev libopenblas-dev libsleef-dev
  libgtk-4-dev libadwaita-1-dev libgtksourceview-5-dev
  desktop-file-utils appstream
)
# libxtst6: the editor's pointer tests drive Xvfb through XTest;
# imagemagick: scripts/screenshot.sh grabs and crops the screen
test_packages=(
  xvfb xauth libxtst6 imagemagick python3 python3-torch python3-onnx python3-numpy
)
# clang; its sanitizer and libFuzzer runtimes; llvm-symbolizer (from llvm),
# which names the functions in sanitizer reports: the leak suppressions
# (tests/sanitizers/lsan.supp) match those names
sanitizer_packages=(
  clang libclang-rt-14-dev llvm
)

packages=("${build_packages[@]}")
for arg in "$@"; do
  case "$arg" in
    --tests) packages+=("${test_packages[@]}") ;;
    --sanitizers) packages+=("${sanitizer_packages[@]}") ;;
  esac
done

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "==> Installing Debian packages: ${missing[*]}"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q "${missing[@]}"
else
  echo "==> Debian packages: all present"
fi

# CUDA is built when nvcc is found (on these machines in /usr/local/cuda/bin)
export PATH="$PATH:/usr/local/cuda/bin"

werror=false
if [[ "${CI:-}" == "true" ]]; then
  werror=true
fi

if [[ ! -f build/build.ninja ]]; then
  echo "==> Configuring in ./build"
  meson setup build -Dwerror="$werror"
else
  meson configure build -Dwerror="$werror" >/dev/null
fi

echo "==> Building"
ninja -C build
