#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# scripts/setup.sh — installs the Debian packages NN Blocks needs (only the
# missing ones), then configures and builds it in ./build.
#   scripts/setup.sh            packages to build and run the app
#   scripts/setup.sh --tests    also what the test suites need (PyTorch, ONNX,
#                               onnxruntime-web under node, Xvfb)
#   scripts/setup.sh --sanitizers  also clang and libFuzzer (scripts/sanitize.sh, scripts/fuzz.sh)
#   scripts/setup.sh --packages-only …  installs, then stops (no build)
# Idempotent and quick when nothing changed (no reconfigure, no rebuild).
# CI=true builds with --werror.
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
# locales: test-locale-format formats numbers in de_DE.UTF-8, generated below
# clang-format: tests/check-style.sh checks the formatting (scripts/format.sh)
# jupyter-nbconvert, python3-ipykernel, python3-matplotlib, python3-nbformat:
# test-export-script validates and executes the exported notebooks
test_packages=(
  xvfb xauth libxtst6 imagemagick python3 python3-torch python3-onnx python3-numpy locales
  clang-format jupyter-nbconvert python3-ipykernel python3-matplotlib python3-nbformat
)
# clang; its sanitizer and libFuzzer runtimes; llvm-symbolizer (from llvm),
# which names the functions in sanitizer reports: the leak suppressions
# (tests/sanitizers/lsan.supp) match those names
sanitizer_packages=(
  clang libclang-rt-14-dev llvm
)

packages=("${build_packages[@]}")
tests=false
build=true
for arg in "$@"; do
  case "$arg" in
    --tests) packages+=("${test_packages[@]}"); tests=true ;;
    --sanitizers) packages+=("${sanitizer_packages[@]}") ;;
    --packages-only) build=false ;;
    *) echo "scripts/setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

# one dpkg-query for all: run.sh's start stays quick (it exits non-zero when
# a package is unknown to dpkg, which is what we are looking for)
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null | sed -n 's/ install ok installed$//p' | sed 's/:.*//' || true)
missing=()
for package in "${packages[@]}"; do
  if ! grep -qx -- "$package" <<<"$installed"; then
    missing+=("$package")
  fi
done

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  sudo=(sudo)
fi

if ((${#missing[@]} > 0)); then
  echo "==> Installing Debian packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q "${missing[@]}"
else
  echo "==> Debian packages: all present"
fi

# the German locale the number-formatting tests use
if $tests && ! locale -a 2>/dev/null | grep -qix 'de_DE\.utf-\?8'; then
  echo "==> Generating the de_DE.UTF-8 locale"
  "${sudo[@]}" sed -i 's/^# *\(de_DE\.UTF-8 UTF-8\)/\1/' /etc/locale.gen
  grep -q '^de_DE\.UTF-8 UTF-8' /etc/locale.gen || echo 'de_DE.UTF-8 UTF-8' | "${sudo[@]}" tee -a /etc/locale.gen >/dev/null
  "${sudo[@]}" locale-gen
fi

# the ONNX export tests run the files in onnxruntime-web under node
# (tests/onnxruntime, versions pinned in its package-lock.json). Debian's
# npm would conflict with a nodejs that bundles its own (nodesource's):
# install Debian's nodejs and npm only when the commands are missing.
# The stamp is written last, so an interrupted npm ci runs again.
if $tests; then
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "==> Installing Debian packages: nodejs npm"
    "${sudo[@]}" apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q nodejs npm
  fi
  ort=tests/onnxruntime
  if [[ ! -f $ort/node_modules/.nnb-installed || $ort/package-lock.json -nt $ort/node_modules/.nnb-installed ]]; then
    echo "==> Installing onnxruntime-web in $ort (npm ci)"
    # --ignore-scripts: nothing there needs one (protobufjs's only checks versions)
    (cd "$ort" && npm ci --no-audit --no-fund --ignore-scripts)
    touch "$ort/node_modules/.nnb-installed"
  else
    echo "==> onnxruntime-web: installed in $ort"
  fi
fi

if ! $build; then
  exit 0
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
elif ! grep -q "\"name\": \"werror\", \"value\": $werror," build/meson-info/intro-buildoptions.json 2>/dev/null; then
  # only when the option changes: meson configure regenerates every time
  meson configure build -Dwerror="$werror" >/dev/null
fi

echo "==> Building"
ninja -C build
