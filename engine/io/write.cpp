#include "io/write.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "core/error.h"
#include "core/output.h"
#include "core/text.h"
#include "geo/gdal.h"

namespace fs = std::filesystem;

namespace ntm::io {

namespace {

using geo::FieldDef;
using geo::FieldValue;
using T = geo::FieldDef::Type;

struct Target {
    AreaFormat format;
    bool shapefile() const { return format == AreaFormat::Shapefile; }
    const char* driver() const {
        switch (format) {
            case AreaFormat::GeoPackage:
                return "GPKG";
            case AreaFormat::Shapefile:
                return "ESRI Shapefile";
            case AreaFormat::GeoJson:
                return "GeoJSON";
            case AreaFormat::FlatGeobuf:
                return "FlatGeobuf";
            case AreaFormat::Csv:
                return "CSV";
        }
        return "GPKG";
    }
    const char* extension() const {
        switch (format) {
            case AreaFormat::GeoPackage:
                return ".gpkg";
            case AreaFormat::Shapefile:
                return ".shp";
            case AreaFormat::GeoJson:
                return ".geojson";
            case AreaFormat::FlatGeobuf:
                return ".fgb";
            case AreaFormat::Csv:
                return ".csv";
        }
        return ".gpkg";
    }
    // Shapefile field names stop at 10 characters: the documented short names (docs/formats.md).
    std::string field(const std::string& name) const {
        if (!shapefile()) return name;
        if (name == "service_width_m") return "svc_width";
        if (name == "meets_standard") return "meets_std";
        if (name == "commune_code") return "commune";
        return name;
    }
    std::vector<std::string> layer_options() const {
        if (format == AreaFormat::Shapefile) return {"ENCODING=UTF-8"};
        if (format == AreaFormat::Csv) return {"GEOMETRY=AS_WKT"};
        if (format == AreaFormat::GeoJson) return {"RFC7946=NO", "WRITE_BBOX=YES"};
        if (format == AreaFormat::GeoPackage) return {"FID=fid"};
        // Without the index FlatGeobuf keeps features in the order written (with it, Hilbert).
        if (format == AreaFormat::FlatGeobuf) return {"SPATIAL_INDEX=NO"};
        return {};
    }
};

std::vector<FieldDef> defs(const Target& t, std::vector<std::pair<std::string, T>> fields) {
    std::vector<FieldDef> out;
    for (auto& [name, type] : fields) out.push_back({t.field(name), type});
    return out;
}

FieldValue text(std::string_view s) { return std::string(s); }
FieldValue yes_no(bool b) { return std::string(b ? "yes" : "no"); }

// Writes each layer through `emit`, which is called once per layer with a callable that
// creates it in the right sink.
class AreaWriter {
 public:
    AreaWriter(const StudyArea& area, const std::string& path, Target t, bool overwrite)
        : m_area(area), m_path(path), m_t(t), m_overwrite(overwrite) {}

    void run() {
        if (m_t.format == AreaFormat::GeoPackage) {
            auto sink = geo::VectorSink::create(m_path, "GPKG", m_overwrite);
            sink.begin_transaction();
            write_all([&](const std::string&, auto&& fn) { fn(sink); });
            sink.commit();
            return;
        }
        // A folder of one file per layer, built in a temporary folder and swapped into place.
        StagedOutput staged(m_path, OutputKind::Folder, m_overwrite);
        const fs::path temp(staged.path());
        {
            write_all([&](const std::string& layer, auto&& fn) {
                const bool attributes = layer == "status";
                const std::string file =
                    (temp / (layer + (attributes ? ".csv" : m_t.extension()))).string();
                auto sink = geo::VectorSink::create(file, attributes ? "CSV" : m_t.driver());
                fn(sink);
                sink.commit();
            });
            if (m_t.format == AreaFormat::Csv) {
                // CSV carries no CRS: say it in an area.yaml beside the files.
                std::ostringstream yaml;
                yaml << "# Written by ntmsim: CSV files carry no CRS, so it is given here.\n";
                yaml << "name: \"" << m_area.name << "\"\n";
                yaml << "crs: \""
                     << (m_area.crs.epsg ? "EPSG:" + std::to_string(m_area.crs.epsg)
                                         : m_area.crs.wkt)
                     << "\"\n";
                write_file_atomically((temp / "area.yaml").string(), yaml.str(), false);
            }
        }
        staged.commit();
    }

