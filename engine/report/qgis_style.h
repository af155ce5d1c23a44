#pragma once
// QGIS styles (QML) for every GeoPackage ntmsim writes, from the palettes of render/style.h, so
// QGIS draws each measure with the classes and colours of the PNG maps, the HTML report and the
// viewer. Each style is a rule-based renderer whose rules cover every value a layer can hold:
// its classes (the outer ones open-ended), then the features with no value in a class of their
// own ("not assessed" for townships, "after the period" for communes, "not built in most draws"
// for works), so that no feature is left undrawn.
#include <string>
#include <vector>

#include "geo/gdal.h"
#include "render/style.h"

namespace ntm::report {

enum class SymbolKind { Fill, Line, Marker };

// One rule: features matching the QGIS expression `filter` drawn in `color`. A faint rule is
// drawn thin and dashed (lines), hatched (fills) or hollow (markers): features with no value.
struct StyleRule {
    std::string filter;
    std::string label;
    render::Color color;
    bool faint = false;
};

// The rules of a classed ramp on `field`: one per class, the first and last open-ended, then
// `no_value` (a NULL field) when given.
std::vector<StyleRule> ramp_rules(const render::ColorRamp& ramp, const std::string& field);

// A QML document with a rule-based renderer; fills are labelled with `label_field` when given.
std::string qml_rules(const std::vector<StyleRule>& rules, SymbolKind kind,
                      const std::string& label_field = "");

// A style of a layer: a row of the layer_styles table.
struct LayerStyle {
    std::string table, name, qml, description;
    bool is_default = false;
};

// Styles of a results GeoPackage (`simulate`'s results.gpkg, `export --format gpkg`): communes by
// P(standard by `year`) (the default), by the median year and by the criteria met in `year`;
// each works layer by its median year. `lang` is en or vi (the legends' words).
std::vector<LayerStyle> results_styles(int start, int end, int year, int criteria_total,
                                       const std::string& lang = "en");
// Styles of an assessment GeoPackage (`assess`): communes by criteria met, townships apart.
std::vector<LayerStyle> assessment_styles(int criteria_total, const std::string& lang = "en");
// Styles of a comparison GeoPackage (`compare`): communes by each scenario's difference from the
// reference (diff_<label>, the first the default), then by each P(standard).
std::vector<LayerStyle> comparison_styles(const std::vector<std::string>& diff_labels,
                                          const std::vector<std::string>& p_labels, int year,
                                          const std::string& lang = "en");
// Styles of a roadmap's works.gpkg (`plan`): works by the year they are paid.
std::vector<LayerStyle> roadmap_styles(int first_year, int last_year);

// The layer_styles table of a GeoPackage, from which QGIS opens each layer with its default
// style: one per sink, rows added with add().
class QgisStyles {
 public:
    explicit QgisStyles(geo::VectorSink& sink);
    void add(const std::string& table, const std::string& name, const std::string& qml,
             bool is_default, const std::string& description);
    void add(const std::vector<LayerStyle>& styles);

 private:
    geo::LayerWriter m_layer;
};

}  // namespace ntm::report
