#pragma once
// Turns the engine's compiled input (SimInput) into the roadmap optimiser's problem
// (plan/roadmap.h): the target communes, their asset indicators with the candidate works the
// engine would build, their soft criteria as programmes, and the money of the scenario with every
// uncertainty at its expected value.
#include <string>
#include <vector>

#include "plan/roadmap.h"
#include "sim/input.h"

namespace ntm::sim {

// A soft criterion's programme as the roadmap plans it: the years of pushed effort it needs (the
// `lead_quantile` quantile of the scenario's lead_years, rounded up: a plan pushed for the
// median lead time finishes in time in about half the communes) and its cost per pushed year.
// The roadmap counts no background effort: a plan must not rely on years nobody pays for.
// By default a programme is planned for its median lead time; `ntmsim plan --lead-quantile 0.9`
// plans for one that finishes in time in 9 communes of 10 [assumption: the planner's choice].
inline constexpr double kPlannedLeadQuantile = 0.5;

struct PlannedProgramme {
    int lead_years = 0;
    double cost_bn = 0;
};

// The one place the roadmap reads a soft criterion's programme from the scenario
// (`soft_criteria: {ID|default: {lead_years, cost_bn}}`).
PlannedProgramme planned_programme(const scenario::Scenario& s, const std::string& criterion_id,
                                   double lead_quantile);

struct RoadmapInput {
    plan::Problem problem;
    std::vector<std::uint32_t> area_commune;  // per problem commune, its index in the study area
    // Per work, the engine's project (its kind and asset index in the study area).
    std::vector<Project> project;
};

// The problem of bringing the scenario's targets (`registration.targets`, or the older
// `allocation.targets`) to the standard. Without any target, `all_if_none` makes every assessed
// commune a target by the end of the period (for --objective max-communes); otherwise it is an
// error. The plan covers the years from the start to the last target year.
// Programmes are planned for the `lead_quantile` quantile of their lead time (0.5: the median).
RoadmapInput roadmap_input(const SimInput& in, bool all_if_none,
                           double lead_quantile = kPlannedLeadQuantile);

// The plan's payments as `schedule:` entries (plan.yaml): per commune (in the problem's order) and
// year, each payment of a work (by layer and fid, or new facility kind) or programme year, with its
// source and amount.
std::vector<scenario::ScheduledWork> schedule_of(const plan::Problem& p, const plan::Outcome& o);

}  // namespace ntm::sim
