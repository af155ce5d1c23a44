#include "geo/crs.h"

#include <cpl_conv.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/text.h"
#include "geo/gdal.h"

namespace ntm::geo {

namespace {
Crs describe(OGRSpatialReference& srs) {
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    Crs crs;
    char* wkt = nullptr;
    const char* options[] = {"FORMAT=WKT2_2019", nullptr};
    if (srs.exportToWkt(&wkt, options) == OGRERR_NONE && wkt) crs.wkt = wkt;
    CPLFree(wkt);
    if (const char* name = srs.GetName()) crs.name = name;
    crs.projected = srs.IsProjected() != 0;
    if (crs.projected) crs.metric = std::abs(srs.GetLinearUnits() - 1.0) < 1e-9;
    const char* auth = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    if (!(auth && code)) {
        // Shapefile .prj and some GeoJSON carry no authority: ask PROJ for a confident match.
        OGRSpatialReference copy(srs);
        if (copy.AutoIdentifyEPSG() == OGRERR_NONE) {
            auth = copy.GetAuthorityName(nullptr);
            code = copy.GetAuthorityCode(nullptr);
            if (auth && code && std::string(auth) == "EPSG") crs.epsg = std::atoi(code);
            return crs;
        }
    }
    if (auth && code && std::string(auth) == "EPSG") crs.epsg = std::atoi(code);
    return crs;
}
}  // namespace

std::string Crs::label() const {
    if (!known()) return "unknown CRS";
    if (epsg) return "EPSG:" + std::to_string(epsg) + " (" + name + ")";
    return name;
}

bool Crs::same_as(const Crs& other) const {
    if (!known() || !other.known()) return false;
    if (wkt == other.wkt) return true;
    OGRSpatialReference a, b;
    if (a.importFromWkt(wkt.c_str()) != OGRERR_NONE) return false;
    if (b.importFromWkt(other.wkt.c_str()) != OGRERR_NONE) return false;
    const char* options[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", "CRITERION=EQUIVALENT",
                             nullptr};
    return a.IsSame(&b, options) != 0;
}

Crs crs_from_user_input(const std::string& text, const std::string& where) {
    ensure_gdal();
    OGRSpatialReference srs;
    if (srs.SetFromUserInput(text.c_str()) != OGRERR_NONE) {
        throw ConfigError(where + ": '" + text +
                          "' is not a coordinate reference system; give e.g. EPSG:3405 or a WKT "
                          "string");
    }
    return describe(srs);
}

Box valid_bounds(const Crs& crs) {
    Box whole;
    const double w = crs.projected ? 4e7 : 180, h = crs.projected ? 4e7 : 90;
    whole.expand(Point{-w, -h});
    whole.expand(Point{w, h});
    OGRSpatialReference srs;
    if (!crs.known() || srs.importFromWkt(crs.wkt.c_str()) != OGRERR_NONE) return whole;
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    double west = 0, south = 0, east = 0, north = 0;
    const char* name = nullptr;
    if (!srs.GetAreaOfUse(&west, &south, &east, &north, &name) || west < -1000) return whole;
    if (east < west) east += 360;  // crossing the antimeridian
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> to(
        OGRCreateCoordinateTransformation(&wgs84, &srs));
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    if (!to ||
        !to->TransformBounds(west, south, std::min(east, 180.0), north, &x0, &y0, &x1, &y1, 21) ||
        !std::isfinite(x0) || !std::isfinite(y0) || !std::isfinite(x1) || !std::isfinite(y1)) {
        return whole;
    }
    Box b;
    b.expand(Point{x0 - (x1 - x0) / 2, y0 - (y1 - y0) / 2});
    b.expand(Point{x1 + (x1 - x0) / 2, y1 + (y1 - y0) / 2});
    return b;
}

Crs crs_from_epsg(int epsg) {
    ensure_gdal();
    OGRSpatialReference srs;
    if (srs.importFromEPSG(epsg) != OGRERR_NONE) {
        throw ConfigError("EPSG:" + std::to_string(epsg) + " is not known to PROJ");
    }
    return describe(srs);
}

Crs utm_crs_for(double lon, double lat) {
    int zone = static_cast<int>(std::floor((lon + 180.0) / 6.0)) + 1;
    zone = std::clamp(zone, 1, 60);
    return crs_from_epsg((lat >= 0 ? 32600 : 32700) + zone);
}

Crs tm_crs_for(double lon0) {
    ensure_gdal();
    OGRSpatialReference srs;
    const std::string name = "WGS 84 / TM " + format_fixed(lon0, 1) + "E (UTM parameters)";
    if (srs.SetProjCS(name.c_str()) != OGRERR_NONE ||
        srs.SetWellKnownGeogCS("WGS84") != OGRERR_NONE ||
        srs.SetTM(0, lon0, 0.9996, 500000, 0) != OGRERR_NONE ||
        srs.SetLinearUnits(SRS_UL_METER, 1.0) != OGRERR_NONE)
        throw ConfigError("a transverse Mercator on " + format_fixed(lon0, 1) +
                          "°E could not be made; give the working CRS with --epsg");
    return describe(srs);
}

Crs crs_from_srs(const void* srs_handle) {
    auto* srs = static_cast<const OGRSpatialReference*>(srs_handle);
    if (!srs) return {};
    OGRSpatialReference copy(*srs);
    return describe(copy);
}

struct Transform::Impl {
    std::unique_ptr<OGRCoordinateTransformation> ct;
};

Transform::Transform(const Crs& from, const Crs& to) : m_impl(std::make_unique<Impl>()) {
    ensure_gdal();
    OGRSpatialReference a, b;
    if (a.importFromWkt(from.wkt.c_str()) != OGRERR_NONE ||
        b.importFromWkt(to.wkt.c_str()) != OGRERR_NONE) {
        throw GdalError("cannot read CRS definition for a transformation from " + from.label() +
                        " to " + to.label());
    }
    a.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    b.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    m_impl->ct.reset(OGRCreateCoordinateTransformation(&a, &b));
    if (!m_impl->ct) {
        throw GdalError("no coordinate transformation from " + from.label() + " to " + to.label() +
                        ": " + CPLGetLastErrorMsg());
    }
}

Transform::~Transform() = default;

Point Transform::apply(const Point& p) const {
    double x = p.x, y = p.y;
    if (!m_impl->ct->Transform(1, &x, &y)) {
        throw InputError("coordinate (" + std::to_string(p.x) + ", " + std::to_string(p.y) +
                         ") cannot be transformed; check the layer's CRS");
    }
    return {x, y};
}

void Transform::apply(std::vector<Point>& points) const {
    for (auto& p : points) p = apply(p);
}

}  // namespace ntm::geo
