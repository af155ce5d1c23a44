// The projection: exact cases worked by hand, a statistical check, the laws the model must obey,
// and determinism.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "criteria/criteria_set.h"
#include "indicators/measure.h"
#include "io/load.h"
#include "report/results_output.h"
#include "scenario/scenario.h"
#include "sim/engine.h"
#include "support/canloc.h"
#include "support/fixtures.h"
#include "test_paths.h"

namespace ntm {
namespace {

using test::line;
using test::rect;
using test::TempDir;
using test::write_text;

// A commune [x0, x0+1000]² with earth village roads of the given lengths (metres) along it.
Commune square_commune(const std::string& code, double x0, long long households) {
    Commune c;
    c.code = code;
    c.name = code;
    c.region = Region::BTB;
    c.population = households * 4;
    c.households = households;
    c.geometry = MultiPolygon{{rect(x0, 0, x0 + 1000, 1000)}};
    return c;
}

void add_village_road(StudyArea& a, double x0, double y, double length) {
    a.roads.push_back({RoadClass::VillageAxis,
                       Surface::Earth,
                       3,
                       line({{x0 + 50, y}, {x0 + 50 + length, y}}),
                       {}});
}

const char* kRoadsOnly = R"(id: roads-only
name: {vi: Đường, en: Roads only}
criteria:
  - id: "2"
    name: {vi: Giao thông, en: Transport}
    indicators:
      - {id: "2.2", measure: road_hardened_share, class: village_axis, op: ">=", threshold: 0.7}
)";

struct Fixture {
    StudyArea area;
    indicators::AreaMeasures measures;
    criteria::CriteriaSet set;
    scenario::Scenario scenario;
    sim::SimInput input;

    Fixture(StudyArea a, const std::string& set_yaml, const std::string& scenario_yaml,
            const TempDir& dir)
        : area(std::move(a)) {
        area.crs = geo::crs_from_epsg(3405);
        area.rebuild_index();
        measures = indicators::measure_area(area);
        write_text(dir / "set.yaml", set_yaml);
        write_text(dir / "scenario.yaml", scenario_yaml);
        set = criteria::load_criteria_set(dir / "set.yaml");
        scenario = scenario::load_scenario(dir / "scenario.yaml");
        input = sim::compile(area, measures, set, scenario);
    }
    double p_reached(std::size_t c, int year, const sim::Aggregate& agg) const {
        return static_cast<double>(
                   agg.reached[agg.cy(c, static_cast<std::size_t>(year - scenario.start))]) /
               static_cast<double>(agg.draws);
    }
};

// The worked example of docs/model.md ("A worked example"), every uncertainty off.
TEST(Simulate, WorkedExampleByHand) {
    TempDir dir("sim-worked");
    StudyArea a;
    a.communes = {square_commune("A", 0, 100), square_commune("B", 1000, 100)};
    // A: one 1 km earth village road; B: 1.2 km and 0.8 km (as two roads across its square).
    a.roads.push_back(
        {RoadClass::VillageAxis, Surface::Earth, 3, line({{0, 500}, {1000, 500}}), {}});
    a.roads.push_back({RoadClass::VillageAxis,
                       Surface::Earth,
                       3,
                       line({{1000, 100}, {1600, 900}}),
                       {}});  // 1000 m
    a.roads.push_back({RoadClass::VillageAxis,
                       Surface::Earth,
                       3,
                       line({{1100, 300}, {1900, 300}}),
                       {}});  // 800 m
    Fixture f(std::move(a), kRoadsOnly, R"(name: worked example
criteria: roads-only
period: {start: 2017, end: 2020}
draws: 3
seed: 1
funding:
  - {source: district, amount: 1.0}
  - {source: people, per_household_mVND: 1.0, participation: 1}
costs:
  road: {village_axis: 0.9}
)",
              dir);
    // B's roads: 1000 m and 800 m, D = 1800 m, 70% = 1260 m: both (longest first: 0.9, then 0.72
    // bn).
    ASSERT_EQ(f.input.slots.size(), 2u);
    EXPECT_NEAR(f.input.slots[1].D0, 1800, 1e-9);
    std::vector<sim::YearLedger> ledger;
    sim::DrawRunner runner(f.input);
    sim::Aggregate agg(f.input);
    runner.run(0, agg, &ledger);
    // 2017: A (index first among equals) gets 0.1 own + 0.8 pooled: done. B's 0.9 bn road does
    // not fit in the 0.2 left: B keeps its own 0.1. 2018: B builds the 1 km road (0.2 own + 0.7
    // pooled; pool 0.5); the 0.72 bn one does not fit in 0.5. 2019: 0.1 own + 0.62 pooled: done.
    EXPECT_EQ(agg.reached[agg.cy(0, 0)], 1u);
    EXPECT_EQ(agg.reached[agg.cy(1, 1)], 0u);
    EXPECT_EQ(agg.reached[agg.cy(1, 2)], 1u);
    EXPECT_NEAR(ledger[0].spent, 0.9, 1e-12);
    EXPECT_NEAR(ledger[0].carried_out, 0.3, 1e-12);  // pool 0.2 + B's own 0.1 (unspent)
    EXPECT_NEAR(ledger[1].spent, 0.9, 1e-12);
    EXPECT_NEAR(ledger[1].carried_out, 0.6,
                1e-12);  // pool 0.5 + A's own 0.1 (A has nothing left to build)
    EXPECT_NEAR(ledger[2].spent, 0.72, 1e-12);
    EXPECT_NEAR(ledger[2].carried_out, 0.6 + 1.2 - 0.72, 1e-12);
    // Nothing left to build in 2020: everything carries over.
    EXPECT_NEAR(ledger[3].spent, 0, 1e-12);
    // All draws are the same when nothing is uncertain.
    const auto all = sim::simulate(f.input, 0, 3);
    EXPECT_EQ(f.p_reached(0, 2017, all), 1.0);
    EXPECT_EQ(f.p_reached(1, 2018, all), 0.0);
    EXPECT_EQ(f.p_reached(1, 2019, all), 1.0);
}

