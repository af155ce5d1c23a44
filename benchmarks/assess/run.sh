#!/usr/bin/env bash
# Road length per commune and class: `ntmsim assess` (and `ntmsim info`) against PostGIS, on the
# same synthetic study area in the same run, with an equality check of every (commune, class)
# value. Debian 12, as root. See benchmarks/assess/README.md.
#
#   bash benchmarks/assess/run.sh [--communes N] [--work DIR] [--keep] [--out DIR]
#                                 [--repeat R] [--jit on|off] [--port P] [--no-pg-serial] [NTMSIM]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

communes=10000
work=""
keep=0
out="$here/results"
repeat=1
jit=off
port=54329
pg_serial=1
ntmsim="${NTMSIM:-}"

usage() { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "run.sh: $*" >&2; exit 1; }

while (($#)); do
  case "$1" in
    --communes) communes=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --out) out=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --jit) jit=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --no-pg-serial) pg_serial=0; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; die "unknown option $1" ;;
    *) ntmsim=$1; shift ;;
  esac
done
[[ $communes =~ ^[0-9]+$ && $communes -gt 0 ]] || die "--communes takes a positive number"
[[ $repeat =~ ^[0-9]+$ && $repeat -gt 0 ]] || die "--repeat takes a positive number"
[[ $jit == on || $jit == off ]] || die "--jit takes on or off"
[[ $(id -u) -eq 0 ]] || die "run as root (it installs packages and runs PostgreSQL as the postgres user)"

# --- 1. packages ------------------------------------------------------------------------------
packages=(postgresql-15 postgresql-15-postgis-3 gdal-bin time python3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "== installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
pgbin=/usr/lib/postgresql/15/bin
[[ -x $pgbin/initdb ]] || die "$pgbin/initdb not found"

# --- 2. ntmsim (release) -----------------------------------------------------------------------
if [[ -z $ntmsim ]]; then
  # The release build of the working tree (incremental: a no-op when up to date).
  ntmsim="$repo/build/release/ntmsim"
  echo "== building the release ntmsim (cmake --build --preset release --target ntmsim)"
  if [[ ! -f $repo/build/release/CMakeCache.txt ]]; then
    bash "$repo/scripts/install-deps.sh"
    (cd "$repo" && cmake --preset release >/dev/null)
  fi
  (cd "$repo" && cmake --build --preset release --target ntmsim >"${TMPDIR:-/tmp}/ntmsim-assess-bench-build.log" 2>&1) ||
    { cat "${TMPDIR:-/tmp}/ntmsim-assess-bench-build.log" >&2; die "release build failed"; }
fi
[[ -x $ntmsim ]] || die "no ntmsim at $ntmsim"
ntmsim=$(readlink -f "$ntmsim")

# --- work folder, cleanup ----------------------------------------------------------------------
if [[ -z $work ]]; then
  work=$(mktemp -d /tmp/ntmsim-assess-bench.XXXXXX)
else
  [[ ! -e $work || -z $(ls -A "$work" 2>/dev/null) ]] || die "--work $work exists and is not empty"
  mkdir -p "$work"
  work=$(readlink -f "$work")
fi
mkdir -p "$work/logs" "$work/sock" "$out"
out=$(readlink -f "$out")
chown -R postgres:postgres "$work"
chmod 755 "$work"

pg_started=0
sampler=""
cleanup() {
  local rc=$?
  set +e
  if [[ -n $sampler ]]; then kill -TERM "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null; fi
  if ((pg_started)); then
    runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1 ||
      echo "run.sh: could not stop PostgreSQL in $work/pg" >&2
  fi
  if ((keep)); then
    echo "work folder kept: $work"
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

measures="$work/measures.tsv"
meta="$work/meta.tsv"
: >"$measures"
: >"$meta"
meta() { printf '%s\t%s\n' "$1" "$2" >>"$meta"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# measure KEY CMD...: runs CMD REPEAT times under /usr/bin/time -v with stdout to /dev/null (to
# $work/logs/KEY.out when STDOUT_LOG=1); records the best wall time (date around the process) and
# the largest peak RSS. Also records the machine's load average before each run.
measure() {
  local key=$1; shift
  local best="" rss=0 i t0 t1 wall r stdout=/dev/null
  [[ ${STDOUT_LOG:-0} == 1 ]] && stdout="$work/logs/$key.out"
  for ((i = 1; i <= repeat; i++)); do
    printf '%s\t%s\n' "$key" "$(cut -d' ' -f1 /proc/loadavg)" >>"$work/logs/loadavg.tsv"
    t0=$(now)
    if ! /usr/bin/time -v -o "$work/logs/$key.time" "$@" >"$stdout" 2>"$work/logs/$key.err"; then
      cat "$work/logs/$key.err" >&2
      die "failed: $*"
    fi
    t1=$(now)
    wall=$(elapsed "$t0" "$t1")
    r=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/logs/$key.time")
    ((r > rss)) && rss=$r
    if [[ -z $best ]] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$wall; fi
    # assess prints its own timer (measuring + evaluation, without loading and writing):
    # "N of M communes meet all K criteria (S s)"
    if [[ $stdout != /dev/null ]]; then
      r=$(sed -n 's/.* communes meet all .* criteria (\([0-9.]*\) s)$/\1/p' "$stdout" | tail -1)
      if [[ -n $r ]]; then printf '%s_compute\t%s\t\n' "$key" "$r" >>"$work/logs/compute.tsv"; fi
    fi
  done
  printf '%s\t%s\t%s\n' "$key" "$best" "$rss" >>"$measures"
  printf '   %-14s %8.2f s   peak RSS %6d MB\n' "$key" "$best" $((rss / 1024))
}

# --- machine -----------------------------------------------------------------------------------
meta communes "$communes"
meta repeat "$repeat"
meta nproc "$(nproc)"
meta cpu "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
meta mem "$(awk '/^MemTotal/ { printf "%.0f GB RAM", $2 / 1048576 }' /proc/meminfo)"
meta date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null) ]]; then commit="$commit (modified)"; fi
if [[ $commit == *modified* ]]; then commit="$commit, diff $(git -C "$repo" diff HEAD | sha1sum | cut -c1-8)"; fi
meta commit "$commit"
loadavg_start=$(cut -d' ' -f1 /proc/loadavg)
meta loadavg_start "$loadavg_start"
if awk -v l="$loadavg_start" 'BEGIN { exit !(l > 0.5) }'; then
  echo "run.sh: warning: the machine is busy (load average $loadavg_start); timings will be noisy" >&2
