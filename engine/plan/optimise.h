#pragma once
// The roadmap's answer: the greedy schedule as a start, the mixed-integer program solved, and,
// when the money cannot meet the targets, the least extra money per source and year and the
// targets that fail within the money there is (docs/plan.md).
#include <array>
#include <string>
#include <vector>

#include "plan/model.h"
#include "plan/roadmap.h"
#include "plan/solver.h"

namespace ntm::plan {

enum class Objective { MinCost, MaxCommunes };

struct PlanOptions {
    Objective objective = Objective::MinCost;
    SolveOptions solve;
};

struct PlanResult {
    std::string solver;
    bool solved = false;  // a schedule was found (false: see status)
    Schedule schedule;
    Outcome outcome;  // the schedule paid with the money there is plus any extra below
    SolveResult::Status status = SolveResult::Status::NoSolution;
    double objective = 0, bound = 0, gap = 0;
    long long nodes = 0;
    std::size_t columns = 0, rows = 0;
    // Per target: why it cannot be met whatever the money (empty when it can).
    std::vector<std::string> unreachable;
    // The least extra money per source and year ([source][year], bn) that meets every reachable
    // target; all zero when the money suffices.
    std::array<std::vector<double>, kSourceCount> extra;
    bool funding_gap = false;
    // Per target, when there is a funding gap: met by the plan that meets the most targets within
    // the money there is (the targets that fail are the others).
    std::vector<char> met_within_money;
    double greedy_cost = 0;
    bool greedy_sound = false;  // the greedy schedule met every reachable target within the money
};

// A quick schedule that tries each target in turn (earliest deadline first): for the count,
// the cheapest criteria to close; for the standard, every criterion, each indicator with the
// works that move it most per bn, paid as late as they can be; programmes pushed in the years
// just before they are needed. Targets marked in `skip` are left out.
Schedule greedy_schedule(const Problem& p, const std::vector<char>& skip = {});

// Per target: why it cannot be met even if every work were paid at once and every programme
// pushed from the first year (empty when it can).
std::vector<std::string> unreachable_targets(const Problem& p);

// Adds `extra` ([source][year]) to the pooled money.
Problem with_extra_money(const Problem& p,
                         const std::array<std::vector<double>, kSourceCount>& extra);

PlanResult plan_roadmap(const Problem& p, const PlanOptions& options, Solver& solver);

}  // namespace ntm::plan
