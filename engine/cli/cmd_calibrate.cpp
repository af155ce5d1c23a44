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
#include "render/chart.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace ntm::cli {

void FitArgs::add_options(po::options_description& opts, const char* draws_option,
                          const std::string& fit_help) {
    opts.add_options()("observed", po::value(&observed),
                       "observed progress (CSV: area, year, measure, value, source)")(
        "fit", po::value(&keys)->multitoken(), fit_help.c_str())(
        "area", po::value(&area_id),
        "the observed area the study area stands for (default: the file's first)")(
        draws_option, po::value(&fit_draws), "draws per calibration trial (default 200)")(
        "max-evals", po::value(&max_evals), "at most this many calibration trials (default 250)")(
        "profile-points", po::value(&profile_points),
        "points of the objective's profile per parameter (default 11; 0: none)")(
        "threads", po::value(&threads), "threads to use (default: all cores)");
}

void FitArgs::check_and_apply() const {
    if (observed.empty()) throw UsageError("give the observed progress: --observed FILE.csv");
    if (fit_draws < 2) throw UsageError("draws per calibration trial: at least 2");
    if (max_evals < 1) throw UsageError("--max-evals: at least 1");
    if (profile_points < 0) throw UsageError("--profile-points: 0 or more");
    set_threads(threads);
}

calibrate::FitOptions FitArgs::fit_options() const {
    calibrate::FitOptions o;
    o.draws = static_cast<std::uint32_t>(fit_draws);
    o.max_evaluations = max_evals;
    o.profile_points = profile_points;
    return o;
}

calibrate::Model CalibrationInputs::model() const {
    return {&loaded.area, &measures, &set, loaded.area.layers};
}

std::unique_ptr<CalibrationInputs> load_calibration_inputs(
    const std::string& area_path, const std::string& scenario_path,
    const std::string& observed_path, const std::string& area_id,
    const std::vector<std::string>& fit_keys, int draws_override,
    const std::vector<std::string>& default_keys) {
    auto in = std::make_unique<CalibrationInputs>();
    in->scenario = scenario::load_scenario(scenario_path);
    if (draws_override > 0) in->scenario.draws = draws_override;
    in->calibration = calibrate::read_calibration(in->scenario);
    calibrate::check_prior_keys(in->calibration, in->scenario);
    auto keys = fit_keys;
    if (keys.empty()) keys = in->calibration.fit;
    if (keys.empty()) keys = default_keys;
    if (keys.empty())
        throw UsageError("give at least one parameter to fit: --fit KEY[=LOW:HIGH] (keys: " +
                         calibrate::param_help() + "), or list them under calibration.fit in " +
                         scenario_path);
    in->params = parse_params(keys, in->scenario, in->calibration);
    in->set = criteria::load_criteria_set(in->scenario.criteria);
    in->observed = calibrate::read_observed(observed_path);
    const auto areas = in->observed.areas();
    in->area_id = area_id.empty() ? areas.front() : area_id;
    if (std::find(areas.begin(), areas.end(), in->area_id) == areas.end())
        throw UsageError("--area " + in->area_id + ": " + observed_path +
                         " has no rows of that area (it has: " + join(areas, ", ") + ")");
    in->loaded = load_usable_area(area_path);
    note("measuring " + std::to_string(in->loaded.area.communes.size()) + " communes");
    in->measures = indicators::measure_area(in->loaded.area);
    return in;
}

std::vector<calibrate::Param> parse_params(const std::vector<std::string>& args,
                                           const scenario::Scenario& base,
                                           const calibrate::CalibrationSpec& spec) {
    std::vector<calibrate::Param> out;
    for (const auto& a : args) {
        auto p = calibrate::parse_param(a, base, spec);
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
            if (!input)
                input = sim::compile(in.loaded.area, in.measures, in.set, in.scenario,
                                     in.loaded.area.layers);
            // Per-criterion measures are not kept for the starting state: shown as "-".
            if (o.measure.kind != calibrate::Measure::Kind::Criterion)
                area_value = calibrate::initial_value(*input, o.measure);
        } else {
            continue;
        }
        if (!any)
            std::printf("\nStudy area against the observed %s where no parameter can move it:\n",
                        in.area_id.c_str());
        any = true;
        std::printf("  %s %-22s observed %10s   study area %10s\n", o.when().c_str(),
                    o.measure.name().c_str(), format_measure(o.measure, o.value).c_str(),
                    format_measure(o.measure, area_value).c_str());
    }
}

