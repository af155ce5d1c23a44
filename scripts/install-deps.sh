#!/usr/bin/env bash
# Installs, with apt-get, the Debian 12 packages ntmsim needs to build, run and test, skipping
# those already present. Run as root (or through sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libgdal-dev gdal-bin python3-gdal libgeos-dev
  libboost-dev libboost-program-options-dev
  libyaml-cpp-dev librandom123-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcairo2-dev fonts-dejavu-core
  libopenmpi-dev openmpi-bin libboost-serialization-dev
  libnlopt-dev libnlopt-cxx-dev
  # the benchmark peers (benchmarks/), whose smoke run is part of the tests
  postgresql-15-postgis-3 python3-geopandas python3-rtree python3-numpy time
  nlohmann-json3-dev chromium
  # the roadmap optimiser (ntmsim plan): COIN-OR CBC, and libxlsxwriter for its Excel workbook
  coinor-libcbc-dev coinor-libclp-dev libxlsxwriter-dev python3-openpyxl
  # QGIS and its Python API: the test that draws every output GeoPackage with QGIS's own renderer
  # (tests/qgis/) and the QGIS screenshots of the docs
  qgis python3-qgis
  # the checks that stay (docs/fuzzing.md): libFuzzer harnesses built with clang, and Random123's
  # published known-answer vectors for the Philox test
  clang clang-format libclang-rt-14-dev librandom123-doc
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "ntmsim: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
