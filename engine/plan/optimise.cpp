#include "plan/optimise.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace ntm::plan {

namespace {

constexpr std::size_t idx(auto e) { return static_cast<std::size_t>(e); }

// The extra money of each year, split over the pooled sources in proportion to what each brings
// that year (all to the province's budget in a year no pooled source brings anything).
std::array<std::vector<double>, kSourceCount> split_extra(const Problem& p,
                                                          const std::vector<double>& per_year) {
    std::array<std::vector<double>, kSourceCount> out;
    for (auto& row : out) row.assign(static_cast<std::size_t>(p.years), 0.0);
    for (std::size_t y = 0; y < per_year.size(); ++y) {
        if (per_year[y] <= 1e-9) continue;
        double total = 0;
        for (const auto src : scenario::kSources)
            if (is_pooled(src) && !p.money.pooled[idx(src)].empty())
                total += p.money.pooled[idx(src)][y];
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

// The part of a problem about one commune: its criteria, indicators, works and targets (`targets`
// receives the index in `p` of each), with all the money. With the pool topped up at will, the
// other communes' claims on the money do not matter, and capacity binds each commune alone.
Problem one_commune(const Problem& p, std::uint32_t c, std::vector<std::size_t>& targets) {
    Problem q;
    q.start = p.start;
    q.years = p.years;
    q.lag = p.lag;
    q.money = p.money;
    q.communes.push_back(p.communes[c]);
    q.communes[0].criteria.clear();
    std::vector<std::uint32_t> indicator_at(p.indicators.size(), 0);
    for (const auto j : p.communes[c].criteria) {
        Criterion cr = p.criteria[j];
        cr.commune = 0;
        cr.indicators.clear();
        const auto qj = static_cast<std::uint32_t>(q.criteria.size());
        for (const auto i : p.criteria[j].indicators) {
            Indicator ind = p.indicators[i];
            ind.commune = 0;
            ind.criterion = qj;
            indicator_at[i] = static_cast<std::uint32_t>(q.indicators.size());
            cr.indicators.push_back(indicator_at[i]);
            q.indicators.push_back(std::move(ind));
        }
        q.communes[0].criteria.push_back(qj);
        q.criteria.push_back(std::move(cr));
    }
    for (const auto& w : p.works) {
        if (w.commune != c) continue;
        Work wk = w;
        wk.commune = 0;
        for (auto& e : wk.effects) e.indicator = indicator_at[e.indicator];
        q.works.push_back(std::move(wk));
    }
    targets.clear();
    for (std::size_t k = 0; k < p.targets.size(); ++k)
        if (p.targets[k].commune == c) {
            targets.push_back(k);
            q.targets.push_back(p.targets[k]);
            q.targets.back().commune = 0;
        }
    q.index();
    return q;
}

// The most targets `p` can meet with the pool topped up at will (capacity and deadlines alone
// bind), targets first, then the least extra money and cost.
std::vector<char> most_targets_with_any_money(const Problem& p, const std::vector<char>& skip,
                                              const SolveOptions& o, Solver& solver,
                                              const Schedule& start, bool& proven) {
    RoadmapModel most(p);
    most.add_work_decisions()
        .add_programme_decisions()
        .add_money_constraints(true)
        .add_capacity_constraints();
    most.add_targets(RoadmapModel::TargetMode::Counted, skip)
        .add_max_targets_objective(2 * RoadmapModel::kExtraPenalty);
    const auto best = solver.solve(most.mip(), o, most.start(start));
    proven = best.status == SolveResult::Status::Optimal;
    if (best.x.empty()) return std::vector<char>(p.targets.size(), 0);
    return most.targets_met(best.x);
}

}  // namespace

Problem with_extra_money(const Problem& p,
                         const std::array<std::vector<double>, kSourceCount>& extra) {
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

    Schedule greedy = greedy_schedule(p, skip);
    {
        // Targets the capacity per commune and year rules out, whatever the money. The greedy
        // schedule keeps to the capacity: a target it meets is within it. The communes of the
        // others are solved one by one, with money free, for the most of their targets.
        const auto g = settle(p, greedy);
        std::vector<char> checked(p.communes.size(), 0);
        bool changed = false;
        for (std::size_t k = 0; k < p.targets.size(); ++k) {
            const auto c = p.targets[k].commune;
            if (skip[k] || g.target_met[k] || checked[c]) continue;
            checked[c] = 1;
            std::vector<std::size_t> of;
            const auto q = one_commune(p, c, of);
            std::vector<char> q_skip;
            for (const auto t : of) q_skip.push_back(skip[t]);
            bool proven = false;
            const auto met = most_targets_with_any_money(q, q_skip, o.solve, solver,
                                                         greedy_schedule(q, q_skip), proven);
            for (std::size_t n = 0; n < of.size(); ++n)
                if (!q_skip[n] && !met[n]) {
                    skip[of[n]] = 1;
                    r.unreachable[of[n]] = proven ? "the capacity per commune and year leaves no "
                                                    "schedule that meets it by its year"
                                                  : "no schedule within the capacity per commune "
                                                    "and year was found in the time limit";
                    changed = true;
                }
        }
        if (changed) greedy = greedy_schedule(p, skip);
    }
    {
        const auto g = settle(p, greedy);
        r.greedy_cost = g.cost_bn;
        bool all = g.money_ok;
        for (std::size_t k = 0; k < p.targets.size(); ++k)
            all = all && (skip[k] || g.target_met[k]);
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
        m.add_work_decisions()
            .add_programme_decisions()
            .add_money_constraints(elastic)
            .add_capacity_constraints()
            .add_targets(mode, skip);
        if (mode == RoadmapModel::TargetMode::Counted) {
            m.add_max_targets_objective();
        } else {
            m.add_min_cost_objective();
        }
        return m;
    };

    if (o.objective == Objective::MaxCommunes) {
        // When the money meets every target that any money could, the cheapest plan that does
        // is the answer (each target outweighs every cost), and the model with every target
        // required is far easier to solve. Only when the money falls short is the model that
        // counts the targets met solved.
        auto all = build(true, RoadmapModel::TargetMode::Required);
        const auto first = run(all, greedy);
        double extra = 0;
        if (!first.x.empty())
            for (const double v : all.extra_money(first.x)) extra += v;
        if (!first.x.empty() && first.status == SolveResult::Status::Optimal && extra <= 1e-6) {
            r.solved = true;
            r.schedule = all.schedule(first.x);
            r.outcome = settle(p, r.schedule);
            return r;
        }
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
        // Even with any money the targets cannot all be met together (not seen commune by
        // commune): the most targets that can, with money free but targets first, tell which.
        bool proven = false;
        const auto met = most_targets_with_any_money(p, skip, o.solve, solver, greedy, proven);
        for (std::size_t k = 0; k < p.targets.size(); ++k)
            if (!skip[k] && !met[k]) {
                skip[k] = 1;
                r.unreachable[k] =
                    "the capacity per commune and year leaves no schedule that meets it by its "
                    "year";
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
        r.met_within_money = within.x.empty() ? std::vector<char>(p.targets.size(), 0)
                                              : counted.targets_met(within.x);
        r.status = status;
        r.objective = objective;
        r.bound = bound;
        r.gap = gap;
        r.nodes = nodes;
    }
    return r;
}

}  // namespace ntm::plan
