// The roadmap optimiser (engine/plan): the solver's optimum against brute-force enumeration on
// small built cases, the least extra money and the failing targets when the money falls short,
// money that balances by source and year, and the same answer every time.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>

#include "core/error.h"
#include "plan/cover.h"
#include "plan/model.h"
#include "plan/optimise.h"
#include "scenario/scenario.h"
#include "support/fixtures.h"

using namespace ntm;
using namespace ntm::plan;

namespace {

constexpr std::size_t idx(auto e) { return static_cast<std::size_t>(e); }

// One commune with criteria made of one indicator each (a share x/D against a threshold).
struct Builder {
    Problem p;
    explicit Builder(int years) {
        p.years = years;
        p.start = 2017;
        for (auto& row : p.money.pooled) row.assign(static_cast<std::size_t>(years), 0.0);
    }
    std::uint32_t commune(const std::string& code, double people = 0, double capacity = INFINITY) {
        plan::Commune c;
        c.code = code;
        c.name = "Xã " + code;
        c.people_per_year = people;
        c.capacity_bn = capacity;
        p.communes.push_back(c);
        return static_cast<std::uint32_t>(p.communes.size() - 1);
    }
    // A criterion with one indicator x/D ≥ threshold (the same every year); returns the indicator.
    std::uint32_t criterion(std::uint32_t c, double x0, double D0, double threshold,
                            bool soft = false, int lead = 0, double cost_per_year = 0) {
        Criterion cr;
        cr.commune = c;
        cr.id = std::to_string(p.criteria.size() + 1);
        cr.soft_open = soft;
        cr.lead_years = lead;
        cr.cost_per_year = cost_per_year;
        Indicator ind;
        ind.commune = c;
        ind.criterion = static_cast<std::uint32_t>(p.criteria.size());
        ind.id = cr.id + ".1";
        ind.x0 = x0;
        ind.D0 = D0;
        ind.threshold.assign(static_cast<std::size_t>(p.years), threshold);
        cr.indicators.push_back(static_cast<std::uint32_t>(p.indicators.size()));
        p.indicators.push_back(ind);
        p.communes[c].criteria.push_back(static_cast<std::uint32_t>(p.criteria.size()));
        p.criteria.push_back(cr);
        return cr.indicators.back();
    }
    void work(std::uint32_t indicator, double dx, double cost, int earliest = 0) {
        Work w;
        w.commune = p.indicators[indicator].commune;
        w.id = "w" + std::to_string(p.works.size());
        w.label = w.id;
        w.cost_bn = cost;
        w.earliest = earliest;
        w.effects.push_back({indicator, dx, 0});
        p.works.push_back(w);
    }
    void money(Source s, std::vector<double> per_year) {
        p.money.pooled[idx(s)] = std::move(per_year);
    }
    void target(std::uint32_t c, int by, int count = 0, int count_by = 0) {
        p.targets.push_back({c, by, count, count_by});
    }
};

// Every schedule of a small problem: each work unpaid or paid in a year, each programme pushed in
// any subset of years. The cheapest one that settle() finds sound and meeting every target.
double brute_force(const Problem& p, bool& found) {
    const int Y = p.years;
    std::vector<std::size_t> soft;
    for (std::size_t j = 0; j < p.criteria.size(); ++j)
        if (p.criteria[j].soft_open && p.criteria[j].soft_possible) soft.push_back(j);
    Schedule s;
    s.work_year.assign(p.works.size(), -1);
    s.pushed.assign(p.criteria.size(), std::vector<char>(static_cast<std::size_t>(Y), 0));
    double best = INFINITY;
    found = false;
    std::function<void(std::size_t)> programmes = [&](std::size_t k) {
        if (k == soft.size()) {
            const auto o = settle(p, s);
            bool ok = o.money_ok && o.capacity_ok;
            for (const char m : o.target_met) ok = ok && m;
            if (ok && o.cost_bn < best) {
                best = o.cost_bn;
                found = true;
            }
            return;
        }
        for (int mask = 0; mask < (1 << Y); ++mask) {
            for (int y = 0; y < Y; ++y)
                s.pushed[soft[k]][static_cast<std::size_t>(y)] = (mask >> y) & 1;
            programmes(k + 1);
        }
    };
    std::function<void(std::size_t)> works = [&](std::size_t w) {
        if (w == p.works.size()) return programmes(0);
        for (int y = -1; y < Y; ++y) {
            if (y >= 0 && (y < p.works[w].earliest || y + p.lag >= Y)) continue;
            s.work_year[w] = y;
            works(w + 1);
        }
        s.work_year[w] = -1;
    };
    works(0);
    return best;
}

// A random small case: up to 3 communes × 3 years, a handful of works and a programme or two.
Problem random_case(std::mt19937& rng) {
    std::uniform_real_distribution<double> u(0, 1);
    const int Y = 2 + static_cast<int>(rng() % 2);
    Builder b(Y);
    const int nc = 1 + static_cast<int>(rng() % 3);
    int works = 0;
    for (int c = 0; c < nc; ++c) {
        const auto cc =
            b.commune("C" + std::to_string(c), u(rng) < 0.5 ? 0.0 : std::round(u(rng) * 20) / 10,
                      u(rng) < 0.3 ? 6.0 : INFINITY);
        const int ncrit = 1 + static_cast<int>(rng() % 2);
        for (int j = 0; j < ncrit && works < 6; ++j) {
            const auto i = b.criterion(cc, std::round(u(rng) * 4), 10,
                                       0.5 + 0.1 * static_cast<double>(rng() % 4));
            const int nw = 1 + static_cast<int>(rng() % 3);
            for (int k = 0; k < nw && works < 6; ++k, ++works)
                b.work(i, 2 + static_cast<double>(rng() % 4), 1 + static_cast<double>(rng() % 5),
                       static_cast<int>(rng() % 2));
        }
        if (u(rng) < 0.5)
            b.criterion(cc, 1, 1, 1, true, 1 + static_cast<int>(rng() % 2),
                        0.5 + static_cast<double>(rng() % 2));
        const int by = Y - 1 - static_cast<int>(rng() % 2);
        if (u(rng) < 0.4) {
            b.target(cc, by, 1, 0);
        } else {
            b.target(cc, by);
        }
    }
    b.money(Source::Central,
            std::vector<double>(static_cast<std::size_t>(Y), std::round(u(rng) * 120) / 10));
    b.money(Source::Province,
            std::vector<double>(static_cast<std::size_t>(Y), std::round(u(rng) * 30) / 10));
    b.p.index();
    return b.p;
}

PlanResult solve(const Problem& p, Objective objective = Objective::MinCost) {
    PlanOptions o;
    o.objective = objective;
    o.solve.time_limit_s = 60;
    auto solver = make_cbc_solver();
    return plan_roadmap(p, o, *solver);
}

}  // namespace

