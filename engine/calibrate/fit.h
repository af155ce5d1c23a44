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
Ensemble run_points(const Model& model, const scenario::Scenario& s,
                    const std::vector<Point>& points, std::uint32_t draws, int last_year,
                    std::uint32_t first_draw = 0);

// A reported figure's own tolerance, added to the simulation's spread when weighting: a count
// ±1 commune, a share ±1 commune of `communes`, a mean ±0.05 (figures given to one decimal).
double reporting_sd(const Measure& m, std::size_t communes);

struct FitOptions {
    std::uint32_t draws = 200;
    // Trials in all: the design of starting points, then the local searches from the best of them.
    int max_evaluations = 250;
    int design_points = 0;  // Latin-hypercube starting points; 0: max(8, 4 × parameters), at most a
                            // third of the trials
    int local_starts = 3;  // Nelder–Mead runs, from the best distinct points of the design
    double xtol = 1e-3;  // stop when a step moves every parameter less than this share of its range
    double step = 0.02;  // finite-difference step for the sensitivities, as a share of the range
    int profile_points = 11;  // per parameter, around the fit; 0: no profile
    // A fitted value within this share of its range from a bound is on the bound: a failed fit.
    double bound_tolerance = 0.01;
};

// The objective along one parameter, the others at the fit.
struct ProfilePoint {
    double value = 0;
    double objective = 0;  // data + prior
    double data = 0;       // Σz²
    double prior = 0;      // Σ −2 log prior (0 at each prior's mode)
};

struct FitResult {
    std::vector<Param> params;
    std::vector<double> start, values;
    // Standard deviations of the normal approximation of the posterior (with flat priors, the
    // method-of-moments standard errors); +∞ when a parameter is not identified.
    std::vector<double> se;
    bool identified = true;  // false when neither the moments nor a prior pin every parameter down
    std::vector<bool> data_informed;               // the observed measures respond to the parameter
    std::vector<std::vector<double>> correlation;  // of the estimates
    double objective = 0;        // data + prior at the fit: −2 log posterior up to a constant
    double data_objective = 0;   // Σ ((simulated − observed) / scale)²
    double prior_objective = 0;  // Σ −2 log prior
    int evaluations = 0;
    int design_points = 0;
    std::vector<double> local_minima;  // the objective each local search ended on, in start order
    std::string stop_reason;
    // A failed fit: a parameter on (within bound_tolerance of) a bound, named in `failures`.
    bool failed = false;
    std::vector<int> on_bound;  // per parameter: −1 lower, +1 upper, 0 inside
    std::vector<std::string> failures, notes;
    std::vector<std::vector<ProfilePoint>> profiles;  // per parameter, ascending values
    // Where the profile rises 2.71 above the fit (90% for one parameter); NaN when it does not
    // within the profiled range.
    std::vector<double> profile_low, profile_high;
    std::vector<Observation> targets;
    std::vector<double> simulated, scale;  // per target, at the fit
    std::uint32_t draws = 0;
    std::uint64_t seed = 0;
    // The 90% interval of the normal approximation, cut at the bounds.
    double interval_low(std::size_t i) const;
    double interval_high(std::size_t i) const;
};

// `count` parameter vectors drawn from the fit's normal approximation N(values, V) (V from the
// standard errors and correlations; a parameter not identified stays at its value), each kept
// within its bounds (a vector outside them is drawn again, up to 100 times, then cut). Set k uses
// the counter-based generator at (seed, set k): the same for any thread count. Set 0 is the fit
// itself.
std::vector<std::vector<double>> parameter_draws(const FitResult& fit, std::size_t count,
                                                 std::uint64_t seed);

// Fits `params` of `base` to the targets (observed values of the area, each in the simulated
// period or its starting state) by minimising Σz² + Σ −2 log prior: a multi-start search (the
// scenario's values and a Latin-hypercube design, then Nelder–Mead from the best distinct
// points), all on the same draws. Throws UsageError when the targets and the priors together
// are fewer than the parameters, or a target lies outside the period.
FitResult fit(const Model& model, const scenario::Scenario& base, const std::vector<Param>& params,
              const std::vector<Observation>& targets, const FitOptions& options);

}  // namespace ntm::calibrate
