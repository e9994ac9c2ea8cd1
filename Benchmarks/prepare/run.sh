#!/usr/bin/env bash
# Benchmark of the data pipeline on a synthetic log: `m2grl synth` then `m2grl prepare`
# (one split, and the default valid + test), reporting wall time, events/s and peak RSS.
#
#   Benchmarks/prepare/run.sh [EVENTS]        # default 10,000,000 events
#   WORK=/tmp/dir KEEP=1 Benchmarks/prepare/run.sh 1000000
#   SYNTH_ARGS="--items 200000" Benchmarks/prepare/run.sh   # a smaller catalogue
#
# "wall" rates depend on how busy the machine is; "cpu" rates (user + sys time) are the
# single-core figure on a shared box. Runs pinned to one core (taskset -c 0) when taskset exists. Needs ~1 GB free in $WORK per
# 10M events. The log is removed afterwards unless KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/../.."
EVENTS=${1:-10000000}
WORK=${WORK:-/tmp/m2grl-bench-prepare}
PIN=()
command -v taskset >/dev/null && PIN=(taskset -c 0)

swift build -c release --product m2grl >&2
BIN="$(swift build -c release --show-bin-path)/m2grl"
mkdir -p "$WORK"
LOG="$WORK/synth-$EVENTS.tsv"

measure() {  # label, command...
  local label=$1; shift
  local t0 t1 rss
  t0=$(date +%s.%N)
  /usr/bin/time -f '%M %U %S' -o "$WORK/rss" "$@" >"$WORK/out.txt"
  t1=$(date +%s.%N)
  read -r rss user sys <"$WORK/rss"
  python3 - "$label" "$t0" "$t1" "$rss" "$EVENTS" "$user" "$sys" <<'PY'
import sys
label, t0, t1, rss, n = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
cpu = float(sys.argv[6]) + float(sys.argv[7])
s = t1 - t0
print(f"{label:<24} wall {s:6.2f} s ({n / s / 1e6:5.2f} M events/s)  cpu {cpu:6.2f} s ({n / cpu / 1e6:5.2f} M events/cpu-s)  peak RSS {rss / 1024:7.1f} MiB")
PY
}

echo "events: $EVENTS, binary: $BIN, pinned: ${PIN[*]:-no}, load: $(cut -d' ' -f1-3 /proc/loadavg)"
measure "synth (write TSV)" "${PIN[@]}" "$BIN" synth --events "$EVENTS" --days 7 ${SYNTH_ARGS:-} --out "$LOG" --quiet
echo "log size: $(du -h "$LOG" | cut -f1)"
measure "prepare --split test" "${PIN[@]}" "$BIN" prepare --input "$LOG" --out "$WORK/out" --split test --quiet
grep -E '^read|^cleaned|built in|^total' "$WORK/out.txt" | sed 's/^/    /'
measure "prepare (valid + test)" "${PIN[@]}" "$BIN" prepare --input "$LOG" --out "$WORK/out" --quiet
grep -E '^total' "$WORK/out.txt" | sed 's/^/    /'
du -sh "$WORK/out/test" | sed 's/^/    dataset size: /'
[[ "${KEEP:-0}" == 1 ]] || rm -rf "$LOG" "$WORK/out"
