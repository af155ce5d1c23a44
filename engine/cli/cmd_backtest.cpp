#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "calibrate/backtest.h"
#include "calibrate/params.h"
#include "cli/calibrate_common.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "core/error.h"
#include "core/output.h"
#include "core/text.h"
#include "render/chart.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace ntm::cli {

namespace {

using calibrate::BacktestResult;
using calibrate::Measure;

std::string opt(const std::optional<double>& v, const Measure& m) {
    return v ? format_measure(m, *v) : "-";
}
std::string csv_opt(const std::optional<double>& v) { return v ? csv_number(*v) : ""; }

// The observed value of a measure in a year for an area, if any.
std::optional<double> observed_at(const calibrate::ObservedSeries& obs, const std::string& area,
                                  const calibrate::Point& p) {
    for (const auto& o : obs.rows)
        if (o.area == area && o.measure == p.measure && o.year == p.year && o.month == p.month)
            return o.value;
    return std::nullopt;
}

bool same_time(const calibrate::Observation& o, const calibrate::Point& p) {
    return o.year == p.year && o.month == p.month;
}

void print_forecasts(const BacktestResult& r, const calibrate::ObservedSeries& obs,
                     const std::string& area) {
    std::printf(
        "\nForecasts from %d (calibrated on the years before): median and 90%% interval over the "
        "draws, which\n"
        "run with %zu parameter sets drawn around the fit (its uncertainty included); naive "
        "forecasts from the\n"
        "%s values up to %d; observed: %s, or another area's value marked (proxy).\n",
        r.first_forecast_year, r.parameter_sets.size(), area.c_str(), r.first_forecast_year - 1,
        area.c_str());
    for (const auto& m : r.measures) {
        std::printf("\n%s\n%7s %10s %23s %14s %10s %10s\n", m.name().c_str(), "when", "median",
                    "90% interval", "observed", "last", "trend");
        for (const auto& c : r.cells) {
            if (!(c.point.measure == m) || c.point.year < r.first_forecast_year) continue;
            std::string seen = "-";
            if (const auto v = observed_at(obs, area, c.point)) {
                seen = format_measure(m, *v);
            } else {
                for (const auto& s : r.scored)
                    if (s.proxy && s.observed.measure == m && same_time(s.observed, c.point))
                        seen = format_measure(m, s.observed.value) + " (" + s.observed.area + ")";
            }
            std::printf("%7s %10s %23s %14s %10s %10s\n",
                        calibrate::when(c.point.year, c.point.month).c_str(),
                        format_measure(m, c.median).c_str(),
                        (format_measure(m, c.low) + " – " + format_measure(m, c.high)).c_str(),
                        seen.c_str(), opt(c.last, m).c_str(), opt(c.trend, m).c_str());
        }
    }
}

void print_skill(const BacktestResult& r, bool proxy, const std::string& title) {
    std::printf("\n%s\n%s %s %7s %12s %10s %10s %10s %11s\n", title.c_str(),
                pad_right("measure", 20).c_str(), pad_right("forecaster", 20).c_str(), "points",
                "abs error", "rel error", "coverage", "CRPS", "CRPS skill");
    const char* names[] = {"calibrated model", "last value carried", "linear trend"};
    for (const auto& row : r.skill) {
        if (row.proxy != proxy) continue;
        const auto& model = row.by[0];
        for (std::size_t k = 0; k < 3; ++k) {
            const auto& x = row.by[k];
            std::string skill = "-";
            if (k > 0 && x.points > 0 && x.mean_crps > 0 && model.points == x.points)
                skill = format_fixed(1 - model.mean_crps / x.mean_crps, 3);
            std::printf("%s %s %7d %12s %10s %10s %10s %11s\n",
                        pad_right(k == 0 ? row.measure.name() : "", 20).c_str(),
                        pad_right(names[k], 20).c_str(), x.points,
                        x.points ? format_measure(row.measure, x.mean_abs_error).c_str() : "-",
                        x.mean_rel_error ? format_fixed(*x.mean_rel_error, 3).c_str() : "-",
                        x.coverage ? format_fixed(*x.coverage, 2).c_str() : "-",
                        x.points ? format_fixed(x.mean_crps, 3).c_str() : "-", skill.c_str());
        }
    }
    std::printf(
        "(means over the scored years; CRPS skill = 1 − CRPS(model) / CRPS(naive): above 0, the "
        "model is better)\n");
}

void write_outputs(const BacktestResult& r, const calibrate::ObservedSeries& obs,
                   const std::string& area, const std::string& dir) {
    std::string f =
        "measure,year,median,p05,p95,mean,observed,observed_area,last_value,linear_trend,"
        "training\n";
    for (const auto& c : r.cells) {
        const auto& m = c.point.measure;
        std::optional<double> seen = observed_at(obs, area, c.point);
        std::string seen_area = seen ? area : "";
        for (const auto& s : r.scored)
            if (!seen && s.proxy && s.observed.measure == m && same_time(s.observed, c.point)) {
                seen = s.observed.value;
                seen_area = s.observed.area;
            }
        f += m.name() + "," + calibrate::when(c.point.year, c.point.month) + "," +
             csv_number(c.median) + "," + csv_number(c.low) + "," + csv_number(c.high) + "," +
             csv_number(c.mean) + "," + csv_opt(seen) + "," + seen_area + "," + csv_opt(c.last) +
             "," + csv_opt(c.trend) + "," + (c.point.year < r.first_forecast_year ? "yes" : "no") +
             "\n";
    }
    calibrate::write_text_atomically(dir + "/forecast.csv", f);
    std::string s =
        "area,year,measure,observed,proxy,median,p05,p95,covered,crps,last_value,linear_trend,"
        "source\n";
    for (const auto& x : r.scored)
        s += x.observed.area + "," + x.observed.when() + "," + x.observed.measure.name() + "," +
             csv_number(x.observed.value) + "," + (x.proxy ? "yes" : "no") + "," +
             csv_number(x.model.median) + "," + csv_number(x.model.low) + "," +
             csv_number(x.model.high) + "," + (x.covered ? "yes" : "no") + "," +
             csv_number(x.model.crps) + "," + csv_opt(x.last) + "," + csv_opt(x.trend) + "," +
             csv_quoted(x.observed.source) + "\n";
    calibrate::write_text_atomically(dir + "/scored.csv", s);
    std::string k =
        "values,measure,forecaster,points,mean_abs_error,mean_rel_error,coverage,mean_crps\n";
    const char* names[] = {"calibrated_model", "last_value", "linear_trend"};
    for (const auto& row : r.skill)
        for (std::size_t i = 0; i < 3; ++i) {
            const auto& x = row.by[i];
            k += std::string(row.proxy ? "proxy" : "own") + "," + row.measure.name() + "," +
                 names[i] + "," + std::to_string(x.points) + "," +
                 (x.points ? csv_number(x.mean_abs_error) : "") + "," + csv_opt(x.mean_rel_error) +
                 "," + csv_opt(x.coverage) + "," + (x.points ? csv_number(x.mean_crps) : "") + "\n";
        }
    calibrate::write_text_atomically(dir + "/skill.csv", k);

    // One fan chart per measure: the calibrated model's median and 90% band over every year,
    // the observed points, proxies, and the naive forecasts over the forecast years.
    for (const auto& m : r.measures) {
        render::LineChartSpec spec;
        spec.title = m.name() + ": observed against the calibrated forecast";
        spec.subtitle =
            "calibrated on " + area + " up to " + std::to_string(r.first_forecast_year - 1) +
            "; band: 90% of draws; naive forecasts from " + std::to_string(r.first_forecast_year);
        spec.x_label = "year (end of)";
        spec.y_label = m.name();
        render::LineSeries model{
            "calibrated model (median, 90%)", {}, {}, {}, render::palette_color(0)};
        render::LineSeries seen{"observed: " + area, {}, {}, {}, render::Color{0, 0, 0}};
        render::LineSeries proxy{"proxy: another area", {}, {}, {}, render::palette_color(3)};
        render::LineSeries last{"last value carried forward", {}, {}, {}, render::palette_color(1)};
        render::LineSeries trend{"linear trend", {}, {}, {}, render::palette_color(2)};
        bool any_proxy = false;
        for (const auto& c : r.cells) {
            if (!(c.point.measure == m)) continue;
            spec.x.push_back(c.point.year - 1 + c.point.month / 12.0);
            model.y.push_back(c.median);
            model.low.push_back(c.low);
            model.high.push_back(c.high);
            seen.y.push_back(observed_at(obs, area, c.point).value_or(NAN));
            double p = NAN;
            for (const auto& x : r.scored)
                if (x.proxy && x.observed.measure == m && same_time(x.observed, c.point))
                    p = x.observed.value;
            any_proxy = any_proxy || std::isfinite(p);
            proxy.y.push_back(p);
            last.y.push_back(c.last.value_or(NAN));
            trend.y.push_back(c.trend.value_or(NAN));
        }
        spec.series = {model, seen, last, trend};
        if (any_proxy) spec.series.push_back(proxy);
        render::draw_line_chart(spec, dir + "/chart-" + m.name() + ".png");
        render::draw_line_chart(spec, dir + "/chart-" + m.name() + ".svg");
    }
}

}  // namespace

