#pragma once
// What `calibrate` and `backtest` share: loading the area, scenario, criteria set and observed
// file; choosing the observed area; printing the fit.
#include <boost/program_options.hpp>
#include <memory>
#include <string>
#include <vector>

#include "calibrate/fit.h"
#include "calibrate/observed.h"
#include "io/load.h"

namespace ntm::cli {

// The options `calibrate` and `backtest` share.
struct FitArgs {
    std::string observed, area_id;
    std::vector<std::string> keys;
    int fit_draws = 200, max_evals = 250, threads = 0, profile_points = 11;
    // Adds --observed, --fit, --area, the fit's draws (named `draws_option`), --max-evals,
    // --profile-points and --threads to `opts`.
    void add_options(boost::program_options::options_description& opts, const char* draws_option,
                     const std::string& fit_help);
    // Checks them (UsageError) and applies --threads.
    void check_and_apply() const;
    calibrate::FitOptions fit_options() const;
};

struct CalibrationInputs {
    io::LoadResult loaded;
    indicators::AreaMeasures measures;
    criteria::CriteriaSet set;
    scenario::Scenario scenario;
    calibrate::ObservedSeries observed;
    std::string area_id;  // the observed area the study area stands for
    calibrate::CalibrationSpec
        calibration;  // the scenario's calibration: block (priors, default keys)
    std::vector<calibrate::Param>
        params;  // the --fit keys, parsed against the scenario and its priors
    calibrate::Model model() const;
};

// Loads everything, scenario, --fit keys and observed file first (so a typo fails before the
// area is measured). No --fit keys: the scenario's calibration.fit list, else `default_keys`.
// `area_id` empty: the observed file's first area. Throws UsageError when the file has no rows of
// that area, no key is given anywhere, or a key is unknown or given twice.
std::unique_ptr<CalibrationInputs> load_calibration_inputs(
    const std::string& area_path, const std::string& scenario_path,
    const std::string& observed_path, const std::string& area_id,
    const std::vector<std::string>& fit_keys, int draws_override,
    const std::vector<std::string>& default_keys = {});

std::vector<calibrate::Param> parse_params(const std::vector<std::string>& args,
                                           const scenario::Scenario& base,
                                           const calibrate::CalibrationSpec& spec);

// Prints how the study area compares with the observed one in the rows no fit can move (the
// commune count, the starting state).
void print_checks(const CalibrationInputs& in, const std::vector<calibrate::Observation>& rows);
// Prints the fitted values with their priors, intervals and status, each target observed vs
// simulated, and the verdict: a parameter on its bound is a FAILED fit, said in so many words.
void print_fit(const calibrate::FitResult& fit);
// "FIT FAILED: …" or "Fit OK: …".
std::string fit_verdict(const calibrate::FitResult& fit);
// Writes PREFIXfit.csv (each parameter: prior, bounds, fitted value, intervals, status),
// PREFIXprofile.csv (the objective along each parameter) and a chart per parameter,
// PREFIXprofile-KEY.png and .svg.
void write_fit_files(const calibrate::FitResult& fit, const std::string& prefix);
// Header lines for the calibrated scenario file: what was fitted to what, and how.
std::vector<std::string> fit_header(const calibrate::FitResult& fit, const CalibrationInputs& in,
                                    int until);
// CSV cells: a number to 6 decimals (empty when not finite); text in double quotes.
std::string csv_number(double v);
std::string csv_quoted(const std::string& s);
// A measure's value, to the decimals it needs (counts 1, shares 3, means 2).
std::string format_measure(const calibrate::Measure& m, double v);

}  // namespace ntm::cli
