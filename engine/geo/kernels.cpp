#include "geo/kernels.h"

#include <geos_c.h>

#include "core/error.h"
#include "core/spatial_index.h"
#include "geo/geos.h"

namespace ntm::geo {

namespace {
Validity validity_of(GeosContext& ctx, const GEOSGeometry* g) {
    Validity v;
    const char valid = GEOSisValid_r(ctx.handle(), g);
    if (valid == 2) ctx.fail("validity check");
    v.valid = valid == 1;
    if (!v.valid) {
        char* reason = GEOSisValidReason_r(ctx.handle(), g);
        if (reason) {
            v.reason = reason;
            GEOSFree_r(ctx.handle(), reason);
        }
    }
    return v;
}

bool check_predicate(GeosContext& ctx, char result, const char* what) {
    if (result == 2) ctx.fail(what);
    return result == 1;
}
}  // namespace

Validity check_valid(const MultiPolygon& polygons) {
    auto& ctx = thread_context();
    for (const auto& p : polygons.polygons) {
        if (p.outer.size() < 4 || p.outer.front() != p.outer.back()) {
            return {false, "a polygon ring has fewer than 4 points or is not closed"};
        }
        for (const auto& h : p.holes)
            if (h.size() < 4 || h.front() != h.back())
                return {false, "a polygon hole has fewer than 4 points or is not closed"};
    }
    auto g = to_geos(ctx, polygons);
    return validity_of(ctx, g.get());
}

Validity check_valid(const MultiLineString& lines) {
    for (const auto& part : lines.parts) {
        if (part.points.size() < 2) return {false, "a line has fewer than 2 points"};
        for (const auto& p : part.points) {
            if (!std::isfinite(p.x) || !std::isfinite(p.y)) {
                return {false, "a line has a coordinate that is not a finite number"};
            }
        }
        if (length(part) == 0) return {false, "a line has zero length"};
    }
    return {};
}

MultiPolygon make_valid(const MultiPolygon& polygons) {
    auto& ctx = thread_context();
    // Rings that cannot even be built (too few points) are dropped before GEOS sees them.
    MultiPolygon buildable;
    for (const auto& p : polygons.polygons) {
        if (p.outer.size() < 3) continue;
        Polygon q;
        q.outer = p.outer;
        if (q.outer.front() != q.outer.back()) q.outer.push_back(q.outer.front());
        if (q.outer.size() < 4) continue;
        for (auto h : p.holes) {
            if (h.size() < 3) continue;
            if (h.front() != h.back()) h.push_back(h.front());
            if (h.size() >= 4) q.holes.push_back(std::move(h));
        }
        buildable.polygons.push_back(std::move(q));
    }
    auto g = to_geos(ctx, buildable);
    auto fixed = own(ctx, GEOSMakeValid_r(ctx.handle(), g.get()), "make valid");
    return to_multipolygon(ctx, fixed.get());
}

struct PolygonClipper::Impl {
    GeosContext* ctx;
    GeomPtr polygon;
    PreparedPtr prepared;
    GeomPtr boundary;  // made on first use
    const GEOSGeometry* get_boundary() {
        if (!boundary) boundary = own(*ctx, GEOSBoundary_r(ctx->handle(), polygon.get()), "polygon boundary");
        return boundary.get();
    }
};

PolygonClipper::PolygonClipper(const MultiPolygon& polygon) : m_impl(std::make_unique<Impl>()) {
    auto& ctx = thread_context();
    m_impl->ctx = &ctx;
    m_impl->polygon = to_geos(ctx, polygon);
    m_impl->prepared = PreparedPtr(GEOSPrepare_r(ctx.handle(), m_impl->polygon.get()),
                                   PreparedDeleter{ctx.handle()});
    if (!m_impl->prepared) ctx.fail("prepare a polygon");
    m_box = bounds(polygon);
}

PolygonClipper::~PolygonClipper() = default;

bool PolygonClipper::intersects(const MultiLineString& lines) const {
    auto& ctx = *m_impl->ctx;
    auto g = to_geos(ctx, lines);
    return check_predicate(ctx, GEOSPreparedIntersects_r(ctx.handle(), m_impl->prepared.get(), g.get()),
                           "intersects");
}

bool PolygonClipper::intersects(const MultiPolygon& polygons) const {
    auto& ctx = *m_impl->ctx;
    auto g = to_geos(ctx, polygons);
    return check_predicate(ctx, GEOSPreparedIntersects_r(ctx.handle(), m_impl->prepared.get(), g.get()),
                           "intersects");
}

bool PolygonClipper::contains(const Point& p) const {
    auto& ctx = *m_impl->ctx;
    auto g = to_geos(ctx, p);
    return check_predicate(ctx, GEOSPreparedCovers_r(ctx.handle(), m_impl->prepared.get(), g.get()),
                           "covers");
}

double PolygonClipper::clipped_length(const MultiLineString& lines) const {
    auto& ctx = *m_impl->ctx;
    auto h = ctx.handle();
    double total = 0;
    // Part by part: GEOS 3.11 intersects multi-part lines slowly, and a part wholly inside (the
    // common case) needs no overlay at all.
    for (const auto& part : lines.parts) {
        if (!bounds(part).intersects(m_box)) continue;
        auto g = to_geos(ctx, part);
        if (check_predicate(ctx, GEOSPreparedCovers_r(h, m_impl->prepared.get(), g.get()), "covers")) {
            total += length(part);
            continue;
        }
        if (!check_predicate(ctx, GEOSPreparedIntersects_r(h, m_impl->prepared.get(), g.get()),
                             "intersects"))
            continue;
        auto inside = own(ctx, GEOSIntersection_r(h, g.get(), m_impl->polygon.get()), "clip a line");
        total += length(to_multilinestring(ctx, inside.get()));
    }
    return total;
}

MultiLineString PolygonClipper::clip(const MultiLineString& lines) const {
    auto& ctx = *m_impl->ctx;
    auto h = ctx.handle();
    MultiLineString out;
    for (const auto& part : lines.parts) {
        if (!bounds(part).intersects(m_box)) continue;
        auto g = to_geos(ctx, part);
        if (check_predicate(ctx, GEOSPreparedCovers_r(h, m_impl->prepared.get(), g.get()), "covers")) {
            out.parts.push_back(part);
            continue;
        }
        auto inside = own(ctx, GEOSIntersection_r(h, g.get(), m_impl->polygon.get()), "clip a line");
        auto pieces = to_multilinestring(ctx, inside.get());
        for (auto& p : pieces.parts) out.parts.push_back(std::move(p));
    }
    return out;
}

double PolygonClipper::clipped_area(const MultiPolygon& polygons) const {
    auto& ctx = *m_impl->ctx;
    auto h = ctx.handle();
    if (!bounds(polygons).intersects(m_box)) return 0;
    auto g = to_geos(ctx, polygons);
    if (check_predicate(ctx, GEOSPreparedCovers_r(h, m_impl->prepared.get(), g.get()), "covers"))
        return area(polygons);
    auto inside = own(ctx, GEOSIntersection_r(h, g.get(), m_impl->polygon.get()), "clip a polygon");
    return area(to_multipolygon(ctx, inside.get()));
}

PolygonClipper::LineClip PolygonClipper::clip_line(const LineString& line) const {
    auto& ctx = *m_impl->ctx;
    auto h = ctx.handle();
    LineClip out;
    if (!bounds(line).intersects(m_box)) return out;
    auto g = to_geos(ctx, line);
    // Wholly in the interior (the common case): no overlay needed and nothing on the boundary.
    if (check_predicate(ctx, GEOSPreparedContainsProperly_r(h, m_impl->prepared.get(), g.get()),
                        "contains properly")) {
        out.length = length(line);
        return out;
    }
    if (!check_predicate(ctx, GEOSPreparedIntersects_r(h, m_impl->prepared.get(), g.get()), "intersects"))
        return out;
    auto inside = own(ctx, GEOSIntersection_r(h, g.get(), m_impl->polygon.get()), "clip a line");
    out.length = length(to_multilinestring(ctx, inside.get()));
    auto along = own(ctx, GEOSIntersection_r(h, g.get(), m_impl->get_boundary()), "line along a boundary");
    out.on_boundary = to_multilinestring(ctx, along.get());
    return out;
}

double PolygonClipper::length_on_boundary(const MultiLineString& lines) const {
    if (lines.parts.empty()) return 0;
    auto& ctx = *m_impl->ctx;
    auto g = to_geos(ctx, lines);
    auto along = own(ctx, GEOSIntersection_r(ctx.handle(), g.get(), m_impl->get_boundary()),
                     "line along a boundary");
    return length(to_multilinestring(ctx, along.get()));
}

MultiPolygon PolygonClipper::clip_polygons(const MultiPolygon& polygons) const {
    auto& ctx = *m_impl->ctx;
    auto h = ctx.handle();
    if (!bounds(polygons).intersects(m_box)) return {};
    auto g = to_geos(ctx, polygons);
    if (check_predicate(ctx, GEOSPreparedCovers_r(h, m_impl->prepared.get(), g.get()), "covers"))
        return polygons;
    auto inside = own(ctx, GEOSIntersection_r(h, g.get(), m_impl->polygon.get()), "clip a polygon");
    return to_multipolygon(ctx, inside.get());
}

MultiPolygon union_of_buffers(const std::vector<const LineString*>& lines,
                              const std::vector<double>& distances) {
    auto& ctx = thread_context();
    auto h = ctx.handle();
    std::vector<GEOSGeometry*> parts;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (distances[i] <= 0) continue;
        auto g = to_geos(ctx, *lines[i]);
        GEOSGeometry* b = GEOSBuffer_r(h, g.get(), distances[i], 8);
        if (!b) ctx.fail("buffer a canal");
        parts.push_back(b);
    }
    if (parts.empty()) return {};
    auto coll = own(ctx, GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts.data(),
                                                     static_cast<unsigned>(parts.size())),
                    "collect buffers");
    auto u = own(ctx, GEOSUnaryUnion_r(h, coll.get()), "union of buffers");
    return to_multipolygon(ctx, u.get());
}

