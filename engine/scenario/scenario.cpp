#include "scenario/scenario.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <set>

#include "core/error.h"
#include "core/text.h"
#include "core/yaml_reader.h"

namespace fs = std::filesystem;

namespace ntm::scenario {

std::string_view source_name(Source s) {
    switch (s) {
        case Source::Central:
            return "central";
        case Source::Province:
            return "province";
        case Source::District:
            return "district";
        case Source::Commune:
            return "commune";
        case Source::People:
            return "people";
        case Source::Enterprise:
            return "enterprise";
        case Source::Credit:
            return "credit";
        case Source::Other:
            return "other";
    }
    return "?";
}

std::string_view policy_name(Policy p) {
    switch (p) {
        case Policy::ClosestToStandardFirst:
            return "closest_to_standard_first";
        case Policy::EqualShare:
            return "equal_share";
        case Policy::Population:
            return "population";
        case Policy::CostEffectiveness:
            return "cost_effectiveness";
        case Policy::FixedShares:
            return "fixed_shares";
    }
    return "?";
}

std::string_view sector_name(Sector s) {
    switch (s) {
        case Sector::Roads:
            return "roads";
        case Sector::Irrigation:
            return "irrigation";
        case Sector::Schools:
            return "schools";
        case Sector::Culture:
            return "culture";
    }
    return "?";
}

const SoftProgramme& Scenario::programme(const std::string& criterion) const {
    const auto it = soft.find(criterion);
    return it == soft.end() ? soft_default : it->second;
}

const std::string& Scenario::criteria_in(int year) const {
    const std::string* out = &criteria;
    for (const auto& p : criteria_periods)
        if (p.from <= year) out = &p.set;
    return *out;
}

namespace {

class Reader : public yaml::Reader {
 public:
    using yaml::Reader::Reader;

    int integer(const YAML::Node& n, const std::string& key, int min, int max) const {
        const double v = number(n, key, min, max);
        if (v != std::floor(v)) fail(n, key, "expected a whole number");
        return static_cast<int>(v);
    }

    // A distribution: a number (fixed), or {normal|lognormal|triangular|uniform|beta: {…}} or
    // `fixed`.
    Distribution distribution(const YAML::Node& n, const std::string& key,
                              double default_mean) const {
        Distribution d;
        d.mean = default_mean;
        if (n.IsScalar()) {
            if (n.Scalar() == "fixed") return d;
            return Distribution::fixed(number(n, key));
        }
        keys(n, key, {"normal", "lognormal", "triangular", "uniform", "beta", "fixed"});
        if (n.size() != 1) fail(n, key, "give exactly one distribution");
        const auto kind = key_name(n.begin()->first, key);
        const YAML::Node p = n.begin()->second;
        const std::string k = key + "." + kind;
        if (kind == "fixed") return Distribution::fixed(number(p, k));
        if (kind == "normal" || kind == "lognormal") {
            keys(p, k, {"mean", "sd"});
            d.kind = kind == "normal" ? Distribution::Kind::Normal : Distribution::Kind::Lognormal;
            if (p["mean"]) d.mean = number(p["mean"], k + ".mean");
            if (!p["sd"]) fail(p, k, "needs sd");
            d.sd = number(p["sd"], k + ".sd", 0);
            if (kind == "lognormal" && !(d.mean > 0))
                fail(p, k, "a lognormal's values are positive: give mean > 0");
            // A spread many times the mean makes almost every draw 0 or a rare huge one
            // [assumption: 10×].
            if (d.mean != 0 && d.sd > 10 * std::abs(d.mean))
                fail(p["sd"], k + ".sd",
                     "more than 10 times the mean; give a spread a planner can defend");
            return d;
        }
        if (kind == "uniform") {
            keys(p, k, {"low", "high"});
            if (!p["low"] || !p["high"]) fail(p, k, "needs low and high");
            d.kind = Distribution::Kind::Uniform;
            d.low = number(p["low"], k + ".low");
            d.high = number(p["high"], k + ".high");
            if (d.high < d.low) fail(p, k, "high is below low");
            return d;
        }
        if (kind == "triangular") {
            keys(p, k, {"low", "mode", "high"});
            if (!p["low"] || !p["mode"] || !p["high"]) fail(p, k, "needs low, mode and high");
            d.kind = Distribution::Kind::Triangular;
            d.low = number(p["low"], k + ".low");
            d.mode = number(p["mode"], k + ".mode");
            d.high = number(p["high"], k + ".high");
            if (!(d.low <= d.mode && d.mode <= d.high && d.low < d.high))
                fail(p, k, "needs low ≤ mode ≤ high, low < high");
            return d;
        }
        // beta
        keys(p, k, {"mean", "sd"});
        if (!p["mean"] || !p["sd"]) fail(p, k, "needs mean and sd");
        d.kind = Distribution::Kind::Beta;
        d.mean = number(p["mean"], k + ".mean", 0, 1);
        d.sd = number(p["sd"], k + ".sd", 0);
        const double var = d.sd * d.sd;
        if (d.mean <= 0 || d.mean >= 1 || var <= 0 || var >= d.mean * (1 - d.mean)) {
            fail(p, k, "a beta needs 0 < mean < 1 and sd² < mean × (1 − mean)");
        }
        const double common = d.mean * (1 - d.mean) / var - 1;
        d.alpha = d.mean * common;
        d.beta = (1 - d.mean) * common;
        return d;
    }

