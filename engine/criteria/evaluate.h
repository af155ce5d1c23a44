#pragma once
// Evaluating communes against a criteria set: per commune and criterion met / not met / unknown,
// the indicator values, and what is missing in physical units.
#include <optional>
#include <string>
#include <vector>

#include "criteria/criteria_set.h"
#include "indicators/measure.h"
#include "model/study_area.h"

namespace ntm::criteria {

enum class Verdict { Met, NotMet, Unknown };
std::string_view verdict_text(Verdict v);  // met, not_met, unknown

// What one indicator needs to be met, in its own physical unit.
struct Gap {
    double amount = 0;  // in `unit`
    std::string unit;   // km, ha, schools, facilities, or the status indicator's unit
    std::string text;   // "3.20 km of village_axis road to harden (asphalt or concrete)"
};

struct IndicatorResult {
    const Indicator* rule = nullptr;
    Verdict verdict = Verdict::Unknown;
    std::optional<double> value;  // the measured share, count or status value
    double threshold = 0;
    double numerator = 0;    // e.g. hardened metres
    double denominator = 0;  // e.g. all metres of the class
    std::string why_unknown;
    std::optional<Gap> gap;  // when not met
};

struct CriterionResult {
    const Criterion* rule = nullptr;
    Verdict verdict = Verdict::Unknown;
    std::vector<IndicatorResult> indicators;
};

struct CommuneResult {
    bool assessed = true;  // false for townships
    std::vector<CriterionResult> criteria;
    int met = 0;
    int not_met = 0;
    int unknown = 0;
    bool standard = false;  // every criterion met
};

using LayersPresent = ntm::LayersPresent;

// The indicator ids of the status table that no indicator of the set reads (sorted, each once):
// their rows are ignored, which assess reports as a warning (a typo, or rows for another set).
std::vector<std::string> unused_status_indicators(const CriteriaSet& set, const StudyArea& area);

// Evaluates every commune in `year`. Status rows are taken from the latest year ≤ `year`.
std::vector<CommuneResult> evaluate(const CriteriaSet& set, const StudyArea& area,
                                    const indicators::AreaMeasures& measures, int year,
                                    const LayersPresent& layers = {});

}  // namespace ntm::criteria
