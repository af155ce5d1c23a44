#include "io/load.h"

#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "core/error.h"
#include "core/text.h"
#include "geo/gdal.h"
#include "geo/kernels.h"
#include "io/catalogue.h"
#include "io/checks.h"
#include "io/manifest.h"

namespace fs = std::filesystem;

namespace ntm::io {

namespace {

struct FieldSpec {
    const char* name;
    const char* short_name;  // Shapefile's 10-character name, accepted on reading
    bool required;
};

struct LayerSpec {
    const char* name;
    geo::GeomKind geometry;
    bool required;
    std::vector<FieldSpec> fields;
};

const std::vector<LayerSpec>& layer_specs() {
    using K = geo::GeomKind;
    static const std::vector<LayerSpec> specs = {
        {"communes",
         K::Polygon,
         true,
         {{"code", "code", true},
          {"name", "name", true},
          {"district", "district", false},
          {"province", "province", false},
          {"region", "region", true},
          {"group", "group", false},
          {"kind", "kind", false},
          {"population", "population", true},
          {"households", "households", false}}},
        {"roads",
         K::Line,
         false,
         {{"class", "class", true}, {"surface", "surface", true}, {"width_m", "width_m", false}}},
        {"canals",
         K::Line,
         false,
         {{"level", "level", true},
          {"lined", "lined", true},
          {"service_width_m", "svc_width", false}}},
        {"farmland", K::Polygon, false, {{"use", "use", false}}},
        {"schools",
         K::Point,
         false,
         {{"name", "name", false},
          {"level", "level", true},
          {"meets_standard", "meets_std", true},
          {"students", "students", false}}},
        {"facilities",
         K::Point,
         false,
         {{"name", "name", false}, {"kind", "kind", true}, {"meets_standard", "meets_std", true}}},
        {"status",
         K::None,
         false,
         {{"commune_code", "commune", true},
          {"year", "year", true},
          {"indicator", "indicator", true},
          {"value", "value", false},
          {"met", "met", false}}},
    };
    return specs;
}

const char* const kExtensions[] = {".gpkg", ".shp", ".geojson", ".json", ".fgb", ".csv", ".xlsx"};

std::vector<std::string> default_open_options(const std::string& path) {
    const std::string ext = to_lower_ascii(fs::path(path).extension().string());
    if (ext == ".csv") {
        return {"GEOM_POSSIBLE_NAMES=WKT,wkt,geometry,geom,the_geom", "KEEP_GEOM_COLUMNS=NO",
                "X_POSSIBLE_NAMES=x,lon,longitude", "Y_POSSIBLE_NAMES=y,lat,latitude",
                "AUTODETECT_TYPE=NO"};
    }
    return {};
}

// Where one of our layers is: which file, which layer inside it.
struct Located {
    std::string source;
    std::optional<std::string> layer;
    std::vector<std::string> open_options;
};

std::optional<Located> locate(const std::string& area_path, const Manifest& m,
                              const std::string& ours) {
    Located loc;
    const auto it = m.layers.find(ours);
    const LayerMapping* lm = it == m.layers.end() ? nullptr : &it->second;
    if (lm) {
        loc.layer = lm->layer;
        loc.open_options = lm->open_options;
    }
    if (lm && lm->source) {
        loc.source = *lm->source;
        return loc;
    }
    if (m.source) {
        loc.source = *m.source;
        return loc;
    }
    if (fs::is_regular_file(area_path) && m.path.empty()) {
        loc.source = area_path;
        return loc;
    }
    const fs::path dir = m.path.empty() ? fs::path(area_path) : fs::path(m.base_dir);
    for (const char* ext : kExtensions) {
        const fs::path candidate = dir / (ours + ext);
        if (fs::exists(candidate)) {
            loc.source = candidate.string();
            return loc;
        }
    }
    // A folder holding one GeoPackage with all the layers.
    std::vector<fs::path> gpkgs;
    if (fs::is_directory(dir)) {
        for (const auto& e : fs::directory_iterator(dir)) {
            if (e.path().extension() == ".gpkg" && e.path().filename().string()[0] != '.')
                gpkgs.push_back(e.path());
        }
    }
    std::sort(gpkgs.begin(), gpkgs.end());
    if (gpkgs.size() == 1) {
        loc.source = gpkgs[0].string();
        return loc;
    }
    return std::nullopt;
}

// Resolves our field names to the columns of one layer and turns feature values into ours,
// reporting every problem with its place.
class FieldReader {
 public:
    FieldReader(const LayerSpec& spec, const geo::LayerReader& reader, const LayerMapping* lm,
                Problems& problems, const std::string& file)
        : m_spec(spec),
          m_lm(lm),
          m_problems(problems),
          m_file(file),
          m_layer(reader.name()),
          m_csv(to_lower_ascii(fs::path(file).extension().string()) == ".csv") {
        for (const auto& f : spec.fields) {
            int idx = -1;
            std::string wanted = f.name;
            if (lm && lm->fields.count(f.name)) {
                wanted = lm->fields.at(f.name);
                idx = reader.field_index(wanted);
            } else {
                idx = reader.field_index(f.name);
                if (idx < 0) idx = reader.field_index(f.short_name);
            }
            m_index[f.name] = idx;
            const bool has_default = lm && lm->defaults.count(f.name);
            if (idx < 0 && f.required && !has_default) {
                Location where{file, m_layer, -1, wanted, -1};
                problems.error("missing-field", where,
                               std::string("required field '") + wanted + "' is missing (fields: " +
                                   join(reader.field_names(), ", ") + ")",
                               std::string("add it, or map yours onto it in area.yaml: layers: {") +
                                   spec.name + ": {fields: {" + f.name + ": YOUR_FIELD}}}");
                m_missing_required = true;
            }
        }
    }

