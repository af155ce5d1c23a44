// Loading a study area from every supported format, with hand-computed expectations.
#include <gtest/gtest.h>

#include <filesystem>

#include "geo/gdal.h"
#include "indicators/measure.h"
#include "io/load.h"
#include "io/write.h"
#include "support/fixtures.h"

namespace ntm {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

constexpr std::size_t idx(auto e) { return static_cast<std::size_t>(e); }

// The hand-computed inventory of test::two_communes().
void expect_two_communes(const io::LoadResult& r, double tol_m = 1e-6) {
    ASSERT_EQ(r.problems.errors(), 0u)
        << (r.problems.items().empty() ? "" : r.problems.items()[0].str());
    const auto& a = r.area;
    ASSERT_EQ(a.communes.size(), 2u);
    EXPECT_EQ(a.communes[0].name, "Gia Hanh");
    EXPECT_EQ(a.communes[1].name, "Thuần Thiện");
    EXPECT_EQ(a.communes[0].district, "Can Lộc");
    EXPECT_EQ(a.communes[1].population, 7819);
    EXPECT_EQ(a.roads.size(), 3u);
    EXPECT_EQ(a.canals.size(), 2u);
    EXPECT_EQ(a.farmland.size(), 2u);
    EXPECT_EQ(a.schools.size(), 2u);
    EXPECT_EQ(a.facilities.size(), 2u);
    ASSERT_EQ(a.status.size(), 2u);
    EXPECT_EQ(a.status[0].value, 32.5);
    EXPECT_EQ(a.status[1].met, true);
    EXPECT_EQ(a.schools[0].name, "Trường Tiểu học Gia Hanh");

    const auto inv = indicators::take_inventory(a);
    const auto& A = inv.communes[0];
    const auto& B = inv.communes[1];
    EXPECT_NEAR(A.road_m[idx(RoadClass::CommuneAxis)][idx(Surface::Concrete)], 500, tol_m);
    EXPECT_NEAR(B.road_m[idx(RoadClass::CommuneAxis)][idx(Surface::Concrete)], 500, tol_m);
    EXPECT_NEAR(A.road_m[idx(RoadClass::VillageAxis)][idx(Surface::Earth)], 800, tol_m);
    EXPECT_NEAR(B.road_m[idx(RoadClass::Alley)][idx(Surface::Gravel)], 500, tol_m);
    EXPECT_NEAR(A.road_total_m(), 1300, tol_m);
    EXPECT_NEAR(B.road_total_m(), 1000, tol_m);
    EXPECT_NEAR(A.canal_m[idx(CanalLevel::Level3)][1], 1000, tol_m);
    EXPECT_NEAR(B.canal_m[idx(CanalLevel::Level3)][1], 1000, tol_m);
    EXPECT_NEAR(A.canal_m[idx(CanalLevel::Field)][0], 400, tol_m);
    EXPECT_NEAR(A.farmland_m2[idx(LandUse::Rice)], 120000, 1e3 * tol_m);
    EXPECT_NEAR(B.farmland_m2[idx(LandUse::Annual)], 240000, 1e3 * tol_m);
    EXPECT_EQ(A.schools[idx(SchoolLevel::Primary)][1], 1);
    EXPECT_EQ(B.schools[idx(SchoolLevel::Preschool)][0], 1);
    EXPECT_EQ(A.facilities[idx(FacilityKind::CommuneCulturalHouse)][1], 1);
    EXPECT_EQ(B.facilities[idx(FacilityKind::Market)][0], 1);
    EXPECT_NEAR(A.area_m2, 1e6, 1e3 * tol_m);
}

TEST(Formats, GeoPackageRoundTrip) {
    TempDir dir("gpkg");
    io::write_study_area(test::two_communes(), dir / "area.gpkg", io::AreaFormat::GeoPackage);
    const auto r = io::load_study_area(dir / "area.gpkg");
    expect_two_communes(r);
    EXPECT_EQ(r.area.crs.epsg, 3405);
    EXPECT_EQ(r.area.crs_reason, "the data's own");
}

TEST(Formats, ShapefileKeepsVietnameseNames) {
    TempDir dir("shp");
    io::write_study_area(test::two_communes(), dir / "area", io::AreaFormat::Shapefile);
    EXPECT_TRUE(fs::exists(dir / "area/communes.cpg"));
    EXPECT_TRUE(fs::exists(dir / "area/communes.prj"));
    const auto r = io::load_study_area(dir / "area");
    expect_two_communes(r);
    // The 10-character Shapefile names (svc_width, meets_std) are read back as ours.
    EXPECT_EQ(r.area.canals[0].service_width_m, 50);
    EXPECT_TRUE(r.area.schools[0].meets_standard);
}

TEST(Formats, GeoJsonFlatGeobufAndCsv) {
    for (const auto f :
         {io::AreaFormat::GeoJson, io::AreaFormat::FlatGeobuf, io::AreaFormat::Csv}) {
        TempDir dir("fmt" + std::to_string(static_cast<int>(f)));
        io::write_study_area(test::two_communes(), dir / "area", f);
        SCOPED_TRACE(static_cast<int>(f));
        expect_two_communes(io::load_study_area(dir / "area"));
    }
}

TEST(Formats, GeoJsonInWgs84IsReprojectedToUtm) {
    // The same area written in EPSG:4326: the loader picks the UTM zone of its centroid (48N).
    auto area = test::two_communes();
    const geo::Transform to_ll(area.crs, geo::crs_from_epsg(4326));
    auto tr_lines = [&](MultiLineString& m) {
        for (auto& p : m.parts) to_ll.apply(p.points);
    };
    auto tr_polys = [&](MultiPolygon& m) {
        for (auto& p : m.polygons) to_ll.apply(p.outer);
    };
    for (auto& c : area.communes) tr_polys(c.geometry);
    for (auto& r : area.roads) tr_lines(r.geometry);
    for (auto& c : area.canals) tr_lines(c.geometry);
    for (auto& f : area.farmland) tr_polys(f.geometry);
    for (auto& s : area.schools) s.location = to_ll.apply(s.location);
    for (auto& f : area.facilities) f.location = to_ll.apply(f.location);
    area.crs = geo::crs_from_epsg(4326);
    TempDir dir("wgs84");
    io::write_study_area(area, dir / "area", io::AreaFormat::GeoJson);
    const auto r = io::load_study_area(dir / "area");
    EXPECT_EQ(r.area.crs.epsg, 32648);
    EXPECT_NE(r.area.crs_reason.find("UTM"), std::string::npos);
    // WGS 84 / UTM 48N and VN-2000 / UTM 48N differ by a datum shift, not a scale: lengths and
    // areas agree to well under a metre per kilometre.
    expect_two_communes(r, 0.05);
}

TEST(Formats, StatusFromXlsx) {
    TempDir dir("xlsx");
    auto area = test::two_communes();
    io::write_study_area(area, dir / "area", io::AreaFormat::GeoJson);
    fs::remove(dir / "area/status.csv");
    {
        auto sink = geo::VectorSink::create(dir / "area/status.xlsx", "XLSX");
        using T = geo::FieldDef::Type;
        auto w = sink.create_layer("status", nullptr, geo::GeomKind::None, false,
                                   {{"commune_code", T::String},
                                    {"year", T::Integer},
                                    {"indicator", T::String},
                                    {"value", T::Real},
                                    {"met", T::String}});
        w.write({std::string("A01"), 2017LL, std::string("10"), 32.5, {}}, nullptr);
        w.write({std::string("B02"), 2017LL, std::string("13"), {}, std::string("có")}, nullptr);
        sink.commit();
    }
    const auto r = io::load_study_area(dir / "area");
    expect_two_communes(r);
    EXPECT_EQ(r.layers.back().driver, "XLSX");
}

TEST(Formats, OutputIsNeverOverwrittenByDefault) {
    TempDir dir("nooverwrite");
    io::write_study_area(test::two_communes(), dir / "area.gpkg", io::AreaFormat::GeoPackage);
    const auto size = fs::file_size(dir / "area.gpkg");
    EXPECT_THROW(
        io::write_study_area(test::two_communes(), dir / "area.gpkg", io::AreaFormat::GeoPackage),
        InputError);
    EXPECT_EQ(fs::file_size(dir / "area.gpkg"), size);
    // No temporary file is left behind.
    int files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++files;
    EXPECT_EQ(files, 1);
}

}  // namespace
}  // namespace ntm
