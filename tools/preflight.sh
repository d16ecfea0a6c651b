#!/usr/bin/env bash
# Checks `make test` runs before spending minutes on tests: the Python the pins are
# made for, and the browser the browser test drives (installed here when possible).
# Usage: tools/preflight.sh PYTHON [--browser]
set -euo pipefail
PYTHON="${1:-python3}"
want="3.11"
have="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo none)"
if [ "$have" != "$want" ]; then
  echo "The pinned environment (requirements.txt) is made for Python $want; $PYTHON is Python $have." >&2
  echo "Run with a Python $want interpreter, e.g.  make test PYTHON=python$want" >&2
  echo "(if a .venv made by another Python exists, remove it first: rm -rf .venv)" >&2
  exit 1
fi
if [ -x .venv/bin/python ]; then
  venv="$(.venv/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  if [ "$venv" != "$want" ]; then
    echo ".venv was made with Python $venv; the pins are for $want. Remove it (rm -rf .venv) and rerun." >&2
    exit 1
  fi
fi
[ "${2:-}" = "--browser" ] || exit 0
# make test also needs: Chromium (browser test; fonts-noto-cjk so its screenshots show the
# Korean terms as a reader sees them) and npm (JupyterHub's proxy for the hub test).
missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
# A Korean font (the browser test checks that the glossary's Hangul is drawn with one).
{ command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=ko 2>/dev/null | head -n 1)" ]; } || missing+=(fonts-noto-cjk)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
[ "${#missing[@]}" = 0 ] && exit 0
install=(apt-get install -y -q --no-install-recommends "${missing[@]}")
if [ "$(id -u)" = "0" ]; then SUDO=(); elif sudo -n true 2>/dev/null; then SUDO=(sudo -n); else SUDO=(none); fi
if [ "${SUDO[0]:-}" != "none" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} (Debian packages) for the browser and hub tests..."
  "${SUDO[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" "${install[@]}"
  exit 0
fi
echo "make test needs ${missing[*]}, not installed and not installable from here (no root or sudo)." >&2
echo "Install with:  sudo apt-get install ${missing[*]}   (then run make test again)" >&2
echo "or run the tests that need no browser:  make unit" >&2
exit 1