TEST(Simulate, NoMoneyNeverReachesTheStandard) {
    TempDir dir("sim-nomoney");
    StudyArea a;
    a.communes = {square_commune("A", 0, 100)};
    add_village_road(a, 0, 500, 900);
    Fixture f(std::move(a), kRoadsOnly, R"(name: no money
criteria: roads-only
period: {start: 2017, end: 2030}
draws: 10
funding:
  - {source: district, amount: 0}
)",
              dir);
    const auto agg = sim::simulate(f.input, 0, 10);
    for (int y = 2017; y <= 2030; ++y) EXPECT_EQ(f.p_reached(0, y, agg), 0.0) << y;
}

// A commune missing only criterion 13 (a status criterion), with the programme of the scenario.
struct SoftFixture {
    TempDir dir{"sim-soft"};
    Fixture f;
    explicit SoftFixture(const std::string& scenario_tail)
        : f(area(), R"(id: soft
name: {vi: a, en: b}
criteria:
  - id: "13"
    name: {vi: Tổ chức sản xuất, en: Production}
    indicators:
      - {id: "13", measure: status, indicator: "13", op: "==", threshold: true}
)",
            std::string(R"(name: programme
criteria: soft
period: {start: 2017, end: 2024}
draws: 4000
seed: 99
funding:
  - {source: district, amount: 1}
)") + scenario_tail,
            dir) {}
    static StudyArea area() {
        StudyArea a;
        a.communes = {square_commune("A", 0, 100)};
        a.status.push_back({"A", 2017, "13", std::nullopt, false, {}});
        return a;
    }
};

TEST(Simulate, SoftProgrammeWithoutAPushAdvancesByItsBackgroundEffort) {
    // Lead time 2.5 years, 0.5 a year without a push: 0.5 k ≥ 2.5 first at k = 5 (2021). A
    // pushed year costs more than the pool ever holds by then (1 bn a year), so nothing pushes it.
    SoftFixture s(R"(soft_criteria:
  "13": {lead_years: 2.5, cost_bn: 6, background: 0.5}
)");
    const auto agg = sim::simulate(s.f.input, 0, 10);
    EXPECT_EQ(s.f.p_reached(0, 2020, agg), 0.0);
    EXPECT_EQ(s.f.p_reached(0, 2021, agg), 1.0);
    EXPECT_EQ(agg.registered[agg.cy(0, 0)], 0u);
}

