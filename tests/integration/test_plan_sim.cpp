// The plan's schedule in the engine (docs/plan.md, "Simulating the plan"): Can Lộc's district plan
// is solved (a short time limit: any sound schedule will do), written as plan.yaml, read back and
// simulated with every uncertainty off; the simulation must pay exactly the plan's works in their
// years from their sources, and its communes must meet exactly the criteria the plan says, year by
// year. Then: entries the area does not have are refused with file, line and key; a schedule the
// money cannot pay slips but never runs early; P(target met) is the same for any thread count.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <map>

#include "core/error.h"
#include "criteria/criteria_set.h"
#include "indicators/measure.h"
#include "io/load.h"
#include "plan/optimise.h"
#include "scenario/scenario.h"
#include "sim/engine.h"
#include "sim/roadmap_input.h"
#include "sim/targets.h"
#include "support/canloc.h"
#include "support/fixtures.h"
#include "test_paths.h"

namespace ntm {
namespace {

constexpr std::size_t idx(auto e) { return static_cast<std::size_t>(e); }

class PlanSim : public ::testing::Test {
 protected:
    static void SetUpTestSuite() {
        s = new State;
        s->scenario_path = std::string(test::kSourceDir) + "/scenarios/canloc/district-plan.yaml";
        s->base = scenario::load_scenario(s->scenario_path);
        const auto in = compile(s->base);
        s->rin = sim::roadmap_input(in, false);
        plan::PlanOptions options;
        options.solve.time_limit_s = 5;
        const auto solver = plan::make_cbc_solver();
        s->result = plan::plan_roadmap(s->rin.problem, options, *solver);
        s->schedule = sim::schedule_of(s->rin.problem, s->result.outcome);
    }
    static void TearDownTestSuite() { delete s; }

    static sim::SimInput compile(const scenario::Scenario& sc) {
        return sim::compile(s->loaded.area, s->measures, s->set, sc, s->loaded.area.layers);
    }
    // plan.yaml as `ntmsim plan` writes it, extending district-plan.yaml.
    static std::string plan_yaml(const std::string& schedule) {
        return "extends: \"" + s->scenario_path + "\"\nname: \"Plan\"\n" + schedule;
    }

