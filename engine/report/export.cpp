#include "report/export.h"

#include <algorithm>
#include <array>
#include <cctype>
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
#include "report/qgis_style.h"
#include "report/results_reader.h"
#include "report/workbook.h"

namespace fs = std::filesystem;

namespace ntm::report {

namespace {

using geo::FieldDef;
using geo::FieldValue;
using T = geo::FieldDef::Type;

// Shapefile field names stop at 10 characters. GDAL would cut `p_high-mobilisation` and
// `p_high-something` both to `p_high-mob`; instead each field gets a documented short name
// (docs/formats.md), written beside the .shp in <layer>-names.csv:
// - fixed names: median_year → med_year, criteria_met_mean → met_mean, …;
// - per year: p_std_2019, met_2019, p_2019 (already short);
// - per scenario (a comparison): p_, met_, year_ (→ yr_), diff_, lo_, hi_ followed by the
//   scenario's abbreviation: the initials of its words (high-mobilisation → hm), or the first
//   four letters of a one-word name (baseline → base), with a digit added when two collide.
struct ShortName {
    std::string full, short_name, meaning;
};

std::string scenario_abbreviation(const std::string& label) {
    std::vector<std::string> words(1);
    for (const char c : label) {
        if (c == '-' || c == '_' || c == ' ' || c == '.') {
            if (!words.back().empty()) words.emplace_back();
        } else {
            words.back() += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    if (words.back().empty()) words.pop_back();
    std::string a;
    if (words.size() == 1)
        a = words[0].substr(0, 4);
    else
        for (const auto& w : words) a += w.substr(0, 1);
    return a.substr(0, 4);
}

std::vector<ShortName> shapefile_names(const std::vector<std::string>& fields) {
    static const std::map<std::string, std::pair<std::string, std::string>> kFixed = {
        {"median_year", {"med_year", "median year the standard is reached (or the work built)"}},
        {"criteria_met_mean", {"met_mean", "criteria met, mean over draws"}},
        {"criteria_met_start", {"met_start", "criteria met at the start"}},
        {"criteria_lost_mean", {"lost_mean", "criteria lost, mean over draws"}},
        {"p_standard_by_year", {"p_std_by", "P(standard by the year)"}},
        {"expected_reached", {"exp_reach", "communes expected at the standard"}}};
    static const std::vector<std::pair<std::string, std::pair<std::string, std::string>>>
        kPerScenario = {{"diff_", {"diff_", "P(standard) minus the reference's, under "}},
                        {"year_", {"yr_", "median year the standard is reached under "}},
                        {"met_", {"met_", "criteria met, mean, under "}},
                        {"lo_", {"lo_", "lower end of the 95% interval of the difference, "}},
                        {"hi_", {"hi_", "upper end of the 95% interval of the difference, "}},
                        {"p_", {"p_", "P(standard by the target year) under "}}};
    std::vector<ShortName> out;
    std::map<std::string, std::string> abbreviations;  // scenario label → abbreviation
    std::set<std::string> taken_abbreviations;
    auto abbreviation = [&](const std::string& label) {
        const auto it = abbreviations.find(label);
        if (it != abbreviations.end()) return it->second;
        std::string a = scenario_abbreviation(label);
        for (int k = 2; taken_abbreviations.count(a); ++k)
            a = scenario_abbreviation(label).substr(0, 3) + std::to_string(k);
        taken_abbreviations.insert(a);
        return abbreviations[label] = a;
    };
    auto is_year = [](const std::string& s) {
        return s.size() == 4 && std::all_of(s.begin(), s.end(), [](char c) {
                   return std::isdigit(static_cast<unsigned char>(c));
               });
    };
    std::set<std::string> taken;
    for (const auto& f : fields) {
        ShortName n{f, f, ""};
        if (const auto it = kFixed.find(f); it != kFixed.end()) {
            n.short_name = it->second.first;
            n.meaning = it->second.second;
        } else if (f.rfind("p_std_", 0) == 0 && is_year(f.substr(6))) {
            n.meaning = "P(standard by " + f.substr(6) + ")";
        } else if (f.rfind("met_", 0) == 0 && is_year(f.substr(4))) {
            n.meaning = "criteria met in " + f.substr(4) + ", mean over draws";
        } else if (f.rfind("p_", 0) == 0 && is_year(f.substr(2))) {
            n.meaning = "P(built by " + f.substr(2) + ")";
        } else if (f.size() > 10) {
            for (const auto& [prefix, short_meaning] : kPerScenario) {
                if (f.rfind(prefix, 0) != 0) continue;
                const std::string label = f.substr(prefix.size());
                n.short_name = short_meaning.first + abbreviation(label);
                n.meaning = short_meaning.second + label;
                break;
            }
        }
        if (n.short_name.size() > 10) n.short_name = n.short_name.substr(0, 10);
        // Whatever is left colliding gets a number, still within 10 characters.
        const std::string base = n.short_name;
        for (int k = 2; taken.count(n.short_name); ++k) {
            const std::string suffix = std::to_string(k);
            n.short_name = base.substr(0, 10 - suffix.size()) + suffix;
        }
        taken.insert(n.short_name);
        out.push_back(std::move(n));
    }
    return out;
}

// <layer>-names.csv beside a Shapefile: short name, full name, meaning.
void write_name_table(const fs::path& path, const std::vector<ShortName>& names) {
    std::ostringstream o;
    o << "shapefile_name,full_name,meaning\n";
    auto cell = [](const std::string& s) {
        if (s.find_first_of(",\"\n") == std::string::npos) return s;
        std::string q = "\"";
        for (const char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
        return q + "\"";
    };
    for (const auto& n : names)
        o << cell(n.short_name) << "," << cell(n.full) << "," << cell(n.meaning) << "\n";
    std::ofstream(path, std::ios::binary) << o.str();
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
    fs::path name_table;  // with shapefile_names: where the short-name table goes
    std::vector<std::string> layer_options;
};

// Copies one layer of `src` into `sink` as `out_name`.
void copy_layer(const geo::VectorSource& src, const std::string& name, geo::VectorSink& sink,
                const std::string& out_name, const CopyOptions& o) {
    auto layer = src.layer(name);
    std::vector<FieldDef> fields;
    std::vector<ShortName> short_names;
    if (o.shapefile_names) {
        short_names = shapefile_names(layer.field_names());
        if (!o.name_table.empty()) write_name_table(o.name_table, short_names);
    }
    for (std::size_t i = 0; i < layer.field_names().size(); ++i) {
        std::string f = layer.field_names()[i];
        if (o.shapefile_names) f = short_names[i].short_name;
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

// The number of criteria of a results folder: the criteria of its first commune and year in
// criteria.csv (code, year, criterion, p_met), read no further.
// The year a comparison is made for: target_year of its district.csv.
int comparison_year(const std::string& folder) {
    std::ifstream in(fs::path(folder) / "district.csv");
    std::string head, row;
    std::getline(in, head);
    std::getline(in, row);
    const auto cells = [](const std::string& line) {
        std::vector<std::string> out(1);
        for (const char c : line) {
            if (c == ',')
                out.emplace_back();
            else
                out.back() += c;
        }
        return out;
    };
    const auto h = cells(head), r = cells(row);
    for (std::size_t i = 0; i < h.size() && i < r.size(); ++i)
        if (h[i] == "target_year") return static_cast<int>(parse_int(r[i]).value_or(0));
    throw InputError(folder + "/district.csv: no target_year; run ntmsim compare again");
}

int criteria_count(const std::string& folder) {
    std::ifstream in(fs::path(folder) / "criteria.csv");
    std::string line, first;
    int n = 0;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
        const auto cut = line.find(',', line.find(',') + 1);
        const std::string key = line.substr(0, cut);
        if (first.empty()) first = key;
        if (key != first) break;
        ++n;
    }
    return n;
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
        spec.ramp =
            render::difference_ramp(o.lang == "vi" ? "điểm phần trăm" : "percentage points");
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
        // Out of the criteria set's count, in criteria (not percentages): the QGIS style's classes.
        spec.ramp = render::count_ramp(legend, criteria_count(folder));
    } else {
        spec.ramp = render::probability_ramp(legend);
    }
    spec.ramp.no_data_label =
        o.lang == "vi" ? "không đánh giá (thị trấn)" : "not assessed (township)";
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
            if (comparison) {
                std::vector<std::string> diffs, ps;
                const auto fields = src.layer("communes").field_names();
                for (const auto& f : fields) {
                    if (f.rfind("diff_", 0) == 0) diffs.push_back(f.substr(5));
                    if (f.rfind("p_", 0) == 0) ps.push_back(f.substr(2));
                }
                styles.add(comparison_styles(diffs, ps, comparison_year(folder), o.lang));
            } else {
                styles.add(results_styles(start, end, year, criteria_count(folder), o.lang));
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
                if (co.shapefile_names)
                    co.name_table = fs::path(out).parent_path() /
                                    (fs::path(out).stem().string() + "-names.csv");
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
                    if (c.shapefile_names && spatial) c.name_table = dir / (l + "-names.csv");
                    c.shapefile_names = c.shapefile_names && spatial;
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
            const int sheets = write_workbook(csv_tables(folder), out, o.lang, o.overwrite);
            return out + ": " + std::to_string(sheets) + " sheets (" +
                   (o.lang == "vi" ? "Vietnamese" : "English") + ")";
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

namespace {

// The area's name (run.csv's area_name), else the name of the folder or file it was read from.
std::string area_name(const ResultsFolder& r) {
    if (const auto it = r.run.find("area_name"); it != r.run.end() && !it->second.empty())
        return it->second;
    fs::path p(r.area);
    if (p.filename() == "area.yaml") p = p.parent_path();
    return p.stem().string();
}

// "+28 pt", "−5 pt", "0": a difference of probabilities in percentage points.
std::string points(double d) {
    const long v = std::lround(d * 100);
    if (v == 0) return "0";
    return (v > 0 ? "+" : "\xE2\x88\x92") + std::to_string(std::labs(v)) + " pt";
}

// A CSV table as rows of named cells.
std::vector<std::map<std::string, std::string>> csv_rows(const std::string& path) {
    const auto src = geo::VectorSource::open(path);
    auto l = src.layer(0);
    std::vector<std::map<std::string, std::string>> out;
    geo::Feature f;
    while (l.next(f)) {
        std::map<std::string, std::string> row;
        for (std::size_t i = 0; i < f.values.size(); ++i)
            row[l.field_names()[i]] = f.values[i].value_or("");
        out.push_back(std::move(row));
    }
    return out;
}

// The comparison report: what changed (communes at the standard per scenario, with intervals),
// where (the communes whose chance changes most, then a diverging map per scenario), and the
// ranking with readable headers.
std::string comparison_html(const std::string& folder, const ExportOptions& o) {
    const bool vi = o.lang == "vi";
    std::ostringstream h;
    const auto district = csv_rows((fs::path(folder) / "district.csv").string());
    const auto changes = csv_rows((fs::path(folder) / "changes.csv").string());
    std::string reference, reference_name, diff_column;
    for (const auto& [k, v] : district.front())
        if (k.rfind("diff_vs_", 0) == 0) reference = k.substr(8), diff_column = k;
    std::map<std::string, std::string> names;
    for (const auto& row : district) names[row.at("scenario")] = row.at("name");
    reference_name = names.count(reference) ? names[reference] : reference;
    const std::string year = district.front().at("target_year");
    auto num = [](const std::string& s) { return parse_double(s).value_or(0); };
    // One decimal, with no "-0.0" for a difference that rounds to nothing.
    auto one = [](double v) {
        return std::abs(v) < 0.05 ? std::string("0.0") : format_fixed(v, 1);
    };
    h << "<h1>" << (vi ? "So sánh kịch bản với " : "Scenarios compared with ")
      << html_escape(reference_name) << "</h1>\n";
    h << "<h2>" << (vi ? "Điều gì thay đổi" : "What changes") << "</h2>\n<ul>\n";
    std::vector<std::map<std::string, std::string>> ranked = district;
    std::sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
        return num(a.at(diff_column)) > num(b.at(diff_column));
    });
    for (const auto& row : ranked) {
        if (row.at("scenario") == reference) continue;
        const double d = num(row.at(diff_column));
        const std::string amount = format_fixed(std::abs(d), 1);
        h << "<li><b>" << html_escape(row.at("name")) << "</b>: ";
        if (vi)
            h << (d >= 0 ? "thêm " : "bớt ") << amount << " xã đạt chuẩn đến năm " << year
              << " (kỳ vọng " << format_fixed(num(row.at("expected_at_standard")), 1)
              << "; khoảng tin cậy 95% của chênh lệch " << one(num(row.at("diff_lo95"))) << " đến "
              << one(num(row.at("diff_hi95"))) << "), chi "
              << format_fixed(num(row.at("spent_bn")), 0) << " tỷ đồng";
        else
            h << amount << (d >= 0 ? " more" : " fewer") << " communes at the standard by " << year
              << " (expected " << format_fixed(num(row.at("expected_at_standard")), 1)
              << "; 95% interval of the difference " << one(num(row.at("diff_lo95"))) << " to "
              << one(num(row.at("diff_hi95"))) << "), " << format_fixed(num(row.at("spent_bn")), 0)
              << " bn VND spent";
        h << "</li>\n";
    }
    h << "</ul>\n";
    // Where: the communes whose chance moves most (changes.csv is sorted by |difference|).
    h << "<h2>"
      << (vi ? "Ở đâu: các xã thay đổi nhiều nhất" : "Where: the communes that change most")
      << "</h2>\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : changes) {
        if (rows.size() == 15) break;
        rows.push_back({c.at("name"),
                        names.count(c.at("scenario")) ? names[c.at("scenario")] : c.at("scenario"),
                        format_fixed(100 * num(c.at("p_" + reference)), 0) + "%",
                        format_fixed(100 * num(c.at("p_scenario")), 0) + "%",
                        points(num(c.at("diff")))});
    }
    if (rows.empty())
        h << "<p>" << (vi ? "Không xã nào thay đổi." : "No commune changes.") << "</p>\n";
    else
        h << table_html(
            {vi ? "Xã" : "Commune", vi ? "Kịch bản" : "Scenario",
             (vi ? "Xác suất đạt chuẩn đến " : "P(standard by ") + year + (vi ? ", " : "), ") +
                 reference,
             (vi ? "Xác suất, kịch bản" : "P, scenario"), vi ? "Chênh lệch" : "Difference"},
            rows);
    for (const auto& row : ranked) {
        if (row.at("scenario") == reference) continue;
        h << "<figure>"
          << render::map_svg(map_spec(folder, o, 0, true, row.at("scenario"),
                                      row.at("name") + (vi ? " so với " : " vs ") + reference_name))
          << "</figure>\n";
    }
    h << "<h2>" << (vi ? "Xếp hạng" : "Ranking") << "</h2>\n";
    const auto src = geo::VectorSource::open((fs::path(folder) / "district.csv").string());
    const auto fields = src.layer(0).field_names();
    std::vector<std::string> head;
    for (const auto& n : fields) head.push_back(column_header("district", n, o.lang));
    rows.clear();
    for (const auto& row : district) {
        std::vector<std::string> r;
        for (const auto& n : fields) {
            const std::string& v = row.at(n);
            const auto d = parse_double(v);
            r.push_back(d && v.find('.') != std::string::npos ? format_fixed(*d, 2) : v);
        }
        rows.push_back(r);
    }
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        return parse_int(a[0]).value_or(0) < parse_int(b[0]).value_or(0);
    });
    h << table_html(head, rows);
    return h.str();
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
         "td:first-child,th:first-child,td:nth-child(2),th:nth-child(2){text-align:left}h1{font-"
         "size:1.6em}"
         "figure{margin:1em 0}svg{max-width:100%;height:auto}</style></head><body>\n";
    if (is_comparison(folder)) {
        h << comparison_html(folder, o);
        h << "</body></html>\n";
        return h.str();
    }
    const auto r = read_results(folder);
    const int year = o.year ? o.year : r.end;
    h << "<h1>" << html_escape(r.scenario) << "</h1>\n<p>"
      << html_escape((vi ? "Địa bàn: " : "Area: ") + area_name(r) + " · " +
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
             {column_header("", "year", o.lang), column_header("", "expected_reached", o.lang),
              column_header("", "spent_bn", o.lang), column_header("", "gap_bn", o.lang),
              column_header("", "debt_bn", o.lang)},
             rows);
    rows.clear();
    const auto yi = static_cast<std::size_t>(r.year_index(year));
    for (const auto& c : r.communes)
        rows.push_back({c.code, c.name, std::to_string(c.met_start),
                        format_fixed(c.met_mean[yi], 1),
                        format_fixed(100 * c.p_reached[yi], 0) + "%"});
    h << "<h2>" << (vi ? "Các xã, năm " : "Communes, ") << year << "</h2>"
      << table_html({column_header("", "code", o.lang), column_header("", "name", o.lang),
                     column_header("", "criteria_met_start", o.lang),
                     column_header("", "criteria_met_mean", o.lang),
                     column_header("", "p_standard_by_year", o.lang)},
                    rows);
    h << "<p>ntmsim " << html_escape(r.run.count("ntmsim") ? r.run.at("ntmsim") : "")
      << "</p></body></html>\n";
    return h.str();
}

}  // namespace ntm::report
