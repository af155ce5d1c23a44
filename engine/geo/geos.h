#pragma once
// RAII for the GEOS reentrant C API. Only declarations of GEOS's opaque types appear here.
// Thread contract: a GeosContext and everything made with it belong to one thread. Use
// thread_context() to get the calling thread's own context.
#include <memory>
#include <string>

#include "core/geometry.h"

extern "C" {
typedef struct GEOSContextHandle_HS* GEOSContextHandle_t;
typedef struct GEOSGeom_t GEOSGeometry;
typedef struct GEOSPrepGeom_t GEOSPreparedGeometry;
}

namespace ntm::geo {

class GeosContext {
 public:
    GeosContext();
    ~GeosContext();
    GeosContext(const GeosContext&) = delete;
    GeosContext& operator=(const GeosContext&) = delete;

    GEOSContextHandle_t handle() const { return m_handle; }
    // The last error GEOS reported on this context.
    const std::string& last_error() const { return m_last_error; }
    void set_last_error(std::string message) { m_last_error = std::move(message); }
    // Throws GeosError with `what` and GEOS's own message.
    [[noreturn]] void fail(const std::string& what) const;

 private:
    GEOSContextHandle_t m_handle;
    std::string m_last_error;
};

// The calling thread's context, made on first use.
GeosContext& thread_context();

struct GeomDeleter {
    GEOSContextHandle_t ctx = nullptr;
    void operator()(GEOSGeometry* g) const;
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

struct PreparedDeleter {
    GEOSContextHandle_t ctx = nullptr;
    void operator()(const GEOSPreparedGeometry* g) const;
};
using PreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;

// Takes ownership of a GEOS result, throwing GeosError (with `what`) when it is null.
GeomPtr own(GeosContext& ctx, GEOSGeometry* g, const char* what);

GeomPtr to_geos(GeosContext& ctx, const Point& p);
GeomPtr to_geos(GeosContext& ctx, const LineString& line);
GeomPtr to_geos(GeosContext& ctx, const MultiLineString& lines);
GeomPtr to_geos(GeosContext& ctx, const Polygon& polygon);
GeomPtr to_geos(GeosContext& ctx, const MultiPolygon& polygons);
// The polygonal parts of any geometry (others are dropped).
MultiPolygon to_multipolygon(GeosContext& ctx, const GEOSGeometry* g);
// The linear parts of any geometry (others are dropped).
MultiLineString to_multilinestring(GeosContext& ctx, const GEOSGeometry* g);

}  // namespace ntm::geo
