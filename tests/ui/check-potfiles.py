#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# check-potfiles.py — po/POTFILES.in lists every file with translatable
# text, and only files that exist. A string in a file that POTFILES.in
# misses never reaches nnblocks.pot, so no translator ever sees it and it
# stays English in every language: this test catches that the day the file
# is added, not the day a student sees it.
#
# Usage: check-potfiles.py SOURCE_ROOT
# Prints one line per problem and exits 1 when there is any.
import pathlib
import re
import sys

# gettext calls in C: _("…"), N_("…"), C_("ctx", "…"), NC_(…), Q_(…) and
# the explicit g_dgettext family (plural forms use g_dngettext).
C_MARKERS = re.compile(
    r'(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|Q_|g_dgettext|g_dngettext|g_dpgettext2?|ngettext|gettext)\s*\(')
C_COMMENT = re.compile(r'/\*.*?\*/|//[^\n]*', re.S)
C_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')

UI_MARKER = re.compile(r'translatable\s*=\s*"(?:yes|true|1)"')
# Keys a desktop file translates (desktop-file-validate's list).
DESKTOP_MARKER = re.compile(r'^(?:Name|GenericName|Comment|Keywords)\s*=', re.M)
# Elements the AppStream and GSettings ITS rules translate.
LESSON_MARKER = re.compile(r'<(?:title|p)[\s>]')
XML_MARKER = re.compile(r'<(?:name|summary|description|p|li|caption|developer_name)[\s>]')


def c_has_markers(text):
    # Comments may mention _() without being translatable; strings may
    # contain "(" after an underscore.
    text = C_COMMENT.sub(' ', text)
    text = C_STRING.sub('""', text)
    return C_MARKERS.search(text) is not None


def has_translatable_text(path, rel):
    try:
        text = path.read_text(encoding='utf-8')
    except (UnicodeDecodeError, OSError):
        return False
    if path.suffix == '.lesson':
        # The lesson ITS rules (data/lessons/its) translate titles and
        # paragraphs.
        return LESSON_MARKER.search(text) is not None
    if path.suffix in ('.c', '.h'):
        return c_has_markers(text)
    if path.suffix == '.ui':
        return UI_MARKER.search(text) is not None
    if path.name.endswith('.desktop.in'):
        return DESKTOP_MARKER.search(text) is not None
    if path.name.endswith('.gresource.xml'):
        return False
    if path.suffix in ('.xml', '.in'):
        return XML_MARKER.search(text) is not None or UI_MARKER.search(text) is not None
    return False


def candidates(root):
    patterns = ['src/**/*.c', 'src/**/*.h', 'data/ui/*.ui', 'data/**/*.in', 'data/*.xml',
                'data/lessons/**/*.lesson']
    seen = set()
    for pattern in patterns:
        for path in root.glob(pattern):
            if path.is_file() and path not in seen:
                seen.add(path)
                yield path


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else '.').resolve()
    listed = []
    for line in (root / 'po' / 'POTFILES.in').read_text(encoding='utf-8').splitlines():
        line = line.strip()
        if line and not line.startswith('#'):
            listed.append(line)

    problems = []
    for rel in listed:
        if not (root / rel).is_file():
            problems.append(f'{rel}: listed in po/POTFILES.in but does not exist')

    for path in sorted(candidates(root)):
        rel = path.relative_to(root).as_posix()
        if rel not in listed and has_translatable_text(path, rel):
            problems.append(f'{rel}: has translatable text but is missing from po/POTFILES.in')

    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f'po/POTFILES.in: all {len(listed)} files exist, and no file with translatable text is missing')
    return 0


if __name__ == '__main__':
    sys.exit(main())
