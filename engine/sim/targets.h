#pragma once
// The chance that a scenario's targets are met (`ntmsim plan` on its plan.yaml, docs/plan.md):
// per target commune, the draws in which it reached the standard by its year, met at least the
// asked number of criteria at the end of the intermediate year, and both; and the draws in which
// every target was met. Thread contract: target_odds() runs draws in parallel and returns the
// same counts for any thread count (each draw writes its own row; the sums run afterwards).
#include <cstdint>
#include <vector>

#include "sim/input.h"

namespace ntm::sim {

struct TargetOdds {
    struct Target {
        std::uint32_t commune = 0;  // index in SimInput::communes
        int by = 0;                 // year of the standard (calendar)
        int min_criteria = 0, min_criteria_by = 0;
        std::uint32_t standard = 0, count = 0, both = 0;  // draws meeting each
        bool counted = true;                              // part of `all` (below)
    };
    std::vector<Target> targets;  // in the order of the communes' codes
    std::uint32_t draws = 0;
    // Draws in which every counted target was met. With a plan's schedule, the counted targets are
    // those the schedule works on: a target the plan left out (it found it cannot be met) would
    // make every reserve fail.
    std::uint32_t all = 0;
    double p_all() const { return draws ? static_cast<double>(all) / draws : 0.0; }
};

// Runs draws [0, draws) of `in` (its scenario's seed) and counts the targets met. The targets are
// the scenario's registration targets (CommuneInput::target_by); a count of 0 criteria always
// holds.
TargetOdds target_odds(const SimInput& in, std::uint32_t draws);

}  // namespace ntm::sim