    struct State : test::CanLocArea {
        std::string scenario_path;
        scenario::Scenario base;
        sim::RoadmapInput rin;
        plan::PlanResult result;
        std::vector<scenario::ScheduledWork> schedule;
    };
    static State* s;
};
PlanSim::State* PlanSim::s = nullptr;

TEST_F(PlanSim, SimulatingPlanYamlWithUncertaintyOffReproducesTheRoadmap) {
    const auto& p = s->rin.problem;
    const auto& o = s->result.outcome;
    ASSERT_TRUE(s->result.solved);
    ASSERT_FALSE(s->result.funding_gap) << "the district plan is expected to fit its money";
    ASSERT_TRUE(o.money_ok);
    ASSERT_FALSE(s->schedule.empty());

    test::TempDir dir("plan-sim");
    test::write_text(dir / "plan.yaml", plan_yaml(scenario::schedule_yaml(s->schedule)));
    const auto sc = scenario::without_uncertainty(scenario::load_scenario(dir / "plan.yaml"));
    ASSERT_EQ(sc.schedule.size(), s->schedule.size());
    const auto in = compile(sc);
    sim::DrawRunner runner(in);
    sim::Aggregate agg(in);
    runner.run(0, agg);

    // Every entry paid once, in its year, its amount.
    std::vector<int> paid(sc.schedule.size(), 0);
    std::array<std::vector<double>, plan::kSourceCount> by_source;
    for (auto& row : by_source) row.assign(static_cast<std::size_t>(p.years), 0.0);
    for (const auto& pay : runner.scheduled_payments()) {
        const auto& w = sc.schedule[pay.entry];
        ++paid[pay.entry];
        EXPECT_EQ(in.start + pay.year, w.year)
            << "entry " << pay.entry << " (line " << w.line << ", "
            << scenario::source_name(w.source) << " " << w.cost_bn << " bn)";
        EXPECT_NEAR(pay.amount_bn, w.cost_bn, 1e-9 * std::max(1.0, w.cost_bn));
        if (pay.year >= p.years) continue;
        by_source[idx(w.source)][static_cast<std::size_t>(pay.year)] += pay.amount_bn;
    }
    for (std::size_t e = 0; e < paid.size(); ++e)
        EXPECT_EQ(paid[e], 1) << "entry " << e << " (line " << sc.schedule[e].line << ")";
    // The money per source and year is the plan's.
    for (const auto src : scenario::kSources)
        for (int y = 0; y < p.years; ++y)
            EXPECT_NEAR(by_source[idx(src)][static_cast<std::size_t>(y)],
                        o.ledger.spent[idx(src)][static_cast<std::size_t>(y)], 1e-6)
                << scenario::source_name(src) << " " << p.start + y;
    // Each commune of a target the plan can meet meets, year by year, the criteria the plan says,
    // and reaches the standard in the plan's year. A target the plan left out (it cannot be met
    // whatever the money) is not scheduled: the policy works there, and it fails in the
    // simulation too.
    std::vector<char> reachable(in.communes.size(), 0);
    for (std::size_t k = 0; k < p.targets.size(); ++k) {
        const auto pc = p.targets[k].commune;
        const auto c = s->rin.area_commune[pc];
        if (!s->result.unreachable[k].empty()) continue;
        reachable[c] = 1;
        EXPECT_TRUE(in.scheduled[c]) << p.communes[pc].name;
        EXPECT_TRUE(o.target_met[k]) << p.communes[pc].name;
        int plan_reached = -1;
        for (int y = 0; y < p.years; ++y) {
            EXPECT_EQ(runner.met_count(c, y), o.met_count[pc][static_cast<std::size_t>(y)])
                << p.communes[pc].name << " " << p.start + y;
            if (plan_reached < 0 && o.at_standard[pc][static_cast<std::size_t>(y)])
                plan_reached = y;
        }
        EXPECT_EQ(runner.reached_year(c), plan_reached) << p.communes[pc].name;
    }
    const auto odds = sim::target_odds(in, 3);
    ASSERT_EQ(odds.targets.size(), p.targets.size());
    for (const auto& t : odds.targets) {
        EXPECT_EQ(t.both, reachable[t.commune] ? 3u : 0u) << in.communes[t.commune].name;
        EXPECT_EQ(t.counted, reachable[t.commune] != 0) << in.communes[t.commune].name;
    }
    EXPECT_EQ(odds.all, 3u);
}

TEST_F(PlanSim, EntriesTheAreaDoesNotHaveAreRefusedWithFileLineAndKey) {
    test::TempDir dir("plan-sim-bad");
    const std::string code = s->schedule.front().commune;
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"  - {commune: \"99999\", year: 2017, layer: roads, fid: 1, source: central, cost_bn: "
         "1}\n",
         "schedule[].commune"},
        {"  - {commune: \"" + code +
             "\", year: 2017, layer: roads, fid: 987654, source: central, cost_bn: 1}\n",
         "schedule[].fid"},
        {"  - {commune: \"" + code +
             "\", year: 2017, programme: \"99\", source: central, cost_bn: 1}\n",
         "schedule[].programme"},
        {"  - {commune: \"" + code +
             "\", year: 2017, new_facility: health_station, source: central, cost_bn: 1}\n",
         "schedule[].new_facility"},
        {"  - {commune: \"" + code +
             "\", year: 2017, programme: \"13\", source: other, cost_bn: 1}\n",
         "schedule[].source"},
    };
    for (const auto& [entry, key] : cases) {
        const auto path = dir / "plan.yaml";
        test::write_text(path, plan_yaml("schedule:\n" + entry));
        const auto sc = scenario::load_scenario(path);
        try {
            compile(sc);
            ADD_FAILURE() << "accepted: " << entry;
        } catch (const ConfigError& e) {
            const std::string what = e.what();
            EXPECT_NE(what.find(path), std::string::npos) << what;
            EXPECT_NE(what.find("line 4"), std::string::npos) << what;
            EXPECT_NE(what.find(key), std::string::npos) << what;
        }
    }
}

