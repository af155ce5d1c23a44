# Shared by the MPI test scripts: sourced with NTMSIM, MPIRUN and SRC set.
set -euo pipefail
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
# How this sandbox and CI start Open MPI as root on a 2-core machine (docs/scale.md).
mpi() { "$MPIRUN" --oversubscribe --allow-run-as-root "$@"; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ntm-mpi-XXXXXX")
trap 'rm -rf "$work"' EXIT
# A small generated area and two scenarios for it that differ in policy, so a mix-up of the
# scenarios or of their draws shows in the bytes.
make_inputs() {
  "$NTMSIM" generate --communes "$1" --seed 11 -o "$work/area.gpkg" >/dev/null
  bash "$SRC/benchmarks/peers/scenario.sh" "$1" "$work/closest.yaml"
  sed 's/policy: closest_to_standard_first/policy: equal_share/' "$work/closest.yaml" >"$work/equal.yaml"
  grep -q 'policy: equal_share' "$work/equal.yaml" || fail "equal.yaml has no equal_share policy"
}
