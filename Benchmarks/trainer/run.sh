#!/usr/bin/env bash
# Skip-gram throughput, side by side in one run: the M2GRL trainer (item task only, SGD) against
# gensim 4.4 Word2Vec (sg=1) on the same corpus, d = 64, window 5, 10 negatives, 1 epoch,
# with 1 and 2 threads. gensim is installed into a throwaway venv under /tmp.
#
#   Benchmarks/trainer/run.sh [sessions] [items]
set -euo pipefail
cd "$(dirname "$0")/../.."
SESSIONS=${1:-100000}
ITEMS=${2:-50000}
WORK=${TMPDIR:-/tmp}/m2grl-trainer-bench
VENV=$WORK/gensim-venv
mkdir -p "$WORK"
swift build -c release --product trainer-bench >&2
BENCH=.build/release/trainer-bench
# The same code built for AVX2/FMA (a deployment on known hardware); the default build targets
# baseline x86-64 (SSE2). Skipped when the CPU lacks AVX2.
NATIVE=""
if grep -q avx2 /proc/cpuinfo 2>/dev/null; then
  swift build -c release --product trainer-bench --scratch-path .build-native -Xswiftc -target-cpu -Xswiftc haswell >&2
  NATIVE=.build-native/release/trainer-bench
fi
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import gensim' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "gensim>=4.4,<4.5" >&2
fi
CORPUS=$WORK/corpus-$SESSIONS-$ITEMS.txt
[ -f "$CORPUS" ] || $BENCH generate "$CORPUS" "$SESSIONS" "$ITEMS" 1 >&2
OUT=$WORK/results.jsonl
: > "$OUT"
for threads in 1 2; do
  $BENCH train "$CORPUS" $threads 64 5 10 1 | tee -a "$OUT"
  [ -z "$NATIVE" ] || $NATIVE train "$CORPUS" $threads 64 5 10 1 | sed 's/"m2grl"/"m2grl-avx2"/' | tee -a "$OUT"
  "$VENV/bin/python" Benchmarks/trainer/gensim_bench.py "$CORPUS" $threads 64 5 10 1 | tee -a "$OUT"
done
python3 - "$OUT" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print(f"\n{'engine':34} {'threads':>7} {'pairs/s (wall)':>15} {'pairs/s/thread':>15} {'pairs per CPU-s':>16}")
for r in rows:
    print(f"{r['engine']:34} {r['threads']:>7} {r['pairs_per_s']:>15,.0f} {r['pairs_per_s_per_thread']:>15,.0f} {r['pairs_per_cpu_s']:>16,.0f}")
g1 = max((r for r in rows if r['engine'].startswith('gensim') and r['threads'] == 1), key=lambda r: r['pairs_per_s'])
g1c = max((r for r in rows if r['engine'].startswith('gensim') and r['threads'] == 1), key=lambda r: r['pairs_per_cpu_s'])
for eng in ('m2grl', 'm2grl-avx2'):
    m = {r['threads']: r for r in rows if r['engine'] == eng}
    if 1 not in m or 2 not in m:
        continue
    print(f"\n{eng} / best gensim, 1 thread: {m[1]['pairs_per_s'] / g1['pairs_per_s']:.2f}x wall, "
          f"{m[1]['pairs_per_cpu_s'] / g1c['pairs_per_cpu_s']:.2f}x per CPU-second")
    print(f"{eng} speed-up 1 -> 2 threads (wall): {m[2]['pairs_per_s'] / m[1]['pairs_per_s']:.2f}x")
PY
