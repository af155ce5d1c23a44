#pragma once
// The roadmap as a mixed-integer program, composed one piece at a time (STYLE.md, "a problem you
// compose"): decisions, constraints and an objective, each added by its own call and testable
// alone. A full model:
//
//   RoadmapModel m(problem);
//   m.add_work_decisions().add_programme_decisions().add_money_constraints(/*elastic=*/false)
//    .add_capacity_constraints().add_targets(TargetMode::Required).add_min_cost_objective();
//   auto result = solver.solve(m.mip(), options, m.start(greedy_schedule(problem)));
//   Schedule s = m.schedule(result.x);
//
// Variables (docs/plan.md): paid_w,y (binary, work w paid in year y or before; non-decreasing in
// y), push_j,y (binary, criterion j's programme pushed in year y), standard_c,y (binary, commune c
// meets every criterion in year y), counted_t,j (binary, criterion j of target t's commune met in
// the year of its count), met_t (binary, target t met), and money flows (continuous): the people's
// money each commune spends, the pool's spending, loans and the credit spent, and, when elastic,
// the extra pooled money of each year.
//
// Rows that only tighten the relaxation (docs/plan.md, "The model"): for an indicator every work
// helps, the works built by a year cost at least the cheapest cover of its shortfall (cover.h), and
// a work's gain counts only up to the shortfall; a programme that needs every year so far pushed is
// linked year by year.
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include "plan/roadmap.h"
#include "plan/solver.h"

namespace ntm::plan {

class RoadmapModel {
 public:
    enum class TargetMode {
        Required,  // every target must be met
        Counted,   // met_t free: the objective counts them (the most communes at the standard)
    };

    explicit RoadmapModel(const Problem& p);

    RoadmapModel& add_work_decisions();
    RoadmapModel& add_programme_decisions();
    // Each source's money by year with carry-over, the people's money kept in its commune, loans
    // within the yearly amount and the debt cap, repaid from the pool. Elastic: the pool may be
    // topped up each year at a penalty (kExtraPenalty per bn), so the least extra money is found.
    RoadmapModel& add_money_constraints(bool elastic);
    RoadmapModel& add_capacity_constraints();
    RoadmapModel& add_targets(TargetMode mode, const std::vector<char>& skip = {});
    RoadmapModel& add_min_cost_objective();
    // The most targets met, ties broken by cost: each target met is worth more than every work
    // (times `scale`: with elastic money, scale above kExtraPenalty so a target outweighs any
    // extra).
    RoadmapModel& add_max_targets_objective(double scale = 1);

    const Mip& mip() const { return m_mip; }

    // Reads the decisions of a solution; the borrowing per year is kept so settle() pays alike.
    Schedule schedule(const std::vector<double>& x) const;
    // Values for the integer columns from a schedule (a starting solution for the solver).
    std::vector<double> start(const Schedule& s) const;
    // Extra pooled money per year in a solution (empty when not elastic).
    std::vector<double> extra_money(const std::vector<double>& x) const;
    // Per target: met in the solution (all true under Required).
    std::vector<char> targets_met(const std::vector<double>& x) const;

    // One bn of extra money costs as much as this many bn of works (elastic mode).
    static constexpr double kExtraPenalty = 1000;

 private:
    // The column meaning "work w is built (counts) in year y", or -1 (never by then).
    int built_col(std::size_t w, int y) const;
    // Rows making `v` = 1 only if criterion j of its commune is met in year y.
    void criterion_rows(std::size_t j, int y, int v);

    const Problem& m_p;
    Mip m_mip;
    std::vector<std::vector<std::pair<std::size_t, Effect>>>
        m_effects;                         // [indicator]: (work, effect)
    std::vector<std::vector<int>> m_paid;  // [work][year], -1 where the work cannot be paid
    std::map<std::tuple<std::size_t, double, std::size_t>, double>
        m_least_cost;                          // (indicator, threshold, works): cover.h
    std::vector<double> m_cost_of_col;         // [column]: the cost of the work a paid column pays
    std::vector<std::vector<int>> m_push;      // [criterion][year], -1 without a programme
    std::vector<int> m_extra, m_borrow;        // [year]
    std::vector<std::vector<int>> m_standard;  // [commune][year], -1 where not needed
    std::vector<std::vector<int>> m_counted;   // [target][position in the commune's criteria]
    std::vector<int> m_target;                 // [target], -1 for a skipped target
};

}  // namespace ntm::plan
