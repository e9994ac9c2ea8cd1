#!/usr/bin/env python3
"""In-process PyPI faiss-cpu: Flat, HNSW32 and IVF1024,Flat with inner product.

No server and no network: queries are Python calls into the index. Tunes HNSW
efSearch and IVF nprobe to recall@k >= 0.95, then measures single queries
(1 thread), N threads (faiss releases the GIL; each thread runs faiss with 1
OpenMP thread), one batched call over all queries (OpenMP on all cores) and an
open-loop sweep for HNSW and IVF.
"""
import functools
import sys
import time

import faiss
import numpy as np

import peerlib

INDEXES = {}  # name -> faiss index; shared by the load-generating threads


class FaissSearch:
    """Searches one shared index from the calling thread with 1 OpenMP thread."""

    def __init__(self, name, param=None):
        faiss.omp_set_num_threads(1)  # per calling thread (OpenMP ICVs are per thread)
        self.index = INDEXES[name]
        self.params = None
        if isinstance(self.index, faiss.IndexHNSW) and param:
            self.params = faiss.SearchParametersHNSW(efSearch=param)
        elif isinstance(self.index, faiss.IndexIVF) and param:
            self.params = faiss.SearchParametersIVF(nprobe=param)

    def search(self, vector, k):
        _, ids = self.index.search(vector.reshape(1, -1), k, params=self.params)
        return ids[0].tolist()


def build(name, factory, base):
    t = time.time()
    index = faiss.index_factory(base.shape[1], factory, faiss.METRIC_INNER_PRODUCT)
    if isinstance(index, faiss.IndexHNSW):
        index.hnsw.efConstruction = 100
    if not index.is_trained:
        index.train(base)
    index.add(base)
    INDEXES[name] = index
    return time.time() - t


def batch_qps(name, param, queries, k, threads):
    """One search call over all queries with `threads` OpenMP threads."""
    faiss.omp_set_num_threads(threads)
    s = FaissSearch(name, param)
    faiss.omp_set_num_threads(threads)
    t = time.perf_counter()
    s.index.search(queries, k, params=s.params)
    wall = time.perf_counter() - t
    return {"mode": "batch", "clients": 1, "concurrency": f"one call, {threads} OpenMP threads",
            "requests": len(queries), "duration_s": round(wall, 4), "qps": round(len(queries) / wall, 1),
            "latency_us": {}}


def main():
    a = peerlib.arguments(__doc__, server=False, seconds=8, single_requests=20_000, open_seconds=4)

    # Python threads hand the GIL over every 5 ms by default, which would show up as client-side
    # delay in the open loop; faiss releases the GIL while it searches, so switch far more often.
    sys.setswitchinterval(50e-6)
    ds = peerlib.Dataset(a.data)
    start, started_at = peerlib.machine(), peerlib.now_iso()
    cores = start["nproc"] or 1
    faiss.omp_set_num_threads(cores)
    runs, builds = peerlib.Runs(), {}
    plan = [("Flat", "Flat", None, None),
            ("HNSW32", "HNSW32", "efSearch", [16, 24, 32, 48, 64, 96, 128, 192, 256, 512]),
            ("IVF1024", "IVF1024,Flat", "nprobe", [1, 2, 4, 8, 16, 32, 64, 128])]
    for name, factory, knob, values in plan:
        faiss.omp_set_num_threads(cores)
        secs = build(name, factory, ds.base)
        builds[name] = {"factory": factory, "build_seconds": round(secs, 2)}
        print(f"{name}: built in {secs:.1f} s", file=sys.stderr)
        if knob:
            val, rec, tried = peerlib.tune(lambda v: FaissSearch(name, v), ds, a.k, values)
            builds[name]["tuning"] = tried
            params = {knob: val, **({"M": 32, "efConstruction": 100} if name.startswith("HNSW") else {})}
        else:
            val, params = None, {}
            rec = peerlib.measure_recall(FaissSearch(name), ds, a.k)
        fac = functools.partial(FaissSearch, name, val)
        for clients in (1, a.clients):
            row = peerlib.closed_loop(fac, ds.queries, a.k, clients, "thread", a.seconds,
                                      a.single_requests if clients == 1 else 10**9)
            runs.add(name, params, rec, row, metric="IP")
        runs.add(name, params, rec, batch_qps(name, val, ds.queries, a.k, cores), metric="IP")
        if knob:
            peak = max(r["qps"] for r in runs.rows if r["index"] == name and r["mode"] == "closed")
            rates = [max(50, int(peak * f)) for f in (0.1, 0.25, 0.5, 0.7, 0.85, 1.0, 1.2)]
            for row in peerlib.sweep_open(fac, ds.queries, a.k, rates, a.clients, "thread", a.open_seconds):
                runs.add(name, params, rec, row, metric="IP")
    peerlib.write_result(a.out, "faiss-cpu", {
        "label": "PyPI faiss-cpu in-process (Python)", "versions": {"faiss_cpu": faiss.__version__,
                                                                   "numpy": np.__version__},
        "client": "in-process Python calls, load from threads (GIL released inside faiss, switch interval 50 µs), "
                  "1 OpenMP thread each",
        "command": a.command, "started_at": started_at, "machine": start, "dataset": ds.describe(),
        "k": a.k, "indexes": builds, "runs": runs.rows})


if __name__ == "__main__":
    main()
