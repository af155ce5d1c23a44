#pragma once
// The simulation's input: the study area after `assess`, compiled once into plain arrays so that
// a draw-year touches no geometry (DESIGN.md: a draw-year costs nanoseconds, not geometry calls).
//
// For each commune and each criterion the model keeps:
// - asset indicators (roads, canals, schools, facilities): a state x compared with t(year) × D,
//   and a list of candidate projects, each adding dx to x (and dD to D) for a cost, sorted once
//   in the order the commune would build them (docs/model.md);
// - a status part (what no asset measures): met or not, becoming met when the commune's programme
//   for it has had its years of effort (scenario soft_criteria: lead time, cost, background);
// - an income part (indicator 10) when the scenario models income growth: a value compared with
//   a threshold that may rise year by year.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "criteria/evaluate.h"
#include "indicators/measure.h"
#include "model/study_area.h"
#include "scenario/scenario.h"

namespace ntm::sim {

enum class AssetKind : std::uint8_t { Road, Canal, School, Facility, NewFacility };
std::string_view asset_kind_name(AssetKind k);

struct Project {
    double cost_bn = 0;  // before the year's overrun factor
    double dx = 0;
    double dD = 0;
    AssetKind kind = AssetKind::Road;
    std::uint32_t asset = 0;  // index in the StudyArea layer of its kind (roads, canals, …)
};

// One asset indicator of one commune.
struct Slot {
    std::uint32_t commune = 0;
    std::uint16_t criterion = 0;  // index in the criteria set
    scenario::Sector sector = scenario::Sector::Roads;
    criteria::Op op = criteria::Op::Ge;
    bool measurable = true;  // false when unknown at the start (it can then never be met)
    double x0 = 0, D0 = 0;
    std::vector<double> threshold;       // per simulated year
    std::uint32_t first = 0, count = 0;  // its projects in SimInput::projects
    std::string indicator;               // id, for traces
};

struct CriterionParts {
    std::vector<std::uint32_t> slots;  // asset indicators (indices into SimInput::slots)
    bool has_status = false;           // status indicators other than income
    bool status_met0 = true;           // all of them met at the start
    bool has_income = false;           // modelled by income growth
    double income0 = 0;
    criteria::Op income_op = criteria::Op::Ge;
    std::vector<double> income_threshold;  // per simulated year
};

struct CommuneInput {
    std::string code, name;
    bool assessed = true;
    long long population = 0, households = 0;
    std::uint32_t key = 0;  // commune_key(code): its random streams
    std::uint32_t rank =
        0;  // position in the order of codes (ties are broken by it, never by layer order)
    int target_by = 0;                          // 0: not a target (an explicit registration)
    int target_from = 0;                        // registered from this year on
    int min_criteria = 0, min_criteria_by = 0;  // intermediate target
    int met_at_start = 0;                       // criteria met in the assessment of the start year
    std::vector<std::uint8_t> met_at_start_by_criterion;  // 1: criterion j met in that assessment
    double fixed_share = 0;
    std::vector<CriterionParts> criteria;  // per criterion of the set
};

// The plan's schedule (scenario `schedule:`, docs/plan.md), compiled: one item per work (or year of
// a programme) fixed in a commune and year, with the schedule entries that pay its parts.
struct ScheduleItem {
    std::uint32_t commune = 0;
    int year = 0;  // index from the start year
    // A work: the engine's projects it is (a school counting for two indicators is two), each
    // with its slot.
    std::vector<std::uint32_t> slots, projects;
    int status = -1;                     // a programme: the criterion's index in the set
    std::vector<std::uint32_t> entries;  // indices into Scenario::schedule
    std::string label;                   // for traces and messages
};

struct SimInput {
    const StudyArea* area = nullptr;
    const scenario::Scenario* scenario = nullptr;
    const criteria::CriteriaSet* set = nullptr;  // the run's criteria (with periods: their union)
    // A run whose scenario changes criteria set (scenario.criteria_periods): the union of its
    // sets, criteria and indicators by id; `applies[j][y]` says whether criterion j belongs to
    // the set in force in year y, `in_force[y]` how many do. Empty for a run with one set.
    struct Periods {
        std::vector<criteria::CriteriaSet> sets;  // each period's set, in year order
        std::vector<int> from;                    // the first year of each
        criteria::CriteriaSet merged;
        const criteria::CriteriaSet& at(int year) const {
            std::size_t p = 0;
            while (p + 1 < from.size() && from[p + 1] <= year) ++p;
            return sets[p];
        }
    };
    std::shared_ptr<const Periods> periods;
    std::vector<std::vector<char>> applies;
    std::vector<std::uint16_t> in_force;
    int start = 0, years = 0;
    std::vector<CommuneInput> communes;
    std::vector<Slot> slots;
    std::vector<Project> projects;
    std::vector<ScheduleItem> schedule;  // in year order, then the order of the file
    std::vector<char> scheduled;         // [c]: the schedule fixes its works (the policy skips it)
    std::size_t criteria_count() const { return set->criteria.size(); }
    bool criterion_applies(std::size_t j, int y) const {
        return applies.empty() || applies[j][static_cast<std::size_t>(y)] != 0;
    }
    std::size_t criteria_in_force(int y) const {
        return in_force.empty() ? criteria_count() : in_force[static_cast<std::size_t>(y)];
    }
};

// Matches the scenario's `schedule:` entries with the compiled communes, projects and criteria
// (compile() calls it last); throws ConfigError as compile() says.
void compile_schedule(SimInput& in);

// The criteria a scenario's run applies: `first` (the set of its start year) alone, or, when the
// scenario changes set, the union of its sets (the others loaded by id), with each criterion's
// years. A threshold is NaN in the years its indicator is not in the set in force. Throws
// ConfigError when two sets give one indicator id different measures.
void attach_criteria(SimInput& in, const scenario::Scenario& s, const criteria::CriteriaSet& first);

// Compiles the area, its measures and a scenario. Throws ConfigError when the scenario names a
// commune the area does not have, or when a `schedule:` entry names a commune, work or programme
// the compiled input does not have (the message names the entry's file, line and key).
SimInput compile(const StudyArea& area, const indicators::AreaMeasures& measures,
                 const criteria::CriteriaSet& set, const scenario::Scenario& scenario,
                 const criteria::LayersPresent& layers = {});

}  // namespace ntm::sim
