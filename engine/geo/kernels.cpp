#include "geo/kernels.h"

#include <geos_c.h>

#include <algorithm>
#include <cmath>
#include <optional>

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
        if (!boundary)
            boundary = own(*ctx, GEOSBoundary_r(ctx->handle(), polygon.get()), "polygon boundary");
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
    return check_predicate(
        ctx, GEOSPreparedIntersects_r(ctx.handle(), m_impl->prepared.get(), g.get()), "intersects");
}

bool PolygonClipper::intersects(const MultiPolygon& polygons) const {
    auto& ctx = *m_impl->ctx;
    auto g = to_geos(ctx, polygons);
    return check_predicate(
        ctx, GEOSPreparedIntersects_r(ctx.handle(), m_impl->prepared.get(), g.get()), "intersects");
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
        if (check_predicate(ctx, GEOSPreparedCovers_r(h, m_impl->prepared.get(), g.get()),
                            "covers")) {
            total += length(part);
            continue;
        }
        if (!check_predicate(ctx, GEOSPreparedIntersects_r(h, m_impl->prepared.get(), g.get()),
                             "intersects"))
            continue;
        auto inside =
            own(ctx, GEOSIntersection_r(h, g.get(), m_impl->polygon.get()), "clip a line");
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
        if (check_predicate(ctx, GEOSPreparedCovers_r(h, m_impl->prepared.get(), g.get()),
                            "covers")) {
            out.parts.push_back(part);
            continue;
        }
        auto inside =
            own(ctx, GEOSIntersection_r(h, g.get(), m_impl->polygon.get()), "clip a line");
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
    if (!check_predicate(ctx, GEOSPreparedIntersects_r(h, m_impl->prepared.get(), g.get()),
                         "intersects"))
        return out;
    auto inside = own(ctx, GEOSIntersection_r(h, g.get(), m_impl->polygon.get()), "clip a line");
    out.length = length(to_multilinestring(ctx, inside.get()));
    auto along =
        own(ctx, GEOSIntersection_r(h, g.get(), m_impl->get_boundary()), "line along a boundary");
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

namespace {
// The union of the lines' buffers (round caps, each line its own distance; distances ≤ 0 left
// out) as a GEOS geometry; null when none is left.
GeomPtr geos_union_of_buffers(GeosContext& ctx, const std::vector<const LineString*>& lines,
                              const std::vector<double>& distances) {
    auto h = ctx.handle();
    std::vector<GeomPtr> parts;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (distances[i] <= 0) continue;
        auto g = to_geos(ctx, *lines[i]);
        parts.push_back(own(ctx, GEOSBuffer_r(h, g.get(), distances[i], 8), "buffer a canal"));
    }
    if (parts.empty()) return GeomPtr(nullptr, GeomDeleter{h});
    std::vector<GEOSGeometry*> raw;
    for (auto& p : parts) raw.push_back(p.release());
    auto coll = own(ctx,
                    GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, raw.data(),
                                                static_cast<unsigned>(raw.size())),
                    "collect buffers");
    return own(ctx, GEOSUnaryUnion_r(h, coll.get()), "union of buffers");
}

Box envelope(GeosContext& ctx, const GEOSGeometry* g) {
    Box b;
    if (GEOSisEmpty_r(ctx.handle(), g) == 1) return b;
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    if (GEOSGeom_getXMin_r(ctx.handle(), g, &x0) != 1 ||
        GEOSGeom_getYMin_r(ctx.handle(), g, &y0) != 1 ||
        GEOSGeom_getXMax_r(ctx.handle(), g, &x1) != 1 ||
        GEOSGeom_getYMax_r(ctx.handle(), g, &y1) != 1)
        ctx.fail("envelope");
    b.expand(Point{x0, y0});
    b.expand(Point{x1, y1});
    return b;
}

double area_of(GeosContext& ctx, const GEOSGeometry* g) {
    double a = 0;
    if (GEOSArea_r(ctx.handle(), g, &a) != 1) ctx.fail("area");
    return a;
}
}  // namespace

struct ServedFarmland::Impl {
    GeosContext* ctx = nullptr;
    std::vector<GeomPtr> parcels;
    std::vector<double> parcel_area;
    BoxIndex parcel_index;
    std::vector<GeomPtr> served;  // the strips served so far (their union is what is served)
    std::vector<Box> served_box;
    std::vector<PreparedPtr> served_prepared;  // made on first use

