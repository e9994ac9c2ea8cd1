#!/usr/bin/env bash
# Hand-off spinning A/B (spin_us / loop_spin_us): one release binary, one server per setting on the
# same snapshot, rounds alternate between them so machine load hits every setting alike. Prints
# per round: in-process floor p50, 1×1 p50 and its excess over the floor, 8×1 QPS and p50.
#
#   Benchmarks/run_spin_ab.sh                          # IVF1024 snapshot, off vs default, 4 rounds
#   NAME=HNSW32 MODES="off worker loop both" ROUNDS=3 Benchmarks/run_spin_ab.sh
#
# Needs the snapshots made by Benchmarks/run_server_bench.sh ($WORK/snap-NAME-<dataset>) and a
# release build (`swift build -c release --product m2grl`).
set -u
cd "$(dirname "$0")/.."
M="$(swift build -c release --show-bin-path)/m2grl"
DATA="${DATA:-/tmp/m2grl-peers/data/n100000-d64-q2000}"
WORK="${WORK:-/tmp/m2grl-server-bench}"
NAME="${NAME:-IVF1024}"
ROOT="$WORK/snap-$NAME-$(basename "$DATA")"
LOGS="$WORK/spin-ab-$NAME"; mkdir -p "$LOGS"
declare -A envs=(
  [off]="M2GRL_SERVER_SPIN_US=0 M2GRL_SERVER_LOOP_SPIN_US=0"
  [worker]="M2GRL_SERVER_LOOP_SPIN_US=0"
  [loop]="M2GRL_SERVER_SPIN_US=0"
  [both]="M2GRL_SERVER_SPIN_US=50 M2GRL_SERVER_LOOP_SPIN_US=200"
  [big]="M2GRL_SERVER_SPIN_US=100 M2GRL_SERVER_LOOP_SPIN_US=500"
)
MODES="${MODES:-off both}"
declare -A ports; pids=()
for m in $MODES; do
  env ${envs[$m]} "$M" serve --snapshot "$ROOT" --port 0 --log-level info 2> "$LOGS/$m.log" & pids+=($!)
done
trap 'kill "${pids[@]}" 2>/dev/null' EXIT INT TERM
sleep 3
for m in $MODES; do ports[$m]=$(sed -n 's/.*127.0.0.1:\([0-9][0-9]*\).*/\1/p' "$LOGS/$m.log" | head -1); done
for r in $(seq "${ROUNDS:-4}"); do
  for m in $MODES; do
    out=$("$M" bench run --port "${ports[$m]}" --queries "$DATA/queries.f32" --snapshot "$ROOT" --index "$NAME" \
          --connections 8 --duration "${DURATION:-3}" 2>&1)
    floor=$(echo "$out" | sed -n 's/.*in-process.*p50 \([0-9.]*\) µs.*/\1/p')
    p1=$(echo "$out" | grep -A1 "closed 1×1" | sed -n 's/.*vector p50 *\([0-9.]*\).*/\1/p')
    q8=$(echo "$out" | sed -n 's/closed 8×1 *\([0-9]*\) QPS.*/\1/p')
    p8=$(echo "$out" | grep -A1 "closed 8×1" | sed -n 's/.*vector p50 *\([0-9.]*\).*/\1/p')
    echo "r$r $m load=$(cut -d' ' -f1 /proc/loadavg) floor=$floor 1x1p50=$p1 excess=$(echo "$p1 - $floor" | bc) 8x1QPS=$q8 8x1p50=$p8"
  done
done