    bool missing_required() const { return m_missing_required; }
    // CSV rows are easier found by line: GDAL numbers data rows from 1, after the header line.
    long long line_of(const geo::Feature& f) const { return m_csv ? f.fid + 1 : -1; }
    Origin origin(const geo::Feature& f) const {
        return Origin{m_file, m_layer, f.fid, line_of(f)};
    }
    bool has(const std::string& ours) const { return m_index.at(ours) >= 0; }

    // The text of a field for a feature: the value, else the area.yaml default, else nullopt.
    std::optional<std::string> text(const geo::Feature& f, const std::string& ours) const {
        const int idx = m_index.at(ours);
        if (idx >= 0) {
            const auto& v = f.values[static_cast<std::size_t>(idx)];
            if (v && !trim(*v).empty()) return trim(*v);
        }
        if (m_lm) {
            const auto it = m_lm->defaults.find(ours);
            if (it != m_lm->defaults.end()) return it->second;
        }
        return std::nullopt;
    }

    Location where(const geo::Feature& f, const std::string& ours) const {
        std::string field = ours;
        if (m_lm && m_lm->fields.count(ours)) field = m_lm->fields.at(ours);
        return Location{m_file, m_layer, f.fid, field, line_of(f)};
    }

    // Required text; records a problem when absent.
    std::optional<std::string> required_text(const geo::Feature& f, const std::string& ours) {
        auto t = text(f, ours);
        if (!t && has(ours)) {
            m_problems.error(
                "missing-value", where(f, ours), "the value is empty",
                "fill it in, or set a default in area.yaml (defaults: {" + ours + ": …})");
        }
        return t;
    }

    template <typename E>
    std::optional<E> enumeration(const geo::Feature& f, const std::string& ours, bool required) {
        auto t = required ? required_text(f, ours) : text(f, ours);
        if (!t) return std::nullopt;
        // A layer repeats a handful of values: each distinct one is mapped and parsed once.
        std::string key = ours;
        key += '\0';
        key += *t;
        auto [memo, fresh] = m_enum_memo.try_emplace(std::move(key));
        if (fresh) {
            std::string value = *t;
            if (m_lm) {
                const auto vit = m_lm->values.find(ours);
                if (vit != m_lm->values.end()) {
                    for (const auto& [theirs, mine] : vit->second) {
                        if (theirs == value || fold_token(theirs) == fold_token(value)) {
                            value = mine;
                            break;
                        }
                    }
                }
            }
            if (const auto parsed = parse_enum<E>(value)) memo->second = static_cast<int>(*parsed);
        }
        const std::optional<E> e =
            memo->second ? std::optional<E>(static_cast<E>(*memo->second)) : std::nullopt;
        if (!e) {
            m_problems.error("unknown-value", where(f, ours), "unknown " + ours + " '" + *t + "'",
                             "use one of: " + enum_choices<E>() +
                                 ", or map it in area.yaml (values: {" + ours + ": {\"" + *t +
                                 "\": …}})");
        }
        return e;
    }