TEST(Plan, OptimumEqualsBruteForceOnSmallCases) {
    std::mt19937 rng(20170615);
    int compared = 0, short_of_money = 0;
    for (int trial = 0; trial < 60; ++trial) {
        const auto p = random_case(rng);
        bool found = false;
        const double best = brute_force(p, found);
        const auto r = solve(p);
        ASSERT_TRUE(r.solved) << "trial " << trial;
        bool reachable = true;
        for (const auto& why : r.unreachable) reachable = reachable && why.empty();
        if (found) {
            EXPECT_FALSE(r.funding_gap) << "trial " << trial;
            EXPECT_EQ(r.status, SolveResult::Status::Optimal);
            EXPECT_NEAR(r.outcome.cost_bn, best, 1e-6) << "trial " << trial;
            EXPECT_TRUE(r.outcome.money_ok);
            EXPECT_TRUE(r.outcome.capacity_ok);
            for (const char m : r.outcome.target_met) EXPECT_TRUE(m) << "trial " << trial;
            ++compared;
        } else if (reachable) {
            // Nothing meets the targets within the money: the solver must say how much is missing.
            EXPECT_TRUE(r.funding_gap) << "trial " << trial;
            ++short_of_money;
        }
    }
    std::printf("%d cases compared with the brute force, %d short of money\n", compared,
                short_of_money);
    EXPECT_GE(compared, 8);  // the cases cover both answers
    EXPECT_GE(short_of_money, 3);
}

