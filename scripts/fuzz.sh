#!/usr/bin/env bash
# Runs the libFuzzer harnesses (docs/fuzzing.md): builds them with the `fuzz` preset (clang,
# ASan + UBSan), then runs each for SECONDS (default 600) on a working copy of its committed
# corpus (tests/fuzz/corpus/NAME, seeds only: new inputs stay in build/fuzz/corpus/NAME).
# Usage: scripts/fuzz.sh [SECONDS] [HARNESS...]   (harnesses: scenario criteria area observed draws)
# JOBS harnesses run at once (default 1; the build uses 2 cores). Exit status 1 when any harness found a crash, a hang or a
# sanitizer report; its reproducer is build/fuzz/findings/NAME/.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -eq 0 ] && harnesses=(scenario criteria area observed draws)
jobs=${JOBS:-1}
# FUZZ_NO_BUILD=1 runs the harnesses already built.
if [ -z "${FUZZ_NO_BUILD:-}" ]; then
    cmake --preset fuzz >/dev/null
    cmake --build --preset fuzz --target "${harnesses[@]/#/fuzz_}" >/dev/null || exit 2
fi
status=0
run_one() {
    local h=$1 work=build/fuzz/corpus/$1 found=build/fuzz/findings/$1
    mkdir -p "$work" "$found"
    # LSan is off: GDAL and PROJ keep caches for the life of the process.
    ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
        build/fuzz/tests/fuzz/fuzz_$h "$work" "tests/fuzz/corpus/$h" -max_total_time="$seconds" -timeout=20 \
        -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$found/" -print_final_stats=1 \
        > "build/fuzz/$h.log" 2>&1
    local rc=$?
    local execs
    execs=$(grep -m1 'stat::number_of_executed_units' "build/fuzz/$h.log" | awk '{print $2}')
    echo "fuzz_$h: ${seconds} s, ${execs:-?} inputs, exit $rc ($( [ $rc -eq 0 ] && echo clean || echo "FINDING: see build/fuzz/$h.log"))"
    return $rc
}
running=0
for h in "${harnesses[@]}"; do
    run_one "$h" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n || status=1
        running=$((running - 1))
    fi
done
while [ "$running" -gt 0 ]; do
    wait -n || status=1
    running=$((running - 1))
done
exit $status