    std::optional<bool> boolean(const geo::Feature& f, const std::string& ours, bool required) {
        auto t = required ? required_text(f, ours) : text(f, ours);
        if (!t) return std::nullopt;
        auto b = parse_bool(*t);
        if (!b) {
            m_problems.error("bad-value", where(f, ours), "'" + *t + "' is not yes or no",
                             "use yes/no, true/false or 1/0");
        }
        return b;
    }

    // A number that must not be negative.
    std::optional<double> number(const geo::Feature& f, const std::string& ours, bool required) {
        auto t = required ? required_text(f, ours) : text(f, ours);
        if (!t) return std::nullopt;
        auto v = parse_double(*t);
        if (!v || !std::isfinite(*v)) {
            m_problems.error("bad-number", where(f, ours), "'" + *t + "' is not a number");
            return std::nullopt;
        }
        return v;
    }

    std::optional<double> non_negative(const geo::Feature& f, const std::string& ours,
                                       bool required) {
        auto v = number(f, ours, required);
        if (v && *v < 0) {
            m_problems.error("negative-value", where(f, ours),
                             ours + " is negative (" + format_fixed(*v, 2) + ")",
                             "it must be zero or more");
            return std::nullopt;
        }
        return v;
    }

 private:
    const LayerSpec& m_spec;
    const LayerMapping* m_lm;
    Problems& m_problems;
    std::string m_file, m_layer;
    std::map<std::string, int> m_index;
    // field '\0' raw value → the parsed enumerator (none: not a value of the field's enumeration)
    std::unordered_map<std::string, std::optional<int>> m_enum_memo;
    bool m_missing_required = false;
    bool m_csv;
};

const char* kind_name(geo::GeomKind k) {
    switch (k) {
        case geo::GeomKind::Point:
            return "point";
        case geo::GeomKind::Line:
            return "line";
        case geo::GeomKind::Polygon:
            return "polygon";
        case geo::GeomKind::None:
            return "no";
    }
    return "?";
}

class Loader {
 public:
    Loader(std::string path, const LoadOptions& options)
        : m_path(std::move(path)), m_options(options) {}

    LoadResult run() {
        if (!fs::exists(m_path)) {
            throw InputError(m_path +
                             ": no such file or folder; give a GeoPackage, a folder of "
                             "layer files, or an area.yaml");
        }
        const std::string ext = to_lower_ascii(fs::path(m_path).extension().string());
        if (ext == ".yaml" || ext == ".yml") {
            m_manifest = read_manifest(m_path);
        } else if (fs::is_directory(m_path) && fs::exists(fs::path(m_path) / "area.yaml")) {
            m_manifest = read_manifest((fs::path(m_path) / "area.yaml").string());
        }
        // A CRS given in area.yaml is checked now, even if every layer carries its own.
        if (m_manifest.crs)
            (void)geo::crs_from_user_input(*m_manifest.crs, m_manifest.path + ", key 'crs'");
        auto& area = m_result.area;
        area.source = m_path;
        area.name = m_manifest.name.value_or(fs::path(m_path).stem().string());
        if (area.name.empty() || area.name == ".")
            area.name = fs::absolute(m_path).parent_path().filename().string();

        for (const auto& spec : layer_specs()) load_layer(spec);
        for (const auto& l : m_result.layers) {
            bool* present = l.name == "roads"        ? &area.layers.roads
                            : l.name == "canals"     ? &area.layers.canals
                            : l.name == "farmland"   ? &area.layers.farmland
                            : l.name == "schools"    ? &area.layers.schools
                            : l.name == "facilities" ? &area.layers.facilities
                            : l.name == "status"     ? &area.layers.status
                                                     : nullptr;
            if (present) *present = l.present;
        }
        area.rebuild_index();
        const Catalogue catalogue = m_options.catalogue_path
                                        ? load_catalogue(*m_options.catalogue_path)
                                        : default_catalogue();
        check_study_area(area, catalogue, m_result.problems);
        area.sort_canonically();  // after the checks, which report problems in file order
        return std::move(m_result);
    }

 private:
    const LayerMapping* mapping(const std::string& ours) const {
        const auto it = m_manifest.layers.find(ours);
        return it == m_manifest.layers.end() ? nullptr : &it->second;
    }