TEST(Simulate, RegisteredCommunePushesItsProgrammeAndPaysForIt) {
    // Registered from 2017: one year of effort a year, 0.3 bn a year paid: 2.5 years → 2019.
    SoftFixture s(R"(soft_criteria:
  "13": {lead_years: 2.5, cost_bn: 0.3, background: 0.5}
registration:
  targets: [{communes: [A], by: 2019}]
)");
    const auto agg = sim::simulate(s.f.input, 0, 10);
    EXPECT_EQ(s.f.p_reached(0, 2018, agg), 0.0);
    EXPECT_EQ(s.f.p_reached(0, 2019, agg), 1.0);
    EXPECT_EQ(agg.registered[agg.cy(0, 2)], 10u);  // registered until it reaches the standard
    EXPECT_EQ(agg.registered[agg.cy(0, 3)], 0u);   // recognised: off the list
    sim::DrawRunner runner(s.f.input);
    sim::Aggregate one(s.f.input);
    std::vector<sim::YearLedger> ledger;
    runner.run(0, one, &ledger);
    EXPECT_NEAR(ledger[0].spent_programmes, 0.3, 1e-12);
    EXPECT_NEAR(ledger[2].spent_programmes, 0.3, 1e-12);
    EXPECT_NEAR(ledger[3].spent_programmes, 0.0, 1e-12);
}

TEST(Simulate, SoftProgrammeLeadTimeDistributionMatchesTheory) {
    // Pushed every year: met by the end of year k when lead ≤ k. Lognormal with mean 2.5 and
    // sd 0.4 (of its log): P(lead ≤ 3) = Φ((ln 3 − ln 2.5 + 0.08) / 0.4).
    SoftFixture s(R"(soft_criteria:
  "13": {lead_years: {lognormal: {mean: 2.5, sd: 0.4}}, cost_bn: 0, background: 0}
registration:
  targets: [{communes: [A], by: 2019}]
)");
    const auto agg = sim::simulate(s.f.input, 0, 4000);
    auto phi = [](double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); };
    for (int k = 2; k <= 4; ++k) {
        const double p = phi((std::log(k) - std::log(2.5) + 0.08) / 0.4);
        EXPECT_NEAR(s.f.p_reached(0, 2016 + k, agg), p, 4 * std::sqrt(p * (1 - p) / 4000)) << k;
    }
}

TEST(Simulate, UnpaidProgrammeIsReportedAsMoneyAtTheDeadline) {
    // No money at all: a registered commune cannot pay its programme, so only the background
    // effort counts and the deadline is missed for want of money.
    SoftFixture s(R"(soft_criteria:
  "13": {lead_years: 2.5, cost_bn: 5, background: 0.1}
registration:
  targets: [{communes: [A], by: 2018}]
)");
    const auto agg = sim::simulate(s.f.input, 0, 10);
    EXPECT_EQ(s.f.p_reached(0, 2018, agg), 0.0);
    EXPECT_EQ(agg.binding[0 * sim::kBindingReasons + sim::kBindMoney], 10u);
}

// The floor (registration.floor): the programmes of a commune below it are paid after the
// registered communes' works and before the other communes' works. A meets neither criterion (its
// programme for 13 open, an 800 m earth road); B meets 13 and needs its 1 km road hardened
// (0.9 bn). With 1 bn a year, closest first: without a floor B's road takes 0.9 bn and A's
// programme (0.3) does not fit in the 0.1 left; with floor 1, A's programme is paid first and B's
// road waits a year (0.7 left in 2017; 1.4 in 2018).
TEST(Simulate, FloorPaysTheWeakestCommunesProgrammesBeforeOtherWorks) {
    const std::string set = std::string(kRoadsOnly) + R"(  - id: "13"
    name: {vi: Tổ chức sản xuất, en: Production}
    indicators:
      - {id: "13", measure: status, indicator: "13", op: "==", threshold: true}
)";
    auto area = [] {
        StudyArea a;
        a.communes = {square_commune("A", 0, 100), square_commune("B", 1000, 100)};
        a.roads.push_back(
            {RoadClass::VillageAxis, Surface::Earth, 3, line({{100, 500}, {900, 500}}), {}});
        a.roads.push_back(
            {RoadClass::VillageAxis, Surface::Earth, 3, line({{1000, 500}, {2000, 500}}), {}});
        a.status.push_back({"A", 2017, "13", std::nullopt, false, {}});
        a.status.push_back({"B", 2017, "13", std::nullopt, true, {}});
        return a;
    };
    const std::string head = R"(name: floor
