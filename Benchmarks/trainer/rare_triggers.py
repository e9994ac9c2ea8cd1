#!/usr/bin/env python3
"""Recall@K of a model bundle on a prepared split, broken down by the trigger's train count.

Replicates `m2grl evaluate` (EVALUATION.md, 1 trigger: the user's last train item; candidates =
every item with a vector minus the user's train items; raw inner product, ties by ascending
numeric id; ground truth = the user's held-out items, cold ones count as misses) and reports the
overall Recall@K (must equal the bundle's own figure) and Recall@K over users whose trigger was
seen at most `--rare` times in the split's train part (the long tail the alignment should help).

  Benchmarks/trainer/rare_triggers.py --data runs/ml100k/valid MODEL_DIR [MODEL_DIR ...]
"""
import argparse
import os
import struct
import numpy as np


def read_table(path):
    with open(path, "rb") as f:
        raw = f.read()
    assert raw[:4] == b"EMBF", path
    _, n, d = struct.unpack("<III", raw[4:16])
    vec = np.frombuffer(raw, dtype="<f4", count=n * d, offset=16).reshape(n, d)
    ids = raw[16 + 4 * n * d:].decode().split("\n")[:n]
    return ids, vec


def read_strings(split, name):
    off = np.fromfile(os.path.join(split, name + ".offsets"), dtype="<i8")
    raw = open(os.path.join(split, name + ".bytes"), "rb").read()
    return [raw[off[i]:off[i + 1]].decode() for i in range(len(off) - 1)]


def load_split(split):
    """The arrays of a prepared split that the protocol needs."""
    f = lambda name, t: np.fromfile(os.path.join(split, name), dtype=t)
    return {"vocab": read_strings(split, "view0.vocab"), "counts": f("view0.counts", "<i8"),
            "toff": f("users.train.offsets", "<i8"), "ttok": f("users.train.tokens", "<i4"),
            "hoff": f("users.heldout.offsets", "<i8"), "htok": f("users.heldout.tokens", "<i4"),
            "hcnt": f("users.heldoutcount", "<i8")}


def recall_by_trigger(sp, model, k=50, rare=20):
    """(per-user Recall@k, per-user trigger train count) of a bundle's item table on a split."""
    ids, vec = read_table(os.path.join(model, "tables", "item.f32"))
    row = {x: i for i, x in enumerate(ids)}
    cand = np.array([row.get(v, -1) for v in sp["vocab"]])
    cand[0] = -1
    order = sorted(range(len(ids)), key=lambda i: (0, int(ids[i]), i) if ids[i].isdigit() else (1, ids[i], i))
    tie = np.empty(len(ids), dtype=np.int64)
    tie[order] = np.arange(len(ids))
    toff, ttok, hoff, htok, hcnt = sp["toff"], sp["ttok"], sp["hoff"], sp["htok"], sp["hcnt"]
    rec, trig_count = [], []
    for u in range(len(hcnt)):
        if hcnt[u] == 0:
            continue
        train = cand[ttok[toff[u]:toff[u + 1]]]
        train = train[train >= 0]
        hits = 0
        if len(train):
            s = vec @ vec[train[-1]]
            s[train] = -np.inf
            top = np.lexsort((tie, -s))[:k]
            held = {int(x) for x in htok[hoff[u]:hoff[u + 1]] if x > 0}
            got = {int(cand[x]) for x in held if cand[x] >= 0}
            hits = len(got.intersection(top.tolist()))
        rec.append(hits / hcnt[u])
        last = ttok[toff[u + 1] - 1] if toff[u + 1] > toff[u] else 0
        trig_count.append(sp["counts"][last])
    return np.array(rec), np.array(trig_count)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--k", type=int, default=50)
    ap.add_argument("--rare", type=int, default=20, help="rare trigger: train count ≤ this")
    ap.add_argument("models", nargs="+")
    a = ap.parse_args()
    sp = load_split(a.data)
    se = lambda x: x.std(ddof=1) / np.sqrt(len(x))
    for model in a.models:
        rec, trig_count = recall_by_trigger(sp, model, a.k)
        rare = trig_count <= a.rare
        print(f"{model}: Recall@{a.k} {100 * rec.mean():.2f}% ± {100 * se(rec):.2f} ({len(rec)} users); "
              f"rare triggers (train count ≤ {a.rare}) {100 * rec[rare].mean():.2f}% ± {100 * se(rec[rare]):.2f} "
              f"({rare.sum()} users); others {100 * rec[~rare].mean():.2f}%")


if __name__ == "__main__":
    main()
