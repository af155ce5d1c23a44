#pragma once
// Geometry kernels on plain geometry values. Each function uses the calling thread's GEOS
// context, so any thread may call them; a PolygonClipper belongs to the thread that made it
// (GEOS 3.11 prepared geometries are not safe to share).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/geometry.h"

namespace ntm::geo {

struct Validity {
    bool valid = true;
    std::string reason;  // GEOS's reason, e.g. "Self-intersection[105.7 18.4]"
};

Validity check_valid(const MultiPolygon& polygons);
Validity check_valid(const MultiLineString& lines);
// GEOS MakeValid, keeping only the polygonal result.
MultiPolygon make_valid(const MultiPolygon& polygons);

// A polygon prepared for many tests and clips against it.
class PolygonClipper {
 public:
    explicit PolygonClipper(const MultiPolygon& polygon);
    ~PolygonClipper();
    PolygonClipper(const PolygonClipper&) = delete;
    PolygonClipper& operator=(const PolygonClipper&) = delete;

    const Box& box() const { return m_box; }
    bool intersects(const MultiLineString& lines) const;
    bool intersects(const MultiPolygon& polygons) const;
    bool contains(const Point& p) const;  // covers: a point on the boundary counts
    // Length of the lines inside the polygon (boundary included).
    double clipped_length(const MultiLineString& lines) const;
    // The lines inside the polygon.
    MultiLineString clip(const MultiLineString& lines) const;
    // Area of the polygons inside this polygon.
    double clipped_area(const MultiPolygon& polygons) const;

    // A line clipped to this polygon, with the pieces that lie along its boundary kept apart,
    // so a road drawn on a boundary shared by two communes can be counted once.
    struct LineClip {
        double length = 0;            // inside, boundary included
        MultiLineString on_boundary;  // the pieces lying along the boundary (empty usually)
    };
    LineClip clip_line(const LineString& line) const;
    // Length of `lines` lying along this polygon's boundary.
    double length_on_boundary(const MultiLineString& lines) const;
    // The polygonal parts of `polygons` inside this polygon.
    MultiPolygon clip_polygons(const MultiPolygon& polygons) const;

 private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    Box m_box;
};

// Voronoi cells of the points, clipped to `clip`; cells come back in the order of the points.
std::vector<MultiPolygon> voronoi_cells(const std::vector<Point>& points, const MultiPolygon& clip);
MultiPolygon union_all(const std::vector<const MultiPolygon*>& parts);
MultiPolygon buffer(const MultiLineString& lines, double distance);
MultiPolygon buffer(const Point& p, double distance, int quadrant_segments = 8);
MultiPolygon intersection(const MultiPolygon& a, const MultiPolygon& b);
MultiPolygon difference(const MultiPolygon& a, const MultiPolygon& b);
// A point inside the polygons (GEOS PointOnSurface), where a centroid may fall outside a
// concave or multi-part shape.
Point point_on_surface(const MultiPolygon& polygons);
// Splits `polygon` into parts of the given areas (the weights' shares of its area, in order) by
// recursive straight cuts: the parts are split into two halves (by position), and the polygon is
// cut by the straight line, among six directions, that gives the halves their shares of the area
// (found by bisection, to 10⁻⁷ of the area) and leaves the fewest, most compact pieces. The
// first half is the polygon's intersection with the half-plane, the second what remains, so the
// parts tile the polygon exactly (their union differs from it only by rounding). Deterministic:
// the same input gives the same parts. A part may be in several pieces where the polygon is
// concave.
std::vector<MultiPolygon> partition_by_area(const MultiPolygon& polygon,
                                            const std::vector<double>& weights);
MultiLineString intersection(const MultiLineString& lines, const MultiPolygon& polygon);
// Farmland served by strips along canals, and what each further strip would add (the rules of
// docs/model.md). The parcels and the strips served so far stay GEOS geometries between calls,
// and every overlay is local: a parcel against a strip, a strip against the strips in its box.
// Parcels are taken not to overlap one another (each m² in one parcel).
// Thread contract: belongs to the thread that made it (it holds that thread's GEOS geometries).
class ServedFarmland {
 public:
    explicit ServedFarmland(const MultiPolygon& farmland);
    ~ServedFarmland();
    ServedFarmland(const ServedFarmland&) = delete;
    ServedFarmland& operator=(const ServedFarmland&) = delete;

    // Serves the strips around `lines` (each buffered by its distance, round ends, unioned) and
    // returns the farmland area they serve. Call once, before add().
    double serve(const std::vector<const LineString*>& lines, const std::vector<double>& distances);
    // The farmland area the strips around `lines` would add to what is served so far; when it is
    // positive, the strips join what is served.
    double add(const std::vector<const LineString*>& lines, const std::vector<double>& distances);

 private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace ntm::geo
