#pragma once
// Plain geometry values owned by the model. They carry no library handle, so any thread may read
// them; geo/ converts them to GEOS or OGR where a kernel needs one.
#include <vector>

namespace ntm {

struct Point {
    double x = 0;
    double y = 0;
    bool operator==(const Point&) const = default;
};

struct Box {
    double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
    bool empty = true;

    void expand(const Point& p);
    void expand(const Box& b);
    bool intersects(const Box& b) const;
    double width() const { return empty ? 0 : max_x - min_x; }
    double height() const { return empty ? 0 : max_y - min_y; }
};

using Ring = std::vector<Point>;  // closed: first point == last point

struct LineString {
    std::vector<Point> points;
};

// Roads and canals: a feature may come as several parts; each part keeps the feature's attributes.
struct MultiLineString {
    std::vector<LineString> parts;
};

struct Polygon {
    Ring outer;
    std::vector<Ring> holes;
};

struct MultiPolygon {
    std::vector<Polygon> polygons;
};

double length(const LineString& line);
double length(const MultiLineString& lines);
// Signed shoelace area of a ring: positive counter-clockwise.
double signed_area(const Ring& ring);
double area(const Polygon& polygon);  // outer minus holes, whatever the ring orientation
double area(const MultiPolygon& polygons);
Box bounds(const LineString& line);
Box bounds(const MultiLineString& lines);
Box bounds(const Polygon& polygon);
Box bounds(const MultiPolygon& polygons);
// Area-weighted centroid of the polygons (holes subtracted).
Point centroid(const MultiPolygon& polygons);
bool is_empty(const MultiLineString& lines);
bool is_empty(const MultiPolygon& polygons);

}  // namespace ntm
