#!/usr/bin/env bash
# ml-100k targets (EVALUATION.md protocol, test split, 1 trigger; settings chosen on valid only):
# M2GRL (adaptive / static / uniform weighting), single-view skip-gram, popularity, item-CF,
# and paired per-user comparisons. Needs data/ml-100k (see README) and a release build.
#
#   Benchmarks/trainer/ml100k.sh [extra train flags...]
set -euo pipefail
cd "$(dirname "$0")/../.."
M2GRL=.build/release/m2grl
OUT=${OUT:-runs/ml100k-bench}
mkdir -p "$OUT"
[ -d "$OUT/data/test" ] || $M2GRL prepare --movielens data/ml-100k --out "$OUT/data" --quiet
TRAIN="$M2GRL train --data $OUT/data/test --select-on $OUT/data/valid --threads 1 $*"
$TRAIN --out "$OUT/m2grl" 2> "$OUT/m2grl.log"
$TRAIN --views item --out "$OUT/single" 2> "$OUT/single.log"
$TRAIN --weighting static --out "$OUT/static" 2> "$OUT/static.log"
$TRAIN --weighting uniform --out "$OUT/uniform" 2> "$OUT/uniform.log"
for m in m2grl single static uniform; do
  python3 -c "import json,sys; m=json.load(open('$OUT/$m/model.json'));c=m['configuration'];x=m['metrics'];print('%-8s selected epochs %s  valid Recall@50 %.2f%%  test HitRate@50 %.2f%% ± %.2f  Recall@50 %.2f%% ± %.2f' % ('$m', c['selection.selected_epochs'], 100*x['valid.recall@50'], 100*x['test.hitrate@50'], 100*x['test.hitrate@50_se'], 100*x['test.recall@50'], 100*x['test.recall@50_se']))"
done
$M2GRL evaluate --data "$OUT/data/test" --model popularity
$M2GRL evaluate --data "$OUT/data/test" --model itemcf
$M2GRL evaluate --data "$OUT/data/test" --model "$OUT/m2grl" --compare "$OUT/single"
$M2GRL evaluate --data "$OUT/data/test" --model "$OUT/m2grl" --compare itemcf
