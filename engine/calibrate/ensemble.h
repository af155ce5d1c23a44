#pragma once
// Per-draw values of observed measures: what the simulation says each observed quantity would
// have been, draw by draw. The draws' spread is the forecast's uncertainty; their mean is the
// simulated moment a calibration matches.
// Thread contract: simulate_ensemble() runs draws in parallel (OpenMP); results are the same
// bytes for any thread count (each draw writes its own row).
#include <cstdint>
#include <vector>

#include "calibrate/observed.h"
#include "sim/input.h"

namespace ntm::calibrate {

// A quantity to compute per draw: a measure at the end of a month of a year (12: the year's
// end, which is what the simulation records). Before December, the value is interpolated
// linearly between the ends of the year before and of the year (docs/validation.md).
struct Point {
    Measure measure;
    int year = 0;
    int month = 12;
    bool operator==(const Point&) const = default;
};

struct Ensemble {
    std::vector<Point> points;
    std::uint32_t draws = 0;
    std::vector<double> values;  // [draw][point]
    std::vector<double> column(std::size_t point) const;
    double mean(std::size_t point) const;
    // Sample covariance (n − 1) of two points' values across draws.
    double covariance(std::size_t a, std::size_t b) const;
};

// The measure in the state the period starts from (the assessment of the start year, shown as
// the year before the period): the same in every draw. Throws UsageError for a per-criterion
// measure, which the compiled input does not keep for that state.
double initial_value(const sim::SimInput& in, const Measure& m);

// Runs draws [first, first + count) of `in` and returns each point's value per draw. A point's
// year must lie in the period, or be the year before it (the starting state; a month before
// December needs the year before it too); otherwise, and for a criterion the set does not have
// (or not for the starting state), throws UsageError naming the point.
Ensemble simulate_ensemble(const sim::SimInput& in, const std::vector<Point>& points,
                           std::uint32_t first, std::uint32_t count);

}  // namespace ntm::calibrate
