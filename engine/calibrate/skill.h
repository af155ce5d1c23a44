#pragma once
// Skill scores of a forecast against observed values, and the naive forecasts that give them a
// yardstick (docs/validation.md). Pure functions of plain numbers, so each can be checked by hand.
// Thread contract: no shared state; call from any thread.
#include <optional>
#include <vector>

namespace ntm::calibrate {

// The q-quantile (0 ≤ q ≤ 1) of a sample by linear interpolation between order statistics
// (Hyndman and Fan's type 7, R's default): position h = (n − 1)q in the sorted sample.
// Throws an Internal error on an empty sample.
double quantile(std::vector<double> sample, double q);

// The continuous ranked probability score of an ensemble forecast for the observed value y:
//   CRPS = E|X − y| − ½ E|X − X'|
// with X and X' drawn independently from the ensemble's members (equal weights). Lower is
// better; for a single member it is the absolute error. Throws an Internal error on an empty
// sample.
double crps(const std::vector<double>& ensemble, double y);

// One forecast of one observed value.
struct Forecast {
    double median = 0, low = 0, high = 0;  // the 90% interval: 5% and 95% quantiles
    double crps = 0;
};
Forecast score_ensemble(const std::vector<double>& ensemble, double observed);

// |forecast − observed| / |observed|; nullopt when observed is 0 (undefined).
std::optional<double> relative_error(double forecast, double observed);

// Naive forecasts from earlier observations (year, value), in any order, for `year`:
// the last value carried forward, and the least-squares straight line through them (which needs
// two different years). nullopt when there are not enough observations.
// `year` is a time in years (Observation::time(): the end of year Y is Y, the end of September
// 2016 is 2015.75), so a figure reported within a year takes its place on the line.
struct YearValue {
    double year = 0;
    double value = 0;
};
std::optional<double> last_value(const std::vector<YearValue>& history, double year);
std::optional<double> linear_trend(const std::vector<YearValue>& history, double year);
// The same line kept within [low, high], the values the measure can take (a count of communes
// cannot fall below 0 however steep the line).
std::optional<double> linear_trend(const std::vector<YearValue>& history, double year, double low,
                                   double high);

// Means over the scored points of one forecaster. Relative error averages only the points
// where it is defined; coverage only applies to interval forecasts.
struct SkillSummary {
    int points = 0;
    double mean_abs_error = 0;
    std::optional<double> mean_rel_error;
    std::optional<double> coverage;  // share of observed values inside the 90% interval
    double mean_crps = 0;
};

}  // namespace ntm::calibrate
