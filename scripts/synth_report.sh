#!/usr/bin/env bash
# Synthesizes one top module with yosys' generic `synth` and reports its cell count.
# Fails if yosys infers a latch. Usage: scripts/synth_report.sh TOP [PARAM=VALUE ...]
# The top's sources are every block's RTL, hdl/<block>/rtl/*.v, as tb/rtl_files.py lists
# them (yosys keeps only what the top uses).
set -euo pipefail
cd "$(dirname "$0")/.."
top=${1:?usage: synth_report.sh TOP [PARAM=VALUE ...]}; shift
command -v yosys >/dev/null || { echo "ERROR: yosys not found (Debian: apt-get install yosys)" >&2; exit 1; }
chparams=""
for p in "$@"; do chparams+="chparam -set ${p%%=*} ${p#*=} $top; "; done
py=.venv/bin/python; [ -x "$py" ] || py=python3
files=$("$py" -m tb.rtl_files sources | tr "\n" " ")
incs=$("$py" -m tb.rtl_files includes | sed 's/^/-I/' | tr "\n" " ")
[ -n "$files" ] || { echo "ERROR: tb/rtl_files.py listed no RTL" >&2; exit 1; }
log=$(mktemp)
yosys -q -p "read_verilog $incs $files; ${chparams} hierarchy -check -top $top; synth -flatten -top $top; select -assert-none t:\$dlatch t:\$_DLATCH_*; tee -o /dev/stdout stat" >"$log" 2>&1 || { cat "$log" >&2; echo "ERROR: yosys synth of $top failed (latch or error above)" >&2; exit 1; }
cells=$(grep -E "Number of cells:" "$log" | tail -1 | awk '{print $4}')
echo "$top $*: $cells cells, no latches"
grep -E '^\s+\$_[A-Z]*DFF[A-Z]*_[A-Z0-9_]*\s' "$log" | awk '{s+=$2} END {print "  flip-flops: " s+0}'
rm -f "$log"
