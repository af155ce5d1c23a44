#!/usr/bin/env bash
# Writes the national-like scenario for a generated area of N communes (ntmsim generate) to FILE:
# the money is given per commune and multiplied by N, so areas of any size see the same pressure.
#
#   bash benchmarks/peers/scenario.sh N FILE [SCALE]
#
# SCALE (default 1) multiplies every amount: benchmarks/run.py compares the scenario with a 0.8
# variant. benchmarks/peers/national.yaml is this script's output for N = 10000.
set -euo pipefail
n=${1:?communes}
file=${2:?output file}
scale=${3:-1}
# amount PER_COMMUNE: bn a year for the whole area
amount() { awk -v a="$1" -v n="$n" -v s="$scale" 'BEGIN { printf "%.6g", a * n * s }'; }

cat >"$file" <<YAML
# National-like scenario for a generated area of $n communes (written by
# benchmarks/peers/scenario.sh $n $scale): vn-2016 criteria, 2017–2031, 1000 draws. Every amount is
# a per-commune figure [assumption] × $n, chosen so that a good share of the communes, but not
# all, reach the standard by 2031. For benchmarking the engine, not for planning.
name: "National-like benchmark ($n communes, money × $scale)"
criteria: vn-2016
period: {start: 2017, end: 2031}
draws: 1000
seed: 2017

funding:
  - source: central            # 0.3 bn a commune a year
    amount: $(amount 0.3)
    growth: 0.02
    uncertainty: {normal: {sd: 0.15}}
  - source: province           # 0.4 bn a commune a year
    amount: $(amount 0.4)
    growth: 0.04
    uncertainty: {normal: {sd: 0.10}}
  - source: district           # 0.2 bn a commune a year
    amount: $(amount 0.2)
    growth: 0.04
    uncertainty: {lognormal: {sd: 0.15}}
  - source: commune            # 0.2 bn a commune a year (land-use fees: volatile)
    amount: $(amount 0.2)
    growth: 0.03
    uncertainty: {lognormal: {sd: 0.30}}
  - source: enterprise         # 0.1 bn a commune a year
    amount: $(amount 0.1)
    uncertainty: {normal: {sd: 0.30}}
  - source: people             # raised and spent in each commune
    per_household_mVND: 0.5
    participation: {beta: {mean: 0.7, sd: 0.1}}
    labour_days_per_household: 3
    labour_day_mVND: 0.15
  - source: credit             # borrowing for works ahead of funding: 0.2 bn a commune a year, cap 0.5
    amount: $(amount 0.2)
    repay_years: 5
    debt_cap: $(amount 0.5)

allocation:
  policy: closest_to_standard_first

capacity:
  per_commune_bn: 8
  build_lag_years: 0

costs:
  road: {commune_axis: 2.5, village_axis: 1.1, alley: 0.7, field: 0.9}
  canal_lining: {level_1: 2.0, level_2: 1.2, level_3: 0.8, field: 0.5}
  irrigation_per_ha: 0.013
  school_to_standard: {preschool: 3.5, primary: 5, lower_secondary: 6}
  facility: {commune_cultural_house: 5, village_cultural_house: 1.0, sports_ground: 2, market: 4, health_station: 2.5}
  overrun: {lognormal: {sd: 0.2}}

soft_criteria:
  default: {lead_years: {lognormal: {mean: 2.5, sd: 0.4}}, cost_bn: 0.3, background: 0.25}
  "13": {lead_years: {lognormal: {mean: 3.0, sd: 0.4}}, cost_bn: 0.3, background: 0.2}
  "17": {lead_years: {lognormal: {mean: 3.0, sd: 0.4}}, cost_bn: 0.4, background: 0.2}
YAML
