#!/usr/bin/env bash
# The whole test suite, after making sure the machine has what the build needs.
set -euo pipefail
cd "$(dirname "$0")/.."
./Tools/bootstrap.sh
swift build --build-tests
swift test --skip-build --disable-xctest "$@"