criteria: roads-only-and-13
period: {start: 2017, end: 2019}
draws: 2
funding:
  - {source: district, amount: 1.0}
costs:
  road: {village_axis: 0.9}
soft_criteria:
  "13": {lead_years: 3, cost_bn: 0.3, background: 0}
)";
    auto ledger_of = [&](const std::string& tail) {
        TempDir dir("sim-floor");
        std::string s = set;
        s.replace(s.find("id: roads-only"), 14, "id: roads-only-and-13");
        Fixture f(area(), s, head + tail, dir);
        std::vector<sim::YearLedger> ledger;
        sim::DrawRunner runner(f.input);
        sim::Aggregate agg(f.input);
        runner.run(0, agg, &ledger);
        return ledger;
    };
    const auto none = ledger_of("");
    EXPECT_NEAR(none[0].spent, 0.9, 1e-12);  // B's road
    EXPECT_NEAR(none[0].spent_programmes, 0.0, 1e-12);
    const auto floor = ledger_of("registration: {floor: 1}\n");
    EXPECT_NEAR(floor[0].spent_programmes, 0.3, 1e-12);  // A's programme first
    EXPECT_NEAR(floor[0].spent, 0.0, 1e-12);             // B's road (0.9) does not fit in 0.7
    EXPECT_NEAR(floor[1].spent_programmes, 0.3, 1e-12);
    EXPECT_NEAR(floor[1].spent, 0.9, 1e-12);  // 0.7 carried + 1.0 − 0.3 = 1.4: B's road
    EXPECT_NEAR(floor[2].spent_programmes, 0.3, 1e-12);
}

// A law: a run that changes criteria set in year Y equals, up to Y − 1, a run with the first set
// alone; from Y on, every commune is measured against the second set (a stricter road threshold
// and a criterion of its own), and a commune recognised before keeps its title.
TEST(Simulate, ChangingCriteriaSetLeavesTheYearsBeforeTheChangeAsTheFirstSetAlone) {
    TempDir dir("sim-periods");
    StudyArea a;
    a.communes = {square_commune("A", 0, 100), square_commune("B", 1000, 100),
                  square_commune("C", 2000, 100)};
    add_village_road(a, 0, 500, 900);
    add_village_road(a, 1000, 500, 900);
    add_village_road(a, 1000, 700, 800);
    add_village_road(a, 2000, 500, 900);
    add_village_road(a, 2000, 700, 800);
    add_village_road(a, 2000, 300, 700);
    for (const char* c : {"A", "B", "C"})
        a.status.push_back({c, 2017, "13", std::nullopt, false, {}});
    write_text(dir / "second.yaml", R"(id: second
name: {vi: b, en: b}
criteria:
  - id: "2"
    name: {vi: Giao thông, en: Transport}
    indicators:
      - {id: "2.2", measure: road_hardened_share, class: village_axis, op: ">=", threshold: 0.9}
  - id: "13"
    name: {vi: Tổ chức sản xuất, en: Production}
    indicators:
      - {id: "13", measure: status, indicator: "13", op: "==", threshold: true}
)");
    const std::string tail = R"(
period: {start: 2017, end: 2023}
draws: 50
seed: 5
funding:
  - {source: district, amount: 0.8, uncertainty: {normal: {sd: 0.3}}}
  - {source: people, per_household_mVND: 1.0, participation: {beta: {mean: 0.6, sd: 0.2}}}
registration:
  quota: {share: 0.4}
soft_criteria:
  default: {lead_years: {lognormal: {mean: 2, sd: 0.4}}, cost_bn: 0.1, background: 0.3}
costs:
  road: {village_axis: 0.9}
  overrun: {lognormal: {sd: 0.2}}
effects: {sd: 0.3}
)";
    Fixture alone(a, kRoadsOnly, "name: alone\ncriteria: roads-only" + tail, dir);
    Fixture change(a, kRoadsOnly,
                   "name: change\ncriteria: [{set: roads-only, until: 2019}, {set: " +
                       (dir / "second.yaml") + ", from: 2020}]" + tail,
                   dir);
    ASSERT_EQ(change.input.criteria_count(), 2u);
    EXPECT_EQ(change.input.criteria_in_force(2), 1u);
    EXPECT_EQ(change.input.criteria_in_force(3), 2u);
    const auto x = sim::simulate(alone.input, 0, 50);
    const auto z = sim::simulate(change.input, 0, 50);
    for (std::size_t c = 0; c < 3; ++c)
        for (std::size_t y = 0; y < 3; ++y) {  // 2017–2019
            EXPECT_EQ(x.reached[x.cy(c, y)], z.reached[z.cy(c, y)]) << c << " " << y;
            EXPECT_EQ(x.at_standard[x.cy(c, y)], z.at_standard[z.cy(c, y)]) << c << " " << y;
            for (std::size_t k = 0; k <= 1; ++k)
                EXPECT_EQ(x.met_hist[(c * x.years + y) * 2 + k],
                          z.met_hist[(c * z.years + y) * 3 + k])
                    << c << " " << y;
            EXPECT_EQ(z.met_hist[(c * z.years + y) * 3 + 2],
                      0u);  // never 2 criteria under the first set
            EXPECT_EQ(z.criterion_met[(c * z.years + y) * 2 + 1],
                      0u);  // criterion 13 not in force yet
        }
    for (std::size_t y = 0; y < 3; ++y)
        for (std::size_t f = 0; f < sim::kMoneyFields; ++f)
            EXPECT_EQ(x.money[y * sim::kMoneyFields + f], z.money[y * sim::kMoneyFields + f])
                << y << " " << f;
    // From 2020 the second set is in force: recognised communes keep their title, and the
    // stricter set lowers the share at the standard in the year.
    bool differs = false;
    for (std::size_t c = 0; c < 3; ++c)
        for (std::size_t y = 3; y < z.years; ++y) {
            EXPECT_GE(z.reached[z.cy(c, y)], z.reached[z.cy(c, y - 1)]);
            EXPECT_LE(z.at_standard[z.cy(c, y)], z.reached[z.cy(c, y)]);
            differs = differs || z.at_standard[z.cy(c, y)] != x.at_standard[x.cy(c, y)];
        }
    EXPECT_TRUE(differs);
}