    // Chooses the working CRS from the communes layer (the first loaded).
    void choose_crs(const geo::Crs& communes_crs, const std::vector<Commune>& communes) {
        auto& area = m_result.area;
        if (m_manifest.working_crs) {
            area.crs = geo::crs_from_user_input(*m_manifest.working_crs,
                                                m_manifest.path + ", key 'working_crs'");
            area.crs_reason = "set by working_crs in area.yaml";
            if (!area.crs.metric) {
                throw ConfigError(m_manifest.path + ", key 'working_crs': " + area.crs.label() +
                                  " is not a projected CRS in metres");
            }
            return;
        }
        if (communes_crs.metric) {
            area.crs = communes_crs;
            area.crs_reason = "the data's own";
            return;
        }
        if (!communes_crs.known()) return;  // reported already
        Box box;
        for (const auto& c : communes) box.expand(bounds(c.geometry));
        Point centre{(box.min_x + box.max_x) / 2, (box.min_y + box.max_y) / 2};
        const geo::Crs wgs84 = geo::crs_from_epsg(4326);
        geo::Transform to_ll(communes_crs, wgs84);
        const Point ll = box.empty ? Point{} : to_ll.apply(centre);
        area.crs = geo::utm_crs_for(ll.x, ll.y);
        area.crs_reason = "the UTM zone of the data's centroid (the data's own CRS, " +
                          communes_crs.label() + ", is not metric)";
    }