fi
echo "== machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo); git $commit; work $work"

# --- 3. the study area -------------------------------------------------------------------------
area="$work/area.gpkg"
echo "== ntmsim generate --communes $communes --seed 1"
save_repeat=$repeat; repeat=1
measure generate "$ntmsim" generate --communes "$communes" --seed 1 -o "$area"
repeat=$save_repeat
# The same area with only the two layers the road-length query reads, for a like-for-like
# ntmsim figure (not timed).
ogr2ogr -f GPKG "$work/roads-only.gpkg" "$area" communes roads
chown -R postgres:postgres "$work"

# --- 4. ntmsim -----------------------------------------------------------------------------------
echo "== ntmsim (best of $repeat)"
for t in 1 2; do
  measure "info_roads_t$t" "$ntmsim" info "$work/roads-only.gpkg" --format csv --threads "$t"
  measure "info_t$t" "$ntmsim" info "$area" --format csv --threads "$t"
  STDOUT_LOG=1 measure "assess_t$t" "$ntmsim" assess "$area" --criteria vn-2016 --year 2017 \
    -o "$work/assess.gpkg" --overwrite -q --threads "$t"
done
# assess's own timer, best of the runs
if [[ -s $work/logs/compute.tsv ]]; then
  sort -t$'\t' -k1,1 -k2,2g "$work/logs/compute.tsv" | awk -F'\t' '!seen[$1]++' >>"$measures"
