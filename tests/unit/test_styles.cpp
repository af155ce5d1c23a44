// The QGIS styles every GeoPackage carries (report/qgis_style.h): one palette per measure shared
// with the maps, a class for every feature (townships "not assessed", works "not built in most
// draws"), differences on a diverging palette around zero; and the QML itself against the golden
// files in tests/golden/styles/ (NTM_UPDATE_GOLDEN=1 rewrites them: scripts/update-golden.sh).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "render/style.h"
#include "report/qgis_style.h"
#include "test_paths.h"

namespace ntm::report {
namespace {

namespace fs = std::filesystem;
using render::Color;

const LayerStyle& find(const std::vector<LayerStyle>& styles, const std::string& table,
                       const std::string& name_part) {
    for (const auto& s : styles)
        if (s.table == table && s.name.find(name_part) != std::string::npos) return s;
    throw std::runtime_error("no style " + table + " / " + name_part);
}

struct Rule {
    std::string filter, label, color, style;
};

// The rules of a QML document with the colour and fill/line style of each rule's symbol.
std::vector<Rule> rules_of(const std::string& qml) {
    std::vector<Rule> out;
    const std::regex rule("<rule key=\"[^\"]*\" filter=\"([^\"]*)\" label=\"([^\"]*)\" symbol=\"");
    for (auto it = std::sregex_iterator(qml.begin(), qml.end(), rule); it != std::sregex_iterator();
         ++it)
        out.push_back({(*it)[1], (*it)[2], "", ""});
    const std::regex symbol("<symbol type=\"\\w+\" name=\"(\\d+)\"[^>]*>(.*?)</symbol>");
    for (auto it = std::sregex_iterator(qml.begin(), qml.end(), symbol);
         it != std::sregex_iterator(); ++it) {
        const auto i = static_cast<std::size_t>(std::stoi((*it)[1]));
        const std::string body = (*it)[2];
        std::smatch m;
        if (std::regex_search(body, m, std::regex("k=\"(?:line_)?color\" v=\"([^\"]*)\"")))
            out.at(i).color = m[1];
        if (std::regex_search(body, m, std::regex("k=\"(?:line_)?style\" v=\"([^\"]*)\"")))
            out.at(i).style = m[1];
    }
    return out;
}

std::string rgba(Color c) {
    return std::to_string(c.r) + "," + std::to_string(c.g) + "," + std::to_string(c.b) + ",255";
}

TEST(Styles, CommunesByProbabilityHaveTheMapsClassesAndANotAssessedClass) {
    const auto styles = results_styles(2017, 2025, 2019, 20);
    const auto& s = find(styles, "communes", "P(standard) by 2019");
    EXPECT_TRUE(s.is_default);
    EXPECT_NE(s.qml.find("type=\"RuleRenderer\""), std::string::npos);
    const auto rules = rules_of(s.qml);
    const auto ramp = render::probability_ramp("");
    ASSERT_EQ(rules.size(), ramp.colors.size() + 1);
    for (std::size_t i = 0; i < ramp.colors.size(); ++i) {
        EXPECT_EQ(rules[i].color, rgba(ramp.colors[i])) << i;
        EXPECT_EQ(rules[i].label, ramp.labels[i]);
    }
    EXPECT_EQ(rules.front().filter, "&quot;p_std_2019&quot; &lt; 0.2");
    EXPECT_EQ(rules.back().filter, "&quot;p_std_2019&quot; IS NULL");
    EXPECT_EQ(rules.back().label, "not assessed (township)");
    EXPECT_EQ(rules.back().style, "b_diagonal");
    // The commune names as labels.
    EXPECT_NE(s.qml.find("fieldName=\"name\""), std::string::npos);
}

TEST(Styles, MedianYearSeparatesAfterThePeriodFromNotAssessed) {
    const auto rules =
        rules_of(find(results_styles(2017, 2025, 2019, 20), "communes", "median year").qml);
    ASSERT_EQ(rules.size(), 9u + 2u);
    EXPECT_EQ(rules[9].label, "after the period");
    EXPECT_NE(rules[9].filter.find("IS NULL AND"), std::string::npos);
    EXPECT_EQ(rules[10].label, "not assessed (township)");
    EXPECT_NE(rules[10].filter.find("&apos;township&apos;"), std::string::npos);
}

TEST(Styles, WorksHaveTheirOwnPaletteAndANotBuiltClass) {
    const auto styles = results_styles(2017, 2025, 2025, 20);
    std::set<std::string> commune_colours;
    for (const auto& s : styles)
        if (s.table == "communes")
            for (const auto& r : rules_of(s.qml)) commune_colours.insert(r.color);
    for (const char* table : {"road_plan", "canal_plan", "school_plan", "facility_plan"}) {
        const auto& s = find(styles, table, "");
        EXPECT_TRUE(s.is_default) << table;
        const auto rules = rules_of(s.qml);
        ASSERT_EQ(rules.size(), 10u) << table;  // nine years and not built
        EXPECT_EQ(rules.back().filter, "&quot;median_year&quot; IS NULL");
        EXPECT_EQ(rules.back().label, "not built in most draws");
        for (std::size_t i = 0; i + 1 < rules.size(); ++i)
            EXPECT_EQ(commune_colours.count(rules[i].color), 0u) << table << " " << rules[i].color;
    }
    EXPECT_EQ(rules_of(find(styles, "road_plan", "").qml).back().style, "dash");
}

TEST(Styles, DifferencesAreDivergingAroundZeroOnTheDifferenceField) {
    const auto styles = comparison_styles({"high"}, {"baseline", "high"}, 2019);
    const auto& s = find(styles, "communes", "difference");
    EXPECT_TRUE(s.is_default);
    const auto rules = rules_of(s.qml);
    ASSERT_EQ(rules.size(), 8u);
    for (std::size_t i = 0; i + 1 < rules.size(); ++i)
        EXPECT_NE(rules[i].filter.find("&quot;diff_high&quot;"), std::string::npos) << i;
    EXPECT_EQ(rules[3].filter,
              "&quot;diff_high&quot; &gt;= -0.05 AND &quot;diff_high&quot; &lt; 0.05");
    EXPECT_EQ(rules[3].label, "±5 pt");
    EXPECT_EQ(rules[3].color, "247,247,247,255");  // neutral at zero
    EXPECT_EQ(rules[0].label, "−100 to −50 pt");
    // Red below zero, blue above.
    const auto ramp = render::difference_ramp("");
    EXPECT_GT(ramp.colors.front().r, ramp.colors.front().b);
    EXPECT_GT(ramp.colors.back().b, ramp.colors.back().r);
    EXPECT_EQ(ramp.color(-0.01), ramp.color(0.01));
}

TEST(Styles, CriteriaMetIsCountedInCriteria) {
    const auto ramp = render::count_ramp("", 20);
    ASSERT_EQ(ramp.labels.size(), 5u);
    EXPECT_EQ(ramp.labels.front(), "0–4");
    EXPECT_EQ(ramp.labels.back(), "16–20");
    for (const auto& l : ramp.labels) EXPECT_EQ(l.find('%'), std::string::npos) << l;
    const auto rules = rules_of(assessment_styles(19).front().qml);
    EXPECT_EQ(rules.back().label, "not assessed (township)");
    EXPECT_NE(rules.front().filter.find("criteria_met"), std::string::npos);
}

TEST(Styles, VietnameseWords) {
    const auto styles = results_styles(2017, 2025, 2019, 20, "vi");
    EXPECT_EQ(rules_of(find(styles, "road_plan", "").qml).back().label,
              "không xây trong đa số lần mô phỏng");
    EXPECT_EQ(rules_of(find(styles, "communes", "Xác suất").qml).back().label,
              "không đánh giá (thị trấn)");
}

// The QML written for Can Lộc's period, byte for byte.
TEST(Styles, Golden) {
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& s : results_styles(2017, 2025, 2025, 20))
        if (s.is_default) files.emplace_back("results-" + s.table + ".qml", s.qml);
    files.emplace_back("results-communes-median-year.qml",
                       find(results_styles(2017, 2025, 2025, 20), "communes", "median").qml);
    files.emplace_back("assess-communes.qml", assessment_styles(20).front().qml);
    files.emplace_back("compare-communes.qml",
                       comparison_styles({"high-mobilisation"}, {"baseline"}, 2019).front().qml);
    const fs::path dir = fs::path(test::kSourceDir) / "tests/golden/styles";
    const bool update = std::getenv("NTM_UPDATE_GOLDEN") != nullptr;
    for (const auto& [name, qml] : files) {
        if (update) {
            fs::create_directories(dir);
            std::ofstream(dir / name, std::ios::binary) << qml;
            continue;
        }
        std::ifstream in(dir / name, std::ios::binary);
        ASSERT_TRUE(in) << dir / name << " is missing: run scripts/update-golden.sh";
        std::stringstream want;
        want << in.rdbuf();
        EXPECT_EQ(want.str(), qml) << name << " differs: if intended, run scripts/update-golden.sh";
    }
}

}  // namespace
}  // namespace ntm::report
