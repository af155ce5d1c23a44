#include "indicators/measure.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "core/parallel.h"
#include "core/progress.h"
#include "core/spatial_index.h"
#include "geo/kernels.h"

namespace ntm::indicators {

void Inventory::add(const Inventory& o) {
    for (std::size_t i = 0; i < road_m.size(); ++i)
        for (std::size_t j = 0; j < road_m[i].size(); ++j) road_m[i][j] += o.road_m[i][j];
    for (std::size_t i = 0; i < canal_m.size(); ++i)
        for (std::size_t j = 0; j < 2; ++j) canal_m[i][j] += o.canal_m[i][j];
    for (std::size_t i = 0; i < farmland_m2.size(); ++i) farmland_m2[i] += o.farmland_m2[i];
    served_m2 += o.served_m2;
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

double service_width(const Canal& canal, const MeasureOptions& options) {
    return canal.service_width_m > 0
               ? canal.service_width_m
               : options.default_service_width_m[static_cast<std::size_t>(canal.level)];
}

namespace {

template <typename Items>
std::vector<Box> boxes_of(const Items& items) {
    std::vector<Box> out;
    out.reserve(items.size());
    for (const auto& x : items) out.push_back(bounds(x.geometry));
    return out;
}

// Commune owning each point: the first (lowest index) commune covering it, or -1.
template <typename Items>
std::vector<PointOwner> owners(const Items& items, const StudyArea& area,
                               const BoxIndex& commune_index) {
    std::vector<PointOwner> owner(items.size());
    const auto n = static_cast<long long>(items.size());
    ParallelErrors errors;
#pragma omp parallel
    {
        std::vector<std::unique_ptr<geo::PolygonClipper>> clippers(area.communes.size());
#pragma omp for schedule(dynamic, 256)
        for (long long i = 0; i < n; ++i) {
            errors.run(i, [&] {
                const auto& p = items[static_cast<std::size_t>(i)].location;
                for (const auto c : commune_index.query(point_box(p))) {
                    auto& clip = clippers[c];
                    if (!clip)
                        clip = std::make_unique<geo::PolygonClipper>(area.communes[c].geometry);
                    if (clip->contains(p)) {
                        owner[static_cast<std::size_t>(i)].commune = static_cast<int>(c);
                        break;
                    }
                }
            });
        }
    }
    errors.rethrow();
    return owner;
}

// Which of two communes owns what lies along their shared boundary: the code that sorts first.
bool owns_shared(const StudyArea& area, std::size_t a, std::size_t b) {
    const auto& ca = area.communes[a].code;
    const auto& cb = area.communes[b].code;
    return ca != cb ? ca < cb : a < b;
}

// Everything measured in one commune. Pieces are collected here and concatenated in commune
// order afterwards, so nothing is appended across threads.
struct CommuneWork {
    Inventory inv;
    std::vector<RoadPiece> roads;
    std::vector<CanalPiece> canals;
};

class CommuneMeasurer {
 public:
    CommuneMeasurer(const StudyArea& area, const MeasureOptions& options, const BoxIndex& communes,
                    const BoxIndex& roads, const BoxIndex& canals, const BoxIndex& farmland)
        : m_area(area),
          m_options(options),
          m_communes(communes),
          m_roads(roads),
          m_canals(canals),
          m_farmland(farmland) {}

    CommuneWork run(std::size_t ci) const {
        CommuneWork w;
        const auto& commune = m_area.communes[ci];
        w.inv.population = commune.population;
        w.inv.households = commune.households;
        w.inv.area_m2 = ntm::area(commune.geometry);
        const geo::PolygonClipper clip(commune.geometry);
        const Box box = bounds(commune.geometry);

        for (const auto r : m_roads.query(box)) {
            const auto& road = m_area.roads[r];
            const double len = clipped_length(ci, clip, road.geometry);
            if (len <= 0) continue;
            w.inv.road_m[static_cast<std::size_t>(road.road_class)]
                        [static_cast<std::size_t>(road.surface)] += len;
            w.roads.push_back({static_cast<std::uint32_t>(ci), r, road.road_class, road.surface,
                               len, road.width_m});
        }
        // Canals reach farmland up to their service width beyond the commune's box.
        std::vector<std::uint32_t> canal_ids = m_canals.query(box);
        std::vector<MultiLineString> canal_inside;  // clipped geometry, for the served area
        // Lined canals lying along a boundary that a neighbour owns: not this commune's pieces,
        // but they serve its farmland all the same (docs/model.md).
        std::vector<MultiLineString> lined_on_boundary;
        std::vector<double> lined_on_boundary_width;
        for (const auto k : canal_ids) {
            const auto& canal = m_area.canals[k];
            double inside_m = 0;
            const double len = clipped_length(ci, clip, canal.geometry, &inside_m);
            if (len <= 0) {
                if (m_options.served && canal.lined && inside_m > 0) {
                    lined_on_boundary.push_back(clip.clip(canal.geometry));
                    lined_on_boundary_width.push_back(service_width(canal, m_options));
                }
                continue;
            }
            w.inv.canal_m[static_cast<std::size_t>(canal.level)][canal.lined ? 1 : 0] += len;
            w.canals.push_back(
                {static_cast<std::uint32_t>(ci), k, canal.level, canal.lined, len, 0});
            if (m_options.served) canal_inside.push_back(clip.clip(canal.geometry));
        }
        // Farmland clipped to the commune.
        MultiPolygon farmland;
        for (const auto f : m_farmland.query(box)) {
            const auto& parcel = m_area.farmland[f];
            auto inside = clip.clip_polygons(parcel.geometry);
            const double a = ntm::area(inside);
            if (a <= 0) continue;
            w.inv.farmland_m2[static_cast<std::size_t>(parcel.use)] += a;
            if (m_options.served)
                for (auto& p : inside.polygons) farmland.polygons.push_back(std::move(p));
        }
        if (m_options.served)
            served(w, farmland, canal_inside, lined_on_boundary, lined_on_boundary_width);
        return w;
    }

 private:
    // Length of the lines inside commune ci, less what lies along a boundary it shares with a
    // commune that owns the shared boundary. `inside_m`, when given, gets the length inside with
    // nothing taken off.
    double clipped_length(std::size_t ci, const geo::PolygonClipper& clip,
                          const MultiLineString& lines, double* inside_m = nullptr) const {
        double total = 0;
        for (const auto& part : lines.parts) {
            auto lc = clip.clip_line(part);
            total += lc.length;
            if (inside_m) *inside_m += lc.length;
            if (lc.on_boundary.parts.empty()) continue;
            const Box along = bounds(lc.on_boundary);
            for (const auto d : m_communes.query(along)) {
                if (d == ci || !owns_shared(m_area, d, ci)) continue;
                // Rare: a line drawn along a boundary. A throwaway clipper is cheap enough.
                const geo::PolygonClipper other(m_area.communes[d].geometry);
                total -= other.length_on_boundary(lc.on_boundary);
            }
        }
        return std::max(0.0, total);
    }

    // Served farmland now, and the marginal area each unlined piece would add if lined.
    void served(CommuneWork& w, const MultiPolygon& farmland,
                const std::vector<MultiLineString>& inside,
                const std::vector<MultiLineString>& lined_on_boundary,
                const std::vector<double>& lined_on_boundary_width) const {
        if (farmland.polygons.empty()) return;
        std::vector<const LineString*> lined;
        std::vector<double> widths;
        for (std::size_t i = 0; i < lined_on_boundary.size(); ++i)
            for (const auto& part : lined_on_boundary[i].parts) {
                lined.push_back(&part);
                widths.push_back(lined_on_boundary_width[i]);
            }
        for (std::size_t i = 0; i < w.canals.size(); ++i) {
            if (!w.canals[i].lined) continue;
            const double width = service_width(m_area.canals[w.canals[i].canal], m_options);
            for (const auto& part : inside[i].parts) {
                lined.push_back(&part);
                widths.push_back(width);
            }
        }
        geo::ServedFarmland served(farmland);
        w.inv.served_m2 = served.serve(lined, widths);
        for (std::size_t i = 0; i < w.canals.size(); ++i) {
            auto& piece = w.canals[i];
            if (piece.lined) continue;
            std::vector<const LineString*> parts;
            std::vector<double> piece_widths;
            const double width = service_width(m_area.canals[piece.canal], m_options);
            for (const auto& part : inside[i].parts) {
                parts.push_back(&part);
                piece_widths.push_back(width);
            }
            piece.marginal_served_m2 = served.add(parts, piece_widths);
        }
    }

    const StudyArea& m_area;
    const MeasureOptions& m_options;
    const BoxIndex& m_communes;
    const BoxIndex& m_roads;
    const BoxIndex& m_canals;
    const BoxIndex& m_farmland;
};

// From each commune's centroid to the nearest school meeting the standard, by growing a box.
void nearest_standard_school(const StudyArea& area, std::vector<Inventory>& out) {
    std::vector<Box> boxes;
    std::vector<std::uint32_t> ids;
    Box all;
    for (std::size_t i = 0; i < area.schools.size(); ++i) {
        if (!area.schools[i].meets_standard) continue;
        boxes.push_back(point_box(area.schools[i].location));
        ids.push_back(static_cast<std::uint32_t>(i));
        all.expand(area.schools[i].location);
    }
    if (boxes.empty()) return;
    const BoxIndex index(boxes);
    const auto n = static_cast<long long>(area.communes.size());
#pragma omp parallel for schedule(dynamic, 64)
    for (long long ci = 0; ci < n; ++ci) {
        const Point c = centroid(area.communes[static_cast<std::size_t>(ci)].geometry);
        // Beyond this half-width the box holds every school.
        const double far = std::max({std::abs(c.x - all.min_x), std::abs(c.x - all.max_x),
                                     std::abs(c.y - all.min_y), std::abs(c.y - all.max_y)});
        for (double r = 1000;; r *= 2) {
            Box b;
            b.expand(Point{c.x - r, c.y - r});
            b.expand(Point{c.x + r, c.y + r});
            double best = -1;
            for (const auto k : index.query(b)) {
                const auto& p = area.schools[ids[k]].location;
                const double d = std::hypot(p.x - c.x, p.y - c.y);
                if (best < 0 || d < best) best = d;
            }
            // Anything nearer than `best` lies in the box, so best is final when best ≤ r. A NaN
            // or infinite `far` (coordinates of ±1e300) ends the search too, never loops.
            if ((best >= 0 && best <= r) || !(r < far) || !std::isfinite(r)) {
                out[static_cast<std::size_t>(ci)].nearest_standard_school_m = best;
                break;
            }
        }
    }
}

}  // namespace

AreaMeasures measure_area(const StudyArea& area, const MeasureOptions& options) {
    AreaMeasures out;
    const std::size_t nc = area.communes.size();
    out.communes.resize(nc);

    const BoxIndex road_index(boxes_of(area.roads));
    const BoxIndex canal_index(boxes_of(area.canals));
    const BoxIndex farm_index(boxes_of(area.farmland));
    const BoxIndex commune_index(boxes_of(area.communes));
    const CommuneMeasurer measurer(area, options, commune_index, road_index, canal_index,
                                   farm_index);

    std::vector<CommuneWork> work(nc);
    const auto n = static_cast<long long>(nc);
    ParallelErrors errors;
    // On a terminal only (quiet in a pipe, and with -q): 2,000 communes take most of a minute.
    Progress progress("measuring communes", nc);
#pragma omp parallel for schedule(dynamic, 1)
    for (long long ci = 0; ci < n; ++ci) {
        errors.run(ci, [&] {
            work[static_cast<std::size_t>(ci)] = measurer.run(static_cast<std::size_t>(ci));
        });
        progress.advance();
    }
    progress.finish();
    errors.rethrow();
    for (std::size_t ci = 0; ci < nc; ++ci) {
        out.communes[ci] = work[ci].inv;
        out.road_pieces.insert(out.road_pieces.end(), work[ci].roads.begin(), work[ci].roads.end());
        out.canal_pieces.insert(out.canal_pieces.end(), work[ci].canals.begin(),
                                work[ci].canals.end());
    }

    out.school_owner = owners(area.schools, area, commune_index);
    for (std::size_t i = 0; i < area.schools.size(); ++i) {
        const auto& s = area.schools[i];
        out.layers.schools[static_cast<std::size_t>(s.level)][s.meets_standard ? 1 : 0] += 1;
        if (const int c = out.school_owner[i].commune; c >= 0)
            out.communes[static_cast<std::size_t>(c)]
                .schools[static_cast<std::size_t>(s.level)][s.meets_standard ? 1 : 0] += 1;
    }
    out.facility_owner = owners(area.facilities, area, commune_index);
    for (std::size_t i = 0; i < area.facilities.size(); ++i) {
        const auto& f = area.facilities[i];
        out.layers.facilities[static_cast<std::size_t>(f.kind)][f.meets_standard ? 1 : 0] += 1;
        if (const int c = out.facility_owner[i].commune; c >= 0)
            out.communes[static_cast<std::size_t>(c)]
                .facilities[static_cast<std::size_t>(f.kind)][f.meets_standard ? 1 : 0] += 1;
    }
    nearest_standard_school(area, out.communes);

    for (const auto& inv : out.communes) out.total.add(inv);
    for (const auto& r : area.roads)
        out.layers
            .road_m[static_cast<std::size_t>(r.road_class)][static_cast<std::size_t>(r.surface)] +=
            length(r.geometry);
    for (const auto& c : area.canals)
        out.layers.canal_m[static_cast<std::size_t>(c.level)][c.lined ? 1 : 0] +=
            length(c.geometry);
    for (const auto& f : area.farmland)
        out.layers.farmland_m2[static_cast<std::size_t>(f.use)] += ntm::area(f.geometry);
    out.layers.population = out.total.population;
    out.layers.households = out.total.households;
    out.layers.area_m2 = out.total.area_m2;
    out.layers.served_m2 = out.total.served_m2;
    return out;
}

}  // namespace ntm::indicators
