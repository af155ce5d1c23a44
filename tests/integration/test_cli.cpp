// The ntmsim program end to end: generate → validate → info, with info's totals checked against
// GDAL's own SQLite dialect (ogrinfo) on the same file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/text.h"
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
namespace fs = std::filesystem;

class Cli : public ::testing::Test {
 protected:
    static void SetUpTestSuite() {
        s_dir = new test::TempDir("cli");
        s_area = *s_dir / "area.gpkg";
        const auto r = run(ntmsim("generate --communes 200 --seed 7 -o " + quote(s_area)));
        ASSERT_EQ(r.exit_code, 0) << r.out;
    }
    static void TearDownTestSuite() { delete s_dir; }
    static test::TempDir* s_dir;
    static std::string s_area;
};
test::TempDir* Cli::s_dir = nullptr;
std::string Cli::s_area;

TEST_F(Cli, GeneratedAreaOpensInOgrinfoWithTheExpectedLayers) {
    const auto r = run("ogrinfo -ro -so -q " + quote(s_area));
    ASSERT_EQ(r.exit_code, 0);
    for (const char* layer :
         {"communes", "roads", "canals", "farmland", "schools", "facilities", "status"}) {
        EXPECT_NE(r.out.find(std::string(": ") + layer + " "), std::string::npos) << layer << "\n"
                                                                                  << r.out;
    }
    const auto n = ogr_sql(s_area, "SELECT COUNT(*) AS n FROM communes");
    ASSERT_EQ(n.size(), 1u);
    EXPECT_EQ(n[0].at("n"), "200");
    // About 40 km of road per commune in segments of a few hundred metres.
    const auto roads =
        ogr_sql(s_area, "SELECT COUNT(*) AS n, SUM(ST_Length(geom)) AS m FROM roads");
    EXPECT_GT(num(roads[0].at("n")), 200 * 40);
    EXPECT_NEAR(num(roads[0].at("m")) / 200 / 1000, 40, 15);
}

TEST_F(Cli, ValidateAcceptsGeneratedArea) {
    const auto r = run(ntmsim("validate " + quote(s_area)));
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("0 errors"), std::string::npos) << r.out;
}

TEST_F(Cli, GenerateIsByteIdenticalForASeedAndAnyThreadCount) {
    const std::string a = *s_dir / "t1.gpkg", b = *s_dir / "t2.gpkg";
    ASSERT_EQ(run(ntmsim("generate --communes 60 --seed 3 --threads 1 -o " + quote(a))).exit_code,
              0);
    ASSERT_EQ(run(ntmsim("generate --communes 60 --seed 3 --threads 2 -o " + quote(b))).exit_code,
              0);
    EXPECT_EQ(run("cmp " + quote(a) + " " + quote(b)).exit_code, 0);
}

