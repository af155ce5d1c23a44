// `ntmsim calibrate` and `ntmsim backtest` end to end on the bundled Can Lộc area.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "scenario/scenario.h"
#include "support/run.h"
#include "test_paths.h"

namespace ntm {
namespace {

using test::quote;
using test::run;
namespace fs = std::filesystem;

std::string ntmsim(const std::string& args) { return std::string(test::kNtmsim) + " " + args; }

struct Dir {
    fs::path path = fs::temp_directory_path() / ("ntm-calibrate-cli-" + std::to_string(::getpid()));
    Dir() { fs::create_directories(path); }
    ~Dir() { fs::remove_all(path); }
};

std::string observed_file(const Dir& d) {
    const auto p = (d.path / "observed.csv").string();
    std::ofstream(p) << "area,year,measure,value,source\n"
                        "canloc,2017,communes,22,test\n"
                        "canloc,2018,mean_met,13.5,test\n"
                        "canloc,2019,at_standard,4,test\n"
                        "canloc,2019,mean_met,15,test\n"
                        "canloc,2021,at_standard,9,test\n";
    return p;
}

TEST(BacktestCli, NoYearLeftToForecastIsRefused) {
    Dir d;
    const std::string src = test::kSourceDir;
    const auto out = (d.path / "bt").string();
    // The Can Lộc baseline ends in 2025: nothing is left to forecast after it.
    const auto r =
        run(ntmsim("backtest " + quote(src + "/datasets/canloc") + " " +
                   quote(src + "/scenarios/canloc/baseline.yaml") + " --observed " +
                   quote(observed_file(d)) + " --train-until 2025 -o " + quote(out) + " 2>&1"));
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_NE(r.out.find("no years left to forecast"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("ends in 2025"), std::string::npos) << r.out;
    EXPECT_FALSE(fs::exists(out));
}

TEST(CalibrateCli, WritesACalibratedScenarioThatLoads) {
    Dir d;
    const std::string src = test::kSourceDir;
    const auto out = (d.path / "calibrated.yaml").string();
    const auto r = run(ntmsim(
        "calibrate " + quote(src + "/datasets/canloc") + " " +
        quote(src + "/scenarios/canloc/baseline.yaml") + " --observed " + quote(observed_file(d)) +
        " --fit soft.lead_years=1:6 --until 2019 --draws 40 -o " + quote(out)));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("soft.lead_years"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("90% (posterior)"), std::string::npos) << r.out;
    // The verdict, in so many words, and the fit's files beside the scenario.
    EXPECT_TRUE(r.out.find("Fit OK") != std::string::npos ||
                r.out.find("FIT FAILED") != std::string::npos)
        << r.out;
    EXPECT_TRUE(fs::exists(d.path / "calibrated-fit.csv"));
    EXPECT_TRUE(fs::exists(d.path / "calibrated-profile.csv"));
    EXPECT_TRUE(fs::exists(d.path / "calibrated-profile-soft.lead_years.png"));
    // The commune count is checked, not fitted.
    EXPECT_NE(r.out.find("communes"), std::string::npos) << r.out;
    const auto s = scenario::load_scenario(out);
    EXPECT_GE(s.soft_default.lead_years.expected(), 1);
    EXPECT_LE(s.soft_default.lead_years.expected(), 6);
    EXPECT_EQ(s.lineage.size(), 2u);  // it extends the baseline
    // An existing output is not replaced without --overwrite.
    const auto again = run(ntmsim(
        "calibrate " + quote(src + "/datasets/canloc") + " " +
        quote(src + "/scenarios/canloc/baseline.yaml") + " --observed " + quote(observed_file(d)) +
        " --fit soft.lead_years --until 2019 -o " + quote(out) + " 2>&1"));
    EXPECT_EQ(again.exit_code, 1);
    EXPECT_NE(again.out.find("already exists"), std::string::npos) << again.out;
}

// Bounds that exclude what the observations need: the fit ends on its bound and the report,
// the fit file and the calibrated scenario's header say FAILED.
TEST(CalibrateCli, AFitOnItsBoundIsCalledFailed) {
    Dir d;
    const std::string src = test::kSourceDir;
    const auto out = (d.path / "bound.yaml").string();
    const auto r = run(ntmsim("calibrate " + quote(src + "/datasets/canloc") + " " +
                              quote(src + "/scenarios/canloc/baseline.yaml") + " --observed " +
                              quote(observed_file(d)) +
                              " --fit funding.realisation=0.05:0.1 --until 2019 --draws 20 "
                              "--max-evals 30 --profile-points 3 -o " +
                              quote(out)));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("FIT FAILED: funding.realisation"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("FAILED: on its upper bound"), std::string::npos) << r.out;
    std::ifstream header(out);
    std::string text((std::istreambuf_iterator<char>(header)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("# FIT FAILED"), std::string::npos) << text;
    std::ifstream fit_csv(d.path / "bound-fit.csv");
    std::string csv((std::istreambuf_iterator<char>(fit_csv)), std::istreambuf_iterator<char>());
    EXPECT_NE(csv.find("upper"), std::string::npos) << csv;
    EXPECT_NE(csv.find(",FAILED"), std::string::npos) << csv;
}

}  // namespace
}  // namespace ntm