    const GEOSPreparedGeometry* prepared(std::size_t i) {
        auto h = ctx->handle();
        while (served_prepared.size() < served.size())
            served_prepared.emplace_back(nullptr, PreparedDeleter{h});
        if (!served_prepared[i]) {
            served_prepared[i] = PreparedPtr(GEOSPrepare_r(h, served[i].get()), PreparedDeleter{h});
            if (!served_prepared[i]) ctx->fail("prepare a strip");
        }
        return served_prepared[i].get();
    }

    // Farmland area inside g (a polygon or multipolygon): parcel by parcel, a parcel g covers
    // whole without an overlay.
    double farmland_within(const GEOSGeometry* g) const {
        auto h = ctx->handle();
        PreparedPtr prepared(GEOSPrepare_r(h, g), PreparedDeleter{h});
        if (!prepared) ctx->fail("prepare a strip");
        double total = 0;
        for (const auto i : parcel_index.query(envelope(*ctx, g))) {
            const GEOSGeometry* parcel = parcels[i].get();
            if (!check_predicate(*ctx, GEOSPreparedIntersects_r(h, prepared.get(), parcel),
                                 "intersects"))
                continue;
            if (check_predicate(*ctx, GEOSPreparedCovers_r(h, prepared.get(), parcel), "covers")) {
                total += parcel_area[i];
                continue;
            }
            auto inside = own(*ctx, GEOSIntersection_r(h, parcel, g), "farmland within a strip");
            total += area_of(*ctx, inside.get());
        }
        return total;
    }
};

ServedFarmland::ServedFarmland(const MultiPolygon& farmland) : m_impl(std::make_unique<Impl>()) {
    m_impl->ctx = &thread_context();
    std::vector<Box> boxes;
    for (const auto& p : farmland.polygons) {
        auto g = to_geos(*m_impl->ctx, p);
        m_impl->parcel_area.push_back(area_of(*m_impl->ctx, g.get()));
        boxes.push_back(bounds(p));
        m_impl->parcels.push_back(std::move(g));
    }
    m_impl->parcel_index = BoxIndex(boxes);
}

ServedFarmland::~ServedFarmland() = default;

double ServedFarmland::serve(const std::vector<const LineString*>& lines,
                             const std::vector<double>& distances) {
    auto& ctx = *m_impl->ctx;
    auto strips = geos_union_of_buffers(ctx, lines, distances);
    if (!strips) return 0;
    const double area = m_impl->farmland_within(strips.get());
    m_impl->served_box.push_back(envelope(ctx, strips.get()));
    m_impl->served.push_back(std::move(strips));
    return area;
}

double ServedFarmland::add(const std::vector<const LineString*>& lines,
                           const std::vector<double>& distances) {
    auto& ctx = *m_impl->ctx;
    auto strips = geos_union_of_buffers(ctx, lines, distances);
    if (!strips) return 0;
    const Box box = envelope(ctx, strips.get());
    // What the strips hold beyond everything served so far, taking off the served strips that
    // reach into their box one at a time (each difference is local to the new strips' box).
    // A served strip that covers the new ones leaves nothing; one that reaches in is first cut
    // to their box (which changes nothing inside it), so the overlay works on a small piece.
    auto h = ctx.handle();
    GeomPtr fresh(GEOSGeom_clone_r(h, strips.get()), GeomDeleter{h});
    if (!fresh) ctx.fail("copy a strip");
    for (std::size_t i = 0; i < m_impl->served.size(); ++i) {
        if (!m_impl->served_box[i].intersects(box)) continue;
        const GEOSPreparedGeometry* prepared = m_impl->prepared(i);
        if (!check_predicate(ctx, GEOSPreparedIntersects_r(h, prepared, fresh.get()), "intersects"))
            continue;
        if (check_predicate(ctx, GEOSPreparedCovers_r(h, prepared, fresh.get()), "covers"))
            return 0;
        auto near = own(ctx,
                        GEOSClipByRect_r(h, m_impl->served[i].get(), box.min_x, box.min_y,
                                         box.max_x, box.max_y),
                        "cut a served strip to a box");
        fresh = own(ctx, GEOSDifference_r(h, fresh.get(), near.get()), "new strip");
        if (GEOSisEmpty_r(h, fresh.get()) == 1) return 0;
    }
    const double area = m_impl->farmland_within(fresh.get());
    if (area > 0) {
        m_impl->served_box.push_back(box);
        m_impl->served.push_back(std::move(strips));
    }
    return area;
}

