#!/usr/bin/env bash
# The national-like backtest (docs/validation.md): generates the 9,000-commune area of 2010 from
# its recipe if it is missing (about a minute and 130 MB; not committed), then calibrates
# scenarios/national/baseline.yaml on the national figures up to TRAIN_UNTIL (default 2014) and
# scores the forecast of the end of 2015 and September 2016.
# Usage: bash scripts/backtest-national.sh [OUTDIR] [TRAIN_UNTIL]   (after cmake --build --preset release)
# A 9,000-commune trial is costly: few draws per trial (50) and a small trial budget.
set -euo pipefail
cd "$(dirname "$0")/.."
NTMSIM=${NTMSIM:-./build/release/ntmsim}
OUT=${1:-out/backtest-national-2014}
UNTIL=${2:-2014}
GPKG=datasets/national-2010/national-2010.gpkg
[ -f "$GPKG" ] || "$NTMSIM" generate --recipe datasets/national-2010/recipe.yaml -o "$GPKG"
"$NTMSIM" backtest datasets/national-2010 scenarios/national/baseline.yaml \
    --observed datasets/observed/national.csv --train-until "$UNTIL" \
    --fit-draws 50 --max-evals 100 --profile-points 7 --draws 200 -o "$OUT" --overwrite
