#include "report/qgis_style.h"

#include <cmath>
#include <sstream>

#include "core/text.h"

namespace ntm::report {

namespace {

using T = geo::FieldDef::Type;

std::string quoted(const std::string& field) { return "\"" + field + "\""; }

// A break as QGIS reads it back: integers plainly, others with enough digits.
std::string number(double v) {
    if (v == std::round(v)) return format_fixed(v, 0);
    std::string s = format_fixed(v, 6);
    while (s.back() == '0') s.pop_back();
    return s;
}

std::string rgba(render::Color c) {
    return std::to_string(c.r) + "," + std::to_string(c.g) + "," + std::to_string(c.b) + ",255";
}

std::string symbol_xml(std::size_t index, const StyleRule& rule, SymbolKind kind) {
    std::ostringstream o;
    const std::string color = rgba(rule.color);
    auto prop = [&](const char* k, const std::string& v) {
        o << "<prop k=\"" << k << "\" v=\"" << v << "\"/>";
    };
    switch (kind) {
        case SymbolKind::Line:
            o << "<symbol type=\"line\" name=\"" << index
              << "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">"
              << "<layer class=\"SimpleLine\" enabled=\"1\" pass=\"0\" locked=\"0\">";
            prop("line_color", color);
            prop("line_width", rule.faint ? "0.3" : "0.9");
            prop("line_width_unit", "MM");
            prop("line_style", rule.faint ? "dash" : "solid");
            prop("capstyle", "round");
            o << "</layer></symbol>";
            break;
        case SymbolKind::Marker:
            o << "<symbol type=\"marker\" name=\"" << index
              << "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">"
              << "<layer class=\"SimpleMarker\" enabled=\"1\" pass=\"0\" locked=\"0\">";
            prop("name", "circle");
            prop("color", rule.faint ? "255,255,255,0" : color);
            prop("outline_color", rule.faint ? color : "40,40,40,255");
            prop("outline_width", "0.3");
            prop("outline_width_unit", "MM");
            prop("size", rule.faint ? "1.8" : "2.6");
            prop("size_unit", "MM");
            o << "</layer></symbol>";
            break;
        case SymbolKind::Fill:
            o << "<symbol type=\"fill\" name=\"" << index
              << "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">"
              << "<layer class=\"SimpleFill\" enabled=\"1\" pass=\"0\" locked=\"0\">";
            prop("color", color);
            prop("outline_color", "90,90,90,255");
            prop("outline_width", "0.26");
            prop("outline_width_unit", "MM");
            // Features with no value: hatched, so they read as "not assessed", not as a class.
            prop("style", rule.faint ? "b_diagonal" : "solid");
            o << "</layer></symbol>";
            break;
    }
    return o.str();
}

const char* word(const std::string& lang, const char* en, const char* vi) {
    return lang == "vi" ? vi : en;
}

const char* not_assessed(const std::string& lang) {
    return word(lang, "not assessed (township)", "không đánh giá (thị trấn)");
}

// Communes drawn by `field` on `ramp`; with no value, a township is not assessed.
std::vector<StyleRule> commune_rules(const render::ColorRamp& ramp, const std::string& field,
                                     const std::string& lang) {
    auto rules = ramp_rules(ramp, field);
    rules.back().label = not_assessed(lang);
    return rules;
}

std::string works_description(const std::string& lang) {
    return word(lang,
                "works coloured by their median year (P(built) ≥ 0.5); grey dashed: not built in "
                "most draws",
                "công trình tô màu theo năm trung vị; xám nét đứt: không xây trong đa số lần mô "
                "phỏng");
}

}  // namespace

std::vector<StyleRule> ramp_rules(const render::ColorRamp& ramp, const std::string& field) {
    std::vector<StyleRule> rules;
    const std::string f = quoted(field);
    const std::size_t n = ramp.colors.size();
    for (std::size_t i = 0; i < n; ++i) {
        std::string filter;
        const bool first = i == 0, last = i + 1 == n;
        const double lo = ramp.breaks[i], hi = ramp.breaks[i + 1];
        if (first && last)
            filter = f + " IS NOT NULL";
        else if (first)
            filter = f + " < " + number(hi);
        else if (last || std::isinf(hi))
            filter = f + " >= " + number(lo);
        else
            filter = f + " >= " + number(lo) + " AND " + f + " < " + number(hi);
        rules.push_back({filter, ramp.labels[i], ramp.colors[i], false});
    }
    rules.push_back({f + " IS NULL", ramp.no_data_label, ramp.no_data, true});
    return rules;
}

std::string qml_rules(const std::vector<StyleRule>& rules, SymbolKind kind,
                      const std::string& label_field) {
    std::ostringstream o;
    o << "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
      << "<qgis version=\"3.22.0\" styleCategories=\"Symbology|Labeling\">\n"
      << " <renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" enableorderby=\"0\" "
         "forceraster=\"0\">\n  <rules key=\"root\">\n";
    for (std::size_t i = 0; i < rules.size(); ++i)
        o << "   <rule key=\"r" << i << "\" filter=\"" << xml_escape(rules[i].filter)
          << "\" label=\"" << xml_escape(rules[i].label) << "\" symbol=\"" << i << "\"/>\n";
    o << "  </rules>\n  <symbols>\n";
    for (std::size_t i = 0; i < rules.size(); ++i)
        o << "   " << symbol_xml(i, rules[i], kind) << "\n";
    o << "  </symbols>\n </renderer-v2>\n";
    if (!label_field.empty()) {
        o << " <labeling type=\"simple\"><settings calloutType=\"simple\"><text-style fieldName=\""
          << xml_escape(label_field)
          << "\" fontSize=\"8\" textColor=\"20,20,20,255\" fontFamily=\"DejaVu Sans\"/>"
             "<text-buffer bufferDraw=\"1\" bufferSize=\"0.8\" bufferColor=\"255,255,255,255\"/>"
             "<placement placement=\"1\"/></settings></labeling>\n";
    }
    o << "</qgis>\n";
    return o.str();
}

std::vector<LayerStyle> results_styles(int start, int end, int year, int criteria_total,
                                       const std::string& lang) {
    const std::string y = std::to_string(year);
    std::vector<LayerStyle> out;
    out.push_back({"communes", word(lang, "P(standard) by ", "Xác suất đạt chuẩn đến ") + y,
                   qml_rules(commune_rules(render::probability_ramp(""), "p_std_" + y, lang),
                             SymbolKind::Fill, "name"),
                   word(lang, "communes coloured by the probability of the standard by ",
                        "xã tô màu theo xác suất đạt chuẩn đến năm ") +
                       y,
                   true});
    // Median year: assessed communes with none reach the standard after the period, if at all.
    auto years = ramp_rules(
        render::year_ramp("", start, end, word(lang, "after the period", "sau kỳ")), "median_year");
    years.pop_back();  // the NULL rule, split in two below
    years.push_back({"\"median_year\" IS NULL AND \"kind\" = 'township'", not_assessed(lang),
                     render::kNoDataGrey, true});
    // The after-the-period class takes the assessed communes with no median year.
    years[years.size() - 2].filter =
        "\"median_year\" > " + std::to_string(end) +
        " OR (\"median_year\" IS NULL AND (\"kind\" IS NULL OR \"kind\" <> 'township'))";
    out.push_back({"communes", word(lang, "median year", "năm đạt chuẩn (trung vị)"),
                   qml_rules(years, SymbolKind::Fill, "name"),
                   word(lang, "communes coloured by the median year the standard is reached",
                        "xã tô màu theo năm đạt chuẩn (trung vị)"),
                   false});
    out.push_back(
        {"communes", word(lang, "criteria met in ", "số tiêu chí đạt năm ") + y,
         qml_rules(commune_rules(render::count_ramp("", criteria_total), "met_" + y, lang),
                   SymbolKind::Fill, "name"),
         word(lang, "communes coloured by the mean number of criteria met in ",
              "xã tô màu theo số tiêu chí đạt trung bình năm ") +
             y,
         false});
    auto works = render::works_year_ramp("", start, end);
    works.no_data_label =
        word(lang, "not built in most draws", "không xây trong đa số lần mô phỏng");
    const auto rules = ramp_rules(works, "median_year");
    for (const auto& [table, kind] :
         {std::pair<const char*, SymbolKind>{"road_plan", SymbolKind::Line},
          {"canal_plan", SymbolKind::Line},
          {"school_plan", SymbolKind::Marker},
          {"facility_plan", SymbolKind::Marker}})
        out.push_back({table, word(lang, "median year built", "năm xây (trung vị)"),
                       qml_rules(rules, kind), works_description(lang), true});
    return out;
}

std::vector<LayerStyle> assessment_styles(int criteria_total, const std::string& lang) {
    return {{"communes", word(lang, "criteria met", "số tiêu chí đạt"),
             qml_rules(commune_rules(render::count_ramp("", criteria_total), "criteria_met", lang),
                       SymbolKind::Fill, "name"),
             word(lang, "communes coloured by the criteria they meet; townships are not assessed",
                  "xã tô màu theo số tiêu chí đạt; thị trấn không đánh giá"),
             true}};
}

std::vector<LayerStyle> comparison_styles(const std::vector<std::string>& diff_labels,
                                          const std::vector<std::string>& p_labels, int year,
                                          const std::string& lang) {
    std::vector<LayerStyle> out;
    const std::string y = std::to_string(year);
    for (std::size_t i = 0; i < diff_labels.size(); ++i) {
        const std::string& l = diff_labels[i];
        out.push_back({"communes", word(lang, "difference: ", "chênh lệch: ") + l,
                       qml_rules(commune_rules(render::difference_ramp(""), "diff_" + l, lang),
                                 SymbolKind::Fill, "name"),
                       word(lang, "P(standard by ", "chênh lệch xác suất đạt chuẩn đến ") + y +
                           word(lang, ") of ", " của ") + l +
                           word(lang, " minus the reference's, in percentage points",
                                " so với kịch bản gốc, điểm phần trăm"),
                       i == 0});
    }
    for (const auto& l : p_labels)
        out.push_back({"communes", "P(standard) " + l,
                       qml_rules(commune_rules(render::probability_ramp(""), "p_" + l, lang),
                                 SymbolKind::Fill, "name"),
                       word(lang, "P(standard by ", "xác suất đạt chuẩn đến ") + y +
                           word(lang, ") under ", " theo ") + l,
                       false});
    return out;
}

std::vector<LayerStyle> roadmap_styles(int first_year, int last_year) {
    auto works = render::works_year_ramp("", first_year, last_year);
    works.no_data_label = "no year";
    const auto rules = ramp_rules(works, "year");
    return {{"plan_lines", "year", qml_rules(rules, SymbolKind::Line),
             "works coloured by the year they are paid", true},
            {"plan_points", "year", qml_rules(rules, SymbolKind::Marker),
             "works coloured by the year they are paid", true}};
}

QgisStyles::QgisStyles(geo::VectorSink& sink)
    : m_layer(sink.create_layer("layer_styles", nullptr, geo::GeomKind::None, false,
                                {{"f_table_catalog", T::String},
                                 {"f_table_schema", T::String},
                                 {"f_table_name", T::String},
                                 {"f_geometry_column", T::String},
                                 {"styleName", T::String},
                                 {"styleQML", T::String},
                                 {"styleSLD", T::String},
                                 {"useAsDefault", T::Integer},
                                 {"description", T::String},
                                 {"owner", T::String},
                                 {"ui", T::String},
                                 {"update_time", T::String}},
                                {"FID=id"})) {}

void QgisStyles::add(const std::string& table, const std::string& name, const std::string& qml,
                     bool is_default, const std::string& description) {
    // A fixed update_time keeps the file the same bytes from run to run.
    m_layer.write({std::string(""), std::string(""), table, std::string("geom"), name, qml,
                   geo::FieldValue(), static_cast<long long>(is_default ? 1 : 0), description,
                   std::string("ntmsim"), geo::FieldValue(), std::string("2000-01-01T00:00:00Z")},
                  nullptr);
}

void QgisStyles::add(const std::vector<LayerStyle>& styles) {
    for (const auto& s : styles) add(s.table, s.name, s.qml, s.is_default, s.description);
}

}  // namespace ntm::report
