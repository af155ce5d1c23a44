#include "report/export.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/error.h"
#include "core/output.h"
#include "core/text.h"
#include "geo/gdal.h"
#include "render/chart.h"
#include "render/map.h"
#include "report/results_reader.h"

namespace fs = std::filesystem;

namespace ntm::report {

namespace {

using geo::FieldDef;
using geo::FieldValue;
using T = geo::FieldDef::Type;

// Vietnamese column headers for XLSX and the report (--lang vi).
const std::map<std::string, std::string>& vietnamese() {
    static const std::map<std::string, std::string> kNames = {
        {"code", "Mã xã"},
        {"name", "Tên xã"},
        {"kind", "Loại"},
        {"year", "Năm"},
        {"median_year", "Năm đạt chuẩn (trung vị)"},
        {"p_standard_by_year", "Xác suất đạt chuẩn đến năm"},
        {"p_at_standard", "Xác suất đạt chuẩn trong năm"},
        {"criteria_met_mean", "Số tiêu chí đạt (trung bình)"},
        {"criteria_met_p5", "Số tiêu chí đạt (5%)"},
        {"criteria_met_p50", "Số tiêu chí đạt (trung vị)"},
        {"criteria_met_p95", "Số tiêu chí đạt (95%)"},
        {"criteria_lost_mean", "Số tiêu chí bị mất (trung bình)"},
        {"criteria_met_start", "Số tiêu chí đạt ban đầu"},
        {"criterion", "Tiêu chí"},
        {"p_met", "Xác suất đạt"},
        {"expected_reached", "Số xã đạt chuẩn (kỳ vọng)"},
        {"expected_at_standard", "Số xã đang đạt chuẩn (kỳ vọng)"},
        {"p_all_reached", "Xác suất tất cả các xã đạt chuẩn"},
        {"spent_bn", "Chi (tỷ đồng)"},
        {"gap_bn", "Thiếu hụt vốn (tỷ đồng)"},
        {"debt_bn", "Nợ (tỷ đồng)"},
        {"item", "Khoản mục"},
        {"mean_bn", "Trung bình (tỷ đồng)"},
        {"key", "Khóa"},
        {"value", "Giá trị"},
        {"kind_asset", "Loại công trình"},
        {"asset", "Công trình"},
        {"fid", "FID"},
        {"indicator", "Chỉ tiêu"},
        {"cost_bn", "Chi phí (tỷ đồng)"}};
    return kNames;
}

std::string header(const std::string& field, const std::string& lang) {
    if (lang != "vi") return field;
    const auto& m = vietnamese();
    const auto it = m.find(field);
    if (it != m.end()) return it->second;
    if (field.rfind("p_std_", 0) == 0) return "Xác suất đạt chuẩn đến " + field.substr(6);
    if (field.rfind("met_", 0) == 0) return "Số tiêu chí đạt " + field.substr(4);
    if (field.rfind("p_", 0) == 0) return "Xác suất " + field.substr(2);
    return field;
}

// Shapefile field names stop at 10 characters: the documented short names (docs/formats.md).
std::string shapefile_name(const std::string& f) {
    if (f == "median_year") return "med_year";
    return f.substr(0, 10);
}

FieldValue typed(const std::optional<std::string>& text, int type) {
    if (!text) return {};
    if (type == 1) {
        if (const auto v = parse_int(*text)) return *v;
        return {};
    }
    if (type == 2) {
        if (const auto v = parse_double(*text)) return *v;
        return {};
    }
    return *text;
}

struct CopyOptions {
    const geo::Crs* to = nullptr;  // reproject into this CRS
    bool shapefile_names = false;
    std::string lang = "en";
    std::vector<std::string> layer_options;
};

// Copies one layer of `src` into `sink` as `out_name`.
void copy_layer(const geo::VectorSource& src, const std::string& name, geo::VectorSink& sink,
                const std::string& out_name, const CopyOptions& o) {
    auto layer = src.layer(name);
    std::vector<FieldDef> fields;
    for (std::size_t i = 0; i < layer.field_names().size(); ++i) {
        std::string f = layer.field_names()[i];
        if (o.shapefile_names) f = shapefile_name(f);
        f = header(f, o.lang);
        fields.push_back({f, static_cast<T>(layer.field_types()[i])});
    }
    const geo::Crs from = layer.crs();
    geo::GeomKind kind = geo::GeomKind::None;
    std::unique_ptr<geo::Transform> tr;
    if (layer.has_geometry()) {
        if (o.to && from.known() && !from.same_as(*o.to))
            tr = std::make_unique<geo::Transform>(from, *o.to);
    }
    std::vector<std::pair<std::vector<FieldValue>, geo::GeometryValue>> rows;
    geo::Feature f;
    while (layer.next(f)) {
        std::vector<FieldValue> v;
        for (std::size_t i = 0; i < f.values.size(); ++i)
            v.push_back(typed(f.values[i], layer.field_types()[i]));
        if (f.geometry.kind != geo::GeomKind::None) kind = f.geometry.kind;
        rows.emplace_back(std::move(v), tr ? geo::transformed(f.geometry, *tr) : f.geometry);
    }
    if (layer.has_geometry() && kind == geo::GeomKind::None) kind = geo::GeomKind::Polygon;
    const geo::Crs* crs = o.to ? o.to : (from.known() ? &from : nullptr);
    const bool multi = kind != geo::GeomKind::Point;
    auto w = sink.create_layer(out_name, layer.has_geometry() ? crs : nullptr,
                               layer.has_geometry() ? kind : geo::GeomKind::None, multi, fields,
                               o.layer_options);
    for (const auto& [v, g] : rows) w.write(v, g.kind == geo::GeomKind::None ? nullptr : &g);
}

// The CSV tables of a results folder, as (layer name, path).
std::vector<std::pair<std::string, std::string>> csv_tables(const std::string& folder) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const char* t : {"summary", "communes", "criteria", "funding", "assets", "run", "district",
                          "years", "money", "changes"}) {
        const auto p = fs::path(folder) / (std::string(t) + ".csv");
        if (fs::exists(p)) out.emplace_back(t, p.string());
    }
    return out;
}