fi
awk -F'\t' '/_compute/ { printf "   %-14s %8.2f s   (assess'"'"'s own timer: measuring + evaluation)\n", $1, $2 }' "$measures"

# --- 5. PostgreSQL -------------------------------------------------------------------------------
echo "== PostgreSQL 15 cluster in $work/pg (port $port, jit $jit)"
runuser -u postgres -- "$pgbin/initdb" -D "$work/pg" --auth=trust -U postgres -E UTF8 --locale=C.UTF-8 \
  >"$work/logs/initdb.log" 2>&1 || { cat "$work/logs/initdb.log" >&2; die "initdb failed"; }
pg_settings="shared_buffers=1GB work_mem=256MB maintenance_work_mem=1GB max_parallel_workers_per_gather=2 max_parallel_workers=2 jit=$jit fsync=off synchronous_commit=off full_page_writes=off"
pg_opts="-k $work/sock -p $port -c listen_addresses=''"
for s in $pg_settings; do pg_opts+=" -c $s"; done
pg_started=1
runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg" -l "$work/logs/postgres.log" -w -o "$pg_opts" start \
  >/dev/null || { cat "$work/logs/postgres.log" >&2; die "PostgreSQL did not start"; }
meta pg_settings "$pg_settings"
psql_() { psql -X -q -v ON_ERROR_STOP=1 -h "$work/sock" -p "$port" -U postgres "$@"; }
psql_ -d postgres -c "CREATE DATABASE bench"
psql_ -d bench -c "CREATE EXTENSION postgis"

# --- 6. load -----------------------------------------------------------------------------------
echo "== load communes and roads into PostGIS"
pg_conn="PG:host=$work/sock port=$port dbname=bench user=postgres"
t0=$(now)
/usr/bin/time -v -o "$work/logs/pg_load.time" ogr2ogr -f PostgreSQL "$pg_conn" "$area" communes roads \
  -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=GIST -lco FID=fid \
  >"$work/logs/pg_load.log" 2>&1 || { cat "$work/logs/pg_load.log" >&2; die "ogr2ogr into PostGIS failed"; }
# Plan shape (see road_length.sql): parallel over communes, never over roads.
psql_ -d bench -c "ALTER TABLE communes SET (parallel_workers = 2); ALTER TABLE roads SET (parallel_workers = 0)"
psql_ -d bench -c "ANALYZE communes; ANALYZE roads"
t1=$(now)
rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/logs/pg_load.time")
printf 'pg_load\t%s\t%s\n' "$(elapsed "$t0" "$t1")" "$rss" >>"$measures"
printf '   %-14s %8.2f s   peak RSS %6d MB (ogr2ogr)\n' pg_load "$(elapsed "$t0" "$t1")" $((rss / 1024))

counts=$(psql_ -d bench -At -F ' ' -c "SELECT (SELECT count(*) FROM communes), (SELECT count(*) FROM communes WHERE kind = 'commune'), (SELECT count(*) FROM roads)")
read -r n_communes n_assessed n_roads <<<"$counts"
meta assessed "$n_assessed"
meta roads "$n_roads"
versions="ntmsim $("$ntmsim" --version | awk '{ print $2 }') with GEOS $(geos-config --version 2>/dev/null || echo '?'), $(gdalinfo --version | cut -d, -f1); $(psql_ -d bench -At -c "SELECT split_part(version(), ' on ', 1) || ', PostGIS ' || postgis_lib_version() || ', GEOS ' || postgis_geos_version()")"
meta versions "$versions"
echo "   $n_communes communes ($n_assessed assessed), $n_roads roads; $versions"

# --- 7. the query --------------------------------------------------------------------------------
sql="$here/road_length.sql"
# The plan (no ANALYZE): the query without the COPY wrapper.
plan_sql=$(sed -e '/^--/d' -e 's/^COPY (//' -e 's/^) TO STDOUT.*;$//' "$sql")
psql_ -d bench -At -c "EXPLAIN $plan_sql" >"$work/logs/plan.txt"
workers=$(awk '/Workers Planned/ { print $NF; exit }' "$work/logs/plan.txt")
meta pg_workers_planned "${workers:-0}"
if ! grep -q "Parallel Seq Scan on communes" "$work/logs/plan.txt"; then
  echo "run.sh: note: the plan does not scan communes in parallel (expected below a few thousand communes, where tables are small):" >&2
  sed 's/^/   /' "$work/logs/plan.txt" >&2
