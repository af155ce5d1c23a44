#!/usr/bin/env bash
# clang-format check over engine/ tests/ benchmarks/ (the style in .clang-format), run by .ci/run.
# `find engine tests benchmarks -name '*.cpp' -o -name '*.h' | xargs clang-format -i` fixes it.
set -euo pipefail
cd "$(dirname "$0")/.."
find engine tests benchmarks \( -name '*.cpp' -o -name '*.h' -o -name '*.h.in' \) -print0 |
    xargs -0 clang-format --dry-run --Werror
