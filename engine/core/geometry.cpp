#include "core/geometry.h"

#include <algorithm>
#include <cmath>

namespace ntm {

void Box::expand(const Point& p) {
    if (empty) {
        min_x = max_x = p.x;
        min_y = max_y = p.y;
        empty = false;
        return;
    }
    min_x = std::min(min_x, p.x);
    min_y = std::min(min_y, p.y);
    max_x = std::max(max_x, p.x);
    max_y = std::max(max_y, p.y);
}

void Box::expand(const Box& b) {
    if (b.empty) return;
    expand(Point{b.min_x, b.min_y});
    expand(Point{b.max_x, b.max_y});
}

bool Box::intersects(const Box& b) const {
    return !empty && !b.empty && min_x <= b.max_x && b.min_x <= max_x && min_y <= b.max_y &&
           b.min_y <= max_y;
}

double length(const LineString& line) {
    double total = 0;
    for (std::size_t i = 1; i < line.points.size(); ++i) {
        total += std::hypot(line.points[i].x - line.points[i - 1].x,
                            line.points[i].y - line.points[i - 1].y);
    }
    return total;
}

double length(const MultiLineString& lines) {
    double total = 0;
    for (const auto& part : lines.parts) total += length(part);
    return total;
}

double signed_area(const Ring& ring) {
    double twice = 0;
    for (std::size_t i = 1; i < ring.size(); ++i) {
        twice += ring[i - 1].x * ring[i].y - ring[i].x * ring[i - 1].y;
    }
    return twice / 2;
}

double area(const Polygon& polygon) {
    double a = std::abs(signed_area(polygon.outer));
    for (const auto& hole : polygon.holes) a -= std::abs(signed_area(hole));
    return a;
}

double area(const MultiPolygon& polygons) {
    double total = 0;
    for (const auto& p : polygons.polygons) total += area(p);
    return total;
}

Box bounds(const LineString& line) {
    Box b;
    for (const auto& p : line.points) b.expand(p);
    return b;
}

Box bounds(const MultiLineString& lines) {
    Box b;
    for (const auto& part : lines.parts) b.expand(bounds(part));
    return b;
}

Box bounds(const Polygon& polygon) {
    Box b;
    for (const auto& p : polygon.outer) b.expand(p);
    return b;
}

Box bounds(const MultiPolygon& polygons) {
    Box b;
    for (const auto& p : polygons.polygons) b.expand(bounds(p));
    return b;
}

namespace {
// Centroid contribution of one ring: returns signed area, adds area-weighted moments.
double ring_moments(const Ring& ring, double& mx, double& my) {
    double twice = 0;
    for (std::size_t i = 1; i < ring.size(); ++i) {
        const double cross = ring[i - 1].x * ring[i].y - ring[i].x * ring[i - 1].y;
        twice += cross;
        mx += (ring[i - 1].x + ring[i].x) * cross;
        my += (ring[i - 1].y + ring[i].y) * cross;
    }
    return twice / 2;
}
}  // namespace

Point centroid(const MultiPolygon& polygons) {
    double total = 0, mx = 0, my = 0;
    for (const auto& poly : polygons.polygons) {
        // Orient so the outer ring adds and holes subtract, whatever the input orientation.
        double ox = 0, oy = 0;
        const double a = ring_moments(poly.outer, ox, oy);
        const double s = a < 0 ? -1.0 : 1.0;
        total += s * a;
        mx += s * ox;
        my += s * oy;
        for (const auto& hole : poly.holes) {
            double hx = 0, hy = 0;
            const double ha = ring_moments(hole, hx, hy);
            const double hs = ha < 0 ? 1.0 : -1.0;  // subtract
            total += hs * ha;
            mx += hs * hx;
            my += hs * hy;
        }
    }
    if (total == 0) {
        const Box b = bounds(polygons);
        return {(b.min_x + b.max_x) / 2, (b.min_y + b.max_y) / 2};
    }
    return {mx / (6 * total), my / (6 * total)};
}

bool is_empty(const MultiLineString& lines) {
    for (const auto& part : lines.parts)
        if (part.points.size() >= 2) return false;
    return true;
}

bool is_empty(const MultiPolygon& polygons) {
    for (const auto& p : polygons.polygons)
        if (p.outer.size() >= 4) return false;
    return true;
}

}  // namespace ntm
