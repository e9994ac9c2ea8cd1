#!/usr/bin/env python3
"""Latency (p50, p99) vs achieved QPS for every result JSON in a folder.

Reads every `*.json` with "schema": "m2grl-peers-bench/1" (the peers written by
run_peers.sh, and `m2grl bench --json` output in the same schema, see README.md).
Open-loop sweeps become lines (p50 solid, p99 dashed); closed-loop runs become
markers (circle = 1 client, square = N clients, p50 filled, p99 hollow).

  plot.py --results Benchmarks/peers/results --out Benchmarks/peers_latency_vs_qps
        -> writes OUT.svg and OUT.png
  plot.py --results Benchmarks/peers/results --markdown
        -> prints a Markdown summary table on stdout
"""
import argparse
import glob
import json
import os
import sys

SCHEMA = "m2grl-peers-bench/1"


def load(folder, required=True):
    """The result documents of `folder` (each with `_file`, its file name); exits when there are
    none and `required`, else returns what there is (quietly skipping other schemas)."""
    docs = []
    for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print(f"skipping {path}: {e}", file=sys.stderr)
            continue
        if doc.get("schema") != SCHEMA:
            if required:
                print(f"skipping {path}: schema {doc.get('schema')!r}, expected {SCHEMA}", file=sys.stderr)
            continue
        doc["_file"] = os.path.basename(path)
        docs.append(doc)
    if not docs and required:
        sys.exit(f"plot.py: no {SCHEMA} result files in {folder}")
    return docs


def client_tag(doc):
    """Which load generator measured a document: Swift (m2grl bench), Python, or in-process."""
    client = doc.get("client", "")
    if "Swift" in client:
        return "Swift client"
    return "in-process" if doc["system"] == "faiss-cpu" else "Python client"


def series(doc):
    """Yields (index, label, rows) per index of one system."""
    order = []
    for r in doc["runs"]:
        if r["index"] not in order:
            order.append(r["index"])
    for index in order:
        yield index, f"{system_name(doc)} {index}", [r for r in doc["runs"] if r["index"] == index]


def system_name(doc):
    """The system with its client, e.g. `redis-stack [Python client]`."""
    tag = client_tag(doc)
    return doc["system"] if tag.lower() in doc["system"].lower() else f"{doc['system']} [{tag}]"


def plot(docs, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(14, 7))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    i = 0
    for doc in docs:
        for _, label, rows in series(doc):
            c = colours[i % len(colours)]
            i += 1
            openr = sorted((r for r in rows if r["mode"] == "open" and r.get("latency_us")), key=lambda r: r["target_qps"])
            if openr:
                q = [r["qps"] for r in openr]
                ax.plot(q, [r["latency_us"]["p50"] for r in openr], "-", color=c, marker=".", label=f"{label} p50 (open loop)")
                ax.plot(q, [r["latency_us"]["p99"] for r in openr], "--", color=c, marker=".", label=f"{label} p99 (open loop)")
            for r in rows:
                if r["mode"] != "closed" or not r.get("latency_us"):
                    continue
                m = "o" if r["clients"] == 1 else "s"
                ax.plot(r["qps"], r["latency_us"]["p50"], m, color=c, markersize=7)
                ax.plot(r["qps"], r["latency_us"]["p99"], m, color=c, markersize=7, markerfacecolor="none")
            if not openr:
                ax.plot([], [], "o", color=c, label=f"{label} (closed loop only)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("achieved QPS")
    ax.set_ylabel("latency, µs (open loop: from intended send time)")
    d = docs[0]["dataset"]
    m = docs[0]["machine"]
    loads = ", ".join(f"{doc['system']} {doc['machine']['loadavg'][0]:.1f}" for doc in docs)
    ax.set_title(f"Peers, {d['n']:,} × {d['d']} float32, IP, k = {docs[0]['k']}, {m['nproc']} cores "
                 f"({m['cpu_model']}), client per series in [ ]\nmarkers: closed loop, ● 1 client  ■ N clients "
                 f"(filled p50, hollow p99)\n1-min load at start: {loads}", fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    for ext in ("svg", "png"):
        fig.savefig(f"{out}.{ext}", dpi=110)
        print(f"wrote {out}.{ext}", file=sys.stderr)


def fmt(x, digits=0):
    return "—" if x is None else f"{x:,.{digits}f}"


def markdown(docs):
    """Closed-loop summary (one row per system and index), then every open-loop point."""
    print("| system | index | params | recall@10 | build s | 1 client: p50 / p90 / p99 / p99.9 µs | 1 client QPS "
          "| N clients: QPS | N clients: p50 / p99 µs | batch QPS |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for doc in docs:
        for index, label, rows in series(doc):
            one = next((r for r in rows if r["mode"] == "closed" and r["clients"] == 1), None)
            many = next((r for r in rows if r["mode"] == "closed" and r["clients"] > 1), None)
            batch = next((r for r in rows if r["mode"] == "batch"), None)
            info = doc.get("indexes", {}).get(index, {})
            build = info.get("build_seconds", info.get("index_and_load_seconds"))
            params = ", ".join(f"{k}={v}" for k, v in rows[0].get("params", {}).items()) or "—"
            l1 = (one or {}).get("latency_us", {})
            ln = (many or {}).get("latency_us", {})
            print(f"| {system_name(doc)} | {index} | {params} | {rows[0]['recall_at_k']:.3f} | {fmt(build, 1)} | "
                  f"{' / '.join(fmt(l1.get(p)) for p in ('p50', 'p90', 'p99', 'p999'))} | {fmt((one or {}).get('qps'))} | "
                  f"{fmt((many or {}).get('qps'))} ({(many or {}).get('clients', '—')} {(many or {}).get('concurrency', '')}) | "
                  f"{fmt(ln.get('p50'))} / {fmt(ln.get('p99'))} | {fmt((batch or {}).get('qps'))} |")
    print()
    print("| system | index | offered QPS | achieved QPS | p50 µs | p90 µs | p99 µs | client send lag p50 / p99 µs | load 1m |")
    print("|---|---|---|---|---|---|---|---|---|")
    for doc in docs:
        for r in doc["runs"]:
            if r["mode"] != "open":
                continue
            lat, lag = r.get("latency_us") or {}, r.get("send_lag_us") or {}
            print(f"| {system_name(doc)} | {r['index']} | {fmt(r['target_qps'])} | {fmt(r['qps'])} | {fmt(lat.get('p50'))} | "
                  f"{fmt(lat.get('p90'))} | {fmt(lat.get('p99'))} | {fmt(lag.get('p50'))} / {fmt(lag.get('p99'))} | "
                  f"{fmt(r.get('loadavg_1m'), 1)} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--results", required=True)
    ap.add_argument("--out", help="output path without extension (writes .svg and .png)")
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    docs = load(a.results)
    if a.markdown:
        markdown(docs)
    if a.out:
        plot(docs, a.out)
    if not a.markdown and not a.out:
        ap.error("give --out and/or --markdown")


if __name__ == "__main__":
    main()
