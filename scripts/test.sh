#!/usr/bin/env bash
# README's second command: install what is missing, build with the developer preset (warnings
# are errors), build the viewer for the browser tests, and run the whole test suite except the
# cases labelled slow.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset dev >/dev/null
cmake --build --preset dev
bash viewer/build.sh
ctest --preset dev
