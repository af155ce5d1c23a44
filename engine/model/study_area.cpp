#include "model/study_area.h"

#include <algorithm>
#include <functional>
#include <tuple>

namespace ntm {

int StudyArea::commune_index(const std::string& code) const {
    const auto it = m_by_code.find(code);
    return it == m_by_code.end() ? -1 : it->second;
}

int StudyArea::find_commune(const std::string& name_or_code) const {
    if (const int c = commune_index(name_or_code); c >= 0) return c;
    for (std::size_t i = 0; i < communes.size(); ++i)
        if (communes[i].name == name_or_code) return static_cast<int>(i);
    return -1;
}

void StudyArea::rebuild_index() {
    m_by_code.clear();
    for (std::size_t i = 0; i < communes.size(); ++i) {
        m_by_code.emplace(communes[i].code, static_cast<int>(i));  // first wins on duplicates
    }
}

namespace {

// Lexicographic order of coordinates: the geometry itself decides, not where a file put it.
int compare_points(const std::vector<Point>& a, const std::vector<Point>& b) {
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        if (a[i].x != b[i].x) return a[i].x < b[i].x ? -1 : 1;
        if (a[i].y != b[i].y) return a[i].y < b[i].y ? -1 : 1;
    }
    return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

int compare(const MultiLineString& a, const MultiLineString& b) {
    const std::size_t n = std::min(a.parts.size(), b.parts.size());
    for (std::size_t i = 0; i < n; ++i)
        if (const int c = compare_points(a.parts[i].points, b.parts[i].points)) return c;
    return a.parts.size() == b.parts.size() ? 0 : (a.parts.size() < b.parts.size() ? -1 : 1);
}

int compare(const MultiPolygon& a, const MultiPolygon& b) {
    const std::size_t n = std::min(a.polygons.size(), b.polygons.size());
    for (std::size_t i = 0; i < n; ++i) {
        if (const int c = compare_points(a.polygons[i].outer, b.polygons[i].outer)) return c;
        const auto& ha = a.polygons[i].holes;
        const auto& hb = b.polygons[i].holes;
        for (std::size_t k = 0; k < std::min(ha.size(), hb.size()); ++k)
            if (const int c = compare_points(ha[k], hb[k])) return c;
        if (ha.size() != hb.size()) return ha.size() < hb.size() ? -1 : 1;
    }
    return a.polygons.size() == b.polygons.size()
               ? 0
               : (a.polygons.size() < b.polygons.size() ? -1 : 1);
}

}  // namespace

void StudyArea::sort_canonically() {
    std::stable_sort(communes.begin(), communes.end(),
                     [](const Commune& a, const Commune& b) { return a.code < b.code; });
    std::stable_sort(roads.begin(), roads.end(), [](const Road& a, const Road& b) {
        if (const int c = compare(a.geometry, b.geometry)) return c < 0;
        return std::tie(a.road_class, a.surface, a.width_m) <
               std::tie(b.road_class, b.surface, b.width_m);
    });
    std::stable_sort(canals.begin(), canals.end(), [](const Canal& a, const Canal& b) {
        if (const int c = compare(a.geometry, b.geometry)) return c < 0;
        return std::tie(a.level, a.lined, a.service_width_m) <
               std::tie(b.level, b.lined, b.service_width_m);
    });
    std::stable_sort(farmland.begin(), farmland.end(), [](const Farmland& a, const Farmland& b) {
        if (const int c = compare(a.geometry, b.geometry)) return c < 0;
        return a.use < b.use;
    });
    auto by_place = [](const auto& a, const auto& b) {
        return std::make_tuple(a.location.x, a.location.y, a.kind_key(), std::cref(a.name),
                               a.meets_standard) < std::make_tuple(b.location.x, b.location.y,
                                                                   b.kind_key(), std::cref(b.name),
                                                                   b.meets_standard);
    };
    std::stable_sort(schools.begin(), schools.end(), by_place);
    std::stable_sort(facilities.begin(), facilities.end(), by_place);
    std::stable_sort(status.begin(), status.end(), [](const StatusRow& a, const StatusRow& b) {
        return std::tie(a.commune_code, a.year, a.indicator) <
               std::tie(b.commune_code, b.year, b.indicator);
    });
    rebuild_index();
}

}  // namespace ntm
