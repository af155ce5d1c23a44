#pragma once
// Writing a scenario's results: a folder with CSV tables (the compact format `compare` and the
// viewer read, docs/formats.md) and a GeoPackage for GIS.
#include <string>
#include <vector>

#include "sim/aggregate.h"
#include "sim/draws.h"
#include "sim/input.h"

namespace ntm::report {

struct ResultsMeta {
    std::string area;  // the study area path
    std::string scenario_file;
    std::string version = "0.1.0";
};

// Derived figures, shared by the writer and the command's summary table.
struct CommuneOutlook {
    std::vector<double> p_reached;  // per year: P(standard reached by the end of the year)
    std::vector<double> met_mean;   // per year: expected criteria met
    std::vector<int> met_p5, met_p50, met_p95;
    int median_year = 0;  // first year with P(reached) ≥ 0.5; 0: not within the period
};
CommuneOutlook commune_outlook(const sim::SimInput& in, const sim::Aggregate& agg,
                               std::size_t commune);
// Expected number of communes that reached the standard by the end of year index y.
double expected_reached(const sim::Aggregate& agg, std::size_t y);
// Mean over draws of a money field in year index y, bn.
double mean_money(const sim::Aggregate& agg, std::size_t y, std::size_t field);

// Writes into `dir` (created; an existing one is an error unless overwrite): summary.csv,
// funding.csv, communes.csv, criteria.csv, assets.csv, results.gpkg, run.csv and, with `draws`,
// draws.bin (the per-draw outcomes compare pairs scenarios with).
void write_results(const sim::SimInput& in, const sim::Aggregate& agg, const ResultsMeta& meta,
                   const std::string& dir, bool overwrite, const sim::DrawTable* draws = nullptr);

}  // namespace ntm::report
