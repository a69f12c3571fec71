#!/bin/sh
# Install the `mlops-scaffold` command from this clone, with its runtime dependencies only:
# `uv tool install` into ~/.local/bin (uv's tool folder). uv comes first if it is missing,
# in a way that works where pip refuses to touch the system Python (PEP 668: Debian 12,
# Ubuntu 24.04): a virtualenv of its own, else pip's user site.
#
#   sh install.sh            uv if needed, then the mlops-scaffold command
#   sh install.sh --uv-only  uv only (what the test suite needs: `uv run pytest`)
set -eu
cd "$(dirname "$0")"

bin="${UV_TOOL_BIN_DIR:-${XDG_BIN_HOME:-$HOME/.local/bin}}"
home="${XDG_DATA_HOME:-$HOME/.local/share}/mlops-scaffold"
say() { printf 'install.sh: %s\n' "$*" >&2; }

find_uv() {
  for candidate in uv "$bin/uv" "$HOME/.local/bin/uv" "$home/uv-venv/bin/uv"; do
    if command -v "$candidate" >/dev/null 2>&1; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

install_uv() {
  python=$(command -v python3 || command -v python) || {
    say "no python3 found: install Python 3.10 or newer first"
    exit 1
  }
  mkdir -p "$bin"
  if "$python" -m venv "$home/uv-venv" >/dev/null 2>&1 &&
    "$home/uv-venv/bin/python" -m pip install --quiet --disable-pip-version-check uv; then
    ln -sf "$home/uv-venv/bin/uv" "$bin/uv"
    return 0
  fi
  rm -rf "$home/uv-venv"
  if command -v pipx >/dev/null 2>&1 && pipx install --quiet uv; then
    return 0
  fi
  # No venv module (Debian without python3-venv): pip's user site, which PEP 668 systems
  # allow only when asked explicitly. It touches ~/.local only, never the system packages.
  if "$python" -m pip install --user --quiet --disable-pip-version-check uv 2>/dev/null ||
    "$python" -m pip install --user --quiet --disable-pip-version-check \
      --break-system-packages uv; then
    return 0
  fi
  say "could not install uv: install python3-venv (or pipx), or uv itself, then run this again"
  exit 1
}

uv=$(find_uv) || {
  say "installing uv"
  install_uv
  uv=$(find_uv) || {
    say "uv was installed but is not found in $bin or on PATH"
    exit 1
  }
}
[ "${1:-}" = "--uv-only" ] && exit 0

# The machine's own Python, never a download; bytecode compiled once, at install.
# --reinstall-package: the same version rebuilt from a newer commit carries a newer template.
UV_PYTHON_DOWNLOADS="${UV_PYTHON_DOWNLOADS:-never}" "$uv" tool install --quiet --force \
  --compile-bytecode --reinstall-package mlops-scaffold .
case ":$PATH:" in
*":$bin:"*) say "installed: $(command -v mlops-scaffold)" ;;
*) say "installed: $bin/mlops-scaffold ($bin is not on PATH: run 'export PATH=\"$bin:\$PATH\"', or 'uv tool update-shell' for new shells)" ;;
esac