    template <typename E, std::size_t N>
    void cost_table(const YAML::Node& n, const std::string& key, std::array<double, N>& out,
                    const std::array<E, N>& all,
                    const std::function<std::string(E)>& name_of) const {
        std::set<std::string> allowed;
        for (const auto e : all) allowed.insert(name_of(e));
        keys(n, key, allowed);
        for (std::size_t i = 0; i < N; ++i) {
            const auto name = name_of(all[i]);
            if (n[name]) out[i] = number(n[name], key + "." + name, 0);
        }
    }

    void apply(const YAML::Node& root, Scenario& s) const {
        // calibration: priors and default keys for `ntmsim calibrate`, read by
        // engine/calibrate/priors.cpp.
        keys(root, "",
             {"name", "description", "extends", "criteria", "period", "draws", "seed", "funding",
              "allocation", "registration", "campaign", "effects", "capacity", "costs",
              "soft_criteria", "income", "calibration", "schedule"});
        // A variant without a name of its own is named after its file, not its parent.
        s.name = root["name"] ? text(root["name"], "name") : fs::path(file()).stem().string();
        if (root["description"]) s.description = text(root["description"], "description");
        if (const auto p = root["period"]) {
            keys(p, "period", {"start", "end"});
            if (p["start"]) s.start = integer(p["start"], "period.start", 1900, 2200);
            if (p["end"]) s.end = integer(p["end"], "period.end", 1900, 2200);
            if (s.end < s.start) fail(p, "period", "end comes before start");
            // Results keep the year a commune reached the standard in one byte (draws.bin).
            if (s.end - s.start >= 200)
                fail(p, "period", "at most 200 years; a plan looks 5 to 30 years ahead");
        }
        if (const auto c = root["criteria"]) criteria(c, s);
        if (root["draws"]) s.draws = integer(root["draws"], "draws", 1, 100000000);
        if (root["seed"])
            s.seed = static_cast<std::uint64_t>(number(root["seed"], "seed", 0, 9e15));
        if (const auto f = root["funding"]) {
            if (!f.IsSequence()) fail(f, "funding", "expected a list of sources");
            s.funding.clear();
            std::set<Source> seen;
            for (const auto& n : f) {
                auto fs = funding(n);
                if (!seen.insert(fs.source).second)
                    fail(n, "funding",
                         "source '" + std::string(source_name(fs.source)) + "' is listed twice");
                s.funding.push_back(fs);
            }
        }
        if (const auto a = root["allocation"]) allocation(a, s);
        if (const auto r = root["registration"]) registration(r, s);
        if (const auto c = root["campaign"]) {
            keys(c, "campaign", {"people", "enterprise_bn", "integrated_bn"});
            if (c["people"]) s.campaign.people = distribution(c["people"], "campaign.people", 1);
            if (c["enterprise_bn"])
                s.campaign.enterprise_bn =
                    number(c["enterprise_bn"], "campaign.enterprise_bn", 0, 1e6);
            if (c["integrated_bn"])
                s.campaign.integrated_bn =
                    number(c["integrated_bn"], "campaign.integrated_bn", 0, 1e6);
        }
        if (const auto e = root["effects"]) {
            keys(e, "effects", {"sd"});
            if (e["sd"]) s.commune_effect_sd = number(e["sd"], "effects.sd", 0, 3);
        }
        if (const auto c = root["capacity"]) {
            keys(c, "capacity", {"per_commune_bn", "build_lag_years"});
            if (c["per_commune_bn"])
                s.capacity_per_commune_bn =
                    number(c["per_commune_bn"], "capacity.per_commune_bn", 0);
            if (c["build_lag_years"])
                s.build_lag_years =
                    integer(c["build_lag_years"], "capacity.build_lag_years", 0, 20);
        }
        if (const auto c = root["costs"]) {
            keys(c, "costs",
                 {"road", "canal_lining", "irrigation_per_ha", "school_to_standard", "facility",
                  "overrun"});
            if (c["irrigation_per_ha"])
                s.irrigation_per_ha_bn =
                    number(c["irrigation_per_ha"], "costs.irrigation_per_ha", 0);
            if (c["road"])
                cost_table<RoadClass>(c["road"], "costs.road", s.road_cost_per_km, kRoadClasses,
                                      [](RoadClass e) { return std::string(token(e)); });
            if (c["canal_lining"])
                cost_table<CanalLevel>(c["canal_lining"], "costs.canal_lining", s.canal_cost_per_km,
                                       kCanalLevels, [](CanalLevel e) {
                                           return e == CanalLevel::Field
                                                      ? std::string("field")
                                                      : "level_" + std::string(token(e));
                                       });
            if (c["school_to_standard"])
                cost_table<SchoolLevel>(c["school_to_standard"], "costs.school_to_standard",
                                        s.school_cost, kSchoolLevels,
                                        [](SchoolLevel e) { return std::string(token(e)); });
            if (c["facility"])
                cost_table<FacilityKind>(c["facility"], "costs.facility", s.facility_cost,
                                         kFacilityKinds,
                                         [](FacilityKind e) { return std::string(token(e)); });
            if (c["overrun"]) s.overrun = distribution(c["overrun"], "costs.overrun", 1);
        }
        if (const auto sc = root["soft_criteria"]) {
            if (!sc.IsMap())
                fail(sc, "soft_criteria",
                     "expected a mapping: criterion id → {lead_years, cost_bn, background}");
            for (const auto& [id, value] : entries(sc, "soft_criteria")) {
                const std::string k = "soft_criteria." + id;
                if (value.IsMap() && (value["base"] || value["per_bn_spent"])) {
                    fail(value, k,
                         "soft criteria are programmes now, not yearly chances: give lead_years "
                         "(years of pushed "
                         "effort needed), cost_bn (bn a pushed year) and background (effort a year "
                         "without a push); "
                         "see docs/scenarios.md");
                }
                keys(value, k, {"lead_years", "cost_bn", "background"});
                SoftProgramme p = id == "default" ? s.soft_default : s.programme(id);
                if (value["lead_years"]) {
                    p.lead_years = distribution(value["lead_years"], k + ".lead_years", 3);
                    if (p.lead_years.expected() <= 0)
                        fail(value["lead_years"], k + ".lead_years", "needs a positive mean");
                }
                if (value["cost_bn"]) p.cost_bn = number(value["cost_bn"], k + ".cost_bn", 0, 1e6);
                if (value["background"])
                    p.background = number(value["background"], k + ".background", 0, 1);
                if (id == "default") {
                    s.soft_default = p;
                } else {
                    s.soft[id] = p;
                }
            }
        }
        if (const auto sch = root["schedule"]) schedule(sch, s);
        if (const auto inc = root["income"]) {
            keys(inc, "income", {"growth", "push"});
            if (inc["growth"]) s.income_growth = distribution(inc["growth"], "income.growth", 0);
            if (inc["push"]) s.income_push = number(inc["push"], "income.push", 0, 1);
        }
    }

