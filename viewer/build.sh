#!/usr/bin/env bash
# Builds the viewer into viewer/dist/ (gitignored), which `ntmsim serve` serves: installs the npm
# packages pinned by package-lock.json (MapLibre GL JS, and playwright-core for the browser tests;
# never a browser download) and copies the library files beside the viewer's own, so the page
# needs no CDN and works offline.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
fi
rm -rf dist.tmp
mkdir -p dist.tmp/vendor
cp src/index.html src/app.js src/app.css dist.tmp/
cp node_modules/maplibre-gl/dist/maplibre-gl.js node_modules/maplibre-gl/dist/maplibre-gl.css dist.tmp/vendor/
cp node_modules/maplibre-gl/LICENSE.txt dist.tmp/vendor/maplibre-gl-LICENSE.txt
rm -rf dist
mv dist.tmp dist
echo "viewer built in $(pwd)/dist"
