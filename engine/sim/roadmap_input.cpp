#include "sim/roadmap_input.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/error.h"
#include "core/text.h"

namespace ntm::sim {

namespace {

constexpr std::size_t idx(auto e) { return static_cast<std::size_t>(e); }

}  // namespace

PlannedProgramme planned_programme(const scenario::Scenario& s, const std::string& criterion_id,
                                   double lead_quantile) {
    const auto& prog = s.programme(criterion_id);
    // A lead time of 2.2 years needs a third pushed year; 1e-9 keeps 3.0 at three.
    const double lead = std::max(0.0, prog.lead_years.quantile(lead_quantile));
    return {static_cast<int>(std::ceil(lead - 1e-9)), prog.cost_bn};
}

RoadmapInput roadmap_input(const SimInput& in, bool all_if_none, double lead_quantile) {
    const auto& sc = *in.scenario;
    const auto& area = *in.area;
    RoadmapInput out;
    auto& p = out.problem;
    p.start = in.start;
    p.lag = sc.build_lag_years;

    // The targets, by study-area commune: standard by a year, and a count of criteria by a year.
    struct Want {
        int by = 0, count = 0, count_by = 0;
    };
    std::map<std::uint32_t, Want> wants;
    auto find = [&](const std::string& name, const std::string& key) {
        const int c = area.find_commune(name);
        if (c < 0)
            throw ConfigError(sc.path + ", " + key + ": no commune named or coded '" + name +
                              "' in the study area");
        if (!in.communes[static_cast<std::size_t>(c)].assessed)
            throw ConfigError(sc.path + ", " + key + ": '" + name +
                              "' is a township, which is not assessed against the criteria");
        return static_cast<std::uint32_t>(c);
    };
    auto check_year = [&](int year, const std::string& key) {
        if (year < sc.start || year > sc.end)
            throw ConfigError(sc.path + ", " + key + ": " + std::to_string(year) +
                              " is outside the period " + std::to_string(sc.start) + "–" +
                              std::to_string(sc.end));
    };
    if (!sc.targets.empty()) {
        for (const auto& t : sc.targets) {
            check_year(t.by, "registration.targets[].by");
            if (t.min_criteria > 0)
                check_year(t.min_criteria_by, "registration.targets[].min_criteria.by");
            for (const auto& name : t.communes) {
                auto& w = wants[find(name, "registration.targets[].communes")];
                w.by = w.by == 0 ? t.by : std::min(w.by, t.by);
                if (t.min_criteria > w.count) {
                    w.count = t.min_criteria;
                    w.count_by = t.min_criteria_by;
                }
            }
        }
    } else if (all_if_none) {
        for (std::uint32_t c = 0; c < in.communes.size(); ++c)
            if (in.communes[c].assessed) wants[c] = {sc.end, 0, 0};
    } else {
        throw ConfigError(sc.path +
                          ": the scenario names no targets; add registration: {targets: "
                          "[{communes: [...], by: YEAR}]} "
                          "or plan with --objective max-communes");
    }
    int last = sc.start;
    for (const auto& [c, w] : wants) last = std::max(last, w.by);
    p.years = last - sc.start + 1;
    const auto Y = static_cast<std::size_t>(p.years);

    // Money at its expected value: every uncertainty off.
    for (auto& row : p.money.pooled) row.assign(Y, 0.0);
    double people_per_household_mvnd = 0;
    for (const auto& f : sc.funding) {
        std::vector<double> per_year(Y);
        for (std::size_t y = 0; y < Y; ++y)
            per_year[y] = f.amount * std::pow(1 + f.growth, static_cast<double>(y)) *
                          f.uncertainty.expected();
        if (f.source == scenario::Source::People) {
            people_per_household_mvnd =
                (f.per_household_mvnd + f.labour_days_per_household * f.labour_day_mvnd +
                 f.donated_land_m2_per_household * f.land_mvnd_per_m2) *
                std::clamp(f.participation.expected(), 0.0, 1.0);
        } else if (f.source == scenario::Source::Credit) {
            p.money.credit_per_year = per_year;
            p.money.debt_cap = f.debt_cap;
            p.money.repay_years = f.repay_years;
        } else {
            p.money.pooled[idx(f.source)] = per_year;
        }
    }
    const double overrun = sc.overrun.expected();

    // Communes, criteria and indicators.
    std::map<std::uint32_t, std::uint32_t> slot_indicator;  // SimInput slot → problem indicator
    for (const auto& [c, w] : wants) {
        const auto& ci = in.communes[c];
        const auto pc = static_cast<std::uint32_t>(p.communes.size());
        out.area_commune.push_back(c);
        plan::Commune commune;
        commune.code = ci.code;
        commune.name = ci.name;
        commune.people_per_year =
            static_cast<double>(ci.households) * people_per_household_mvnd / 1000.0;
        commune.capacity_bn = sc.capacity_per_commune_bn;
        for (std::size_t j = 0; j < ci.criteria.size(); ++j) {
            const auto& parts = ci.criteria[j];
            plan::Criterion cr;
            cr.commune = pc;
            cr.id = in.set->criteria[j].id;
            bool income_short = false;
            if (parts.has_income)
                for (std::size_t y = 0; y < Y; ++y)
                    income_short =
                        income_short || !criteria::compare(parts.income0, parts.income_op,
                                                           parts.income_threshold[y]);
            cr.soft_open = (parts.has_status && !parts.status_met0) || income_short;
            if (cr.soft_open) {
                const auto prog = planned_programme(sc, cr.id, lead_quantile);
                cr.lead_years = prog.lead_years;
                cr.cost_per_year = prog.cost_bn;
            }
            const auto pj = static_cast<std::uint32_t>(p.criteria.size());
            for (const auto s : parts.slots) {
                const auto& sl = in.slots[s];
                plan::Indicator ind;
                ind.commune = pc;
                ind.criterion = pj;
                ind.id = sl.indicator;
                ind.ge = sl.op == criteria::Op::Ge || sl.op == criteria::Op::Gt ||
                         sl.op == criteria::Op::Eq;
                ind.measurable = sl.measurable;
                ind.x0 = sl.x0;
                ind.D0 = sl.D0;
                ind.threshold.assign(sl.threshold.begin(),
                                     sl.threshold.begin() + static_cast<std::ptrdiff_t>(Y));
                slot_indicator[s] = static_cast<std::uint32_t>(p.indicators.size());
                cr.indicators.push_back(static_cast<std::uint32_t>(p.indicators.size()));
                p.indicators.push_back(std::move(ind));
            }
            commune.criteria.push_back(pj);
            p.criteria.push_back(std::move(cr));
        }
        p.communes.push_back(std::move(commune));

        // Works: each candidate project once per commune, with its effect on every indicator it
        // serves (a school can count for two indicators); a new facility once per indicator.
        std::map<std::pair<int, std::uint32_t>, std::uint32_t> seen;  // (kind, asset) → work
        for (const auto& cj : ci.criteria)
            for (const auto s : cj.slots) {
                const auto& sl = in.slots[s];
                for (std::uint32_t k = 0; k < sl.count; ++k) {
                    const auto& pr = in.projects[sl.first + k];
                    const plan::Effect effect{slot_indicator.at(s), pr.dx, pr.dD};
                    const std::pair<int, std::uint32_t> key{static_cast<int>(pr.kind), pr.asset};
                    if (pr.kind != AssetKind::NewFacility)
                        if (const auto it = seen.find(key); it != seen.end()) {
                            p.works[it->second].effects.push_back(effect);
                            continue;
                        }
                    plan::Work wk;
                    wk.commune = pc;
                    wk.sector = sl.sector;
                    wk.cost_bn = pr.cost_bn * overrun;
                    wk.effects.push_back(effect);
                    const Origin* origin = nullptr;
                    switch (pr.kind) {
                        case AssetKind::Road: {
                            const auto& r = area.roads[pr.asset];
                            origin = &r.origin;
                            wk.quantity = pr.dx / 1000;
                            wk.unit = "km";
                            wk.label = std::string(token(r.road_class)) + " road";
                            break;
                        }
                        case AssetKind::Canal:
                            origin = &area.canals[pr.asset].origin;
                            wk.quantity = pr.dx / 1e4;
                            wk.unit = "ha";
                            wk.label =
                                std::string(token(area.canals[pr.asset].level)) + " canal lined";
                            break;
                        case AssetKind::School:
                            origin = &area.schools[pr.asset].origin;
                            wk.quantity = 1;
                            wk.unit = "unit";
                            wk.label = std::string(token(area.schools[pr.asset].level)) +
                                       " school '" + area.schools[pr.asset].name +
                                       "' to the standard";
                            break;
                        case AssetKind::Facility:
                            origin = &area.facilities[pr.asset].origin;
                            wk.quantity = 1;
                            wk.unit = "unit";
                            wk.label = std::string(token(area.facilities[pr.asset].kind)) + " '" +
                                       area.facilities[pr.asset].name + "' to the standard";
                            break;
                        case AssetKind::NewFacility: {
                            wk.quantity = 1;
                            wk.unit = "unit";
                            // The kind the indicator's rule asks for.
                            std::string kind = "facility";
                            for (const auto& rule : in.set->criteria[sl.criterion].indicators)
                                if (rule.id == sl.indicator && rule.kind)
                                    kind = std::string(token(*rule.kind));
                            wk.new_facility = kind;
                            wk.label = "new " + kind + " (indicator " + sl.indicator + ")";
                            wk.id = "new:" + sl.indicator;
                            break;
                        }
                    }
                    if (origin) {
                        wk.layer = origin->layer;
                        wk.fid = origin->fid;
                        wk.id = origin->layer + ":" + std::to_string(origin->fid);
                        wk.label += " (fid " + std::to_string(origin->fid) + ")";
                    }
                    if (pr.kind != AssetKind::NewFacility)
                        seen[key] = static_cast<std::uint32_t>(p.works.size());
                    p.works.push_back(std::move(wk));
                    out.project.push_back(pr);
                }
            }
    }
    for (const auto& [c, w] : wants) {
        plan::Target t;
        t.commune = static_cast<std::uint32_t>(
            std::find(out.area_commune.begin(), out.area_commune.end(), c) -
            out.area_commune.begin());
        t.by = w.by - sc.start;
        t.min_count = w.count;
        t.min_count_by = w.count > 0 ? w.count_by - sc.start : 0;
        p.targets.push_back(t);
    }
    p.index();
    p.check();
    return out;
}

std::vector<scenario::ScheduledWork> schedule_of(const plan::Problem& p, const plan::Outcome& o) {
    struct Keyed {
        std::uint32_t commune;
        scenario::ScheduledWork w;
    };
    std::vector<Keyed> rows;
    for (const auto& pay : o.payments) {
        scenario::ScheduledWork w;
        w.commune = p.communes[pay.commune].code;
        w.year = p.start + pay.year;
        w.source = pay.source;
        w.cost_bn = pay.amount_bn;
        if (pay.work >= 0) {
            const auto& wk = p.works[static_cast<std::size_t>(pay.work)];
            w.layer = wk.layer;
            w.fid = wk.fid;
            w.new_facility = wk.new_facility;
        } else {
            w.programme = p.criteria[static_cast<std::size_t>(pay.criterion)].id;
        }
        rows.push_back({pay.commune, std::move(w)});
    }
    std::stable_sort(rows.begin(), rows.end(), [](const Keyed& a, const Keyed& b) {
        return a.commune != b.commune ? a.commune < b.commune : a.w.year < b.w.year;
    });
    std::vector<scenario::ScheduledWork> out;
    for (auto& r : rows) out.push_back(std::move(r.w));
    return out;
}

}  // namespace ntm::sim