std::string csv_number(double v) { return std::isfinite(v) ? format_fixed(v, 6) : ""; }
std::string csv_quoted(const std::string& s) {
    std::string q = "\"";
    for (const char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

namespace {

// The status of one fitted parameter, in words.
std::string param_status(const calibrate::FitResult& f, std::size_t i) {
    if (f.on_bound[i] < 0) return "FAILED: on its lower bound";
    if (f.on_bound[i] > 0) return "FAILED: on its upper bound";
    if (!std::isfinite(f.se[i])) return "not identified";
    if (!f.data_informed[i]) return "ok (prior only: the observations do not move it)";
    return "ok";
}

std::string profile_text(const calibrate::FitResult& f, std::size_t i) {
    if (f.profiles[i].empty()) return "-";
    auto side = [&](double v, bool low) {
        if (std::isfinite(v)) return format_fixed(v, 4);
        // The profile stays within 2.71 up to the end of the profiled range.
        const double edge = low ? f.profiles[i].front().value : f.profiles[i].back().value;
        return (low ? "≤" : "≥") + format_fixed(edge, 4);
    };
    return side(f.profile_low[i], true) + " – " + side(f.profile_high[i], false);
}

}  // namespace

// The 90% interval of a fitted value, or why there is none.
std::string interval_text(const calibrate::FitResult& f, std::size_t i) {
    if (!std::isfinite(f.se[i])) return "not identified by these observations";
    return format_fixed(f.interval_low(i), 4) + " – " + format_fixed(f.interval_high(i), 4);
}

std::string fit_verdict(const calibrate::FitResult& f) {
    if (f.failed) return "FIT FAILED: " + join(f.failures, "; ");
    return "Fit OK: no fitted parameter is on its bound (within 1% of its range).";
}

void print_fit(const calibrate::FitResult& f) {
    std::size_t priors = 0;
    for (const auto& p : f.params) priors += !p.prior.flat();
    std::printf(
        "\nFitted by the simulated method of moments with priors (the objective is −2 log "
        "posterior:\n"
        "Σz² over %zu observed values + Σ −2 log prior over %zu prior(s)), %u draws (seed %llu, "
        "the same draws\n"
        "for every trial: common random numbers). Global search: the scenario's values and %d "
        "Latin-hypercube\n"
        "points, then NLopt Nelder–Mead from the best %zu distinct ones (they ended at",
        f.targets.size(), priors, f.draws, static_cast<unsigned long long>(f.seed), f.design_points,
        f.local_minima.size());
    for (const double m : f.local_minima) std::printf(" %s", format_fixed(m, 3).c_str());
    std::printf("); %d trials in all: %s.\n\n", f.evaluations, f.stop_reason.c_str());
    std::printf("%s %-34s %9s %9s %9s  %-19s  %-19s  %s\n", pad_right("parameter", 22).c_str(),
                "prior", "start", "fitted", "sd", "90% (posterior)", "90% (profile)", "status");
    for (std::size_t i = 0; i < f.params.size(); ++i) {
        const auto& p = f.params[i];
        const double se = f.se[i];
        std::printf("%s %-34s %9s %9s %9s  %-19s  %-19s  %s\n", pad_right(p.key, 22).c_str(),
                    p.prior.describe().c_str(), format_fixed(f.start[i], 4).c_str(),
                    format_fixed(f.values[i], 4).c_str(),
                    std::isfinite(se) ? format_fixed(se, 4).c_str() : "∞",
                    interval_text(f, i).c_str(), profile_text(f, i).c_str(),
                    param_status(f, i).c_str());
    }
    std::printf("(bounds:");
    for (const auto& p : f.params)
        std::printf(" %s [%s, %s]", p.key.c_str(), format_fixed(p.low, 4).c_str(),
                    format_fixed(p.high, 4).c_str());
    std::printf(")\n");
    std::printf("\n%s %8s %10s %10s %10s %8s\n", pad_right("observed", 26).c_str(), "when",
                "observed", "simulated", "scale", "z");
    for (std::size_t i = 0; i < f.targets.size(); ++i) {
        const auto& t = f.targets[i];
        std::printf("%s %8s %10s %10s %10s %8s\n", pad_right(t.measure.name(), 26).c_str(),
                    t.when().c_str(), format_measure(t.measure, t.value).c_str(),
                    format_measure(t.measure, f.simulated[i]).c_str(),
                    format_measure(t.measure, f.scale[i]).c_str(),
                    format_fixed((f.simulated[i] - t.value) / f.scale[i], 2).c_str());
    }
    std::printf("objective: Σz² = %s, priors %s, total %s\n",
                format_fixed(f.data_objective, 3).c_str(),
                format_fixed(f.prior_objective, 3).c_str(), format_fixed(f.objective, 3).c_str());
    for (const auto& n : f.notes) std::printf("note: %s\n", n.c_str());
    std::printf("\n%s\n", fit_verdict(f).c_str());
}

std::vector<std::string> fit_header(const calibrate::FitResult& f, const CalibrationInputs& in,
                                    int until) {
    std::vector<std::string> h = {
        "Calibrated by `ntmsim calibrate` (docs/validation.md): " + in.scenario.path + " fitted to",
        in.observed.path + " (area " + in.area_id + ", years up to " + std::to_string(until) +
            "), " + std::to_string(f.targets.size()) + " observed values, " +
            std::to_string(f.draws) + " draws, seed " + std::to_string(f.seed) + "; " +
            f.stop_reason + ".",
        fit_verdict(f), "Fitted values (prior; posterior sd; 90% interval; status):"};
    for (std::size_t i = 0; i < f.params.size(); ++i) {
        const double se = f.se[i];
        h.push_back("  " + f.params[i].key + " = " + format_fixed(f.values[i], 4) + " (" +
                    f.params[i].prior.describe() + "; " +
                    (std::isfinite(se) ? "sd " + format_fixed(se, 4) + "; " : std::string()) +
                    interval_text(f, i) + "; " + param_status(f, i) + ")");
    }
    h.push_back("Everything else comes from the scenario this file extends.");
    return h;
}

void write_fit_files(const calibrate::FitResult& f, const std::string& prefix) {
    std::string t =
        "key,prior,prior_source,low,high,start,fitted,sd,p05,p95,profile_p05,profile_p95,on_bound,"
        "data_informed,status,fit\n";
    for (std::size_t i = 0; i < f.params.size(); ++i) {
        const auto& p = f.params[i];
        t += p.key + "," + csv_quoted(p.prior.describe()) + "," + csv_quoted(p.prior.source) + "," +
             csv_number(p.low) + "," + csv_number(p.high) + "," + csv_number(f.start[i]) + "," +
             csv_number(f.values[i]) + "," + csv_number(f.se[i]) + "," +
             (std::isfinite(f.se[i])
                  ? csv_number(f.interval_low(i)) + "," + csv_number(f.interval_high(i))
                  : std::string(",")) +
             "," + csv_number(f.profile_low[i]) + "," + csv_number(f.profile_high[i]) + "," +
             (f.on_bound[i] < 0   ? "lower"
              : f.on_bound[i] > 0 ? "upper"
                                  : "") +
             "," + (f.data_informed[i] ? "yes" : "no") + "," + csv_quoted(param_status(f, i)) +
             "," + (f.failed ? "FAILED" : "ok") + "\n";
    }
    calibrate::write_text_atomically(prefix + "fit.csv", t);
    std::string pr = "key,value,objective,data,prior,rise_above_fit,at_fit\n";
    for (std::size_t i = 0; i < f.params.size(); ++i)
        for (const auto& pt : f.profiles[i])
            pr += f.params[i].key + "," + csv_number(pt.value) + "," + csv_number(pt.objective) +
                  "," + csv_number(pt.data) + "," + csv_number(pt.prior) + "," +
                  csv_number(pt.objective - f.objective) + "," +
                  (pt.value == f.values[i] ? "yes" : "no") + "\n";
    calibrate::write_text_atomically(prefix + "profile.csv", pr);
    // One small chart per parameter: the rise of the objective above the fit, its data and prior
    // parts, and the 2.71 line of a 90% interval.
    for (std::size_t i = 0; i < f.params.size(); ++i) {
        if (f.profiles[i].size() < 2) continue;
        render::LineChartSpec spec;
        spec.title = "Profile of the objective: " + f.params[i].key;
        spec.subtitle =
            "others at the fit (" + format_fixed(f.values[i], 4) + "); " + param_status(f, i);
        spec.x_label = f.params[i].key;
        spec.y_label = "rise above the fit (−2 log posterior)";
        spec.width = 800;
        spec.height = 480;
        render::LineSeries total{"objective", {}, {}, {}, render::palette_color(0)};
        render::LineSeries data{"data part (Σz²)", {}, {}, {}, render::palette_color(1)};
        render::LineSeries prior{"prior part", {}, {}, {}, render::palette_color(2)};
        render::LineSeries line{"90% level (2.71)", {}, {}, {}, render::Color{120, 120, 120}};
        for (const auto& pt : f.profiles[i]) {
            spec.x.push_back(pt.value);
            total.y.push_back(pt.objective - f.objective);
            data.y.push_back(pt.data - f.data_objective);
            prior.y.push_back(pt.prior - f.prior_objective);
            line.y.push_back(2.706);
        }
        spec.series = {total, data, prior, line};
        render::draw_line_chart(spec, prefix + "profile-" + f.params[i].key + ".png");
        render::draw_line_chart(spec, prefix + "profile-" + f.params[i].key + ".svg");
    }
}

int cmd_calibrate(const Args& args) {
    po::options_description opts(
        "ntmsim calibrate AREA SCENARIO.yaml --observed FILE.csv [--fit KEY[=LOW:HIGH]...] --until "
        "YEAR\n\n"
        "Fits scenario parameters to observed progress up to YEAR by the simulated method of "
        "moments with\n"
        "the priors of the scenario's calibration: block (common random numbers; a Latin-hypercube "
        "design\n"
        "of starts, then NLopt Nelder–Mead), prints each fitted value with its prior, 90% "
        "intervals and\n"
        "status (a parameter on its bound is a FAILED fit), and writes a calibrated scenario file "
        "that\n"
        "extends SCENARIO.yaml, with OUT-fit.csv, OUT-profile.csv and a profile chart per "
        "parameter beside\n"
        "it (docs/validation.md). Without --fit, the keys of calibration.fit in the scenario.\n\n"
        "Keys: " +
        calibrate::param_help() + "\n\nOptions");
    FitArgs fa;
    std::string out;
    int until = 0;
    opts.add_options()("help,h", "show this help")("until", po::value(&until),
                                                   "fit the observed years up to this one")(
        "output,o", po::value(&out),
        "the calibrated scenario file (default: SCENARIO-calibrated.yaml here)")(
        "overwrite", "replace an existing output file");
    fa.add_options(opts, "draws", "a parameter to fit, KEY or KEY=LOW:HIGH (repeat for more)");
    po::variables_map vm;
    if (!parse_args(args, opts, "inputs", po::value<std::vector<std::string>>(), 2, vm))
        return kExitOk;
    const auto inputs = vm.count("inputs") ? vm["inputs"].as<std::vector<std::string>>()
                                           : std::vector<std::string>{};
    if (inputs.size() != 2)
        throw UsageError(
            "give the study area and one scenario: ntmsim calibrate AREA SCENARIO.yaml --observed "
            "FILE ...");
    if (!vm.count("until")) throw UsageError("give the last observed year to fit: --until YEAR");
    if (out.empty()) out = fs::path(inputs[1]).stem().string() + "-calibrated.yaml";
    check_output_apart(out, {inputs[0], inputs[1], fa.observed});
    const OutputReservation reserved(out, OutputKind::File, vm.count("overwrite") > 0);
    fa.check_and_apply();
    const auto in =
        load_calibration_inputs(inputs[0], inputs[1], fa.observed, fa.area_id, fa.keys, 0);
    const auto& params = in->params;
    if (until >= in->scenario.start + in->scenario.years())
        throw UsageError("--until " + std::to_string(until) + ": after the scenario's period (" +
                         std::to_string(in->scenario.start) + "–" +
                         std::to_string(in->scenario.end) + ")");
    const auto rows = calibrate::training_rows(in->observed, in->area_id, until);
    print_checks(*in, rows);
    const auto f =
        calibrate::fit(in->model(), in->scenario, params,
                       calibrate::fit_targets(rows, in->scenario.start), fa.fit_options());
    print_fit(f);
    auto calibrated = calibrate::with_params(in->scenario, params, f.values);
    calibrated.name = in->scenario.name + " (calibrated to " + in->area_id + " up to " +
                      std::to_string(until) + ")";
    calibrate::write_calibrated_scenario(out, inputs[1], calibrated, params,
                                         fit_header(f, *in, until), vm.count("overwrite") > 0);
    const auto prefix =
        (fs::path(out).parent_path() / (fs::path(out).stem().string() + "-")).string();
    write_fit_files(f, prefix);
    std::printf(
        "\ncalibrated scenario written to %s (the fit: %sfit.csv, %sprofile.csv, "
        "%sprofile-KEY.png/svg)\n",
        out.c_str(), prefix.c_str(), prefix.c_str(), prefix.c_str());
    return kExitOk;
}

}  // namespace ntm::cli
