#!/usr/bin/env bash
# The sanitizer run of CI (.ci/run): builds the `asan` preset (AddressSanitizer + UBSan, Debug)
# and runs the tests labelled unit and robustness under it (`ctest --preset sanitize`; the whole
# suite under ASan takes too long for CI's 90 minutes). LeakSanitizer suppressions, for
# third-party leaks only: tests/lsan.supp.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset asan >/dev/null
cmake --build --preset asan
ctest --preset sanitize
