// Criteria sets as data, and evaluating communes against them.
#include <gtest/gtest.h>

#include <functional>

#include "core/error.h"
#include "criteria/criteria_set.h"
#include "criteria/evaluate.h"
#include "io/catalogue.h"
#include "scenario/scenario.h"
#include "support/fixtures.h"
#include "test_paths.h"

namespace ntm {
namespace {

using criteria::load_criteria_set;
using criteria::Verdict;
using test::TempDir;
using test::write_text;

TEST(CriteriaSets, BundledSetsLoadWithTheirCriteria) {
    const auto vn2016 = load_criteria_set("vn-2016");
    EXPECT_EQ(vn2016.criteria.size(), 19u);
    const auto hatinh = load_criteria_set("hatinh-2017");
    EXPECT_EQ(hatinh.criteria.size(), 20u);
    EXPECT_EQ(hatinh.criteria.back().id, "20");
    EXPECT_EQ(hatinh.lineage, (std::vector<std::string>{"hatinh-2017", "vn-2016"}));
    const auto vn2021 = load_criteria_set("vn-2021");
    EXPECT_EQ(vn2021.criteria.size(), 19u);
    EXPECT_EQ(vn2021.find("3")->name.vi.rfind("Thủy lợi và phòng", 0), 0u);
    // Every status indicator a set uses is in the catalogue, and every name has both languages.
    const auto catalogue = io::default_catalogue();
    for (const auto* set : {&vn2016, &hatinh, &vn2021}) {
        for (const auto& c : set->criteria) {
            EXPECT_FALSE(c.name.vi.empty() || c.name.en.empty()) << set->id << " " << c.id;
            for (const auto& i : c.indicators) {
                if (i.measure == criteria::Measure::Status)
                    EXPECT_NE(catalogue.find(i.status_indicator), nullptr)
                        << set->id << " " << i.id;
                EXPECT_NE(catalogue.find(i.id), nullptr) << set->id << " indicator " << i.id;
            }
        }
    }
}

TEST(CriteriaSets, ThresholdsByRegionAndYear) {
    const auto set = load_criteria_set("hatinh-2017");
    const auto& village = set.find("2")->indicators[1];
    ASSERT_EQ(village.id, "2.2");
    EXPECT_DOUBLE_EQ(village.threshold.at(Region::BTB, CommuneGroup::Group2, 2017, ""), 0.70);
    EXPECT_DOUBLE_EQ(village.threshold.at(Region::DBSH, CommuneGroup::Group2, 2017, ""), 1.0);
    EXPECT_DOUBLE_EQ(village.threshold.at(Region::TDMNPB, CommuneGroup::Group2, 2017, ""), 0.50);
    const auto& income = set.find("10")->indicators[0];
    // Income rises year by year to BTB's 36 M VND in 2020 (DOMAIN.md §2.1) and stays there.
    EXPECT_DOUBLE_EQ(income.threshold.at(Region::BTB, CommuneGroup::Group2, 2020, ""), 36);
    EXPECT_DOUBLE_EQ(income.threshold.at(Region::BTB, CommuneGroup::Group2, 2024, ""), 36);
    EXPECT_LT(income.threshold.at(Region::BTB, CommuneGroup::Group2, 2017, ""),
              income.threshold.at(Region::BTB, CommuneGroup::Group2, 2019, ""));
    EXPECT_DOUBLE_EQ(income.threshold.at(Region::BTB, CommuneGroup::Group2, 2010, ""),
                     income.threshold.at(Region::BTB, CommuneGroup::Group2, 2016, ""));
}

TEST(CriteriaSets, TypoGetsFileLineAndKey) {
    TempDir dir("crit-typo");
    write_text(dir / "mine.yaml", R"(id: mine
name: {vi: Thử, en: Trial}
extends: vn-2016
criteria:
  - id: "2"
    name: {vi: Giao thông, en: Transport}
    indicators:
      - id: "2.2"
        measure: road_hardened_share
        clas: village_axis
        op: ">="
        threshold: 0.8
)");
    try {
        load_criteria_set(dir / "mine.yaml");
        FAIL() << "expected a ConfigError";
    } catch (const ConfigError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("mine.yaml, line 10"), std::string::npos) << m;
        EXPECT_NE(m.find("clas"), std::string::npos) << m;
        EXPECT_NE(m.find("class"), std::string::npos) << m;  // the allowed keys include it
    }
    write_text(dir / "bad-op.yaml",
               "id: bad-op\nname: {vi: a, en: b}\ncriteria:\n  - id: \"1\"\n    name: {vi: a, en: "
               "b}\n    indicators:\n      - {id: \"1\", measure: status, indicator: \"1\", op: "
               "\"=>\", threshold: true}\n");
    try {
        load_criteria_set(dir / "bad-op.yaml");
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("line 7"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("=>"), std::string::npos) << e.what();
    }
}

TEST(CriteriaSets, ExtendsReplacesAndRemoves) {
    TempDir dir("crit-extends");
    // A trial set over hatinh-2017 (itself over vn-2016): stricter village roads, no criterion 19.
    write_text(dir / "hatinh-2017.yaml",
               "id: hatinh-2017\nname: {vi: a, en: b}\nextends: vn-2016\ncriteria: []\n");
    std::filesystem::copy_file(std::string(test::kSourceDirForCriteria) + "/vn-2016.yaml",
                               dir / "vn-2016.yaml");
    write_text(dir / "trial.yaml", R"(id: trial
name: {vi: Thử, en: Trial}
extends: hatinh-2017
remove: ["19"]
criteria:
  - id: "2"
    name: {vi: Giao thông, en: Transport}
    indicators:
      - {id: "2.2", measure: road_hardened_share, class: village_axis, op: ">=", threshold: 0.9}
)");
    const auto set = load_criteria_set(dir / "trial.yaml");
    EXPECT_EQ(set.criteria.size(), 18u);
    EXPECT_EQ(set.find("19"), nullptr);
    ASSERT_EQ(set.find("2")->indicators.size(), 1u);
    EXPECT_DOUBLE_EQ(
        set.find("2")->indicators[0].threshold.at(Region::BTB, CommuneGroup::Group2, 2017, ""),
        0.9);
    EXPECT_EQ(set.criteria[1].id, "2");  // replaced in place, order kept
    write_text(dir / "loop-a.yaml", "id: loop-a\nname: {vi: a, en: b}\nextends: loop-b\n");
    write_text(dir / "loop-b.yaml", "id: loop-b\nname: {vi: a, en: b}\nextends: loop-a\n");
    EXPECT_THROW(load_criteria_set(dir / "loop-a.yaml"), ConfigError);
}

TEST(CriteriaSets, Vn2026TenCriteriaWithThresholdsByCommuneGroup) {
    const auto set = load_criteria_set("vn-2026");
    ASSERT_EQ(set.criteria.size(), 10u);
    EXPECT_EQ(set.criteria.back().id, "10");
    const auto catalogue = io::default_catalogue();
    for (const auto& c : set.criteria)
        for (const auto& i : c.indicators)
            if (i.measure == criteria::Measure::Status)
                EXPECT_NE(catalogue.find(i.status_indicator), nullptr) << "vn-2026 " << i.id;
    // Village axes (2.2): the group decides, whatever the region.
    const auto& village = set.find("2")->indicators.at(1);
    ASSERT_EQ(village.id, "2.2");
    EXPECT_DOUBLE_EQ(village.threshold.at(Region::BTB, CommuneGroup::Group1, 2026, ""), 1.0);
    EXPECT_DOUBLE_EQ(village.threshold.at(Region::DBSH, CommuneGroup::Group2, 2026, ""), 0.7);
    EXPECT_DOUBLE_EQ(village.threshold.at(Region::BTB, CommuneGroup::Group3, 2026, ""), 0.5);
    // Income (3.1) by group and year.
    const auto& income = set.find("3")->indicators.at(0);
    EXPECT_EQ(income.status_indicator, "10");
    EXPECT_DOUBLE_EQ(income.threshold.at(Region::BTB, CommuneGroup::Group2, 2026, ""), 52);
    EXPECT_DOUBLE_EQ(income.threshold.at(Region::BTB, CommuneGroup::Group2, 2030, ""), 69);
    EXPECT_LT(income.threshold.at(Region::BTB, CommuneGroup::Group3, 2030, ""),
              income.threshold.at(Region::BTB, CommuneGroup::Group1, 2030, ""));
}

TEST(CriteriaSets, ThresholdByRegionOrByGroupNeverBoth) {
    TempDir dir("crit-group");
    write_text(dir / "mixed.yaml", R"(id: mixed
name: {vi: a, en: b}
criteria:
  - id: "2"
    name: {vi: Giao thông, en: Transport}
    indicators:
      - {id: "2.2", measure: road_hardened_share, class: village_axis, op: ">=", threshold: {BTB: 0.7, group1: 1.0}}
)");
    try {
        load_criteria_set(dir / "mixed.yaml");
        FAIL() << "mixed thresholds accepted";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("mixes regions and commune groups"), std::string::npos)
            << e.what();
    }
    write_text(dir / "groups.yaml", R"(id: groups
name: {vi: a, en: b}
criteria:
  - id: "2"
    name: {vi: Giao thông, en: Transport}
    indicators:
      - {id: "2.2", measure: road_hardened_share, class: village_axis, op: ">=", threshold: {group1: 1.0, group3: 0.5}}
)");
    const auto set = load_criteria_set(dir / "groups.yaml");
    try {
        set.find("2")->indicators[0].threshold.at(Region::BTB, CommuneGroup::Group2, 2026, "here");
        FAIL() << "no value for group 2 accepted";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("no threshold for commune group2"), std::string::npos)
            << e.what();
    }
}

