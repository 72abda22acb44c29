#!/usr/bin/env bash
# Install the unpacked Linux bundle for this user (default) or system-wide, with its menu entry.
#
#   ./install.sh                 into ~/.local (no root needed)
#   sudo ./install.sh /usr/local for every user
#   ./install.sh --uninstall [PREFIX]
#
# Run it from the bundle's folder (leaddesk-VERSION-linux-ARCH.tar.gz unpacked). It copies the
# folder to PREFIX/lib/leaddesk, links PREFIX/bin/leaddesk, and installs the desktop entry
# (org.leaddesk.LeadDesk.desktop), the AppStream metainfo and the icon.
set -euo pipefail
APP_ID=org.leaddesk.LeadDesk
HERE=$(cd "$(dirname "$0")" && pwd)

uninstall=""
if [ "${1:-}" = "--uninstall" ]; then uninstall=1; shift; fi
PREFIX=${1:-$HOME/.local}

APPDIR="$PREFIX/lib/leaddesk"
DESKTOP="$PREFIX/share/applications/$APP_ID.desktop"
METAINFO="$PREFIX/share/metainfo/$APP_ID.metainfo.xml"
ICON="$PREFIX/share/icons/hicolor/scalable/apps/$APP_ID.svg"

refresh() {
  command -v update-desktop-database >/dev/null && update-desktop-database -q "$PREFIX/share/applications" || true
  command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$PREFIX/share/icons/hicolor" || true
}

if [ -n "$uninstall" ]; then
  rm -rf "$APPDIR"
  rm -f "$PREFIX/bin/leaddesk" "$DESKTOP" "$METAINFO" "$ICON"
  refresh
  echo "LeadDesk removed from $PREFIX (your data and settings are kept)"
  exit 0
fi

[ -x "$HERE/leaddesk" ] || { echo "install.sh: run me from the unpacked LeadDesk bundle" >&2; exit 1; }
mkdir -p "$PREFIX/lib" "$PREFIX/bin" "$(dirname "$DESKTOP")" "$(dirname "$METAINFO")" "$(dirname "$ICON")"
if [ "$HERE" != "$APPDIR" ]; then
  rm -rf "$APPDIR.new"
  cp -a "$HERE" "$APPDIR.new"
  rm -rf "$APPDIR"
  mv "$APPDIR.new" "$APPDIR"
fi
ln -sfn "$APPDIR/leaddesk" "$PREFIX/bin/leaddesk"
# The menu entry starts this copy even when PREFIX/bin is not on the desktop session's PATH.
sed -e "s|^Exec=leaddesk|Exec=$APPDIR/leaddesk|" -e "s|^TryExec=leaddesk|TryExec=$APPDIR/leaddesk|" \
  "$HERE/$APP_ID.desktop" > "$DESKTOP"
cp "$HERE/$APP_ID.metainfo.xml" "$METAINFO"
cp "$HERE/_internal/leaddesk/_resources/icons/leaddesk.svg" "$ICON"
refresh
echo "LeadDesk installed in $APPDIR; start it from the menu or with: leaddesk"
