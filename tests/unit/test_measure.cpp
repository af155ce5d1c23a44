// Spatial measurement per commune on fixtures whose answers are worked out by hand.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>

#include "indicators/measure.h"
#include "support/fixtures.h"

namespace ntm {
namespace {

using test::line;
using test::rect;
constexpr std::size_t idx(auto e) { return static_cast<std::size_t>(e); }

TEST(Measure, RoadsCrossingABoundaryAreSplitByLength) {
    const auto m = indicators::measure_area(test::two_communes());
    // The commune axis runs 500 → 1500 along y = 500: 500 m each side of x = 1000.
    EXPECT_NEAR(m.communes[0].road_m[idx(RoadClass::CommuneAxis)][idx(Surface::Concrete)], 500,
                1e-9);
    EXPECT_NEAR(m.communes[1].road_m[idx(RoadClass::CommuneAxis)][idx(Surface::Concrete)], 500,
                1e-9);
    // Pieces: one per road and commune it touches, in commune order.
    ASSERT_EQ(m.road_pieces.size(), 4u);
    EXPECT_EQ(m.road_pieces[0].commune, 0u);
    EXPECT_EQ(m.road_pieces[0].road, 0u);
    EXPECT_NEAR(m.road_pieces[0].length_m, 500, 1e-9);
    EXPECT_EQ(m.road_pieces[3].commune, 1u);
    EXPECT_EQ(m.road_pieces[3].road, 2u);
    // Schools and facilities belong to the commune covering them.
    EXPECT_EQ(m.school_owner[0].commune, 0);
    EXPECT_EQ(m.school_owner[1].commune, 1);
    // Nearest standard school: A's centroid (500, 500) to A's school (300, 700); B's centroid
    // (1500, 500) to the same school.
    EXPECT_NEAR(m.communes[0].nearest_standard_school_m, std::hypot(200, 200), 1e-9);
    EXPECT_NEAR(m.communes[1].nearest_standard_school_m, std::hypot(1200, 200), 1e-9);
}

TEST(Measure, RoadOnASharedBoundaryCountsOnceForTheFirstCode) {
    auto area = test::two_communes();
    area.roads.clear();
    // 600 m along the shared edge x = 1000; 300 m along A's outer edge y = 0 (not shared).
    area.roads.push_back(
        {RoadClass::VillageAxis, Surface::Concrete, 3, line({{1000, 200}, {1000, 800}}), {}});
    area.roads.push_back(
        {RoadClass::VillageAxis, Surface::Earth, 3, line({{100, 0}, {400, 0}}), {}});
    auto m = indicators::measure_area(area);
    EXPECT_NEAR(m.communes[0].road_m[idx(RoadClass::VillageAxis)][idx(Surface::Concrete)], 600,
                1e-9);
    EXPECT_NEAR(m.communes[1].road_m[idx(RoadClass::VillageAxis)][idx(Surface::Concrete)], 0, 1e-9);
    EXPECT_NEAR(m.communes[0].road_m[idx(RoadClass::VillageAxis)][idx(Surface::Earth)], 300, 1e-9);
    EXPECT_NEAR(m.total.road_total_m(), 900, 1e-9);
    // The rule follows the code, not the layer order.
    std::swap(area.communes[0].code, area.communes[1].code);
    area.rebuild_index();
    m = indicators::measure_area(area);
    EXPECT_NEAR(m.communes[0].road_m[idx(RoadClass::VillageAxis)][idx(Surface::Concrete)], 0, 1e-9);
    EXPECT_NEAR(m.communes[1].road_m[idx(RoadClass::VillageAxis)][idx(Surface::Concrete)], 600,
                1e-9);
}

TEST(Measure, OverlappingServiceStripsCountOnce) {
    StudyArea area;
    area.crs = geo::crs_from_epsg(3405);
    Commune c;
    c.code = "A";
    c.name = "A";
    c.population = 1000;
    c.geometry = MultiPolygon{{rect(0, 0, 1000, 1000)}};
    area.communes = {c};
    area.farmland = {Farmland{LandUse::Rice, MultiPolygon{{rect(0, 0, 1000, 1000)}}, {}}};
    // Lined: strips y ∈ [300, 500] and [350, 550] → union [300, 550] = 25 ha, not 40.
    area.canals.push_back({CanalLevel::Level3, true, 100, line({{0, 400}, {1000, 400}}), {}});
    area.canals.push_back({CanalLevel::Level3, true, 100, line({{0, 450}, {1000, 450}}), {}});
    // Unlined: [650, 750] is all new (10 ha); then [670, 770] adds only [750, 770] (2 ha).
    area.canals.push_back({CanalLevel::Field, false, 50, line({{0, 700}, {1000, 700}}), {}});
    area.canals.push_back({CanalLevel::Field, false, 50, line({{0, 720}, {1000, 720}}), {}});
    // Unlined inside the lined strips: adds nothing.
    area.canals.push_back({CanalLevel::Field, false, 50, line({{0, 420}, {1000, 420}}), {}});
    area.rebuild_index();
    const auto m = indicators::measure_area(area);
    // Round end caps fall outside the commune, hence outside the farmland.
    EXPECT_NEAR(m.communes[0].served_m2, 250000, 1e-3);
    ASSERT_EQ(m.canal_pieces.size(), 5u);
    EXPECT_EQ(m.canal_pieces[0].marginal_served_m2, 0);
    EXPECT_NEAR(m.canal_pieces[2].marginal_served_m2, 100000, 1e-3);
    EXPECT_NEAR(m.canal_pieces[3].marginal_served_m2, 20000, 1e-3);
    EXPECT_NEAR(m.canal_pieces[4].marginal_served_m2, 0, 1e-3);
    // Credits add up to what lining everything would serve: [300,550] ∪ [370,470] ∪ [650,770].
    double all = m.communes[0].served_m2;
    for (const auto& p : m.canal_pieces) all += p.marginal_served_m2;
    EXPECT_NEAR(all, 370000, 1e-3);
}

TEST(Measure, MultipolygonWithIslandAndHole) {
    StudyArea area;
    area.crs = geo::crs_from_epsg(3405);
    Commune c;
    c.code = "A";
    c.name = "A";
    Polygon main = rect(0, 0, 1000, 1000);
    main.holes.push_back(rect(400, 400, 600, 600).outer);
    c.geometry = MultiPolygon{{main, rect(2000, 0, 2500, 500)}};
    area.communes = {c};
    // Along y = 500 from x = -100 to 2600: inside [0,400] + [600,1000] + [2000,2500] = 1300 m.
    area.roads.push_back(
        {RoadClass::CommuneAxis, Surface::Asphalt, 6, line({{-100, 500}, {2600, 500}}), {}});
    // Farmland over the hole counts only outside it: [300,700]² less the hole = 16 − 4 = 12 ha.
    area.farmland.push_back({LandUse::Rice, MultiPolygon{{rect(300, 300, 700, 700)}}, {}});
    // A school in the hole belongs to no commune; one on the island belongs to A.
    area.schools.push_back(
        {"in the hole", SchoolLevel::Primary, true, 100, test::at(500, 500), {}});
    area.schools.push_back(
        {"on the island", SchoolLevel::Primary, true, 100, test::at(2200, 200), {}});
    area.rebuild_index();
    const auto m = indicators::measure_area(area);
    EXPECT_NEAR(m.communes[0].area_m2, 1e6 - 4e4 + 2.5e5, 1e-6);
    EXPECT_NEAR(m.communes[0].road_total_m(), 1300, 1e-9);
    EXPECT_NEAR(m.communes[0].farmland_total_m2(), 120000, 1e-6);
    EXPECT_EQ(m.school_owner[0].commune, -1);
    EXPECT_EQ(m.school_owner[1].commune, 0);
}

}  // namespace
}  // namespace ntm