TEST(Simulate, IncomeLostWhenTheThresholdRisesIsReported) {
    TempDir dir("sim-income");
    StudyArea a;
    a.communes = {square_commune("A", 0, 100)};
    a.status.push_back({"A", 2017, "10", 30.0, std::nullopt, {}});
    Fixture f(std::move(a), R"(id: income
name: {vi: a, en: b}
criteria:
  - id: "10"
    name: {vi: Thu nhập, en: Income}
    indicators:
      - {id: "10", measure: status, indicator: "10", op: ">=", threshold: {by_year: {2017: 25, 2018: 29, 2019: 32}}}
)",
              R"(name: flat income
criteria: income
period: {start: 2017, end: 2020}
draws: 5
funding:
  - {source: district, amount: 1}
income: {growth: 0}
)",
              dir);
    const auto agg = sim::simulate(f.input, 0, 5);
    auto p_met = [&](int y) {
        return static_cast<double>(
                   agg.criterion_met[(0 * agg.years + static_cast<std::size_t>(y - 2017)) *
                                         agg.criteria +
                                     0]) /
               5;
    };
    EXPECT_EQ(p_met(2017), 1.0);
    EXPECT_EQ(p_met(2018), 1.0);
    EXPECT_EQ(p_met(2019), 0.0);  // 30 < 32: lost, and reported as lost
    EXPECT_EQ(agg.lost[agg.cy(0, 2)], 5u);
    EXPECT_EQ(agg.lost[agg.cy(0, 3)], 0u);
    // The standard was reached in 2017 and stays "reached by"; but it is no longer held.
    EXPECT_EQ(f.p_reached(0, 2019, agg), 1.0);
    EXPECT_EQ(agg.at_standard[agg.cy(0, 2)], 0u);
}

// The bundled Can Lộc area with its baseline scenario: laws the model must obey.
class CanLocSim : public ::testing::Test {
 protected:
    static void SetUpTestSuite() { s = new State; }
    static void TearDownTestSuite() { delete s; }
    static scenario::Scenario scenario(const std::string& name) {
        return scenario::load_scenario(std::string(test::kSourceDir) + "/scenarios/canloc/" + name +
                                       ".yaml");
    }
    struct State : test::CanLocArea {};
    static State* s;
};
CanLocSim::State* CanLocSim::s = nullptr;

