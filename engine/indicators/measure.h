#pragma once
// Measuring a study area per commune, once, with GEOS: what lies in each commune (the inventory
// `info` prints), the farmland served by lined canals, and the plain arrays the simulation needs
// (road and canal pieces with their commune, schools and facilities with theirs).
//
// Rules, documented in docs/model.md:
// - Lines and polygons are clipped to each commune: a road crossing a boundary is split by
//   length. A piece lying along a boundary shared by two communes counts once, for the commune
//   whose code sorts first (then the one first in the layer).
// - Points belong to the first commune (in layer order) that covers them.
// - Farmland is served when it lies within the service width of a lined canal inside its
//   commune or on its boundary (a boundary canal serves both sides); where strips overlap, each
//   m² counts once (the strips are unioned first).
#include <array>
#include <cstdint>
#include <vector>

#include "model/study_area.h"

namespace ntm::indicators {

struct Inventory {
    // metres, [class][surface]
    std::array<std::array<double, kSurfaces.size()>, kRoadClasses.size()> road_m{};
    // metres, [level][lined]
    std::array<std::array<double, 2>, kCanalLevels.size()> canal_m{};
    std::array<double, kLandUses.size()> farmland_m2{};
    double served_m2 = 0;  // farmland within the service width of lined canals
    // [level][meets_standard]
    std::array<std::array<long long, 2>, kSchoolLevels.size()> schools{};
    std::array<std::array<long long, 2>, kFacilityKinds.size()> facilities{};
    long long population = 0;
    long long households = 0;
    double area_m2 = 0;
    // From the commune's centroid to the nearest school meeting the standard (any commune);
    // negative when there is none.
    double nearest_standard_school_m = -1;

    void add(const Inventory& other);
    double road_total_m() const;
    double canal_total_m() const;
    double farmland_total_m2() const;
};

// A road clipped to one commune: the unit the simulation upgrades.
struct RoadPiece {
    std::uint32_t commune = 0;
    std::uint32_t road = 0;  // index in StudyArea::roads
    RoadClass road_class = RoadClass::Other;
    Surface surface = Surface::Earth;
    double length_m = 0;
    double width_m = 0;  // the road's width (0: unknown): with length, the upgrade cost basis
};

// A canal clipped to one commune. For an unlined piece, the farmland its lining would add to the
// commune's served area: pieces are taken in layer order and each is credited only with what no
// lined canal and no earlier piece already covers, so the credits add up without double counting.
struct CanalPiece {
    std::uint32_t commune = 0;
    std::uint32_t canal = 0;
    CanalLevel level = CanalLevel::Field;
    bool lined = false;
    double length_m = 0;
    double marginal_served_m2 = 0;  // 0 for lined pieces
};

// A school or facility with the commune that holds it (-1: none).
struct PointOwner {
    int commune = -1;
};

struct MeasureOptions {
    // Farmland served by lined canals, and the marginal area per unlined canal piece. Off for a
    // plain inventory, which then needs no polygon overlays.
    bool served = true;
    // Service width used where a canal gives none (0), by level 1, 2, 3, field, in metres.
    std::array<double, kCanalLevels.size()> default_service_width_m{200, 150, 100, 50};
};

struct AreaMeasures {
    std::vector<Inventory> communes;         // in commune order
    Inventory total;                         // the sum over communes
    Inventory layers;                        // each layer's own totals, unclipped
    std::vector<RoadPiece> road_pieces;      // by commune, then road index
    std::vector<CanalPiece> canal_pieces;    // by commune, then canal index
    std::vector<PointOwner> school_owner;    // per StudyArea::schools
    std::vector<PointOwner> facility_owner;  // per StudyArea::facilities
};

// Parallel over communes (OpenMP); the result is the same for any thread count.
AreaMeasures measure_area(const StudyArea& area, const MeasureOptions& options = {});

// The inventory alone (no served-farmland overlays), as `ntmsim info` prints it.
inline AreaMeasures take_inventory(const StudyArea& area) {
    MeasureOptions o;
    o.served = false;
    return measure_area(area, o);
}

// The service width of a canal: its own, else the level's default.
double service_width(const Canal& canal, const MeasureOptions& options);

}  // namespace ntm::indicators
