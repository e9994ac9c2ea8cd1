"""Shared harness for the peer benchmarks: data, recall, closed/open-loop load, JSON.

A *client factory* is a picklable zero-argument callable returning an object with
`search(vector: np.ndarray[float32, D], k: int) -> list[int]` (row ids, best first).
Network peers run their load generators in processes (one connection each), the
in-process faiss peer in threads (faiss releases the GIL); every run row says which.
"""
import argparse
import json
import multiprocessing as mp
import os
import platform
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_dataset import read_f32  # noqa: E402

SCHEMA = "m2grl-peers-bench/1"


class Dataset:
    """base.f32 + queries.f32 + groundtruth.tsv + meta.json from make_dataset.py."""

    def __init__(self, folder):
        self.folder = os.path.abspath(folder)
        self.base, _ = read_f32(os.path.join(folder, "base.f32"))
        self.queries, _ = read_f32(os.path.join(folder, "queries.f32"))
        with open(os.path.join(folder, "groundtruth.tsv"), encoding="utf-8") as f:
            self.truth = [[int(x) for x in line.split("\t")[1].split(",")] for line in f if line.strip()]
        with open(os.path.join(folder, "meta.json"), encoding="utf-8") as f:
            self.meta = json.load(f)
        if len(self.truth) != len(self.queries):
            raise ValueError(f"{folder}: {len(self.truth)} ground-truth rows for {len(self.queries)} queries")

    def describe(self):
        m = self.meta
        return {"path": self.folder, "n": m["n"], "d": m["d"], "queries": m["queries"], "k_truth": m["k"],
                "seed": m["seed"], "clusters": m["clusters"], "metric": m["metric"],
                "base_sha256": m["sha256"]["base.f32"]}


def recall_at_k(results, truth, k):
    """Mean |result[:k] ∩ truth[:k]| / k over all queries."""
    hits = sum(len(set(r[:k]) & set(t[:k])) for r, t in zip(results, truth))
    return hits / (k * len(truth))


def measure_recall(client, ds, k):
    return recall_at_k([client.search(q, k) for q in ds.queries], ds.truth, k)


def tune(client_for, ds, k, values, target=0.95):
    """First value in `values` whose recall@k >= target; returns (value, recall, tried)."""
    tried = []
    for v in values:
        r = measure_recall(client_for(v), ds, k)
        tried.append({"value": v, "recall": round(r, 4)})
        print(f"  tune {v}: recall@{k} = {r:.4f}", file=sys.stderr)
        if r >= target:
            return v, r, tried
    return values[-1], r, tried


def summarize(lat_ns, wall_s):
    """Latency percentiles in microseconds and achieved QPS."""
    a = np.sort(np.asarray(lat_ns, dtype=np.float64)) / 1e3
    if len(a) == 0:
        return {"requests": 0, "duration_s": round(wall_s, 3), "qps": 0.0, "latency_us": {}}
    pct = lambda p: float(a[min(len(a) - 1, int(len(a) * p))])  # noqa: E731
    return {"requests": int(len(a)), "duration_s": round(wall_s, 3), "qps": round(len(a) / wall_s, 1),
            "latency_us": {"p50": round(pct(0.50), 1), "p90": round(pct(0.90), 1), "p99": round(pct(0.99), 1),
                           "p999": round(pct(0.999), 1), "mean": round(float(a.mean()), 1),
                           "max": round(float(a[-1]), 1)}}


def _rewarm(client, queries, k):
    """A few untimed queries after the start barrier: waiting there (for the other spawned clients)
    can take seconds, and an idle gRPC connection's first request took ~1.5 s on Milvus Lite."""
    for q in queries[-3:]:
        client.search(q, k)


def _closed_worker(factory, queries, k, barrier, seconds, max_requests, offset):
    client = factory()
    for q in queries[:20]:  # warm the connection / caches
        client.search(q, k)
    lat = []
    barrier.wait()
    _rewarm(client, queries, k)
    t0 = time.perf_counter()
    end = t0 + seconds
    i = offset
    while len(lat) < max_requests and time.perf_counter() < end:
        q = queries[i % len(queries)]
        t = time.perf_counter_ns()
        client.search(q, k)
        lat.append(time.perf_counter_ns() - t)
        i += 1
    return lat, time.perf_counter() - t0, 0


