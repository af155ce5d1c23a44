#pragma once
// The roadmap problem (`ntmsim plan`, docs/plan.md): which works, in which commune, in which year,
// paid from which source, meet the targets at the least cost, or, when the money cannot, how much
// more each source would need each year.
//
// The optimiser's input is this plain struct, built from the engine's compiled input by
// sim/roadmap_input.h (or by hand in tests): it knows nothing of geometry or files.
//
// Model (all in one place, docs/plan.md):
// - years 0..Y-1 from the problem's start year; a work paid in year t counts from year t + lag on;
// - an indicator of a commune is met in year y when x0 + Σ dx ≥ t_y · (D0 + Σ dD) over the works
//   built by then (≤ for the `Le` operator); an indicator with D0 = 0 also needs one work adding
//   to D; one that is not measurable is never met;
// - a criterion is met when all its indicators are met and, if it has a soft programme still to
//   do, that programme has been pushed for `lead_years` years (each costing `cost_per_year`);
// - money: each pooled source (central, province, district, commune budgets, enterprises, other)
//   has its yearly amount and carries what it does not spend; the people's money of a commune
//   pays only that commune's works and carries over there; credit lends up to its yearly amount
//   while the debt stays under the cap, and each loan is repaid in equal parts over the next
//   `repay_years` years from the pooled sources;
// - capacity: the cost of the works a commune starts in a year is at most its capacity.
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "scenario/scenario.h"

namespace ntm::plan {

using scenario::Source;
inline constexpr std::size_t kSourceCount = scenario::kSources.size();

// What a work changes in one indicator.
struct Effect {
    std::uint32_t indicator = 0;  // index in Problem::indicators
    double dx = 0, dD = 0;
};

struct Work {
    std::uint32_t commune = 0;
    std::string id;     // stable and unique within the commune: "roads:12", "new_facility:market"
    std::string layer;  // roads, canals, schools, facilities; empty for a new facility
    long long fid = -1;
    std::string new_facility;  // a facility kind to build where there is none (layer empty)
    std::string label;         // what a planner reads: "village_axis road, fid 12"
    double quantity = 0;       // km, ha or units
    std::string unit;          // km, ha, unit
    scenario::Sector sector = scenario::Sector::Roads;
    double cost_bn = 0;
    int earliest = 0;  // the first year (index) it can be paid
    std::vector<Effect> effects;
};

struct Indicator {
    std::uint32_t commune = 0;
    std::uint32_t criterion = 0;  // index in Problem::criteria
    std::string id;
    bool ge = true;  // x/D ≥ t (false: ≤ t)
    bool measurable = true;
    double x0 = 0, D0 = 0;
    std::vector<double> threshold;  // per year
};

// One criterion of one commune.
struct Criterion {
    std::uint32_t commune = 0;
    std::string id;  // the criteria set's id ("2", "13")
    std::vector<std::uint32_t> indicators;
    bool soft_open = false;     // a status part not met at the start: needs its programme
    bool soft_possible = true;  // false: the status part can never be met (no programme)
    int lead_years = 0;         // years of pushed effort the programme needs
    double cost_per_year = 0;   // bn per pushed year
};

struct Commune {
    std::string code, name;
    double people_per_year = 0;  // bn the people contribute each year (spent in this commune only)
    double capacity_bn = std::numeric_limits<double>::infinity();  // works started per year
    std::vector<std::uint32_t> criteria;  // indices in Problem::criteria, in set order
};

// A commune to bring to the standard by the end of year `by` (an index), with, when min_count > 0,
// at least min_count criteria met at the end of year min_count_by.
struct Target {
    std::uint32_t commune = 0;
    int by = 0;
    int min_count = 0;
    int min_count_by = 0;
};

struct Money {
    // bn available per pooled source and year ([source][year]); People and Credit rows unused.
    std::array<std::vector<double>, kSourceCount> pooled;
    std::vector<double> credit_per_year;  // the most that can be borrowed each year (empty: none)
    double debt_cap = std::numeric_limits<double>::infinity();
    int repay_years = 5;
};

struct Problem {
    int start = 0;  // calendar year of year 0
    int years = 0;
    int lag = 0;  // years between paying for a work and its counting
    std::vector<Commune> communes;
    std::vector<Criterion> criteria;
    std::vector<Indicator> indicators;
    std::vector<Work> works;
    std::vector<Target> targets;
    Money money;
    // Per indicator, the works with an effect on it (filled by index(); settle() is faster with
    // it).
    std::vector<std::vector<std::uint32_t>> works_of_indicator;

