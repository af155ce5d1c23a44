#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "calibrate/backtest.h"
#include "calibrate/params.h"
#include "cli/calibrate_common.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "core/error.h"
#include "core/output.h"
#include "core/progress.h"
#include "core/text.h"
#include "criteria/criteria_set.h"
#include "indicators/measure.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace ntm::cli {

void FitArgs::add_options(po::options_description& opts, const char* draws_option, const std::string& fit_help) {
    opts.add_options()("observed", po::value(&observed), "observed progress (CSV: area, year, measure, value, source)")(
        "fit", po::value(&keys)->multitoken(), fit_help.c_str())(
        "area", po::value(&area_id), "the observed area the study area stands for (default: the file's first)")(
        draws_option, po::value(&fit_draws), "draws per calibration trial (default 200)")(
        "max-evals", po::value(&max_evals), "at most this many calibration trials (default 150)")(
        "threads", po::value(&threads), "threads to use (default: all cores)");
}

void FitArgs::check_and_apply() const {
    if (observed.empty()) throw UsageError("give the observed progress: --observed FILE.csv");
    if (fit_draws < 2) throw UsageError("draws per calibration trial: at least 2");
    if (max_evals < 1) throw UsageError("--max-evals: at least 1");
    set_threads(threads);
}

calibrate::FitOptions FitArgs::fit_options() const {
    calibrate::FitOptions o;
    o.draws = static_cast<std::uint32_t>(fit_draws);
    o.max_evaluations = max_evals;
    return o;
}

calibrate::Model CalibrationInputs::model() const {
    return {&loaded.area, &measures, &set, loaded.area.layers};
}

std::unique_ptr<CalibrationInputs> load_calibration_inputs(const std::string& area_path, const std::string& scenario_path,
                                                           const std::string& observed_path, const std::string& area_id,
                                                           const std::vector<std::string>& fit_keys, int draws_override) {
    auto in = std::make_unique<CalibrationInputs>();
    in->scenario = scenario::load_scenario(scenario_path);
    if (draws_override > 0) in->scenario.draws = draws_override;
    in->params = parse_params(fit_keys, in->scenario);
    in->set = criteria::load_criteria_set(in->scenario.criteria);
    in->observed = calibrate::read_observed(observed_path);
    const auto areas = in->observed.areas();
    in->area_id = area_id.empty() ? areas.front() : area_id;
    if (std::find(areas.begin(), areas.end(), in->area_id) == areas.end())
        throw UsageError("--area " + in->area_id + ": " + observed_path + " has no rows of that area (it has: " +
                         join(areas, ", ") + ")");
    in->loaded = load_usable_area(area_path);
    note("measuring " + std::to_string(in->loaded.area.communes.size()) + " communes");
    in->measures = indicators::measure_area(in->loaded.area);
    return in;
}

std::vector<calibrate::Param> parse_params(const std::vector<std::string>& args, const scenario::Scenario& base) {
    std::vector<calibrate::Param> out;
    for (const auto& a : args) {
        auto p = calibrate::parse_param(a, base);
        for (const auto& q : out)
            if (q.key == p.key) throw UsageError("--fit " + p.key + " is given twice");
        out.push_back(p);
    }
    return out;
}

std::string format_measure(const calibrate::Measure& m, double v) {
    if (!std::isfinite(v)) return "-";
    if (m.kind == calibrate::Measure::Kind::MeanMet) return format_fixed(v, 2);
    return format_fixed(v, m.share ? 3 : 1);
}