// Two communes measured by hand (test::two_communes) against a small set.
TEST(Evaluate, VerdictsAndGapsInPhysicalUnits) {
    TempDir dir("crit-eval");
    write_text(dir / "small.yaml", R"(id: small
name: {vi: a, en: b}
criteria:
  - id: "2"
    name: {vi: Giao thông, en: Transport}
    indicators:
      - {id: "2.1", measure: road_hardened_share, class: commune_axis, op: ">=", threshold: 1.0}
      - {id: "2.2", measure: road_hardened_share, class: village_axis, op: ">=", threshold: {BTB: 0.7, default: 0.5}}
  - id: "5"
    name: {vi: Trường học, en: Schools}
    indicators:
      - {id: "5", measure: school_standard_share, op: ">=", threshold: 0.8}
  - id: "7"
    name: {vi: Chợ, en: Market}
    indicators:
      - {id: "7", measure: facility_standard_present, kind: market, op: "==", threshold: true}
  - id: "10"
    name: {vi: Thu nhập, en: Income}
    indicators:
      - {id: "10", measure: status, indicator: "10", op: ">=", threshold: {by_year: {2016: 29, 2020: 36}}}
  - id: "13"
    name: {vi: Tổ chức sản xuất, en: Production}
    indicators:
      - {id: "13", measure: status, indicator: "13", op: "==", threshold: true}
)");
    const auto set = load_criteria_set(dir / "small.yaml");
    const auto area = test::two_communes();
    const auto m = indicators::measure_area(area);
    const auto res = criteria::evaluate(set, area, m, 2017);
    const auto& A = res[0];
    const auto& B = res[1];
    // Transport: A's commune axis is concrete (met) but its 800 m of village road is earth:
    // 0.7 × 800 = 560 m to harden. B has no village road at all: unknown, never silently met.
    EXPECT_EQ(A.criteria[0].indicators[0].verdict, Verdict::Met);
    EXPECT_EQ(A.criteria[0].indicators[1].verdict, Verdict::NotMet);
    ASSERT_TRUE(A.criteria[0].indicators[1].gap);
    EXPECT_NEAR(A.criteria[0].indicators[1].gap->amount, 0.56, 1e-12);
    EXPECT_EQ(A.criteria[0].indicators[1].gap->text,
              "0.56 km of village_axis road to harden (asphalt or concrete)");
    EXPECT_EQ(A.criteria[0].verdict, Verdict::NotMet);
    EXPECT_EQ(B.criteria[0].indicators[1].verdict, Verdict::Unknown);
    EXPECT_EQ(B.criteria[0].verdict, Verdict::Unknown);
    // Schools: A 1/1 standard (met); B 0/1: one school to bring to the standard.
    EXPECT_EQ(A.criteria[1].verdict, Verdict::Met);
    EXPECT_EQ(B.criteria[1].verdict, Verdict::NotMet);
    EXPECT_EQ(B.criteria[1].indicators[0].gap->text, "1 school to bring to the standard");
    // Market: A has none (build one); B has one below the standard (upgrade it).
    EXPECT_EQ(A.criteria[2].indicators[0].gap->text, "1 market to build");
    EXPECT_EQ(B.criteria[2].indicators[0].gap->text, "1 market to bring to the standard");
    // Income: A 32.5 ≥ 29 in 2017, but not ≥ 36 in 2020: lost because the threshold rose.
    EXPECT_EQ(A.criteria[3].verdict, Verdict::Met);
    EXPECT_EQ(criteria::evaluate(set, area, m, 2020)[0].criteria[3].verdict, Verdict::NotMet);
    // No status row for B's income: unknown. B's criterion 13 is met from the status table.
    EXPECT_EQ(B.criteria[3].verdict, Verdict::Unknown);
    EXPECT_EQ(B.criteria[4].verdict, Verdict::Met);
    EXPECT_EQ(A.criteria[4].verdict, Verdict::Unknown);
    // Before any status row (2016 < 2017): unknown.
    EXPECT_EQ(criteria::evaluate(set, area, m, 2016)[1].criteria[4].verdict, Verdict::Unknown);
    EXPECT_EQ(A.met, 2);
    EXPECT_EQ(A.not_met, 2);
    EXPECT_EQ(A.unknown, 1);
    EXPECT_FALSE(A.standard);
    // A missing layer makes its indicators unknown, not zero.
    criteria::LayersPresent no_schools;
    no_schools.schools = false;
    EXPECT_EQ(criteria::evaluate(set, area, m, 2017, no_schools)[1].criteria[1].verdict,
              Verdict::Unknown);
}

