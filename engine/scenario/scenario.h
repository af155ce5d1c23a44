#pragma once
// A scenario: where money comes from, how it is allocated, what things cost and what is
// uncertain. Loaded from YAML (docs/scenarios.md); `extends:` names a parent file whose values
// this one overrides key by key (lists replace the parent's list).
// Thread contract: a loaded Scenario is immutable; any number of threads may read it.
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/enums.h"
#include "scenario/distribution.h"

namespace ntm::scenario {

enum class Source { Central, Province, District, Commune, People, Enterprise, Credit, Other };
inline constexpr std::array kSources = {Source::Central, Source::Province, Source::District,
                                        Source::Commune, Source::People,   Source::Enterprise,
                                        Source::Credit,  Source::Other};
std::string_view source_name(Source s);

struct FundingSource {
    Source source = Source::Central;
    double amount = 0;         // bn VND per year in the start year
    double growth = 0;         // yearly compound growth
    Distribution uncertainty;  // multiplicative factor, per draw and year
    // People: raised and spent in each commune.
    double per_household_mvnd = 0;
    Distribution participation = Distribution::fixed(1);  // per draw, commune and year
    double labour_days_per_household = 0;
    double labour_day_mvnd = 0;
    double donated_land_m2_per_household = 0;
    double land_mvnd_per_m2 = 0;
    // Credit.
    int repay_years = 5;
    double debt_cap = 0;
};

enum class Policy {
    ClosestToStandardFirst,
    EqualShare,
    Population,
    CostEffectiveness,
    FixedShares
};
std::string_view policy_name(Policy p);

// Sectors money can be earmarked for; each project belongs to one.
enum class Sector { Roads, Irrigation, Schools, Culture };
inline constexpr std::size_t kSectorCount = 4;
std::string_view sector_name(Sector s);

// An explicit registration decision (DOMAIN.md §7): these communes are registered to finish by
// `by`, pushed from `from` on; optionally with an intermediate target of at least `min_criteria`
// criteria met by the end of `min_criteria_by`.
struct Target {
    std::vector<std::string> communes;  // names or codes
    int by = 0;
    int from = 0;  // 0: the scenario's start
    int min_criteria = 0;
    int min_criteria_by = 0;
};

// The plan step's rule: each year the province registers communes to finish that year.
struct Registration {
    // Registered by the rule at any time, as a share of all assessed communes (a recognised
    // commune frees its place), drawn once per draw (the province's pace); unset: no rule.
    std::optional<Distribution> quota_share;
    int min_criteria = 0;  // the rule picks only communes meeting at least this many criteria
    // The floor (DOMAIN.md §2.1, §6: "no commune below 5 criteria"): the programmes of every
    // commune meeting fewer criteria than this are paid before any work, as the province's support
    // for its weakest communes; 0: no floor. It brings no campaign.
    int floor_criteria = 0;
};

// What registration brings to a commune, per year it stays registered.
struct Campaign {
    Distribution people =
        Distribution::fixed(1);  // factor on the people's contribution, per draw and commune
    double enterprise_bn =
        0;  // donations of enterprises and people from the commune living elsewhere
    double integrated_bn = 0;  // sector programmes' money integrated into the criteria (lồng ghép)
};

// Soft criteria (what no asset measures) are programmes: a commune needs `lead_years` years of
// pushed effort, drawn per draw and commune; a pushed year costs `cost_bn`; a year without a push
// still adds `background` years of effort.
struct SoftProgramme {
    Distribution lead_years = Distribution::fixed(3);
    double cost_bn = 0;
    double background = 0.2;
};

// Which criteria set applies in which years: `criteria: [{set: vn-2009, until: 2016}, {set:
// hatinh-2017, from: 2017}]`.
struct CriteriaPeriod {
    std::string set;
    int from = 0;  // first year it applies (0: from the start)
};

// One work fixed by a plan (`ntmsim plan` writes them into PLANDIR/plan.yaml under `schedule:`):
// an asset work named by its layer and feature id (with the commune's code, since a road is clipped
// into one piece per commune), a new facility of a kind, or a year of a soft criterion's programme;
// paid in `year` from `source` (a work paid from two sources is listed twice, each with its part).
struct ScheduledWork {
    std::string commune;  // code
    int year = 0;
    std::string layer;  // roads, canals, schools, facilities; empty for the two cases below
    long long fid = -1;
    std::string new_facility;  // a facility kind to build where the commune has none
    std::string programme;     // a criterion id: a year of its programme
    Source source = Source::Central;
    double cost_bn = 0;
    std::string file;  // where the entry was read, for messages (empty when built in code)
    int line = 0;
};

// The `schedule:` block as `ntmsim plan` writes it into plan.yaml (one flow mapping per entry),
// which load_scenario() reads back.
std::string schedule_yaml(const std::vector<ScheduledWork>& schedule);

struct Scenario {
    std::string name;
    std::string description;
    std::string path;
    std::vector<std::string> lineage;      // files, this one first
    std::string criteria = "hatinh-2017";  // the set of the start year
    std::vector<CriteriaPeriod>
        criteria_periods;  // every set and its first year, in order; at least one
    int start = 2017;
    int end = 2025;
    int draws = 1000;
    std::uint64_t seed = 1;

    std::vector<FundingSource> funding;

    Policy policy = Policy::ClosestToStandardFirst;
    std::vector<Target> targets;
    Registration registration;
    Campaign campaign;
    double commune_effect_sd = 0;                // sd of each commune's log propensity, per draw
    std::vector<ScheduledWork> schedule;         // works fixed by a plan (`ntmsim plan`)
    std::map<std::string, double> fixed_shares;  // commune name or code → share
    std::optional<std::array<double, kSectorCount>> sector_shares;

    double capacity_per_commune_bn = 1e9;  // no limit unless given
    int build_lag_years = 0;

    std::array<double, kRoadClasses.size()> road_cost_per_km{2.0, 0.9, 0.6, 0.7, 0.6};
    std::array<double, kCanalLevels.size()> canal_cost_per_km{1.0, 0.5, 0.35, 0.25};
    // On-farm works (field canals, drains, levelling) per hectare a lined canal brings under
    // service: lining a main canal serves nothing until the fields are connected.
    double irrigation_per_ha_bn = 0;
    std::array<double, kSchoolLevels.size()> school_cost{3.5, 5, 6};
    std::array<double, kFacilityKinds.size()> facility_cost{4, 0.8, 1.5, 3, 2};
    Distribution overrun;  // multiplicative, per draw, commune and year

    SoftProgramme soft_default;
    std::map<std::string, SoftProgramme> soft;  // by criterion id
    std::optional<Distribution> income_growth;
    double income_push = 0;  // extra yearly income growth in a registered commune

    int years() const { return end - start + 1; }
    const SoftProgramme& programme(const std::string& criterion) const;
    // The criteria set that applies in `year`.
    const std::string& criteria_in(int year) const;
};

// Throws ConfigError naming file, line and key on a bad file.
Scenario load_scenario(const std::string& path);

// The scenario with every uncertainty off: each distribution (funding, participation, campaign,
// overruns, programme lead times, income growth, the registration pace) fixed at its expected
// value and no commune effects. What `ntmsim plan` assumes; a simulation of plan.yaml under it
// reproduces the plan's roadmap (docs/plan.md).
Scenario without_uncertainty(Scenario s);

// The scenario with the money of every pooled source and of the people multiplied by `factor`
// (credit unchanged): the contingency reserve of `ntmsim plan --confidence`.
Scenario with_reserve(Scenario s, double factor);

}  // namespace ntm::scenario
