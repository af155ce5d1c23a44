#pragma once
// Comparing scenarios run on the same area with the same seed: side by side, and draw by draw
// (common random numbers make the paired differences tight).
#include <string>
#include <vector>

#include "report/results_reader.h"

namespace ntm::report {

struct CompareOptions {
    int target_year = 0;  // 0: the last year of the period
    bool allow_different_seeds = false;
    bool overwrite = false;
};

struct ScenarioScore {
    std::string label, scenario;
    double expected = 0;              // communes expected at the standard by the target year
    double diff = 0, lo = 0, hi = 0;  // paired difference with the reference, 95% interval
    double spent = 0, gap_end = 0, debt_end = 0;
    double gained = 0;  // criteria gained over the period, all communes
    double cost_per_criterion = 0;
    int rank = 0;
};

// Checks the folders can be compared (same area, same communes, same period, same seed unless
// allowed) and throws InputError saying why not. Returns the warnings to print.
std::vector<std::string> check_comparable(const std::vector<ResultsFolder>& results,
                                          const CompareOptions& o);

std::vector<ScenarioScore> score(const std::vector<ResultsFolder>& results, int target_year);

// Writes CMPDIR (district.csv, communes.csv, changes.csv, money.csv, years.csv, compare.gpkg),
// built in a temporary folder and renamed into place.
void write_comparison(const std::vector<ResultsFolder>& results, const CompareOptions& o,
                      const std::string& dir);

// Mean and 95% interval of paired per-draw differences.
struct Paired {
    double mean = 0, lo = 0, hi = 0;
};
Paired paired_interval(const std::vector<double>& differences);

}  // namespace ntm::report