def _min_timer_slack():
    """Linux rounds sleeps up by the thread's timer slack (50 µs default); ask for 1 ns."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(29, 1, 0, 0, 0)  # PR_SET_TIMERSLACK
    except (OSError, AttributeError):
        pass


def _open_worker(factory, queries, k, barrier, seconds, rate_per_worker, offset):
    """Open loop: request j is due at start + j/rate; latency counts from that due time."""
    _min_timer_slack()
    client = factory()
    for q in queries[:20]:
        client.search(q, k)
    lat, lag, not_sent = [], [], 0
    barrier.wait()
    _rewarm(client, queries, k)
    t0 = time.perf_counter_ns()
    interval = 1e9 / rate_per_worker
    total = int(seconds * rate_per_worker)
    hard_end = t0 + int((seconds + 5) * 1e9)  # bounded even when the system cannot keep up
    for j in range(total):
        due = t0 + int(j * interval)
        now = time.perf_counter_ns()
        if now < due:
            time.sleep((due - now) / 1e9)
        elif now > hard_end:
            not_sent = total - j
            break
        sent = time.perf_counter_ns()
        client.search(queries[(offset + j) % len(queries)], k)
        lat.append(time.perf_counter_ns() - due)
        lag.append(sent - due)
    return (lat, lag), (time.perf_counter_ns() - t0) / 1e9, not_sent


def _process_main(target, args, barrier, results, slot):
    try:
        results.put((slot, target(*args[:3], barrier, *args[3:])))
    except BaseException as e:  # report, never hang the parent
        barrier.abort()
        results.put((slot, e))


def _run_parallel(kind, target, argsets):
    """Runs target(*args) per arg set in threads or spawned processes, started together."""
    n = len(argsets)
    if kind == "thread":
        barrier = threading.Barrier(n)
        with ThreadPoolExecutor(n) as ex:
            return list(ex.map(lambda a: target(*a[:3], barrier, *a[3:]), argsets))
    ctx = mp.get_context("spawn")  # no fork: gRPC / OpenMP state must not be inherited
    barrier, results = ctx.Barrier(n, timeout=120), ctx.Queue()
    procs = [ctx.Process(target=_process_main, args=(target, a, barrier, results, i), daemon=True)
             for i, a in enumerate(argsets)]
    for p in procs:
        p.start()
    out = [None] * n
    for _ in range(n):
        slot, value = results.get(timeout=600)
        if isinstance(value, BaseException):
            raise RuntimeError(f"load worker {slot} failed: {value!r}")
        out[slot] = value
    for p in procs:
        p.join(10)
    return out


def closed_loop(factory, queries, k, clients, kind, seconds, max_requests):
    """`clients` concurrent clients, each sending its next query when the last returns."""
    per = max(1, max_requests // clients)
    out = _run_parallel(kind, _closed_worker, [(factory, queries, k, seconds, per, c * 7919) for c in range(clients)])
    row = summarize([x for lat, _, _ in out for x in lat], max(w for _, w, _ in out))
    row.update({"mode": "closed", "clients": clients, "concurrency": kind})
    row["loadavg_1m"] = round(os.getloadavg()[0], 2)  # machine load when the run finished
    return row


def open_loop(factory, queries, k, rate, workers, kind, seconds):
    """Fixed arrival rate `rate` (req/s) spread over `workers` senders; latency from intended send time."""
    args = [(factory, queries, k, seconds, rate / workers, w * 7919) for w in range(workers)]
    out = _run_parallel(kind, _open_worker, args)
    row = summarize([x for (lat, _), _, _ in out for x in lat], max(w for _, w, _ in out))
    lag = summarize([x for (_, lg), _, _ in out for x in lg], 1.0)["latency_us"]
    row["send_lag_us"] = {p: lag.get(p) for p in ("p50", "p99")}  # client wake-up delay, part of latency
    row.update({"mode": "open", "clients": workers, "concurrency": kind, "target_qps": rate,
                "not_sent": int(sum(n for _, _, n in out)), "loadavg_1m": round(os.getloadavg()[0], 2)})
    return row


def sweep_open(factory, queries, k, rates, workers, kind, seconds, stop_p50_us=100_000):
    """Open-loop points at increasing rates; stops after the first saturated point."""
    rows = []
    for rate in rates:
        row = open_loop(factory, queries, k, rate, workers, kind, seconds)
        print(f"  open {rate:>6} req/s -> {row['qps']:>8} achieved, p50 {row['latency_us'].get('p50')} µs, "
              f"p99 {row['latency_us'].get('p99')} µs", file=sys.stderr)
        rows.append(row)
        # (few requests per point at low rates: one stall lowers "achieved", so judge by the median)
        if row["not_sent"] or row["qps"] < 0.5 * rate or row["latency_us"].get("p50", 0) > stop_p50_us:
            break  # saturated: a higher rate would only grow the queue
    return rows


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"nproc": os.cpu_count(), "cpu_model": cpu, "kernel": platform.release(),
            "python": platform.python_version(), "loadavg": list(os.getloadavg())}


def write_result(out_dir, system, doc):
    os.makedirs(out_dir, exist_ok=True)
    doc = {"schema": SCHEMA, "system": system, **doc, "machine_end": machine()}
    path = os.path.join(out_dir, f"{system}.json")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
    os.replace(path + ".tmp", path)
    print(f"wrote {path}", file=sys.stderr)
    return path


class Runs:
    """Collects run rows for one system, tagging each with its index and parameters."""

    def __init__(self):
        self.rows = []

    def add(self, index, params, recall, row, **extra):
        r = {"index": index, "params": params, "recall_at_k": round(recall, 4), **extra,
             "loadavg_1m": round(os.getloadavg()[0], 2), **row}
        self.rows.append(r)
        lat = r.get("latency_us", {})
        print(f"  {index} {r['mode']} x{r['clients']}: {r['qps']} QPS, p50 {lat.get('p50')} µs, "
              f"p99 {lat.get('p99')} µs, recall {r['recall_at_k']}", file=sys.stderr)


def arguments(doc, *, server, seconds, single_requests, open_seconds):
    """The command line every peer benchmark shares (--port only for server peers)."""
    ap = argparse.ArgumentParser(description=doc)
    if server:
        ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=seconds, help="per closed-loop run")
    ap.add_argument("--single-requests", type=int, default=single_requests)
    ap.add_argument("--open-seconds", type=float, default=open_seconds)
    ap.add_argument("--command", default=" ".join(sys.argv))
    return ap.parse_args()


def now_iso():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())

