#pragma once
// What a study area holds, per commune: the inventory `ntmsim info` prints. Lines and polygons
// are clipped to each commune, so a road crossing a boundary is split by length; points belong to
// the first commune (in layer order) that covers them.
#include <array>
#include <vector>

#include "model/study_area.h"

namespace ntm::indicators {

struct Inventory {
    // metres, [class][surface]
    std::array<std::array<double, kSurfaces.size()>, kRoadClasses.size()> road_m{};
    // metres, [level][lined]
    std::array<std::array<double, 2>, kCanalLevels.size()> canal_m{};
    std::array<double, kLandUses.size()> farmland_m2{};
    // [level][meets_standard]
    std::array<std::array<long long, 2>, kSchoolLevels.size()> schools{};
    std::array<std::array<long long, 2>, kFacilityKinds.size()> facilities{};
    long long population = 0;
    long long households = 0;
    double area_m2 = 0;

    void add(const Inventory& other);
    double road_total_m() const;
    double canal_total_m() const;
    double farmland_total_m2() const;
};

struct AreaInventory {
    std::vector<Inventory> communes;  // in commune order
    Inventory total;                  // sum over communes: what lies inside the communes
    Inventory layers;                 // each layer's own totals, clipped to nothing
};

// Parallel over communes (OpenMP); results do not depend on the thread count.
AreaInventory take_inventory(const StudyArea& area);

}  // namespace ntm::indicators
