#include "io/checks.h"

#include <omp.h>

#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <tuple>

#include "core/parallel.h"
#include "core/spatial_index.h"
#include "core/text.h"
#include "geo/crs.h"
#include "geo/kernels.h"

namespace ntm::io {

namespace {

Location at(const Origin& o, const std::string& field = {}) {
    return Location{o.file, o.layer, o.fid, field, o.line};
}

// For each item, whether it touches any commune. Parallel over items; each thread prepares the
// commune polygons it needs once (a prepared geometry must stay on its thread).
template <typename Item, typename BoxOf, typename Test>
std::vector<char> inside_any(const std::vector<Item>& items, const StudyArea& area,
                             const BoxIndex& index, BoxOf box_of, Test test) {
    std::vector<char> inside(items.size(), 0);
    const auto n = static_cast<long long>(items.size());
    ParallelErrors errors;
#pragma omp parallel
    {
        std::vector<std::unique_ptr<geo::PolygonClipper>> clippers(area.communes.size());
#pragma omp for schedule(dynamic, 256)
        for (long long i = 0; i < n; ++i) {
            errors.run(i, [&] {
                const auto& item = items[static_cast<std::size_t>(i)];
                for (const auto c : index.query(box_of(item))) {
                    auto& clip = clippers[c];
                    if (!clip)
                        clip = std::make_unique<geo::PolygonClipper>(area.communes[c].geometry);
                    if (test(*clip, item)) {
                        inside[static_cast<std::size_t>(i)] = 1;
                        break;
                    }
                }
            });
        }
    }
    errors.rethrow();
    return inside;
}

template <typename Item>
void report_outside(const std::vector<Item>& items, const std::vector<char>& inside,
                    const char* what, Problems& problems) {
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!inside[i]) {
            problems.warning(
                "outside-communes", at(items[i].origin),
                std::string("the ") + what + " lies outside every commune and is not counted",
                "check its position and the layer's CRS, or add the missing commune");
        }
    }
}

}  // namespace

namespace {

// Coordinates outside the CRS's valid area (a typo, a wrong CRS, ±1e300): an error before any
// measuring, which used to loop forever on them.
template <typename Item, typename BoxOf>
void check_coordinates(const std::vector<Item>& items, const Box& valid, const std::string& crs,
                       const char* what, BoxOf box_of, Problems& problems) {
    for (const auto& item : items) {
        const Box b = box_of(item);
        if (b.empty) continue;  // no geometry: reported elsewhere
        const bool finite = std::isfinite(b.min_x) && std::isfinite(b.min_y) &&
                            std::isfinite(b.max_x) && std::isfinite(b.max_y);
        if (finite && b.min_x >= valid.min_x && b.max_x <= valid.max_x && b.min_y >= valid.min_y &&
            b.max_y <= valid.max_y)
            continue;
        problems.error("coordinates-outside-crs", at(item.origin),
                       std::string("the ") + what + " has coordinates (" +
                           format_fixed(b.min_x, 0) + ", " + format_fixed(b.min_y, 0) + ") to (" +
                           format_fixed(b.max_x, 0) + ", " + format_fixed(b.max_y, 0) +
                           ") outside where " + crs + " is valid",
                       "check the coordinates and the layer's CRS (area.yaml crs:)");
    }
}

}  // namespace

