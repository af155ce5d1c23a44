// Real outlines end to end (slow: minutes on 2 cores): Hà Tĩnh's 69 real units and the whole
// country's 3,321 generated, validated and assessed against vn-2026, and their road lengths checked
// against GDAL's SQL.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include "support/cli.h"
#include "support/fixtures.h"
#include "support/run.h"
#include "test_paths.h"

namespace ntm {
namespace {

using test::ntmsim;
using test::quote;
using test::run;

// Hà Tĩnh's real 2025 units (datasets/hatinh-2025): generated from the recipe, assessed against
// vn-2026; road length per unit and class from `assess` and from `info` equal GDAL's SQLite
// dialect on the same file (1e-6 relative), so the irregular real outlines are clipped alike.
TEST(CliRealOutlines, HatinhAssessAndInfoAgreeWithGdalSql) {
    test::TempDir dir("cli-real");
    const std::string area = dir / "hatinh-2025.gpkg", out = dir / "assess.gpkg";
    auto r = run(ntmsim("generate --recipe " +
                        quote(std::string(test::kSourceDir) + "/datasets/hatinh-2025/recipe.yaml") +
                        " -o " + quote(area)));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("69 communes"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("UTM zone 48N"), std::string::npos) << r.out;  // the scale error report
    r = run(ntmsim("assess " + quote(area) + " --criteria vn-2026 --year 2026 -q --overwrite -o " +
                   quote(out)));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("of 60 communes meet all 10 criteria"), std::string::npos) << r.out;
    const auto agreement = test::expect_road_lengths_agree_with_gdal(area, out);
    EXPECT_GT(agreement.compared, 200);
    EXPECT_EQ(agreement.info_rows, 69u + 2);  // and the rows "inside" and "layer" (totals)
}

// The coarse variant of the check above (82 s on 2 loaded cores, too slow for the default suite):
// Hà Tĩnh's 69 real units with coarse synthetic assets (2 km² cells, 10 km of road per
// 15 km²), generated, validated and assessed against vn-2026; road length per unit and class from
// assess, and per unit from info, equal GDAL's SQLite dialect on the same file (1e-6 relative).
TEST(CliRealOutlines, HatinhCoarseAssessAndInfoAgreeWithGdalSql) {
    test::TempDir dir("cli-real-quick");
    const std::string recipe = dir / "coarse.yaml", area = dir / "coarse.gpkg",
                      out = dir / "assess.gpkg";
    test::write_text(recipe,
                     "name: Hà Tĩnh, coarse\nseed: 3\nlayout: {hamlet_cell_km2: 2.0}\n"
                     "roads: {km_per_commune: 10}\ncanals: {km_per_commune: 3}\n"
                     "status: {year: 2025}\ncommunes_from: {file: " +
                         std::string(test::kSourceDir) + "/datasets/hatinh-2025/outlines.gpkg}\n");
    auto r = run(ntmsim("generate --recipe " + quote(recipe) + " -o " + quote(area)));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("69 communes"), std::string::npos) << r.out;
    r = run(ntmsim("validate " + quote(area)));
    EXPECT_EQ(r.exit_code, 0) << r.out;
    r = run(
        ntmsim("assess " + quote(area) + " --criteria vn-2026 --year 2026 -q -o " + quote(out)));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    const auto agreement = test::expect_road_lengths_agree_with_gdal(area, out);
    EXPECT_GT(agreement.compared, 150);
    EXPECT_EQ(agreement.info_rows, 69u + 2);
}

// The national real-boundary area (datasets/vn-2025: the repository's simplified outlines of all
// 3,321 units) generates, validates and assesses against vn-2026; road lengths per unit and class
// from `assess`, and per unit from `info`, equal GDAL's SQLite dialect on the same file (1e-6
// relative). About 15 minutes on 2 shared cores.
TEST(CliRealOutlines, NationalGeneratesValidatesAssessesAndAgreesWithGdalSql) {
    test::TempDir dir("cli-national");
    const std::string area = dir / "vn-2025.gpkg", out = dir / "assess.gpkg";
    auto r = run(ntmsim("generate --recipe " +
                        quote(std::string(test::kSourceDir) + "/datasets/vn-2025/recipe.yaml") +
                        " -o " + quote(area)));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("3321 communes"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("UTM zones 48N, 49N"), std::string::npos) << r.out;
    r = run(ntmsim("validate " + quote(area)));
    EXPECT_EQ(r.exit_code, 0) << r.out;  // usable: warnings at most
    EXPECT_NE(r.out.find("0 errors"), std::string::npos) << r.out;
    r = run(ntmsim("assess " + quote(area) + " --criteria vn-2026 --year 2026 -q --overwrite -o " +
                   quote(out)));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("communes meet all 10 criteria"), std::string::npos) << r.out;
    const auto agreement = test::expect_road_lengths_agree_with_gdal(area, out);
    EXPECT_GT(agreement.compared, 2600 * 3);  // 2,624 assessed units, most with 4 classes
    EXPECT_EQ(agreement.info_rows, 3321u + 2);
    std::printf(
        "national: %d (unit, class) road lengths compared, worst relative difference %.3g; "
        "%.1f km inside the units\n",
        agreement.compared, agreement.worst, agreement.km);
}

}  // namespace
}  // namespace ntm