void print_checks(const CalibrationInputs& in, const std::vector<calibrate::Observation>& rows) {
    std::size_t assessed = 0;
    for (const auto& c : in.loaded.area.communes) assessed += c.kind == CommuneKind::Commune;
    bool any = false;
    std::optional<sim::SimInput> input;  // compiled once, when a starting-state row needs it
    for (const auto& o : rows) {
        double area_value = NAN;
        if (o.measure.kind == calibrate::Measure::Kind::Communes) {
            area_value = static_cast<double>(assessed);
        } else if (o.year == in.scenario.start - 1) {
            if (!input) input = sim::compile(in.loaded.area, in.measures, in.set, in.scenario, in.loaded.area.layers);
            // Per-criterion measures are not kept for the starting state: shown as "-".
            if (o.measure.kind != calibrate::Measure::Kind::Criterion) area_value = calibrate::initial_value(*input, o.measure);
        } else {
            continue;
        }
        if (!any) std::printf("\nStudy area against the observed %s where no parameter can move it:\n", in.area_id.c_str());
        any = true;
        std::printf("  %d %-22s observed %10s   study area %10s\n", o.year, o.measure.name().c_str(),
                    format_measure(o.measure, o.value).c_str(), format_measure(o.measure, area_value).c_str());
    }
}

// The 90% interval of a fitted value, or why there is none.
std::string interval_text(const calibrate::FitResult& f, std::size_t i) {
    const auto& p = f.params[i];
    const double v = f.values[i], se = f.se[i];
    if (!std::isfinite(se)) return "not identified by these observations";
    std::string t = format_fixed(std::max(p.low, v - 1.645 * se), 4) + " – " + format_fixed(std::min(p.high, v + 1.645 * se), 4);
    const double tol = 1e-6 * (p.high - p.low);
    if (v - p.low <= tol) t += " (at its lower bound: the data push it further; the interval is not reliable)";
    if (p.high - v <= tol) t += " (at its upper bound: the data push it further; the interval is not reliable)";
    return t;
}

void print_fit(const calibrate::FitResult& f) {
    std::printf("\nFitted by the simulated method of moments: %zu observed values, %u draws (seed %llu, the same\n"
                "draws for every trial: common random numbers), NLopt Nelder–Mead, %d evaluations: %s.\n\n",
                f.targets.size(), f.draws, static_cast<unsigned long long>(f.seed), f.evaluations, f.stop_reason.c_str());
    std::printf("%s %10s %10s %10s   %s\n", pad_right("parameter", 26).c_str(), "start", "fitted", "std err", "90% interval (fitted ± 1.645 se, within bounds)");
    for (std::size_t i = 0; i < f.params.size(); ++i) {
        const auto& p = f.params[i];
        const double se = f.se[i];
        const auto interval = interval_text(f, i);
        std::printf("%s %10s %10s %10s   %s\n", pad_right(p.key, 26).c_str(), format_fixed(f.start[i], 4).c_str(),
                    format_fixed(f.values[i], 4).c_str(), std::isfinite(se) ? format_fixed(se, 4).c_str() : "∞",
                    interval.c_str());
    }
    std::printf("\n%s %6s %10s %10s %10s %8s\n", pad_right("observed", 26).c_str(), "year", "observed", "simulated", "scale", "z");
    for (std::size_t i = 0; i < f.targets.size(); ++i) {
        const auto& t = f.targets[i];
        std::printf("%s %6d %10s %10s %10s %8s\n", pad_right(t.measure.name(), 26).c_str(), t.year,
                    format_measure(t.measure, t.value).c_str(), format_measure(t.measure, f.simulated[i]).c_str(),
                    format_measure(t.measure, f.scale[i]).c_str(),
                    format_fixed((f.simulated[i] - t.value) / f.scale[i], 2).c_str());
    }
    std::printf("objective Σz² = %s\n", format_fixed(f.objective, 3).c_str());
}

