#!/usr/bin/env bash
# Benchmark of `m2grl prepare` on a synthetic log (`m2grl synth`), one core, CPU-time rates.
#
#   Benchmarks/prepare/run.sh [EVENTS]                  # default 10,000,000 events, 3 rounds
#   BASE=/tmp/m2grl-main Benchmarks/prepare/run.sh      # A/B: alternate with another binary
#   ROUNDS=5 SYNTH_ARGS="--items 200000" Benchmarks/prepare/run.sh
#   BIN=/path/to/m2grl ...   (skip the release build)   BOTH=1 ... (also time valid + test)
#   WORK=/tmp/dir KEEP=1 ... (keep the log and outputs)
#
# Each round runs `prepare --split test` (read + parse + clean + group + sessions + views +
# graphs + relations + split + write), pinned to one core (taskset -c 0) when taskset exists.
# Rates are events per CPU-second (user + sys of the whole process, from /usr/bin/time), so a
# busy machine inflates wall time but not (much) the rate; the median round is reported. Phase
# CPU times come from the run's stats.json. The last line is a one-line summary:
#   SUMMARY prepare N events: R M events/CPU-s end to end (...phases...), peak RSS M MiB
# With BASE, runs alternate B, A, B, A, ... and the summary adds the ratio A/B of the medians.
# Needs ~1 GB free in $WORK per 10M events; takes ~2–4 minutes for 10M events and 3 rounds.
set -euo pipefail
cd "$(dirname "$0")/../.."
EVENTS=${1:-10000000}
ROUNDS=${ROUNDS:-3}
WORK=${WORK:-/tmp/m2grl-bench-prepare}
PIN=()
command -v taskset >/dev/null && PIN=(taskset -c 0)

if [[ -z "${BIN:-}" ]]; then
  swift build -c release --product m2grl >&2
  BIN="$(swift build -c release --show-bin-path)/m2grl"
fi
mkdir -p "$WORK"
SYNTH_ARGS=${SYNTH_ARGS:-}
LOG="$WORK/synth-$EVENTS${SYNTH_ARGS// /}.tsv"

# run LABEL BINARY ARGS...: one timed prepare; appends "label cpu rss read group build write" to $WORK/rounds.
run() {
  local label=$1 bin=$2; shift 2
  rm -rf "$WORK/out-$label"
  /usr/bin/time -f '%M %U %S %e' -o "$WORK/time" "${PIN[@]}" "$bin" prepare --input "$LOG" --out "$WORK/out-$label" --quiet "$@" >"$WORK/out.txt"
  python3 - "$label" "$WORK/time" "$WORK/out-$label/stats.json" "$EVENTS" >>"$WORK/rounds" <<'PY'
import json, sys
label, timefile, statsfile, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
rss, user, sys_, wall = open(timefile).read().split()
s = json.load(open(statsfile))
build = sum(x.get("buildCPUSeconds", 0) for x in s["splits"])
write = sum(x.get("writeCPUSeconds", 0) for x in s["splits"])
print(label, float(user) + float(sys_), int(rss), s["input"]["cpuSeconds"], s["groupCPUSeconds"], build, write, float(wall))
PY
  tail -1 "$WORK/rounds" | awk -v n="$EVENTS" '{printf "  %-5s cpu %6.2f s (%5.2f M events/CPU-s)  read %5.2f  group %5.2f  build %5.2f  write %5.2f  wall %6.2f s  peak RSS %6.0f MiB\n", $1, $2, n/$2/1e6, $4, $5, $6, $7, $8, $3/1024}'
}

echo "events: $EVENTS, binary: $BIN${BASE:+, base: $BASE}, pinned: ${PIN[*]:-no}, load: $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ ! -s "$LOG" ]]; then
  "${PIN[@]}" "$BIN" synth --events "$EVENTS" --days 7 ${SYNTH_ARGS:-} --out "$LOG" --quiet
fi
echo "log: $(du -hL "$LOG" | cut -f1) ($LOG)"
: >"$WORK/rounds"
for ((r = 1; r <= ROUNDS; r++)); do
  [[ -n "${BASE:-}" ]] && run base "$BASE" --split test
  run new "$BIN" --split test
done
if [[ -n "${BASE:-}" ]]; then
  # Files both write must be identical; a format change may add or leave out files.
  common=$(comm -12 <(ls "$WORK/out-base/test" | grep -v -e stats.json -e manifest.json) \
                    <(ls "$WORK/out-new/test" | grep -v -e stats.json -e manifest.json))
  if cmp -s <(cd "$WORK/out-base/test" && sha256sum $common) <(cd "$WORK/out-new/test" && sha256sum $common); then
    echo "  dataset files: the $(echo $common | wc -w) both write are identical to base"
  else
    echo "  dataset files: DIFFER from base"
  fi
  only=$(comm -3 <(ls "$WORK/out-base/test") <(ls "$WORK/out-new/test") | tr -d '\t' | tr '\n' ' ')
  [[ -n "$only" ]] && echo "  files written by only one of them: $only"
fi
if [[ "${BOTH:-0}" == 1 ]]; then
  run both "$BIN"
  echo "  (both = default splits valid + test)"
fi
echo "  dataset size: $(du -sh "$WORK/out-new/test" | cut -f1)"
python3 - "$WORK/rounds" "$EVENTS" "${BASE:-}" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
n, base = int(sys.argv[2]), sys.argv[3]
def med(label):
    rs = [list(map(float, r[1:])) for r in rows if r[0] == label]
    rs.sort(key=lambda r: r[0])
    return rs[len(rs) // 2] if rs else None
new = med("new")
cpu, rss, read, group, build, write, wall = new
line = (f"SUMMARY prepare {n} events: {n / cpu / 1e6:.2f} M events/CPU-s end to end ({cpu:.2f} CPU-s, median of "
        f"{sum(r[0] == 'new' for r in rows)}); phases CPU-s: read+parse+clean {read:.2f} ({n / read / 1e6:.2f} M lines/CPU-s), "
        f"group {group:.2f}, sessions+views+graphs+splits {build:.2f}, write {write:.2f}; peak RSS {rss / 1024:.0f} MiB")
b = med("base")
if b:
    line += f"; base {n / b[0] / 1e6:.2f} M events/CPU-s, ratio {b[0] / cpu:.2f}x"
print(line)
PY
[[ "${KEEP:-0}" == 1 ]] || rm -rf "$LOG" "$WORK"/out-*