TEST(Plan, MaxCommunesEqualsBruteForceOverSubsetsOfTargets) {
    std::mt19937 rng(42);
    for (int trial = 0; trial < 15; ++trial) {
        const auto p = random_case(rng);
        // The most targets any schedule meets within the money, by enumeration over subsets.
        int most = 0;
        for (unsigned mask = 0; mask < (1U << p.targets.size()); ++mask) {
            Problem q = p;
            q.targets.clear();
            for (std::size_t k = 0; k < p.targets.size(); ++k)
                if (mask & (1U << k)) q.targets.push_back(p.targets[k]);
            bool found = false;
            brute_force(q, found);
            if (found) most = std::max(most, static_cast<int>(q.targets.size()));
        }
        const auto r = solve(p, Objective::MaxCommunes);
        ASSERT_TRUE(r.solved);
        int met = 0;
        for (const char m : r.outcome.target_met) met += m;
        EXPECT_EQ(met, most) << "trial " << trial;
        EXPECT_TRUE(r.outcome.money_ok);
    }
}

TEST(Plan, LeastExtraMoneyAndTheFailingTarget) {
    // Two communes: A needs a work of 5 bn, B one of 7 bn, both by the end of year 1. The pool
    // brings 1 (central) + 2 (province) = 3 bn a year: 6 in all, 12 needed: 6 bn short, asked for
    // in the last year (it could pay for anything before), split 1:2 over the sources. Within the
    // money only A can be met.
    Builder b(2);
    const auto a = b.commune("A"), c = b.commune("B");
    b.work(b.criterion(a, 0, 10, 1), 10, 5);
    b.work(b.criterion(c, 0, 10, 1), 10, 7);
    b.target(a, 1);
    b.target(c, 1);
    b.money(Source::Central, {1, 1});
    b.money(Source::Province, {2, 2});
    const auto r = solve(b.p);
    ASSERT_TRUE(r.solved);
    EXPECT_TRUE(r.funding_gap);
    EXPECT_NEAR(r.extra[idx(Source::Central)][0] + r.extra[idx(Source::Province)][0], 0, 1e-6);
    EXPECT_NEAR(r.extra[idx(Source::Central)][1], 2, 1e-6);
    EXPECT_NEAR(r.extra[idx(Source::Province)][1], 4, 1e-6);
    EXPECT_TRUE(r.outcome.money_ok);  // with the extra money the plan is paid
    ASSERT_EQ(r.met_within_money.size(), 2U);
    EXPECT_TRUE(r.met_within_money[0]);
    EXPECT_FALSE(r.met_within_money[1]);
}

TEST(Plan, PeoplesMoneyStaysInItsCommune) {
    // A's people bring 10 bn a year, B's nothing, the pool nothing: B's work cannot be paid.
    Builder b(1);
    const auto a = b.commune("A", 10), c = b.commune("B");
    b.work(b.criterion(a, 0, 10, 1), 10, 4);
    b.work(b.criterion(c, 0, 10, 1), 10, 4);
    b.target(a, 0);
    b.target(c, 0);
    const auto r = solve(b.p);
    ASSERT_TRUE(r.solved);
    EXPECT_TRUE(r.funding_gap);
    double extra = 0;
    for (const auto& row : r.extra)
        for (const double v : row) extra += v;
    EXPECT_NEAR(extra, 4, 1e-6);
}

TEST(Plan, CreditIsRepaidFromThePoolWithinItsCap) {
    // A work of 6 bn in year 0 with 2 bn of pool a year and credit of up to 4 bn (cap 4, repaid
    // over 2 years): borrow 4 in year 0, repay 2 in each of years 1 and 2 from the pool.
    Builder b(3);
    const auto a = b.commune("A");
    b.work(b.criterion(a, 0, 10, 1), 10, 6);
    b.target(a, 0);
    b.money(Source::Central, {2, 2, 2});
    b.p.money.credit_per_year = {10, 10, 10};
    b.p.money.debt_cap = 4;
    b.p.money.repay_years = 2;
    const auto r = solve(b.p);
    ASSERT_TRUE(r.solved);
    EXPECT_FALSE(r.funding_gap);
    EXPECT_TRUE(r.outcome.money_ok);
    const auto& L = r.outcome.ledger;
    EXPECT_NEAR(L.borrowed[0], 4, 1e-6);
    EXPECT_NEAR(L.repaid[idx(Source::Central)][1], 2, 1e-6);
    EXPECT_NEAR(L.repaid[idx(Source::Central)][2], 2, 1e-6);
    EXPECT_NEAR(L.debt[2], 0, 1e-6);
    // A cap of 3 leaves 1 bn short in year 0.
    b.p.money.debt_cap = 3;
    const auto short_r = solve(b.p);
    EXPECT_TRUE(short_r.funding_gap);
    EXPECT_NEAR(short_r.extra[idx(Source::Central)][0], 1, 1e-6);
}