    void load_layer(const LayerSpec& spec) {
        LayerReport report;
        report.name = spec.name;
        const LayerMapping* lm = mapping(spec.name);
        auto& problems = m_result.problems;
        const auto loc = locate(m_path, m_manifest, spec.name);
        std::optional<geo::VectorSource> source;
        std::optional<geo::LayerReader> reader;
        if (loc) {
            auto options = loc->open_options;
            for (auto& o : default_open_options(loc->source)) options.push_back(o);
            source = geo::VectorSource::open(loc->source, options);
            if (loc->layer) {
                if (source->has_layer(*loc->layer)) reader.emplace(source->layer(*loc->layer));
            } else if (source->has_layer(spec.name)) {
                reader.emplace(source->layer(spec.name));
            } else if (source->layer_names().size() == 1 &&
                       fs::path(loc->source).stem().string() == spec.name) {
                reader.emplace(source->layer(0));
            } else if (source->layer_names().size() == 1 && lm && lm->source) {
                reader.emplace(source->layer(0));
            }
        }
        if (!reader) {
            Location where{loc ? loc->source : m_path,
                           loc && loc->layer ? *loc->layer : spec.name,
                           -1,
                           {},
                           -1};
            const std::string what =
                std::string("layer '") + (loc && loc->layer ? *loc->layer : spec.name) +
                "' not found" +
                (source ? " (layers: " + join(source->layer_names(), ", ") + ")" : "");
            const std::string hint =
                std::string("name a layer '") + spec.name + "', add a file " + spec.name +
                ".gpkg/.shp/.geojson/.fgb/.csv, or map it in area.yaml (layers: {" + spec.name +
                ": {source: …, layer: …}})";
            if (spec.required) {
                problems.error("missing-layer", where, what, hint);
            } else {
                problems.warning("missing-layer", where,
                                 what + "; the indicators that need it will be unknown", hint);
            }
            m_result.layers.push_back(report);
            return;
        }
        report.present = true;
        report.source = loc->source;
        report.layer = reader->name();
        report.driver = source->driver_name();
        const std::string file = loc->source;
        FieldReader fields(spec, *reader, lm, problems, file);
        // A GeoPackage's numeric status value can hold text that OGR reads as 0: found by SQL.
        std::set<long long> text_values;
        if (std::string(spec.name) == "status") {
            const std::string column =
                lm && lm->fields.count("value") ? lm->fields.at("value") : "value";
            for (const auto fid : source->text_in_numeric_column(reader->name(), column))
                text_values.insert(fid);
        }

        // CRS of this layer.
        geo::Crs layer_crs = reader->crs();
        if (spec.geometry != geo::GeomKind::None && !layer_crs.known()) {
            if (m_manifest.crs) {
                layer_crs =
                    geo::crs_from_user_input(*m_manifest.crs, m_manifest.path + ", key 'crs'");
            } else {
                problems.error(
                    "missing-crs", Location{file, reader->name(), -1, {}, -1},
                    "the layer has no coordinate reference system",
                    "add a .prj / CRS to the file, or give one in area.yaml (crs: EPSG:…)");
            }
        }
        report.crs = layer_crs;
        const bool is_communes = std::string(spec.name) == "communes";
        if (!is_communes && spec.geometry != geo::GeomKind::None && layer_crs.known() &&
            m_result.area.crs.known()) {
            reader->set_transform(layer_crs, m_result.area.crs);
        }

        geo::Feature f;
        auto& area = m_result.area;
        while (reader->next(f)) {
            ++report.features_read;
            if (spec.geometry != geo::GeomKind::None &&
                !check_geometry(spec, f, file, reader->name()))
                continue;
            const std::string n = spec.name;
            if (n == "communes") {
                Commune c;
                c.origin = fields.origin(f);
                c.code = fields.required_text(f, "code").value_or("");
                c.name = fields.required_text(f, "name").value_or("");
                c.district = fields.text(f, "district").value_or("");
                c.province = fields.text(f, "province").value_or("");
                c.region = fields.enumeration<Region>(f, "region", true).value_or(Region::BTB);
                c.group = fields.enumeration<CommuneGroup>(f, "group", false)
                              .value_or(CommuneGroup::Group2);
                c.kind = fields.enumeration<CommuneKind>(f, "kind", false)
                             .value_or(CommuneKind::Commune);
                c.population = std::llround(fields.non_negative(f, "population", true).value_or(0));
                c.households =
                    std::llround(fields.non_negative(f, "households", false).value_or(0));
                c.geometry = std::move(f.geometry.polygons);
                area.communes.push_back(std::move(c));
            } else if (n == "roads") {
                Road r;
                r.origin = fields.origin(f);
                r.road_class =
                    fields.enumeration<RoadClass>(f, "class", true).value_or(RoadClass::Other);
                r.surface =
                    fields.enumeration<Surface>(f, "surface", true).value_or(Surface::Earth);
                r.width_m = fields.non_negative(f, "width_m", false).value_or(0);
                r.geometry = std::move(f.geometry.lines);
                area.roads.push_back(std::move(r));
            } else if (n == "canals") {
                Canal c;
                c.origin = fields.origin(f);
                c.level =
                    fields.enumeration<CanalLevel>(f, "level", true).value_or(CanalLevel::Field);
                c.lined = fields.boolean(f, "lined", true).value_or(false);
                c.service_width_m = fields.non_negative(f, "service_width_m", false).value_or(0);
                c.geometry = std::move(f.geometry.lines);
                area.canals.push_back(std::move(c));
            } else if (n == "farmland") {
                Farmland l;
                l.origin = fields.origin(f);
                l.use = fields.enumeration<LandUse>(f, "use", false).value_or(LandUse::Rice);
                l.geometry = std::move(f.geometry.polygons);
                area.farmland.push_back(std::move(l));
            } else if (n == "schools") {
                School s;
                s.origin = fields.origin(f);
                s.name = fields.text(f, "name").value_or("");
                s.level = fields.enumeration<SchoolLevel>(f, "level", true)
                              .value_or(SchoolLevel::Primary);
                s.meets_standard = fields.boolean(f, "meets_standard", true).value_or(false);
                s.students = std::llround(fields.non_negative(f, "students", false).value_or(0));
                s.location = f.geometry.point;
                area.schools.push_back(std::move(s));
            } else if (n == "facilities") {
                Facility x;
                x.origin = fields.origin(f);
                x.name = fields.text(f, "name").value_or("");
                x.kind = fields.enumeration<FacilityKind>(f, "kind", true)
                             .value_or(FacilityKind::VillageCulturalHouse);
                x.meets_standard = fields.boolean(f, "meets_standard", true).value_or(false);
                x.location = f.geometry.point;
                area.facilities.push_back(std::move(x));
            } else if (n == "status") {
                StatusRow s;
                s.origin = fields.origin(f);
                s.commune_code = fields.required_text(f, "commune_code").value_or("");
                const auto year = fields.number(f, "year", true);
                if (year && (*year < 1900 || *year > 2200 || *year != std::floor(*year))) {
                    problems.error("bad-year",
                                   Location{file, reader->name(), f.fid, "year", fields.line_of(f)},
                                   "year " + format_fixed(*year, 2) + " is not a year",
                                   "give the whole year the value was observed, 1900–2200");
                }
                s.year = year ? static_cast<int>(std::lround(*year)) : 0;
                s.indicator = fields.required_text(f, "indicator").value_or("");
                s.value = fields.number(f, "value", false);
                if (text_values.count(f.fid)) {
                    problems.error("bad-number", fields.where(f, "value"),
                                   "the value is text in a numeric column (read as 0 by GDAL)",
                                   "give a number, or leave it empty and fill in met");
                    s.value.reset();
                }
                s.met = fields.boolean(f, "met", false);
                if (!s.value && !s.met && !text_values.count(f.fid)) {
                    problems.error(
                        "missing-value",
                        Location{file, reader->name(), f.fid, "value", fields.line_of(f)},
                        "the row gives neither a value nor met",
                        "fill in value (a number) or met (yes/no)");
                }
                area.status.push_back(std::move(s));
            }
            ++report.features_kept;
        }

        if (is_communes) {
            choose_crs(layer_crs, area.communes);
            if (area.crs.known() && layer_crs.known() && !layer_crs.same_as(area.crs)) {
                geo::Transform t(layer_crs, area.crs);
                for (auto& c : area.communes)
                    for (auto& p : c.geometry.polygons) {
                        t.apply(p.outer);
                        for (auto& h : p.holes) t.apply(h);
                    }
            }
        }
        m_result.layers.push_back(report);
    }

