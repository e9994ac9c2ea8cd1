#!/usr/bin/env python3
"""Milvus Lite 2.5.x (the C++ engine, gRPC) over loopback, IP metric.

Expects a running `milvus` binary from the milvus-lite wheel listening on
127.0.0.1:PORT (run_peers.sh starts it). Milvus Lite 2.5 serves every index
type as a brute-force FLAT scan, so FLAT is what is measured. Single-client and
N-client closed loops (client processes, pymilvus MilvusClient) and an
open-loop sweep. Searches use consistency level "Eventually": the data is
static and flushed before the first query, and the default "Bounded" level
made searches wait for the server's time tick (stalls of ~1.6 s seen under load).
"""
import functools
import importlib.metadata as md
import sys
import time

from pymilvus import DataType, MilvusClient

import peerlib

COLLECTION = "bench"


class MilvusSearch:
    """One pymilvus gRPC client issuing single-vector searches."""

    def __init__(self, port):
        self.c = MilvusClient(uri=f"http://127.0.0.1:{port}")

    def search(self, vector, k):
        res = self.c.search(COLLECTION, data=[vector.tolist()], limit=k, anns_field="v",
                            search_params={"metric_type": "IP"}, output_fields=[],
                            consistency_level="Eventually")  # static data: don't wait on time ticks
        return [hit["id"] for hit in res[0]]


def load(port, base, index_type):
    c = MilvusClient(uri=f"http://127.0.0.1:{port}")
    if c.has_collection(COLLECTION):
        c.drop_collection(COLLECTION)
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=base.shape[1])
    idx = c.prepare_index_params()
    idx.add_index(field_name="v", index_type=index_type, metric_type="IP")
    c.create_collection(COLLECTION, schema=schema, index_params=idx)
    t = time.time()
    step = 5_000
    for s in range(0, len(base), step):
        rows = [{"id": s + i, "v": v} for i, v in enumerate(base[s:s + step].tolist())]
        c.insert(COLLECTION, rows)
    c.flush(COLLECTION)
    load_s = time.time() - t
    c.load_collection(COLLECTION)
    count = c.query(COLLECTION, filter="", output_fields=["count(*)"])[0]["count(*)"]
    return load_s, time.time() - t - load_s, count


def main():
    a = peerlib.arguments(__doc__, server=True, seconds=10, single_requests=3_000, open_seconds=5)

    ds = peerlib.Dataset(a.data)
    start, started_at = peerlib.machine(), peerlib.now_iso()
    load_s, index_s, count = load(a.port, ds.base, "FLAT")
    print(f"loaded {count} vectors in {load_s:.1f} s, indexed+loaded in {index_s:.1f} s", file=sys.stderr)
    runs = peerlib.Runs()
    factory = functools.partial(MilvusSearch, a.port)
    rec = peerlib.measure_recall(factory(), ds, a.k)
    for clients in (1, a.clients):
        row = peerlib.closed_loop(factory, ds.queries, a.k, clients, "process", a.seconds,
                                  a.single_requests if clients == 1 else 10**9)
        runs.add("FLAT", {}, rec, row, metric="IP")
    peak = runs.rows[-1]["qps"]
    rates = [max(20, int(peak * f)) for f in (0.1, 0.25, 0.5, 0.7, 0.85, 1.0, 1.2)]
    for row in peerlib.sweep_open(factory, ds.queries, a.k, rates, a.clients, "process", a.open_seconds):
        runs.add("FLAT", {}, rec, row, metric="IP")
    peerlib.write_result(a.out, "milvus-lite", {
        "label": "Milvus Lite (gRPC) via pymilvus",
        "versions": {"milvus_lite": md.version("milvus-lite"), "pymilvus": md.version("pymilvus"),
                     "grpcio": md.version("grpcio")},
        "client": f"pymilvus {md.version('pymilvus')} MilvusClient over gRPC/TCP 127.0.0.1, one per client process",
        "command": a.command, "started_at": started_at, "machine": start, "dataset": ds.describe(),
        "k": a.k, "load_seconds": round(load_s, 2),
        "indexes": {"FLAT": {"index_and_load_seconds": round(index_s, 2), "rows": count}}, "runs": runs.rows})


if __name__ == "__main__":
    main()