TEST(Plan, MoneyBalancesBySourceAndYear) {
    std::mt19937 rng(7);
    for (int trial = 0; trial < 10; ++trial) {
        auto p = random_case(rng);
        p.money.credit_per_year.assign(static_cast<std::size_t>(p.years), 2.0);
        p.money.debt_cap = 3;
        p.money.repay_years = 2;
        const auto r = solve(p);
        ASSERT_TRUE(r.solved);
        const auto& L = r.outcome.ledger;
        double paid = 0;
        for (const auto& pay : r.outcome.payments) paid += pay.amount_bn;
        EXPECT_NEAR(paid, r.outcome.cost_bn, 1e-9);
        for (const auto src : scenario::kSources) {
            double carried = 0;
            for (int y = 0; y < p.years; ++y) {
                const auto yy = static_cast<std::size_t>(y);
                EXPECT_NEAR(
                    carried + L.available[idx(src)][yy],
                    L.spent[idx(src)][yy] + L.repaid[idx(src)][yy] + L.carried[idx(src)][yy], 1e-9)
                    << "trial " << trial << ", source " << scenario::source_name(src) << ", year "
                    << y;
                EXPECT_GE(L.carried[idx(src)][yy], -1e-9);
                carried = L.carried[idx(src)][yy];
            }
        }
        for (const double d : L.debt) EXPECT_LE(d, 3 + 1e-6);
    }
}

TEST(Plan, UnreachableTargetsSayWhy) {
    Builder b(2);
    const auto a = b.commune("A");
    b.p.indicators.at(b.criterion(a, 0, 10, 1)).measurable = false;
    const auto c = b.commune("B");
    b.criterion(c, 1, 1, 1, true, 3, 1);  // a programme of 3 years in a plan of 2
    b.target(a, 1);
    b.target(c, 1);
    b.money(Source::Central, {100, 100});
    const auto why = unreachable_targets(b.p);
    ASSERT_EQ(why.size(), 2U);
    EXPECT_NE(why[0].find("not measured"), std::string::npos) << why[0];
    EXPECT_NE(why[1].find("3 years"), std::string::npos) << why[1];
}

TEST(Plan, IntermediateCountAndLeadTimes) {
    // By the end of year 0 at least 2 of 3 criteria; all 3 by the end of year 2. Criterion 3 is a
    // programme of 2 years at 1 bn a year: pushed in two of the years 0..2.
    Builder b(3);
    const auto a = b.commune("A");
    const auto i1 = b.criterion(a, 0, 10, 0.5);
    const auto i2 = b.criterion(a, 0, 10, 0.5);
    b.criterion(a, 1, 1, 1, true, 2, 1);
    b.work(i1, 5, 3);
    b.work(i2, 5, 2);
    b.target(a, 2, 2, 0);
    b.money(Source::Central, {10, 10, 10});
    const auto r = solve(b.p);
    ASSERT_TRUE(r.solved);
    EXPECT_NEAR(r.outcome.cost_bn, 3 + 2 + 2, 1e-9);
    EXPECT_GE(r.outcome.met_count[0][0], 2);
    EXPECT_TRUE(r.outcome.at_standard[0][2]);
    EXPECT_EQ(r.schedule.work_year[0], 0);
    EXPECT_EQ(r.schedule.work_year[1], 0);
}

TEST(Plan, SameInputSameAnswer) {
    std::mt19937 rng(99);
    const auto p = random_case(rng);
    const auto a = solve(p), b = solve(p);
    ASSERT_TRUE(a.solved && b.solved);
    EXPECT_EQ(a.schedule.work_year, b.schedule.work_year);
    EXPECT_EQ(a.schedule.pushed, b.schedule.pushed);
    EXPECT_EQ(a.outcome.cost_bn, b.outcome.cost_bn);
    ASSERT_EQ(a.outcome.payments.size(), b.outcome.payments.size());
    for (std::size_t k = 0; k < a.outcome.payments.size(); ++k)
        EXPECT_EQ(a.outcome.payments[k].amount_bn, b.outcome.payments[k].amount_bn);
}