std::string xml_escape(const std::string& s) {
    std::string o;
    for (const char c : s) {
        switch (c) {
            case '&':
                o += "&amp;";
                break;
            case '<':
                o += "&lt;";
                break;
            case '>':
                o += "&gt;";
                break;
            case '"':
                o += "&quot;";
                break;
            default:
                o += c;
        }
    }
    return o;
}

// YlGnBu, light to dark: probability classes of the styles and maps.
const std::array<std::array<int, 3>, 5> kBlues = {
    {{255, 255, 204}, {161, 218, 180}, {65, 182, 196}, {44, 127, 184}, {37, 52, 148}}};

std::string symbol(int index, const std::array<int, 3>& rgb, bool line) {
    std::ostringstream o;
    const std::string color = std::to_string(rgb[0]) + "," + std::to_string(rgb[1]) + "," +
                              std::to_string(rgb[2]) + ",255";
    if (line) {
        o << "<symbol type=\"line\" name=\"" << index
          << "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">"
          << "<layer class=\"SimpleLine\" enabled=\"1\" pass=\"0\" locked=\"0\">"
          << "<prop k=\"line_color\" v=\"" << color << "\"/><prop k=\"line_width\" v=\"0.8\"/>"
          << "<prop k=\"line_width_unit\" v=\"MM\"/><prop k=\"line_style\" "
             "v=\"solid\"/></layer></symbol>";
    } else {
        o << "<symbol type=\"fill\" name=\"" << index
          << "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">"
          << "<layer class=\"SimpleFill\" enabled=\"1\" pass=\"0\" locked=\"0\">"
          << "<prop k=\"color\" v=\"" << color
          << "\"/><prop k=\"outline_color\" v=\"90,90,90,255\"/>"
          << "<prop k=\"outline_width\" v=\"0.26\"/><prop k=\"outline_width_unit\" v=\"MM\"/>"
          << "<prop k=\"style\" v=\"solid\"/></layer></symbol>";
    }
    return o.str();
}

