#!/usr/bin/env bash
# LeadDesk from a source checkout, on Debian/Ubuntu (other systems: install the libraries by hand).
#
#   bash packaging/dev.sh run [ARGS]   install LeadDesk into .venv and launch it (the demo by default)
#   bash packaging/dev.sh test [ARGS]  install everything the tests need; run ruff, mypy and pytest
#                                     (all of it, the slow packaging tests that build the bundle too)
#   bash packaging/dev.sh mutate [--retry] [MODULE…]  the mutation run over the modules that guard
#                                     data (all in priority order, or e.g. ingest.store), then the
#                                     score per module; --retry re-runs only the surviving mutants
#                                     (after adding tests). Slow, never in CI (docs/MUTATION.md)
#
# System packages are installed with apt-get when missing (as root, or through sudo); Python
# packages go into the virtual environment $LEADDESK_VENV (default: .venv in the checkout).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${LEADDESK_VENV:-.venv}
PYTHON=${PYTHON:-python3}

# What Qt's xcb platform plugin loads; a fresh server or CI image lacks several of them.
QT_RUNTIME="libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1
  libdbus-1-3"
# Real servers the integration tests start on loopback; chattr (e2fsprogs) locks a directory
# against root for the read-only location test.
TEST_SERVERS="postgresql dovecot-imapd openssl gnome-keyring dbus e2fsprogs"
# What the packaging tests build and check installers with (tests/packaging).
PACKAGING_TOOLS="desktop-file-utils appstream binutils"

say() { printf 'leaddesk-dev: %s\n' "$*" >&2; }

missing_debs() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || printf '%s ' "$p"
  done
}

apt_install() {
  command -v dpkg-query >/dev/null || { say "not Debian/Ubuntu: make sure these are installed: $*"; return 0; }
  local missing; missing=$(missing_debs "$@")
  [ -z "$missing" ] && return 0
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null; then sudo="sudo"; else
      say "please install (as root): apt-get install $missing"; return 1; fi
  fi
  say "installing system packages: $missing"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # shellcheck disable=SC2086
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

make_venv() {
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    say "LeadDesk needs Python 3.11 or newer; $PYTHON is $("$PYTHON" --version 2>&1)"; exit 1
  fi
  "$PYTHON" -c 'import ensurepip' 2>/dev/null || apt_install python3-venv
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
}

case "${1:-}" in
run)
  shift
  # shellcheck disable=SC2086
  apt_install $QT_RUNTIME
  make_venv
  "$VENV/bin/python" -m pip install -q -e .
  # Without arguments: the demo, so a newcomer sees real-looking leads at once.
  if [ $# -eq 0 ]; then set -- demo; fi
  exec "$VENV/bin/leaddesk" "$@"
  ;;
test)
  shift
  # shellcheck disable=SC2086
  apt_install $QT_RUNTIME $TEST_SERVERS $PACKAGING_TOOLS
  make_venv
  "$VENV/bin/python" -m pip install -q -e '.[test,package]'
  say "ruff"; "$VENV/bin/ruff" check src tests bench
  say "mypy"; "$VENV/bin/mypy"
  say "pytest"
  # On CI a missing PostgreSQL is a failure, not a skip.
  if [ -n "${CI:-}" ]; then export LEADDESK_REQUIRE_PG=1; fi
  export QT_QPA_PLATFORM=offscreen
  # In $LEADDESK_TEST_WORKERS processes (default 2; `-n 0` among ARGS runs in this one): the
  # suite mostly waits on its real servers, and a file's tests stay in one process (--dist
  # loadfile), so each file starts its servers and builds its bundle once.
  exec "$VENV/bin/python" -m pytest -n "${LEADDESK_TEST_WORKERS:-2}" --dist loadfile "$@"
  ;;
mutate)
  shift
  retry=""
  if [ "${1:-}" = "--retry" ]; then retry=1; shift; fi
  # shellcheck disable=SC2086
  apt_install $QT_RUNTIME $TEST_SERVERS
  make_venv
  "$VENV/bin/python" -m pip install -q -e '.[test,mutate]'
  modules=$("$VENV/bin/python" packaging/mutate.py modules "$@")  # refuses unknown names
  venv=$(cd "$VENV" && pwd)
  export QT_QPA_PLATFORM=offscreen
  for module in $modules; do
    # Each module in its own .mutate/MODULE/ (see packaging/mutate.py). mutmut keeps results
    # there: a second run tries only mutants without one, --retry the survivors again.
    dir=$("$venv/bin/python" packaging/mutate.py prepare "$module")
    names=$("$venv/bin/python" packaging/mutate.py scope "$module")
    if [ -n "$retry" ]; then
      names=$("$venv/bin/python" packaging/mutate.py survivors "$module")
      [ -z "$names" ] && continue
    fi
    say "mutating $module"
    # shellcheck disable=SC2086
    (cd "$dir" && "$venv/bin/mutmut" run $names >run.log 2>&1) \
      || say "mutmut stopped on $module: see $dir/run.log"
    "$venv/bin/python" packaging/mutate.py report "$module" | tail -n 1
  done
  # shellcheck disable=SC2086
  "$venv/bin/python" packaging/mutate.py report $modules
  ;;
*)
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
