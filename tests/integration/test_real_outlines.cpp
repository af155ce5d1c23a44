// Real outlines end to end (slow: about 5 minutes on 2 cores): Hà Tĩnh's 69 real units generated,
// assessed against vn-2026, and their road lengths checked against GDAL's SQL.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>

#include "support/cli.h"
#include "support/fixtures.h"
#include "support/run.h"
#include "test_paths.h"

namespace ntm {
namespace {

using test::info_csv;
using test::ntmsim;
using test::num;
using test::ogr_sql;
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
    std::map<std::pair<std::string, std::string>, double> ours, oracle;
    const std::map<std::string, std::string> class_of = {
        {"2.1", "commune_axis"}, {"2.2", "village_axis"}, {"2.3", "alley"}, {"2.4", "field"}};
    for (const auto& row : ogr_sql(out,
                                   "SELECT code, indicator, denominator FROM indicators WHERE "
                                   "indicator IN ('2.1','2.2','2.3','2.4')"))
        ours[{row.at("code"), class_of.at(row.at("indicator"))}] = num(row.at("denominator"));
    const auto rows = ogr_sql(
        area,
        "SELECT c.code AS code, r.class AS class, SUM(ST_Length(ST_Intersection(c.geom, r.geom))) "
        "AS m "
        "FROM communes c JOIN rtree_roads_geom t ON t.minx <= ST_MaxX(c.geom) AND t.maxx >= "
        "ST_MinX(c.geom) "
        "AND t.miny <= ST_MaxY(c.geom) AND t.maxy >= ST_MinY(c.geom) JOIN roads r ON r.fid = t.id "
        "WHERE ST_Intersects(c.geom, r.geom) GROUP BY c.code, r.class");
    std::map<std::string, double> oracle_total;  // all classes, per unit, km
    for (const auto& row : rows) {
        oracle_total[row.at("code")] += num(row.at("m")) / 1000;
        if (row.at("class") != "other")
            oracle[{row.at("code"), row.at("class")}] = num(row.at("m"));
    }
    int compared = 0;
    for (const auto& [key, m] : oracle) {
        if (m < 1e-6) continue;
        if (!ours.count(key)) continue;  // wards are not assessed: no indicator rows
        EXPECT_LT(std::abs(ours[key] - m) / m, 1e-6)
            << key.first << " " << key.second << ": " << ours[key] << " vs " << m;
        ++compared;
    }
    EXPECT_GT(compared, 200);
    const auto info = info_csv(area);
    ASSERT_EQ(info.size(), 69u + 2);  // and the rows "inside" and "layer" (totals)
    for (const auto& [code, row] : info) {
        if (code == "inside" || code == "layer") continue;
        double km = 0;
        for (const auto& [col, v] : row)
            if (col.rfind("road_", 0) == 0) km += num(v);
        // info prints 6 decimals (1 mm): 25 columns' rounding on top of the 1e-6 relative
        // agreement.
        EXPECT_NEAR(km, oracle_total[code], 1e-6 * oracle_total[code] + 25 * 5e-7) << code;
    }
}

}  // namespace
}  // namespace ntm
