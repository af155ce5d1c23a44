// Compare and export, read back through GDAL: counts, values, CRS, Vietnamese names; the styled
// GeoPackage; the GeoTIFF at commune centroids; a real PNG; an HTML report with no external URL;
// a failed export leaves nothing behind.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "core/text.h"
#include "geo/gdal.h"
#include "geo/kernels.h"
#include "render/raster.h"
#include "render/style.h"
#include "support/fixtures.h"
#include "support/run.h"
#include "test_paths.h"

namespace ntm {
namespace {

using test::quote;
using test::run;
namespace fs = std::filesystem;

std::string ntmsim(const std::string& args) { return std::string(test::kNtmsim) + " " + args; }

std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

// Two Can Lộc scenarios simulated once for the whole suite.
class Export : public ::testing::Test {
 protected:
    static void SetUpTestSuite() {
        s_dir = new test::TempDir("export");
        const std::string root = test::kSourceDir;
        const auto r = run(ntmsim("simulate " + quote(root + "/datasets/canloc") + " " +
                                  quote(root + "/scenarios/canloc/baseline.yaml") + " " +
                                  quote(root + "/scenarios/canloc/targets-first.yaml") +
                                  " --draws 200 -o " + quote(*s_dir / "out") + " 2>/dev/null"));
        ASSERT_EQ(r.exit_code, 0) << r.out;
    }
    static void TearDownTestSuite() { delete s_dir; }
    static std::string results(const char* s) { return *s_dir / (std::string("out/") + s); }
    static test::TempDir* s_dir;
};
test::TempDir* Export::s_dir = nullptr;

// The communes layer of a vector output: code → (name, value of `field`).
std::map<std::string, std::pair<std::string, std::string>> communes_of(const std::string& path,
                                                                       const std::string& layer,
                                                                       const std::string& field) {
    auto src = geo::VectorSource::open(path);
    auto l = layer.empty() ? src.layer(0) : src.layer(layer);
    const int code = l.field_index("code"), name = l.field_index("name"),
              value = l.field_index(field);
    EXPECT_GE(code, 0);
    EXPECT_GE(value, 0) << field;
    std::map<std::string, std::pair<std::string, std::string>> out;
    geo::Feature f;
    while (l.next(f))
        out[f.values[static_cast<std::size_t>(code)].value_or("")] = {
            f.values[static_cast<std::size_t>(name)].value_or(""),
            f.values[static_cast<std::size_t>(value)].value_or("")};
    return out;
}

TEST_F(Export, CompareRanksAndPairsAndRefusesOtherAreas) {
    const std::string cmp = *s_dir / "cmp";
    const auto r =
        run(ntmsim("compare " + quote(results("baseline")) + " " + quote(results("targets-first")) +
                   " --target \"communes at standard by 2019\" -o " + quote(cmp)));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    for (const char* f :
         {"district.csv", "communes.csv", "changes.csv", "money.csv", "years.csv", "compare.gpkg"})
        EXPECT_TRUE(fs::exists(fs::path(cmp) / f)) << f;
    // The paired interval is tighter than the two runs' own spread would allow, and the target
    // communes are the ones that change most.
    // Pushing the targets helps them and delays others: the biggest gains are the targets'.
    auto src = geo::VectorSource::open(cmp + "/changes.csv");
    auto l = src.layer(0);
    geo::Feature f;
    const std::set<std::string> targets = {"Gia Hanh",    "Phú Lộc",  "Xuân Lộc", "Kim Lộc",
                                           "Thuần Thiện", "Song Lộc", "Trung Lộc"};
    int gains = 0;
    while (l.next(f) && gains < 3) {
        const double diff =
            *parse_double(*f.values[static_cast<std::size_t>(l.field_index("diff"))]);
        if (diff <= 0) continue;
        ++gains;
        EXPECT_TRUE(
            targets.count(f.values[static_cast<std::size_t>(l.field_index("name"))].value_or("")))
            << r.out;
    }
    EXPECT_EQ(gains, 3);
    // Different seeds are refused unless allowed.
    const std::string other = *s_dir / "other";
    const std::string root = test::kSourceDir;
    ASSERT_EQ(run(ntmsim("simulate " + quote(root + "/datasets/canloc") + " " +
                         quote(root + "/scenarios/canloc/shortfall.yaml") +
                         " --draws 200 --seed 5 -o " + quote(other) + " 2>/dev/null"))
                  .exit_code,
              0);
    const auto refused =
        run(ntmsim("compare " + quote(results("baseline")) + " " + quote(other + "/shortfall") +
                   " -o " + quote(*s_dir / "cmp2") + " 2>&1"));
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.out.find("different seeds"), std::string::npos) << refused.out;
    EXPECT_FALSE(fs::exists(*s_dir / "cmp2"));
    EXPECT_EQ(
        run(ntmsim("compare " + quote(results("baseline")) + " " + quote(other + "/shortfall") +
                   " --allow-different-seeds -o " + quote(*s_dir / "cmp2") + " 2>/dev/null"))
            .exit_code,
        0);
    // The same area named another way (its area.yaml) is the same area: compared, not refused.
    const std::string alias = *s_dir / "alias";
    ASSERT_EQ(run(ntmsim("simulate " + quote(root + "/datasets/canloc/area.yaml") + " " +
                         quote(root + "/scenarios/canloc/shortfall.yaml") + " --draws 200 -o " +
                         quote(alias) + " 2>/dev/null"))
                  .exit_code,
              0);
    const auto same =
        run(ntmsim("compare " + quote(results("baseline")) + " " + quote(alias + "/shortfall") +
                   " -o " + quote(*s_dir / "cmp3") + " 2>&1"));
    EXPECT_EQ(same.exit_code, 0) << same.out;
    // Another area (a generated one) is refused, naming both.
    ASSERT_EQ(run(ntmsim("generate --communes 23 --seed 3 -o " + quote(*s_dir / "gen.gpkg") +
                         " 2>/dev/null"))
                  .exit_code,
              0);
    ASSERT_EQ(run(ntmsim("simulate " + quote(*s_dir / "gen.gpkg") + " " +
                         quote(root + "/scenarios/canloc/shortfall.yaml") + " --draws 200 -o " +
                         quote(*s_dir / "gen") + " 2>/dev/null"))
                  .exit_code,
              0);
    const auto other_area =
        run(ntmsim("compare " + quote(results("baseline")) + " " + quote(*s_dir / "gen/shortfall") +
                   " -o " + quote(*s_dir / "cmp4") + " 2>&1"));
    EXPECT_EQ(other_area.exit_code, 1) << other_area.out;
    EXPECT_NE(other_area.out.find("different areas"), std::string::npos) << other_area.out;
}

// Each commune's paired 95% interval is its own: it holds the commune's difference. (The draws
// tables count the township too; pairing by position shifted every interval by one commune.)
TEST_F(Export, EachCommunesIntervalHoldsItsDifference) {
    const std::string cmp = *s_dir / "interval-cmp";
    ASSERT_EQ(run(ntmsim("compare " + quote(results("baseline")) + " " +
                         quote(results("targets-first")) + " -o " + quote(cmp)))
                  .exit_code,
              0);
    auto src = geo::VectorSource::open(cmp + "/communes.csv", {"AUTODETECT_TYPE=YES"});
    auto l = src.layer(0);
    const int d = l.field_index("diff_targets-first"), lo = l.field_index("lo_targets-first"),
              hi = l.field_index("hi_targets-first"), name = l.field_index("name");
    geo::Feature f;
    int moved = 0;
    while (l.next(f)) {
        auto v = [&](int i) { return *parse_double(*f.values[static_cast<std::size_t>(i)]); };
        const auto who = f.values[static_cast<std::size_t>(name)].value_or("");
        EXPECT_LE(v(lo), v(d) + 1e-6) << who;
        EXPECT_GE(v(hi), v(d) - 1e-6) << who;
        moved += std::abs(v(d)) > 0.05;
    }
    EXPECT_GE(moved, 3);
}

TEST_F(Export, VectorFormatsReadBackWithNamesValuesAndCrs) {
    const auto reference =
        communes_of(results("baseline") + "/results.gpkg", "communes", "p_std_2019");
    ASSERT_EQ(reference.size(), 23u);
    struct Case {
        const char* format;
        const char* path;
        const char* file;  // inside the output, "" for a single file
        const char* field;
        int epsg;
    };
    const Case cases[] = {{"gpkg", "a.gpkg", "", "p_std_2019", 3405},
                          {"geojson", "b", "communes.geojson", "p_std_2019", 4326},
                          {"shp", "c", "communes.shp", "p_std_2019", 3405},
                          {"fgb", "d", "communes.fgb", "p_std_2019", 3405},
                          {"kml", "e.kml", "", "p_std_2019", 4326}};
    for (const auto& c : cases) {
        const std::string out = *s_dir / c.path;
        const auto r = run(ntmsim("export " + quote(results("baseline")) + " --format " + c.format +
                                  " -o " + quote(out)));
        ASSERT_EQ(r.exit_code, 0) << c.format << "\n" << r.out;
        const std::string file = std::string(c.file).empty() ? out : out + "/" + c.file;
        const auto got =
            communes_of(file, std::string(c.format) == "gpkg" ? "communes" : "", c.field);
        EXPECT_EQ(got.size(), reference.size()) << c.format;
        for (const auto& [code, v] : reference) {
            ASSERT_TRUE(got.count(code)) << c.format << " " << code;
            EXPECT_EQ(got.at(code).first, v.first) << c.format;  // Vietnamese names intact
            const auto a = parse_double(v.second), b = parse_double(got.at(code).second);
            EXPECT_EQ(a.has_value(), b.has_value()) << c.format << " " << code;
            if (a && b) EXPECT_NEAR(*a, *b, 1e-9) << c.format << " " << code;
        }
        auto src = geo::VectorSource::open(file);
        EXPECT_EQ(src.layer(0).crs().epsg, c.epsg) << c.format;
    }
    EXPECT_TRUE(fs::exists(*s_dir / "c/communes.cpg"));
}

TEST_F(Export, StyledGeoPackagePassesTheGeoPackageChecks) {
    const std::string out = *s_dir / "styled.gpkg";
    ASSERT_EQ(run(ntmsim("export " + quote(results("baseline")) + " --format gpkg --year 2019 -o " +
                         quote(out)))
                  .exit_code,
              0);
    // GDAL's own validator (Debian's python3-gdal ships it): silent and exit 0 when valid.
    const std::string validator =
        "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py";
    if (fs::exists(validator) && fs::exists("/usr/bin/python3")) {
        const auto v = run("/usr/bin/python3 " + validator + " " + quote(out) + " 2>&1");
        EXPECT_EQ(v.exit_code, 0) << v.out;
        EXPECT_EQ(v.out, "") << v.out;
    }
    // And the checks it makes that matter most to QGIS, in case it is not there: the required
    // tables, the SRS, contents with extents, an R-tree per spatial layer, and our layer_styles.
    auto q = [&](const std::string& sql) {
        return run("ogrinfo -ro -q " + quote(out) + " -sql " + quote(sql)).out;
    };
    EXPECT_NE(q("SELECT COUNT(*) AS n FROM gpkg_spatial_ref_sys WHERE srs_id = 3405")
                  .find("n (Integer) = 1"),
              std::string::npos);
    const auto contents =
        q("SELECT table_name, min_x FROM gpkg_contents WHERE data_type = 'features' AND min_x IS "
          "NOT NULL");
    for (const char* t : {"communes", "road_plan", "canal_plan"})
        EXPECT_NE(contents.find(t), std::string::npos) << t;
    EXPECT_NE(q("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'rtree_communes_geom'")
                  .find("n (Integer) = 1"),
              std::string::npos);
    const auto styles =
        q("SELECT f_table_name, styleName, useAsDefault, styleQML FROM layer_styles");
    EXPECT_NE(styles.find("RuleRenderer"), std::string::npos);
    EXPECT_NE(styles.find("p_std_2019"), std::string::npos);
    EXPECT_NE(styles.find("road_plan"), std::string::npos);
    const auto integrity = run("sqlite3 " + quote(out) + " 'PRAGMA integrity_check'");
    if (integrity.exit_code == 0) EXPECT_NE(integrity.out.find("ok"), std::string::npos);
}

// Every GeoPackage the commands write opens styled in QGIS (issue 18): a default style for each
// spatial layer, rule-based with a class for features with no value; the comparison keeps the
// township (not assessed) instead of leaving a hole.
TEST_F(Export, EveryGeoPackageHasADefaultStyleForEachSpatialLayer) {
    const std::string root = test::kSourceDir;
    const std::string assess = *s_dir / "styles-assess.gpkg";
    ASSERT_EQ(run(ntmsim("assess " + quote(root + "/datasets/canloc") +
                         " --criteria hatinh-2017 --year 2017 -q -o " + quote(assess)))
                  .exit_code,
              0);
    const std::string cmp = *s_dir / "styles-cmp";
    ASSERT_EQ(run(ntmsim("compare " + quote(results("baseline")) + " " +
                         quote(results("targets-first")) + " -o " + quote(cmp)))
                  .exit_code,
              0);
    const std::string exported = *s_dir / "styles-export.gpkg";
    ASSERT_EQ(
        run(ntmsim("export " + quote(cmp) + " --format gpkg -o " + quote(exported))).exit_code, 0);
    for (const std::string& gpkg :
         {assess, results("baseline") + "/results.gpkg", cmp + "/compare.gpkg", exported}) {
        auto q = [&](const std::string& sql) {
            return run("ogrinfo -ro -q " + quote(gpkg) + " -sql " + quote(sql)).out;
        };
        const auto tables = q("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'");
        int spatial = 0;
        for (const char* t :
             {"communes", "road_plan", "canal_plan", "school_plan", "facility_plan"}) {
            if (tables.find(std::string("= ") + t) == std::string::npos) continue;
            ++spatial;
            const auto style = q(std::string("SELECT styleQML FROM layer_styles WHERE "
                                             "useAsDefault = 1 AND f_table_name = '") +
                                 t + "'");
            EXPECT_NE(style.find("RuleRenderer"), std::string::npos) << gpkg << " " << t;
            EXPECT_NE(style.find("IS NULL"), std::string::npos) << gpkg << " " << t;
        }
        EXPECT_GE(spatial, 1) << gpkg;
    }
    // The comparison's difference style maps the difference, and Nghèn is there, with no value.
    const auto diff = run("ogrinfo -ro -q " + quote(cmp + "/compare.gpkg") + " -sql " +
                          quote("SELECT styleQML FROM layer_styles WHERE useAsDefault = 1"))
                          .out;
    EXPECT_NE(diff.find("diff_targets-first"), std::string::npos);
    EXPECT_EQ(communes_of(cmp + "/compare.gpkg", "communes", "diff_targets-first")["18800"],
              (std::pair<std::string, std::string>{"Nghèn", ""}));
}

// Shapefile names stop at 10 characters: every field gets a unique, meaningful short name, and
// the table of them is written beside each .shp (docs/formats.md).
TEST_F(Export, ShapefileNamesAreUniqueAndTabled) {
    const std::string cmp = *s_dir / "shp-cmp";
    ASSERT_EQ(run(ntmsim("compare " + quote(results("baseline")) + " " +
                         quote(results("targets-first")) + " -o " + quote(cmp)))
                  .exit_code,
              0);
    const std::string out = *s_dir / "shp-out";
    ASSERT_EQ(run(ntmsim("export " + quote(cmp) + " --format shp -o " + quote(out))).exit_code, 0);
    auto src = geo::VectorSource::open(out + "/communes.shp");
    const auto names = src.layer(0).field_names();
    std::set<std::string> seen;
    for (const auto& n : names) {
        EXPECT_LE(n.size(), 10u) << n;
        EXPECT_TRUE(seen.insert(n).second) << "twice: " << n;
    }
    for (const char* n : {"p_baseline", "p_tf", "diff_tf", "lo_tf", "hi_tf", "yr_base", "yr_tf"})
        EXPECT_TRUE(seen.count(n)) << n;
    const auto table = slurp(out + "/communes-names.csv");
    EXPECT_NE(table.find("diff_tf,diff_targets-first,\"P(standard) minus the reference's, "
                         "under targets-first\""),
              std::string::npos)
        << table;
    EXPECT_NE(table.find("shapefile_name,full_name,meaning"), std::string::npos);
    // The results' plans: median_year → med_year.
    const std::string plans = *s_dir / "shp-plans";
    ASSERT_EQ(
        run(ntmsim("export " + quote(results("baseline")) + " --format shp -o " + quote(plans)))
            .exit_code,
        0);
    EXPECT_NE(slurp(plans + "/road_plan-names.csv").find("med_year,median_year,"),
              std::string::npos);
}

// A point inside each commune (its centroid may lie outside: Can Lộc's communes are cut from
// real, concave outlines).
TEST_F(Export, GeoTiffHoldsTheCommuneValueInsideIt) {
    const std::string out = *s_dir / "p2019.tif";
    ASSERT_EQ(run(ntmsim("export " + quote(results("baseline")) +
                         " --format tif --year 2019 --cell 50 -o " + quote(out)))
                  .exit_code,
              0);
    auto src = geo::VectorSource::open(results("baseline") + "/results.gpkg");
    auto l = src.layer("communes");
    const int field = l.field_index("p_std_2019");
    geo::Feature f;
    int checked = 0;
    while (l.next(f)) {
        const auto v = f.values[static_cast<std::size_t>(field)];
        if (!v) continue;  // the township has no value
        const Point c = geo::point_on_surface(f.geometry.polygons);
        EXPECT_NEAR(geo::raster_value_at(out, c), *parse_double(*v), 1e-6);
        ++checked;
    }
    EXPECT_EQ(checked, 22);
    EXPECT_NE(run("gdalinfo " + quote(out)).out.find("NoData Value=-9999"), std::string::npos);
}

TEST_F(Export, PngIsARealMapAndHtmlOpensOffline) {
    const std::string png = *s_dir / "map.png";
    ASSERT_EQ(run(ntmsim("export " + quote(results("baseline")) +
                         " --format png --year 2019 --lang vi -o " + quote(png)))
                  .exit_code,
              0);
    const auto image = render::decode_png(slurp(png));
    EXPECT_EQ(image.width, 1200);
    EXPECT_EQ(image.height, 900);
    int coloured = 0;
    for (int y = 0; y < image.height; y += 7)
        for (int x = 0; x < image.width; x += 7) {
            const auto c = image.at(x, y);
            coloured += !(c.r == 255 && c.g == 255 && c.b == 255);
        }
    EXPECT_GT(coloured, 2000);  // communes fill a good part of the frame
    const std::string html = *s_dir / "report.html";
    ASSERT_EQ(
        run(ntmsim("export " + quote(results("baseline")) + " --format html -o " + quote(html)))
            .exit_code,
        0);
    const auto text = slurp(html);
    EXPECT_NE(text.find("<svg"), std::string::npos);
    EXPECT_NE(text.find("Gia Hanh"), std::string::npos);
    // Nothing to fetch: the only URLs are SVG namespace declarations.
    const std::regex url(R"((https?:)?//[A-Za-z0-9.-]+)");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), url);
         it != std::sregex_iterator(); ++it) {
        const auto u = it->str();
        EXPECT_TRUE(u == "http://www.w3.org" || u == "//www.w3.org") << u;
    }
    EXPECT_EQ(text.find("src=\"http"), std::string::npos);
}

