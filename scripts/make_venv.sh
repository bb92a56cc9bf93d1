#!/usr/bin/env bash
# Creates .venv and installs the pinned requirements. Called by make on first use
# and whenever requirements.txt changes. Fails with a message naming what is missing.
set -eu
venv=${1:-.venv}
py=${PYTHON:-python3}
if ! command -v "$py" >/dev/null 2>&1; then
    echo "ERROR: $py not found. Install Python 3.10+ (Debian: apt-get install python3 python3-venv)." >&2
    exit 1
fi
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
    echo "ERROR: Python 3.10 or newer is needed, found $("$py" --version 2>&1)." >&2
    exit 1
fi
if [ ! -x "$venv/bin/python" ]; then
    if ! "$py" -m venv "$venv" 2>/dev/null; then
        rm -rf "$venv"
        if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
            echo "make_venv: installing python3-venv with apt-get" >&2
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
            "$py" -m venv "$venv"
        else
            echo "ERROR: '$py -m venv' failed. Install the venv module (Debian: sudo apt-get install python3-venv)." >&2
            exit 1
        fi
    fi
fi
"$venv/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
if ! "$venv/bin/python" -m pip install -q -r requirements.txt; then
    echo "ERROR: pip could not install requirements.txt (is PyPI reachable?)." >&2
    exit 1
fi