double area_of_intersection(const MultiPolygon& a, const MultiPolygon& b) {
    if (a.polygons.empty() || b.polygons.empty() || !bounds(a).intersects(bounds(b))) return 0;
    auto& ctx = thread_context();
    auto ga = to_geos(ctx, a);
    auto gb = to_geos(ctx, b);
    auto r = own(ctx, GEOSIntersection_r(ctx.handle(), ga.get(), gb.get()), "intersection");
    double out = 0;
    if (GEOSArea_r(ctx.handle(), r.get(), &out) != 1) ctx.fail("area");
    return out;
}

std::vector<MultiPolygon> voronoi_cells(const std::vector<Point>& points, const MultiPolygon& clip) {
    auto& ctx = thread_context();
    auto h = ctx.handle();
    std::vector<GEOSGeometry*> pts;
    pts.reserve(points.size());
    for (const auto& p : points) pts.push_back(GEOSGeom_createPointFromXY_r(h, p.x, p.y));
    auto sites = own(ctx, GEOSGeom_createCollection_r(h, GEOS_MULTIPOINT, pts.data(),
                                                      static_cast<unsigned>(pts.size())),
                     "collect Voronoi sites");
    auto area_g = to_geos(ctx, clip);
    // An envelope well beyond the clip area so no cell is cut short before clipping.
    auto diagram = own(ctx, GEOSVoronoiDiagram_r(h, sites.get(), area_g.get(), 0.0, 0),
                       "Voronoi diagram");
    // GEOS returns cells in no promised order: match each to the site it holds.
    std::vector<Box> site_boxes;
    site_boxes.reserve(points.size());
    for (const auto& p : points) site_boxes.push_back(point_box(p));
    const BoxIndex sites_index(site_boxes);
    std::vector<MultiPolygon> cells(points.size());
    const int n = GEOSGetNumGeometries_r(h, diagram.get());
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry* cell = GEOSGetGeometryN_r(h, diagram.get(), i);
        Box cell_box;
        double minx, miny, maxx, maxy;
        GEOSGeom_getXMin_r(h, cell, &minx);
        GEOSGeom_getYMin_r(h, cell, &miny);
        GEOSGeom_getXMax_r(h, cell, &maxx);
        GEOSGeom_getYMax_r(h, cell, &maxy);
        cell_box.expand(Point{minx, miny});
        cell_box.expand(Point{maxx, maxy});
        auto prepared = PreparedPtr(GEOSPrepare_r(h, cell), PreparedDeleter{h});
        for (const auto k : sites_index.query(cell_box)) {
            auto pg = to_geos(ctx, points[k]);
            if (GEOSPreparedIntersects_r(h, prepared.get(), pg.get()) == 1) {
                auto inside = own(ctx, GEOSIntersection_r(h, cell, area_g.get()), "clip a cell");
                cells[k] = to_multipolygon(ctx, inside.get());
                break;
            }
        }
    }
    return cells;
}

