#pragma once
// Coordinate reference systems, as values other layers can hold without GDAL headers.
#include <memory>
#include <string>

#include "core/geometry.h"

namespace ntm::geo {

struct Crs {
    std::string wkt;   // OGC WKT2; empty when unknown
    std::string name;  // e.g. "VN-2000 / UTM zone 48N"
    int epsg = 0;      // authority code when known, else 0
    bool projected = false;
    bool metric = false;  // projected with metre units

    bool known() const { return !wkt.empty(); }
    std::string label() const;  // "EPSG:3405 (VN-2000 / UTM zone 48N)"
    // Same CRS, ignoring axis order and metadata.
    bool same_as(const Crs& other) const;
};

// "EPSG:3405", a WKT string, a PROJ string, or a path to a .prj file.
// Throws ConfigError naming `where` when the text is not a CRS.
Crs crs_from_user_input(const std::string& text, const std::string& where);
Crs crs_from_epsg(int epsg);
// Where coordinates in `crs` can lie: its area of use (from the EPSG database) in its own units,
// widened by half its size on each side (zones are used a little past their edges); for a CRS
// with no area of use, the whole Earth's range (±180/±90 for degrees, ±4×10⁷ m projected).
Box valid_bounds(const Crs& crs);
// WGS 84 UTM zone (EPSG:326xx / 327xx) holding a longitude/latitude.
Crs utm_crs_for(double lon, double lat);
// A WGS 84 transverse Mercator with UTM's parameters (scale 0.9996, false easting 500 km) on
// the meridian lon0: one working CRS for units that span several UTM zones. It has no EPSG code
// and no area of use.
Crs tm_crs_for(double lon0);

// Point transforms between two CRSs (traditional GIS axis order: x = easting/longitude).
// Thread contract: one object per thread.
class Transform {
 public:
    Transform(const Crs& from, const Crs& to);
    ~Transform();
    Transform(const Transform&) = delete;
    Transform& operator=(const Transform&) = delete;
    Point apply(const Point& p) const;
    void apply(std::vector<Point>& points) const;

 private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace ntm::geo