fi
echo "== PostGIS road length query (best of $repeat; workers planned: ${workers:-0})"
pg_query() { # KEY SQL_FILE OUT_CSV [extra PGOPTIONS]
  local key=$1 file=$2 csv=$3 opts=${4:-} best="" i t0 t1 wall peak=0 p
  for ((i = 1; i <= repeat; i++)); do
    python3 "$here/compare.py" memsample "$work/logs/$key.mem" --user postgres &
    sampler=$!
    printf '%s\t%s\n' "$key" "$(cut -d' ' -f1 /proc/loadavg)" >>"$work/logs/loadavg.tsv"
    until [[ -s $work/logs/$key.mem ]]; do sleep 0.01; done
    t0=$(now)
    PGOPTIONS="$opts" psql_ -d bench -f "$file" >"$csv"
    t1=$(now)
    kill -TERM "$sampler"; wait "$sampler" || true; sampler=""
    p=$(cat "$work/logs/$key.mem"); rm -f "$work/logs/$key.mem"; ((p > peak)) && peak=$p
    wall=$(elapsed "$t0" "$t1")
    if [[ -z $best ]] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$wall; fi
  done
  printf '%s\t%s\t%s\n' "$key" "$best" "$peak" >>"$measures"
  printf '   %-14s %8.2f s   peak %6d MB (all postgres processes: private + shared buffers)\n' "$key" "$best" $((peak / 1024))
}
pg_query pg_query "$sql" "$work/postgis_roads.csv"
if ((pg_serial)); then
  pg_query pg_query_serial "$here/road_length_serial.sql" "$work/postgis_roads_serial.csv" \
    "-c max_parallel_workers_per_gather=0"
fi

# --- 8. equality -------------------------------------------------------------------------------
echo "== equality: assess indicators 2.1-2.4 denominators against PostGIS"
ogr2ogr -f CSV /vsistdout/ "$work/assess.gpkg" \
  -sql "SELECT code, indicator, denominator FROM indicators WHERE criterion = '2'" >"$work/ntmsim_roads.csv"
equal=0
rm -f "$out/mismatches-$communes.csv"
if python3 "$here/compare.py" compare "$work/ntmsim_roads.csv" "$work/postgis_roads.csv" \
  --out "$work/mismatches.csv" | tee "$work/logs/compare.txt"; then
  equal=1
  meta equality "all equal to 1e-6 relative"
else
  cp "$work/mismatches.csv" "$out/mismatches-$communes.csv"
  meta equality "$(grep -o '[0-9]* pair(s) differ[^;]*' "$work/logs/compare.txt" | head -1) (see mismatches-$communes.csv)"
fi
meta pairs "$(grep -o '[0-9]* (commune, class) pairs' "$work/logs/compare.txt" | awk '{ print $1 }')"
if ((pg_serial)); then
  # The one-process query must give the same numbers (it is the same computation).
  python3 "$here/compare.py" compare "$work/ntmsim_roads.csv" "$work/postgis_roads_serial.csv" >/dev/null ||
    { equal=0; echo "run.sh: the one-process PostGIS query disagrees with ntmsim" >&2; }
fi
meta loadavg_end "$(cut -d' ' -f1 /proc/loadavg)"
meta loadavg_per_step "$(awk -F'\t' '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }' "$work/logs/loadavg.tsv")"

# --- 9. report -----------------------------------------------------------------------------------
cp "$work/logs/plan.txt" "$out/plan-$communes.txt"
echo
python3 "$here/compare.py" report "$measures" "$meta" "$out/results-$communes"
echo
echo "written: $out/results-$communes.md, $out/results-$communes.json, $out/plan-$communes.txt"
((equal)) || die "ntmsim and PostGIS disagree (above)"
