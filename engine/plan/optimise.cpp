#include "plan/optimise.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace ntm::plan {

namespace {

constexpr std::size_t idx(auto e) { return static_cast<std::size_t>(e); }

// The extra money of each year, split over the pooled sources in proportion to what each brings
// that year (all to the province's budget in a year no pooled source brings anything).
std::array<std::vector<double>, kSourceCount> split_extra(const Problem& p, const std::vector<double>& per_year) {
    std::array<std::vector<double>, kSourceCount> out;
    for (auto& row : out) row.assign(static_cast<std::size_t>(p.years), 0.0);
    for (std::size_t y = 0; y < per_year.size(); ++y) {
        if (per_year[y] <= 1e-9) continue;
        double total = 0;
        for (const auto src : scenario::kSources)
            if (is_pooled(src) && !p.money.pooled[idx(src)].empty()) total += p.money.pooled[idx(src)][y];
        if (total <= 0) {
            out[idx(Source::Province)][y] = per_year[y];
            continue;
        }
        for (const auto src : scenario::kSources)
            if (is_pooled(src) && !p.money.pooled[idx(src)].empty())
                out[idx(src)][y] = per_year[y] * p.money.pooled[idx(src)][y] / total;
    }
    return out;
}

}  // namespace

Problem with_extra_money(const Problem& p, const std::array<std::vector<double>, kSourceCount>& extra) {
    Problem q = p;
    for (const auto src : scenario::kSources) {
        if (!is_pooled(src) || extra[idx(src)].empty()) continue;
        auto& row = q.money.pooled[idx(src)];
        if (row.empty()) row.assign(static_cast<std::size_t>(p.years), 0.0);
        for (std::size_t y = 0; y < row.size(); ++y) row[y] += extra[idx(src)][y];
    }
    return q;
}

PlanResult plan_roadmap(const Problem& p, const PlanOptions& o, Solver& solver) {
    PlanResult r;
    r.solver = solver.name();
    r.unreachable = unreachable_targets(p);
    std::vector<char> skip;
    for (const auto& why : r.unreachable) skip.push_back(!why.empty());
    for (auto& row : r.extra) row.assign(static_cast<std::size_t>(p.years), 0.0);

    const Schedule greedy = greedy_schedule(p, skip);
    {
        const auto g = settle(p, greedy);
        r.greedy_cost = g.cost_bn;
        bool all = g.money_ok;
        for (std::size_t k = 0; k < p.targets.size(); ++k) all = all && (skip[k] || g.target_met[k]);
        r.greedy_sound = all;
    }

    auto run = [&](RoadmapModel& m, const Schedule& start) {
        const auto res = solver.solve(m.mip(), o.solve, m.start(start));
        r.status = res.status;
        r.objective = res.objective;
        r.bound = res.bound;
        r.gap = res.gap;
        r.nodes = res.nodes;
        r.columns = m.mip().cols();
        r.rows = m.mip().rows.size();
        return res;
    };
    auto build = [&](bool elastic, RoadmapModel::TargetMode mode) {
        RoadmapModel m(p);
        m.add_work_decisions().add_programme_decisions().add_money_constraints(elastic).add_capacity_constraints().add_targets(mode, skip);
        if (mode == RoadmapModel::TargetMode::Counted) {
            m.add_max_targets_objective();
        } else {
            m.add_min_cost_objective();
        }
        return m;
    };

    if (o.objective == Objective::MaxCommunes) {
        auto m = build(false, RoadmapModel::TargetMode::Counted);
        const auto res = run(m, greedy);
        if (res.x.empty()) return r;
        r.solved = true;
        r.schedule = m.schedule(res.x);
        r.outcome = settle(p, r.schedule);
        return r;
    }

    // The least cost that meets every reachable target, with the pool topped up where the money
    // falls short (elastic): any extra is the funding gap.
    std::optional<RoadmapModel> required;
    required.emplace(build(true, RoadmapModel::TargetMode::Required));
    auto res = run(*required, greedy);
    if (res.x.empty()) {
        // Even with any money some targets cannot all be met (capacity with deadlines): the most
        // targets that can, with money free but targets first, tell which.
        RoadmapModel most(p);
        most.add_work_decisions().add_programme_decisions().add_money_constraints(true).add_capacity_constraints();
        most.add_targets(RoadmapModel::TargetMode::Counted, skip).add_max_targets_objective(2 * RoadmapModel::kExtraPenalty);
        const auto best = solver.solve(most.mip(), o.solve, most.start(greedy));
        if (best.x.empty()) return r;
        const auto met = most.targets_met(best.x);
        for (std::size_t k = 0; k < p.targets.size(); ++k)
            if (!skip[k] && !met[k]) {
                skip[k] = 1;
                r.unreachable[k] = "the capacity per commune and year leaves no schedule that meets it by its year";
            }
        required.emplace(build(true, RoadmapModel::TargetMode::Required));
        res = run(*required, greedy_schedule(p, skip));
    }
    if (res.x.empty()) return r;
    const auto& m = *required;
    r.solved = true;
    r.schedule = m.schedule(res.x);
    const auto extra_per_year = m.extra_money(res.x);
    double extra_total = 0;
    for (const double v : extra_per_year) extra_total += v;
    r.funding_gap = extra_total > 1e-6;
    if (r.funding_gap) r.extra = split_extra(p, extra_per_year);
    r.outcome = settle(r.funding_gap ? with_extra_money(p, r.extra) : p, r.schedule);
    if (r.funding_gap) {
        // Which targets fail within the money there is: the plan meeting the most of them.
        const SolveResult::Status status = r.status;
        const double objective = r.objective, bound = r.bound, gap = r.gap;
        const long long nodes = r.nodes;
        auto counted = build(false, RoadmapModel::TargetMode::Counted);
        const auto within = solver.solve(counted.mip(), o.solve, counted.start(greedy));
        r.met_within_money = within.x.empty() ? std::vector<char>(p.targets.size(), 0) : counted.targets_met(within.x);
        r.status = status;
        r.objective = objective;
        r.bound = bound;
        r.gap = gap;
        r.nodes = nodes;
    }
    return r;
}

}  // namespace ntm::plan