TEST_F(CanLocSim, MoneyIsConservedEveryYear) {
    for (const char* name :
         {"baseline", "high-mobilisation", "roads-first", "targets-first", "shortfall"}) {
        const auto sc = scenario(name);
        const auto in = sim::compile(s->loaded.area, s->measures, s->set, sc);
        sim::DrawRunner runner(in);
        for (std::uint32_t d = 0; d < 20; ++d) {
            sim::Aggregate agg(in);
            std::vector<sim::YearLedger> ledger;
            runner.run(d, agg, &ledger);
            double carried = 0;
            for (std::size_t y = 0; y < ledger.size(); ++y) {
                const auto& L = ledger[y];
                // available (realised + carried in + borrowed) = spent + repaid + carried out
                EXPECT_NEAR(L.available(), L.spent + L.spent_programmes + L.repaid + L.carried_out,
                            1e-9 * std::max(1.0, L.available()))
                    << name << " draw " << d << " year " << y;
                EXPECT_NEAR(L.carried_in, carried, 1e-9 * std::max(1.0, carried))
                    << name << " year " << y;
                carried = L.carried_out;
                EXPECT_GE(L.gap, -1e-12);
                EXPECT_GE(L.carried_out, -1e-9);
                double by_sector = 0;
                for (const double v : L.spent_by_sector) by_sector += v;
                EXPECT_NEAR(by_sector, L.spent, 1e-9 * std::max(1.0, L.spent));
            }
        }
    }
}

TEST_F(CanLocSim, MoreMoneyNeverLowersTheExpectedCommunesAtStandard) {
    // Common random numbers: the same seed, the same draws; only the money differs.
    auto base = scenario("baseline");
    base.draws = 300;
    auto richer = base;
    for (auto& f : richer.funding) {
        f.amount *= 1.5;
        f.per_household_mvnd *= 1.5;
    }
    const auto in_base = sim::compile(s->loaded.area, s->measures, s->set, base);
    const auto in_rich = sim::compile(s->loaded.area, s->measures, s->set, richer);
    const auto a = sim::simulate(in_base, 0, 300);
    const auto b = sim::simulate(in_rich, 0, 300);
    for (std::size_t y = 0; y < a.years; ++y)
        EXPECT_GE(report::expected_reached(b, y), report::expected_reached(a, y)) << "year " << y;
    EXPECT_GT(report::expected_reached(b, a.years - 1), report::expected_reached(a, a.years - 1));
}

// Per commune: with the same draws, more money from every source lowers no commune's chance of
// reaching the standard by any year, up to two anomalies of competition (docs/model.md): works are
// indivisible and bought in priority order, so in a richer year the commune ahead may afford a
// large work it could not before, leaving less to the one behind it; and the province's list takes
// the closest communes, so with more money others may take a commune's place for a year (Thiên
// Lộc, draw 172: registered in 2020 instead of 2019). Measured: at most 2 of 300 draws for one
// commune on Can Lộc; the test allows 2% of the draws.
TEST_F(CanLocSim, MoreMoneyLowersNoCommunesChanceBeyondTheGreedyAnomaly) {
    auto base = scenario("baseline");
    auto richer = base;
    for (auto& f : richer.funding) {
        f.amount *= 1.5;
        f.per_household_mvnd *= 1.5;
    }
    const auto in_base = sim::compile(s->loaded.area, s->measures, s->set, base);
    const auto in_rich = sim::compile(s->loaded.area, s->measures, s->set, richer);
    const auto a = sim::simulate(in_base, 0, 300);
    const auto b = sim::simulate(in_rich, 0, 300);
    for (std::size_t c = 0; c < a.communes; ++c)
        for (std::size_t y = 0; y < a.years; ++y)
            EXPECT_GE(b.reached[b.cy(c, y)] + 6, a.reached[a.cy(c, y)])
                << in_base.communes[c].name << " year " << y;
}

// Registering a commune (an explicit target from the start) never lowers its own chance.
TEST_F(CanLocSim, RegisteringACommuneNeverLowersItsOwnChance) {
    const auto base = scenario("baseline");
    const auto in_base = sim::compile(s->loaded.area, s->measures, s->set, base);
    const auto a = sim::simulate(in_base, 0, 200);
    for (std::size_t c = 0; c < in_base.communes.size(); ++c) {
        if (!in_base.communes[c].assessed) continue;
        auto registered = base;
        registered.targets = {{{in_base.communes[c].code}, 2020, 0, 0, 0}};
        const auto in_reg = sim::compile(s->loaded.area, s->measures, s->set, registered);
        const auto b = sim::simulate(in_reg, 0, 200);
        for (std::size_t y = 0; y < a.years; ++y)
            EXPECT_GE(b.reached[b.cy(c, y)], a.reached[a.cy(c, y)])
                << in_base.communes[c].name << " year " << y;
    }
}