TEST_F(Cli, InfoTotalsEqualGdalSqlite) {
    const auto info = info_csv(s_area);
    ASSERT_TRUE(info.count("layer"));
    const auto& layer = info.at("layer");
    auto rel = [](double a, double b) { return std::abs(a - b) / std::max(1.0, std::abs(b)); };

    for (const auto& row : ogr_sql(s_area,
                                   "SELECT class, surface, SUM(ST_Length(geom)) AS m FROM roads "
                                   "GROUP BY class, surface")) {
        const std::string col = "road_" + row.at("class") + "_" + row.at("surface") + "_km";
        ASSERT_TRUE(layer.count(col)) << col;
        EXPECT_LT(rel(num(layer.at(col)) * 1000, num(row.at("m"))), 1e-6) << col;
    }
    for (const auto& row : ogr_sql(
             s_area,
             "SELECT level, lined, SUM(ST_Length(geom)) AS m FROM canals GROUP BY level, lined")) {
        const std::string col =
            "canal_" + row.at("level") + (row.at("lined") == "yes" ? "_lined_km" : "_unlined_km");
        ASSERT_TRUE(layer.count(col)) << col;
        EXPECT_LT(rel(num(layer.at(col)) * 1000, num(row.at("m"))), 1e-6) << col;
    }
    for (const auto& row :
         ogr_sql(s_area, "SELECT use, SUM(ST_Area(geom)) AS m2 FROM farmland GROUP BY use")) {
        const std::string col = "farmland_" + row.at("use") + "_ha";
        EXPECT_LT(rel(num(layer.at(col)) * 1e4, num(row.at("m2"))), 1e-6) << col;
    }
    for (const auto& row : ogr_sql(s_area,
                                   "SELECT level, COUNT(*) AS n, SUM(meets_standard = 'yes') AS s "
                                   "FROM schools GROUP BY level")) {
        EXPECT_EQ(layer.at("schools_" + row.at("level") + "_all"), row.at("n"));
        EXPECT_EQ(layer.at("schools_" + row.at("level") + "_standard"), row.at("s"));
    }
    for (const auto& row :
         ogr_sql(s_area, "SELECT kind, COUNT(*) AS n FROM facilities GROUP BY kind")) {
        EXPECT_EQ(layer.at(row.at("kind") + "_all"), row.at("n"));
    }
    const auto pop =
        ogr_sql(s_area, "SELECT SUM(population) AS p, SUM(ST_Area(geom)) AS a FROM communes");
    EXPECT_EQ(layer.at("population"), pop[0].at("p"));
    EXPECT_LT(rel(num(layer.at("area_km2")) * 1e6, num(pop[0].at("a"))), 1e-6);

    // Communes tile the area and every asset lies inside them, so clipping to the communes keeps
    // every metre: the sum over communes equals the layer totals.
    const auto& inside = info.at("inside");
    double in_roads = 0, all_roads = 0;
    for (const auto& [k, v] : layer)
        if (k.rfind("road_", 0) == 0) {
            all_roads += num(v);
            in_roads += num(inside.at(k));
        }
    EXPECT_LT(rel(in_roads, all_roads), 1e-6);
}

