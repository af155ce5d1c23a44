// Each validation problem, on small hand-written files, named with its place.
#include <gtest/gtest.h>

#include <filesystem>

#include "io/load.h"
#include "io/write.h"
#include "support/fixtures.h"

namespace ntm {
namespace {

using test::TempDir;
using test::write_text;
namespace fs = std::filesystem;

const io::Problem* find(const io::LoadResult& r, const std::string& code, long long fid = -2) {
    for (const auto& p : r.problems.items())
        if (p.code == code && (fid == -2 || p.where.feature == fid)) return &p;
    return nullptr;
}

std::string all(const io::LoadResult& r) {
    std::string s;
    for (const auto& p : r.problems.items()) s += p.str() + "\n";
    return s;
}

// GeoJSON FeatureCollection in EPSG:3405 from features given as text.
std::string collection(const std::string& features) {
    return R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3405"}},"features":[)" +
           features + "]}";
}

std::string commune(int id, const std::string& code, const std::string& name,
                    const std::string& coords, const std::string& extra = R"("population":1000)") {
    return R"({"type":"Feature","id":)" + std::to_string(id) + R"(,"properties":{"code":")" + code +
           R"(","name":")" + name + R"(","region":"BTB",)" + extra +
           R"(},"geometry":{"type":"Polygon","coordinates":[)" + coords + "]}}";
}

// The square [x0,x0+1000]×[0,1000] around the test origin, as GeoJSON ring text.
std::string square(double x0) {
    const double X = test::kX0 + x0, Y = test::kY0;
    auto pt = [](double x, double y) {
        return "[" + std::to_string(x) + "," + std::to_string(y) + "]";
    };
    return "[" + pt(X, Y) + "," + pt(X, Y + 1000) + "," + pt(X + 1000, Y + 1000) + "," +
           pt(X + 1000, Y) + "," + pt(X, Y) + "]";
}

// A bow-tie: self-intersecting, invalid.
std::string bowtie(double x0) {
    const double X = test::kX0 + x0, Y = test::kY0;
    auto pt = [](double x, double y) {
        return "[" + std::to_string(x) + "," + std::to_string(y) + "]";
    };
    return "[" + pt(X, Y) + "," + pt(X + 1000, Y + 1000) + "," + pt(X + 1000, Y) + "," +
           pt(X, Y + 1000) + "," + pt(X, Y) + "]";
}

std::string road(int id, const std::string& cls, double x0, double y0, double x1, double y1) {
    auto pt = [](double x, double y) {
        return "[" + std::to_string(test::kX0 + x) + "," + std::to_string(test::kY0 + y) + "]";
    };
    return R"({"type":"Feature","id":)" + std::to_string(id) + R"(,"properties":{"class":")" + cls +
           R"(","surface":"concrete"},"geometry":{"type":"LineString","coordinates":[)" +
           pt(x0, y0) + "," + pt(x1, y1) + "]}}";
}

TEST(Validate, CleanAreaHasNoProblems) {
    TempDir dir("clean");
    io::write_study_area(test::two_communes(), dir / "a.gpkg", io::AreaFormat::GeoPackage);
    const auto r = io::load_study_area(dir / "a.gpkg");
    EXPECT_TRUE(r.problems.items().empty()) << all(r);
}

