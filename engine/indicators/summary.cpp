#include "indicators/summary.h"

#include <memory>

#include "core/spatial_index.h"
#include "geo/kernels.h"

namespace ntm::indicators {

void Inventory::add(const Inventory& o) {
    for (std::size_t i = 0; i < road_m.size(); ++i)
        for (std::size_t j = 0; j < road_m[i].size(); ++j) road_m[i][j] += o.road_m[i][j];
    for (std::size_t i = 0; i < canal_m.size(); ++i)
        for (std::size_t j = 0; j < 2; ++j) canal_m[i][j] += o.canal_m[i][j];
    for (std::size_t i = 0; i < farmland_m2.size(); ++i) farmland_m2[i] += o.farmland_m2[i];
    for (std::size_t i = 0; i < schools.size(); ++i)
        for (std::size_t j = 0; j < 2; ++j) schools[i][j] += o.schools[i][j];
    for (std::size_t i = 0; i < facilities.size(); ++i)
        for (std::size_t j = 0; j < 2; ++j) facilities[i][j] += o.facilities[i][j];
    population += o.population;
    households += o.households;
    area_m2 += o.area_m2;
}

double Inventory::road_total_m() const {
    double t = 0;
    for (const auto& row : road_m)
        for (const double v : row) t += v;
    return t;
}

double Inventory::canal_total_m() const {
    double t = 0;
    for (const auto& row : canal_m) t += row[0] + row[1];
    return t;
}

double Inventory::farmland_total_m2() const {
    double t = 0;
    for (const double v : farmland_m2) t += v;
    return t;
}

namespace {
template <typename Items>
std::vector<Box> boxes_of(const Items& items) {
    std::vector<Box> out;
    out.reserve(items.size());
    for (const auto& x : items) out.push_back(bounds(x.geometry));
    return out;
}

template <typename Items>
std::vector<Box> point_boxes(const Items& items) {
    std::vector<Box> out;
    out.reserve(items.size());
    for (const auto& x : items) out.push_back(point_box(x.location));
    return out;
}

// Commune owning each point: the first (lowest index) commune covering it, or -1.
template <typename Items>
std::vector<int> owners(const Items& items, const StudyArea& area, const BoxIndex& commune_index) {
    std::vector<int> owner(items.size(), -1);
    const auto n = static_cast<long long>(items.size());
#pragma omp parallel
    {
        std::vector<std::unique_ptr<geo::PolygonClipper>> clippers(area.communes.size());
#pragma omp for schedule(dynamic, 256)
        for (long long i = 0; i < n; ++i) {
            const auto& p = items[static_cast<std::size_t>(i)].location;
            for (const auto c : commune_index.query(point_box(p))) {
                auto& clip = clippers[c];
                if (!clip) clip = std::make_unique<geo::PolygonClipper>(area.communes[c].geometry);
                if (clip->contains(p)) {
                    owner[static_cast<std::size_t>(i)] = static_cast<int>(c);
                    break;
                }
            }
        }
    }
    return owner;
}
}  // namespace

AreaInventory take_inventory(const StudyArea& area) {
    AreaInventory out;
    const std::size_t nc = area.communes.size();
    out.communes.resize(nc);

    const BoxIndex road_index(boxes_of(area.roads));
    const BoxIndex canal_index(boxes_of(area.canals));
    const BoxIndex farm_index(boxes_of(area.farmland));
    std::vector<Box> commune_boxes;
    for (const auto& c : area.communes) commune_boxes.push_back(bounds(c.geometry));
    const BoxIndex commune_index(commune_boxes);

    const auto n = static_cast<long long>(nc);
#pragma omp parallel for schedule(dynamic, 1)
    for (long long ci = 0; ci < n; ++ci) {
        const auto& commune = area.communes[static_cast<std::size_t>(ci)];
        auto& inv = out.communes[static_cast<std::size_t>(ci)];
        inv.population = commune.population;
        inv.households = commune.households;
        inv.area_m2 = ntm::area(commune.geometry);
        const geo::PolygonClipper clip(commune.geometry);
        const Box box = bounds(commune.geometry);
        // Each item's length is summed in item order, so the total is the same on any thread.
        for (const auto r : road_index.query(box)) {
            const auto& road = area.roads[r];
            inv.road_m[static_cast<std::size_t>(road.road_class)][static_cast<std::size_t>(road.surface)] +=
                clip.clipped_length(road.geometry);
        }
        for (const auto k : canal_index.query(box)) {
            const auto& canal = area.canals[k];
            inv.canal_m[static_cast<std::size_t>(canal.level)][canal.lined ? 1 : 0] +=
                clip.clipped_length(canal.geometry);
        }
        for (const auto f : farm_index.query(box)) {
            const auto& parcel = area.farmland[f];
            inv.farmland_m2[static_cast<std::size_t>(parcel.use)] += clip.clipped_area(parcel.geometry);
        }
    }

    const auto school_owner = owners(area.schools, area, commune_index);
    for (std::size_t i = 0; i < area.schools.size(); ++i) {
        const auto& s = area.schools[i];
        out.layers.schools[static_cast<std::size_t>(s.level)][s.meets_standard ? 1 : 0] += 1;
        if (school_owner[i] >= 0)
            out.communes[static_cast<std::size_t>(school_owner[i])]
                .schools[static_cast<std::size_t>(s.level)][s.meets_standard ? 1 : 0] += 1;
    }
    const auto facility_owner = owners(area.facilities, area, commune_index);
    for (std::size_t i = 0; i < area.facilities.size(); ++i) {
        const auto& f = area.facilities[i];
        out.layers.facilities[static_cast<std::size_t>(f.kind)][f.meets_standard ? 1 : 0] += 1;
        if (facility_owner[i] >= 0)
            out.communes[static_cast<std::size_t>(facility_owner[i])]
                .facilities[static_cast<std::size_t>(f.kind)][f.meets_standard ? 1 : 0] += 1;
    }

    for (const auto& inv : out.communes) out.total.add(inv);
    for (const auto& r : area.roads)
        out.layers.road_m[static_cast<std::size_t>(r.road_class)][static_cast<std::size_t>(r.surface)] +=
            length(r.geometry);
    for (const auto& c : area.canals)
        out.layers.canal_m[static_cast<std::size_t>(c.level)][c.lined ? 1 : 0] += length(c.geometry);
    for (const auto& f : area.farmland)
        out.layers.farmland_m2[static_cast<std::size_t>(f.use)] += ntm::area(f.geometry);
    out.layers.population = out.total.population;
    out.layers.households = out.total.households;
    out.layers.area_m2 = out.total.area_m2;
    return out;
}

}  // namespace ntm::indicators
