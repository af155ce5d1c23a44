#include "synth/outlines.h"

#include <cmath>
#include <set>

#include "core/error.h"
#include "core/text.h"
#include "geo/crs.h"
#include "geo/gdal.h"
#include "geo/kernels.h"

namespace ntm::synth {
namespace {

std::string field(const geo::LayerReader& reader, const geo::Feature& f, const char* name) {
    const int i = reader.field_index(name);
    if (i < 0) return {};
    const auto& v = f.values[static_cast<std::size_t>(i)];
    return v ? *v : std::string{};
}

// Wards (phường) are urban and special zones (đặc khu) are assessed like communes (DOMAIN.md §8).
CommuneKind kind_of(const std::string& text, const std::string& where) {
    const std::string k = fold_token(text);
    if (k.empty() || k == "commune" || k == "xa" || k == "special_zone" || k == "dac_khu")
        return CommuneKind::Commune;
    if (k == "ward" || k == "phuong" || k == "township" || k == "thi_tran")
        return CommuneKind::Township;
    throw InputError(where + ": field 'kind' is '" + text +
                     "'; use commune (xã), ward (phường), special_zone (đặc khu) or township");
}

}  // namespace

void add_outlines(Recipe& recipe, const std::string& path, const OutlineOptions& options) {
    const auto source = geo::VectorSource::open(path);
    std::string layer_name = options.layer;
    if (layer_name.empty()) {
        const auto names = source.layer_names();
        if (names.empty())
            throw InputError(path + ": the file has no layers; give a file with a communes layer");
        layer_name = source.has_layer("communes") ? "communes" : names.front();
    }
    auto reader = source.layer(layer_name);
    const std::string at = path + ", layer '" + layer_name + "'";
    for (const char* needed : {"code", "name"}) {
        if (reader.field_index(needed) < 0) {
            throw InputError(at + ": no field '" + needed +
                             "'; the communes layer needs code and name (and may have "
                             "kind, province, province_code, group)");
        }
    }
    if (!reader.crs().known())
        throw InputError(at + ": the layer has no CRS; add one (e.g. ogr2ogr -a_srs EPSG:4326)");
    const bool filter = !options.province_code.empty();
    if (filter && reader.field_index("province_code") < 0)
        throw InputError(at + ": --province needs a field 'province_code'");

    // Read in the file's CRS, as lon/lat, to choose the working CRS from the units' extent.
    const geo::Crs wgs84 = geo::crs_from_epsg(4326);
    reader.set_transform(reader.crs(), wgs84);
    struct Unit {
        CommuneSpec spec;
        long long fid;
        Point lonlat;  // the outline's centre, for the scale error
    };
    std::vector<Unit> units;
    Box lonlat;
    geo::Feature f;
    while (reader.next(f)) {
        if (filter && field(reader, f, "province_code") != options.province_code) continue;
        Unit u;
        u.fid = f.fid;
        u.spec.code = trim(field(reader, f, "code"));
        u.spec.name = field(reader, f, "name");
        const std::string where =
            at + ", feature " + std::to_string(f.fid) + " (unit '" + u.spec.name + "')";
        if (u.spec.code.empty())
            throw InputError(where + ": the unit has no code; give every unit its official code");
        u.spec.kind = kind_of(field(reader, f, "kind"), where);
        u.spec.province = field(reader, f, "province");
        if (const auto g = field(reader, f, "group"); !g.empty()) {
            const auto group = parse_enum<CommuneGroup>(g);
            if (!group)
                throw InputError(where + ": field 'group' is '" + g + "'; use " +
                                 enum_choices<CommuneGroup>());
            u.spec.group = *group;
        }
        if (f.geometry.kind != geo::GeomKind::Polygon || is_empty(f.geometry.polygons))
            throw InputError(where + ": the unit has no polygon; give every unit its boundary");
        u.spec.outline = std::move(f.geometry.polygons);
        lonlat.expand(bounds(u.spec.outline));
        const Box b = bounds(u.spec.outline);
        u.lonlat = {(b.min_x + b.max_x) / 2, (b.min_y + b.max_y) / 2};
        units.push_back(std::move(u));
    }
    if (units.empty()) {
        throw InputError(at + ": no units" +
                         (filter ? " with province_code " + options.province_code : std::string{}) +
                         "; check the file and --province");
    }

    geo::Crs crs;
    if (options.epsg) {
        crs = geo::crs_from_epsg(options.epsg);
        recipe.crs_reason = "given with --epsg";
    } else {
        crs =
            geo::utm_crs_for((lonlat.min_x + lonlat.max_x) / 2, (lonlat.min_y + lonlat.max_y) / 2);
        recipe.crs_reason = "the WGS 84 UTM zone of the units' centre";
    }
    if (!crs.metric)
        throw InputError("EPSG:" + std::to_string(crs.epsg) +
                         " is not a metric CRS; give a projected one");
    recipe.epsg = crs.epsg;
    // How much one working CRS stretches each unit: the transverse Mercator point scale
    // k = k0 / sqrt(1 - (cos φ sin Δλ)²) at the unit's centre (spherical; lengths scale by k,
    // areas by k²). Known for WGS 84 UTM north (EPSG:326zz) and VN-2000 / UTM 48N, 49N.
    double lon0 = 0;
    bool known = true;
    if (crs.epsg > 32600 && crs.epsg <= 32660)
        lon0 = -183 + 6.0 * (crs.epsg - 32600);
    else if (crs.epsg == 3405)
        lon0 = 105;
    else if (crs.epsg == 3406)
        lon0 = 111;
    else
        known = false;
    if (known) {
        constexpr double kDeg = 3.14159265358979323846 / 180;
        std::set<int> zones;
        double worst = 0;
        std::string worst_unit;
        for (const auto& u : units) {
            zones.insert(static_cast<int>(std::floor((u.lonlat.x + 180) / 6)) + 1);
            const double b = std::cos(u.lonlat.y * kDeg) * std::sin((u.lonlat.x - lon0) * kDeg);
            const double k = 0.9996 / std::sqrt(1 - b * b);
            if (std::abs(k - 1) > std::abs(worst))
                worst = k - 1, worst_unit = u.spec.code + " '" + u.spec.name + "'";
        }
        std::vector<std::string> z;
        for (int zone : zones) z.push_back(std::to_string(zone) + "N");
        recipe.crs_reason +=
            "; the units lie in UTM zone" + std::string(zones.size() > 1 ? "s " : " ") +
            join(z, ", ") + "; worst scale error " + format_fixed(100 * worst, 3) +
            "% in length, " + format_fixed(100 * ((1 + worst) * (1 + worst) - 1), 3) +
            "% in area (unit " + worst_unit + ")";
    }
    const geo::Transform to_metric(wgs84, crs);
    std::set<std::string> codes;
    recipe.commune_list.clear();
    for (auto& u : units) {
        const std::string where = at + ", feature " + std::to_string(u.fid) + " (unit " +
                                  u.spec.code + " '" + u.spec.name + "')";
        if (!codes.insert(u.spec.code).second) {
            throw InputError(
                where + ": code " + u.spec.code +
                " is used by two units of this period; a code names one unit per period");
        }
        for (auto& poly : u.spec.outline.polygons) {
            to_metric.apply(poly.outer);
            for (auto& h : poly.holes) to_metric.apply(h);
        }
        if (const auto v = geo::check_valid(u.spec.outline); !v.valid) {
            throw InputError(where + ": invalid polygon (" + v.reason +
                             "); repair it, e.g. ogr2ogr -makevalid, and generate again");
        }
        u.spec.area_km2 = area(u.spec.outline) / 1e6;
        recipe.commune_list.push_back(std::move(u.spec));
    }
    recipe.outlines_source = path;
}

}  // namespace ntm::synth
