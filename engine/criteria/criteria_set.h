#pragma once
// Criteria sets as data (scenarios/criteria/*.yaml; format in docs/criteria.md): criteria made
// of indicators, each a measure compared with a threshold that may depend on region and year.
// Thread contract: a loaded CriteriaSet is immutable; any number of threads may read it.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/enums.h"

namespace ntm::criteria {

struct Text {
    std::string vi;
    std::string en;
};

enum class Measure {
    RoadHardenedShare,        // {class}
    FarmlandServedShare,      // {}
    SchoolStandardShare,      // {levels}
    FacilityStandardPresent,  // {kind}
    FacilityStandardShare,    // {kind}
    Status,                   // {indicator}
};
std::string_view measure_name(Measure m);

enum class Op { Ge, Gt, Le, Lt, Eq };
std::string_view op_text(Op op);
// With a small relative tolerance, so 1.0 ≥ 1.0 holds when sums round differently.
bool compare(double value, Op op, double threshold);

// A step function of the year: the value of the latest listed year ≤ the year asked for; before
// the first year, the first value.
struct ByYear {
    std::vector<std::pair<int, double>> steps;  // sorted by year
    double at(int year) const;
};

struct Threshold {
    bool boolean = false;  // true/false thresholds are stored as 1/0
    std::map<Region, ByYear> by_region;
    std::map<CommuneGroup, ByYear>
        by_group;  // the 2026–2030 set: by commune group (never mixed with regions)
    std::optional<ByYear> fallback;  // `default`, or the single value
    // The value for a commune of that region and group. Throws ConfigError when neither its
    // group nor its region has a value and there is no default.
    double at(Region region, CommuneGroup group, int year, const std::string& where) const;
};

struct Indicator {
    std::string id;
    Text name;
    Measure measure = Measure::Status;
    std::optional<RoadClass> road_class;
    std::vector<SchoolLevel> levels;  // empty: all
    std::optional<FacilityKind> kind;
    std::string status_indicator;
    Op op = Op::Ge;
    Threshold threshold;
    std::string note;
    std::string where;  // file and line, for messages
};

struct Criterion {
    std::string id;
    Text name;
    Text group;
    std::vector<Indicator> indicators;
};

struct CriteriaSet {
    std::string id;
    Text name;
    std::string source;
    std::string path;
    std::vector<std::string> lineage;  // this set, then what it extends, …
    std::vector<Criterion> criteria;   // in the order the files list them, parents first
    const Criterion* find(const std::string& wanted) const;
};

// `name_or_path` is a set id looked up in `folder` (default: the bundled scenarios/criteria/),
// or a path to a YAML file. Parents named by `extends` are looked up beside the file.
// Throws ConfigError with file, line and key, and what to do, on a bad file.
// An id "a+b" loads the union of sets a and b (merge_criteria_sets), as a run that changes set
// names its criteria in its results.
CriteriaSet load_criteria_set(const std::string& name_or_path, const std::string& folder = {});

// The union of sets applied in turn by one run: criteria by id in order of first appearance, each
// with the union of its indicators by id (the first set's rule kept). Throws ConfigError, naming
// `where`, when two sets give one indicator id different measures.
CriteriaSet merge_criteria_sets(const std::vector<CriteriaSet>& sets, const std::string& where);

}  // namespace ntm::criteria