TEST(PlanCover, BoundAndCoverAgainstEnumeration) {
    // Random covering knapsacks, small enough to enumerate: the bound never exceeds the least cost
    // and is within a hair of it; the cover truly covers and costs at least the least cost. With
    // up to 24 items both are exact; with more, the dynamic programming's rounding is checked on
    // gains proportional to cost (road pieces), where it matters most.
    std::mt19937 rng(15);
    std::uniform_real_distribution<double> u(0, 1);
    for (int trial = 0; trial < 40; ++trial) {
        const std::size_t n = trial < 30 ? 1 + rng() % 12 : 26;
        std::vector<CoverItem> items;
        for (std::size_t k = 0; k < n; ++k) {
            const double gain = trial % 3 == 0 ? -0.1 + u(rng) : 0.05 + u(rng);
            items.push_back(
                {gain, trial >= 30 ? 0.9 * std::max(gain, 0.0) + 1e-3 * u(rng) : 0.1 + 5 * u(rng)});
        }
        const double shortfall = 0.5 + u(rng) * static_cast<double>(n) / 4;
        double least = INFINITY;
        if (n <= 20)
            for (std::uint32_t mask = 0; mask < (1U << n); ++mask) {
                double g = 0, c = 0;
                for (std::size_t k = 0; k < n; ++k)
                    if (mask & (1U << k)) {
                        g += items[k].gain;
                        c += items[k].cost;
                    }
                if (g >= shortfall) least = std::min(least, c);
            }
        const double bound = least_cover_cost(items, shortfall);
        const auto cover = cheap_cover(items, shortfall);
        double all = 0;
        for (const auto& it : items) all += std::max(it.gain, 0.0);
        if (all < shortfall) {
            EXPECT_TRUE(std::isinf(bound)) << "trial " << trial;
            EXPECT_TRUE(cover.chosen.empty()) << "trial " << trial;
            continue;
        }
        double g = 0, c = 0;
        for (const auto k : cover.chosen) {
            g += items[k].gain;
            c += items[k].cost;
        }
        EXPECT_GE(g, shortfall) << "trial " << trial;
        EXPECT_NEAR(c, cover.cost, 1e-9);
        EXPECT_LE(bound, cover.cost + 1e-12) << "trial " << trial;
        if (n <= 20) {
            EXPECT_LE(bound, least + 1e-9) << "trial " << trial;
            EXPECT_NEAR(bound, least, 1e-9) << "trial " << trial;  // exact up to 24 items
            EXPECT_NEAR(cover.cost, least, 1e-9) << "trial " << trial;
        } else {
            EXPECT_LE(cover.cost - bound, 1e-3 * cover.cost) << "trial " << trial;
        }
    }
    EXPECT_EQ(least_cover_cost({{1, 2}}, 0), 0);
    EXPECT_TRUE(cheap_cover({{1, 2}}, -1).chosen.empty());
}

TEST(Plan, CapacityThatRulesOutATargetIsFoundCommuneByCommune) {
    // A needs two works of 4 bn by the end of year 0 with a capacity of 6 bn a year: no schedule,
    // whatever the money, although each work alone fits. B, beside it, is planned as usual.
    Builder b(2);
    const auto a = b.commune("A", 0, 6), c = b.commune("B", 0, 6);
    const auto ia = b.criterion(a, 0, 10, 1);
    b.work(ia, 5, 4);
    b.work(ia, 5, 4);
    b.work(b.criterion(c, 0, 10, 1), 10, 3);
    b.target(a, 0);
    b.target(c, 1);
    b.money(Source::Central, {20, 20});
    b.p.index();
    EXPECT_TRUE(unreachable_targets(b.p)[0].empty());  // not seen without the schedule
    const auto r = solve(b.p);
    ASSERT_TRUE(r.solved);
    EXPECT_NE(r.unreachable[0].find("capacity"), std::string::npos) << r.unreachable[0];
    EXPECT_TRUE(r.unreachable[1].empty());
    EXPECT_EQ(r.status, SolveResult::Status::Optimal);
    EXPECT_TRUE(r.outcome.target_met[1]);
    EXPECT_NEAR(r.outcome.cost_bn, 3, 1e-9);
}