std::string qml_ranges(const std::string& field,
                       const std::vector<std::tuple<double, double, std::string>>& ranges,
                       const std::vector<std::array<int, 3>>& colors, bool lines) {
    std::ostringstream o;
    o << "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
      << "<qgis version=\"3.22.0\" styleCategories=\"Symbology|Labeling\">\n"
      << " <renderer-v2 type=\"graduatedSymbol\" attr=\"" << xml_escape(field)
      << "\" graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" enableorderby=\"0\" "
         "forceraster=\"0\">\n  <ranges>\n";
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        const auto& [lo, hi, label] = ranges[i];
        o << "   <range lower=\"" << lo << "\" upper=\"" << hi << "\" label=\"" << xml_escape(label)
          << "\" symbol=\"" << i << "\" render=\"true\"/>\n";
    }
    o << "  </ranges>\n  <symbols>\n";
    for (std::size_t i = 0; i < ranges.size(); ++i)
        o << "   " << symbol(static_cast<int>(i), colors[i % colors.size()], lines) << "\n";
    o << "  </symbols>\n </renderer-v2>\n";
    if (!lines) {
        o << " <labeling type=\"simple\"><settings calloutType=\"simple\"><text-style "
             "fieldName=\"name\" fontSize=\"8\" "
             "textColor=\"20,20,20,255\" fontFamily=\"DejaVu Sans\"/><text-buffer bufferDraw=\"1\" "
             "bufferSize=\"0.8\" "
             "bufferColor=\"255,255,255,255\"/><placement "
             "placement=\"1\"/></settings></labeling>\n";
    }
    o << "</qgis>\n";
    return o.str();
}

}  // namespace

ExportFormat parse_export_format(const std::string& name) {
    static const std::map<std::string, ExportFormat> kFormats = {
        {"gpkg", ExportFormat::Gpkg}, {"geojson", ExportFormat::GeoJson},
        {"shp", ExportFormat::Shp},   {"fgb", ExportFormat::Fgb},
        {"csv", ExportFormat::Csv},   {"xlsx", ExportFormat::Xlsx},
        {"tif", ExportFormat::Tif},   {"kml", ExportFormat::Kml},
        {"png", ExportFormat::Png},   {"svg", ExportFormat::Svg},
        {"html", ExportFormat::Html}};
    const auto it = kFormats.find(to_lower_ascii(name));
    if (it == kFormats.end())
        throw UsageError("unknown format '" + name +
                         "'; use gpkg, geojson, shp, fgb, csv, xlsx, tif, kml, png, svg or html");
    return it->second;
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
                   FieldValue(), static_cast<long long>(is_default ? 1 : 0), description,
                   std::string("ntmsim"), FieldValue(), std::string("2000-01-01T00:00:00Z")},
                  nullptr);
}

std::string qml_graduated_probability(const std::string& field, const std::string&) {
    std::vector<std::tuple<double, double, std::string>> ranges = {{0, 0.2, "0–20%"},
                                                                   {0.2, 0.4, "20–40%"},
                                                                   {0.4, 0.6, "40–60%"},
                                                                   {0.6, 0.8, "60–80%"},
                                                                   {0.8, 1.0, "80–100%"}};
    std::vector<std::array<int, 3>> colors(kBlues.begin(), kBlues.end());
    return qml_ranges(field, ranges, colors, false);
}

std::string qml_graduated_years(const std::string& field, int first, int last, bool lines) {
    std::vector<std::tuple<double, double, std::string>> ranges;
    std::vector<std::array<int, 3>> colors;
    const int n = std::max(1, last - first + 1);
    for (int y = first; y <= last; ++y) {
        ranges.emplace_back(y - 0.5, y + 0.5, std::to_string(y));
        // From dark (early) to light (late): early upgrades stand out.
        const double t = n == 1 ? 0 : static_cast<double>(y - first) / (n - 1);
        const auto& a = kBlues[4];
        const auto& b = kBlues[0];
        colors.push_back({static_cast<int>(a[0] + t * (b[0] - a[0])),
                          static_cast<int>(a[1] + t * (b[1] - a[1])),
                          static_cast<int>(a[2] + t * (b[2] - a[2]))});
    }
    return qml_ranges(field, ranges, colors, lines);
}

