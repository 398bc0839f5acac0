#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""scripts/add-spdx.py [--check] [ROOT] — gives every source file of NN Blocks
its SPDX line, so that each file says under which licence it is (COPYING).

  C and CUDA (.c, .h, .cu, .cuh in src/, tests/, bench/): the first line
  becomes `/* SPDX-License-Identifier: GPL-3.0-or-later */`; the file's own
  opening comment follows it unchanged.
  Shell and Python (scripts/, .ci/run, run.sh, test.sh, and the .sh/.py
  files and shell scripts of tests/ and bench/): the line
  `# SPDX-License-Identifier: GPL-3.0-or-later` goes right after the `#!`
  line (and after a Python coding line), or first when there is none.

A file that names its licence in its first lines already is left alone, so
running the script again changes nothing. --check lists the files that lack
the line and exits 1 when there are any. ROOT defaults to the repository
this script lives in.
"""

import os
import sys

LICENSE = "GPL-3.0-or-later"
C_LINE = f"/* SPDX-License-Identifier: {LICENSE} */\n"
HASH_LINE = f"# SPDX-License-Identifier: {LICENSE}\n"
C_SUFFIXES = (".c", ".h", ".cu", ".cuh")
SCRIPT_SUFFIXES = (".sh", ".py")
# the lines a licence line may already be in
HEAD_LINES = 5


def c_files(root):
    for top in ("src", "tests", "bench"):
        for folder, dirs, names in os.walk(os.path.join(root, top)):
            dirs.sort()
            for name in sorted(names):
                if name.endswith(C_SUFFIXES):
                    yield os.path.join(folder, name)


def is_shell_script(path):
    """An executable text file that starts with a shell's #! line."""
    if not os.access(path, os.X_OK):
        return False
    with open(path, "rb") as f:
        first = f.readline()
    return first.startswith(b"#!") and (b"sh" in first.split(b"/")[-1])


def script_files(root):
    for name in ("scripts", ".ci"):
        folder = os.path.join(root, name)
        if os.path.isdir(folder):
            for entry in sorted(os.listdir(folder)):
                path = os.path.join(folder, entry)
                if os.path.isfile(path) and (entry.endswith(SCRIPT_SUFFIXES) or is_shell_script(path)):
                    yield path
    for name in ("run.sh", "test.sh"):
        path = os.path.join(root, name)
        if os.path.isfile(path):
            yield path
    for top in ("tests", "bench"):
        for folder, dirs, names in os.walk(os.path.join(root, top)):
            dirs.sort()
            for entry in sorted(names):
                path = os.path.join(folder, entry)
                if entry.endswith(SCRIPT_SUFFIXES) or is_shell_script(path):
                    yield path


def has_license(lines):
    return any("SPDX-License-Identifier" in line for line in lines[:HEAD_LINES])


def add_c(lines):
    return [C_LINE] + lines


def add_hash(lines):
    at = 0
    if lines and lines[0].startswith("#!"):
        at = 1
    # PEP 263: a coding declaration must stay on line 1 or 2
    if len(lines) > at and lines[at].startswith("#") and "coding" in lines[at]:
        at += 1
    if at > 0 and not lines[at - 1].endswith("\n"):
        lines[at - 1] += "\n"
    return lines[:at] + [HASH_LINE] + lines[at:]


def main(argv):
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    if any(a.startswith("-") for a in args) or len(args) > 1:
        print(__doc__, file=sys.stderr)
        return 2
    root = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    root = os.path.normpath(root)

    missing = []
    for paths, add in ((c_files(root), add_c), (script_files(root), add_hash)):
        for path in paths:
            with open(path, encoding="utf-8", newline="") as f:
                lines = f.readlines()
            if has_license(lines):
                continue
            missing.append(os.path.relpath(path, root))
            if not check:
                # write in place: the file keeps its mode (executable scripts)
                with open(path, "w", encoding="utf-8", newline="") as f:
                    f.writelines(add(lines))

    if check:
        for path in missing:
            print(path)
        if missing:
            print(f"scripts/add-spdx.py: {len(missing)} files have no SPDX line", file=sys.stderr)
            return 1
        print("scripts/add-spdx.py: every file has its SPDX line")
        return 0
    print(f"scripts/add-spdx.py: added the SPDX line to {len(missing)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
