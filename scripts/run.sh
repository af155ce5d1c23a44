#!/usr/bin/env bash
# README's first command: install what is missing, build Release, and run the main job on the
# bundled Can Lộc data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
mkdir -p out
./build/release/ntmsim validate datasets/canloc
./build/release/ntmsim info datasets/canloc
./build/release/ntmsim assess datasets/canloc --criteria hatinh-2017 --year 2017 -o out/canloc-2017.gpkg --overwrite
