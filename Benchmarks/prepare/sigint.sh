#!/usr/bin/env bash
# Ctrl-C latency of `m2grl prepare`: runs `prepare --split test` on LOG (pinned to one core) and
# sends SIGINT after each DELAY seconds; prints the time from the signal to the process' exit,
# the exit code (130 = interrupted), and whether a staging directory `OUT/.prepare-PID` was left.
#
#   Benchmarks/prepare/sigint.sh BIN LOG DELAY...
#   Benchmarks/prepare/sigint.sh .build/release/m2grl /tmp/synth-10000000.tsv 1 2 2.5 3 3.5 4 4.5
#
# A run that finished before its delay prints "finished". The output directory holds a previous
# complete run (made first), so "previous splits untouched" is checked too (manifests compared).
set -uo pipefail
BIN=$1 LOG=$2; shift 2
WORK=${WORK:-/tmp/m2grl-bench-sigint}
PIN=()
command -v taskset >/dev/null && PIN=(taskset -c 0)
mkdir -p "$WORK"
OUT="$WORK/out"
if [[ ! -s "$OUT/test/manifest.json" ]]; then
  rm -rf "$OUT"
  "${PIN[@]}" "$BIN" prepare --input "$LOG" --out "$OUT" --split test --quiet >/dev/null
fi
before=$(sha256sum "$OUT/test/manifest.json" "$OUT/stats.json")
max=0
for d in "$@"; do
  "${PIN[@]}" "$BIN" prepare --input "$LOG" --out "$OUT" --split test --quiet >/dev/null 2>"$WORK/err" &
  pid=$!
  sleep "$d"
  t0=$(date +%s.%N)
  if ! kill -INT "$pid" 2>/dev/null; then
    wait "$pid"; echo "delay $d s: finished before the signal"
    before=$(sha256sum "$OUT/test/manifest.json" "$OUT/stats.json"); continue
  fi
  wait "$pid"; rc=$?
  t1=$(date +%s.%N)
  latency=$(echo "$t1 - $t0" | bc)
  left=$(find "$OUT" -maxdepth 1 -name '.prepare-*' | wc -l)
  same=$([[ "$(sha256sum "$OUT/test/manifest.json" "$OUT/stats.json")" == "$before" ]] && echo yes || echo NO)
  printf "delay %5.2f s  latency %6.3f s  exit %d  staging left %d  previous output untouched %s\n" "$d" "$latency" "$rc" "$left" "$same"
  max=$(echo "if ($latency > $max) $latency else $max" | bc)
  [[ $rc == 0 ]] && before=$(sha256sum "$OUT/test/manifest.json" "$OUT/stats.json")
done
echo "SUMMARY max latency $max s over $# signals"
