#!/usr/bin/env bash
# Checks for the simulator the tests need (Icarus Verilog: iverilog + vvp).
# Installs it with apt-get where we may (root or passwordless sudo); otherwise
# stops with a message that names what is missing and how to get it.
set -u
missing=()
for t in iverilog vvp; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "check_tools: missing: ${missing[*]} (package: iverilog)" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && sudo="sudo -n"
if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; }; then
    echo "check_tools: installing iverilog with apt-get" >&2
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq iverilog >&2
fi
for t in iverilog vvp; do
    if ! command -v "$t" >/dev/null 2>&1; then
        echo "ERROR: '$t' not found. Install Icarus Verilog 11 or newer:" >&2
        echo "  Debian/Ubuntu: sudo apt-get install iverilog" >&2
        echo "  macOS:         brew install icarus-verilog" >&2
        exit 1
    fi
done
echo "check_tools: $(iverilog -V 2>&1 | head -1)" >&2