TEST_F(Cli, BrokenCopyIsReportedWithPlaces) {
    // A copy with a broken geometry, an unknown road class, a duplicate commune code and a
    // renamed (so missing) field: validate exits 1 and names each with its place.
    const std::string copy = *s_dir / "broken.gpkg";
    fs::copy_file(s_area, copy, fs::copy_options::overwrite_existing);
    auto sql = [&](const std::string& statement) {
        const auto r = run("ogrinfo -q " + quote(copy) + " -sql " + quote(statement) + " 2>&1");
        ASSERT_EQ(r.exit_code, 0) << statement << "\n" << r.out;
    };
    sql("UPDATE communes SET geom = AsGPB(ST_GeomFromText('POLYGON((577000 2038000,578000 2039000,"
        "578000 2038000,577000 2039000,577000 2038000))', 3405)) WHERE fid = 5");
    sql("UPDATE roads SET class = 'highway' WHERE fid = 17");
    sql("UPDATE communes SET code = (SELECT code FROM communes WHERE fid = 1) WHERE fid = 9");
    sql("ALTER TABLE schools RENAME COLUMN meets_standard TO standard_ok");
    const auto r = run(ntmsim("validate " + quote(copy)));
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_NE(r.out.find("error [invalid-geometry] " + copy +
                         ", layer 'communes', feature 5: Self-intersection"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("error [unknown-value] " + copy +
                         ", layer 'roads', feature 17, field 'class': unknown class 'highway'"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("error [duplicate-code] " + copy +
                         ", layer 'communes', feature 9, field 'code'"),
              std::string::npos)
        << r.out;
    EXPECT_NE(
        r.out.find("error [missing-field] " + copy + ", layer 'schools', field 'meets_standard'"),
        std::string::npos)
        << r.out;
    // The original is untouched and still valid.
    EXPECT_EQ(run(ntmsim("validate -q " + quote(s_area))).exit_code, 0);
}

TEST_F(Cli, ExitCodes) {
    EXPECT_EQ(run(ntmsim("validate") + " 2>/dev/null").exit_code, 2);
    EXPECT_EQ(run(ntmsim("frobnicate") + " 2>/dev/null").exit_code, 2);
    EXPECT_EQ(run(ntmsim("validate /no/such/area") + " 2>/dev/null").exit_code, 1);
    EXPECT_EQ(run(ntmsim("--help")).exit_code, 0);
    EXPECT_EQ(run(ntmsim("serve") + " 2>/dev/null").exit_code, 2);
    EXPECT_EQ(run(ntmsim("serve /no/such/outdir") + " 2>/dev/null").exit_code, 1);
    EXPECT_EQ(run(ntmsim("serve . --port 70000") + " 2>/dev/null").exit_code, 2);
}

TEST_F(Cli, AssessRoadLengthsEqualGdalSqliteOracle) {
    // Road length by class per commune, clipped to the commune, two ways: ntmsim's GEOS
    // measurement (the denominators of indicators 2.1–2.4 in the assessment) and GDAL's SQLite
    // dialect with SpatiaLite's ST_Intersection on the same file, using the GeoPackage's R-tree.
    const std::string out = *s_dir / "assess.gpkg";
    const auto r = run(ntmsim("assess " + quote(s_area) +
                              " --criteria vn-2016 --year 2017 -q --overwrite -o " + quote(out)));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    std::map<std::pair<std::string, std::string>, double> ours, oracle;
    const std::map<std::string, std::string> class_of = {
        {"2.1", "commune_axis"}, {"2.2", "village_axis"}, {"2.3", "alley"}, {"2.4", "field"}};
    for (const auto& row :
         ogr_sql(out, "SELECT code, indicator, denominator FROM indicators WHERE criterion = '2'"))
        ours[{row.at("code"), class_of.at(row.at("indicator"))}] = num(row.at("denominator"));
    const auto rows = ogr_sql(
        s_area,
        "SELECT c.code AS code, r.class AS class, SUM(ST_Length(ST_Intersection(c.geom, r.geom))) "
        "AS m "
        "FROM communes c JOIN rtree_roads_geom t ON t.minx <= ST_MaxX(c.geom) AND t.maxx >= "
        "ST_MinX(c.geom) "
        "AND t.miny <= ST_MaxY(c.geom) AND t.maxy >= ST_MinY(c.geom) JOIN roads r ON r.fid = t.id "
        "WHERE ST_Intersects(c.geom, r.geom) AND r.class != 'other' GROUP BY c.code, r.class");
    for (const auto& row : rows) oracle[{row.at("code"), row.at("class")}] = num(row.at("m"));
    ASSERT_GT(oracle.size(), 200u * 3);
    int compared = 0;
    for (const auto& [key, m] : oracle) {
        if (m < 1e-6) continue;  // a touch at a point
        ASSERT_TRUE(ours.count(key)) << key.first << " " << key.second;
        EXPECT_LT(std::abs(ours[key] - m) / m, 1e-6)
            << key.first << " " << key.second << ": " << ours[key] << " vs " << m;
        ++compared;
    }
    for (const auto& [key, m] : ours)
        if (m > 1e-6) EXPECT_TRUE(oracle.count(key)) << key.first << " " << key.second;
    EXPECT_GT(compared, 600);
}

TEST_F(Cli, AssessIsByteIdenticalOnOneTwoAndThreeThreads) {
    std::string first;
    for (const int t : {1, 2, 3}) {
        const std::string out = *s_dir / ("threads" + std::to_string(t) + ".gpkg");
        const auto r = run(ntmsim("assess " + quote(s_area) +
                                  " --criteria hatinh-2017 --year 2017 --overwrite --threads " +
                                  std::to_string(t) + " -o " + quote(out)));
        ASSERT_EQ(r.exit_code, 0) << r.out;
        if (t == 1) {
            first = out;
            continue;
        }
        EXPECT_EQ(run("cmp " + quote(first) + " " + quote(out)).exit_code, 0) << t << " threads";
        for (const char* table : {"-communes.csv", "-indicators.csv", "-gaps.csv"}) {
            const auto base = [](const std::string& p) { return p.substr(0, p.size() - 5); };
            EXPECT_EQ(
                run("cmp " + quote(base(first) + table) + " " + quote(base(out) + table)).exit_code,
                0)
                << table;
        }
    }
}

TEST(CanLoc, AssessShowsThe2017Picture) {
    // DOMAIN.md §1: the 7 communes targeted for 2018–2019 meet only 5 to 9 of Hà Tĩnh's 20
    // criteria in 2017; Vượng Lộc is already NTM (2016); the others are further along.
    test::TempDir dir("canloc-assess");
    const std::string out = dir / "canloc-2017.gpkg";
    const std::string canloc = std::string(test::kSourceDir) + "/datasets/canloc";
    const auto r = run(
        ntmsim("assess " + quote(canloc) + " --criteria hatinh-2017 --year 2017 -o " + quote(out)));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    const std::set<std::string> targets = {"Gia Hanh",    "Phú Lộc",  "Xuân Lộc", "Kim Lộc",
                                           "Thuần Thiện", "Song Lộc", "Trung Lộc"};
    const auto rows =
        ogr_sql(out, "SELECT name, kind, criteria_met, criteria_total, standard FROM communes");
    ASSERT_EQ(rows.size(), 23u);
    int assessed = 0;
    for (const auto& row : rows) {
        if (row.at("kind") == "township") continue;
        ++assessed;
        const int met = static_cast<int>(num(row.at("criteria_met")));
        EXPECT_EQ(row.at("criteria_total"), "20");
        if (targets.count(row.at("name"))) {
            EXPECT_GE(met, 5) << row.at("name");
            EXPECT_LE(met, 9) << row.at("name");
        } else if (row.at("name") == "Vượng Lộc") {
            EXPECT_EQ(met, 20);
            EXPECT_EQ(row.at("standard"), "yes");
        } else {
            EXPECT_GE(met, 10) << row.at("name");
        }
    }
    EXPECT_EQ(assessed, 22);
    // Every commune short of the standard has its gaps in physical units.
    const auto gaps = ogr_sql(out,
                              "SELECT name, COUNT(*) AS n, SUM(unit = 'km') AS km, SUM(unit = "
                              "'ha') AS ha FROM gaps GROUP BY name");
    EXPECT_EQ(gaps.size(), 21u);
    for (const auto& g : gaps)
        if (targets.count(g.at("name"))) {
            EXPECT_GT(num(g.at("km")), 0) << g.at("name");  // roads to harden
            EXPECT_GT(num(g.at("ha")), 0) << g.at("name");  // farmland to serve
        }
    EXPECT_NE(r.out.find("km of village_axis road to harden"), std::string::npos);
}

TEST(CanLoc, RunPrintsTheScenarioTableAndWritesResults) {
    test::TempDir dir("canloc-run");
    const auto r = run(ntmsim("run --draws 200 -o " + quote(dir / "out")));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    for (const char* s : {"baseline", "high-mobilisation", "roads-first", "irrigation-first",
                          "schools-first", "targets-first", "shortfall"}) {
        EXPECT_NE(r.out.find(std::string("\n") + s + " "), std::string::npos) << s << "\n" << r.out;
        for (const char* f : {"summary.csv", "communes.csv", "criteria.csv", "assets.csv",
                              "funding.csv", "results.gpkg"})
            EXPECT_TRUE(
                std::filesystem::exists(dir / (std::string("out/scenarios/") + s + "/" + f)))
                << s << " " << f;
    }
    EXPECT_TRUE(std::filesystem::exists(dir / "out/canloc-2017.gpkg"));
    // It ends with the one command that opens the viewer on what it wrote.
    const std::string last = r.out.substr(r.out.rfind('\n', r.out.size() - 2) + 1);
    EXPECT_NE(last.find(" serve " + dir / "out" + "  (then open http://127.0.0.1:8080/)"),
              std::string::npos)
        << last;
    // The results GeoPackage opens in GDAL with one commune feature per commune.
    const auto n =
        ogr_sql(dir / "out/scenarios/baseline/results.gpkg", "SELECT COUNT(*) AS n FROM communes");
    ASSERT_EQ(n.size(), 1u);
    EXPECT_EQ(n[0].at("n"), "23");
}

TEST(CanLoc, SimulateGivesTheSameBytesOnOneAndThreeThreads) {
    test::TempDir dir("canloc-threads");
    const std::string canloc = std::string(test::kSourceDir) + "/datasets/canloc";
    const std::string scen = std::string(test::kSourceDir) + "/scenarios/canloc/baseline.yaml";
    for (const char* t : {"1", "3"})
        ASSERT_EQ(
            run(ntmsim("simulate " + quote(canloc) + " " + quote(scen) + " --draws 150 --threads " +
                       t + " -o " + quote(dir / (std::string("t") + t))))
                .exit_code,
            0);
    EXPECT_EQ(run("diff -r " + quote(dir / "t1") + " " + quote(dir / "t3")).exit_code, 0);
}

// A law: the order of the features in a layer changes no result. Every layer of the Can Lộc sample
// is copied in another order (new fids, given in that order); simulate writes the same bytes, the
// fid column of the works table aside (a feature's fid is its position in the copy).
TEST(CanLoc, ShufflingTheFeaturesOfEveryLayerChangesNoResult) {
    test::TempDir dir("canloc-shuffle");
    const std::string src = std::string(test::kSourceDir) + "/datasets/canloc/canloc.gpkg";
    const std::string shuffled = dir / "shuffled.gpkg";
    bool first = true;
    for (const char* layer :
         {"communes", "roads", "canals", "farmland", "schools", "facilities", "status"}) {
        const std::string sql =
            std::string("SELECT * FROM ") + layer + " ORDER BY (fid * 7919) % 1013 DESC, fid DESC";
        ASSERT_EQ(run("ogr2ogr -f GPKG -unsetFid " + std::string(first ? "" : "-update ") +
                      quote(shuffled) + " " + quote(src) + " -dialect SQLite -sql " + quote(sql) +
                      " -nln " + layer + " >/dev/null 2>&1")
                      .exit_code,
                  0)
            << layer;
        first = false;
    }
    // The copy is really in another order.
    EXPECT_NE(
        run("ogrinfo -q -sql 'SELECT code FROM communes LIMIT 1' " + quote(shuffled) +
            " | grep code")
            .out,
        run("ogrinfo -q -sql 'SELECT code FROM communes LIMIT 1' " + quote(src) + " | grep code")
            .out);
    const std::string scen = std::string(test::kSourceDir) + "/scenarios/canloc/district-plan.yaml";
    ASSERT_EQ(run(ntmsim("simulate " + quote(src) + " " + quote(scen) + " --draws 100 -o " +
                         quote(dir / "a")))
                  .exit_code,
              0);
    ASSERT_EQ(run(ntmsim("simulate " + quote(shuffled) + " " + quote(scen) + " --draws 100 -o " +
                         quote(dir / "b")))
                  .exit_code,
              0);
    for (const char* f :
         {"communes.csv", "criteria.csv", "summary.csv", "funding.csv", "draws.bin"})
        EXPECT_EQ(run("cmp " + quote(dir / (std::string("a/district-plan/") + f)) + " " +
                      quote(dir / (std::string("b/district-plan/") + f)))
                      .exit_code,
                  0)
            << f;
    auto without_fid = [&](const std::string& path) {
        return run("cut -d, -f1,2,4- " + quote(path)).out;
    };
    EXPECT_EQ(without_fid(dir / "a/district-plan/assets.csv"),
              without_fid(dir / "b/district-plan/assets.csv"));
}

// An installed program finds its data beside it (PREFIX/share/ntmsim), not in the source tree:
// a criteria set that exists only in the installed copy is found without NTM_DATA_DIR.
TEST(Install, TheInstalledProgramFindsItsDataBesideIt) {
    test::TempDir dir("install");
    const std::string prefix = dir / "prefix";
    auto r = run("cmake --install " + quote(test::kBinaryDir) + " --prefix " + quote(prefix) +
                 " > /dev/null 2>&1");
    ASSERT_EQ(r.exit_code, 0) << r.out;
    const auto sets = std::filesystem::path(prefix) / "share/ntmsim/scenarios/criteria";
    ASSERT_TRUE(std::filesystem::exists(sets / "vn-2016.yaml"));
    std::string text;
    {
        std::ifstream in(sets / "hatinh-2017.yaml");
        std::stringstream s;
        s << in.rdbuf();
        text = s.str();
    }
    const std::string id = "\nid: hatinh-2017\n";
    const auto at = text.find(id);
    ASSERT_NE(at, std::string::npos);
    text.replace(at, id.size(), "\nid: installed-only\n");
    std::ofstream(sets / "installed-only.yaml") << text;
    r = run("env -u NTM_DATA_DIR " + quote(prefix + "/bin/ntmsim") + " assess " +
            quote(prefix + "/share/ntmsim/datasets/canloc") +
            " --criteria installed-only --year 2017 -q 2>&1");
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("against installed-only"), std::string::npos) << r.out;
}

TEST(CanLoc, SimulateQuietPrintsOnlyTheTable) {
    test::TempDir dir("quiet");
    const auto r =
        run(ntmsim("simulate " + quote(std::string(test::kSourceDir) + "/datasets/canloc") + " " +
                   quote(std::string(test::kSourceDir) + "/scenarios/canloc/baseline.yaml") +
                   " --draws 20 -q -o " + quote(dir / "out") + " 2>&1"));
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(r.out.find("note:"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("baseline "), std::string::npos) << r.out;
}

// The roadmap's handouts on Can Lộc's district plan: the same bytes on 1 and 2 solver threads,
// a workbook a planner can use (openpyxl: Vietnamese sheets and headers, frozen header rows,
// widths, number formats) and a GeoPackage that carries its QGIS styles.
TEST(PlanCli, CanLocRoadmapIsTheSameOnAnyThreadsAndFormatted) {
    test::TempDir dir("plan-cli");
    const std::string src = test::kSourceDir;
    for (const char* threads : {"1", "2"}) {
        const auto r = run(ntmsim("plan " + quote(src + "/datasets/canloc") + " " +
                                  quote(src + "/scenarios/canloc/district-plan.yaml") +
                                  " --draws 40 --solver-threads " + threads + " -o " +
                                  quote(dir / (std::string("t") + threads)) + " 2>&1"));
        ASSERT_EQ(r.exit_code, 0) << r.out;
        EXPECT_NE(r.out.find("optimal"), std::string::npos) << r.out;
    }
    for (const char* f : {"roadmap.csv", "plan.yaml", "targets.csv"}) {
        std::ifstream a(dir / (std::string("t1/") + f), std::ios::binary),
            b(dir / (std::string("t2/") + f), std::ios::binary);
        std::stringstream sa, sb;
        sa << a.rdbuf();
        sb << b.rdbuf();
        EXPECT_FALSE(sa.str().empty()) << f;
        EXPECT_EQ(sa.str(), sb.str()) << f << " differs between 1 and 2 solver threads";
    }
    const std::string check = R"PY(
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
names = [ws.title for ws in wb.worksheets]
assert names[:2] == ["Tổng hợp huyện", "Cân đối nguồn vốn"], names
assert "Kim Lộc" in names, names
money = 0
for ws in wb.worksheets:
    assert ws.freeze_panes, ws.title + ": no frozen header rows"
    widths = [d.width for d in ws.column_dimensions.values() if d.width]
    assert widths and max(widths) > 12, ws.title + ": default widths"
    for row in ws.iter_rows():
        for c in row:
            if c.number_format == "#,##0.000":
                money += 1
            if isinstance(c.value, str):
                assert c.value not in ("commune", "year", "cost", "source"), ws.title + ": English header " + c.value
assert money > 20, money
print("ok", len(names), money)
)PY";
    { std::ofstream(dir / "check.py") << check; }
    auto r = run("/usr/bin/python3 " + quote(dir / "check.py") + " " +
                 quote(dir / "t1/roadmap.xlsx") + " 2>&1");
    EXPECT_EQ(r.exit_code, 0) << r.out;
    std::set<std::string> styled;
    for (const auto& row :
         ogr_sql(dir / "t1/works.gpkg", "SELECT f_table_name FROM layer_styles WHERE useAsDefault"))
        styled.insert(row.at("f_table_name"));
    EXPECT_EQ(styled, (std::set<std::string>{"plan_lines", "plan_points"}));
}

// Progress shows on a terminal only: in a pipe assess and info print none; every command takes
// -q (issue 18).
TEST(Quiet, NoProgressInAPipeAndMinusQEverywhere) {
    const std::string canloc = std::string(test::kSourceDir) + "/datasets/canloc";
    test::TempDir dir("quiet");
    const auto assess =
        run(ntmsim("assess " + quote(canloc) + " --criteria hatinh-2017 --year 2017 -o " +
                   quote(dir / "a.gpkg") + " 2>&1 >/dev/null"));
    EXPECT_EQ(assess.exit_code, 0) << assess.out;
    EXPECT_EQ(assess.out.find("measuring communes"), std::string::npos) << assess.out;
    const auto info = run(ntmsim("info " + quote(canloc) + " -q 2>&1 >/dev/null"));
    EXPECT_EQ(info.exit_code, 0) << info.out;
    EXPECT_EQ(info.out, "");
    for (const char* command :
         {"assess", "info", "simulate", "validate", "compare", "export", "serve", "plan",
          "generate", "remap", "calibrate", "backtest", "run"}) {
        const auto help = run(ntmsim(std::string(command) + " --help"));
        EXPECT_NE(help.out.find("-q [ --quiet ]"), std::string::npos) << command;
    }
}

// On a terminal (util-linux's `script` gives the command one) simulate's progress reaches every
// draw on 2 threads; it stopped at about half when each report advanced the bar by one.
TEST(Quiet, SimulateProgressOnATerminalReachesEveryDraw) {
    if (run("command -v script").exit_code != 0) GTEST_SKIP() << "util-linux's script is missing";
    const std::string canloc = std::string(test::kSourceDir) + "/datasets/canloc";
    const std::string scenario = std::string(test::kSourceDir) + "/scenarios/canloc/baseline.yaml";
    test::TempDir dir("progress-tty");
    const auto r = run("script -qec " +
                       quote(ntmsim("simulate " + quote(canloc) + " " + quote(scenario) +
                                    " --draws 200 --threads 2 -o " + quote(dir / "out"))) +
                       " /dev/null");
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("200/200 done"), std::string::npos) << r.out;
}

