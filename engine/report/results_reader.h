#pragma once
// Reading a results folder written by `ntmsim simulate` (docs/formats.md), for compare and export.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/draws.h"

namespace ntm::report {

struct ResultsFolder {
    std::string dir;
    std::string label;                       // the folder's name: the scenario file's stem
    std::map<std::string, std::string> run;  // run.csv
    std::string scenario, area, criteria;
    int start = 0, end = 0;
    std::uint64_t seed = 0, draws = 0;

    struct Commune {
        std::string code, name;
        int met_start = 0;                 // criteria met at the start
        std::vector<double> p_reached;     // per year
        std::vector<double> met_mean;      // per year
        std::vector<int> met_p5, met_p95;  // per year
    };
    std::vector<Commune> communes;  // assessed communes, in the area's order
    std::vector<double> expected_reached, spent, gap, debt;  // per year
    std::map<std::string, std::vector<double>> funding;      // item → per year (mean bn)
    sim::DrawTable draw_table;

    int years() const { return end - start + 1; }
    int year_index(int year) const;  // clamped to the period
};

// Throws InputError naming the folder and file when something is missing or malformed.
ResultsFolder read_results(const std::string& dir);

}  // namespace ntm::report