TEST(Validate, ReportsEveryProblemWithItsPlace) {
    TempDir dir("broken");
    write_text(dir / "communes.geojson",
               collection(commune(1, "A01", "Gia Hanh", square(0)) + "," +
                          commune(2, "B02", "Thuần Thiện", bowtie(1000)) + "," +
                          commune(3, "A01", "Kim Lộc", square(2000)) + "," +
                          commune(4, "C04", "Song Lộc", square(3000), R"("population":-5)")));
    write_text(dir / "roads.geojson", collection(road(1, "village_axis", 100, 100, 900, 100) + "," +
                                                 road(2, "highway", 100, 200, 900, 200) + "," +
                                                 road(3, "Trục thôn", 100, 300, 900, 300) + "," +
                                                 road(4, "alley", 50000, 0, 51000, 0)));
    write_text(
        dir / "schools.geojson",
        collection(
            R"({"type":"Feature","id":1,"properties":{"level":"primary"},"geometry":{"type":"Point","coordinates":[577500,2038500]}})"));
    write_text(dir / "status.csv",
               "commune_code,year,indicator,value,met\n"
               "A01,2017,10,32.5,\n"
               "Z99,2017,10,30,\n"
               "A01,2017,99.9,1,\n"
               "A01,2017,11,7.5,\n"
               "A01,2017,10,31,\n");
    const auto r = io::load_study_area(dir.path().string());
    const std::string text = all(r);

    const auto* bad = find(r, "invalid-geometry", 2);
    ASSERT_NE(bad, nullptr) << text;
    EXPECT_NE(bad->what.find("Self-intersection"), std::string::npos) << bad->what;
    EXPECT_NE(bad->where.file.find("communes.geojson"), std::string::npos);

    const auto* dup = find(r, "duplicate-code", 3);
    ASSERT_NE(dup, nullptr) << text;
    EXPECT_NE(dup->what.find("A01"), std::string::npos);
    EXPECT_EQ(dup->where.field, "code");

    const auto* neg = find(r, "negative-value", 4);
    ASSERT_NE(neg, nullptr) << text;
    EXPECT_EQ(neg->where.field, "population");

    const auto* unknown = find(r, "unknown-value", 2);
    ASSERT_NE(unknown, nullptr) << text;
    EXPECT_EQ(unknown->where.layer, "roads");
    EXPECT_EQ(unknown->where.field, "class");
    EXPECT_NE(unknown->what.find("highway"), std::string::npos);
    EXPECT_NE(unknown->hint.find("village_axis"), std::string::npos);
    // A Vietnamese spelling is understood.
    EXPECT_EQ(find(r, "unknown-value", 3), nullptr) << text;
    EXPECT_EQ(r.area.roads[2].road_class, RoadClass::VillageAxis);

    EXPECT_NE(find(r, "outside-communes", 4), nullptr) << text;

    const auto* missing = find(r, "missing-field");
    ASSERT_NE(missing, nullptr) << text;
    EXPECT_EQ(missing->where.field, "meets_standard");
    EXPECT_EQ(missing->where.layer, "schools");

    EXPECT_NE(find(r, "unknown-commune"), nullptr) << text;
    EXPECT_NE(find(r, "unknown-indicator"), nullptr) << text;
    EXPECT_NE(find(r, "duplicate-status"), nullptr) << text;
    const auto* share = find(r, "bad-value");
    ASSERT_NE(share, nullptr) << text;
    EXPECT_NE(share->hint.find("0.85"), std::string::npos);
    // Layers that are not there are warnings, not errors.
    EXPECT_EQ(r.problems.count("missing-layer"), 3u) << text;  // canals, farmland, facilities
    // Every problem was found in one pass.
    EXPECT_EQ(r.problems.errors(), 9u) << text;
    EXPECT_EQ(find(r, "unknown-commune")->where.line, 3);  // CSV rows are named by line
}

TEST(Validate, RepairFixesInvalidPolygonsAndSaysSo) {
    TempDir dir("repair");
    write_text(dir / "communes.geojson", collection(commune(1, "A01", "Gia Hanh", bowtie(0))));
    const auto broken = io::load_study_area(dir.path().string());
    EXPECT_EQ(broken.problems.count("invalid-geometry"), 1u);
    EXPECT_TRUE(broken.problems.has_errors());

    io::LoadOptions repair;
    repair.repair = true;
    const auto fixed = io::load_study_area(dir.path().string(), repair);
    ASSERT_EQ(fixed.problems.count("invalid-geometry"), 1u);
    const auto& p = fixed.problems.items()[0];
    EXPECT_EQ(p.severity, io::Problem::Severity::Repaired);
    EXPECT_NE(p.what.find("MakeValid"), std::string::npos);
    // The bow-tie becomes two triangles of 25 ha each.
    EXPECT_NEAR(area(fixed.area.communes[0].geometry), 500000, 1e-6);
    EXPECT_EQ(fixed.area.communes[0].geometry.polygons.size(), 2u);
    // The input file is untouched.
    EXPECT_EQ(io::load_study_area(dir.path().string()).problems.count("invalid-geometry"), 1u);
}