namespace {

bool is_comparison(const std::string& folder) {
    return fs::exists(fs::path(folder) / "compare.gpkg");
}

std::string vector_source_of(const std::string& folder) {
    const auto results = fs::path(folder) / "results.gpkg";
    if (fs::exists(results)) return results.string();
    const auto cmp = fs::path(folder) / "compare.gpkg";
    if (fs::exists(cmp)) return cmp.string();
    throw InputError(folder +
                     ": neither results.gpkg nor compare.gpkg; give a folder written by ntmsim "
                     "simulate or compare");
}

void refuse_existing(const std::string& path, bool overwrite) {
    if (fs::exists(path) && !overwrite)
        throw InputError(path + ": already exists; choose another output or pass --overwrite");
}

// Builds a folder output in a temporary folder beside it and renames it into place.
template <typename Fill>
void folder_output(const std::string& path, bool overwrite, Fill fill) {
    StagedOutput staged(path, OutputKind::Folder, overwrite);
    fill(fs::path(staged.path()));
    staged.commit();
}

// The measure mapped or rasterised: its field in the communes layer, a title, and whether it is
// a probability (0–1), a count of criteria, or a year.
struct Measure {
    std::string field;
    std::string title;
    enum Kind { Probability, Count, Year } kind = Probability;
};

Measure measure_of(const ExportOptions& o, int year, bool comparison, const std::string& label) {
    Measure m;
    const bool vi = o.lang == "vi";
    const std::string y = std::to_string(year);
    if (comparison) {
        m.field = "diff_" + label;
        m.title =
            vi ? "Chênh lệch xác suất đạt chuẩn: " + label : "Difference in P(standard): " + label;
        return m;
    }
    if (o.measure == "criteria_met") {
        m.field = "met_" + y;
        m.kind = Measure::Count;
        m.title = vi ? "Số tiêu chí đạt (kỳ vọng), " + y : "Expected criteria met, " + y;
    } else if (o.measure == "median_year") {
        m.field = "median_year";
        m.kind = Measure::Year;
        m.title = vi ? "Năm đạt chuẩn NTM (trung vị)" : "Median year the standard is reached";
    } else if (o.measure == "p_standard") {
        m.field = "p_std_" + y;
        m.title =
            vi ? "Xác suất đạt chuẩn NTM đến năm " + y : "Probability of the NTM standard by " + y;
    } else {
        throw UsageError("--measure is p_standard, criteria_met or median_year");
    }
    return m;
}

struct CommuneValues {
    std::vector<render::PolygonFeature> features;
    std::vector<bool> assessed;  // false for townships
    geo::Crs crs;
    Box bounds;
};

CommuneValues commune_values(const std::string& folder, const std::string& field) {
    auto src = geo::VectorSource::open(vector_source_of(folder));
    auto layer = src.layer("communes");
    const int fi = layer.field_index(field);
    if (fi < 0)
        throw UsageError(folder + ": the communes layer has no field '" + field +
                         "' (is the year within the period?)");
    const int name = layer.field_index("name");
    const int kind = layer.field_index("kind");
    CommuneValues out;
    out.crs = layer.crs();
    geo::Feature f;
    while (layer.next(f)) {
        render::PolygonFeature pf;
        pf.geometry = f.geometry.polygons;
        const auto v = f.values[static_cast<std::size_t>(fi)];
        pf.value = v ? parse_double(*v).value_or(std::nan("")) : std::nan("");
        pf.label = name >= 0 ? f.values[static_cast<std::size_t>(name)].value_or("") : "";
        out.bounds.expand(ntm::bounds(pf.geometry));
        out.features.push_back(std::move(pf));
        out.assessed.push_back(kind < 0 ||
                               f.values[static_cast<std::size_t>(kind)].value_or("") != "township");
    }
    return out;
}

render::MapSpec map_spec(const std::string& folder, const ExportOptions& o, int year,
                         bool comparison, const std::string& label, const std::string& subtitle) {
    const Measure m = measure_of(o, year, comparison, label);
    auto values = commune_values(folder, m.field);
    render::MapSpec spec;
    spec.title = m.title;
    spec.subtitle = subtitle;
    spec.polygons = values.features;
    const std::string legend = o.lang == "vi" ? "Chú giải" : "Legend";
    if (comparison) {
        spec.ramp = render::diverging_ramp(legend, 0);
    } else if (m.kind == Measure::Year) {
        // The period's years; an assessed commune with no median year reaches the standard
        // (if at all) after the period, which is not the same as "not assessed".
        const auto r = read_results(folder);
        for (std::size_t i = 0; i < spec.polygons.size(); ++i)
            if (std::isnan(spec.polygons[i].value) && values.assessed[i])
                spec.polygons[i].value = r.end + 1;
        spec.ramp = render::year_ramp(legend, r.start, r.end,
                                      o.lang == "vi" ? "sau kỳ" : "after the period");
    } else if (m.kind == Measure::Count) {
        spec.ramp = render::sequential_ramp(legend, 0);
        double hi = 1;
        for (const auto& p : spec.polygons)
            if (!std::isnan(p.value)) hi = std::max(hi, p.value);
        spec.ramp.domain_max = std::ceil(hi);
    } else {
        spec.ramp = render::sequential_ramp(legend, 5);
    }
    spec.ramp.no_data_label = o.lang == "vi" ? "không đánh giá" : "not assessed";
    return spec;
}

}  // namespace

