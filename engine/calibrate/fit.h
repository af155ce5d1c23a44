#pragma once
// Fitting scenario parameters to observed progress by the simulated method of moments
// (docs/validation.md): the simulated mean of each observed measure, over a fixed set of draws
// with a fixed seed (common random numbers, so the objective does not jitter from one
// parameter vector to the next), is matched to the observed value; NLopt's Nelder–Mead
// minimises the weighted sum of squares; the uncertainty is the method-of-moments sandwich with
// the simulation noise accounted for.
// Thread contract: fit() runs its simulations in parallel (OpenMP) and is itself called from one
// thread; results are the same bytes for any thread count.
#include <cstdint>
#include <string>
#include <vector>

#include "calibrate/ensemble.h"
#include "calibrate/observed.h"
#include "calibrate/params.h"
#include "criteria/criteria_set.h"
#include "criteria/evaluate.h"
#include "indicators/measure.h"
#include "model/study_area.h"
#include "scenario/scenario.h"

namespace ntm::calibrate {

// What a scenario is simulated on.
struct Model {
    const StudyArea* area = nullptr;
    const indicators::AreaMeasures* measures = nullptr;
    const criteria::CriteriaSet* set = nullptr;
    criteria::LayersPresent layers;
};

// Runs the scenario's draws [0, draws) (its own seed) up to `last_year` and returns the points'
// values per draw. The period is cut at last_year: the model is causal, so the years before it
// are the same as in a full run.
Ensemble run_points(const Model& model, const scenario::Scenario& s, const std::vector<Point>& points,
                    std::uint32_t draws, int last_year, std::uint32_t first_draw = 0);

// A reported figure's own tolerance, added to the simulation's spread when weighting: a count
// ±1 commune, a share ±1 commune of `communes`, a mean ±0.05 (figures given to one decimal).
double reporting_sd(const Measure& m, std::size_t communes);

struct FitOptions {
    std::uint32_t draws = 200;
    int max_evaluations = 150;
    double xtol = 1e-3;  // stop when a step moves every parameter less than this share of its range
    double step = 0.02;  // finite-difference step for the sensitivities, as a share of the range
};

struct FitResult {
    std::vector<Param> params;
    std::vector<double> start, values;
    std::vector<double> se;    // standard errors; +∞ when a parameter is not identified
    bool identified = true;    // false when the moments do not pin every parameter down
    std::vector<std::vector<double>> correlation;  // of the estimates
    double objective = 0;      // Σ ((simulated − observed) / scale)² at the fit
    int evaluations = 0;
    std::string stop_reason;
    std::vector<Observation> targets;
    std::vector<double> simulated, scale;  // per target, at the fit
    std::uint32_t draws = 0;
    std::uint64_t seed = 0;
};

// `count` parameter vectors drawn from the fit's normal approximation N(values, V) (V from the
// standard errors and correlations; a parameter not identified stays at its value), each cut to
// its bounds. Set k uses the counter-based generator at (seed, set k): the same for any thread
// count. Set 0 is the fit itself.
std::vector<std::vector<double>> parameter_draws(const FitResult& fit, std::size_t count, std::uint64_t seed);

// Fits `params` of `base` to the targets (observed values of the area, each in the simulated
// period or its starting state). Throws UsageError when there are fewer targets than parameters
// or a target lies outside the period.
FitResult fit(const Model& model, const scenario::Scenario& base, const std::vector<Param>& params,
              const std::vector<Observation>& targets, const FitOptions& options);

}  // namespace ntm::calibrate