    // `criteria: SET` or a list of {set, from, until} in year order, each period starting the year
    // after the one before it ends.
    void criteria(const YAML::Node& c, Scenario& s) const {
        s.criteria_periods.clear();
        if (c.IsScalar()) {
            s.criteria = text(c, "criteria");
            return;
        }
        if (!c.IsSequence() || c.size() == 0)
            fail(c, "criteria",
                 "expected a set id, or a list of {set: ID, from: YEAR, until: YEAR}");
        int next = 0;
        for (std::size_t i = 0; i < c.size(); ++i) {
            const auto& n = c[i];
            const std::string k = "criteria[" + std::to_string(i) + "]";
            keys(n, k, {"set", "from", "until"});
            if (!n["set"]) fail(n, k, "needs set: the criteria set's id");
            CriteriaPeriod p{text(n["set"], k + ".set"), 0};
            if (n["from"]) p.from = integer(n["from"], k + ".from", 1900, 2200);
            if (i == 0 && n["from"] && p.from > s.start)
                fail(n["from"], k + ".from",
                     "the first set must apply from the start (" + std::to_string(s.start) + ")");
            if (i > 0) {
                if (!n["from"] && next == 0)
                    fail(n, k, "give from: the first year this set applies");
                if (!n["from"]) p.from = next;
                if (next != 0 && p.from != next)
                    fail(n["from"], k + ".from",
                         "the set before ends in " + std::to_string(next - 1) +
                             ", so this one must start in " + std::to_string(next));
                if (!s.criteria_periods.empty() && p.from <= s.criteria_periods.back().from)
                    fail(n, k, "periods must follow each other in year order");
            }
            next = 0;
            if (n["until"]) {
                next = integer(n["until"], k + ".until", 1900, 2200) + 1;
                if (next <= p.from) fail(n["until"], k + ".until", "ends before it starts");
            } else if (i + 1 < c.size()) {
                fail(n, k, "give until: the last year this set applies (another set follows)");
            }
            s.criteria_periods.push_back(p);
        }
        s.criteria_periods.front().from = 0;
        s.criteria = s.criteria_periods.front().set;
    }