std::string html_report(const std::string& folder, const ExportOptions& o);

std::string export_results(const std::string& folder, const ExportOptions& o) {
    if (o.output.empty()) throw UsageError("give the output: -o PATH");
    // The output is checked and locked before anything is read (core/output.h).
    check_output_apart(o.output, {folder});
    const auto out_ext = fs::path(o.output).extension();
    const bool folder_out = o.format == ExportFormat::Csv ||
                            (o.format == ExportFormat::GeoJson && out_ext != ".geojson") ||
                            (o.format == ExportFormat::Fgb && out_ext != ".fgb") ||
                            (o.format == ExportFormat::Shp && out_ext != ".shp");
    const OutputReservation reserved(o.output, folder_out ? OutputKind::Folder : OutputKind::File,
                                     o.overwrite);
    if (!fs::is_directory(folder)) throw InputError(folder + ": not a results folder");
    const bool comparison = is_comparison(folder);
    const std::string gpkg = vector_source_of(folder);
    const auto src = geo::VectorSource::open(gpkg);
    std::vector<std::string> layers;
    for (const auto& l : src.layer_names())
        if (l != "layer_styles") layers.push_back(l);
    // The period, for the default year and styles.
    int start = 0, end = 0;
    std::string label = fs::path(folder).filename().string(), scenario = label;
    std::string compare_label;
    if (!comparison) {
        const auto r = read_results(folder);
        start = r.start;
        end = r.end;
        scenario = r.scenario;
    } else {
        // The first scenario compared with the reference names the difference shown.
        auto l = src.layer("communes");
        for (const auto& f : l.field_names())
            if (f.rfind("diff_", 0) == 0 && compare_label.empty()) compare_label = f.substr(5);
        if (compare_label.empty())
            throw InputError(folder + ": the comparison has no difference columns");
    }
    const int year = o.year ? o.year : end;
    if (!comparison && (year < start || year > end))
        throw UsageError("--year " + std::to_string(year) + " is outside the period " +
                         std::to_string(start) + "–" + std::to_string(end));
    const std::string& out = o.output;
    if (out.empty()) throw UsageError("give the output: -o PATH");
    static const geo::Crs wgs84 = geo::crs_from_epsg(4326);

    switch (o.format) {
        case ExportFormat::Gpkg: {
            auto sink = geo::VectorSink::create(out, "GPKG", o.overwrite);
            sink.begin_transaction();
            CopyOptions co;
            co.layer_options = {"FID=fid"};
            for (const auto& l : layers) copy_layer(src, l, sink, l, co);
            if (!comparison) {
                // Per-year values also as a long table, beside the wide columns.
                const auto table = geo::VectorSource::open(
                    (fs::path(folder) / "communes.csv").string(), {"AUTODETECT_TYPE=YES"});
                copy_layer(table, table.layer_names().front(), sink, "commune_years", co);
                const auto funding = geo::VectorSource::open(
                    (fs::path(folder) / "funding.csv").string(), {"AUTODETECT_TYPE=YES"});
                copy_layer(funding, funding.layer_names().front(), sink, "funding", co);
            }
            // QGIS reads its styles from layer_styles and opens each layer with its default one.
            QgisStyles styles(sink);
            auto style = [&](const std::string& table, const std::string& name,
                             const std::string& qml, bool is_default,
                             const std::string& description) {
                styles.add(table, name, qml, is_default, description);
            };
            if (comparison) {
                style("communes", "difference", qml_graduated_probability("p_" + compare_label, ""),
                      true, "P(standard) of " + compare_label);
            } else {
                style("communes", "P(standard) by " + std::to_string(year),
                      qml_graduated_probability("p_std_" + std::to_string(year), ""), true,
                      "communes coloured by the probability of the standard by " +
                          std::to_string(year));
                style("communes", "median year",
                      qml_graduated_years("median_year", start, end, false), false,
                      "communes coloured by the median year the standard is reached");
                for (const char* plan : {"road_plan", "canal_plan"})
                    style(plan, "median upgrade year",
                          qml_graduated_years("median_year", start, end, true), true,
                          "works coloured by their median year");
            }
            sink.commit();
            return out + ": GeoPackage with " + std::to_string(layers.size()) +
                   " layers and QGIS styles";
        }
        case ExportFormat::GeoJson:
        case ExportFormat::Shp:
        case ExportFormat::Fgb: {
            const bool single =
                o.format == ExportFormat::GeoJson ? fs::path(out).extension() == ".geojson"
                : o.format == ExportFormat::Fgb   ? fs::path(out).extension() == ".fgb"
                                                  : fs::path(out).extension() == ".shp";
            const std::string driver = o.format == ExportFormat::GeoJson ? "GeoJSON"
                                       : o.format == ExportFormat::Shp   ? "ESRI Shapefile"
                                                                         : "FlatGeobuf";
            const std::string ext = o.format == ExportFormat::GeoJson ? ".geojson"
                                    : o.format == ExportFormat::Shp   ? ".shp"
                                                                      : ".fgb";
            CopyOptions co;
            if (o.format == ExportFormat::GeoJson) {
                co.to = &wgs84;  // RFC 7946: WGS 84 longitude/latitude
                co.layer_options = {"RFC7946=YES", "WRITE_BBOX=YES"};
            }
            if (o.format == ExportFormat::Shp) {
                co.shapefile_names = true;
                co.layer_options = {"ENCODING=UTF-8"};
            }
            if (single) {
                auto sink = geo::VectorSink::create(out, driver, o.overwrite);
                copy_layer(src, "communes", sink, fs::path(out).stem().string(), co);
                sink.commit();
                return out + ": the communes layer";
            }
            folder_output(out, o.overwrite, [&](const fs::path& dir) {
                for (const auto& l : layers) {
                    auto lay = src.layer(l);
                    const bool spatial = lay.has_geometry();
                    auto sink = geo::VectorSink::create(
                        (dir / (l + (spatial ? ext : std::string(".csv")))).string(),
                        spatial ? driver : "CSV");
                    CopyOptions c = co;
                    if (!spatial) c.layer_options.clear();
                    copy_layer(src, l, sink, l, c);
                    sink.commit();
                }
            });
            return out + "/: " + std::to_string(layers.size()) + " layers";
        }
        case ExportFormat::Csv: {
            folder_output(out, o.overwrite, [&](const fs::path& dir) {
                for (const auto& [name, path] : csv_tables(folder))
                    fs::copy_file(path, dir / (name + ".csv"));
                for (const auto& [name, path] : csv_tables(folder)) {
                    const auto t = fs::path(path).replace_extension(".csvt");
                    if (fs::exists(t)) fs::copy_file(t, dir / (name + ".csvt"));
                }
            });
            return out + "/: the CSV tables";
        }
        case ExportFormat::Xlsx: {
            auto sink = geo::VectorSink::create(out, "XLSX", o.overwrite);
            CopyOptions co;
            co.lang = o.lang;
            int sheets = 0;
            for (const auto& [name, path] : csv_tables(folder)) {
                const auto table = geo::VectorSource::open(path, {"AUTODETECT_TYPE=YES"});
                // Excel stops at 1,048,576 rows: a national assets table goes to CSV or GeoPackage.
                if (table.layer(0).feature_count() >= 1048575) continue;
                copy_layer(table, table.layer_names().front(), sink, name, co);
                ++sheets;
            }
            sink.commit();
            return out + ": " + std::to_string(sheets) + " sheets";
        }
        case ExportFormat::Kml: {
            auto sink = geo::VectorSink::create(out, "LIBKML", o.overwrite);
            CopyOptions co;
            co.to = &wgs84;
            co.layer_options = {};
            copy_layer(src, "communes", sink, "communes", co);
            sink.commit();
            return out + ": the communes, for Google Earth";
        }
        case ExportFormat::Tif: {
            const Measure m = measure_of(o, year, comparison, compare_label);
            const auto values = commune_values(folder, m.field);
            std::vector<geo::BurnShape> shapes;
            for (const auto& f : values.features)
                if (!std::isnan(f.value)) shapes.push_back({f.geometry, f.value});
            geo::write_rasterised(out, values.crs, values.bounds, o.cell_size, shapes, -9999,
                                  o.overwrite);
            return out + ": " + m.field + " at " + format_fixed(o.cell_size, 0) +
                   " m cells (nodata −9999)";
        }
        case ExportFormat::Png:
        case ExportFormat::Svg: {
            refuse_existing(out, o.overwrite);
            const auto spec = map_spec(folder, o, year, comparison, compare_label, scenario);
            render::draw_map(spec, out,
                             o.format == ExportFormat::Png ? render::ImageFormat::Png
                                                           : render::ImageFormat::Svg);
            return out + ": map of " + spec.title;
        }
        case ExportFormat::Html: {
            refuse_existing(out, o.overwrite);
            write_file_atomically(out, html_report(folder, o), o.overwrite);
            return out + ": HTML report (opens offline)";
        }
    }
    return out;
}

