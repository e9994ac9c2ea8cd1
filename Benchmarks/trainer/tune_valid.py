#!/usr/bin/env python3
"""Hyper-parameter search on the ml-100k `valid` split (EVALUATION.md: tune on valid only).

Every run is `m2grl train --data VALID --threads 1 --seed S --set key=value ...` (no --select-on:
valid is its own selection split, so the reported figure is valid Recall@50 at the epoch chosen by
early stopping). Nothing here reads the `test` split. Each configuration runs on several seeds;
configurations are ranked by the mean valid Recall@50 over their seeds.

Methods: `single` (single-view skip-gram: skipgram.views = ["item"]) and `m2grl` (adaptive
weighting). Both search the same shared skip-gram knobs; `m2grl` also searches the views and the
alignment / weighting knobs. Stages (each resumable: finished (config, seed) rows are skipped):

  random   N configurations drawn uniformly from the method's grid (fixed RNG seed per method)
  sweep    one-at-a-time: every other value of every knob (or of --keys) around the method's
           current best (rerun it to sweep around the new best)
  cross    (m2grl only) single-view's best shared knobs with M2GRL's knobs swept one at a time
  confirm  the top T configurations of a method rerun on further seeds; the final pick is the best
           mean over all its seeds
  grid     (m2grl) the full grid of --grid 'key=v1,v2;key2=...' around the method's best
           configuration (the alignment-pull follow-up: frequency-aware pull, item_epochs, d128)

`--all-views` restricts every ranking (sweep/grid centre, confirm, summary pick) to configurations
that keep every view (skipgram.views = []), as the shipped Config/train.toml must.

Every row goes to the TSV (method, stage, config, seed, selected epochs, valid Recall@50,
HitRate@50, seconds). `--summary` prints the ranking and the selected configuration as --set flags.

  Benchmarks/trainer/tune_valid.py --stage random --method single --n 40
  Benchmarks/trainer/tune_valid.py --summary
"""
import argparse
import concurrent.futures as cf
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# Shared skip-gram knobs (both methods). The first value of each list is not special; the shipped
# configuration's value is always in the list, so "no change" is in the space.
SHARED = {
    "optimizer.learning_rate": ["0.0125", "0.025", "0.05", "0.1"],
    "training.epochs": ["3", "5", "10", "20"],          # length of the linear-decay schedule
    "skipgram.window": ["1", "2", "3", "5", "9"],
    "skipgram.dynamic_window": ["true", "false"],
    "skipgram.negatives": ["2", "5", "10", "20"],
    "skipgram.noise_power": ["0.25", "0.5", "0.75", "1.0"],
    "skipgram.sample": ["0", "0.01", "0.001", "0.0001"],
    "model.dimension": ["32", "64", "128"],
}
# Values appended after the random stages (whose draws stay reproducible from the grids above):
# the random search put its best single-view configurations at the edge of the grid (2 negatives,
# d = 32, 20 epochs), so the one-at-a-time stages also try one step beyond it.
# Likewise the cross stage ranked M2GRL best at the weakest alignment it tried (scale 0.1), so the
# sweeps also try 0.03.
EXTRA = {"skipgram.negatives": ["1"], "model.dimension": ["16"], "training.epochs": ["40"],
         "alignment.learning_rate_scale": ["0.03"], "alignment.item_scale": ["0.03"]}
# Knobs added after the 585-run search (frequency-aware alignment pull, pull epochs): their "off"
# values are dropped from a configuration's key, so older rows (which lack them) stay comparable.
PULL = {
    "alignment.item_frequency_reference": ["0", "2", "5", "10", "20", "50"],
    "alignment.item_frequency_power": ["0.5", "1", "2"],
    "alignment.item_epochs": ["0", "1", "2", "4"],
}
PULL_OFF = {"alignment.item_frequency_reference": "0", "alignment.item_frequency_power": "1", "alignment.item_epochs": "0",
            "alignment.centered": "false"}
# M2GRL-only knobs (adaptive weighting).
M2GRL = {
    "skipgram.views": ["[]", "[item,category]", "[item,director]"],
    "alignment.negatives": ["1", "3", "5", "10"],
    "alignment.learning_rate_scale": ["0.1", "0.3", "1", "3"],
    "alignment.item_scale": ["0.1", "0.3", "0.5", "1"],
    "weighting.min_variance": ["0.05", "0.2", "0.5", "1"],
    "weighting.learning_rate": ["0.01", "0.03", "0.1", "0.3"],
    "weighting.init_from_loss": ["true", "false"],
}
# The configuration shipped before this search (Config/train.toml at commit 89f68a8).
BASE_SHARED = {"optimizer.learning_rate": "0.025", "training.epochs": "10", "skipgram.window": "3",
               "skipgram.dynamic_window": "true", "skipgram.negatives": "5", "skipgram.noise_power": "0.75",
               "skipgram.sample": "0", "model.dimension": "64"}