 private:
    template <typename WithSink>
    void write_all(WithSink with_sink) {
        const geo::Crs* crs = m_area.crs.known() ? &m_area.crs : nullptr;
        const auto opts = m_t.layer_options();
        const auto& a = m_area;

        with_sink("communes", [&](geo::VectorSink& sink) {
            auto w = sink.create_layer("communes", crs, geo::GeomKind::Polygon, true,
                                       defs(m_t, {{"code", T::String},
                                                  {"name", T::String},
                                                  {"district", T::String},
                                                  {"province", T::String},
                                                  {"region", T::String},
                                                  {"group", T::String},
                                                  {"kind", T::String},
                                                  {"population", T::Integer},
                                                  {"households", T::Integer}}),
                                       opts);
            for (const auto& c : a.communes) {
                const auto g = geo::make_geometry(c.geometry);
                w.write({text(c.code), text(c.name), text(c.district), text(c.province),
                         text(token(c.region)), text(token(c.group)), text(token(c.kind)),
                         c.population, c.households},
                        &g);
            }
        });
        with_sink("roads", [&](geo::VectorSink& sink) {
            const bool multi = std::any_of(a.roads.begin(), a.roads.end(), [](const Road& r) {
                return r.geometry.parts.size() > 1;
            });
            auto w = sink.create_layer(
                "roads", crs, geo::GeomKind::Line, multi,
                defs(m_t, {{"class", T::String}, {"surface", T::String}, {"width_m", T::Real}}),
                opts);
            for (const auto& r : a.roads) {
                const auto g = geo::make_geometry(r.geometry);
                w.write({text(token(r.road_class)), text(token(r.surface)), r.width_m}, &g);
            }
        });
        with_sink("canals", [&](geo::VectorSink& sink) {
            const bool multi = std::any_of(a.canals.begin(), a.canals.end(), [](const Canal& c) {
                return c.geometry.parts.size() > 1;
            });
            auto w = sink.create_layer(
                "canals", crs, geo::GeomKind::Line, multi,
                defs(m_t,
                     {{"level", T::String}, {"lined", T::String}, {"service_width_m", T::Real}}),
                opts);
            for (const auto& c : a.canals) {
                const auto g = geo::make_geometry(c.geometry);
                w.write({text(token(c.level)), yes_no(c.lined), c.service_width_m}, &g);
            }
        });
        with_sink("farmland", [&](geo::VectorSink& sink) {
            auto w = sink.create_layer("farmland", crs, geo::GeomKind::Polygon, true,
                                       defs(m_t, {{"use", T::String}}), opts);
            for (const auto& f : a.farmland) {
                const auto g = geo::make_geometry(f.geometry);
                w.write({text(token(f.use))}, &g);
            }
        });
        with_sink("schools", [&](geo::VectorSink& sink) {
            auto w = sink.create_layer("schools", crs, geo::GeomKind::Point, false,
                                       defs(m_t, {{"name", T::String},
                                                  {"level", T::String},
                                                  {"meets_standard", T::String},
                                                  {"students", T::Integer}}),
                                       opts);
            for (const auto& s : a.schools) {
                const auto g = geo::make_geometry(s.location);
                w.write({text(s.name), text(token(s.level)), yes_no(s.meets_standard), s.students},
                        &g);
            }
        });
        with_sink("facilities", [&](geo::VectorSink& sink) {
            auto w = sink.create_layer(
                "facilities", crs, geo::GeomKind::Point, false,
                defs(m_t,
                     {{"name", T::String}, {"kind", T::String}, {"meets_standard", T::String}}),
                opts);
            for (const auto& f : a.facilities) {
                const auto g = geo::make_geometry(f.location);
                w.write({text(f.name), text(token(f.kind)), yes_no(f.meets_standard)}, &g);
            }
        });
        with_sink("status", [&](geo::VectorSink& sink) {
            const bool gpkg = m_t.format == AreaFormat::GeoPackage;
            auto w = sink.create_layer(
                "status", nullptr, geo::GeomKind::None, false,
                {{"commune_code", T::String},
                 {"year", T::Integer},
                 {"indicator", T::String},
                 {"value", T::Real},
                 {"met", T::String}},
                gpkg ? std::vector<std::string>{"FID=fid"} : std::vector<std::string>{});
            for (const auto& s : a.status) {
                w.write({text(s.commune_code), static_cast<long long>(s.year), text(s.indicator),
                         s.value ? FieldValue(*s.value) : FieldValue(),
                         s.met ? yes_no(*s.met) : FieldValue()},
                        nullptr);
            }
        });
    }

    const StudyArea& m_area;
    std::string m_path;
    Target m_t;
    bool m_overwrite;
};

}  // namespace

void write_study_area(const StudyArea& area, const std::string& path, AreaFormat format,
                      bool overwrite) {
    AreaWriter(area, path, Target{format}, overwrite).run();
}

AreaFormat parse_area_format(const std::string& name) {
    const std::string n = to_lower_ascii(name);
    if (n == "gpkg" || n == "geopackage") return AreaFormat::GeoPackage;
    if (n == "shp" || n == "shapefile") return AreaFormat::Shapefile;
    if (n == "geojson" || n == "json") return AreaFormat::GeoJson;
    if (n == "fgb" || n == "flatgeobuf") return AreaFormat::FlatGeobuf;
    if (n == "csv") return AreaFormat::Csv;
    throw UsageError("unknown format '" + name + "'; use gpkg, shp, geojson, fgb or csv");
}

}  // namespace ntm::io
