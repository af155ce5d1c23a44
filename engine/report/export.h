#pragma once
// Handing results to GIS tools and to people: `ntmsim export`.
#include <string>

#include "geo/gdal.h"

namespace ntm::report {

enum class ExportFormat { Gpkg, GeoJson, Shp, Fgb, Csv, Xlsx, Tif, Kml, Png, Svg, Html };
ExportFormat parse_export_format(const std::string& name);  // throws UsageError

struct ExportOptions {
    ExportFormat format = ExportFormat::Gpkg;
    std::string output;
    int year = 0;                        // the year mapped or rasterised; 0: the last year
    std::string measure = "p_standard";  // p_standard, criteria_met or median_year
    double cell_size = 100;              // GeoTIFF cell size, metres
    std::string lang = "en";             // en or vi: headers of XLSX, text of maps and report
    bool overwrite = false;
};

// Exports a results folder (from `simulate`) or a comparison folder (from `compare`).
// Returns a one-line description of what was written.
std::string export_results(const std::string& folder, const ExportOptions& options);

}  // namespace ntm::report
