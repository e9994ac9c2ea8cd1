#!/usr/bin/env bash
# The main job end to end on the embedded default data (MovieLens-100K).
# Current stage: build Faiss indexes from a demo embedding set and answer queries.
set -euo pipefail
cd "$(dirname "$0")/.."
./Tools/bootstrap.sh
swift build -c release --product m2grl
BIN=$(swift build -c release --show-bin-path)/m2grl
"$BIN" index-demo --data data/ml-100k
