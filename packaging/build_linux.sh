#!/usr/bin/env bash
# Build the Linux one-folder bundle: dist/leaddesk/leaddesk (+ a .tar.gz of it).
#
#   bash packaging/build_linux.sh [DIST]      default DIST: dist/
#
# Needs Python 3.11+ and binutils (objdump, strip). LeadDesk with its [package] extra goes into .venv
# (or $LEADDESK_VENV) unless PYTHON names an interpreter that has them. The bundle runs on Linux
# systems with a glibc at least as new as the build machine's: build on the oldest one you support.
set -euo pipefail
cd "$(dirname "$0")/.."
DIST=${1:-dist}
if [ -z "${PYTHON:-}" ]; then
  VENV=${LEADDESK_VENV:-.venv}
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  PYTHON="$VENV/bin/python"
  "$PYTHON" -c 'import PyInstaller, leaddesk' 2>/dev/null || "$PYTHON" -m pip install -q -e '.[package]'
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

VERSION=$("$PYTHON" -c 'import re,pathlib; print(re.search(r"__version__ = \"(.+)\"", pathlib.Path("src/leaddesk/__init__.py").read_text())[1])')
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "$WORK" packaging/leaddesk.spec
# Desktop integration travels with the bundle; install it with packaging/linux/install.sh.
cp packaging/linux/org.leaddesk.LeadDesk.desktop packaging/linux/org.leaddesk.LeadDesk.metainfo.xml \
  packaging/linux/install.sh "$DIST/leaddesk/"
tar -C "$DIST" -czf "$DIST/leaddesk-$VERSION-linux-$(uname -m).tar.gz" leaddesk
du -sh "$DIST/leaddesk" "$DIST/leaddesk-$VERSION-linux-$(uname -m).tar.gz"