TEST(CanLoc, BundledSampleValidates) {
    const std::string canloc = std::string(test::kSourceDir) + "/datasets/canloc";
    const auto r = run(ntmsim("validate " + quote(canloc)));
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("EPSG:3405"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ntm

namespace ntm {
namespace {

// ntmsim remap on the Can Lộc sample: the 2017 assessment onto the 6 real 2025 communes, totals
// kept; given its own output again as 2017 data, it names the reused codes.
TEST(CliRemap, CanLoc2017AssessmentOntoThe2025Communes) {
    test::TempDir dir("cli-remap");
    const std::string src = test::kSourceDir;
    auto r =
        run(ntmsim("assess " + quote(src + "/datasets/canloc") +
                   " --criteria hatinh-2017 --year 2017 -q -o " + quote(dir / "canloc-2017.gpkg")));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    const std::string remap = "remap --crosswalk " +
                              quote(src + "/datasets/canloc/crosswalk-2025.csv") +
                              " --from 2017 --to 2025 ";
    r = run(ntmsim(remap + quote(dir / "canloc-2017-communes.csv") + " --area " +
                   quote(src + "/datasets/canloc") + " -o " + quote(dir / "2025")));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("23 rows of period 2017 → 6 rows of period 2025"), std::string::npos)
        << r.out;
    const auto rows = ogr_sql(dir / "2025/canloc-2017-communes.csv",
                              "SELECT COUNT(*) AS n, SUM(CAST(population AS INTEGER)) AS people "
                              "FROM \"canloc-2017-communes\"");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].at("n"), "6");
    EXPECT_EQ(rows[0].at("people"), "127515");  // the 2019 census total, kept
    const auto report =
        ogr_sql(dir / "2025/remap-report.csv", "SELECT COUNT(*) AS n FROM \"remap-report\"");
    EXPECT_EQ(report.at(0).at("n"), "23");
    // The output is of period 2025: remapping it as 2017 data names the reused code.
    r = run(ntmsim(remap + quote(dir / "2025/canloc-2017-communes.csv") + " -o " +
                   quote(dir / "again")) +
            " 2>&1");
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_NE(r.out.find("is the unit 18406 of period 2025, not of period 2017"), std::string::npos)
        << r.out;
}

}  // namespace
}  // namespace ntm