TEST_F(CanLocSim, UpgradedAssetsStayUpgraded) {
    const auto sc = scenario("baseline");
    const auto in = sim::compile(s->loaded.area, s->measures, s->set, sc);
    const auto agg = sim::simulate(in, 0, 100);
    // For every project, the number of draws in which it is done by year y never falls.
    for (std::size_t slot = 0; slot < in.slots.size(); ++slot) {
        const auto count = in.slots[slot].count;
        for (std::uint32_t k = 0; k < count; ++k) {
            std::uint64_t before = 0;
            for (std::size_t y = 0; y < agg.years; ++y) {
                std::uint64_t done = 0;
                for (std::uint32_t pos = k + 1; pos <= count; ++pos)
                    done += agg.slot_hist[agg.slot_base[slot] + y * (count + 1) + pos];
                EXPECT_GE(done, before) << "slot " << slot << " project " << k << " year " << y;
                before = done;
            }
        }
    }
}

TEST_F(CanLocSim, SameBytesForOneTwoAndThreeThreadsAndExactMerges) {
    auto sc = scenario("targets-first");
    sc.draws = 120;
    const auto in = sim::compile(s->loaded.area, s->measures, s->set, sc);
    omp_set_num_threads(1);
    const auto one = sim::simulate(in, 0, 120);
    omp_set_num_threads(2);
    const auto two = sim::simulate(in, 0, 120);
    omp_set_num_threads(3);
    const auto three = sim::simulate(in, 0, 120);
    EXPECT_TRUE(one == two);
    EXPECT_TRUE(one == three);
    // Disjoint draw ranges merge exactly, as MPI ranks will.
    auto first = sim::simulate(in, 0, 50);
    first.merge(sim::simulate(in, 50, 70));
    EXPECT_TRUE(first == one);
    omp_set_num_threads(2);
    TempDir dir("sim-bytes");
    report::write_results(in, one, {"canloc", "targets-first"}, dir / "a", false);
    report::write_results(in, three, {"canloc", "targets-first"}, dir / "b", false);
    for (const char* file : {"communes.csv", "criteria.csv", "assets.csv", "funding.csv",
                             "summary.csv", "results.gpkg"}) {
        std::ifstream fa(dir / (std::string("a/") + file), std::ios::binary),
            fb(dir / (std::string("b/") + file), std::ios::binary);
        std::stringstream ba, bb;
        ba << fa.rdbuf();
        bb << fb.rdbuf();
        EXPECT_EQ(ba.str(), bb.str()) << file;
        EXPECT_GT(ba.str().size(), 0u) << file;
    }
}

TEST_F(CanLocSim, CommonRandomNumbersAcrossScenarios) {
    // Two scenarios with the same seed see the same draws: the central budget's realised amount in
    // a draw-year is the same whatever else differs.
    const auto a = scenario("baseline");
    const auto b = scenario("targets-first");
    const auto in_a = sim::compile(s->loaded.area, s->measures, s->set, a);
    const auto in_b = sim::compile(s->loaded.area, s->measures, s->set, b);
    sim::DrawRunner ra(in_a), rb(in_b);
    for (std::uint32_t d = 0; d < 5; ++d) {
        sim::Aggregate ga(in_a), gb(in_b);
        std::vector<sim::YearLedger> la, lb;
        ra.run(d, ga, &la);
        rb.run(d, gb, &lb);
        for (std::size_t y = 0; y < la.size(); ++y)
            EXPECT_EQ(la[y].realised[static_cast<std::size_t>(scenario::Source::Central)],
                      lb[y].realised[static_cast<std::size_t>(scenario::Source::Central)]);
    }
}