    void targets(const YAML::Node& t, const std::string& key, Scenario& s) const {
        if (!t.IsSequence()) fail(t, key, "expected a list of {communes: […], by: YEAR}");
        s.targets.clear();
        for (const auto& n : t) {
            const std::string k = key + "[]";
            keys(n, k, {"communes", "by", "from", "min_criteria"});
            Target target;
            if (!n["communes"] || !n["communes"].IsSequence())
                fail(n, k + ".communes", "expected a list of commune names or codes");
            for (const auto& c : n["communes"]) target.communes.push_back(text(c, k + ".communes"));
            if (!n["by"]) fail(n, k + ".by", "give the deadline year");
            target.by = integer(n["by"], k + ".by", 1900, 2200);
            if (n["from"]) target.from = integer(n["from"], k + ".from", 1900, target.by);
            if (const auto m = n["min_criteria"]) {
                keys(m, k + ".min_criteria", {"count", "by"});
                if (!m["count"] || !m["by"])
                    fail(m, k + ".min_criteria", "needs count (criteria met) and by (year)");
                target.min_criteria = integer(m["count"], k + ".min_criteria.count", 1, 1000);
                target.min_criteria_by = integer(m["by"], k + ".min_criteria.by", 1900, target.by);
            }
            s.targets.push_back(target);
        }
    }

    void registration(const YAML::Node& r, Scenario& s) const {
        keys(r, "registration", {"targets", "quota", "min_criteria", "floor"});
        if (const auto t = r["targets"]) targets(t, "registration.targets", s);
        if (const auto q = r["quota"]) {
            keys(q, "registration.quota", {"share"});
            if (!q["share"])
                fail(q, "registration.quota",
                     "needs share: the number of communes kept registered, as a share of all "
                     "assessed communes");
            const auto d = distribution(q["share"], "registration.quota.share", 0.1);
            if (d.expected() <= 0 || d.expected() > 1 ||
                (d.is_fixed() && (d.mean < 0 || d.mean > 1)))
                fail(q["share"], "registration.quota.share", "a share between 0 and 1");
            s.registration.quota_share = d;
        }
        if (r["min_criteria"])
            s.registration.min_criteria =
                integer(r["min_criteria"], "registration.min_criteria", 0, 1000);
        if (r["floor"])
            s.registration.floor_criteria = integer(r["floor"], "registration.floor", 0, 1000);
    }

