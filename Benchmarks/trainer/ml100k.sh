#!/usr/bin/env bash
# ml-100k targets (EVALUATION.md protocol, test split, 1 trigger; settings chosen on valid only by
# Benchmarks/trainer/tune_valid.py): M2GRL (Config/train.toml) and single-view skip-gram
# (Benchmarks/trainer/single-view.toml, its own valid search) over SEEDS, with the per-seed paired
# comparison; the adaptive / static / uniform ablation; popularity and item-CF.
# Needs data/ml-100k (see README) and a release build (swift build -c release --product m2grl).
#
#   SEEDS="1 2 3 4 5" Benchmarks/trainer/ml100k.sh [extra train flags...]
set -euo pipefail
cd "$(dirname "$0")/../.."
M2GRL=${M2GRL:-.build/release/m2grl}
OUT=${OUT:-runs/ml100k-bench}
SEEDS=${SEEDS:-1 2 3 4 5}
ABLATION_SEEDS=${ABLATION_SEEDS:-1 2 3}
mkdir -p "$OUT"
[ -d "$OUT/data/test" ] || $M2GRL prepare --movielens data/ml-100k --out "$OUT/data" --quiet
TRAIN="$M2GRL train --data $OUT/data/test --select-on $OUT/data/valid --threads 1"
summary() {  # name dir
  python3 -c "import json; m=json.load(open('$2/model.json'));c=m['configuration'];x=m['metrics'];print('%-16s selected epochs %3s  valid Recall@50 %.2f%%  test HitRate@50 %.2f%% ± %.2f  Recall@50 %.2f%% ± %.2f' % ('$1', c['selection.selected_epochs'], 100*x['valid.recall@50'], 100*x['test.hitrate@50'], 100*x['test.hitrate@50_se'], 100*x['test.recall@50'], 100*x['test.recall@50_se']))"
}
for s in $SEEDS; do
  $TRAIN --config Config/train.toml --seed "$s" "$@" --out "$OUT/m2grl-$s" 2> "$OUT/m2grl-$s.log"
  $TRAIN --config Benchmarks/trainer/single-view.toml --seed "$s" "$@" --out "$OUT/single-$s" 2> "$OUT/single-$s.log"
  summary "m2grl seed $s" "$OUT/m2grl-$s"
  summary "single seed $s" "$OUT/single-$s"
  $M2GRL evaluate --data "$OUT/data/test" --model "$OUT/m2grl-$s" --compare "$OUT/single-$s" | grep '^recall'
done
for w in static uniform; do
  for s in $ABLATION_SEEDS; do
    $TRAIN --config Config/train.toml --weighting $w --seed "$s" "$@" --out "$OUT/$w-$s" 2> "$OUT/$w-$s.log"
    summary "$w seed $s" "$OUT/$w-$s"
  done
done
python3 - "$OUT" $SEEDS <<'EOF'
import json, sys, statistics as st
out, seeds = sys.argv[1], sys.argv[2:]
for name in ["m2grl", "single", "static", "uniform"]:
    v = []
    for s in seeds:
        try: v.append(100 * json.load(open(f"{out}/{name}-{s}/model.json"))["metrics"]["test.recall@50"])
        except FileNotFoundError: pass
    if v: print(f"{name:8s} test Recall@50 over {len(v)} seeds: mean {st.mean(v):.2f}%  sd {st.stdev(v) if len(v) > 1 else 0:.2f}  {['%.2f' % x for x in v]}")
EOF
$M2GRL evaluate --data "$OUT/data/test" --model popularity
$M2GRL evaluate --data "$OUT/data/test" --model itemcf
first=${SEEDS%% *}
$M2GRL evaluate --data "$OUT/data/test" --model "$OUT/m2grl-$first" --compare itemcf | grep '^recall'