namespace ntm {
namespace {

// A CSV file as its header and rows (RFC 4180 quoting: the tables ntmsim writes).
struct CsvTable {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};

CsvTable read_csv(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    CsvTable t;
    std::vector<std::string> row;
    std::string cell;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                cell += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cell += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            row.push_back(std::move(cell));
            cell.clear();
        } else if (c == '\n') {
            row.push_back(std::move(cell));
            cell.clear();
            if (t.header.empty())
                t.header = std::move(row);
            else
                t.rows.push_back(std::move(row));
            row.clear();
        } else if (c != '\r') {
            cell += c;
        }
    }
    return t;
}

// The columns remap sums (docs/units.md: counts and money), by their names.
bool summed(const std::string& c) {
    auto ends = [&](const std::string& s) {
        return c.size() > s.size() && c.compare(c.size() - s.size(), s.size(), s) == 0;
    };
    return c == "population" || c == "households" || c == "numerator" || c == "denominator" ||
           c == "students" || ends("_bn") || ends("_km") || ends("_ha") || ends("_km2") ||
           ends("_m") || ends("_count") || c.rfind("n_", 0) == 0;
}

// Column → total over the table's rows, for the summed columns.
std::map<std::string, double> totals(const CsvTable& t) {
    std::map<std::string, double> out;
    for (std::size_t j = 0; j < t.header.size(); ++j) {
        if (!summed(t.header[j])) continue;
        double s = 0;
        for (const auto& row : t.rows)
            if (j < row.size() && !row[j].empty()) s += num(row[j]);
        out[t.header[j]] = s;
    }
    return out;
}

