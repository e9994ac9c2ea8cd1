#!/usr/bin/env python3
"""Issue #9 tables from the result JSONs (schema m2grl-peers-bench/1), as Markdown.

  issue9_summary.py --server Benchmarks/results/server --peers Benchmarks/peers/results [--server-1m DIR]

1. Our server vs the in-process floor vs the transport floor (PING vs a bare libuv echo).
2. Redis Stack HNSW/FLAT driven by the Python harness and by the same Swift load generator as ours.
3. The #9 targets, judged against the Swift-client Redis numbers (same client language).
Every row carries the 1-minute load average it was measured at: on a shared box, read it first.
Standard library only.
"""
import argparse

from plot import load  # the same result loader (this folder; standard library at import)


def docs(folder):
    return load(folder, required=False)


def f(x, digits=0):
    return "—" if x is None else f"{x:,.{digits}f}"


def closed(d, one):
    return next((r for r in d["runs"] if r["mode"] == "closed" and (r["clients"] == 1) == one), None)


def open_near(d, fraction=0.7):
    """The open-loop row whose offered rate is nearest `fraction` of the N-client closed-loop peak."""
    peak = closed(d, False)
    rows = [r for r in d["runs"] if r["mode"] == "open"]
    if not rows or not peak:
        return None
    return min(rows, key=lambda r: abs(r["target_qps"] - fraction * peak["qps"]))


def lat(r, p):
    return None if r is None else r.get("latency_us", {}).get(p)


def load_of(d):
    loads = [r.get("loadavg_1m") for r in d["runs"] if r.get("loadavg_1m") is not None]
    return f"{min(loads):.1f}–{max(loads):.1f}" if loads else f"{d['machine']['loadavg'][0]:.1f}"


def server_table(ds, title):
    print(f"### {title}\n")
    print("| snapshot (file) | n | recall@10 | in-process p50 µs | server 1×1 p50 / p99 µs | 1×1 − floor p50 µs | 1×1 QPS "
          "| 8×1 QPS | 8×1 p50 / p99 µs | open ≈70 %: offered → achieved, p50 / p99 µs | PING m2grl / echo p50 µs | load 1m |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for d in ds:
        one, many, op = closed(d, True), closed(d, False), open_near(d)
        fl = d.get("floor", {})
        tr = d.get("transport", {})
        recall = next((r.get("recall_at_k") for r in d["runs"] if r.get("recall_at_k") is not None), None)
        openc = "—" if op is None else f"{f(op['target_qps'])} → {f(op['qps'])}, {f(lat(op, 'p50'))} / {f(lat(op, 'p99'))}"
        ping = "—" if not tr else f"{f(tr['ping_m2grl_us']['p50'], 1)} / {f(tr['ping_bare_libuv_echo_us']['p50'], 1)}"
        print(f"| {d['runs'][0]['index']} ({d['_file']}) | {f(d['dataset'].get('n'))} | {f(recall, 3)} | {f(fl.get('latency_us', {}).get('p50'), 1)} | "
              f"{f(lat(one, 'p50'), 1)} / {f(lat(one, 'p99'), 1)} | {f(fl.get('server_p50_over_floor_us'), 1)} | {f((one or {}).get('qps'))} | "
              f"{f((many or {}).get('qps'))} | {f(lat(many, 'p50'))} / {f(lat(many, 'p99'))} | {openc} | {ping} | {load_of(d)} |")
    print()


def redis_table(ds):
    print("### Redis Stack: the same server and indexes, Python harness vs the Swift load generator\n")
    print("| client | index | params | recall@10 | 1 conn p50 / p99 µs | 1 conn QPS | 8 conn QPS | 8 conn p50 / p99 µs "
          "| open ≈70 %: achieved, p50 / p99 µs | load 1m |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for d in ds:
        for index in dict.fromkeys(r["index"] for r in d["runs"]):
            sub = dict(d, runs=[r for r in d["runs"] if r["index"] == index])
            one, many, op = closed(sub, True), closed(sub, False), open_near(sub)
            client = "Swift (m2grl bench, RESP2)" if "Swift" in d.get("client", "") else "Python (redis-py, 1 process per conn)"
            params = ", ".join(f"{k}={v}" for k, v in sub["runs"][0].get("params", {}).items()) or "—"
            openc = "—" if op is None else f"{f(op['qps'])}, {f(lat(op, 'p50'))} / {f(lat(op, 'p99'))}"
            print(f"| {client} | {index} | {params} | {f(sub['runs'][0].get('recall_at_k'), 3)} | {f(lat(one, 'p50'))} / {f(lat(one, 'p99'))} | "
                  f"{f((one or {}).get('qps'))} | {f((many or {}).get('qps'))} | {f(lat(many, 'p50'))} / {f(lat(many, 'p99'))} | {openc} | {load_of(sub)} |")
    print()


def targets(server, redis):
    print("### Targets (2 cores, k = 10, recall@10 ≥ 0.95)\n")
    def best(swift):
        rows = [(r["qps"], d) for d in redis for r in d["runs"] if r["mode"] == "closed" and r["clients"] > 1
                and ("Swift" in d.get("client", "")) == swift and (r.get("recall_at_k") or 0) >= 0.95]
        return max(rows, key=lambda x: x[0])[0] if rows else None
    swift_best, python_best = best(True), best(False)
    print(f"Redis Stack best 8-connection QPS: **{f(swift_best)} (Swift client)**, {f(python_best)} (Python client).\n")
    print("| snapshot | recall@10 | 8×1 QPS | × Redis best (Swift) | ≥ 1.5×? | 1×1 − floor p50 µs | ≤ +25 µs? | open ≈70 % p99 µs | < 2 ms? |")
    print("|---|---:|---:|---:|---|---:|---|---:|---|")
    for d in server:
        many, op = closed(d, False), open_near(d)
        recall = next((r.get("recall_at_k") for r in d["runs"] if r.get("recall_at_k") is not None), None)
        ratio = many["qps"] / swift_best if many and swift_best else None
        over = d.get("floor", {}).get("server_p50_over_floor_us")
        p99 = lat(op, "p99")
        ok = lambda c: "—" if c is None else ("yes" if c else "no")  # noqa: E731
        print(f"| {d['runs'][0]['index']} ({d['_file']}) | {f(recall, 3)} | {f((many or {}).get('qps'))} | {f(ratio, 2)} | "
              f"{ok(None if ratio is None or (recall or 0) < 0.95 else ratio >= 1.5)} | {f(over, 1)} | {ok(None if over is None else over <= 25)} | "
              f"{f(p99)} | {ok(None if p99 is None else p99 < 2000)} |")
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server", required=True, help="folder of m2grl-*.json (100k)")
    ap.add_argument("--peers", required=True, help="folder of the peers' JSONs")
    ap.add_argument("--server-1m", help="folder of m2grl-*.json at 1M")
    a = ap.parse_args()
    server = [d for d in docs(a.server) if d["system"] == "m2grl"]
    peers = docs(a.peers)
    redis = [d for d in peers if d["system"].startswith("redis-stack")]
    server_table(server, "Our server vs in-process floor vs transport floor (100k × 64)")
    if a.server_1m:
        server_table([d for d in docs(a.server_1m) if d["system"] == "m2grl"], "Our server at 1M × 64")
    redis_table(redis)
    targets(server, redis)


if __name__ == "__main__":
    main()
