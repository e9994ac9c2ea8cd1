#!/usr/bin/env python3
"""Deterministic clustered vectors, queries and exact top-k ground truth.

Writes into OUT (default /tmp/m2grl-peers/data/n{N}-d{D}):
  base.f32          N x D float32, ids "0".."N-1"      (the M2GRL `.f32` format)
  queries.f32       Q x D float32, ids "0".."Q-1"      (stored vectors + small noise)
  groundtruth.tsv   one line per query: "qid<TAB>id1,id2,...,idK" (exact top-K by
                    inner product, best first, ids are row numbers of base.f32)
  meta.json         parameters, sha256 of the three files, generation time

`.f32`: bytes "EMBF", uint32 version 1, uint32 N, uint32 D (little-endian),
N x D float32 row-major little-endian, then N ids as UTF-8 lines ending in "\n".

Vectors are unit length (inner product = cosine), drawn around `clusters` random
unit centres with Gaussian spread, so HNSW/IVF have structure to exploit and the
neighbourhoods are not degenerate. Same seed -> byte-identical files.

Usage: make_dataset.py [--n 100000] [--d 64] [--queries 2000] [--k 10]
                       [--clusters 1000] [--spread 1.0] [--noise 0.2]
                       [--seed 42] [--out DIR]
Tooling only (numpy); never used at run time of the Swift product.
"""
import argparse
import hashlib
import json
import os
import struct
import sys
import time

import numpy as np

MAGIC = b"EMBF"
VERSION = 1


def write_f32(path, vectors, ids):
    """Writes `vectors` (N x D float32) with string `ids` in the `.f32` format."""
    vectors = np.ascontiguousarray(vectors, dtype="<f4")
    n, d = vectors.shape
    if len(ids) != n:
        raise ValueError(f"{len(ids)} ids for {n} rows")
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(MAGIC + struct.pack("<III", VERSION, n, d))
        f.write(vectors.tobytes(order="C"))
        f.write("".join(f"{i}\n" for i in ids).encode("utf-8"))
    os.replace(tmp, path)


def read_f32(path):
    """Reads a `.f32` file; returns (float32 array N x D, list of ids)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 16 or data[:4] != MAGIC:
        raise ValueError(f"{path}: not an EMBF file")
    version, n, d = struct.unpack_from("<III", data, 4)
    if version != VERSION:
        raise ValueError(f"{path}: .f32 version {version}, expected {VERSION}")
    end = 16 + n * d * 4
    if len(data) < end:
        raise ValueError(f"{path}: truncated ({len(data)} bytes for {n}x{d})")
    vectors = np.frombuffer(data, dtype="<f4", count=n * d, offset=16).reshape(n, d)
    ids = data[end:].decode("utf-8").split("\n")
    if ids[-1] != "" or len(ids) - 1 != n:
        raise ValueError(f"{path}: expected {n} newline-terminated ids")
    return vectors, ids[:-1]


def unit_rows(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True).astype(np.float32)


def exact_topk(base, queries, k, chunk=256):
    """Exact top-k by inner product (float32 GEMM, ties broken by lower id)."""
    out = np.empty((len(queries), k), dtype=np.int64)
    for s in range(0, len(queries), chunk):
        scores = queries[s:s + chunk] @ base.T
        part = np.argpartition(-scores, k, axis=1)[:, :k]
        ps = np.take_along_axis(scores, part, axis=1)
        order = np.lexsort((part, -ps), axis=1)
        out[s:s + chunk] = np.take_along_axis(part, order, axis=1)
        done = min(s + chunk, len(queries))
        print(f"\rground truth {done}/{len(queries)}", end="", file=sys.stderr)
    print(file=sys.stderr)
    return out


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--d", type=int, default=64)
    ap.add_argument("--queries", type=int, default=2_000)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--clusters", type=int, default=1_000)
    ap.add_argument("--spread", type=float, default=1.0, help="per-vector Gaussian spread around its centre (norm)")
    ap.add_argument("--noise", type=float, default=0.2, help="query noise (norm) added to a stored vector")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    if a.n <= a.k or a.d <= 0 or a.queries <= 0 or a.clusters <= 0:
        ap.error("need n > k, d > 0, queries > 0, clusters > 0")
    out = a.out or f"/tmp/m2grl-peers/data/n{a.n}-d{a.d}"
    os.makedirs(out, exist_ok=True)

    t0 = time.time()
    rng = np.random.default_rng(a.seed)
    centres = unit_rows(rng.standard_normal((a.clusters, a.d), dtype=np.float32))
    base = np.empty((a.n, a.d), dtype=np.float32)
    step = 100_000
    for s in range(0, a.n, step):
        e = min(s + step, a.n)
        assign = rng.integers(0, a.clusters, size=e - s)
        noise = rng.standard_normal((e - s, a.d), dtype=np.float32) * np.float32(a.spread / np.sqrt(a.d))
        base[s:e] = unit_rows(centres[assign] + noise)
        print(f"\rbase {e}/{a.n}", end="", file=sys.stderr)
    print(file=sys.stderr)
    picks = rng.integers(0, a.n, size=a.queries)
    qnoise = rng.standard_normal((a.queries, a.d), dtype=np.float32) * np.float32(a.noise / np.sqrt(a.d))
    queries = unit_rows(base[picks] + qnoise)

    truth = exact_topk(base, queries, a.k)
    paths = {name: os.path.join(out, name) for name in ("base.f32", "queries.f32", "groundtruth.tsv")}
    write_f32(paths["base.f32"], base, [str(i) for i in range(a.n)])
    write_f32(paths["queries.f32"], queries, [str(i) for i in range(a.queries)])
    with open(paths["groundtruth.tsv"], "w", encoding="utf-8") as f:
        for q, row in enumerate(truth):
            f.write(f"{q}\t{','.join(str(int(i)) for i in row)}\n")
    meta = {
        "n": a.n, "d": a.d, "queries": a.queries, "k": a.k, "clusters": a.clusters,
        "spread": a.spread, "noise": a.noise, "seed": a.seed, "metric": "IP", "unit_norm": True,
        "generator": "Benchmarks/peers/make_dataset.py", "numpy": np.__version__,
        "sha256": {name: sha256(p) for name, p in paths.items()},
        "seconds": round(time.time() - t0, 2),
    }
    with open(os.path.join(out, "meta.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=2)
    print(f"wrote {out} ({a.n}x{a.d}, {a.queries} queries, top-{a.k}) in {meta['seconds']} s", file=sys.stderr)


if __name__ == "__main__":
    main()
