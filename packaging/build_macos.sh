#!/usr/bin/env bash
# Build the macOS app: dist/LeadDesk.app (bundle id org.leaddesk.LeadDesk) and a .dmg of it.
#
#   bash packaging/build_macos.sh [DIST]      default DIST: dist/
#
# Needs Python 3.11+ from python.org (a universal2 build makes an app for Intel and Apple silicon
# alike). Python packages go into .venv in the checkout (or $LEADDESK_VENV). To sign and notarise, set
# CODESIGN_IDENTITY ("Developer ID Application: …") and NOTARY_PROFILE (a `xcrun notarytool
# store-credentials` profile); without them the app is ad-hoc signed and Gatekeeper asks once.
set -euo pipefail
cd "$(dirname "$0")/.."
DIST=${1:-dist}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

VENV=${LEADDESK_VENV:-.venv}
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
PYTHON="$VENV/bin/python"
"$PYTHON" -m pip install -q --upgrade pip
"$PYTHON" -m pip install -q -e '.[package]'
VERSION=$("$PYTHON" -c 'import re,pathlib; print(re.search(r"__version__ = \"(.+)\"", pathlib.Path("src/leaddesk/__init__.py").read_text())[1])')

"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "$WORK" packaging/leaddesk.spec
APP="$DIST/LeadDesk.app"

# Smoke test: open the window offscreen on the demo data and quit.
LEADDESK_SMOKE_TEST=1 QT_QPA_PLATFORM=offscreen LEADDESK_DATA_DIR="$WORK/data" \
  LEADDESK_CONFIG_DIR="$WORK/config" "$APP/Contents/MacOS/LeadDesk" demo

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  codesign --force --deep --options runtime --timestamp --sign "$CODESIGN_IDENTITY" "$APP"
else
  codesign --force --deep --sign - "$APP"
fi

DMG="$DIST/LeadDesk-$VERSION-macos.dmg"
rm -f "$DMG"
hdiutil create -volname "LeadDesk $VERSION" -srcfolder "$APP" -ov -format UDZO "$DMG"
if [ -n "${CODESIGN_IDENTITY:-}" ] && [ -n "${NOTARY_PROFILE:-}" ]; then
  codesign --sign "$CODESIGN_IDENTITY" --timestamp "$DMG"
  xcrun notarytool submit "$DMG" --keychain-profile "$NOTARY_PROFILE" --wait
  xcrun stapler staple "$DMG"
fi
du -sh "$APP" "$DMG"