    // Checks a feature's geometry; false when the feature cannot be used.
    bool check_geometry(const LayerSpec& spec, geo::Feature& f, const std::string& file,
                        const std::string& layer) {
        auto& problems = m_result.problems;
        Location where{file, layer, f.fid, {}, -1};
        auto& g = f.geometry;
        if (g.kind == geo::GeomKind::None) {
            problems.error("empty-geometry", where,
                           g.type_name.empty() ? "the feature has no geometry"
                                               : "the geometry (" + g.type_name + ") is empty",
                           "draw it, or delete the feature");
            return false;
        }
        if (g.kind != spec.geometry) {
            problems.error("wrong-geometry-type", where,
                           "expected a " + std::string(kind_name(spec.geometry)) +
                               " geometry, found " + g.type_name,
                           "put only " + std::string(kind_name(spec.geometry)) + "s in this layer");
            return false;
        }
        if (g.multi_point) {
            problems.warning("multi-point", where,
                             "a multi-point with several points; only the first is used");
        }
        if (g.kind == geo::GeomKind::Line) {
            // Drop degenerate parts, keep the rest.
            MultiLineString kept;
            for (auto& part : g.lines.parts) {
                const auto v = geo::check_valid(MultiLineString{{part}});
                if (v.valid) {
                    kept.parts.push_back(std::move(part));
                } else {
                    problems.error("invalid-geometry", where, v.reason,
                                   "fix or delete this line (it is left out)");
                }
            }
            g.lines = std::move(kept);
            return !g.lines.parts.empty();
        }
        if (g.kind == geo::GeomKind::Polygon) {
            const auto v = geo::check_valid(g.polygons);
            if (!v.valid) {
                if (m_options.repair) {
                    const double before = area(g.polygons);
                    g.polygons = geo::make_valid(g.polygons);
                    const double after = area(g.polygons);
                    problems.repaired("invalid-geometry", where,
                                      "repaired with MakeValid (" + v.reason + "); area " +
                                          format_fixed(before / 1e4, 2) + " ha → " +
                                          format_fixed(after / 1e4, 2) + " ha");
                    if (is_empty(g.polygons)) {
                        problems.error("empty-geometry", where, "nothing is left after repair",
                                       "redraw the polygon");
                        return false;
                    }
                } else {
                    problems.error(
                        "invalid-geometry", where, v.reason,
                        "fix it in your GIS, or run with --repair to fix it with GEOS MakeValid");
                }
            }
        }
        return true;
    }

    std::string m_path;
    LoadOptions m_options;
    Manifest m_manifest;
    LoadResult m_result;
};

}  // namespace

LoadResult load_study_area(const std::string& path, const LoadOptions& options) {
    geo::ensure_gdal();
    return Loader(path, options).run();
}

}  // namespace ntm::io
