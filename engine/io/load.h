#pragma once
// Loading a study area from a GeoPackage, a folder of files in any OGR vector format, or an
// area.yaml that maps a user's own layers, fields and values onto ntmsim's (io/manifest.h).
#include <optional>
#include <string>
#include <vector>

#include "geo/crs.h"
#include "io/problems.h"
#include "model/study_area.h"

namespace ntm::io {

struct LoadOptions {
    bool repair = false;  // repair invalid polygons with GEOS MakeValid, reporting each repair
    std::optional<std::string> catalogue_path;  // indicator catalogue; default: the bundled one
};

struct LayerReport {
    std::string name;  // ours: communes, roads, …
    bool present = false;
    std::string source;  // file it came from
    std::string layer;   // layer inside that file
    std::string driver;
    geo::Crs crs;  // the layer's own CRS
    long long features_read = 0;
    long long features_kept = 0;
};

struct LoadResult {
    StudyArea area;
    Problems problems;
    std::vector<LayerReport> layers;
};

// Reads everything it can and reports every problem found; throws InputError only when nothing
// can be read at all (no such path, no communes layer source).
LoadResult load_study_area(const std::string& path, const LoadOptions& options = {});

}  // namespace ntm::io
