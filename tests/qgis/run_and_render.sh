#!/usr/bin/env bash
# The QGIS rendering test (issue 18): `ntmsim run` and `ntmsim export --format gpkg`, then every
# layer of every GeoPackage they wrote drawn by QGIS's own renderer (render_layers.py): each
# feature must get a symbol from the file's default style and from every other style it stores.
#   run_and_render.sh NTMSIM WORKDIR DRAWS
# Exit 77 (skipped) when QGIS's Python API cannot be imported.
set -euo pipefail
ntmsim=$1 work=$2 draws=$3
here=$(cd "$(dirname "$0")" && pwd)
/usr/bin/python3 -c 'import qgis.core' 2>/dev/null || {
  echo "SKIP: python3-qgis is not installed (scripts/install-deps.sh installs it)"
  exit 77
}
rm -rf "$work"
mkdir -p "$work"
"$ntmsim" run --draws "$draws" --threads 2 -o "$work/out" >"$work/run.log" 2>&1 || {
  cat "$work/run.log"
  exit 1
}
"$ntmsim" export "$work/out/scenarios/high-mobilisation" --format gpkg --lang vi --year 2019 \
  -o "$work/export-high-vi.gpkg" >/dev/null
"$ntmsim" export "$work/out/comparison" --format gpkg -o "$work/export-compare.gpkg" >/dev/null
exec /usr/bin/python3 "$here/render_layers.py" --require-style "$work"