// The reports lead with what a reader needs (issue 18): the baseline report names the area, not
// a file path; the comparison report starts with what changes and where, communes sorted by the
// difference, readable column labels, and the difference map.
TEST_F(Export, ReportsNameTheAreaAndLeadWithWhatChanged) {
    const std::string html = *s_dir / "named.html";
    ASSERT_EQ(
        run(ntmsim("export " + quote(results("baseline")) + " --format html -o " + quote(html)))
            .exit_code,
        0);
    const auto text = slurp(html);
    EXPECT_NE(text.find("Area: Can Lộc (Hà Tĩnh)"), std::string::npos);
    EXPECT_EQ(text.find("datasets/canloc"), std::string::npos);
    const std::string cmp = *s_dir / "report-cmp";
    ASSERT_EQ(run(ntmsim("compare " + quote(results("baseline")) + " " +
                         quote(results("targets-first")) + " -o " + quote(cmp)))
                  .exit_code,
              0);
    const std::string report = *s_dir / "cmp.html";
    ASSERT_EQ(run(ntmsim("export " + quote(cmp) + " --format html -o " + quote(report))).exit_code,
              0);
    const auto r = slurp(report);
    const auto what = r.find("What changes"), where = r.find("Where: the communes"),
               map = r.find("<svg"), ranking = r.find("Ranking");
    ASSERT_NE(what, std::string::npos);
    EXPECT_LT(what, where);
    EXPECT_LT(where, map);
    EXPECT_LT(map, ranking);
    EXPECT_NE(r.find("more communes at the standard by 2025"), std::string::npos);
    // Readable headers, not the CSV's column names.
    for (const char* raw : {"diff_vs_baseline", "cost_per_criterion_bn", "expected_at_standard"})
        EXPECT_EQ(r.find(std::string("<th>") + raw), std::string::npos) << raw;
    EXPECT_NE(r.find("Cost per criterion gained (bn VND)"), std::string::npos);
    // The communes' differences in the order of their size.
    const std::regex row(R"(<td>([+−]\d+) pt</td>)");
    std::vector<int> sizes;
    for (auto it = std::sregex_iterator(r.begin(), r.end(), row); it != std::sregex_iterator();
         ++it) {
        std::string v = (*it)[1];
        if (v.rfind("−", 0) == 0) v = v.substr(3);
        sizes.push_back(std::stoi(v[0] == '+' ? v.substr(1) : v));
    }
    ASSERT_GE(sizes.size(), 3u);
    EXPECT_TRUE(std::is_sorted(sizes.rbegin(), sizes.rend()));
}

