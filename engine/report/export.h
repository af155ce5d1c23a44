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

// QGIS style (QML) of a graduated fill on `field` (0–1 probabilities) or of years.
std::string qml_graduated_probability(const std::string& field, const std::string& title);
std::string qml_graduated_years(const std::string& field, int first, int last, bool lines);

// The layer_styles table of a GeoPackage, from which QGIS opens each layer with its default
// style: one per sink, rows added with add().
class QgisStyles {
 public:
    explicit QgisStyles(geo::VectorSink& sink);
    void add(const std::string& table, const std::string& name, const std::string& qml,
             bool is_default, const std::string& description);

 private:
    geo::LayerWriter m_layer;
};

}  // namespace ntm::report
