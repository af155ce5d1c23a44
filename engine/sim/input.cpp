#include "sim/input.h"

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>

#include "core/error.h"
#include "core/rng.h"
#include "core/text.h"
#include "criteria/criteria_set.h"

namespace ntm::sim {

std::string_view asset_kind_name(AssetKind k) {
    switch (k) {
        case AssetKind::Road:
            return "road";
        case AssetKind::Canal:
            return "canal";
        case AssetKind::School:
            return "school";
        case AssetKind::Facility:
            return "facility";
        case AssetKind::NewFacility:
            return "new_facility";
    }
    return "?";
}

namespace {

constexpr std::size_t idx(auto e) { return static_cast<std::size_t>(e); }

scenario::Sector sector_of(criteria::Measure m) {
    switch (m) {
        case criteria::Measure::RoadHardenedShare:
            return scenario::Sector::Roads;
        case criteria::Measure::FarmlandServedShare:
            return scenario::Sector::Irrigation;
        case criteria::Measure::SchoolStandardShare:
            return scenario::Sector::Schools;
        default:
            return scenario::Sector::Culture;
    }
}

// Each commune's candidate projects per measure, in the order the commune would build them.
struct Candidates {
    // [commune][class]: road pieces not yet hardened, longest first (fewest works per km).
    std::vector<std::array<std::vector<Project>, kRoadClasses.size()>> roads;
    // [commune]: unlined canal pieces that would serve more farmland, cheapest per ha first.
    std::vector<std::vector<Project>> canals;
    // [commune][level]: schools below the standard, in layer order.
    std::vector<std::array<std::vector<Project>, kSchoolLevels.size()>> schools;
    // [commune][kind]: facilities below the standard, in layer order.
    std::vector<std::array<std::vector<Project>, kFacilityKinds.size()>> facilities;
};

Candidates candidates(const StudyArea& area, const indicators::AreaMeasures& m,
                      const scenario::Scenario& s) {
    const std::size_t nc = area.communes.size();
    Candidates c;
    c.roads.resize(nc);
    c.canals.resize(nc);
    c.schools.resize(nc);
    c.facilities.resize(nc);
    for (const auto& p : m.road_pieces) {
        if (is_hardened(p.surface)) continue;
        c.roads[p.commune][idx(p.road_class)].push_back(
            {p.length_m / 1000.0 * s.road_cost_per_km[idx(p.road_class)], p.length_m, 0,
             AssetKind::Road, p.road});
    }
    for (auto& per_class : c.roads)
        for (auto& list : per_class)
            std::stable_sort(list.begin(), list.end(),
                             [](const Project& a, const Project& b) { return a.dx > b.dx; });
    for (const auto& p : m.canal_pieces) {
        if (p.lined || p.marginal_served_m2 <= 0) continue;
        c.canals[p.commune].push_back({p.length_m / 1000.0 * s.canal_cost_per_km[idx(p.level)] +
                                           p.marginal_served_m2 / 1e4 * s.irrigation_per_ha_bn,
                                       p.marginal_served_m2, 0, AssetKind::Canal, p.canal});
    }
    for (auto& list : c.canals)
        std::stable_sort(list.begin(), list.end(), [](const Project& a, const Project& b) {
            return a.cost_bn * b.dx < b.cost_bn * a.dx;  // cost per m² served, ascending
        });
    for (std::size_t i = 0; i < area.schools.size(); ++i) {
        const int owner = m.school_owner[i].commune;
        const auto& sc = area.schools[i];
        if (owner < 0 || sc.meets_standard) continue;
        c.schools[static_cast<std::size_t>(owner)][idx(sc.level)].push_back(
            {s.school_cost[idx(sc.level)], 1, 0, AssetKind::School, static_cast<std::uint32_t>(i)});
    }
    for (std::size_t i = 0; i < area.facilities.size(); ++i) {
        const int owner = m.facility_owner[i].commune;
        const auto& f = area.facilities[i];
        if (owner < 0 || f.meets_standard) continue;
        c.facilities[static_cast<std::size_t>(owner)][idx(f.kind)].push_back(
            {s.facility_cost[idx(f.kind)], 1, 0, AssetKind::Facility,
             static_cast<std::uint32_t>(i)});
    }
    return c;
}

}  // namespace

void attach_criteria(SimInput& in, const scenario::Scenario& s,
                     const criteria::CriteriaSet& first) {
    in.periods.reset();
    in.applies.clear();
    in.in_force.clear();
    in.set = &first;
    if (s.criteria_periods.size() < 2) return;
    auto periods = std::make_shared<SimInput::Periods>();
    for (const auto& p : s.criteria_periods) {
        periods->sets.push_back(p.set == first.id ? first : criteria::load_criteria_set(p.set));
        periods->from.push_back(p.from);
    }
    periods->merged = criteria::merge_criteria_sets(periods->sets, s.path + ", criteria");
    const auto& merged = periods->merged;
    const std::size_t nj = merged.criteria.size();
    in.applies.assign(nj, std::vector<char>(static_cast<std::size_t>(in.years), 0));
    in.in_force.assign(static_cast<std::size_t>(in.years), 0);
    for (int y = 0; y < in.years; ++y) {
        const auto& set = periods->at(s.start + y);
        for (std::size_t j = 0; j < nj; ++j)
            if (set.find(merged.criteria[j].id)) {
                in.applies[j][static_cast<std::size_t>(y)] = 1;
                ++in.in_force[static_cast<std::size_t>(y)];
            }
    }
    in.periods = periods;
    in.set = &in.periods->merged;
}

SimInput compile(const StudyArea& area, const indicators::AreaMeasures& measures,
                 const criteria::CriteriaSet& set, const scenario::Scenario& s,
                 const criteria::LayersPresent& layers) {
    SimInput in;
    in.area = &area;
    in.scenario = &s;
    in.start = s.start;
    in.years = s.years();
    attach_criteria(in, s, set);
    const auto& run_set = *in.set;
    // A programme for a criterion the run does not have would be ignored in silence.
    for (const auto& [id, programme] : s.soft)
        if (!run_set.find(id)) {
            std::vector<std::string> ids;
            for (const auto& c : run_set.criteria) ids.push_back(c.id);
            throw ConfigError(s.path + ", key 'soft_criteria." + id + "': no criterion '" + id +
                              "' in the criteria set " + run_set.id + " (its ids: " +
                              join(ids, ", ") + "); fix the id or remove the entry");
        }
    // An indicator's threshold in a year: its own rule's, or with periods the rule of the set in
    // force (NaN when that set has no such indicator: it does not apply that year).
    auto threshold_at = [&](std::size_t j, const criteria::Indicator& rule, const Commune& commune,
                            int year) {
        if (!in.periods) return rule.threshold.at(commune.region, commune.group, year, rule.where);
        const auto* crit = in.periods->at(year).find(run_set.criteria[j].id);
        if (crit)
            for (const auto& r : crit->indicators)
                if (r.id == rule.id)
                    return r.threshold.at(commune.region, commune.group, year, r.where);
        return std::numeric_limits<double>::quiet_NaN();
    };
    const auto baseline = criteria::evaluate(run_set, area, measures, s.start, layers);
    const auto cand = candidates(area, measures, s);
    in.communes.resize(area.communes.size());

    for (std::size_t ci = 0; ci < area.communes.size(); ++ci) {
        const auto& commune = area.communes[ci];
        auto& ci_in = in.communes[ci];
        ci_in.code = commune.code;
        ci_in.name = commune.name;
        ci_in.assessed = commune.kind == CommuneKind::Commune;
        ci_in.population = commune.population;
        ci_in.households = commune.households;
        ci_in.criteria.resize(run_set.criteria.size());
        ci_in.met_at_start = 0;
        ci_in.met_at_start_by_criterion.assign(run_set.criteria.size(), 0);
        for (std::size_t j = 0; j < run_set.criteria.size(); ++j) {
            const bool met = ci_in.assessed && in.criterion_applies(j, 0) &&
                             baseline[ci].criteria[j].verdict == criteria::Verdict::Met;
            ci_in.met_at_start_by_criterion[j] = met;
            ci_in.met_at_start += met;
        }
        for (std::size_t j = 0; j < run_set.criteria.size(); ++j) {
            const auto& crit = run_set.criteria[j];
            auto& parts = ci_in.criteria[j];
            for (std::size_t k = 0; k < crit.indicators.size(); ++k) {
                const auto& rule = crit.indicators[k];
                const auto& res = baseline[ci].criteria[j].indicators[k];
                if (rule.measure == criteria::Measure::Status) {
                    const bool numeric = !rule.threshold.boolean;
                    if (rule.status_indicator == "10" && numeric && s.income_growth) {
                        parts.has_income = true;
                        parts.income0 = res.value.value_or(0);
                        parts.income_op = rule.op;
                        for (int y = 0; y < in.years; ++y)
                            parts.income_threshold.push_back(
                                threshold_at(j, rule, commune, s.start + y));
                    } else {
                        parts.has_status = true;
                        parts.status_met0 =
                            parts.status_met0 && res.verdict == criteria::Verdict::Met;
                    }
                    continue;
                }
                Slot slot;
                slot.commune = static_cast<std::uint32_t>(ci);
                slot.criterion = static_cast<std::uint16_t>(j);
                slot.sector = sector_of(rule.measure);
                slot.op = rule.op;
                slot.indicator = rule.id;
                slot.measurable = res.verdict != criteria::Verdict::Unknown;
                slot.x0 = res.numerator;
                slot.D0 = res.denominator;
                for (int y = 0; y < in.years; ++y)
                    slot.threshold.push_back(threshold_at(j, rule, commune, s.start + y));
                std::vector<Project> list;
                switch (rule.measure) {
                    case criteria::Measure::RoadHardenedShare:
                        list = cand.roads[ci][idx(*rule.road_class)];
                        break;
                    case criteria::Measure::FarmlandServedShare:
                        list = cand.canals[ci];
                        break;
                    case criteria::Measure::SchoolStandardShare:
                        for (const auto l : kSchoolLevels) {
                            if (!rule.levels.empty() &&
                                std::find(rule.levels.begin(), rule.levels.end(), l) ==
                                    rule.levels.end())
                                continue;
                            const auto& more = cand.schools[ci][idx(l)];
                            list.insert(list.end(), more.begin(), more.end());
                        }
                        std::stable_sort(list.begin(), list.end(),
                                         [](const Project& a, const Project& b) {
                                             return a.cost_bn < b.cost_bn;
                                         });
                        break;
                    case criteria::Measure::FacilityStandardPresent:
                        // Present: met once one facility of the kind meets the standard.
                        slot.x0 = std::min(res.numerator, 1.0);
                        slot.D0 = 1;
                        list = cand.facilities[ci][idx(*rule.kind)];
                        if (list.empty() && res.numerator < 1)
                            list.push_back({s.facility_cost[idx(*rule.kind)], 1, 0,
                                            AssetKind::NewFacility, 0});
                        if (!list.empty()) list.resize(1);
                        break;
                    case criteria::Measure::FacilityStandardShare:
                        list = cand.facilities[ci][idx(*rule.kind)];
                        if (res.denominator == 0)  // none at all: build one
                            list.push_back({s.facility_cost[idx(*rule.kind)], 1, 1,
                                            AssetKind::NewFacility, 0});
                        break;
                    case criteria::Measure::Status:
                        break;
                }
                slot.first = static_cast<std::uint32_t>(in.projects.size());
                slot.count = static_cast<std::uint32_t>(list.size());
                in.projects.insert(in.projects.end(), list.begin(), list.end());
                parts.slots.push_back(static_cast<std::uint32_t>(in.slots.size()));
                in.slots.push_back(std::move(slot));
            }
        }
    }
    for (const auto& t : s.targets) {
        for (const auto& name : t.communes) {
            const int c = area.find_commune(name);
            if (c < 0) {
                throw ConfigError(s.path + ", allocation.targets: no commune named or coded '" +
                                  name + "' in the study area");
            }
            auto& ci = in.communes[static_cast<std::size_t>(c)];
            if (ci.target_by != 0) {
                throw ConfigError(s.path + ", targets: commune '" + name +
                                  "' is a target twice; give each commune one deadline");
            }
            ci.target_by = t.by;
            ci.target_from = t.from == 0 ? s.start : t.from;
            ci.min_criteria = t.min_criteria;
            ci.min_criteria_by = t.min_criteria_by;
        }
    }
    std::vector<std::uint32_t> order(in.communes.size());
    for (std::uint32_t c = 0; c < order.size(); ++c) order[c] = c;
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        return std::tie(in.communes[a].code, a) < std::tie(in.communes[b].code, b);
    });
    for (std::uint32_t r = 0; r < order.size(); ++r) {
        auto& ci = in.communes[order[r]];
        ci.rank = r;
        ci.key = commune_key(ci.code);
    }
    for (const auto& [name, share] : s.fixed_shares) {
        const int c = area.find_commune(name);
        if (c < 0)
            throw ConfigError(s.path + ", allocation.fixed_shares: no commune named or coded '" +
                              name + "'");
        in.communes[static_cast<std::size_t>(c)].fixed_share = share;
    }
    compile_schedule(in);
    return in;
}

}  // namespace ntm::sim
