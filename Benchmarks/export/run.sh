#!/usr/bin/env bash
# Snapshot export benchmark: build, measure and load one view of N × D clustered vectors
# with each index type. Release build; takes ~6 min for 1M × 64 on 2 cores (HNSW32 dominates).
#
#   Benchmarks/export/run.sh                      # N=1000000 D=64 FACTORIES="Flat IVF HNSW32"
#   N=100000 FACTORIES="Flat IVF" Benchmarks/export/run.sh
#
# Per factory it prints: export wall time and peak RSS (m2grl export), the build / recall figures
# from the manifest (m2grl inspect), the load time and peak RSS of a verified load
# (SnapshotBenchmark load), and SHA-256 throughput on the index file.
set -euo pipefail
N=${N:-1000000}
D=${D:-64}
FACTORIES=${FACTORIES:-"Flat IVF HNSW32"}
WORK=${WORK:-/tmp/m2grl-export-bench}
cd "$(dirname "$0")/../.."
swift build -c release --product m2grl >/dev/null
swift build -c release --product SnapshotBenchmark >/dev/null
BIN=$(swift build -c release --show-bin-path)
mkdir -p "$WORK"
BUNDLE="$WORK/bundle-$N-$D"
[ -f "$BUNDLE/model.json" ] || "$BIN/SnapshotBenchmark" generate "$BUNDLE" "$N" "$D"

for f in $FACTORIES; do
    root="$WORK/snapshots-$f"
    rm -rf "$root"
    cfg="$WORK/export-$f.toml"
    { cat Config/export.toml; printf '\n[views.item]\nfactory = "%s"\n' "$f"; } > "$cfg"
    echo "== $f: $N x $D"
    /usr/bin/time -f "export: %e s wall, %M KiB peak RSS" -o "$WORK/time-export-$f" \
        "$BIN/m2grl" export --bundle "$BUNDLE" --snapshots "$root" --config "$cfg" 2> "$WORK/export-$f.log" >/dev/null
    grep -v 'added' "$WORK/export-$f.log" | sed 's/^/  /'
    sed 's/^/  /' "$WORK/time-export-$f"
    "$BIN/m2grl" inspect "$root" | grep -A2 '^views:' | sed 's/^/  /'
    /usr/bin/time -f "load: %e s wall, %M KiB peak RSS" -o "$WORK/time-load-$f" \
        "$BIN/SnapshotBenchmark" load "$root/current" | sed 's/^/  /'
    sed 's/^/  /' "$WORK/time-load-$f"
    "$BIN/SnapshotBenchmark" load "$root/current" views-only | sed 's/^/  /'
    echo "  index file: $(stat -L -c %s "$root/current/views/item.faiss") bytes"
    "$BIN/SnapshotBenchmark" sha256 "$root/current/views/item.faiss" | sed 's/^/  /'
done
