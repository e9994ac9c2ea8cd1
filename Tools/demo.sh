#!/usr/bin/env bash
# The main job end to end on the embedded default data (MovieLens-100K):
#   prepare → train (epochs chosen on valid) → diversity model → export a snapshot
#   → serve it on 127.0.0.1 → query it over the network → stop the server.
# Everything it writes goes to runs/demo (git-ignored); re-running starts afresh.
set -euo pipefail
cd "$(dirname "$0")/.."
./Tools/bootstrap.sh

echo "== building (release)"
swift build -c release --product m2grl
M2GRL="$(swift build -c release --show-bin-path)/m2grl"
RUN=runs/demo
rm -rf "$RUN"
mkdir -p "$RUN"

echo "== prepare: ml-100k → sessions, views, graphs (valid and test splits)"
"$M2GRL" prepare --movielens data/ml-100k --out "$RUN/data"

echo "== train: M2GRL on the test split's train part, epochs selected on valid"
"$M2GRL" train --data "$RUN/data/test" --select-on "$RUN/data/valid" --out "$RUN/model"

echo "== train-diversity: the multi-view metric model on frozen embeddings"
"$M2GRL" train-diversity --model "$RUN/model" --dataset "$RUN/data/test"

echo "== export: one Faiss inner-product index per table, published as snapshots/current"
"$M2GRL" export --bundle "$RUN/model" --snapshots "$RUN/snapshots"
"$M2GRL" inspect "$RUN/snapshots/current" | sed -n 1,40p   # sed reads to the end: no SIGPIPE under pipefail

echo "== neighbors (in-process): Star Wars (1977)"
"$M2GRL" neighbors --snapshot "$RUN/snapshots" --view item --id 50 -k 10

echo "== serve on 127.0.0.1 and query over the network"
"$M2GRL" serve --snapshot "$RUN/snapshots" --host 127.0.0.1 --port 0 > "$RUN/serve.log" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  PORT=$(sed -n 's/.*listening on [0-9.]*:\([0-9][0-9]*\).*/\1/p' "$RUN/serve.log" | head -n 1)
  [[ -n "$PORT" ]] && break
  kill -0 $SERVER 2>/dev/null || { cat "$RUN/serve.log"; exit 1; }
  sleep 0.1
done
[[ -n "${PORT:-}" ]] || { echo "server did not start"; cat "$RUN/serve.log"; exit 1; }
"$M2GRL" query --port "$PORT" --info
"$M2GRL" query --port "$PORT" --view item --id 50 -k 10
"$M2GRL" query --port "$PORT" --view item --id 1 --id 181 -k 5
"$M2GRL" query --port "$PORT" --view category --id 1 -k 5
if "$M2GRL" query --help | grep -q -- "--diverse"; then
  "$M2GRL" query --port "$PORT" --diverse --id 50 -k 10
fi
"$M2GRL" query --port "$PORT" --stats

kill -TERM $SERVER
wait $SERVER
trap - EXIT
echo "== done: server drained and stopped; outputs in $RUN"