    FundingSource funding(const YAML::Node& n) const {
        keys(n, "funding[]",
             {"source", "amount", "growth", "uncertainty", "per_household_mVND", "participation",
              "labour_days_per_household", "labour_day_mVND", "donated_land_m2_per_household",
              "land_mVND_per_m2", "repay_years", "debt_cap"});
        FundingSource f;
        if (!n["source"]) fail(n, "funding[].source", "every funding entry needs a source");
        const auto name = text(n["source"], "funding[].source");
        bool found = false;
        for (const auto s : kSources)
            if (source_name(s) == name) {
                f.source = s;
                found = true;
            }
        if (!found) {
            fail(n["source"], "funding[].source",
                 "unknown source '" + name +
                     "'; use central, province, district, commune, people, enterprise, credit or "
                     "other");
        }
        const std::string k = "funding[" + name + "]";
        // At most 10⁷ bn a year: ≈ 30 times the whole national programme's yearly money (≈ 2.45 ×
        // 10⁶ bn over 2010–2020, DOMAIN §4) [assumption], far inside the sums' range
        // (sim/aggregate.h).
        if (n["amount"]) f.amount = number(n["amount"], k + ".amount", 0, 1e7);
        if (n["growth"]) f.growth = number(n["growth"], k + ".growth", -1);
        if (n["uncertainty"]) f.uncertainty = distribution(n["uncertainty"], k + ".uncertainty", 1);
        const bool people = f.source == Source::People;
        const bool credit = f.source == Source::Credit;
        for (const char* only_people :
             {"per_household_mVND", "participation", "labour_days_per_household", "labour_day_mVND",
              "donated_land_m2_per_household", "land_mVND_per_m2"})
            if (n[only_people] && !people)
                fail(n[only_people], k + "." + only_people,
                     "only the people source takes this key");
        for (const char* only_credit : {"repay_years", "debt_cap"})
            if (n[only_credit] && !credit)
                fail(n[only_credit], k + "." + only_credit,
                     "only the credit source takes this key");
        if (people) {
            if (n["per_household_mVND"])
                f.per_household_mvnd =
                    number(n["per_household_mVND"], k + ".per_household_mVND", 0);
            if (n["participation"]) {
                f.participation = distribution(n["participation"], k + ".participation", 1);
                const auto& d = f.participation;
                const bool bounded = d.kind == Distribution::Kind::Uniform ||
                                     d.kind == Distribution::Kind::Triangular;
                if (d.mean < 0 || d.mean > 1 || (bounded && (d.low < 0 || d.high > 1)))
                    fail(n["participation"], k + ".participation",
                         "a share of households: between 0 and 1");
            }
            if (n["labour_days_per_household"])
                f.labour_days_per_household =
                    number(n["labour_days_per_household"], k + ".labour_days_per_household", 0);
            if (n["labour_day_mVND"])
                f.labour_day_mvnd = number(n["labour_day_mVND"], k + ".labour_day_mVND", 0);
            if (n["donated_land_m2_per_household"])
                f.donated_land_m2_per_household = number(n["donated_land_m2_per_household"],
                                                         k + ".donated_land_m2_per_household", 0);
            if (n["land_mVND_per_m2"])
                f.land_mvnd_per_m2 = number(n["land_mVND_per_m2"], k + ".land_mVND_per_m2", 0);
        }
        if (credit) {
            if (n["repay_years"])
                f.repay_years = integer(n["repay_years"], k + ".repay_years", 1, 50);
            f.debt_cap = n["debt_cap"] ? number(n["debt_cap"], k + ".debt_cap", 0) : 1e300;
        }
        return f;
    }

    Source source_of(const YAML::Node& n, const std::string& key) const {
        const auto name = text(n, key);
        for (const auto src : kSources)
            if (source_name(src) == name) return src;
        fail(
            n, key,
            "unknown source '" + name +
                "'; use central, province, district, commune, people, enterprise, credit or other");
    }

