#!/usr/bin/env bash
# Rewrites tests/golden/ from the current build (build/dev/ntmsim): run it only when a change of
# the main outputs is intended, and commit the new files with the reason (tests/golden/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${NTMSIM:-build/dev/ntmsim}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" assess datasets/canloc --criteria hatinh-2017 --year 2017 -o "$work/assess.gpkg" -q >/dev/null
for f in "$work"/assess-*.csv; do cp "$f" "tests/golden/$(basename "$f")"; done
"$bin" simulate datasets/canloc scenarios/canloc/baseline.yaml --draws 40 --seed 7 --threads 2 -o "$work/sim" >/dev/null
for f in "$work"/sim/baseline/*.csv; do cp "$f" "tests/golden/simulate-$(basename "$f")"; done
# The QGIS styles (tests/unit/test_styles.cpp writes them when asked).
NTM_UPDATE_GOLDEN=1 "$(dirname "$bin")/tests/test_styles" --gtest_filter=Styles.Golden >/dev/null
ls tests/golden tests/golden/styles