MultiPolygon union_all(const std::vector<const MultiPolygon*>& parts) {
    auto& ctx = thread_context();
    auto h = ctx.handle();
    std::vector<GEOSGeometry*> geoms;
    for (const auto* mp : parts)
        for (const auto& p : mp->polygons) geoms.push_back(to_geos(ctx, p).release());
    auto coll = own(ctx, GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, geoms.data(),
                                                     static_cast<unsigned>(geoms.size())),
                    "collect polygons");
    auto u = own(ctx, GEOSUnaryUnion_r(h, coll.get()), "union");
    return to_multipolygon(ctx, u.get());
}

MultiPolygon buffer(const MultiLineString& lines, double distance) {
    auto& ctx = thread_context();
    auto g = to_geos(ctx, lines);
    auto b = own(ctx, GEOSBuffer_r(ctx.handle(), g.get(), distance, 8), "buffer");
    return to_multipolygon(ctx, b.get());
}

MultiPolygon buffer(const Point& p, double distance, int quadrant_segments) {
    auto& ctx = thread_context();
    auto g = to_geos(ctx, p);
    auto b = own(ctx, GEOSBuffer_r(ctx.handle(), g.get(), distance, quadrant_segments), "buffer");
    return to_multipolygon(ctx, b.get());
}

MultiPolygon intersection(const MultiPolygon& a, const MultiPolygon& b) {
    auto& ctx = thread_context();
    auto ga = to_geos(ctx, a);
    auto gb = to_geos(ctx, b);
    auto r = own(ctx, GEOSIntersection_r(ctx.handle(), ga.get(), gb.get()), "intersection");
    return to_multipolygon(ctx, r.get());
}

MultiPolygon difference(const MultiPolygon& a, const MultiPolygon& b) {
    auto& ctx = thread_context();
    auto ga = to_geos(ctx, a);
    auto gb = to_geos(ctx, b);
    auto r = own(ctx, GEOSDifference_r(ctx.handle(), ga.get(), gb.get()), "difference");
    return to_multipolygon(ctx, r.get());
}

MultiLineString intersection(const MultiLineString& lines, const MultiPolygon& polygon) {
    auto& ctx = thread_context();
    auto gl = to_geos(ctx, lines);
    auto gp = to_geos(ctx, polygon);
    auto r = own(ctx, GEOSIntersection_r(ctx.handle(), gl.get(), gp.get()), "intersection");
    return to_multilinestring(ctx, r.get());
}

}  // namespace ntm::geo