    void index();
    // Throws ConfigError when an index points outside its list or a figure is not finite.
    void check() const;
};

bool is_pooled(Source s);

// A decision: pay `amount_bn` of work `work` (or of a year of criterion `criterion`'s programme)
// in `year` from `source`. A work paid from two sources has two entries.
struct Payment {
    int year = 0;
    std::uint32_t commune = 0;
    int work = -1;       // index in Problem::works, or -1 for a programme year
    int criterion = -1;  // index in Problem::criteria for a programme year
    Source source = Source::Central;
    double amount_bn = 0;
};

// The decisions alone: the year each work is paid (-1: never) and the years each programme is
// pushed. Money follows from them (see settle()).
struct Schedule {
    std::vector<int> work_year;             // per work
    std::vector<std::vector<char>> pushed;  // per criterion, per year
    // Loans taken each year (the solver's choice: borrowing early can carry credit forward);
    // empty: borrow only what a year's payments need beyond the other money.
    std::vector<double> borrow;
};

// Money by source and year ([source][year]), as a planner checks it balances: for each source,
// carried(y-1) + available(y) = spent(y) + repaid(y) + carried(y). People: all communes together;
// credit: what was borrowed (available) and spent the same year.
struct Ledger {
    std::array<std::vector<double>, kSourceCount> available, spent, repaid, carried;
    std::vector<double> borrowed, debt;  // per year: new loans, debt at the end of the year
    std::vector<double> unpaid;          // per year: what no source could pay (0 in a sound plan)
};

// Where a schedule stands: criteria met per commune and year, targets met, money and its cost.
struct Outcome {
    std::vector<std::vector<int>> met_count;     // [commune][year]
    std::vector<std::vector<char>> at_standard;  // [commune][year]
    std::vector<char> target_met;                // per target
    bool money_ok = true;                        // every payment covered in its year
    bool capacity_ok = true;  // no commune starts more works in a year than its capacity
    double cost_bn = 0;       // works and programme years paid
    std::vector<Payment> payments;
    Ledger ledger;
};

// Pays a schedule year by year (the people's money of each commune first, then the pooled
// sources, then credit within its yearly amount and the cap, each loan repaid from the pooled
// sources) and evaluates criteria and targets. Independent of the solver: the tests' brute force
// and the check of every answer use it.
Outcome settle(const Problem& p, const Schedule& s);

// The unit an indicator's comparison x − t·D is measured in (its starting denominator, at least
// 1), so that metres, square metres and counts compare at the same tolerance.
double indicator_scale(const Indicator& ind);

// How far indicator i is above its threshold in year y with the works built in `schedule`, in
// units of indicator_scale() (negative: short of it); -inf while nothing is measured (D ≤ 0).
double indicator_slack(const Problem& p, const Schedule& s, std::size_t i, int y);

// The slack below zero still counted as met, in units of indicator_scale() (the MIP grants it too):
// the engine's own (criteria::compare: 10⁻⁹ of the threshold), so that a plan never counts as met
// an indicator `simulate` finds a few millimetres short (a cover of road pieces can land within
// 10⁻⁶ of a threshold).
inline constexpr double kIndicatorTolerance = 1e-9;

// Whether indicator i is met in year y with the works built in `schedule`.
bool indicator_met(const Problem& p, const Schedule& s, std::size_t i, int y);

}  // namespace ntm::plan