    void schedule(const YAML::Node& list, Scenario& s) const {
        if (!list.IsSequence())
            fail(list, "schedule",
                 "expected a list of {commune, year, layer + fid | new_facility | programme, "
                 "source, cost_bn}");
        s.schedule.clear();
        for (const auto& n : list) {
            const std::string k = "schedule[]";
            keys(n, k,
                 {"commune", "year", "layer", "fid", "new_facility", "programme", "source",
                  "cost_bn"});
            ScheduledWork w;
            if (!n["commune"]) fail(n, k + ".commune", "give the commune's code");
            w.commune = text(n["commune"], k + ".commune");
            if (!n["year"]) fail(n, k + ".year", "give the year the work is paid");
            w.year = integer(n["year"], k + ".year", 1900, 2200);
            const int kinds =
                (n["layer"] ? 1 : 0) + (n["new_facility"] ? 1 : 0) + (n["programme"] ? 1 : 0);
            if (kinds != 1)
                fail(n, k, "give exactly one of layer (with fid), new_facility or programme");
            if (n["layer"]) {
                w.layer = text(n["layer"], k + ".layer");
                if (w.layer != "roads" && w.layer != "canals" && w.layer != "schools" &&
                    w.layer != "facilities")
                    fail(n["layer"], k + ".layer",
                         "'" + w.layer +
                             "' is not a layer with works; use roads, canals, schools or "
                             "facilities");
                if (!n["fid"]) fail(n, k + ".fid", "a work on a layer needs the feature's fid");
                w.fid = static_cast<long long>(number(n["fid"], k + ".fid", 0, 9e15));
            } else if (n["fid"]) {
                fail(n["fid"], k + ".fid", "fid goes with layer");
            }
            if (n["new_facility"]) w.new_facility = text(n["new_facility"], k + ".new_facility");
            if (n["programme"]) w.programme = text(n["programme"], k + ".programme");
            if (!n["source"]) fail(n, k + ".source", "give the source that pays");
            w.source = source_of(n["source"], k + ".source");
            if (n["cost_bn"]) w.cost_bn = number(n["cost_bn"], k + ".cost_bn", 0);
            if (w.year < s.start || w.year > s.end)
                fail(n["year"], k + ".year",
                     std::to_string(w.year) + " is outside the period " + std::to_string(s.start) +
                         "–" + std::to_string(s.end));
            w.file = file();
            w.line = n.Mark().line + 1;
            s.schedule.push_back(w);
        }
    }

