#!/usr/bin/env bash
# Builds the bare libuv echo server (transport floor) into $1 (default /tmp/m2grl-echo-server).
set -euo pipefail
out="${1:-/tmp/m2grl-echo-server}"
cc -O2 -Wall -o "$out" "$(dirname "$0")/echo.c" $(pkg-config --cflags --libs libuv)
echo "$out"