BASE_M2GRL = {"skipgram.views": "[]", "alignment.negatives": "3", "alignment.learning_rate_scale": "1",
              "alignment.item_scale": "1", "weighting.min_variance": "0.05", "weighting.learning_rate": "0.1",
              "weighting.init_from_loss": "true"}
# Held fixed for every run (also written explicitly so Config/train.toml edits cannot move them).
FIXED = {"optimizer.kind": "sgd", "selection.select_best": "true", "selection.patience": "3",
         "selection.k": "50", "selection.triggers": "1", "alignment.enabled": "true"}
FIXED_METHOD = {"single": {"skipgram.views": "[item]", "weighting.mode": "adaptive"},
                "m2grl": {"weighting.mode": "adaptive"}}
HEADER = ["method", "stage", "config", "seed", "selected_epochs", "valid_recall50", "valid_hitrate50", "seconds"]


def space(method, extra=False):
    sp = dict(SHARED) if method == "single" else {**SHARED, **M2GRL}
    if extra and method == "m2grl":
        sp.update(PULL)
    if extra:
        for k, v in EXTRA.items():
            if k in sp:
                sp[k] = sp[k] + v
    return sp


def base(method):
    return dict(BASE_SHARED) if method == "single" else {**BASE_SHARED, **BASE_M2GRL}


def key(cfg):
    return ";".join(f"{k}={cfg[k]}" for k in sorted(cfg) if PULL_OFF.get(k) != cfg[k])


def parse_key(s):
    return dict(kv.split("=", 1) for kv in s.split(";"))


def load(tsv):
    rows = []
    if os.path.exists(tsv):
        with open(tsv) as f:
            for line in f:
                p = line.rstrip("\n").split("\t")
                if p[0] == "method" or len(p) != len(HEADER):
                    continue
                rows.append(dict(zip(HEADER, p)))
    return rows


def ranking(rows, method, min_seeds=1, all_views=False):
    by = defaultdict(list)
    for r in rows:
        if r["method"] == method and not (all_views and "skipgram.views=[item," in r["config"]):
            by[r["config"]].append(float(r["valid_recall50"]))
    out = [(sum(v) / len(v), len(v), c, v) for c, v in by.items() if len(v) >= min_seeds]
    out.sort(key=lambda x: (-x[0], x[2]))
    return out


RARE_HEADER = ["method", "config", "seed", "valid_recall50", "rare_recall50", "rare_users", "other_recall50"]


