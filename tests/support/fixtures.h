#pragma once
// Small study areas built in code, whose right answers can be worked out by hand.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "geo/crs.h"
#include "model/study_area.h"

namespace ntm::test {

// Can Lộc lies in UTM zone 48N around x ≈ 577 km, y ≈ 2038 km.
inline constexpr double kX0 = 577000;
inline constexpr double kY0 = 2038000;

inline Polygon rect(double x0, double y0, double x1, double y1) {
    return Polygon{{{kX0 + x0, kY0 + y0},
                    {kX0 + x0, kY0 + y1},
                    {kX0 + x1, kY0 + y1},
                    {kX0 + x1, kY0 + y0},
                    {kX0 + x0, kY0 + y0}},
                   {}};
}

inline MultiLineString line(std::initializer_list<Point> pts) {
    LineString l;
    for (const auto& p : pts) l.points.push_back({kX0 + p.x, kY0 + p.y});
    return MultiLineString{{l}};
}

inline Point at(double x, double y) { return {kX0 + x, kY0 + y}; }

// Two 1 km × 1 km communes side by side: A = [0,1000]², B = [1000,2000]×[0,1000] (metres from
// the origin above), with assets whose lengths and areas are round numbers:
//   roads: commune axis (concrete) 500→1500 along y=500: 500 m in each commune;
//          village axis (earth) x=100, y 100→900: 800 m in A;
//          alley (gravel) x=1200, y 200→700: 500 m in B.
//   canals: level 3 lined along y=300 from 0 to 2000: 1000 m in each; field unlined in A, 400 m.
//   farmland: rice [200,800]×[200,400] = 12 ha in A; annual [1100,1900]×[600,900] = 24 ha in B.
//   schools: primary meeting the standard in A; preschool not meeting it in B.
//   facilities: commune cultural house (standard) in A; market (not standard) in B.
//   status: A 2017 income 32.5; B 2017 criterion 13 met.
inline StudyArea two_communes() {
    StudyArea a;
    a.name = "two communes";
    a.crs = geo::crs_from_epsg(3405);
    Commune ca;
    ca.code = "A01";
    ca.name = "Gia Hanh";
    ca.district = "Can Lộc";
    ca.province = "Hà Tĩnh";
    ca.region = Region::BTB;
    ca.population = 5825;
    ca.households = 1533;
    ca.geometry = MultiPolygon{{rect(0, 0, 1000, 1000)}};
    Commune cb = ca;
    cb.code = "B02";
    cb.name = "Thuần Thiện";
    cb.population = 7819;
    cb.households = 2058;
    cb.geometry = MultiPolygon{{rect(1000, 0, 2000, 1000)}};
    a.communes = {ca, cb};
    a.roads = {
        Road{RoadClass::CommuneAxis, Surface::Concrete, 5, line({{500, 500}, {1500, 500}}), {}},
        Road{RoadClass::VillageAxis, Surface::Earth, 3, line({{100, 100}, {100, 900}}), {}},
        Road{RoadClass::Alley, Surface::Gravel, 2.5, line({{1200, 200}, {1200, 700}}), {}},
    };
    a.canals = {
        Canal{CanalLevel::Level3, true, 50, line({{0, 300}, {2000, 300}}), {}},
        Canal{CanalLevel::Field, false, 0, line({{600, 100}, {600, 500}}), {}},
    };
    a.farmland = {
        Farmland{LandUse::Rice, MultiPolygon{{rect(200, 200, 800, 400)}}, {}},
        Farmland{LandUse::Annual, MultiPolygon{{rect(1100, 600, 1900, 900)}}, {}},
    };
    a.schools = {
        School{"Trường Tiểu học Gia Hanh", SchoolLevel::Primary, true, 420, at(300, 700), {}},
        School{"Trường Mầm non Thuần Thiện", SchoolLevel::Preschool, false, 150, at(1500, 800), {}},
    };
    a.facilities = {
        Facility{"Nhà văn hóa xã", FacilityKind::CommuneCulturalHouse, true, at(600, 600), {}},
        Facility{"Chợ Thuần Thiện", FacilityKind::Market, false, at(1700, 300), {}},
    };
    a.status = {
        StatusRow{"A01", 2017, "10", 32.5, std::nullopt, {}},
        StatusRow{"B02", 2017, "13", std::nullopt, true, {}},
    };
    a.rebuild_index();
    return a;
}

// A fresh empty folder under the build tree's temp area, removed when the object dies.
class TempDir {
 public:
    explicit TempDir(const std::string& name) {
        m_path = std::filesystem::temp_directory_path() /
                 ("ntmsim-test-" + name + "-" + std::to_string(::getpid()));
        std::filesystem::remove_all(m_path);
        std::filesystem::create_directories(m_path);
    }
    ~TempDir() { std::filesystem::remove_all(m_path); }
    std::string operator/(const std::string& leaf) const { return (m_path / leaf).string(); }
    const std::filesystem::path& path() const { return m_path; }

 private:
    std::filesystem::path m_path;
};

inline void write_text(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
}

}  // namespace ntm::test
