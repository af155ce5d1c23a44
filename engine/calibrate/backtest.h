#pragma once
// A backtest: calibrate on the observed years up to a year, forecast the years after, and score
// the forecast against what was observed, beside two naive forecasts (docs/validation.md).
// Thread contract: as fit.h.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "calibrate/fit.h"
#include "calibrate/skill.h"

namespace ntm::calibrate {

struct BacktestOptions {
    int train_until = 0;
    std::string area;  // the observed area the study area stands for
    FitOptions fit;
    std::uint32_t forecast_draws = 0;  // 0: the scenario's own
    // The forecast's draws are split over this many parameter sets drawn around the fit
    // (parameter_draws), so its intervals carry the calibration's uncertainty as well as the
    // simulation's. 1: the fitted values only.
    std::uint32_t parameter_sets = 20;
};

// One observed value after the training years, with every forecaster's forecast of it.
struct Scored {
    Observation observed;
    bool proxy = false;    // another area's value of a scale-free measure (share or mean)
    Forecast model;        // median, 90% interval, CRPS
    bool covered = false;  // observed inside the 90% interval
    std::optional<double> last, trend;  // naive forecasts
};

// The forecast of one measure in one year.
struct ForecastCell {
    Point point;
    double median = 0, low = 0, high = 0, mean = 0;
    std::optional<double> last, trend;
};

struct BacktestResult {
    FitResult fit;
    scenario::Scenario calibrated;
    std::vector<std::vector<double>> parameter_sets;  // the forecast's, the fit first
    int first_forecast_year = 0, last_year = 0;
    std::vector<Measure> measures;    // forecast, in the order first observed
    std::vector<ForecastCell> cells;  // [measure][year], years start − 1 … end
    std::vector<Scored> scored;
    // Means over the scored values of one measure (the area's own, or proxies): model, last
    // value, trend. Kept per measure: a count's and a mean's errors do not add up.
    struct SkillRow {
        bool proxy = false;
        Measure measure;
        std::array<SkillSummary, 3> by;
    };
    std::vector<SkillRow> skill;
    std::vector<std::string> not_comparable;  // other areas' counts, left out (a different area)
};

// Throws InputError when no year is left to forecast (train_until ≥ the period's end), and as
// fit() does.
BacktestResult backtest(const Model& model, const scenario::Scenario& base,
                        const std::vector<Param>& params, const ObservedSeries& observed,
                        const BacktestOptions& options);

// Throws InputError when no year of the scenario's period is left after train_until, or
// train_until comes before its starting state.
void check_train_until(const scenario::Scenario& s, int train_until);

// The training rows: `area`'s observations up to `until`.
std::vector<Observation> training_rows(const ObservedSeries& observed, const std::string& area,
                                       int until);
// Of those, what a fit can match: rows in the simulated period (from `start`), except the
// commune count, which no parameter moves; a count and its share form at the same time (785
// communes and 8.8%) are one moment, fitted once, as the share. The rest (the starting
// state, the commune count) are checks of the study area against the observed one.
std::vector<Observation> fit_targets(const std::vector<Observation>& rows, int start);

// Means over scored points (relative error over those with a non-zero observed value).
SkillSummary summarise(const std::vector<Scored>& scored, int which);  // 0 model, 1 last, 2 trend

}  // namespace ntm::calibrate
