#pragma once
// Writing a study area in the canonical layout that load_study_area reads back with no area.yaml.
#include <string>

#include "model/study_area.h"

namespace ntm::io {

enum class AreaFormat { GeoPackage, Shapefile, GeoJson, FlatGeobuf, Csv };

// GeoPackage: one file with all seven layers. Other formats: `path` is a folder holding one file
// per layer (communes.shp, roads.shp, …; the status table as status.csv or .dbf). Every file is
// written atomically; an existing target is an error unless overwrite is true.
void write_study_area(const StudyArea& area, const std::string& path, AreaFormat format,
                      bool overwrite = false);

// From a path: ".gpkg" → GeoPackage; a folder name with --format for the others.
AreaFormat parse_area_format(const std::string& name);

}  // namespace ntm::io