// The one YAML reading layer (core/yaml_reader.h): a value of the wrong kind, a key that is not
// a name, a key given twice and a missing threshold are ConfigErrors with the file and line,
// never a yaml-cpp exception (the two fuzz findings kept in tests/fuzz/findings/).
TEST(YamlReading, WrongKindsAreConfigErrorsWithFileAndLine) {
    TempDir dir("yaml-kinds");
    auto refused = [&](const std::string& name, const std::string& text,
                       const std::function<void(const std::string&)>& load,
                       const std::vector<std::string>& expected) {
        write_text(dir / name, text);
        const std::string path = dir / name;
        try {
            load(path);
            ADD_FAILURE() << name << ": accepted";
        } catch (const ConfigError& e) {
            const std::string m = e.what();
            EXPECT_NE(m.find(path), std::string::npos) << m;
            for (const auto& part : expected) EXPECT_NE(m.find(part), std::string::npos) << m;
        } catch (const std::exception& e) {
            ADD_FAILURE() << name << ": escaped as " << e.what();
        }
    };
    const auto scenario = [](const std::string& p) { scenario::load_scenario(p); };
    const auto criteria = [](const std::string& p) { load_criteria_set(p); };
    refused("list-key.yaml", "? - source: central\n: 1\nfunding: [{source: central, amount: 1}]\n",
            scenario, {"line 1", "plain name"});
    refused("twice.yaml", "funding: [{source: central, amount: 1}]\nseed: 3\nseed: 4\n", scenario,
            {"line 3", "'seed'", "given twice (first at line 2)"});
    refused("soft-twice.yaml",
            "funding: [{source: central, amount: 1}]\nsoft_criteria:\n  \"13\": {cost_bn: 1}\n"
            "  \"13\": {cost_bn: 2}\n",
            scenario, {"line 4", "soft_criteria.13", "given twice"});
    refused("no-threshold.yaml",
            "id: t\nname: {vi: a, en: b}\ncriteria:\n  - id: \"1\"\n    name: {vi: a, en: b}\n"
            "    indicators:\n      - {id: \"1\", measure: status, indicator: \"1\", op: \"==\"}\n",
            criteria, {"line 7", "threshold", "missing"});
    refused(
        "year-key.yaml",
        "id: t\nname: {vi: a, en: b}\ncriteria:\n  - id: \"1\"\n    name: {vi: a, en: b}\n"
        "    indicators:\n      - id: \"1\"\n        measure: status\n        indicator: \"1\"\n"
        "        op: \"==\"\n        threshold: {by_year: {[2017]: true}}\n",
        criteria, {"line 11", "plain name"});
    // The fuzzers' reproducers.
    for (const auto* f : {"scenario-bad-conversion.yaml", "criteria-no-threshold.yaml",
                          "scenario-long-extends.yaml"}) {
        const auto path = std::string(test::kSourceDir) + "/tests/fuzz/findings/" + f;
        try {
            if (std::string(f).rfind("scenario", 0) == 0)
                scenario::load_scenario(path);
            else
                load_criteria_set(path);
            ADD_FAILURE() << f << ": accepted";
        } catch (const ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find(", line "), std::string::npos) << e.what();
        }
    }
}

}  // namespace
}  // namespace ntm
