#pragma once
// GeoJSON for web maps, made by GDAL's own ogr2ogr (GDALVectorTranslate), and zlib compression
// of HTTP payloads (GDAL's CPLZLibDeflate), for the viewer's server.
// Thread contract: free functions, safe on any number of threads at once.
#include <string>
#include <vector>

namespace ntm::geo {

struct GeoJsonOptions {
    std::vector<std::string> fields;  // attribute fields to keep (empty: all)
    // Douglas–Peucker tolerance in the layer's units, applied before reprojection, only when the
    // layer's CRS is projected (metres); 0: none. Topology between neighbours is not kept, so
    // keep it below what a screen shows.
    double simplify = 0;
    int precision = 6;  // decimals of the longitude / latitude (5: about a metre)
};

// One layer of an OGR source as an RFC 7946 GeoJSON FeatureCollection in EPSG:4326
// (longitude, latitude). Throws InputError naming the file and layer when they cannot be read.
std::string layer_to_geojson(const std::string& path, const std::string& layer,
                             const GeoJsonOptions& options);

// zlib-wrapped deflate (HTTP "Content-Encoding: deflate", RFC 9110 §8.4.1.2).
std::string zlib_deflate(const std::string& data);

}  // namespace ntm::geo