TEST_F(Export, OnlyTownshipsAreGreyOnTheMedianYearMap) {
    // A commune whose median year falls after the period is "after the period", not "not
    // assessed": both maps must show exactly the same grey (no-data) pixels, the township's.
    auto grey_pixels = [&](const std::string& measure) {
        const std::string png = *s_dir / ("grey-" + measure + ".png");
        EXPECT_EQ(
            run(ntmsim("export " + quote(results("baseline")) +
                       " --format png --year 2019 --measure " + measure + " -o " + quote(png)))
                .exit_code,
            0);
        const auto image = render::decode_png(slurp(png));
        long n = 0;
        for (const auto& c : image.pixels) n += c == render::kNoDataGrey;
        return n;
    };
    const long p = grey_pixels("p_standard"), median = grey_pixels("median_year");
    EXPECT_GT(p, 1000);
    // Equal but for antialiased swatch edges in the legends (a commune is thousands of pixels).
    EXPECT_NEAR(static_cast<double>(median), static_cast<double>(p), 100);
}

// The workbook a planner hands on (issue 18), read by openpyxl: every sheet with its header row
// frozen, widths that fit, percentages and money formatted; Vietnamese throughout by default
// (sheet names, headers and the words in the cells), English with --lang en.
TEST_F(Export, XlsxIsFormattedAndVietnameseThroughout) {
    const std::string vi = *s_dir / "tables.xlsx", en = *s_dir / "tables-en.xlsx";
    ASSERT_EQ(run(ntmsim("export " + quote(results("baseline")) + " --format xlsx -o " + quote(vi)))
                  .exit_code,
              0);
    ASSERT_EQ(run(ntmsim("export " + quote(results("baseline")) + " --format xlsx --lang en -o " +
                         quote(en)))
                  .exit_code,
              0);
    const std::string check = R"PY(
import re, sys, openpyxl
path, lang = sys.argv[1], sys.argv[2]
wb = openpyxl.load_workbook(path)
names = [ws.title for ws in wb.worksheets]
want = ["Tổng hợp", "Các xã", "Tiêu chí", "Nguồn vốn", "Công trình", "Thông tin chạy"] if lang == "vi" \
    else ["Summary", "Communes", "Criteria", "Funding", "Works", "Run"]
assert names == want, names
# Words of the results that must not be left in English in the Vietnamese workbook.
english = {"commune", "township", "road", "canal", "school", "facility", "new_facility", "scenario",
           "area", "criteria", "draws", "seed", "policy", "spent", "gap", "debt", "borrowed",
           "closest_to_standard_first"}
percent = 0
for ws in wb.worksheets:
    assert ws.freeze_panes == "A2", ws.title + ": header row not frozen: " + str(ws.freeze_panes)
    assert ws.auto_filter.ref, ws.title + ": no autofilter"
    for col in range(1, ws.max_column + 1):
        letter = openpyxl.utils.get_column_letter(col)
        width = ws.column_dimensions[letter].width
        assert width and width >= 8, ws.title + " column " + letter + ": default width"
    head = [c.value for c in ws[1]]
    for h in head:
        assert h and not re.fullmatch(r"[a-z0-9_]+", h), ws.title + ": raw column name " + str(h)
        assert ws[1][0].font.b, ws.title + ": header not bold"
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if isinstance(c.value, str) and lang == "vi":
                assert c.value not in english and not c.value.startswith("realised_") and \
                    not c.value.startswith("spent_"), ws.title + ": English left: " + c.value
            if c.number_format == "0.0%":
                percent += 1
                assert 0 <= c.value <= 1, ws.title + ": a share out of 0–1: " + str(c.value)
    if ws.title in ("Các xã", "Communes"):
        p = head.index("Xác suất đạt chuẩn đến năm" if lang == "vi" else "P(standard by the year)")
        assert ws.cell(row=2, column=p + 1).number_format == "0.0%"
        assert any(c.value == "Thuần Thiện" for c in ws["B"]), "no Thuần Thiện"
assert percent > 100, percent
print("ok", lang, names, percent)
)PY";
    { std::ofstream(*s_dir / "check_xlsx.py") << check; }
    for (const auto& [path, lang] : {std::pair{vi, "vi"}, std::pair{en, "en"}}) {
        const auto r = run("/usr/bin/python3 " + quote(*s_dir / "check_xlsx.py") + " " +
                           quote(path) + " " + lang + " 2>&1");
        EXPECT_EQ(r.exit_code, 0) << r.out;
    }
}

