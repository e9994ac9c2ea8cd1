#!/usr/bin/env bash
# Server latency benchmark (issue #9): builds release, publishes synthetic snapshots from the peers'
# dataset (same vectors, queries and ground truth as Redis Stack / Milvus Lite / faiss-cpu), starts
# `m2grl serve` on 127.0.0.1 with a free port, runs `m2grl bench` (recall, in-process floor, closed
# loop 1×1 and C×P, open loop at 70 % of the closed-loop peak, PING vs a bare libuv echo), stops it.
#
#   Benchmarks/run_server_bench.sh                       # Flat, HNSW32, IVF on n100000-d64
#   INDEXES="HNSW32" DURATION=8 Benchmarks/run_server_bench.sh
#   DATA=/tmp/m2grl-peers/data/n1000000-d64-q2000 Benchmarks/run_server_bench.sh
#
# Env: DATA (folder with base.f32, queries.f32, groundtruth.tsv; made by Benchmarks/peers/make_dataset.py),
# WORK (scratch, default /tmp/m2grl-server-bench), OUT (JSON folder, default Benchmarks/results/server),
# INDEXES, CONNECTIONS (8), PIPELINE (1), DURATION (s, 5), MIX (vector), OPEN (0.7), EXTRA (more bench flags), CLIENT_POLL_US (one-connection client busy-poll, 200; 0 = blocking),
# SERVE_ENV (extra environment for the server, e.g. M2GRL_SERVER_MICRO_BATCH_JOBS=1).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${DATA:-/tmp/m2grl-peers/data/n100000-d64-q2000}"
WORK="${WORK:-/tmp/m2grl-server-bench}"
OUT="${OUT:-Benchmarks/results/server}"
INDEXES="${INDEXES:-Flat HNSW32 IVF1024,Flat}"
CONNECTIONS="${CONNECTIONS:-8}" PIPELINE="${PIPELINE:-1}" DURATION="${DURATION:-5}" MIX="${MIX:-vector}" OPEN="${OPEN:-0.7}"
mkdir -p "$WORK" "$OUT"
for f in base.f32 queries.f32 groundtruth.tsv; do
  [[ -f "$DATA/$f" ]] || { echo "missing $DATA/$f: run Benchmarks/peers/make_dataset.py (see Benchmarks/peers/README.md)" >&2; exit 2; }
done

echo "== build (release)" >&2
swift build -c release --product m2grl >&2
M2GRL="$(swift build -c release --show-bin-path)/m2grl"
ECHO="$(Benchmarks/echo/build.sh "$WORK/echo-server")"
export M2GRL_GIT_REV="$(git rev-parse --short HEAD)"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

rm -f "$WORK/echo.port"  # a port file left by an earlier run must not be read as this one's
"$ECHO" 0 > "$WORK/echo.port" & pids+=($!)
ECHO_PORT=""
for _ in $(seq 100); do
  ECHO_PORT="$(grep -o '^[0-9][0-9]*' "$WORK/echo.port" 2>/dev/null | head -1 || true)"
  [[ -n "$ECHO_PORT" ]] && break; sleep 0.1
done
[[ -n "$ECHO_PORT" ]] || { echo "echo server did not report its port" >&2; exit 1; }

for factory in $INDEXES; do
  name="${factory%%,*}"
  # The tuning knobs are part of the name: a snapshot built with other parameters is not reused.
  root="$WORK/snap-$name-$(basename "$DATA")${EF_SEARCH:+-ef$EF_SEARCH}${EF_CONSTRUCTION:+-efc$EF_CONSTRUCTION}${NPROBE:+-np$NPROBE}"
  if [[ ! -e "$root/current" ]]; then
    echo "== snapshot $factory from $DATA/base.f32" >&2
    "$M2GRL" bench snapshot --vectors "$DATA/base.f32" --snapshots "$root" --factory "$factory" \
      ${EF_SEARCH:+--ef-search "$EF_SEARCH"} ${NPROBE:+--nprobe "$NPROBE"} ${EF_CONSTRUCTION:+--ef-construction "$EF_CONSTRUCTION"} \
      ${RECALL_FLOOR:+--recall-floor "$RECALL_FLOOR"} >&2
  fi
  log="$WORK/serve-$name.log"
  env ${SERVE_ENV:-} "$M2GRL" serve --snapshot "$root" --port 0 --log-level warning 2> "$log" & serve=$!
  pids+=($serve)
  port=""
  for _ in $(seq 300); do
    port="$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$log" | head -1)"
    [[ -n "$port" ]] && break; sleep 0.1
  done
  [[ -n "$port" ]] || { echo "server did not start:" >&2; cat "$log" >&2; exit 1; }
  echo "== bench $factory on 127.0.0.1:$port (uptime: $(uptime))" >&2
  "$M2GRL" bench run --port "$port" --queries "$DATA/queries.f32" --ground-truth "$DATA/groundtruth.tsv" \
    --snapshot "$root" --index "$name" --connections "$CONNECTIONS" --pipeline "$PIPELINE" --mix "$MIX" \
    --duration "$DURATION" --open-fraction "$OPEN" --echo-port "$ECHO_PORT" \
    --single-busy-poll-us "${CLIENT_POLL_US:-200}" --json "$OUT/m2grl-$name.json" ${EXTRA:-}
  kill -TERM "$serve"; wait "$serve" 2>/dev/null || true
done