std::vector<std::string> fit_header(const calibrate::FitResult& f, const CalibrationInputs& in, int until) {
    std::vector<std::string> h = {
        "Calibrated by `ntmsim calibrate` (docs/validation.md): " + in.scenario.path + " fitted to",
        in.observed.path + " (area " + in.area_id + ", years up to " + std::to_string(until) + "), " +
            std::to_string(f.targets.size()) + " observed values, " + std::to_string(f.draws) + " draws, seed " +
            std::to_string(f.seed) + "; " + f.stop_reason + ".",
        "Fitted values (standard error; 90% interval):"};
    for (std::size_t i = 0; i < f.params.size(); ++i) {
        const double se = f.se[i];
        h.push_back("  " + f.params[i].key + " = " + format_fixed(f.values[i], 4) + " (" +
                    (std::isfinite(se) ? "se " + format_fixed(se, 4) + "; " : std::string()) + interval_text(f, i) + ")");
    }
    h.push_back("Everything else comes from the scenario this file extends.");
    return h;
}

int cmd_calibrate(const Args& args) {
    po::options_description opts(
        "ntmsim calibrate AREA SCENARIO.yaml --observed FILE.csv --fit KEY[=LOW:HIGH]... --until YEAR\n\n"
        "Fits scenario parameters to observed progress up to YEAR by the simulated method of moments\n"
        "(common random numbers, NLopt Nelder–Mead), prints the fitted values with standard errors and\n"
        "90% intervals, and writes a calibrated scenario file that extends SCENARIO.yaml\n"
        "(docs/validation.md).\n\nKeys: " + calibrate::param_help() + "\n\nOptions");
    FitArgs fa;
    std::string out;
    int until = 0;
    opts.add_options()("help,h", "show this help")("until", po::value(&until), "fit the observed years up to this one")(
        "output,o", po::value(&out), "the calibrated scenario file (default: SCENARIO-calibrated.yaml here)")(
        "overwrite", "replace an existing output file");
    fa.add_options(opts, "draws", "a parameter to fit, KEY or KEY=LOW:HIGH (repeat for more)");
    po::variables_map vm;
    if (!parse_args(args, opts, "inputs", po::value<std::vector<std::string>>(), 2, vm)) return kExitOk;
    const auto inputs = vm.count("inputs") ? vm["inputs"].as<std::vector<std::string>>() : std::vector<std::string>{};
    if (inputs.size() != 2) throw UsageError("give the study area and one scenario: ntmsim calibrate AREA SCENARIO.yaml --observed FILE ...");
    if (fa.keys.empty()) throw UsageError("give at least one parameter to fit: --fit KEY[=LOW:HIGH] (keys: " + calibrate::param_help() + ")");
    if (!vm.count("until")) throw UsageError("give the last observed year to fit: --until YEAR");
    if (out.empty()) out = fs::path(inputs[1]).stem().string() + "-calibrated.yaml";
    check_output_apart(out, {inputs[0], inputs[1], fa.observed});
    const OutputReservation reserved(out, OutputKind::File, vm.count("overwrite") > 0);
    fa.check_and_apply();
    const auto in = load_calibration_inputs(inputs[0], inputs[1], fa.observed, fa.area_id, fa.keys, 0);
    const auto& params = in->params;
    if (until >= in->scenario.start + in->scenario.years())
        throw UsageError("--until " + std::to_string(until) + ": after the scenario's period (" + std::to_string(in->scenario.start) +
                         "–" + std::to_string(in->scenario.end) + ")");
    const auto rows = calibrate::training_rows(in->observed, in->area_id, until);
    print_checks(*in, rows);
    const auto f = calibrate::fit(in->model(), in->scenario, params, calibrate::fit_targets(rows, in->scenario.start), fa.fit_options());
    print_fit(f);
    auto calibrated = calibrate::with_params(in->scenario, params, f.values);
    calibrated.name = in->scenario.name + " (calibrated to " + in->area_id + " up to " + std::to_string(until) + ")";
    calibrate::write_calibrated_scenario(out, inputs[1], calibrated, params, fit_header(f, *in, until), vm.count("overwrite") > 0);
    std::printf("\ncalibrated scenario written to %s\n", out.c_str());
    return kExitOk;
}

}  // namespace ntm::cli