TEST_F(Export, FailedExportLeavesNothingAndNeverOverwrites) {
    // A folder that does not exist (root ignores permissions, so a read-only folder would not
    // fail).
    const std::string bad = *s_dir / "no/such/folder/a.gpkg";
    const auto r = run(ntmsim("export " + quote(results("baseline")) + " --format gpkg -o " +
                              quote(bad) + " 2>&1"));
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_FALSE(fs::exists(*s_dir / "no"));
    // /proc refuses new files even to root: nothing is left there either.
    const auto p = run(ntmsim("export " + quote(results("baseline")) +
                              " --format png -o /proc/ntmsim-test.png 2>&1"));
    EXPECT_NE(p.exit_code, 0);
    EXPECT_FALSE(fs::exists("/proc/ntmsim-test.png"));
    // An existing output is kept unless --overwrite.
    const std::string out = *s_dir / "keep.gpkg";
    ASSERT_EQ(
        run(ntmsim("export " + quote(results("baseline")) + " --format gpkg -o " + quote(out)))
            .exit_code,
        0);
    const auto size = fs::file_size(out);
    EXPECT_EQ(run(ntmsim("export " + quote(results("baseline")) + " --format gpkg -o " +
                         quote(out) + " 2>/dev/null"))
                  .exit_code,
              1);
    EXPECT_EQ(fs::file_size(out), size);
    int temps = 0;
    for (const auto& e : fs::directory_iterator(s_dir->path()))
        temps += e.path().filename().string().rfind(".ntmsim-tmp", 0) == 0;
    EXPECT_EQ(temps, 0);
}

}  // namespace
}  // namespace ntm