    void allocation(const YAML::Node& a, Scenario& s) const {
        keys(a, "allocation", {"policy", "targets", "fixed_shares", "sector_shares"});
        if (a["policy"]) {
            const auto p = text(a["policy"], "allocation.policy");
            static const std::map<std::string, Policy> kPolicies = {
                {"closest_to_standard_first", Policy::ClosestToStandardFirst},
                {"equal_share", Policy::EqualShare},
                {"population", Policy::Population},
                {"cost_effectiveness", Policy::CostEffectiveness},
                {"fixed_shares", Policy::FixedShares}};
            const auto it = kPolicies.find(p);
            if (it == kPolicies.end()) {
                fail(
                    a["policy"], "allocation.policy",
                    "unknown policy '" + p +
                        "'; use closest_to_standard_first, equal_share, population, "
                        "cost_effectiveness or fixed_shares (targets go under allocation.targets)");
            }
            s.policy = it->second;
        }
        if (const auto t = a["targets"]) targets(t, "allocation.targets", s);
        if (const auto f = a["fixed_shares"]) {
            if (!f.IsMap()) fail(f, "allocation.fixed_shares", "expected commune: share");
            s.fixed_shares.clear();
            double total = 0;
            for (const auto& [name, value] : entries(f, "allocation.fixed_shares")) {
                s.fixed_shares[name] = number(value, "allocation.fixed_shares." + name, 0, 1);
                total += s.fixed_shares[name];
            }
            if (total > 1 + 1e-9)
                fail(f, "allocation.fixed_shares",
                     "shares add up to more than 1 (" + format_fixed(total, 3) + ")");
        }
        if (const auto sh = a["sector_shares"]) {
            keys(sh, "allocation.sector_shares", {"roads", "irrigation", "schools", "culture"});
            std::array<double, kSectorCount> shares{};
            double total = 0;
            for (std::size_t i = 0; i < kSectorCount; ++i) {
                const std::string name(sector_name(static_cast<Sector>(i)));
                if (sh[name])
                    shares[i] = number(sh[name], "allocation.sector_shares." + name, 0, 1);
                total += shares[i];
            }
            if (std::abs(total - 1) > 1e-6)
                fail(sh, "allocation.sector_shares",
                     "shares must add up to 1 (they add up to " + format_fixed(total, 3) + ")");
            s.sector_shares = shares;
        }
    }
};

void load_into(const std::string& path, Scenario& s, std::vector<std::string>& chain) {
    // Paths from the file are probed with error codes: a name too long or unreadable is a
    // missing file here, reported by load_file() or below, never a filesystem exception.
    std::error_code ec;
    auto canonical = fs::weakly_canonical(path, ec).string();
    if (ec) canonical = path;
    if (std::find(chain.begin(), chain.end(), canonical) != chain.end())
        throw ConfigError(path + ": 'extends' goes round in a circle");
    chain.push_back(canonical);
    const YAML::Node root = yaml::load_file(path, "scenario file");
    if (!root.IsMap())
        throw ConfigError(path + ": a scenario is a mapping of keys (name, funding, …)");
    const Reader r(path);
    if (const auto ext = root["extends"]) {
        const auto parent = r.text(ext, "extends");
        fs::path p = fs::path(path).parent_path() / parent;
        if (!fs::exists(p, ec)) p += ".yaml";
        if (!fs::exists(p, ec))
            r.fail(ext, "extends",
                   "no scenario '" + parent + "' beside this file (looked for " + p.string() + ")");
        load_into(p.string(), s, chain);  // the parent first, then this file's keys on top
    }
    yaml::guarded(path, [&] { r.apply(root, s); });
    s.lineage.insert(s.lineage.begin(), path);
}

}  // namespace

Scenario load_scenario(const std::string& path) {
    Scenario s;
    std::vector<std::string> chain;
    load_into(path, s, chain);
    s.path = path;
    if (s.name.empty()) s.name = fs::path(path).stem().string();
    if (s.funding.empty())
        throw ConfigError(path + ": the scenario has no funding sources (key 'funding')");
    return s;
}

std::string schedule_yaml(const std::vector<ScheduledWork>& schedule) {
    auto quoted = [](const std::string& v) {
        std::string out = "\"";
        for (const char ch : v) {
            if (ch == '"' || ch == '\\') out += '\\';
            out += ch;
        }
        return out + "\"";
    };
    if (schedule.empty()) return "schedule: []   # no target could be planned\n";
    std::string out = "schedule:\n";
    for (const auto& w : schedule) {
        out += "  - {commune: " + quoted(w.commune) + ", year: " + std::to_string(w.year) + ", ";
        if (!w.programme.empty()) {
            out += "programme: " + quoted(w.programme);
        } else if (!w.layer.empty()) {
            out += "layer: " + w.layer + ", fid: " + std::to_string(w.fid);
        } else {
            out += "new_facility: " + w.new_facility;
        }
        // Ten digits: the amounts read back are the plan's to 1e-10 bn (100 VND).
        char cost[64];
        std::snprintf(cost, sizeof cost, "%.10f", w.cost_bn);
        out += ", source: " + std::string(source_name(w.source)) + ", cost_bn: " + cost + "}\n";
    }
    return out;
}

Scenario without_uncertainty(Scenario s) {
    auto off = [](Distribution& d) { d = Distribution::fixed(d.expected()); };
    for (auto& f : s.funding) {
        off(f.uncertainty);
        off(f.participation);
    }
    off(s.campaign.people);
    off(s.overrun);
    off(s.soft_default.lead_years);
    for (auto& [id, p] : s.soft) off(p.lead_years);
    if (s.income_growth) off(*s.income_growth);
    if (s.registration.quota_share) off(*s.registration.quota_share);
    s.commune_effect_sd = 0;
    return s;
}

Scenario with_reserve(Scenario s, double factor) {
    for (auto& f : s.funding) {
        if (f.source == Source::Credit) continue;
        f.amount *= factor;
        f.per_household_mvnd *= factor;
        f.labour_day_mvnd *= factor;
        f.land_mvnd_per_m2 *= factor;
    }
    return s;
}

}  // namespace ntm::scenario
