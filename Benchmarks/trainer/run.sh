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
  "$VENV/bin/python" Benchmarks/trainer/gensim_bench.py "$CORPUS" $threads 64 5 10 1 | tee -a "$OUT"
done
python3 - "$OUT" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print(f"\n{'engine':34} {'threads':>7} {'pairs/s':>12} {'pairs/s/thread':>15}")
for r in rows:
    print(f"{r['engine']:34} {r['threads']:>7} {r['pairs_per_s']:>12,.0f} {r['pairs_per_s_per_thread']:>15,.0f}")
m1 = next(r for r in rows if r['engine'] == 'm2grl' and r['threads'] == 1)
m2 = next(r for r in rows if r['engine'] == 'm2grl' and r['threads'] == 2)
g1 = max((r for r in rows if r['engine'].startswith('gensim') and r['threads'] == 1), key=lambda r: r['pairs_per_s'])
print(f"\nm2grl / best gensim per core (1 thread): {m1['pairs_per_s'] / g1['pairs_per_s']:.2f}x")
print(f"m2grl speed-up 1 -> 2 threads: {m2['pairs_per_s'] / m1['pairs_per_s']:.2f}x")
PY