def rare_breakdown(data, out, rare=20):
    """Valid Recall@50 of the run's model over users whose trigger has train count ≤ rare, and the others."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import rare_triggers
    rec, cnt = rare_triggers.recall_by_trigger(rare_triggers.load_split(data), out)
    r = cnt <= rare
    return rec.mean(), rec[r].mean(), int(r.sum()), rec[~r].mean()


def run_one(binary, data, method, cfg, seed, rare_tsv=None):
    out = tempfile.mkdtemp(prefix="tune-", dir=os.path.join(ROOT, "runs", "tune", "tmp"))
    args = [binary, "train", "--data", data, "--out", out, "--threads", "1", "--seed", str(seed)]
    # PULL_OFF first: a configuration without those keys means "off", whatever Config/train.toml says.
    for k, v in {**FIXED, **PULL_OFF, **cfg, **FIXED_METHOD[method]}.items():
        args += ["--set", f"{k}={v}"]
    t0 = time.time()
    try:
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
        m = json.load(open(os.path.join(out, "model.json")))
        if rare_tsv:
            b = rare_breakdown(data, out)
            new = not os.path.exists(rare_tsv)
            with open(rare_tsv, "a") as f:
                if new:
                    f.write("\t".join(RARE_HEADER) + "\n")
                f.write("\t".join([method, key(cfg), str(seed)] + [f"{x:.6f}" if isinstance(x, float) else str(x) for x in b]) + "\n")
    except subprocess.CalledProcessError as e:
        sys.stderr.write(f"FAILED {key(cfg)} seed {seed}: {e.stderr.decode()[-400:]}\n")
        raise
    finally:
        secs = time.time() - t0
        shutil.rmtree(out, ignore_errors=True)
    return (m["configuration"]["selection.selected_epochs"], m["metrics"]["valid.recall@50"],
            m["metrics"]["valid.hitrate@50"], secs)


def execute(args, method, stage, configs, seeds):
    rows = load(args.tsv)
    done = {(r["method"], r["config"], r["seed"]) for r in rows}
    jobs = []
    for cfg in configs:
        for s in seeds:
            if (method, key(cfg), str(s)) not in done:
                jobs.append((cfg, s))
                done.add((method, key(cfg), str(s)))
    if not jobs:
        return
    new = not os.path.exists(args.tsv)
    with open(args.tsv, "a") as f, cf.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        if new:
            f.write("\t".join(HEADER) + "\n")
        futs = {pool.submit(run_one, args.binary, args.data, method, cfg, s, args.rare_tsv): (cfg, s) for cfg, s in jobs}
        t0 = time.time()
        for i, fut in enumerate(cf.as_completed(futs), 1):
            cfg, s = futs[fut]
            try:
                ep, rec, hit, secs = fut.result()
            except Exception:
                continue
            f.write("\t".join([method, stage, key(cfg), str(s), str(ep), f"{rec:.6f}", f"{hit:.6f}", f"{secs:.1f}"]) + "\n")
            f.flush()
            el = time.time() - t0
            sys.stderr.write(f"\r{method} {stage}: {i}/{len(jobs)} runs, {el:.0f} s, ETA {el / i * (len(jobs) - i):.0f} s   ")
        sys.stderr.write("\n")


def sweep_configs(center, sp, keys):
    out = [dict(center)]
    for k in keys:
        for v in sp[k]:
            if v != center.get(k, PULL_OFF.get(k)):
                c = dict(center)
                c[k] = v
                out.append(c)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stage", choices=["random", "sweep", "cross", "confirm", "grid"])
    ap.add_argument("--method", choices=["single", "m2grl"])
    ap.add_argument("--n", type=int, default=40, help="random: configurations to draw")
    ap.add_argument("--top", type=int, default=5, help="confirm: configurations to rerun")
    ap.add_argument("--keys", default="", help="sweep/cross: only these comma-separated knobs (default: all)")
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--jobs", type=int, default=2, help="runs at once (1 thread each)")
    ap.add_argument("--tsv", default=os.path.join(ROOT, "runs", "tune", "valid.tsv"))
    ap.add_argument("--data", default=os.path.join(ROOT, "runs", "ml100k", "valid"))
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "m2grl"))
    ap.add_argument("--grid", default="", help="grid: 'key=v1,v2;key2=v3,v4' (full product around the centre)")
    ap.add_argument("--center-seeds", type=int, default=0,
                    help="sweep/grid: centre = best among configurations with at least this many seeds (default: len(--seeds))")
    ap.add_argument("--all-views", action="store_true", help="rank only configurations that keep every view")
    ap.add_argument("--rare-tsv", default=None,
                    help="also log each run's valid Recall@50 over rare-trigger users (train count ≤ 20) to this TSV")
    ap.add_argument("--summary", action="store_true")
    args = ap.parse_args()
    os.makedirs(os.path.join(ROOT, "runs", "tune", "tmp"), exist_ok=True)
    seeds = [int(s) for s in args.seeds.split(",")]
    if args.summary:
        rows = load(args.tsv)
        for method in ["single", "m2grl"]:
            rk = ranking(rows, method, all_views=args.all_views)
            n = sum(1 for r in rows if r["method"] == method)
            print(f"== {method}: {len(rk)} configurations, {n} runs")
            for mean, cnt, c, v in rk[:10]:
                diff = {k: x for k, x in parse_key(c).items() if base(method).get(k) != x}
                print(f"  {100 * mean:.2f}% over {cnt} seeds (min {100 * min(v):.2f}, max {100 * max(v):.2f})  changes vs shipped: {diff}")
            full = [x for x in rk if x[1] >= 6] or rk
            if full:
                print("  selected (best mean among the configurations with the most seeds):")
                print("   ", " ".join(f"--set {k}={v}" for k, v in sorted(parse_key(full[0][2]).items())))
        return
    method, sp = args.method, space(args.method, extra=args.stage != "random")
    if args.stage == "random":
        sp = space(method)
        rng = random.Random(f"tune-{method}")
        configs = [base(method)] + [{k: rng.choice(v) for k, v in sp.items()} for _ in range(args.n)]
        execute(args, method, "random", configs, seeds)
    elif args.stage == "sweep":
        rk = ranking(load(args.tsv), method, min_seeds=len(seeds), all_views=args.all_views)
        center = parse_key(rk[0][2])
        keys = args.keys.split(",") if args.keys else list(sp)
        execute(args, method, "sweep", sweep_configs(center, sp, keys), seeds)
    elif args.stage == "grid":
        rk = ranking(load(args.tsv), method, min_seeds=args.center_seeds or len(seeds), all_views=args.all_views)
        configs = [parse_key(rk[0][2])]
        for part in filter(None, args.grid.split(";")):
            k, vs = part.split("=", 1)
            configs = [{**c, k: v} for c in configs for v in vs.split(",")]
        execute(args, method, "grid", configs, seeds)
    elif args.stage == "cross":
        assert method == "m2grl", "cross is for m2grl"
        rk = ranking(load(args.tsv), "single", min_seeds=len(seeds))
        center = {**base("m2grl"), **parse_key(rk[0][2])}
        execute(args, method, "cross", sweep_configs(center, sp, list(M2GRL)), seeds)
    elif args.stage == "confirm":
        rk = ranking(load(args.tsv), method, min_seeds=3, all_views=args.all_views)
        execute(args, method, "confirm", [parse_key(c) for _, _, c, _ in rk[:args.top]], seeds)


if __name__ == "__main__":
    main()
