// Units over time: crosswalks keyed by (code, period) and remapping tables between periods.
#include <gtest/gtest.h>

#include <numeric>

#include "core/error.h"
#include "core/text.h"
#include "support/fixtures.h"
#include "test_paths.h"
#include "units/crosswalk.h"
#include "units/remap.h"

namespace ntm {
namespace {

using test::TempDir;
using test::write_text;
using units::Table;

// Old units A, B, C (2017) → new X (A and B merged, and 30% of C), Y (70% of C: a split), and D
// split with no shares given (equal split between X and Y).
const char* kCrosswalk =
    "from_period,from_code,from_name,to_period,to_code,to_name,part,share\n"
    "2017,1,An,2025,10,Xuân,full,\n"
    "2017,2,Bình,2025,10,Xuân,full,\n"
    "2017,3,Cầu,2025,10,Xuân,partial,0.3\n"
    "2017,3,Cầu,2025,20,Yên,partial,0.7\n"
    "2017,4,Đông,2025,10,Xuân,partial,\n"
    "2017,4,Đông,2025,20,Yên,partial,\n";

Table old_table() {
    Table t;
    t.path = "communes.csv";
    t.columns = {"code",          "name", "population", "spent_bn",
                 "p_at_standard", "c_1",  "c_2",        "criteria_met"};
    t.rows = {{"1", "An", "1000", "10", "0.5", "met", "met", "2"},
              {"2", "Bình", "3000", "20", "0.9", "met", "not_met", "1"},
              {"3", "Cầu", "2000", "40", "0.2", "met", "met", "2"},
              {"4", "Đông", "500", "6", "1", "met", "met", "2"}};
    return t;
}

double column_sum(const Table& t, const std::string& column) {
    const auto i = static_cast<std::size_t>(std::find(t.columns.begin(), t.columns.end(), column) -
                                            t.columns.begin());
    double s = 0;
    for (const auto& r : t.rows) s += parse_double(r[i]).value_or(0);
    return s;
}

const std::vector<std::string>& row_of(const Table& t, const std::string& code) {
    for (const auto& r : t.rows)
        if (r[0] == code) return r;
    throw std::runtime_error("no row " + code);
}

TEST(Units, CrosswalkSharesAndEqualSplit) {
    TempDir dir("units-cw");
    write_text(dir / "cw.csv", kCrosswalk);
    const auto cw = units::load_crosswalk(dir / "cw.csv", "2017", "2025");
    ASSERT_EQ(cw.links.size(), 6u);
    EXPECT_DOUBLE_EQ(cw.links[2].share, 0.3);
    EXPECT_TRUE(cw.links[2].share_given);
    EXPECT_DOUBLE_EQ(cw.links[4].share, 0.5);  // no share given: equal split
    EXPECT_FALSE(cw.links[4].share_given);
    EXPECT_EQ(units::label(cw.links[0].to), "10 (2025)");
}

TEST(Units, RemapKeepsTotalsForwardAndBack) {
    TempDir dir("units-totals");
    write_text(dir / "cw.csv", kCrosswalk);
    const auto cw = units::load_crosswalk(dir / "cw.csv", "2017", "2025");
    const Table old = old_table();
    const auto fwd = units::remap_table(old, cw, {});
    ASSERT_EQ(fwd.table.rows.size(), 2u);
    // Counts and money summed, by hand: X = 1000 + 3000 + 0.3 × 2000 + 0.5 × 500 = 4850.
    EXPECT_DOUBLE_EQ(parse_double(row_of(fwd.table, "10")[2]).value(), 4850);
    EXPECT_DOUBLE_EQ(parse_double(row_of(fwd.table, "20")[2]).value(), 0.7 * 2000 + 0.5 * 500);
    EXPECT_DOUBLE_EQ(column_sum(fwd.table, "population"), column_sum(old, "population"));
    EXPECT_DOUBLE_EQ(column_sum(fwd.table, "spent_bn"), column_sum(old, "spent_bn"));
    // Shares weighted by population × share: Y = (0.2 × 1400 + 1 × 250) / 1650.
    EXPECT_NEAR(parse_double(row_of(fwd.table, "20")[4]).value(), (0.2 * 1400 + 1.0 * 250) / 1650,
                1e-12);

    // Back again, through the reversed crosswalk weighted by the old populations: totals kept.
    std::map<units::UnitKey, double> w;
    for (const auto& r : old.rows) w[{r[0], "2017"}] = parse_double(r[2]).value();
    const auto back_cw = cw.reversed(w);
    const auto back = units::remap_table(fwd.table, back_cw, {});
    EXPECT_EQ(back.table.rows.size(), 4u);
    EXPECT_NEAR(column_sum(back.table, "population"), column_sum(old, "population"), 1e-9);
    EXPECT_NEAR(column_sum(back.table, "spent_bn"), column_sum(old, "spent_bn"), 1e-9);
}

TEST(Units, MergedUnitMeetsACriterionOnlyWhereEveryPartMeetsIt) {
    TempDir dir("units-merge");
    write_text(dir / "cw.csv", kCrosswalk);
    const auto cw = units::load_crosswalk(dir / "cw.csv", "2017", "2025");
    const auto fwd = units::remap_table(old_table(), cw, {});
    const auto& x = row_of(fwd.table, "10");
    EXPECT_EQ(x[1], "Xuân");
    EXPECT_EQ(x[5], "met");      // c_1: every part met it
    EXPECT_EQ(x[6], "not_met");  // c_2: Bình did not
    EXPECT_EQ(x[7], "1");        // criteria_met recounted from the merged verdicts
    const auto& y = row_of(fwd.table, "20");
    EXPECT_EQ(y[6], "met");  // Y's parts (of Cầu and Đông) both met c_2
    EXPECT_EQ(y[7], "2");
}

TEST(Units, SplitUnitIsApportionedByItsShares) {
    TempDir dir("units-split");
    write_text(dir / "cw.csv", kCrosswalk);
    const auto cw = units::load_crosswalk(dir / "cw.csv", "2017", "2025");
    Table t;
    t.path = "status.csv";
    t.columns = {"commune_code", "year", "indicator", "value", "households"};
    t.rows = {{"3", "2025", "11", "0.04", "800"}, {"3", "2024", "11", "0.05", "780"}};
    const auto r = units::remap_table(t, cw, {{{"3", "2017"}, 2000}});
    ASSERT_EQ(r.table.rows.size(), 4u);  // two new units × two years, sorted by code then year
    EXPECT_EQ(r.table.rows[0][0], "10");
    EXPECT_EQ(r.table.rows[0][1], "2024");
    EXPECT_DOUBLE_EQ(parse_double(r.table.rows[1][4]).value(), 0.3 * 800);
    EXPECT_DOUBLE_EQ(parse_double(r.table.rows[3][4]).value(), 0.7 * 800);
    EXPECT_DOUBLE_EQ(parse_double(r.table.rows[3][3]).value(), 0.04);  // a rate stays a rate
    // The links used are reported, with their shares.
    ASSERT_EQ(r.used.size(), 2u);
    EXPECT_FALSE(r.used[0].link->full);
    EXPECT_DOUBLE_EQ(r.used[1].link->share, 0.7);
}

TEST(Units, SameResultWhateverTheRowOrder) {
    TempDir dir("units-order");
    write_text(dir / "cw.csv", kCrosswalk);
    const auto cw = units::load_crosswalk(dir / "cw.csv", "2017", "2025");
    Table a = old_table(), b = old_table();
    std::reverse(b.rows.begin(), b.rows.end());
    EXPECT_EQ(units::remap_table(a, cw, {}).table.rows, units::remap_table(b, cw, {}).table.rows);
}

std::string message_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}

TEST(Units, ClearMessagesNamingUnitAndPeriod) {
    TempDir dir("units-errors");
    write_text(dir / "cw.csv", kCrosswalk);
    const auto cw = units::load_crosswalk(dir / "cw.csv", "2017", "2025");
    // A unit the crosswalk does not know.
    Table t = old_table();
    t.rows.push_back({"9", "Hải", "10", "1", "0", "met", "met", "2"});
    auto m = message_of([&] { units::remap_table(t, cw, {}); });
    EXPECT_NE(m.find("unit 9 (2017) 'Hải' is not in the crosswalk"), std::string::npos) << m;
    EXPECT_NE(m.find("line 6"), std::string::npos) << m;
    // A code reused across periods: 10 is Xuân in 2025; a 2025 table given as 2017.
    Table reused = old_table();
    reused.rows = {{"10", "Xuân", "1", "1", "0", "met", "met", "2"}};
    m = message_of([&] { units::remap_table(reused, cw, {}); });
    EXPECT_NE(m.find("of period 2025, not of period 2017"), std::string::npos) << m;
    EXPECT_NE(m.find("codes are reused across periods"), std::string::npos) << m;
    // Shares that do not add up.
    write_text(dir / "bad.csv",
               "from_code,from_name,to_code,to_name,part,share\n3,Cầu,10,X,partial,0.3\n3,Cầu,20,Y,"
               "partial,0.6\n");
    m = message_of([&] { units::load_crosswalk(dir / "bad.csv", "2017", "2025"); });
    EXPECT_NE(m.find("the shares of unit 3 (2017) 'Cầu' add up to 0.900000"), std::string::npos)
        << m;
    // Full, yet split.
    write_text(dir / "full.csv", "from_code,to_code,part\n5,10,full\n5,20,partial\n");
    m = message_of([&] { units::load_crosswalk(dir / "full.csv", "2017", "2025"); });
    EXPECT_NE(m.find("unit 5 (2017)"), std::string::npos) << m;
}

TEST(Units, ReadsTheOfficialCrosswalkColumns) {
    TempDir dir("units-official");
    write_text(dir / "official.csv",
               "new_province_code,new_province,new_code,new_name,old_province_code,old_province,"
               "old_code,old_name,part\n"
               "42,Hà Tĩnh,18466,Xã Gia Hanh,42,Hà Tĩnh,18463,Xã Gia Hanh,full\n"
               "42,Hà Tĩnh,18466,Xã Gia Hanh,42,Hà Tĩnh,18466,Xã Khánh Vĩnh Yên,full\n"
               "01,Hà Nội,00004,Phường Ba Đình,01,Hà Nội,00016,Phường Ngọc Hà,partial\n"
               "01,Hà Nội,00008,Phường Ngọc Hà,01,Hà Nội,00016,Phường Ngọc Hà,partial\n");
    const auto cw = units::load_crosswalk(dir / "official.csv", "2025-06", "2025-07");
    ASSERT_EQ(cw.links.size(), 4u);
    // Code 18466 is two units: Khánh Vĩnh Yên before, Gia Hanh after.
    EXPECT_EQ(cw.links[1].from.code, cw.links[1].to.code);
    EXPECT_NE(cw.links[1].from, cw.links[1].to);
    EXPECT_DOUBLE_EQ(cw.links[2].share, 0.5);  // the official file gives no shares: equal split
}

TEST(Units, CanLocSampleCrosswalkCoversEvery2017Commune) {
    const auto cw = units::load_crosswalk(
        std::string(test::kSourceDir) + "/datasets/canloc/crosswalk-2025.csv", "2017", "2025");
    EXPECT_EQ(cw.by_from.size(), 23u);
    std::set<std::string> targets;
    for (const auto& l : cw.links) targets.insert(l.to.code);
    EXPECT_EQ(targets,
              (std::set<std::string>{"18406", "18418", "18436", "18466", "18481", "18484"}));
}

}  // namespace
}  // namespace ntm
