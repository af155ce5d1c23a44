#!/usr/bin/env bash
# A failing or killed rank ends the whole job with a clear error and a non-zero exit, and leaves
# no results folder behind.
#   failure.sh NTMSIM MPIRUN SOURCE_DIR PROBE
NTMSIM=$1 MPIRUN=$2 SRC=$3 PROBE=$4
. "$(dirname "$0")/common.sh"
make_inputs 12

expect_exit() {  # expect_exit CODE STDERR-FILE PATTERN (the pattern must appear exactly once)
  local n
  n=$(grep -c -- "$3" "$2" || true)
  [ "$n" = 1 ] || fail "expected '$3' once in stderr, found $n times: $(cat "$2")"
}

# 1. An error on one rank only (the probe: rank 1 of 3 throws in a checked step).
set +e
mpi -np 3 "$PROBE" 2>"$work/probe.err"
rc=$?
set -e
[ "$rc" = 1 ] || fail "probe: exit $rc, expected 1: $(cat "$work/probe.err")"
expect_exit 1 "$work/probe.err" "rank 1 of 3: probe: input failure on rank 1 only"
echo "ok: one rank's error ends the job, exit 1"

# 2. An error on rank 0 only: its output folder exists already.
mkdir -p "$work/out/closest"
set +e
mpi -np 3 "$NTMSIM" simulate "$work/area.gpkg" "$work/closest.yaml" --draws 10 -o "$work/out" 2>"$work/exists.err"
rc=$?
set -e
[ "$rc" = 1 ] || fail "existing output: exit $rc, expected 1: $(cat "$work/exists.err")"
expect_exit 1 "$work/exists.err" "already exists"
grep -q "rank 0 of 3: " "$work/exists.err" || fail "the message does not name rank 0: $(cat "$work/exists.err")"
echo "ok: rank 0's error ends the job, exit 1"

# 3. An error on every rank: a scenario file that is not there, reported once.
set +e
mpi -np 3 "$NTMSIM" simulate "$work/area.gpkg" "$work/missing.yaml" --draws 10 -o "$work/out2" 2>"$work/missing.err"
rc=$?
set -e
[ "$rc" = 1 ] || fail "missing scenario: exit $rc, expected 1: $(cat "$work/missing.err")"
expect_exit 1 "$work/missing.err" "missing.yaml"
grep -q "on all 3 ranks" "$work/missing.err" || fail "not said to fail on all ranks: $(cat "$work/missing.err")"
[ ! -e "$work/out2" ] || fail "out2 was created"
echo "ok: an error on every rank is reported once, exit 1"

# 4. A rank killed with SIGKILL while the job runs: mpirun ends the job non-zero and rank 0
# never writes (it writes only once every rank's draws are in).
mpi -np 3 "$NTMSIM" simulate "$work/area.gpkg" "$work/closest.yaml" --draws 200000 --threads 1 \
  -o "$work/killed" >"$work/killed.out" 2>"$work/killed.err" &
job=$!
victim=""
for _ in $(seq 1 300); do
  for p in $(pgrep -f -- "-o $work/killed" 2>/dev/null || true); do
    if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=1'; then victim=$p; fi
  done
  [ -n "$victim" ] && break
  sleep 0.1
done
[ -n "$victim" ] || { kill "$job" 2>/dev/null; fail "rank 1 never started"; }
sleep 1
kill -KILL "$victim"
set +e
wait "$job"
rc=$?
set -e
[ "$rc" != 0 ] || fail "the job with a killed rank exited 0"
grep -q "signal 9" "$work/killed.err" || fail "mpirun did not say a rank was killed: $(cat "$work/killed.err")"
[ ! -e "$work/killed/closest" ] || fail "a results folder was left: $(ls -la "$work/killed")"
# Only the lock file may stay (docs/data-safety.md: the kernel released its flock with the process).
if [ -d "$work/killed" ] && [ -n "$(ls -A "$work/killed" | grep -v '^\.ntmsim-lock-')" ]; then
  fail "output left: $(ls -A "$work/killed")"
fi
echo "ok: a killed rank ends the job with exit $rc and no results"
