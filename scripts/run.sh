#!/usr/bin/env bash
# README's first command: install what is missing, build Release, and run the main job on the
# bundled Can Lộc data: validate it, then `ntmsim run` (assess 2017, simulate every bundled
# scenario, print the scenario table; results under out/). It also builds the web viewer
# (viewer/dist/) that `ntmsim serve out` shows.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
bash viewer/build.sh
./build/release/ntmsim validate -q datasets/canloc
# The Hà Tĩnh 2010 backtest area is generated from its recipe, not committed (docs/validation.md).
[ -f datasets/hatinh-2010/hatinh-2010.gpkg ] || ./build/release/ntmsim generate --recipe datasets/hatinh-2010/recipe.yaml -o datasets/hatinh-2010/hatinh-2010.gpkg
./build/release/ntmsim run -o out