TEST_F(CanLocSim, TargetsFirstBeatsBaselineForTheTargetsAndShortfallLags) {
    const char* targets[] = {"Gia Hanh",    "Phú Lộc",  "Xuân Lộc", "Kim Lộc",
                             "Thuần Thiện", "Song Lộc", "Trung Lộc"};
    auto run = [&](const char* name) {
        auto sc = scenario(name);
        sc.draws = 400;
        const auto in = sim::compile(s->loaded.area, s->measures, s->set, sc);
        const auto agg = sim::simulate(in, 0, 400);
        double t = 0;
        for (const char* n : targets)
            for (std::size_t c = 0; c < in.communes.size(); ++c)
                if (in.communes[c].name == n)
                    t += static_cast<double>(agg.reached[agg.cy(c, 2)]) / 400.0;
        return std::pair{t, report::expected_reached(agg, 2)};  // by 2019
    };
    const auto base = run("baseline");
    const auto targets_first = run("targets-first");
    const auto shortfall = run("shortfall");
    EXPECT_GT(targets_first.first, base.first + 0.5);
    EXPECT_LT(shortfall.second, base.second);
}

TEST(Scenario, ErrorsNameFileLineAndKey) {
    TempDir dir("scenario-errors");
    write_text(dir / "bad.yaml",
               "name: x\nfunding:\n  - {source: central, amount: 12, uncertainty: {gaussian: {sd: "
               "0.1}}}\n");
    try {
        scenario::load_scenario(dir / "bad.yaml");
        FAIL();
    } catch (const ConfigError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("bad.yaml, line 3"), std::string::npos) << m;
        EXPECT_NE(m.find("gaussian"), std::string::npos) << m;
        EXPECT_NE(m.find("lognormal"), std::string::npos) << m;  // what is allowed
    }
    write_text(dir / "typo.yaml",
               "name: x\nfunding:\n  - {source: central, amount: 12}\nallocation:\n  polcy: "
               "equal_share\n");
    try {
        scenario::load_scenario(dir / "typo.yaml");
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("line 5, key 'allocation.polcy'"), std::string::npos)
            << e.what();
    }
    write_text(dir / "floor.yaml",
               "name: x\nfunding:\n  - {source: central, amount: 12}\nregistration:\n  floor: "
               "-1\n");
    try {
        scenario::load_scenario(dir / "floor.yaml");
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("line 5, key 'registration.floor'"), std::string::npos)
            << e.what();
    }
    write_text(dir / "base.yaml",
               "name: base\ndraws: 10\nfunding:\n  - {source: central, amount: 12}\ncosts:\n  "
               "road: {village_axis: 0.9, alley: 0.6}\n");
    write_text(dir / "variant.yaml", "extends: base\ncosts:\n  road: {alley: 0.5}\n");
    const auto v = scenario::load_scenario(dir / "variant.yaml");
    EXPECT_EQ(v.name, "variant");
    EXPECT_EQ(v.draws, 10);
    EXPECT_DOUBLE_EQ(v.road_cost_per_km[static_cast<std::size_t>(RoadClass::Alley)], 0.5);
    EXPECT_DOUBLE_EQ(v.road_cost_per_km[static_cast<std::size_t>(RoadClass::VillageAxis)], 0.9);
    ASSERT_EQ(v.funding.size(), 1u);
}

TEST(Distribution, MomentsOfTheInHouseSamplers) {
    const Rng rng(7);
    scenario::Distribution beta;
    beta.kind = scenario::Distribution::Kind::Beta;
    beta.mean = 0.7;
    beta.sd = 0.1;
    const double common = 0.7 * 0.3 / 0.01 - 1;
    beta.alpha = 0.7 * common;
    beta.beta = 0.3 * common;
    scenario::Distribution logn;
    logn.kind = scenario::Distribution::Kind::Lognormal;
    logn.mean = 1;
    logn.sd = 0.2;
    double sb = 0, sb2 = 0, sl = 0;
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
        RngStream r(rng, Stream::SimFunds, static_cast<std::uint32_t>(i), 0);
        const double x = beta.sample(r);
        sb += x;
        sb2 += x * x;
        sl += logn.sample(r);
    }
    EXPECT_NEAR(sb / n, 0.7, 4 * 0.1 / std::sqrt(n));
    EXPECT_NEAR(std::sqrt(sb2 / n - (sb / n) * (sb / n)), 0.1, 0.005);
    EXPECT_NEAR(sl / n, 1.0, 4 * 0.2 / std::sqrt(n));
}

}  // namespace
}  // namespace ntm
