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
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
# fonts-noto-cjk: the screenshots of the browser test show the Korean terms as a reader sees them.
install=(apt-get install -y -q --no-install-recommends chromium chromium-driver fonts-noto-cjk)
if [ "$(id -u)" = "0" ]; then SUDO=(); elif sudo -n true 2>/dev/null; then SUDO=(sudo -n); else SUDO=(none); fi
if [ "${SUDO[0]:-}" != "none" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium for the browser test (Debian's chromium package)..."
  "${SUDO[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" "${install[@]}"
  exit 0
fi
echo "The browser test needs Chromium, which is not installed and cannot be installed from here." >&2
echo "Install it with:  sudo apt-get install chromium chromium-driver   (then run make test again)" >&2
echo "or run the tests that need no browser:  make unit" >&2
exit 1
