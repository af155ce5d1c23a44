#include "synth/outlines.h"

#include <cmath>
#include <map>
#include <set>

#include "core/error.h"
#include "core/text.h"
#include "geo/crs.h"
#include "geo/gdal.h"
#include "geo/kernels.h"
#include "units/crosswalk.h"

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
        if (!options.codes.empty() && !options.codes.count(trim(field(reader, f, "code"))))
            continue;
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

    std::set<int> zones;  // the UTM zones of the units' centres
    for (const auto& u : units)
        zones.insert(static_cast<int>(std::floor((u.lonlat.x + 180) / 6)) + 1);
    geo::Crs crs;
    double lon0 = 0;  // the central meridian, when the CRS is a transverse Mercator known here
    bool known = true;
    recipe.crs_wkt.clear();
    if (options.epsg) {
        crs = geo::crs_from_epsg(options.epsg);
        recipe.crs_reason = options.epsg_reason;
    } else if (zones.size() > 1) {
        // Units across UTM zones (Vietnam: 48 and 49): no zone is valid for all of them, so a
        // transverse Mercator on the meridian (to 0.5°) halfway across their extent.
        lon0 = std::round(lonlat.min_x + lonlat.max_x) / 2;
        crs = geo::tm_crs_for(lon0);
        recipe.crs_wkt = crs.wkt;
        recipe.crs_reason = "a transverse Mercator with UTM's parameters on " +
                            format_fixed(lon0, 1) +
                            "°E, halfway across the units (no UTM zone holds them all)";
    } else {
        crs =
            geo::utm_crs_for((lonlat.min_x + lonlat.max_x) / 2, (lonlat.min_y + lonlat.max_y) / 2);
        recipe.crs_reason = "the WGS 84 UTM zone of the units' centre";
    }
    if (!crs.metric) throw InputError(crs.label() + " is not a metric CRS; give a projected one");
    recipe.epsg = crs.epsg;
    // How much one working CRS stretches each unit: the transverse Mercator point scale
    // k = k0 / sqrt(1 - (cos φ sin Δλ)²) at the unit's centre (spherical; lengths scale by k,
    // areas by k²). Known for WGS 84 UTM north (EPSG:326zz), VN-2000 / UTM 48N, 49N and the
    // transverse Mercator above.
    if (recipe.crs_wkt.empty()) {  // else lon0 is set above
        if (crs.epsg > 32600 && crs.epsg <= 32660)
            lon0 = -183 + 6.0 * (crs.epsg - 32600);
        else if (crs.epsg == 3405)
            lon0 = 105;
        else if (crs.epsg == 3406)
            lon0 = 111;
        else
            known = false;
    }
    if (known) {
        constexpr double kDeg = 3.14159265358979323846 / 180;
        double worst = 0;
        std::string worst_unit;
        for (const auto& u : units) {
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

void nest_in_outlines(Recipe& recipe, const NestOptions& options) {
    const auto cw =
        units::load_crosswalk(options.crosswalk, options.from_period, options.to_period);
    // The real units the crosswalk names, read and projected into the recipe's CRS as
    // `--communes-from` reads them.
    OutlineOptions read{
        options.layer, "", recipe.epsg, "the recipe's epsg (units nested in real ones)", {}};
    for (const auto& l : cw.links) read.codes.insert(l.to.code);
    Recipe real = recipe;
    add_outlines(real, options.outlines, read);
    std::map<std::string, std::size_t> unit_of;
    for (std::size_t u = 0; u < real.commune_list.size(); ++u)
        unit_of[real.commune_list[u].code] = u;

    // Each commune goes whole into one real unit; the communes of a unit in recipe order.
    std::map<std::size_t, std::vector<std::size_t>> parts;  // real unit → recipe communes
    for (std::size_t i = 0; i < recipe.commune_list.size(); ++i) {
        const auto& c = recipe.commune_list[i];
        const std::string unit =
            c.code + " '" + c.name + "' (" + options.from_period + ") in " + options.crosswalk;
        const auto* links = cw.links_from({c.code, options.from_period});
        if (!links) {
            throw InputError("commune " + unit + ": no row sends it to a unit of " +
                             options.to_period + "; add the row (from_code " + c.code +
                             ") to the crosswalk");
        }
        const auto& link = cw.links[links->front()];
        if (links->size() != 1 || !link.full) {
            throw InputError("commune " + unit + ": it was split (" + link.where +
                             "); a nested commune must go whole into one unit (part full)");
        }
        const auto u = unit_of.find(link.to.code);
        if (u == unit_of.end()) {
            throw InputError("commune " + unit + ": its unit " + units::label(link.to) +
                             " is not in " + options.outlines +
                             "; give the outlines file that holds it");
        }
        parts[u->second].push_back(i);
    }

    // Target areas: a kept area stays; the others share what is left in proportion to theirs.
    for (const auto& [u, members] : parts) {
        const auto& host = real.commune_list[u];
        const double whole = host.area_km2;
        double kept = 0, scaled = 0;
        for (const auto i : members) {
            const auto& c = recipe.commune_list[i];
            const double a = c.area_km2 > 0 ? c.area_km2 : recipe.mean_commune_area_km2;
            (c.area_kept ? kept : scaled) += a;
        }
        const std::string where = "unit " + host.code + " '" + host.name + "' (" +
                                  options.to_period + ") in " + options.outlines;
        if (kept >= whole || (scaled == 0 && kept != whole)) {
            throw InputError(where + ": the kept areas of its communes (" + format_fixed(kept, 2) +
                             " km²) leave nothing for the others in its " + format_fixed(whole, 2) +
                             " km²; drop area_kept from one of them");
        }
        const double factor = scaled > 0 ? (whole - kept) / scaled : 0;
        std::vector<double> targets;
        for (const auto i : members) {
            const auto& c = recipe.commune_list[i];
            const double a = c.area_km2 > 0 ? c.area_km2 : recipe.mean_commune_area_km2;
            targets.push_back(c.area_kept ? a : a * factor);
        }
        auto pieces = geo::partition_by_area(host.outline, targets);
        for (std::size_t k = 0; k < members.size(); ++k) {
            auto& c = recipe.commune_list[members[k]];
            if (is_empty(pieces[k]))
                throw InputError(where + ": commune " + c.code + " '" + c.name +
                                 "' got no polygon when the unit was split; check its area_km2");
            c.outline = std::move(pieces[k]);
            c.area_km2 = area(c.outline) / 1e6;
        }
    }
    recipe.crs_reason = real.crs_reason;
    recipe.outlines_source = options.outlines + ", split by " + options.crosswalk;
}

}  // namespace ntm::synth
