#pragma once
// Choropleth maps of communes (PNG or SVG): polygons coloured by a value through a ramp, optional
// line and point layers, commune labels, legend, scale bar, north arrow and title.
//
// Thread contract: the functions share no state of their own; different threads may draw
// different maps at the same time (Cairo and fontconfig lock their own caches).
#include <optional>
#include <string>
#include <vector>

#include "core/geometry.h"
#include "render/style.h"

namespace ntm::render {

struct PolygonFeature {
    MultiPolygon geometry;  // metres, projected CRS, y north
    double value = 0;       // NaN: no data
    std::string label;      // UTF-8 commune name; empty: no label
};

struct LineFeature {
    MultiLineString geometry;
    double value = 0;
};

struct PointFeature {
    Point at;
    double value = 0;
};

// Drawn in one colour, or by value through `ramp` when it is set (then with its own legend).
struct LineLayer {
    std::string name;  // legend entry
    std::vector<LineFeature> features;
    Color color{60, 60, 60};
    double width_px = 1.5;
    std::optional<ColorRamp> ramp;
};

struct PointLayer {
    std::string name;
    std::vector<PointFeature> features;
    Color color{200, 30, 30};
    double radius_px = 4;
    std::optional<ColorRamp> ramp;
};

struct MapSpec {
    std::string title;     // also the SVG's <title>
    std::string subtitle;  // also the SVG's <desc>
    std::vector<PolygonFeature> polygons;
    ColorRamp ramp = sequential_ramp("");  // colours the polygons
    std::vector<LineLayer> lines;          // drawn over the polygons, in order
    std::vector<PointLayer> points;        // drawn over the lines, in order
    int width = 1200;                      // pixels (SVG: user units, 1 px)
    int height = 900;
    Color background = kWhite;
    bool labels = true;  // commune labels; those that would overlap a larger commune's are dropped
};

// Where the data land on the image: the bounds of every layer fitted, with equal scale in x and
// y, into the map area (the page less the title band, the legend panel on the right and margins).
struct MapFrame {
    Rect map_area;  // pixels
    double pixels_per_metre = 1;
    double origin_x = 0;  // pixel x of world x = 0 ...
    double origin_y = 0;  // ... and pixel y of world y = 0 (y grows down on the image)

    Point to_image(const Point& world) const {
        return {origin_x + world.x * pixels_per_metre, origin_y - world.y * pixels_per_metre};
    }
};

MapFrame map_frame(const MapSpec& spec);

// The encoded image (PNG bytes or SVG text). Same spec, same bytes.
std::string map_image(const MapSpec& spec, ImageFormat format);
// SVG text for inline embedding in an HTML page: it starts at <svg> (no XML declaration), its
// glyphs are paths, so it needs no font and no network, and its ids carry a prefix derived from
// the drawing, so several maps and charts can share one page. The title and subtitle are kept as
// <title> and <desc> text. A .svg file holds the XML declaration followed by this text.
std::string map_svg(const MapSpec& spec);
// Writes the map to `path` atomically (temporary file beside it, renamed into place); the format
// comes from the extension. Throws InputError naming the path when it cannot be written.
void draw_map(const MapSpec& spec, const std::string& path);
void draw_map(const MapSpec& spec, const std::string& path, ImageFormat format);

}  // namespace ntm::render
