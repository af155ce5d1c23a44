#include "geo/geos.h"

#include <geos_c.h>

#include <cstdarg>
#include <cstdio>

#include "core/error.h"

namespace ntm::geo {

namespace {
void message_handler(const char* message, void* userdata) {
    static_cast<GeosContext*>(userdata)->set_last_error(message ? message : "");
}

GEOSCoordSequence* make_sequence(GEOSContextHandle_t h, const std::vector<Point>& pts) {
    auto* seq = GEOSCoordSeq_create_r(h, static_cast<unsigned>(pts.size()), 2);
    for (std::size_t i = 0; i < pts.size(); ++i) {
        GEOSCoordSeq_setXY_r(h, seq, static_cast<unsigned>(i), pts[i].x, pts[i].y);
    }
    return seq;
}

std::vector<Point> read_sequence(GEOSContextHandle_t h, const GEOSCoordSequence* seq) {
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(h, seq, &n);
    std::vector<Point> pts(n);
    for (unsigned i = 0; i < n; ++i) GEOSCoordSeq_getXY_r(h, seq, i, &pts[i].x, &pts[i].y);
    return pts;
}

// GEOS takes ownership of the sequences and geometries given to a constructor whether it
// succeeds or not, so each is held by a GeomPtr until the call that consumes it.
std::vector<GEOSGeometry*> release_all(std::vector<GeomPtr>& parts) {
    std::vector<GEOSGeometry*> raw;
    raw.reserve(parts.size());
    for (auto& p : parts) raw.push_back(p.release());
    parts.clear();
    return raw;
}

GeomPtr make_polygon(GeosContext& ctx, const Polygon& p) {
    auto h = ctx.handle();
    auto shell = own(ctx, GEOSGeom_createLinearRing_r(h, make_sequence(h, p.outer)),
                     "cannot build a polygon ring");
    std::vector<GeomPtr> holes;
    for (const auto& r : p.holes)
        holes.push_back(own(ctx, GEOSGeom_createLinearRing_r(h, make_sequence(h, r)),
                            "cannot build a polygon hole"));
    auto raw_holes = release_all(holes);
    return own(ctx,
               GEOSGeom_createPolygon_r(h, shell.release(), raw_holes.data(),
                                        static_cast<unsigned>(raw_holes.size())),
               "cannot build a polygon");
}

void collect_polygons(GeosContext& ctx, const GEOSGeometry* g, MultiPolygon& out) {
    auto h = ctx.handle();
    const int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_POLYGON) {
        if (GEOSisEmpty_r(h, g) == 1) return;
        Polygon p;
        p.outer = read_sequence(h, GEOSGeom_getCoordSeq_r(h, GEOSGetExteriorRing_r(h, g)));
        const int n = GEOSGetNumInteriorRings_r(h, g);
        for (int i = 0; i < n; ++i) {
            p.holes.push_back(
                read_sequence(h, GEOSGeom_getCoordSeq_r(h, GEOSGetInteriorRingN_r(h, g, i))));
        }
        out.polygons.push_back(std::move(p));
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < n; ++i) collect_polygons(ctx, GEOSGetGeometryN_r(h, g, i), out);
    }
}

void collect_lines(GeosContext& ctx, const GEOSGeometry* g, MultiLineString& out) {
    auto h = ctx.handle();
    const int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_LINESTRING || type == GEOS_LINEARRING) {
        if (GEOSisEmpty_r(h, g) == 1) return;
        out.parts.push_back({read_sequence(h, GEOSGeom_getCoordSeq_r(h, g))});
    } else if (type == GEOS_MULTILINESTRING || type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < n; ++i) collect_lines(ctx, GEOSGetGeometryN_r(h, g, i), out);
    }
}
}  // namespace

GeosContext::GeosContext() : m_handle(GEOS_init_r()) {
    GEOSContext_setErrorMessageHandler_r(m_handle, message_handler, this);
}

GeosContext::~GeosContext() { GEOS_finish_r(m_handle); }

void GeosContext::fail(const std::string& what) const {
    throw GeosError("geometry operation failed: " + what +
                    (m_last_error.empty() ? std::string() : " (GEOS: " + m_last_error + ")"));
}

GeosContext& thread_context() {
    thread_local GeosContext ctx;
    return ctx;
}

void GeomDeleter::operator()(GEOSGeometry* g) const {
    if (g) GEOSGeom_destroy_r(ctx, g);
}

void PreparedDeleter::operator()(const GEOSPreparedGeometry* g) const {
    if (g) GEOSPreparedGeom_destroy_r(ctx, g);
}

GeomPtr own(GeosContext& ctx, GEOSGeometry* g, const char* what) {
    if (!g) ctx.fail(what);
    return GeomPtr(g, GeomDeleter{ctx.handle()});
}

GeomPtr to_geos(GeosContext& ctx, const Point& p) {
    return own(ctx, GEOSGeom_createPointFromXY_r(ctx.handle(), p.x, p.y), "cannot build a point");
}

GeomPtr to_geos(GeosContext& ctx, const LineString& line) {
    auto h = ctx.handle();
    return own(ctx, GEOSGeom_createLineString_r(h, make_sequence(h, line.points)),
               "cannot build a line (fewer than two points?)");
}

GeomPtr to_geos(GeosContext& ctx, const MultiLineString& lines) {
    auto h = ctx.handle();
    std::vector<GeomPtr> parts;
    for (const auto& part : lines.parts)
        parts.push_back(own(ctx, GEOSGeom_createLineString_r(h, make_sequence(h, part.points)),
                            "cannot build a line (fewer than two points?)"));
    auto raw = release_all(parts);
    return own(ctx,
               GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, raw.data(),
                                           static_cast<unsigned>(raw.size())),
               "cannot build a multi-line");
}

GeomPtr to_geos(GeosContext& ctx, const Polygon& polygon) { return make_polygon(ctx, polygon); }

GeomPtr to_geos(GeosContext& ctx, const MultiPolygon& polygons) {
    auto h = ctx.handle();
    std::vector<GeomPtr> parts;
    for (const auto& p : polygons.polygons) parts.push_back(make_polygon(ctx, p));
    auto raw = release_all(parts);
    return own(ctx,
               GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, raw.data(),
                                           static_cast<unsigned>(raw.size())),
               "cannot build a multi-polygon");
}

MultiPolygon to_multipolygon(GeosContext& ctx, const GEOSGeometry* g) {
    MultiPolygon out;
    if (g) collect_polygons(ctx, g, out);
    return out;
}

MultiLineString to_multilinestring(GeosContext& ctx, const GEOSGeometry* g) {
    MultiLineString out;
    if (g) collect_lines(ctx, g, out);
    return out;
}

}  // namespace ntm::geo