int cmd_backtest(const Args& args) {
    po::options_description opts(
        "ntmsim backtest AREA SCENARIO.yaml --observed FILE.csv --train-until YEAR -o OUTDIR\n\n"
        "Calibrates the scenario on the observed years up to YEAR (as `ntmsim calibrate`), "
        "forecasts the\n"
        "years after with the calibrated scenario, and scores the forecast against what was "
        "observed\n"
        "(absolute and relative error, 90% interval coverage, CRPS) beside two naive forecasts "
        "(last\n"
        "value carried forward, linear trend). Writes OUTDIR/: forecast.csv, scored.csv, "
        "skill.csv,\n"
        "fit.csv and profile.csv (the fit's parameters, status and profiles), calibrated.yaml, a "
        "fan chart\n"
        "per measure and a profile chart per parameter (PNG and SVG). docs/validation.md explains "
        "it.\n\n"
        "Keys for --fit: " +
        calibrate::param_help() + "\n\nOptions");
    FitArgs fa;
    std::string out;
    int until = 0, draws = 0, sets = 20;
    opts.add_options()("help,h", "show this help")(
        "train-until", po::value(&until),
        "calibrate on the observed years up to this one; forecast the rest")(
        "draws", po::value(&draws), "draws of the forecast (default: the scenario's)")(
        "parameter-sets", po::value(&sets),
        "parameter sets drawn around the fit, sharing the forecast's draws (default 20; 1: the fit "
        "only)")("output,o", po::value(&out), "output folder")("overwrite",
                                                               "replace an existing output folder");
    fa.add_options(opts, "fit-draws",
                   "parameters to fit (default: the scenario's calibration.fit, else "
                   "soft.lead_years funding.realisation)");
    po::variables_map vm;
    if (!parse_args(args, opts, "inputs", po::value<std::vector<std::string>>(), 2, vm))
        return kExitOk;
    const auto inputs = vm.count("inputs") ? vm["inputs"].as<std::vector<std::string>>()
                                           : std::vector<std::string>{};
    if (inputs.size() != 2)
        throw UsageError(
            "give the study area and one scenario: ntmsim backtest AREA SCENARIO.yaml --observed "
            "FILE ...");
    if (!vm.count("train-until"))
        throw UsageError("give the last year to calibrate on: --train-until YEAR");
    if (out.empty()) throw UsageError("give the output folder: -o OUTDIR");
    if (draws < 0) throw UsageError("--draws: positive");
    if (sets < 1) throw UsageError("--parameter-sets: at least 1");
    // The output is checked and locked before anything is read (core/output.h).
    check_output_apart(out, {inputs[0], inputs[1], fa.observed});
    const bool overwrite = vm.count("overwrite") > 0;
    const OutputReservation reserved(out, OutputKind::Folder, overwrite);
    fa.check_and_apply();
    // The period is checked before the area is loaded and measured.
    calibrate::check_train_until(scenario::load_scenario(inputs[1]), until);
    const auto in = load_calibration_inputs(inputs[0], inputs[1], fa.observed, fa.area_id, fa.keys,
                                            draws, {"soft.lead_years", "funding.realisation"});
    const auto& params = in->params;
    print_checks(*in, calibrate::training_rows(in->observed, in->area_id, until));
    calibrate::BacktestOptions options;
    options.train_until = until;
    options.area = in->area_id;
    options.fit = fa.fit_options();
    options.parameter_sets = static_cast<std::uint32_t>(sets);
    auto r = calibrate::backtest(in->model(), in->scenario, params, in->observed, options);
    print_fit(r.fit);
    print_forecasts(r, in->observed, in->area_id);
    const bool own =
        std::any_of(r.skill.begin(), r.skill.end(), [](const auto& row) { return !row.proxy; });
    const bool proxies =
        std::any_of(r.skill.begin(), r.skill.end(), [](const auto& row) { return row.proxy; });
    if (own)
        print_skill(
            r, false,
            "Skill against " + in->area_id + "'s own values after " + std::to_string(until) + ":");
    else
        std::printf("\nNo value of %s observed after %d in %s: nothing of its own to score.\n",
                    in->area_id.c_str(), until, fa.observed.c_str());
    if (proxies)
        print_skill(r, true,
                    "Skill against proxies (another area's shares and means, after " +
                        std::to_string(until) +
                        "; a different area, so a yardstick, not a verdict):");
    for (const auto& n : r.not_comparable)
        std::printf("not scored (a count of a different area): %s\n", n.c_str());

    // Everything goes into a folder beside the target, renamed into place when complete.
    {
        StagedOutput staged(out, OutputKind::Folder, overwrite);
        write_outputs(r, in->observed, in->area_id, staged.path());
        write_fit_files(r.fit, staged.path() + "/");
        r.calibrated.name = in->scenario.name + " (calibrated to " + in->area_id + " up to " +
                            std::to_string(until) + ")";
        calibrate::write_calibrated_scenario(staged.path("calibrated.yaml"), inputs[1],
                                             r.calibrated, params, fit_header(r.fit, *in, until),
                                             false);
        staged.commit();
    }
    std::printf(
        "\nbacktest written to %s/ (forecast.csv, scored.csv, skill.csv, fit.csv, profile.csv, "
        "calibrated.yaml,\n"
        "chart-*.png/svg, profile-*.png/svg)\n%s\n",
        out.c_str(), fit_verdict(r.fit).c_str());
    return kExitOk;
}

}  // namespace ntm::cli
