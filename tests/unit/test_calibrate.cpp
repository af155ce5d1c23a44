// Calibration and backtests: skill scores against hand-computed values, the observed-progress
// reader's messages, and a fit that recovers parameters the engine itself simulated.
#include <gtest/gtest.h>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "calibrate/backtest.h"
#include "calibrate/fit.h"
#include "calibrate/observed.h"
#include "calibrate/params.h"
#include "calibrate/priors.h"
#include "calibrate/skill.h"
#include "core/error.h"
#include "criteria/criteria_set.h"
#include "indicators/measure.h"
#include "io/load.h"
#include "synth/recipe.h"
#include "test_paths.h"

namespace ntm {
namespace {

namespace fs = std::filesystem;
using namespace calibrate;

TEST(Skill, QuantileInterpolatesBetweenOrderStatistics) {
    // Sorted {1, 2, 3, 4}: position (n − 1)q = 3q.
    EXPECT_DOUBLE_EQ(quantile({4, 1, 3, 2}, 0.5), 2.5);    // 1.5: halfway between 2 and 3
    EXPECT_DOUBLE_EQ(quantile({4, 1, 3, 2}, 0.05), 1.15);  // 0.15
    EXPECT_DOUBLE_EQ(quantile({4, 1, 3, 2}, 0.95), 3.85);  // 2.85
    EXPECT_DOUBLE_EQ(quantile({7}, 0.95), 7);
    EXPECT_THROW(quantile({}, 0.5), Error);
}

TEST(Skill, CrpsOfAnEnsembleByHand) {
    // {1, 2, 4} against 3: E|X − 3| = (2 + 1 + 1) / 3 = 4/3; E|X − X'| over the 9 ordered pairs
    // = 2 × (1 + 3 + 2) / 9 = 4/3; CRPS = 4/3 − 2/3 = 2/3. The same by the integral
    // ∫ (F(x) − 1{x ≥ 3})² dx = (1/3)² + (2/3)² + (1/3)² = 6/9 over [1,2), [2,3), [3,4).
    EXPECT_NEAR(crps({1, 2, 4}, 3), 2.0 / 3.0, 1e-12);
    EXPECT_NEAR(crps({4, 1, 2}, 3), 2.0 / 3.0, 1e-12);  // order does not matter
    // One member: the absolute error.
    EXPECT_DOUBLE_EQ(crps({5}, 3), 2);
    // {0, 10} against 5: 5 − ½ × (0 + 10 + 10 + 0) / 4 = 2.5.
    EXPECT_DOUBLE_EQ(crps({0, 10}, 5), 2.5);
    // {0, 10} against 0: 5 − 2.5.
    EXPECT_DOUBLE_EQ(crps({0, 10}, 0), 2.5);
}

TEST(Skill, RelativeErrorAndNaiveForecastsByHand) {
    EXPECT_DOUBLE_EQ(*relative_error(12, 10), 0.2);
    EXPECT_DOUBLE_EQ(*relative_error(8, 10), 0.2);
    EXPECT_FALSE(relative_error(3, 0));

    const std::vector<YearValue> h = {{2013, 7.7}, {2010, 4.1}, {2014, 10.4}};
    EXPECT_DOUBLE_EQ(*last_value(h, 2015), 10.4);
    EXPECT_DOUBLE_EQ(*last_value(h, 2014), 7.7);  // only years before the forecast year
    EXPECT_FALSE(last_value(h, 2010));
    // Least squares through (2010, 4.1), (2013, 7.7), (2014, 10.4): mean year 2012⅓, mean 7.4,
    // Sxx = 26/3, Sxy = 12.9, slope 38.7/26; at 2015: 7.4 + 38.7/26 × 8/3.
    EXPECT_NEAR(*linear_trend(h, 2015), 7.4 + 38.7 / 26 * 8.0 / 3.0, 1e-9);
    EXPECT_NEAR(*linear_trend({{2010, 0}, {2014, 26}}, 2015), 32.5, 1e-12);
    EXPECT_FALSE(linear_trend({{2010, 0}}, 2015));
    EXPECT_FALSE(linear_trend({{2010, 0}, {2010, 3}}, 2015));  // one year: no slope
    // Kept within what a count can be: 72 → 0 communes over 4 years falls to −18 a year later.
    EXPECT_NEAR(*linear_trend({{2010, 72}, {2014, 0}}, 2015), -18.0, 1e-12);
    EXPECT_EQ(*linear_trend({{2010, 72}, {2014, 0}}, 2015, 0.0, 235.0), 0.0);
    EXPECT_EQ(*linear_trend({{2010, 0.5}, {2014, 0.9}}, 2020, 0.0, 1.0), 1.0);
}

TEST(Skill, SummariesAverageOverScoredValues) {
    Scored a, b;
    a.observed.value = 10;
    a.model = {12, 8, 14, 1.5};
    a.covered = true;
    a.last = 9;
    a.trend = 13;
    b.observed.value = 20;
    b.model = {15, 14, 18, 4};
    b.covered = false;
    b.last = 20;
    const std::vector<Scored> s = {a, b};
    const auto m = summarise(s, 0);
    EXPECT_EQ(m.points, 2);
    EXPECT_DOUBLE_EQ(m.mean_abs_error, 3.5);     // (2 + 5) / 2
    EXPECT_DOUBLE_EQ(*m.mean_rel_error, 0.225);  // (0.2 + 0.25) / 2
    EXPECT_DOUBLE_EQ(*m.coverage, 0.5);
    EXPECT_DOUBLE_EQ(m.mean_crps, 2.75);
    const auto l = summarise(s, 1);
    EXPECT_EQ(l.points, 2);
    EXPECT_DOUBLE_EQ(l.mean_abs_error, 0.5);
    EXPECT_DOUBLE_EQ(*l.mean_rel_error, 0.05);
    EXPECT_DOUBLE_EQ(l.mean_crps, 0.5);  // a point forecast's CRPS is its absolute error
    EXPECT_FALSE(l.coverage);
    const auto t = summarise(s, 2);
    EXPECT_EQ(t.points, 1);  // no trend for the second value
    EXPECT_DOUBLE_EQ(t.mean_abs_error, 3);
}

// --- the observed-progress file ----------------------------------------------------------------

std::string write_csv(const std::string& name, const std::string& text) {
    const auto dir = fs::temp_directory_path() / ("ntm-calibrate-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const auto path = (dir / name).string();
    std::ofstream(path) << text;
    return path;
}

std::string read_error(const std::string& text) {
    try {
        read_observed(write_csv("bad.csv", text));
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}

TEST(Observed, ReadsRowsAndMeasures) {
    const auto path = write_csv("ok.csv",
                                "area,year,measure,value,source\n"
                                "hatinh,2010,mean_met,4.1,report\n"
                                "hatinh,2014,at_standard,26,\n"
                                "hatinh,2010,met_5_9,144,\"a, quoted\"\n"
                                "national,2015,share_at_standard,0.197,x\n"
                                "hatinh,2014,criterion_2,30,x\n");
    const auto o = read_observed(path);
    ASSERT_EQ(o.rows.size(), 5u);
    EXPECT_EQ(o.rows[0].measure.kind, Measure::Kind::MeanMet);
    EXPECT_DOUBLE_EQ(o.rows[0].value, 4.1);
    EXPECT_EQ(o.rows[0].line, 2);
    EXPECT_EQ(o.rows[1].measure.kind, Measure::Kind::AtStandard);
    EXPECT_EQ(o.rows[2].measure.low, 5);
    EXPECT_EQ(o.rows[2].measure.high, 9);
    EXPECT_EQ(o.rows[2].source, "a, quoted");
    EXPECT_TRUE(o.rows[3].measure.share);
    EXPECT_EQ(o.rows[3].measure.name(), "share_at_standard");
    EXPECT_EQ(o.rows[4].measure.criterion, "2");
    EXPECT_EQ(o.areas(), (std::vector<std::string>{"hatinh", "national"}));
}

TEST(Observed, AMonthIsTheEndOfThatMonth) {
    const auto o = read_observed(write_csv("month.csv",
                                           "area,year,measure,value\n"
                                           "national,2015,at_standard,1761\n"
                                           "national,2016-09,at_standard,2045\n"
                                           "national,2016-09,share_at_standard,0.23\n"));
    ASSERT_EQ(o.rows.size(), 3u);
    EXPECT_EQ(o.rows[0].month, 12);
    EXPECT_DOUBLE_EQ(o.rows[0].time(), 2015.0);
    EXPECT_EQ(o.rows[1].year, 2016);
    EXPECT_EQ(o.rows[1].month, 9);
    EXPECT_DOUBLE_EQ(o.rows[1].time(), 2015.75);  // three quarters of the way from the end of 2015
    EXPECT_EQ(o.rows[1].when(), "2016-09");
    auto e = read_error("area,year,measure,value\nh,2016-13,mean_met,4\n");
    EXPECT_NE(e.find("field 'year'"), std::string::npos) << e;
    e = read_error("area,year,measure,value\nh,2016-09,mean_met,4\nh,2016-09,mean_met,5\n");
    EXPECT_NE(e.find("given twice"), std::string::npos) << e;
    // A count and its share at the same time are one moment: fitted once, as the share.
    const auto targets = fit_targets(o.rows, 2011);
    ASSERT_EQ(targets.size(), 2u);
    EXPECT_TRUE(targets[1].measure.share);
    EXPECT_EQ(targets[1].month, 9);
}

TEST(Observed, ErrorsNameFileLineAndField) {
    const std::string head = "area,year,measure,value\n";
    auto e = read_error(head + "h,2010,mean_met,4.1\nh,2011,criteria_met,3\n");
    EXPECT_NE(e.find("line 3, field 'measure'"), std::string::npos) << e;
    EXPECT_NE(e.find("unknown measure 'criteria_met'"), std::string::npos) << e;
    e = read_error(head + "h,2010,mean_met,four\n");
    EXPECT_NE(e.find("line 2, field 'value'"), std::string::npos) << e;
    e = read_error(head + "h,2010,share_at_standard,19.7\n");
    EXPECT_NE(e.find("between 0 and 1"), std::string::npos) << e;
    e = read_error(head + "h,2010.5,mean_met,4\n");
    EXPECT_NE(e.find("field 'year'"), std::string::npos) << e;
    e = read_error(head + "h,2010,mean_met,4\nh,2010,mean_met,5\n");
    EXPECT_NE(e.find("line 3"), std::string::npos) << e;
    EXPECT_NE(e.find("given twice"), std::string::npos) << e;
    e = read_error(head + "h,2010,mean_met,\n");
    EXPECT_NE(e.find("field 'value': empty"), std::string::npos) << e;
    e = read_error("area,year,value\nh,2010,4\n");
    EXPECT_NE(e.find("no 'measure' column"), std::string::npos) << e;
    e = read_error(head + "h,2010,met_9_5,4\n");
    EXPECT_NE(e.find("unknown measure"), std::string::npos) << e;
}

// --- parameters and the calibrated file ----------------------------------------------------------

scenario::Scenario canloc_baseline() {
    return scenario::load_scenario(std::string(test::kSourceDir) +
                                   "/scenarios/canloc/baseline.yaml");
}

TEST(Params, KeysSetTheScenario) {
    const auto base = canloc_baseline();
    const std::vector<Param> ps = {
        parse_param("soft.lead_years", base), parse_param("funding.realisation=0.1:1.5", base),
        parse_param("participation", base), parse_param("soft.13.background", base)};
    EXPECT_DOUBLE_EQ(ps[1].low, 0.1);
    EXPECT_DOUBLE_EQ(ps[1].high, 1.5);
    const auto s = with_params(base, ps, {3.5, 0.5, 0.4, 0.02});
    EXPECT_NEAR(s.soft_default.lead_years.expected(), 3.5, 1e-12);
    EXPECT_DOUBLE_EQ(s.programme("13").background, 0.02);
    EXPECT_DOUBLE_EQ(s.programme("13").cost_bn, base.programme("13").cost_bn);
    for (std::size_t i = 0; i < s.funding.size(); ++i) {
        const auto src = s.funding[i].source;
        if (src == scenario::Source::People) {
            EXPECT_NEAR(s.funding[i].participation.expected(), 0.4, 1e-12);
        } else if (src == scenario::Source::Credit) {
            EXPECT_DOUBLE_EQ(s.funding[i].amount, base.funding[i].amount);  // not a pooled source
        } else {
            EXPECT_DOUBLE_EQ(s.funding[i].amount, 0.5 * base.funding[i].amount);
        }
    }
    EXPECT_THROW(parse_param("soft.bse", base), UsageError);
    EXPECT_THROW(parse_param("soft.lead_years=5:2", base), UsageError);
    EXPECT_THROW(parse_param("soft.base", base), UsageError);  // the yearly-chance model is gone
    EXPECT_THROW(parse_param("income.growth", base),
                 UsageError);  // the baseline has no income model
}

// The bundled Can Lộc area: a small area the engine simulates in milliseconds per draw.
class Recovery : public ::testing::Test {
 protected:
    static void SetUpTestSuite() {
        s = new State;
        s->loaded = io::load_study_area(std::string(test::kSourceDir) + "/datasets/canloc");
        s->measures = indicators::measure_area(s->loaded.area);
        s->set = criteria::load_criteria_set("hatinh-2017");
    }
    static void TearDownTestSuite() { delete s; }
    static Model model() { return {&s->loaded.area, &s->measures, &s->set, s->loaded.area.layers}; }
    struct State {
        io::LoadResult loaded;
        indicators::AreaMeasures measures;
        criteria::CriteriaSet set;
    };
    static State* s;
};
Recovery::State* Recovery::s = nullptr;

// Data the engine itself simulated with known parameters (one draw, from another seed: one
// possible history), then fitted: the truth lies within the reported uncertainty.
TEST_F(Recovery, FitRecoversKnownParametersWithinTheirUncertainty) {
    auto base = canloc_baseline();
    base.end = 2022;
    const std::vector<Param> params = {parse_param("soft.background", base),
                                       parse_param("funding.realisation", base)};
    const std::vector<double> truth = {0.3, 0.6};
    auto truth_scenario = with_params(base, params, truth);
    truth_scenario.seed = 99;  // the "observed" history is not one of the fit's draws
    std::vector<calibrate::Point> points;
    Measure at, mean, low;
    ASSERT_TRUE(parse_measure("at_standard", at));
    ASSERT_TRUE(parse_measure("mean_met", mean));
    ASSERT_TRUE(parse_measure("met_0_14", low));
    for (const int y : {2018, 2020, 2022})
        for (const auto& m : {at, mean, low}) points.push_back({m, y});
    const auto history = run_points(model(), truth_scenario, points, 1, 2022);
    std::vector<Observation> observed;
    for (std::size_t p = 0; p < points.size(); ++p)
        observed.push_back(
            {"canloc", points[p].year, points[p].measure, history.values[p], "simulated", 0});

    FitOptions options;
    options.draws = 100;
    options.max_evaluations = 100;
    options.profile_points = 0;
    const auto f = fit(model(), base, params, observed, options);
    ASSERT_TRUE(f.identified);
    for (std::size_t i = 0; i < params.size(); ++i) {
        SCOPED_TRACE(params[i].key);
        EXPECT_TRUE(std::isfinite(f.se[i]));
        // Within the reported 95% interval, and the interval says something (narrower than the
        // truth).
        EXPECT_LE(std::abs(f.values[i] - truth[i]), 1.96 * f.se[i])
            << "fitted " << f.values[i] << " se " << f.se[i];
        EXPECT_LT(f.se[i], 0.5 * truth[i]);
    }

    // The calibrated file loads and reproduces the fit exactly (same seed, same draws).
    const auto dir = fs::temp_directory_path() / ("ntm-calibrated-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const auto out = (dir / "calibrated.yaml").string();
    write_calibrated_scenario(out, base.path, with_params(base, params, f.values), params, {"test"},
                              true);
    auto loaded = scenario::load_scenario(out);
    loaded.end = base.end;  // the test cut the period; the file keeps the parent's
    for (std::size_t i = 0; i < params.size(); ++i)
        EXPECT_DOUBLE_EQ(param_value(loaded, params[i].key),
                         params[i].key == "funding.realisation" ? 1.0 : f.values[i]);
    std::vector<calibrate::Point> targets;
    for (const auto& o : observed) targets.push_back({o.measure, o.year});
    const auto again = run_points(model(), loaded, targets, options.draws, 2022);
    for (std::size_t i = 0; i < targets.size(); ++i) EXPECT_EQ(again.mean(i), f.simulated[i]) << i;
    fs::remove_all(dir);
}

TEST_F(Recovery, EnsembleIsTheSameForAnyThreadCount) {
    const auto base = canloc_baseline();
    Measure mean;
    ASSERT_TRUE(parse_measure("mean_met", mean));
    const std::vector<calibrate::Point> points = {{mean, 2016}, {mean, 2019}, {mean, 2025}};
    omp_set_num_threads(1);
    const auto one = run_points(model(), base, points, 30, 2025);
    omp_set_num_threads(3);
    const auto three = run_points(model(), base, points, 30, 2025);
    EXPECT_EQ(one.values, three.values);
    // The starting state (2016, the year before the period) is every draw's.
    const auto start = one.column(0);
    EXPECT_TRUE(std::all_of(start.begin(), start.end(), [&](double v) { return v == start[0]; }));
    EXPECT_GT(one.covariance(2, 2), 0);  // 2025 differs between draws
}

// A value within a year lies on the straight line between the year ends, draw by draw.
TEST_F(Recovery, AMonthIsInterpolatedBetweenYearEnds) {
    const auto base = canloc_baseline();
    Measure at;
    ASSERT_TRUE(parse_measure("at_standard", at));
    const std::vector<calibrate::Point> points = {{at, 2019, 12}, {at, 2020, 12}, {at, 2020, 9}};
    const auto e = run_points(model(), base, points, 20, 2020);
    for (std::uint32_t d = 0; d < e.draws; ++d) {
        const auto v = [&](std::size_t p) { return e.values[d * points.size() + p]; };
        EXPECT_DOUBLE_EQ(v(2), 0.25 * v(0) + 0.75 * v(1));
    }
    // March 2017: a quarter of the way from the end of 2016 (the starting state) to the end of
    // 2017.
    const std::vector<calibrate::Point> early = {{at, 2016, 12}, {at, 2017, 12}, {at, 2017, 3}};
    const auto f = run_points(model(), base, early, 5, 2017);
    for (std::uint32_t d = 0; d < f.draws; ++d)
        EXPECT_DOUBLE_EQ(f.values[d * 3 + 2], 0.75 * f.values[d * 3] + 0.25 * f.values[d * 3 + 1]);
}

// Priors: −2 log density, 0 at the mode, on the scale of Σz².
TEST(Priors, PenaltiesByHand) {
    Prior n;
    n.kind = Prior::Kind::Normal;
    n.mean = 0.3;
    n.sd = 0.1;
    EXPECT_NEAR(n.penalty(0.3), 0, 1e-12);
    EXPECT_NEAR(n.penalty(0.5), 4, 1e-12);  // two sds: z² = 4
    EXPECT_NEAR(n.variance(), 0.01, 1e-15);
    Prior b;
    b.kind = Prior::Kind::Beta;
    b.mean = 0.25;
    b.sd = std::sqrt(0.25 * 0.75 /
                     9);  // α + β = mean (1 − mean) / sd² − 1 = 8: α = 2, β = 6, mode 1/6
    // −2 log p = −2 (1 · log x + 5 · log(1 − x)) + const, 0 at x = 1/6.
    auto raw = [](double x) { return -2 * (std::log(x) + 5 * std::log(1 - x)); };
    EXPECT_NEAR(b.penalty(1.0 / 6), 0, 1e-12);
    EXPECT_NEAR(b.penalty(0.4), raw(0.4) - raw(1.0 / 6), 1e-12);
    EXPECT_TRUE(std::isinf(b.penalty(0)));
    Prior l;
    l.kind = Prior::Kind::Lognormal;
    l.mean = 1;
    l.sd = 0.3;
    // log x ~ N(−0.045, 0.09); −2 log p = z² + 2 log x, smallest at exp(μ − σ²).
    const double mode = std::exp(-0.045 - 0.09);
    EXPECT_NEAR(l.penalty(mode), 0, 1e-12);
    EXPECT_GT(l.penalty(0.5), 0);
    EXPECT_GT(l.penalty(2), 0);
    EXPECT_NEAR(l.variance(), std::exp(0.09) - 1, 1e-12);
    EXPECT_EQ(Prior{}.penalty(123), 0);  // flat
}

std::string scenario_with(const std::string& name, const std::string& block) {
    const auto dir = fs::temp_directory_path() / ("ntm-priors-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const auto path = (dir / name).string();
    std::ofstream(path) << "extends: " << std::string(test::kSourceDir)
                        << "/scenarios/canloc/baseline.yaml\n"
                        << block;
    return path;
}

TEST(Priors, TheCalibrationBlockIsReadAndChecked) {
    const auto path = scenario_with(
        "ok.yaml",
        "calibration:\n"
        "  fit: [soft.background, funding.realisation]\n"
        "  priors:\n"
        "    soft.background: {beta: {mean: 0.2, sd: 0.1}, bounds: [0.01, 0.8], source: "
        "\"[assumption]\"}\n"
        "    funding.realisation: {lognormal: {mean: 1, sd: 0.3}, source: \"DOMAIN §4\"}\n");
    const auto s = scenario::load_scenario(path);
    const auto spec = read_calibration(s);
    EXPECT_EQ(spec.fit, (std::vector<std::string>{"soft.background", "funding.realisation"}));
    const auto p = parse_param("soft.background", s, spec);
    EXPECT_EQ(p.prior.kind, Prior::Kind::Beta);
    EXPECT_DOUBLE_EQ(p.low, 0.01);
    EXPECT_DOUBLE_EQ(p.high, 0.8);
    EXPECT_EQ(parse_param("soft.background=0.05:0.5", s, spec).low,
              0.05);  // the command line's bounds win
    EXPECT_DOUBLE_EQ(parse_param("funding.realisation", s, spec).high, 2);  // no bounds: the key's
    auto error = [](const std::string& block) {
        try {
            read_calibration(scenario::load_scenario(scenario_with("bad.yaml", block)));
        } catch (const ConfigError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    auto e = error("calibration:\n  priors:\n    soft.background: {beta: {mean: 0.2, sd: 0.1}}\n");
    EXPECT_NE(e.find("names its source"), std::string::npos) << e;
    EXPECT_NE(e.find("bad.yaml, line 4"), std::string::npos) << e;  // the line of soft.background
    e = error(
        "calibration:\n  priors:\n    soft.background: {beta: {mean: 0.2, sd: 0.5}, source: x}\n");
    EXPECT_NE(e.find("sd"), std::string::npos) << e;
    e = error(
        "calibration:\n  priors:\n    soft.background: {normal: {mean: 0.9, sd: 0.1}, bounds: [0, "
        "0.5], source: x}\n");
    EXPECT_NE(e.find("outside its bounds"), std::string::npos) << e;
    e = error("calibration:\n  prior: {}\n");
    EXPECT_NE(e.find("unknown key"), std::string::npos) << e;
    const auto unknown = read_calibration(scenario::load_scenario(scenario_with(
        "unknown.yaml",
        "calibration:\n  priors:\n    soft.bse: {normal: {mean: 0.2, sd: 0.1}, source: x}\n")));
    EXPECT_THROW(check_prior_keys(unknown, s), ConfigError);
}

// Data the engine simulated with known parameters, fitted with priors centred away from the
// truth: the data pull the fit to the truth, within the reported interval, none on a bound.
TEST_F(Recovery, FitWithPriorsRecoversKnownParameters) {
    auto base = canloc_baseline();
    base.end = 2022;
    auto params = std::vector<Param>{parse_param("soft.background", base),
                                     parse_param("funding.realisation", base)};
    params[0].prior = {Prior::Kind::Beta, 0.2, 0.1, "test", ""};
    params[1].prior = {Prior::Kind::Lognormal, 1.0, 0.4, "test", ""};
    const std::vector<double> truth = {0.10, 0.6};
    auto truth_scenario = with_params(base, params, truth);
    truth_scenario.seed = 99;
    Measure at, mean, low;
    ASSERT_TRUE(parse_measure("at_standard", at));
    ASSERT_TRUE(parse_measure("mean_met", mean));
    ASSERT_TRUE(parse_measure("met_0_14", low));
    std::vector<calibrate::Point> points;
    for (const int y : {2018, 2020, 2022})
        for (const auto& m : {at, mean, low}) points.push_back({m, y});
    const auto history = run_points(model(), truth_scenario, points, 1, 2022);
    std::vector<Observation> observed;
    for (std::size_t p = 0; p < points.size(); ++p)
        observed.push_back(
            {"canloc", points[p].year, points[p].measure, history.values[p], "simulated", 0});
    FitOptions options;
    options.draws = 60;
    options.max_evaluations = 100;
    options.profile_points = 0;
    const auto f = fit(model(), base, params, observed, options);
    EXPECT_FALSE(f.failed) << (f.failures.empty() ? "" : f.failures[0]);
    EXPECT_GT(f.design_points, 0);
    EXPECT_FALSE(f.local_minima.empty());
    for (std::size_t i = 0; i < params.size(); ++i) {
        SCOPED_TRACE(params[i].key);
        ASSERT_TRUE(std::isfinite(f.se[i]));
        EXPECT_LE(std::abs(f.values[i] - truth[i]), 1.96 * f.se[i])
            << "fitted " << f.values[i] << " sd " << f.se[i];
        // Narrower than the prior: the data inform it.
        EXPECT_LT(f.se[i], std::sqrt(params[i].prior.variance()));
    }
    EXPECT_NEAR(f.objective, f.data_objective + f.prior_objective, 1e-9);
}

// The same history, with bounds that exclude the truth: the fit ends on the bound, and says it
// failed.
TEST_F(Recovery, AFitOnItsBoundIsReportedAsFailed) {
    auto base = canloc_baseline();
    base.end = 2020;
    const std::vector<Param> truth_params = {parse_param("soft.background", base)};
    auto truth_scenario = with_params(base, truth_params, {0.05});
    truth_scenario.seed = 99;
    Measure mean;
    ASSERT_TRUE(parse_measure("mean_met", mean));
    const std::vector<calibrate::Point> points = {{mean, 2018}, {mean, 2020}};
    const auto history = run_points(model(), truth_scenario, points, 1, 2020);
    std::vector<Observation> observed;
    for (std::size_t p = 0; p < points.size(); ++p)
        observed.push_back(
            {"canloc", points[p].year, points[p].measure, history.values[p], "simulated", 0});
    FitOptions options;
    options.draws = 40;
    options.max_evaluations = 60;
    options.profile_points = 5;
    const auto f =
        fit(model(), base, {parse_param("soft.background=0.4:0.9", base)}, observed, options);
    EXPECT_TRUE(f.failed);
    EXPECT_EQ(f.on_bound[0], -1);
    ASSERT_EQ(f.failures.size(), 1u);
    EXPECT_NE(f.failures[0].find("soft.background"), std::string::npos) << f.failures[0];
    EXPECT_NE(f.failures[0].find("lower bound"), std::string::npos) << f.failures[0];
    EXPECT_NEAR(f.values[0], 0.4, 0.01 * 0.5);
}

// Two observed values, three parameters: without priors refused; with them the fit is finite and
// inside its bounds, and a parameter the data do not move stays at its prior's mode.
TEST_F(Recovery, PriorsLetTwoObservationsFitThreeParameters) {
    auto base = canloc_baseline();
    base.end = 2020;
    Measure at, mean;
    ASSERT_TRUE(parse_measure("at_standard", at));
    ASSERT_TRUE(parse_measure("mean_met", mean));
    // A little above what the baseline itself gives for 2020 (4.2 communes at the standard, 14.0
    // criteria met on average, 200 draws), so the fit moves its parameters inside their bounds.
    const std::vector<Observation> observed = {{"canloc", 2020, at, 5, "test", 0},
                                               {"canloc", 2020, mean, 15, "test", 0}};
    std::vector<Param> params = {parse_param("soft.background", base),
                                 parse_param("soft.cost", base),
                                 parse_param("funding.realisation", base)};
    FitOptions options;
    options.draws = 40;
    options.max_evaluations = 120;
    options.profile_points = 0;
    EXPECT_THROW(fit(model(), base, params, observed, options), UsageError);
    params[0].prior = {Prior::Kind::Beta, 0.15, 0.08, "test", ""};
    params[1].prior = {Prior::Kind::Beta, 0.02, 0.01, "test", ""};
    params[2].prior = {Prior::Kind::Lognormal, 1.0, 0.3, "test", ""};
    const auto f = fit(model(), base, params, observed, options);
    EXPECT_TRUE(f.identified);
    EXPECT_FALSE(f.failed) << (f.failures.empty() ? "" : f.failures[0]);
    for (std::size_t i = 0; i < params.size(); ++i) {
        SCOPED_TRACE(params[i].key);
        EXPECT_TRUE(std::isfinite(f.values[i]));
        EXPECT_TRUE(std::isfinite(f.se[i]));
        EXPECT_GT(f.values[i], params[i].low);
        EXPECT_LT(f.values[i], params[i].high);
        // No wider than the prior: two observations can only add information.
        EXPECT_LE(f.se[i], 1.0001 * std::sqrt(params[i].prior.variance()));
    }
}

// A parameter the observations do not respond to (the programme of criterion 1, planning, which
// every Can Lộc commune meets at the start) with a normal prior: its profile is the prior's
// parabola ((x − 0.3) / 0.05)², its fit the prior's mean, its intervals the prior's 0.3 ± 1.645 ×
// 0.05 (ΔQ = 2.706 = 1.645²).
TEST_F(Recovery, ProfileAroundAKnownOptimum) {
    auto base = canloc_baseline();
    base.end = 2020;
    Measure mean;
    ASSERT_TRUE(parse_measure("mean_met", mean));
    const std::vector<Observation> observed = {{"canloc", 2019, mean, 15, "test", 0},
                                               {"canloc", 2020, mean, 16, "test", 0}};
    std::vector<Param> params = {parse_param("soft.background", base),
                                 parse_param("soft.1.background", base)};
    params[1].prior = {Prior::Kind::Normal, 0.3, 0.05, "test", ""};
    FitOptions options;
    options.draws = 40;
    options.max_evaluations = 150;
    options.profile_points = 41;
    options.xtol = 1e-5;
    const auto f = fit(model(), base, params, observed, options);
    EXPECT_FALSE(f.data_informed[1]);
    EXPECT_TRUE(f.data_informed[0]);
    EXPECT_NEAR(f.values[1], 0.3, 0.003);
    EXPECT_NEAR(f.se[1], 0.05, 1e-6);
    const auto& prof = f.profiles[1];
    ASSERT_GE(prof.size(), 41u);
    for (const auto& p : prof) {
        const double z = (p.value - 0.3) / 0.05, z0 = (f.values[1] - 0.3) / 0.05;
        EXPECT_NEAR(p.objective - f.objective, z * z - z0 * z0, 1e-9) << p.value;
        EXPECT_NEAR(p.data, f.data_objective, 1e-12);  // the data do not see it
    }
    EXPECT_NEAR(f.profile_low[1], 0.3 - 1.645 * 0.05, 0.003);
    EXPECT_NEAR(f.profile_high[1], 0.3 + 1.645 * 0.05, 0.003);
    // Along the data-informed parameter the fit is the lowest point of its profile (within the
    // step noise of common random numbers).
    for (const auto& p : f.profiles[0]) EXPECT_GE(p.objective, f.objective - 0.5) << p.value;
}

TEST(ParameterDraws, FollowTheFitsNormalApproximation) {
    FitResult f;
    f.params = {{"a", 0, 10}, {"b", -5, 5}, {"c", 0, 1}};
    f.values = {5, 0, 0.5};
    f.se = {1.0, 0.5, std::numeric_limits<double>::infinity()};  // c: not identified
    f.correlation = {{1, -0.6, NAN}, {-0.6, 1, NAN}, {NAN, NAN, NAN}};
    const auto sets = parameter_draws(f, 4001, 7);
    EXPECT_EQ(sets[0], f.values);  // set 0 is the fit
    double ma = 0, mb = 0;
    for (const auto& x : sets) {
        ma += x[0];
        mb += x[1];
        EXPECT_EQ(x[2], 0.5);  // not identified: never moved
    }
    ma /= 4001;
    mb /= 4001;
    double va = 0, vb = 0, cab = 0;
    for (const auto& x : sets) {
        va += (x[0] - ma) * (x[0] - ma);
        vb += (x[1] - mb) * (x[1] - mb);
        cab += (x[0] - ma) * (x[1] - mb);
    }
    va /= 4000;
    vb /= 4000;
    cab /= 4000;
    // Means within 4 standard errors of a mean over 4,000 draws; sd and correlation within ~10%.
    EXPECT_NEAR(ma, 5, 4 * 1.0 / std::sqrt(4000.0));
    EXPECT_NEAR(mb, 0, 4 * 0.5 / std::sqrt(4000.0));
    EXPECT_NEAR(std::sqrt(va), 1.0, 0.05);
    EXPECT_NEAR(std::sqrt(vb), 0.5, 0.025);
    EXPECT_NEAR(cab / std::sqrt(va * vb), -0.6, 0.05);
    EXPECT_EQ(parameter_draws(f, 5, 7), parameter_draws(f, 5, 7));
}

// The national-like area's recipe: 9,000 communes whose designed criteria met average exactly
// 4.7 (the national 2010 mean, DOMAIN §6), none meeting all 19 of vn-2009, with a spread. That
// `ntmsim assess` reproduces the design is checked in datasets/national-2010/README.md (minutes).
TEST(NationalArea, RecipeHasTheNational2010Mean) {
    const auto r =
        synth::load_recipe(std::string(test::kSourceDir) + "/datasets/national-2010/recipe.yaml");
    ASSERT_EQ(r.commune_list.size(), 9000u);
    long total = 0;
    int best = 0, worst = 19;
    for (const auto& c : r.commune_list) {
        ASSERT_TRUE(c.met) << c.code;
        const int k = static_cast<int>(std::count(c.met->begin() + 1, c.met->end(), true));
        total += k;
        best = std::max(best, k);
        worst = std::min(worst, k);
    }
    EXPECT_EQ(total, 42300);  // 9,000 × 4.7
    EXPECT_EQ(best, 15);
    EXPECT_EQ(worst, 0);
}

TEST(Backtest, NoYearLeftToForecastIsRefused) {
    auto s = canloc_baseline();
    try {
        check_train_until(s, 2025);
        FAIL() << "accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("no years left to forecast"), std::string::npos)
            << e.what();
    }
    EXPECT_NO_THROW(check_train_until(s, 2024));
    EXPECT_THROW(check_train_until(s, 2010), InputError);
}

}  // namespace
}  // namespace ntm