void check_study_area(const StudyArea& area, const Catalogue& catalogue, Problems& problems) {
    {
        const Box valid = geo::valid_bounds(area.crs);
        const std::string crs = area.crs.known() ? area.crs.label() : "any CRS";
        auto shape = [](const auto& x) { return bounds(x.geometry); };
        auto point = [](const auto& x) { return ntm::point_box(x.location); };
        check_coordinates(area.communes, valid, crs, "commune", shape, problems);
        check_coordinates(area.roads, valid, crs, "road", shape, problems);
        check_coordinates(area.canals, valid, crs, "canal", shape, problems);
        check_coordinates(area.farmland, valid, crs, "farmland parcel", shape, problems);
        check_coordinates(area.schools, valid, crs, "school", point, problems);
        check_coordinates(area.facilities, valid, crs, "facility", point, problems);
    }

    // Communes: codes present and unique.
    std::map<std::string, const Commune*> seen;
    for (const auto& c : area.communes) {
        if (c.code.empty()) continue;  // reported as a missing value
        const auto [it, fresh] = seen.emplace(c.code, &c);
        if (!fresh) {
            problems.error(
                "duplicate-code", at(c.origin, "code"),
                "commune code '" + c.code + "' (" + c.name + ") is also used by feature " +
                    std::to_string(it->second->origin.fid) + " (" + it->second->name + ")",
                "give every commune its own code");
        }
        if (c.kind == CommuneKind::Commune && c.population == 0) {
            problems.warning("zero-population", at(c.origin, "population"),
                             "commune '" + c.name + "' has no population",
                             "per-person measures and people's contributions will be zero");
        }
    }

    // Assets outside every commune.
    if (!area.communes.empty()) {
        std::vector<Box> boxes;
        boxes.reserve(area.communes.size());
        for (const auto& c : area.communes) boxes.push_back(bounds(c.geometry));
        const BoxIndex index(boxes);
        auto line_box = [](const auto& x) { return bounds(x.geometry); };
        auto line_test = [](const geo::PolygonClipper& clip, const auto& x) {
            return clip.intersects(x.geometry);
        };
        auto point_box = [](const auto& x) { return ntm::point_box(x.location); };
        auto point_test = [](const geo::PolygonClipper& clip, const auto& x) {
            return clip.contains(x.location);
        };
        report_outside(area.roads, inside_any(area.roads, area, index, line_box, line_test), "road",
                       problems);
        report_outside(area.canals, inside_any(area.canals, area, index, line_box, line_test),
                       "canal", problems);
        report_outside(area.farmland, inside_any(area.farmland, area, index, line_box, line_test),
                       "farmland parcel", problems);
        report_outside(area.schools, inside_any(area.schools, area, index, point_box, point_test),
                       "school", problems);
        report_outside(area.facilities,
                       inside_any(area.facilities, area, index, point_box, point_test), "facility",
                       problems);
    }

    // Status rows.
    std::set<std::tuple<std::string, int, std::string>> keys;
    for (const auto& s : area.status) {
        if (!s.commune_code.empty() && area.commune_index(s.commune_code) < 0) {
            problems.error("unknown-commune", at(s.origin, "commune_code"),
                           "no commune has code '" + s.commune_code + "'",
                           "use a code from the communes layer");
        }
        if (s.indicator.empty()) continue;
        const auto* info = catalogue.find(s.indicator);
        if (!info) {
            problems.error("unknown-indicator", at(s.origin, "indicator"),
                           "unknown indicator '" + s.indicator + "'",
                           "use an id listed in " + catalogue.path);
            continue;
        }
        if (!keys.emplace(s.commune_code, s.year, s.indicator).second) {
            problems.error("duplicate-status", at(s.origin),
                           "a second row for commune '" + s.commune_code + "', year " +
                               std::to_string(s.year) + ", indicator " + s.indicator,
                           "keep one row per commune, year and indicator");
        }
        if (info->unit == "share" && s.value && (*s.value < 0 || *s.value > 1)) {
            problems.error("bad-value", at(s.origin, "value"),
                           "indicator " + s.indicator + " is a share but its value is " +
                               format_fixed(*s.value, 3),
                           "give shares as fractions from 0 to 1 (85% is 0.85)");
        }
        if (info->unit == "met" && !s.met && s.value && *s.value != 0 && *s.value != 1) {
            problems.error("bad-value", at(s.origin, "met"),
                           "indicator " + s.indicator +
                               " is met / not met, but the row gives value " +
                               format_fixed(*s.value, 3),
                           "fill in met with yes or no");
        }
        if (info->unit == "mvnd_per_person_year" && s.value && *s.value < 0) {
            problems.error("negative-value", at(s.origin, "value"), "income is negative");
        }
    }
}

}  // namespace ntm::io
