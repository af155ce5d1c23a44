#!/usr/bin/env bash
# clang-format check over engine/ tests/ benchmarks/ (the style in .clang-format). Not yet called
# by .ci/run: the tree is formatted in one commit after the parallel branches are merged.
set -euo pipefail
cd "$(dirname "$0")/.."
find engine tests benchmarks \( -name '*.cpp' -o -name '*.h' -o -name '*.h.in' \) -print0 |
    xargs -0 clang-format --dry-run --Werror