std::vector<MultiPolygon> voronoi_cells(const std::vector<Point>& points,
                                        const MultiPolygon& clip) {
    auto& ctx = thread_context();
    auto h = ctx.handle();
    std::vector<GEOSGeometry*> pts;
    pts.reserve(points.size());
    for (const auto& p : points) pts.push_back(GEOSGeom_createPointFromXY_r(h, p.x, p.y));
    auto sites = own(ctx,
                     GEOSGeom_createCollection_r(h, GEOS_MULTIPOINT, pts.data(),
                                                 static_cast<unsigned>(pts.size())),
                     "collect Voronoi sites");
    auto area_g = to_geos(ctx, clip);
    // An envelope well beyond the clip area so no cell is cut short before clipping.
    auto diagram =
        own(ctx, GEOSVoronoiDiagram_r(h, sites.get(), area_g.get(), 0.0, 0), "Voronoi diagram");
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
    auto coll = own(ctx,
                    GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, geoms.data(),
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

namespace {
// An overlay of two polygonal values (GEOSIntersection_r, GEOSDifference_r…), polygons kept.
using Overlay = GEOSGeometry* (*)(GEOSContextHandle_t, const GEOSGeometry*, const GEOSGeometry*);
MultiPolygon overlay(const MultiPolygon& a, const MultiPolygon& b, Overlay op, const char* what) {
    auto& ctx = thread_context();
    auto ga = to_geos(ctx, a);
    auto gb = to_geos(ctx, b);
    auto r = own(ctx, op(ctx.handle(), ga.get(), gb.get()), what);
    return to_multipolygon(ctx, r.get());
}
}  // namespace

MultiPolygon intersection(const MultiPolygon& a, const MultiPolygon& b) {
    return overlay(a, b, GEOSIntersection_r, "intersection");
}

MultiPolygon difference(const MultiPolygon& a, const MultiPolygon& b) {
    return overlay(a, b, GEOSDifference_r, "difference");
}

Point point_on_surface(const MultiPolygon& polygons) {
    auto& ctx = thread_context();
    auto g = to_geos(ctx, polygons);
    auto p = own(ctx, GEOSPointOnSurface_r(ctx.handle(), g.get()), "point on surface");
    double x = 0, y = 0;
    if (!GEOSGeomGetX_r(ctx.handle(), p.get(), &x) || !GEOSGeomGetY_r(ctx.handle(), p.get(), &y))
        ctx.fail("point on surface");
    return {x, y};
}

namespace {

double geos_area(GeosContext& ctx, const GEOSGeometry* g) {
    double a = 0;
    if (!GEOSArea_r(ctx.handle(), g, &a)) ctx.fail("area");
    return a;
}

// A straight cut of a polygon: the side {p : (p − o)·d ≤ s} and the rest.
struct Cut {
    GeomPtr low, high;
    int pieces = 0;        // polygons of either side above a thousandth of the whole
    double roundness = 0;  // Σ perimeter² / (4π area) of both sides: 1 a circle, more elongated
};

class Cutter {
 public:
    Cutter(GeosContext& ctx, const GEOSGeometry* g, double angle)
        : m_ctx(ctx), m_g(g), m_dx(std::cos(angle)), m_dy(std::sin(angle)) {
        double x0, y0, x1, y1;
        auto h = ctx.handle();
        if (!GEOSGeom_getXMin_r(h, g, &x0) || !GEOSGeom_getYMin_r(h, g, &y0) ||
            !GEOSGeom_getXMax_r(h, g, &x1) || !GEOSGeom_getYMax_r(h, g, &y1))
            ctx.fail("bounds");
        m_ox = (x0 + x1) / 2;
        m_oy = (y0 + y1) / 2;
        m_reach = (x1 - x0) + (y1 - y0) + 1;
        // The box's corners bound the polygon's extent along d.
        m_min = m_max = 0;
        for (const double x : {x0, x1})
            for (const double y : {y0, y1}) {
                const double s = (x - m_ox) * m_dx + (y - m_oy) * m_dy;
                m_min = std::min(m_min, s);
                m_max = std::max(m_max, s);
            }
    }
    double min() const { return m_min; }
    double max() const { return m_max; }

    GeomPtr low_side(double s) const {
        // A rectangle reaching well beyond the polygon on every side but the cut.
        const double ex = -m_dy * m_reach, ey = m_dx * m_reach;
        const double cx = m_ox + m_dx * s, cy = m_oy + m_dy * s;
        const double bx = m_ox - m_dx * m_reach, by = m_oy - m_dy * m_reach;
        Polygon half;
        half.outer = {{cx - ex, cy - ey},
                      {cx + ex, cy + ey},
                      {bx + ex, by + ey},
                      {bx - ex, by - ey},
                      {cx - ex, cy - ey}};
        auto hp = to_geos(m_ctx, half);
        return own(m_ctx, GEOSIntersection_r(m_ctx.handle(), m_g, hp.get()), "cut a polygon");
    }

 private:
    GeosContext& m_ctx;
    const GEOSGeometry* m_g;
    double m_dx, m_dy, m_ox = 0, m_oy = 0, m_reach = 0, m_min = 0, m_max = 0;
};

Cut cut_at_share(GeosContext& ctx, const GEOSGeometry* g, double whole, double share,
                 double angle) {
    const Cutter cutter(ctx, g, angle);
    const double want = share * whole;
    double lo = cutter.min(), hi = cutter.max();
    GeomPtr low;
    for (int i = 0; i < 100; ++i) {
        const double s = (lo + hi) / 2;
        low = cutter.low_side(s);
        const double a = geos_area(ctx, low.get());
        if (std::abs(a - want) <= 1e-7 * whole || hi - lo < 1e-6) break;
        (a < want ? lo : hi) = s;
    }
    Cut cut;
    cut.high = own(ctx, GEOSDifference_r(ctx.handle(), g, low.get()), "cut a polygon");
    cut.low = std::move(low);
    for (const auto* side : {cut.low.get(), cut.high.get()}) {
        const double a = geos_area(ctx, side);
        double perimeter = 0;
        if (!GEOSLength_r(ctx.handle(), side, &perimeter)) ctx.fail("length");
        if (a > 0) cut.roundness += perimeter * perimeter / (4 * 3.14159265358979323846 * a);
        const int n = GEOSGetNumGeometries_r(ctx.handle(), side);
        for (int k = 0; k < n; ++k)
            if (geos_area(ctx, GEOSGetGeometryN_r(ctx.handle(), side, k)) > 1e-3 * whole)
                ++cut.pieces;
    }
    return cut;
}

void partition(GeosContext& ctx, GeomPtr g, const std::vector<double>& weights, std::size_t begin,
               std::size_t end, std::vector<MultiPolygon>& out) {
    if (end - begin == 1) {
        out[begin] = to_multipolygon(ctx, g.get());
        return;
    }
    const std::size_t mid = begin + (end - begin) / 2;
    double first = 0, all = 0;
    for (std::size_t i = begin; i < end; ++i) (i < mid ? first : all) += weights[i];
    all += first;
    const double whole = geos_area(ctx, g.get());
    std::optional<Cut> best;
    for (int k = 0; k < 6; ++k) {
        auto cut = cut_at_share(ctx, g.get(), whole, first / all, k * 3.14159265358979323846 / 6);
        if (!best || cut.pieces < best->pieces ||
            (cut.pieces == best->pieces && cut.roundness < best->roundness))
            best = std::move(cut);
    }
    partition(ctx, std::move(best->low), weights, begin, mid, out);
    partition(ctx, std::move(best->high), weights, mid, end, out);
}

}  // namespace

std::vector<MultiPolygon> partition_by_area(const MultiPolygon& polygon,
                                            const std::vector<double>& weights) {
    std::vector<MultiPolygon> out(weights.size());
    if (weights.empty()) return out;
    for (const double w : weights)
        if (!(w > 0)) throw InputError("partition_by_area: every weight must be above 0");
    auto& ctx = thread_context();
    partition(ctx, to_geos(ctx, polygon), weights, 0, weights.size(), out);
    return out;
}

MultiLineString intersection(const MultiLineString& lines, const MultiPolygon& polygon) {
    auto& ctx = thread_context();
    auto gl = to_geos(ctx, lines);
    auto gp = to_geos(ctx, polygon);
    auto r = own(ctx, GEOSIntersection_r(ctx.handle(), gl.get(), gp.get()), "intersection");
    return to_multilinestring(ctx, r.get());
}

}  // namespace ntm::geo
