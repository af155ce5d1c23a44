#include "criteria/evaluate.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/text.h"

namespace ntm::criteria {

std::string_view verdict_text(Verdict v) {
    switch (v) {
        case Verdict::Met:
            return "met";
        case Verdict::NotMet:
            return "not_met";
        case Verdict::Unknown:
            return "unknown";
    }
    return "?";
}

namespace {

constexpr std::size_t idx(auto e) { return static_cast<std::size_t>(e); }

// The latest status row ≤ year per (commune, indicator).
class StatusLookup {
 public:
    StatusLookup(const StudyArea& area, int year) {
        for (const auto& row : area.status) {
            if (row.year > year) continue;
            const int c = area.commune_index(row.commune_code);
            if (c < 0) continue;
            auto& slot = m_rows[{c, row.indicator}];
            if (!slot || slot->year <= row.year) slot = &row;
        }
    }
    const StatusRow* find(int commune, const std::string& indicator) const {
        const auto it = m_rows.find({commune, indicator});
        return it == m_rows.end() ? nullptr : it->second;
    }

 private:
    std::map<std::pair<int, std::string>, const StatusRow*> m_rows;
};

std::string km(double m) { return format_fixed(m / 1000.0, 2); }
std::string ha(double m2) { return format_fixed(m2 / 1e4, 1); }

IndicatorResult measure(const Indicator& rule, const indicators::Inventory& inv, int commune,
                        const StatusLookup& status, const LayersPresent& layers, Region region,
                        CommuneGroup group, int year) {
    IndicatorResult r;
    r.rule = &rule;
    r.threshold =
        rule.threshold.at(region, group, year, rule.where + " (indicator " + rule.id + ")");
    auto share = [&](double num, double den, bool layer, const char* nothing) {
        r.numerator = num;
        r.denominator = den;
        if (!layer) {
            r.why_unknown = "layer missing";
        } else if (den <= 0) {
            r.why_unknown = nothing;
        } else {
            r.value = num / den;
        }
    };
    switch (rule.measure) {
        case Measure::RoadHardenedShare: {
            const auto& row = inv.road_m[idx(*rule.road_class)];
            double all = 0, hard = 0;
            for (const auto s : kSurfaces) {
                all += row[idx(s)];
                if (is_hardened(s)) hard += row[idx(s)];
            }
            share(hard, all, layers.roads, "no road of this class in the commune");
            break;
        }
        case Measure::FarmlandServedShare:
            share(inv.served_m2, inv.farmland_total_m2(), layers.canals && layers.farmland,
                  "no farmland in the commune");
            break;
        case Measure::SchoolStandardShare: {
            double all = 0, ok = 0;
            for (const auto l : kSchoolLevels) {
                if (!rule.levels.empty() &&
                    std::find(rule.levels.begin(), rule.levels.end(), l) == rule.levels.end())
                    continue;
                ok += static_cast<double>(inv.schools[idx(l)][1]);
                all += static_cast<double>(inv.schools[idx(l)][0] + inv.schools[idx(l)][1]);
            }
            share(ok, all, layers.schools, "no school in the commune");
            break;
        }
        case Measure::FacilityStandardPresent: {
            const auto& row = inv.facilities[idx(*rule.kind)];
            r.numerator = static_cast<double>(row[1]);
            r.denominator = static_cast<double>(row[0] + row[1]);
            if (!layers.facilities) {
                r.why_unknown = "layer missing";
            } else {
                r.value = row[1] > 0 ? 1.0 : 0.0;
            }
            break;
        }
        case Measure::FacilityStandardShare: {
            const auto& row = inv.facilities[idx(*rule.kind)];
            r.numerator = static_cast<double>(row[1]);
            r.denominator = static_cast<double>(row[0] + row[1]);
            if (!layers.facilities) {
                r.why_unknown = "layer missing";
            } else {
                // None mapped at all: none meets the standard.
                r.value = r.denominator > 0 ? r.numerator / r.denominator : 0.0;
            }
            break;
        }
        case Measure::Status: {
            const StatusRow* row = status.find(commune, rule.status_indicator);
            if (!row) {
                r.why_unknown = "no status row for indicator " + rule.status_indicator;
            } else if (row->met) {
                r.value = *row->met ? 1.0 : 0.0;
            } else if (row->value) {
                r.value = *row->value;
            } else {
                r.why_unknown = "status row has no value";
            }
            break;
        }
    }
    if (!r.value) {
        r.verdict = Verdict::Unknown;
        return r;
    }
    r.verdict = compare(*r.value, rule.op, r.threshold) ? Verdict::Met : Verdict::NotMet;
    if (r.verdict != Verdict::NotMet) return r;

    Gap g;
    const double need = r.threshold * r.denominator - r.numerator;
    switch (rule.measure) {
        case Measure::RoadHardenedShare:
            g.amount = need / 1000.0;
            g.unit = "km";
            g.text = km(need) + " km of " + std::string(token(*rule.road_class)) +
                     " road to harden (asphalt or concrete)";
            break;
        case Measure::FarmlandServedShare:
            g.amount = need / 1e4;
            g.unit = "ha";
            g.text = ha(need) + " ha more farmland to serve with lined canals";
            break;
        case Measure::SchoolStandardShare: {
            const double n = std::ceil(need - 1e-9);
            g.amount = n;
            g.unit = "schools";
            g.text = format_fixed(n, 0) + (n == 1 ? " school" : " schools") +
                     " to bring to the standard";
            break;
        }
        case Measure::FacilityStandardPresent:
            g.amount = 1;
            g.unit = "facilities";
            g.text = "1 " + std::string(token(*rule.kind)) +
                     (r.denominator > 0 ? " to bring to the standard" : " to build");
            break;
        case Measure::FacilityStandardShare: {
            const double n = r.denominator > 0 ? std::ceil(need - 1e-9) : 1;
            g.amount = n;
            g.unit = "facilities";
            g.text = format_fixed(n, 0) + " " + std::string(token(*rule.kind)) +
                     (r.denominator > 0
                          ? (n == 1 ? " to bring" : "s to bring") + std::string(" to the standard")
                          : " to build (none mapped)");
            break;
        }
        case Measure::Status: {
            const std::string what =
                rule.name.en.empty() ? "indicator " + rule.status_indicator : rule.name.en;
            if (rule.threshold.boolean) {
                g.amount = 1;
                g.unit = "met";
                g.text = what + ": not met";
            } else {
                g.amount = r.threshold - *r.value;
                g.unit = "value";
                g.text = what + ": " + format_fixed(*r.value, 3) + ", needs " +
                         std::string(op_text(rule.op)) + " " + format_fixed(r.threshold, 3);
            }
            break;
        }
    }
    r.gap = g;
    return r;
}

}  // namespace

std::vector<std::string> unused_status_indicators(const CriteriaSet& set, const StudyArea& area) {
    std::set<std::string> read, unused;
    for (const auto& crit : set.criteria)
        for (const auto& ind : crit.indicators)
            if (ind.measure == Measure::Status) read.insert(ind.status_indicator);
    for (const auto& row : area.status)
        if (!read.count(row.indicator)) unused.insert(row.indicator);
    return {unused.begin(), unused.end()};
}

std::vector<CommuneResult> evaluate(const CriteriaSet& set, const StudyArea& area,
                                    const indicators::AreaMeasures& measures, int year,
                                    const LayersPresent& layers) {
    const StatusLookup status(area, year);
    std::vector<CommuneResult> out(area.communes.size());
    for (std::size_t ci = 0; ci < area.communes.size(); ++ci) {
        const auto& commune = area.communes[ci];
        auto& res = out[ci];
        res.assessed = commune.kind == CommuneKind::Commune;
        for (const auto& crit : set.criteria) {
            CriterionResult cr;
            cr.rule = &crit;
            bool any_unknown = false, any_not_met = false;
            for (const auto& ind : crit.indicators) {
                cr.indicators.push_back(measure(ind, measures.communes[ci], static_cast<int>(ci),
                                                status, layers, commune.region, commune.group,
                                                year));
                any_unknown |= cr.indicators.back().verdict == Verdict::Unknown;
                any_not_met |= cr.indicators.back().verdict == Verdict::NotMet;
            }
            cr.verdict = any_not_met   ? Verdict::NotMet
                         : any_unknown ? Verdict::Unknown
                                       : Verdict::Met;
            res.met += cr.verdict == Verdict::Met;
            res.not_met += cr.verdict == Verdict::NotMet;
            res.unknown += cr.verdict == Verdict::Unknown;
            res.criteria.push_back(std::move(cr));
        }
        res.standard = res.assessed && res.met == static_cast<int>(set.criteria.size());
    }
    return out;
}

}  // namespace ntm::criteria
