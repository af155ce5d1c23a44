#!/usr/bin/env bash
# README's benchmark command: installs what the peers need (Debian packages), builds the `bench`
# preset (Release + benchmark programs) and runs benchmarks/run.py, which writes BENCHMARKS.md.
#
#   bash benchmarks/run.sh            the full run: district, province and national scale (~1 h)
#   bash benchmarks/run.sh --smoke    20 communes, every step and peer once, equality checks only
#   bash benchmarks/run.sh --build DIR [--smoke] ...   use an existing build (ntmsim, benchmarks/)
#
# Other options go to run.py (python3 benchmarks/run.py --help). Run as root: PostgreSQL runs as
# the postgres user on a private socket, started and stopped by the script.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

build=""
args=()
while (($#)); do
  case "$1" in
    --build) build=$(readlink -f "$2"); shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done

bash "$repo/scripts/install-deps.sh"
if [[ -z $build ]]; then
  build="$repo/build/bench"
  (cd "$repo" && cmake --preset bench >/dev/null && cmake --build --preset bench)
fi
exec /usr/bin/python3 "$here/run.py" --build "$build" "${args[@]}"
