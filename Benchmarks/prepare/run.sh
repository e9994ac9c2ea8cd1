#!/usr/bin/env bash
# Benchmark of the data pipeline on a synthetic log: `m2grl synth` then `m2grl prepare`
# (one split, and the default valid + test), reporting wall time, events/s and peak RSS.
#
#   Benchmarks/prepare/run.sh [EVENTS]        # default 10,000,000 events
#   WORK=/tmp/dir KEEP=1 Benchmarks/prepare/run.sh 1000000
#
# Runs pinned to one core (taskset -c 0) when taskset exists. Needs ~1 GB free in $WORK per
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
  /usr/bin/time -f '%M' -o "$WORK/rss" "$@" >"$WORK/out.txt"
  t1=$(date +%s.%N)
  rss=$(cat "$WORK/rss")
  python3 - "$label" "$t0" "$t1" "$rss" "$EVENTS" <<'PY'
import sys
label, t0, t1, rss, n = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
s = t1 - t0
print(f"{label:<28} {s:7.2f} s  {n / s / 1e6:6.2f} M events/s  peak RSS {rss / 1024:7.1f} MiB")
PY
}

echo "events: $EVENTS, binary: $BIN, pinned: ${PIN[*]:-no}"
measure "synth (write TSV)" "${PIN[@]}" "$BIN" synth --events "$EVENTS" --days 7 --out "$LOG" --quiet
echo "log size: $(du -h "$LOG" | cut -f1)"
measure "prepare --split test" "${PIN[@]}" "$BIN" prepare --input "$LOG" --out "$WORK/out" --split test --quiet
grep -E '^read|^cleaned|^total' "$WORK/out.txt" | sed 's/^/    /'
measure "prepare (valid + test)" "${PIN[@]}" "$BIN" prepare --input "$LOG" --out "$WORK/out" --quiet
grep -E '^total' "$WORK/out.txt" | sed 's/^/    /'
du -sh "$WORK/out/test" | sed 's/^/    dataset size: /'
[[ "${KEEP:-0}" == 1 ]] || rm -rf "$LOG" "$WORK/out"