TEST_F(PlanSim, WorksTheMoneyCannotPaySlipButNeverRunEarly) {
    test::TempDir dir("plan-sim-slip");
    test::write_text(dir / "plan.yaml", plan_yaml(scenario::schedule_yaml(s->schedule)));
    // Half the money, nothing uncertain: some works must wait.
    const auto sc = scenario::with_reserve(
        scenario::without_uncertainty(scenario::load_scenario(dir / "plan.yaml")), 0.5);
    const auto in = compile(sc);
    sim::DrawRunner runner(in);
    sim::Aggregate agg(in);
    std::vector<sim::YearLedger> ledger;
    runner.run(0, agg, &ledger);
    int late = 0;
    for (const auto& pay : runner.scheduled_payments()) {
        EXPECT_GE(in.start + pay.year, sc.schedule[pay.entry].year);
        late += in.start + pay.year > sc.schedule[pay.entry].year;
    }
    EXPECT_GT(late, 0);
    // The money still balances every year.
    for (const auto& L : ledger)
        EXPECT_NEAR(L.available(), L.spent + L.spent_programmes + L.repaid + L.carried_out,
                    1e-9 * std::max(1.0, L.available()));
}

TEST_F(PlanSim, ASourceShortOfThePlanIsCoveredByTheOthersBeforeAWorkSlips) {
    test::TempDir dir("plan-sim-cover");
    test::write_text(dir / "plan.yaml", plan_yaml(scenario::schedule_yaml(s->schedule)));
    // The central budget at half, every other source at three times: no work waits.
    auto sc = scenario::without_uncertainty(scenario::load_scenario(dir / "plan.yaml"));
    for (auto& f : sc.funding) {
        if (f.source == scenario::Source::Credit) continue;
        const double k = f.source == scenario::Source::Central ? 0.5 : 3.0;
        f.amount *= k;
        f.per_household_mvnd *= k;
        f.labour_day_mvnd *= k;
    }
    const auto in = compile(sc);
    sim::DrawRunner runner(in);
    sim::Aggregate agg(in);
    runner.run(0, agg);
    ASSERT_EQ(runner.scheduled_payments().size(), sc.schedule.size());
    for (const auto& pay : runner.scheduled_payments())
        EXPECT_EQ(in.start + pay.year, sc.schedule[pay.entry].year)
            << "line " << sc.schedule[pay.entry].line;
}

TEST_F(PlanSim, TargetOddsAreTheSameForAnyThreadCount) {
    test::TempDir dir("plan-sim-threads");
    test::write_text(dir / "plan.yaml", plan_yaml(scenario::schedule_yaml(s->schedule)));
    const auto sc = scenario::load_scenario(dir / "plan.yaml");
    const auto in = compile(sc);
    std::vector<sim::TargetOdds> runs;
    for (const int threads : {1, 2, 3}) {
        omp_set_num_threads(threads);
        runs.push_back(sim::target_odds(in, 40));
    }
    omp_set_num_threads(1);
    for (std::size_t r = 1; r < runs.size(); ++r) {
        EXPECT_EQ(runs[r].all, runs[0].all);
        for (std::size_t k = 0; k < runs[0].targets.size(); ++k) {
            EXPECT_EQ(runs[r].targets[k].standard, runs[0].targets[k].standard);
            EXPECT_EQ(runs[r].targets[k].count, runs[0].targets[k].count);
            EXPECT_EQ(runs[r].targets[k].both, runs[0].targets[k].both);
        }
    }
}

}  // namespace
}  // namespace ntm