namespace {
std::string html_escape(const std::string& s) { return xml_escape(s); }

std::string table_html(const std::vector<std::string>& head,
                       const std::vector<std::vector<std::string>>& rows) {
    std::ostringstream o;
    o << "<table><thead><tr>";
    for (const auto& h : head) o << "<th>" << html_escape(h) << "</th>";
    o << "</tr></thead><tbody>";
    for (const auto& r : rows) {
        o << "<tr>";
        for (const auto& c : r) o << "<td>" << html_escape(c) << "</td>";
        o << "</tr>";
    }
    o << "</tbody></table>";
    return o.str();
}
}  // namespace

std::string html_report(const std::string& folder, const ExportOptions& o) {
    const bool vi = o.lang == "vi";
    std::ostringstream h;
    h << "<!DOCTYPE html>\n<html lang=\"" << (vi ? "vi" : "en")
      << "\"><head><meta charset=\"utf-8\">"
      << "<title>ntmsim</title><style>body{font-family:'DejaVu "
         "Sans',sans-serif;margin:2em;max-width:1200px}"
         "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:3px "
         "8px;text-align:right}"
         "td:first-child,th:first-child,td:nth-child(2){text-align:left}h1{font-size:1.6em}"
         "figure{margin:1em 0}svg{max-width:100%;height:auto}</style></head><body>\n";
    if (is_comparison(folder)) {
        h << "<h1>" << (vi ? "So sánh kịch bản" : "Scenario comparison") << "</h1>\n";
        const auto district = geo::VectorSource::open((fs::path(folder) / "district.csv").string());
        auto l = district.layer(0);
        std::vector<std::vector<std::string>> rows;
        geo::Feature f;
        while (l.next(f)) {
            std::vector<std::string> r;
            for (const auto& v : f.values) {
                const auto d = v ? parse_double(*v) : std::nullopt;
                r.push_back(d && v->find('.') != std::string::npos ? format_fixed(*d, 2)
                                                                   : v.value_or(""));
            }
            rows.push_back(r);
        }
        std::vector<std::string> head;
        for (const auto& n : l.field_names()) head.push_back(header(n, o.lang));
        h << table_html(head, rows);
        ExportOptions mo = o;
        std::string label;
        const auto cmp = geo::VectorSource::open((fs::path(folder) / "compare.gpkg").string());
        const auto cmp_layer = cmp.layer("communes");
        for (const auto& n : cmp_layer.field_names())
            if (n.rfind("diff_", 0) == 0 && label.empty()) label = n.substr(5);
        h << "<figure>" << render::map_svg(map_spec(folder, mo, 0, true, label, ""))
          << "</figure>\n";
        h << "</body></html>\n";
        return h.str();
    }
    const auto r = read_results(folder);
    const int year = o.year ? o.year : r.end;
    h << "<h1>" << html_escape(r.scenario) << "</h1>\n<p>"
      << html_escape((vi ? "Khu vực: " : "Area: ") + r.area + " · " +
                     (vi ? "bộ tiêu chí " : "criteria ") + r.criteria + " · " +
                     std::to_string(r.start) + "–" + std::to_string(r.end) + " · " +
                     std::to_string(r.draws) +
                     (vi ? " lần mô phỏng, hạt giống " : " draws, seed ") + std::to_string(r.seed))
      << "</p>\n";
    ExportOptions mo = o;
    mo.measure = "p_standard";
    h << "<figure>" << render::map_svg(map_spec(folder, mo, year, false, "", r.scenario))
      << "</figure>\n";
    mo.measure = "median_year";
    h << "<figure>" << render::map_svg(map_spec(folder, mo, year, false, "", r.scenario))
      << "</figure>\n";
    // Charts: expected communes at the standard; funds by source and year.
    std::vector<double> years;
    for (int y = r.start; y <= r.end; ++y) years.push_back(y);
    render::LineChartSpec line;
    line.title = vi ? "Số xã đạt chuẩn NTM (kỳ vọng)" : "Communes expected at the standard";
    line.x_label = vi ? "Năm" : "Year";
    line.y_label = vi ? "Số xã" : "Communes";
    line.x = years;
    render::LineSeries reached;
    reached.name = r.scenario;
    reached.y = r.expected_reached;
    line.series.push_back(reached);
    render::LineSeries met;
    met.name = vi ? "Tiêu chí đạt trung bình / xã" : "Mean criteria met per commune";
    for (std::size_t y = 0; y < years.size(); ++y) {
        double m = 0;
        for (const auto& c : r.communes) m += c.met_mean[y];
        met.y.push_back(r.communes.empty() ? 0 : m / static_cast<double>(r.communes.size()));
    }
    line.series.push_back(met);
    h << "<figure>" << render::line_chart_svg(line) << "</figure>\n";
    render::BarChartSpec bars;
    bars.title = vi ? "Nguồn vốn theo năm (tỷ đồng)" : "Funds by source and year (bn VND)";
    bars.x_label = vi ? "Năm" : "Year";
    bars.y_label = vi ? "tỷ đồng" : "bn VND";
    for (int y = r.start; y <= r.end; ++y) bars.x.push_back(std::to_string(y));
    for (const auto& [item, series] : r.funding) {
        if (item.rfind("realised_", 0) != 0) continue;
        double total = 0;
        for (const double v : series) total += v;
        if (total <= 0) continue;
        render::BarStack st;
        st.name = item.substr(9);
        st.values = series;
        bars.stacks.push_back(st);
    }
    if (!bars.stacks.empty()) h << "<figure>" << render::bar_chart_svg(bars) << "</figure>\n";
    // Key tables.
    std::vector<std::vector<std::string>> rows;
    for (std::size_t y = 0; y < years.size(); ++y)
        rows.push_back({std::to_string(r.start + static_cast<int>(y)),
                        format_fixed(r.expected_reached[y], 1), format_fixed(r.spent[y], 1),
                        format_fixed(r.gap[y], 1), format_fixed(r.debt[y], 1)});
    h << "<h2>" << (vi ? "Tổng hợp theo năm" : "By year") << "</h2>"
      << table_html(
             {header("year", o.lang), header("expected_reached", o.lang),
              header("spent_bn", o.lang), header("gap_bn", o.lang), header("debt_bn", o.lang)},
             rows);
    rows.clear();
    const auto yi = static_cast<std::size_t>(r.year_index(year));
    for (const auto& c : r.communes)
        rows.push_back({c.code, c.name, std::to_string(c.met_start),
                        format_fixed(c.met_mean[yi], 1),
                        format_fixed(100 * c.p_reached[yi], 0) + "%"});
    h << "<h2>" << (vi ? "Các xã, năm " : "Communes, ") << year << "</h2>"
      << table_html(
             {header("code", o.lang), header("name", o.lang), header("criteria_met_start", o.lang),
              header("criteria_met_mean", o.lang), header("p_standard_by_year", o.lang)},
             rows);
    h << "<p>ntmsim " << html_escape(r.run.count("ntmsim") ? r.run.at("ntmsim") : "")
      << "</p></body></html>\n";
    return h.str();
}

}  // namespace ntm::report