// Every table remap wrote keeps the totals of its summed columns; returns how many it compared.
int expect_totals_kept(const std::string& before_dir, const std::string& after_dir) {
    int compared = 0;
    for (const auto& e : fs::directory_iterator(after_dir)) {
        const auto name = e.path().filename().string();
        if (e.path().extension() != ".csv" || name == "remap-report.csv") continue;
        const auto before = read_csv(before_dir + "/" + name);
        const auto after = read_csv(e.path().string());
        EXPECT_LE(after.rows.size(), before.rows.size()) << name;
        const auto a = totals(after);
        for (const auto& [column, total] : totals(before)) {
            EXPECT_TRUE(a.count(column)) << name << ": " << column;
            if (!a.count(column)) continue;
            // Written with up to 6 decimals: rounding of each output row on top of exact sums.
            EXPECT_NEAR(a.at(column), total,
                        1e-9 * std::abs(total) + 5e-7 * static_cast<double>(after.rows.size()))
                << name << ": " << column;
            ++compared;
        }
    }
    return compared;
}

// Can Lộc's 2017 communes nest in the 6 real 2025 ones, every one going whole into one: remapping
// the 2017 assessment and a simulation's results folder onto 2025 keeps every total (population,
// households, indicator numerators and denominators, km, ha, money, counts).
TEST(CliRemap, CanLoc2017AssessmentAndSimulationKeepTheirTotalsOn2025) {
    test::TempDir dir("cli-remap-totals");
    const std::string src = test::kSourceDir;
    fs::create_directories(dir / "assess");
    auto r = run(ntmsim("assess " + quote(src + "/datasets/canloc") +
                        " --criteria hatinh-2017 --year 2017 -q -o " +
                        quote(dir / "assess/canloc-2017.gpkg")));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    r = run(ntmsim("simulate " + quote(src + "/datasets/canloc") + " " +
                   quote(src + "/scenarios/canloc/baseline.yaml") + " --draws 20 -q -o " +
                   quote(dir / "sim")));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    const std::string remap = "remap --crosswalk " +
                              quote(src + "/datasets/canloc/crosswalk-2025.csv") +
                              " --from 2017 --to 2025 --area " + quote(src + "/datasets/canloc");
    r = run(ntmsim(remap + " " + quote(dir / "assess") + " -o " + quote(dir / "assess-2025")));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    // population, and the indicators' numerators and denominators (km, ha, schools…)
    EXPECT_EQ(expect_totals_kept(dir / "assess", dir / "assess-2025"), 3);
    r = run(ntmsim(remap + " " + quote(dir / "sim/baseline") + " -o " + quote(dir / "sim-2025")));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    // the money of the candidate works (assets.csv cost_bn); and every work is still there
    EXPECT_EQ(expect_totals_kept(dir / "sim/baseline", dir / "sim-2025"), 1);
    auto works = [](const CsvTable& t) {
        std::set<std::string> out;
        for (const auto& row : t.rows) out.insert(row.at(0) + "/" + row.at(1) + "/" + row.at(2));
        return out;
    };
    const auto assets_before = read_csv(dir / "sim/baseline/assets.csv");
    ASSERT_EQ(assets_before.header.at(0), "kind");
    EXPECT_EQ(works(read_csv(dir / "sim-2025/assets.csv")), works(assets_before));
    // The communes' table: 9 years of 23 units of 2017 become 9 years of 6 units of 2025.
    EXPECT_EQ(read_csv(dir / "sim-2025/communes.csv").rows.size(), 6u * 9);
    // Nothing split: every 2017 commune went whole into one 2025 commune.
    const auto report = read_csv(dir / "sim-2025/remap-report.csv");
    EXPECT_EQ(report.rows.size(), 23u);
}

}  // namespace
}  // namespace ntm
