#!/usr/bin/env bash
# Open-loop drivers A/B (issue #9 tail): one IVF1024 nprobe 1 server on the peers' 100k × 64 set,
# then `bench run --connections 8 --open-fraction 0.7` alternating --open-loop-driver epoll and
# threads, ROUNDS times each. Prints open-loop p99 and client send-lag p99 per run, and load average.
# Env: DATA, WORK (as run_server_targets.sh; the snapshot must exist there), ROUNDS (3), DURATION (3),
# DRIVERS ("epoll threads"), BIN (release m2grl of this tree).
set -u
cd "$(dirname "$0")/.."
DATA="${DATA:-/tmp/m2grl-peers/data/n100000-d64-q2000}"
WORK="$(realpath -m "${WORK:-/tmp/m2grl-server-bench}")"
ROUNDS="${ROUNDS:-3}" DURATION="${DURATION:-3}" DRIVERS="${DRIVERS:-epoll threads epoll-spin}"
BIN="${BIN:-$(swift build -c release --show-bin-path)/m2grl}"
root="$WORK/snap-IVF1024-$(basename "$DATA")"
[[ -e "$root/current" ]] || "$BIN" bench snapshot --vectors "$DATA/base.f32" --snapshots "$root" --factory IVF1024,Flat --nprobe 1 >&2 || exit 1
log="$WORK/openloop-serve.log"
(cd "$WORK" && exec "$BIN" serve --snapshot "$root" --port 0 --log-level info 2> "$log") & pid=$!
trap 'kill $pid 2>/dev/null' EXIT INT TERM
for _ in $(seq 300); do port="$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$log" | head -1)"; [[ -n "$port" ]] && break; sleep 0.1; done
[[ -n "$port" ]] || { cat "$log" >&2; exit 1; }
for r in $(seq "$ROUNDS"); do
  for d in $DRIVERS; do
    json="$WORK/openloop-$d-r$r.json"
    "$BIN" bench run --port "$port" --queries "$DATA/queries.f32" --ground-truth "$DATA/groundtruth.tsv" --snapshot "$root" \
      --index IVF1024 --connections 8 --duration "$DURATION" --open-fraction 0.7 --open-loop-driver "$d" --json "$json" \
      > "$WORK/openloop-$d-r$r.txt" 2>&1 || { cat "$WORK/openloop-$d-r$r.txt" >&2; exit 1; }
    python3 - "$json" "$d" "$r" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
o = [x for x in doc["runs"] if x["mode"] == "open"][0]
c = [x for x in doc["runs"] if x["mode"] == "closed" and x["clients"] > 1][0]
print(f"{sys.argv[2]:7} r{sys.argv[3]}  peak {c['qps']:8.0f}/s  open {o['qps']:8.0f}/s (target {o['target_qps']:.0f})  "
      f"p50 {o['latency_us']['p50']:7.1f}  p99 {o['latency_us']['p99']:8.1f} us  send-lag p99 {o['send_lag_us']['p99']:7.1f} us  "
      f"client CPU {o.get('client_cpu_s', 0):.2f} s/{o['duration_s']:.1f} s  driver {o.get('open_loop_driver')}  load {doc['machine']['loadavg']}")
PY
  done
done