TEST(Validate, MissingCrsIsAProblemUnlessAreaYamlGivesOne) {
    TempDir dir("nocrs");
    write_text(dir / "communes.csv",
               "WKT,code,name,region,population\n\"" +
                   std::string("POLYGON((577000 2038000,577000 2039000,578000 2039000,578000 "
                               "2038000,577000 2038000))") +
                   "\",A01,Gia Hanh,BTB,5825\n");
    const auto r = io::load_study_area(dir.path().string());
    EXPECT_NE(find(r, "missing-crs"), nullptr) << all(r);
    write_text(dir / "area.yaml", "crs: EPSG:3405\n");
    const auto ok = io::load_study_area(dir.path().string());
    EXPECT_EQ(find(ok, "missing-crs"), nullptr) << all(ok);
    EXPECT_EQ(ok.area.crs.epsg, 3405);
    EXPECT_NEAR(area(ok.area.communes[0].geometry), 1e6, 1e-6);
}

TEST(Validate, AreaYamlMapsFieldsAndValues) {
    TempDir dir("manifest");
    write_text(
        dir / "xa.geojson",
        collection(
            R"({"type":"Feature","id":1,"properties":{"MA_XA":"28777","TEN_XA":"Thanh Lộc","DAN_SO":4663,"VUNG":"Bắc Trung Bộ"},"geometry":{"type":"Polygon","coordinates":[)" +
            square(0) + "]}}"));
    write_text(
        dir / "duong.geojson",
        collection(
            R"({"type":"Feature","id":1,"properties":{"LOAI":"ĐT thôn","MAT":"BT"},"geometry":{"type":"LineString","coordinates":[[577100,2038100],[577100,2038900]]}})"));
    write_text(dir / "area.yaml", R"(name: Thanh Lộc test
layers:
  communes:
    source: xa.geojson
    fields: {code: MA_XA, name: TEN_XA, population: DAN_SO, region: VUNG}
  roads:
    source: duong.geojson
    fields: {class: LOAI, surface: MAT}
    values:
      class: {"ĐT thôn": village_axis}
      surface: {BT: concrete}
)");
    const auto r = io::load_study_area(dir / "area.yaml");
    EXPECT_EQ(r.problems.errors(), 0u) << all(r);
    ASSERT_EQ(r.area.communes.size(), 1u);
    EXPECT_EQ(r.area.name, "Thanh Lộc test");
    EXPECT_EQ(r.area.communes[0].code, "28777");
    EXPECT_EQ(r.area.communes[0].region, Region::BTB);
    ASSERT_EQ(r.area.roads.size(), 1u);
    EXPECT_EQ(r.area.roads[0].road_class, RoadClass::VillageAxis);
    EXPECT_EQ(r.area.roads[0].surface, Surface::Concrete);
}

TEST(Validate, BadAreaYamlNamesLineAndKey) {
    TempDir dir("badyaml");
    write_text(dir / "area.yaml", "name: x\nlayers:\n  comunes:\n    source: a.gpkg\n");
    try {
        io::load_study_area(dir / "area.yaml");
        FAIL() << "expected a ConfigError";
    } catch (const ConfigError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("line 3"), std::string::npos) << m;
        EXPECT_NE(m.find("comunes"), std::string::npos) << m;
        EXPECT_NE(m.find("communes"), std::string::npos) << m;  // the allowed names
    }
}

}  // namespace
}  // namespace ntm
