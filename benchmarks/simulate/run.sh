#!/usr/bin/env bash
# The Monte Carlo projection at scale: bench_simulate (C++, 1 and 2 threads) beside its numpy peer
# (peer_numpy.py) on the same compiled input of a generated area, with a check that both give the
# same expected communes at the standard when every uncertainty is off. Debian 12, as root.
# See benchmarks/simulate/README.md.
#
#   bash benchmarks/simulate/run.sh [--communes N] [--draws D] [--repeat R] [--peer-draws P]
#                                   [--peer-batch B] [--out DIR] [--smoke]
#
# --smoke: 50 communes, 100 draws (a minute). --peer-draws P times the peer on the first P draws
# only (whole batches) and scales its time linearly to D draws (batches are independent).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

communes=10000
draws=1000
repeat=1
peer_draws=""
peer_batch=100
out="$here/results"

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "run.sh: $*" >&2; exit 1; }

while (($#)); do
  case "$1" in
    --communes) communes=$2; shift 2 ;;
    --draws) draws=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --peer-draws) peer_draws=$2; shift 2 ;;
    --peer-batch) peer_batch=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --smoke) communes=50; draws=100; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument $1" ;;
  esac
done
[[ $communes =~ ^[0-9]+$ && $communes -gt 0 ]] || die "--communes takes a positive number"
[[ $draws =~ ^[0-9]+$ && $draws -gt 0 ]] || die "--draws takes a positive number"
[[ -z $peer_draws ]] && peer_draws=$draws
((peer_draws <= draws)) || peer_draws=$draws

# --- 1. packages: Debian's numpy (the peer runs under /usr/bin/python3, not a pyenv/venv one) ---
py=/usr/bin/python3
if ! dpkg-query -W -f='${Status}' python3-numpy 2>/dev/null | grep -q "install ok installed"; then
  [[ $(id -u) -eq 0 ]] || die "python3-numpy is missing: run as root, or apt-get install python3-numpy"
  echo "== installing python3-numpy"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-numpy >/dev/null
fi

# --- 2. build: the bench preset (Release + benchmark programs) ----------------------------------
echo "== building bench_simulate (cmake --preset bench)"
log="${TMPDIR:-/tmp}/ntmsim-simulate-bench-build.log"
build() {
  (cd "$repo" && { [[ -f build/bench/CMakeCache.txt ]] || cmake --preset bench; } >"$log" 2>&1 &&
    cmake --build --preset bench --target "$@" >>"$log" 2>&1) || { tail -40 "$log" >&2; die "build failed"; }
}
build bench_simulate
bench="$repo/build/bench/benchmarks/bench_simulate"
ntmsim="$repo/build/bench/ntmsim"

mkdir -p "$out"
out=$(readlink -f "$out")
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -z $(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null) ]] || commit="$commit (modified)"
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo "== machine: $(nproc) cores, $cpu; git $commit; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# --- 3. the area and the scenarios --------------------------------------------------------------
area="$out/area-$communes.gpkg"
if [[ ! -s $area ]]; then
  echo "== ntmsim generate --communes $communes --seed 1"
  build ntmsim
  "$ntmsim" generate --communes "$communes" --seed 1 -o "$area" >/dev/null
fi
scenario="$out/national-$communes.yaml"
bash "$here/scenario.sh" "$communes" "$scenario"

# --- 4. the deterministic check: every uncertainty off, both must agree exactly -----------------
echo "== deterministic check (bench_simulate --deterministic, 4 draws; the peer, 4 draws)"
"$bench" "$area" "$scenario" --deterministic --draws 4 --threads 2 --dump "$out/input-det" \
  --csv "$out/det-cpp.csv" >"$out/det-cpp.log"
"$py" "$here/peer_numpy.py" "$out/input-det" --draws 4 --batch 4 --csv "$out/det-peer.csv" >"$out/det-peer.log"
det=$("$py" - "$out/det-cpp.expected.csv" "$out/det-peer.csv" <<'PY'
import csv, sys
a = {r["year"]: float(r["reached"]) for r in csv.DictReader(open(sys.argv[1]))}
b = {r["year"]: float(r["reached"]) for r in csv.DictReader(open(sys.argv[2]))}
worst = max(abs(a[y] - b[y]) for y in a)
print(("agree" if worst <= 1e-9 else "DIFFER") + f" (largest difference {worst:g} communes, over {len(a)} years)")
PY
)
echo "   expected communes at the standard by year, C++ vs numpy: $det"

# --- 5. the C++ benchmark -----------------------------------------------------------------------
echo "== bench_simulate: $communes communes × 15 years × $draws draws, threads 1 and 2 (best of $repeat)"
"$bench" "$area" "$scenario" --draws "$draws" --threads 1,2 --repeat "$repeat" --dump "$out/input" \
  --csv "$out/cpp.csv" | tee "$out/cpp.log"

# --- 6. the numpy peer ----------------------------------------------------------------------------
echo "== peer_numpy.py: $peer_draws of $draws draws (batches of $peer_batch)"
max_batches=$(((peer_draws + peer_batch - 1) / peer_batch))
"$py" "$here/peer_numpy.py" "$out/input" --draws "$draws" --batch "$peer_batch" --max-batches "$max_batches" \
  --csv "$out/peer.csv" | tee "$out/peer.log"

# --- 7. the table ---------------------------------------------------------------------------------
"$py" - "$out" "$communes" "$draws" "$commit" "$cpu" "$det" <<'PY' | tee "$out/table.md"
import csv, sys
out, communes, draws, commit, cpu, det = sys.argv[1:]
cpp = list(csv.DictReader(open(f"{out}/cpp.csv")))
peer = list(csv.DictReader(open(f"{out}/peer.csv")))
p_secs = float(peer[0]["seconds_scaled"])
p_run = int(peer[0]["draws_run"])
n = int(communes) * 15 * int(draws)
print(f"\n{communes} communes × 15 years × {draws} draws = {n:.3g} commune-year-draws; git {commit}; {cpu}\n")
print("| run | wall s | ns per commune-year-draw | speed-up vs 1 thread | × numpy | peak RSS MiB |")
print("|---|---:|---:|---:|---:|---:|")
for r in cpp:
    w = float(r["wall_s"])
    print(f"| C++ engine, {r['threads']} thread(s) | {w:.2f} | {float(r['ns_per_cyd']):.1f} | {float(r['speedup']):.2f}× | "
          f"{p_secs / w:.1f}× | {float(r['peak_rss_mib']):.0f} |")
note = "" if p_run >= int(draws) else f" (timed on {p_run} draws, scaled linearly)"
print(f"| numpy peer, 1 thread{note} | {p_secs:.1f} | {p_secs * 1e9 / n:.1f} | | 1× | |")
print(f"\naggregates identical for 1 and 2 threads: {'yes' if cpp[0]['identical'] == '1' else 'NO'}; "
      f"deterministic check, C++ vs numpy: {det}")
PY
echo "results in $out/ (table.md, cpp.log, peer.log)"