TEST(PlanModel, PiecesAreAddedOneByOne) {
    Builder b(3);
    const auto a = b.commune("A");
    b.work(b.criterion(a, 0, 10, 1), 10, 5, 1);
    b.target(a, 2);
    RoadmapModel m(b.p);
    m.add_work_decisions();
    // Paid by year 1 or by year 2 (not year 0: it can start in year 1), never unpaid once paid.
    EXPECT_EQ(m.mip().cols(), 2U);
    EXPECT_EQ(m.mip().rows.size(), 1U);
    m.add_targets(RoadmapModel::TargetMode::Required).add_min_cost_objective();
    EXPECT_EQ(m.mip().cost[1], 5);  // the cost sits on "paid by the last year"
}

TEST(ScenarioPlan, RegistrationAndScheduleAreRead) {
    test::TempDir dir("plan-scenario");
    std::ofstream(dir / "base.yaml")
        << "funding: [{source: central, amount: 1}]\nperiod: {start: 2017, end: 2020}\n";
    std::ofstream(dir / "plan.yaml")
        << "extends: base\n"
           "registration:\n  targets:\n    - {communes: [A, B], by: 2019, min_criteria: {count: "
           "10, by: 2017}}\n"
           "schedule:\n"
           "  - {commune: \"001\", year: 2017, layer: roads, fid: 12, source: people, cost_bn: "
           "0.5}\n"
           "  - {commune: \"001\", year: 2018, programme: \"13\", source: province, cost_bn: 1}\n"
           "  - {commune: \"002\", year: 2019, new_facility: market, source: central}\n";
    const auto s = scenario::load_scenario(dir / "plan.yaml");
    ASSERT_EQ(s.targets.size(), 1U);
    EXPECT_EQ(s.targets[0].communes, (std::vector<std::string>{"A", "B"}));
    EXPECT_EQ(s.targets[0].by, 2019);
    EXPECT_EQ(s.targets[0].min_criteria, 10);
    EXPECT_EQ(s.targets[0].min_criteria_by, 2017);
    ASSERT_EQ(s.schedule.size(), 3U);
    EXPECT_EQ(s.schedule[0].commune, "001");
    EXPECT_EQ(s.schedule[0].layer, "roads");
    EXPECT_EQ(s.schedule[0].fid, 12);
    EXPECT_EQ(s.schedule[0].source, scenario::Source::People);
    EXPECT_DOUBLE_EQ(s.schedule[0].cost_bn, 0.5);
    EXPECT_EQ(s.schedule[1].programme, "13");
    EXPECT_EQ(s.schedule[2].new_facility, "market");
}

TEST(ScenarioPlan, BadScheduleEntriesNameLineAndKey) {
    test::TempDir dir("plan-bad");
    auto fails = [&](const std::string& entry, const std::string& expected) {
        std::ofstream(dir / "bad.yaml") << "funding: [{source: central, amount: 1}]\nperiod: "
                                           "{start: 2017, end: 2020}\nschedule:\n  - "
                                        << entry << "\n";
        try {
            scenario::load_scenario(dir / "bad.yaml");
            ADD_FAILURE() << "accepted: " << entry;
        } catch (const ConfigError& e) {
            const std::string what = e.what();
            EXPECT_NE(what.find("line 4"), std::string::npos) << what;
            EXPECT_NE(what.find(expected), std::string::npos) << what;
        }
    };
    fails("{commune: \"1\", year: 2018, layer: roads, source: central}", "fid");
    fails("{commune: \"1\", year: 2018, layer: roads, fid: 1, programme: \"13\", source: central}",
          "exactly one");
    fails("{commune: \"1\", year: 2030, programme: \"13\", source: central}", "outside the period");
    fails("{commune: \"1\", year: 2018, programme: \"13\", source: bank}", "unknown source");
    fails("{commune: \"1\", year: 2018, layer: rivers, fid: 1, source: central}",
          "not a layer with works");
}
