#!/usr/bin/env bash
# mpirun -np 2 and -np 3 of `ntmsim simulate` (two scenarios) write the bytes of a one-process
# run with the same seed, file by file, with the area assessed on rank 0 or on every rank.
#   same_bytes.sh NTMSIM MPIRUN SOURCE_DIR
NTMSIM=$1 MPIRUN=$2 SRC=$3
. "$(dirname "$0")/common.sh"
make_inputs 30
# 37 draws: the ranks get blocks of 18/19 and 12/12/13, not equal halves.
args=("$work/area.gpkg" "$work/closest.yaml" "$work/equal.yaml" --draws 37 --seed 5 --threads 1)
"$NTMSIM" simulate "${args[@]}" -o "$work/one" >/dev/null
mpi -np 2 "$NTMSIM" simulate "${args[@]}" -o "$work/np2" >"$work/np2.out"
mpi -np 3 "$NTMSIM" simulate "${args[@]}" -o "$work/np3" >"$work/np3.out"
mpi -np 3 "$NTMSIM" simulate "${args[@]}" --mpi-assess every -o "$work/np3every" >/dev/null
# Two threads in each rank, and more ranks than draws (ranks with no draws at all).
mpi -np 2 "$NTMSIM" simulate "${args[@]:0:3}" --draws 37 --seed 5 --threads 2 -o "$work/np2t2" >/dev/null
"$NTMSIM" simulate "${args[@]:0:3}" --draws 2 --seed 5 -o "$work/one2" >/dev/null
mpi -np 3 "$NTMSIM" simulate "${args[@]:0:3}" --draws 2 --seed 5 -o "$work/np3d2" >/dev/null

files=$(cd "$work/one" && find . -type f | sort)
[ "$(echo "$files" | wc -l)" -ge 12 ] || fail "one-process run wrote too few files: $files"
[ -s "$work/one/closest/draws.bin" ] || fail "no draws.bin"
# The two scenarios must differ, else the comparison below could not catch a swap.
! cmp -s "$work/one/closest/communes.csv" "$work/one/equal/communes.csv" || fail "the two scenarios gave the same communes.csv"
compare() {  # compare REFERENCE RUN
  local got
  got=$(cd "$2" && find . -type f | sort)
  [ "$got" = "$(cd "$1" && find . -type f | sort)" ] || fail "$2 holds other files than $1: $got"
  for f in $(cd "$1" && find . -type f | sort); do
    cmp "$1/$f" "$2/$f" || fail "$2/$f differs from the one-process run"
  done
  echo "ok: $(basename "$2") = $(basename "$1") ($(echo "$got" | wc -l) files)"
}
compare "$work/one" "$work/np2"
compare "$work/one" "$work/np3"
compare "$work/one" "$work/np3every"
compare "$work/one2" "$work/np3d2"
for f in $(cd "$work/np2t2" && find . -type f | sort); do
  cmp "$work/one/$f" "$work/np2t2/$f" || fail "np2t2/$f differs"
done
echo "ok: np2 with 2 threads a rank"
# A plan's plan.yaml: the schedule matched on rank 0 travels with the arrays (--mpi-assess root).
"$NTMSIM" plan "$SRC/datasets/canloc" "$SRC/scenarios/canloc/district-plan.yaml" -o "$work/plan" \
  --time-limit 5 --draws 0 >/dev/null
"$NTMSIM" simulate "$SRC/datasets/canloc" "$work/plan/plan.yaml" --draws 21 --threads 1 -o "$work/plan1" >/dev/null
mpi -np 2 "$NTMSIM" simulate "$SRC/datasets/canloc" "$work/plan/plan.yaml" --draws 21 --threads 1 -o "$work/plan2" >/dev/null
compare "$work/plan1" "$work/plan2"
# Rank 0 alone prints the table, once.
[ "$(grep -c '^closest ' "$work/np3.out")" = 1 ] || fail "the table is not printed once: $(cat "$work/np3.out")"
echo "all equal"
