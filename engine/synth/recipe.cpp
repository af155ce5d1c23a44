#include "synth/recipe.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "core/error.h"
#include "core/text.h"
#include "core/yaml_reader.h"
#include "synth/outlines.h"

namespace fs = std::filesystem;

namespace ntm::synth {

std::vector<StatusIndicator> default_status_indicators() {
    // Values sit clearly on their side of every criteria set's threshold (DOMAIN.md §2): e.g.
    // income met 38–48 M VND is above even the 2020 BTB threshold of 36.
    auto flag = [](std::string id, int criterion) {
        StatusIndicator s;
        s.id = std::move(id);
        s.criterion = criterion;
        return s;
    };
    auto value = [](std::string id, int criterion, Range met, Range not_met, int decimals = 3) {
        StatusIndicator s;
        s.id = std::move(id);
        s.criterion = criterion;
        s.valued = true;
        s.met = met;
        s.not_met = not_met;
        s.decimals = decimals;
        return s;
    };
    return {
        flag("1", 1),
        flag("3.2", 3),
        flag("4.1", 4),
        value("4.2", 4, {0.985, 1.0}, {0.90, 0.96}),
        flag("8", 8),
        flag("9.1", 9),
        value("9.2", 9, {0.82, 0.95}, {0.55, 0.75}),
        value("10", 10, {38, 48}, {18, 26}, 1),
        value("11", 11, {0.01, 0.04}, {0.07, 0.14}),
        value("12", 12, {0.92, 0.97}, {0.80, 0.87}),
        flag("13", 13),
        flag("14.1", 14),
        value("14.2", 14, {0.88, 0.97}, {0.70, 0.80}),
        value("14.3", 14, {0.42, 0.60}, {0.25, 0.36}),
        value("15.1", 15, {0.86, 0.95}, {0.60, 0.80}),
        flag("15.2", 15),
        value("15.3", 15, {0.08, 0.20}, {0.26, 0.35}),
        value("16", 16, {0.72, 0.95}, {0.40, 0.65}),
        value("17.1", 17, {0.985, 1.0}, {0.85, 0.95}),
        flag("17.2", 17),
        flag("17.3", 17),
        flag("17.4", 17),
        flag("17.5", 17),
        value("17.6", 17, {0.86, 0.95}, {0.55, 0.80}),
        flag("17.7", 17),
        value("17.8", 17, {1.0, 1.0}, {0.80, 0.95}),
        flag("18", 18),
        flag("19", 19),
        flag("20", 20),
    };
}

Recipe default_recipe(int communes, std::uint64_t seed) {
    Recipe r;
    r.name = "synthetic-" + std::to_string(communes) + "-" + std::to_string(seed);
    r.communes = communes;
    r.seed = seed;
    r.status_indicators = default_status_indicators();
    // Rough shares of communes meeting each criterion mid-programme: the hard criteria
    // (2, 3, 5, 6, 13, 17) are met least often.
    r.criteria_met_probability = {0,    0.90, 0.45, 0.50, 0.90, 0.50, 0.45, 0.60, 0.90, 0.70, 0.60,
                                  0.65, 0.85, 0.45, 0.80, 0.75, 0.75, 0.50, 0.85, 0.90, 0.50};
    return r;
}

namespace {

// Reads one YAML file, with every complaint naming the file, the line and the dotted key.
class Reader : public yaml::Reader {
 public:
    using yaml::Reader::Reader;

    double share(const YAML::Node& n, const std::string& key) const {
        const double v = number(n, key);
        if (v < 0 || v > 1) fail(n, key, "expected a share between 0 and 1, got " + n.Scalar());
        return v;
    }
    double positive(const YAML::Node& n, const std::string& key) const {
        const double v = number(n, key);
        if (v <= 0) fail(n, key, "expected a number above 0, got " + n.Scalar());
        return v;
    }
    long long integer(const YAML::Node& n, const std::string& key) const {
        if (!n.IsScalar()) fail(n, key, "expected a whole number");
        const auto v = parse_int(n.Scalar());
        if (!v) fail(n, key, "expected a whole number, got '" + n.Scalar() + "'");
        return *v;
    }
    Range range(const YAML::Node& n, const std::string& key) const {
        if (!n.IsSequence() || n.size() != 2)
            fail(n, key, "expected a range [low, high], e.g. [0.88, 0.97]");
        Range r{number(n[0], key), number(n[1], key)};
        if (r.low > r.high) fail(n, key, "the range's low value is above its high value");
        return r;
    }
    template <typename E>
    E choice(const YAML::Node& n, const std::string& key) const {
        const auto v = parse_enum<E>(text(n, key));
        if (!v)
            fail(n, key,
                 "unknown value '" + n.Scalar() + "'; expected one of: " + enum_choices<E>());
        return *v;
    }
    CriteriaMet criteria(const YAML::Node& n, const std::string& key) const {
        CriteriaMet met{};
        if (n.IsScalar() && (n.Scalar() == "all" || n.Scalar() == "none")) {
            const bool all = n.Scalar() == "all";
            for (int c = 1; c <= kCriteriaCount; ++c) met[c] = all;
            return met;
        }
        if (!n.IsSequence())
            fail(n, key,
                 "expected a list of criterion numbers 1–20 (e.g. [1, 4, 8]), 'all' or 'none'");
        for (const auto& item : n) {
            const long long c = integer(item, key);
            if (c < 1 || c > kCriteriaCount)
                fail(item, key, "criterion " + std::to_string(c) + " is not between 1 and 20");
            if (met[c]) fail(item, key, "criterion " + std::to_string(c) + " is listed twice");
            met[c] = true;
        }
        return met;
    }
};

void read_transport(const Reader& in, const YAML::Node& n, const std::string& key,
                    TransportShares& out) {
    in.keys(n, key, {"village_axis", "alley", "field"});
    if (n["village_axis"]) out.village_axis = in.range(n["village_axis"], key + ".village_axis");
    if (n["alley"]) out.alley = in.range(n["alley"], key + ".alley");
    if (n["field"]) out.field = in.range(n["field"], key + ".field");
}

CommuneSpec read_commune(const Reader& in, const YAML::Node& n, const std::string& key) {
    in.keys(n, key, {"code", "name", "kind", "population", "area_km2", "area_kept", "met"});
    CommuneSpec c;
    if (!n["name"]) in.fail(n, key, "a commune needs a name");
    c.name = in.text(n["name"], key + ".name");
    if (n["code"]) c.code = in.text(n["code"], key + ".code");
    if (n["kind"]) c.kind = in.choice<CommuneKind>(n["kind"], key + ".kind");
    if (n["population"]) {
        c.population = in.integer(n["population"], key + ".population");
        if (c.population < 0) in.fail(n["population"], key + ".population", "must not be negative");
    }
    if (n["area_km2"]) c.area_km2 = in.positive(n["area_km2"], key + ".area_km2");
    if (n["area_kept"]) {
        const auto v = in.text(n["area_kept"], key + ".area_kept");
        if (v != "true" && v != "false")
            in.fail(n["area_kept"], key + ".area_kept", "expected true or false");
        c.area_kept = v == "true";
    }
    if (n["met"]) c.met = in.criteria(n["met"], key + ".met");
    return c;
}

}  // namespace

void check_recipe(const Recipe& r, const std::string& where) {
    auto bad = [&](const std::string& what) { throw ConfigError(where + ": " + what); };
    if (r.commune_list.empty() && r.communes <= 0)
        bad("the recipe has no communes; give 'communes: N' or a list of communes");
    if (r.commune_list.empty() && r.communes > 1'000'000)
        bad("more than 1,000,000 communes is beyond what the generator is meant for");
    if (r.hamlet_cell_km2 * 4 > r.mean_commune_area_km2)
        bad("layout.hamlet_cell_km2 must be at most a quarter of the mean commune area");
    if (r.village_cell_share + r.other_cell_share >= 0.9)
        bad("village and other cell shares leave no room for farmland");
    std::set<std::string> codes;
    for (const auto& c : r.commune_list) {
        if (!c.code.empty() && !codes.insert(c.code).second)
            bad("commune code '" + c.code + "' is used twice; codes must be unique");
    }
    for (const auto& s : r.status_indicators)
        if (s.criterion < 1 || s.criterion > kCriteriaCount)
            bad("status indicator '" + s.id + "' belongs to no criterion 1–20");
}

geo::Crs working_crs(const Recipe& recipe) {
    return recipe.crs_wkt.empty() ? geo::crs_from_epsg(recipe.epsg)
                                  : geo::crs_from_user_input(recipe.crs_wkt, recipe.name);
}

namespace {

Recipe read_recipe(const std::string& path, const YAML::Node& root, bool outlines_follow) {
    const Reader in(path);
    Recipe r = default_recipe(0, 1);
    r.name = "recipe";
    in.keys(root, "",
            {"name", "seed", "communes", "district", "province", "region", "epsg", "centre",
             "layout", "population", "roads", "transport", "canals", "irrigation", "schools",
             "status", "criteria_met_probability", "communes_from", "nest_in"});
    if (root["name"]) r.name = in.text(root["name"], "name");
    if (root["seed"]) {
        const long long seed = in.integer(root["seed"], "seed");
        if (seed < 0) in.fail(root["seed"], "seed", "expected a whole number ≥ 0");
        r.seed = static_cast<std::uint64_t>(seed);
    }
    if (const auto n = root["communes"]) {
        if (n.IsSequence()) {
            int i = 0;
            for (const auto& item : n)
                r.commune_list.push_back(
                    read_commune(in, item, "communes[" + std::to_string(i++) + "]"));
        } else {
            const long long count = in.integer(n, "communes");
            if (count <= 0)
                in.fail(n, "communes", "expected a number of communes above 0, or a list");
            r.communes = static_cast<int>(count);
        }
    }
    if (root["district"]) r.district = in.text(root["district"], "district");
    if (root["province"]) r.province = in.text(root["province"], "province");
    if (root["region"]) r.region = in.choice<Region>(root["region"], "region");
    if (root["epsg"]) r.epsg = static_cast<int>(in.integer(root["epsg"], "epsg"));
    if (const auto n = root["centre"]) {
        in.keys(n, "centre", {"lon", "lat"});
        if (n["lon"]) r.centre_lon = in.number(n["lon"], "centre.lon");
        if (n["lat"]) r.centre_lat = in.number(n["lat"], "centre.lat");
    }
    if (const auto n = root["layout"]) {
        in.keys(
            n, "layout",
            {"mean_commune_area_km2", "hamlet_cell_km2", "village_cell_share", "other_cell_share"});
        if (n["mean_commune_area_km2"])
            r.mean_commune_area_km2 =
                in.positive(n["mean_commune_area_km2"], "layout.mean_commune_area_km2");
        if (n["hamlet_cell_km2"])
            r.hamlet_cell_km2 = in.positive(n["hamlet_cell_km2"], "layout.hamlet_cell_km2");
        if (n["village_cell_share"])
            r.village_cell_share = in.share(n["village_cell_share"], "layout.village_cell_share");
        if (n["other_cell_share"])
            r.other_cell_share = in.share(n["other_cell_share"], "layout.other_cell_share");
    }
    if (const auto n = root["population"]) {
        in.keys(n, "population", {"density_per_km2", "persons_per_household"});
        if (n["density_per_km2"])
            r.population_density = in.positive(n["density_per_km2"], "population.density_per_km2");
        if (n["persons_per_household"])
            r.persons_per_household =
                in.positive(n["persons_per_household"], "population.persons_per_household");
    }
    if (const auto n = root["roads"]) {
        in.keys(n, "roads", {"km_per_commune", "piece_m", "alley_share", "extra_link_share"});
        if (n["km_per_commune"])
            r.road_km_per_commune = in.positive(n["km_per_commune"], "roads.km_per_commune");
        if (n["piece_m"]) r.road_piece_m = in.positive(n["piece_m"], "roads.piece_m");
        if (n["alley_share"]) r.alley_share = in.share(n["alley_share"], "roads.alley_share");
        if (n["extra_link_share"])
            r.extra_link_share = in.share(n["extra_link_share"], "roads.extra_link_share");
    }
    if (const auto n = root["transport"]) {
        in.keys(n, "transport", {"met", "not_met"});
        if (n["met"]) read_transport(in, n["met"], "transport.met", r.transport_met);
        if (n["not_met"])
            read_transport(in, n["not_met"], "transport.not_met", r.transport_not_met);
    }
    if (const auto n = root["canals"]) {
        in.keys(n, "canals",
                {"km_per_commune", "main_spacing_km", "main_lined_share", "service_width_m"});
        if (n["km_per_commune"])
            r.canal_km_per_commune = in.positive(n["km_per_commune"], "canals.km_per_commune");
        if (n["main_spacing_km"])
            r.main_spacing_km = in.positive(n["main_spacing_km"], "canals.main_spacing_km");
        if (n["main_lined_share"])
            r.main_lined_share = in.share(n["main_lined_share"], "canals.main_lined_share");
        if (const auto w = n["service_width_m"]) {
            in.keys(w, "canals.service_width_m", {"level_1", "level_2", "level_3", "field"});
            const char* keys[] = {"level_1", "level_2", "level_3", "field"};
            for (int i = 0; i < 4; ++i) {
                if (!w[keys[i]]) continue;
                const std::string key = std::string("canals.service_width_m.") + keys[i];
                const double v = in.number(w[keys[i]], key);
                if (v < 0) in.fail(w[keys[i]], key, "a service width must not be negative");
                r.service_width_m[static_cast<std::size_t>(i)] = v;
            }
        }
    }
    if (const auto n = root["irrigation"]) {
        in.keys(n, "irrigation", {"met", "not_met"});
        if (n["met"]) r.irrigation_met = in.range(n["met"], "irrigation.met");
        if (n["not_met"]) r.irrigation_not_met = in.range(n["not_met"], "irrigation.not_met");
    }
    if (const auto n = root["schools"]) {
        in.keys(n, "schools", {"per_commune"});
        if (n["per_commune"]) {
            r.schools_per_commune = in.number(n["per_commune"], "schools.per_commune");
            if (r.schools_per_commune < 3 || r.schools_per_commune > 6)
                in.fail(n["per_commune"], "schools.per_commune",
                        "expected 3 to 6 (one school of each level, plus extra ones)");
        }
    }
    if (const auto n = root["status"]) {
        in.keys(n, "status", {"year", "indicators"});
        if (n["year"]) r.status_year = static_cast<int>(in.integer(n["year"], "status.year"));
        if (const auto list = n["indicators"]) {
            if (!list.IsSequence())
                in.fail(list, "status.indicators", "expected a list of indicators");
            r.status_indicators.clear();
            int i = 0;
            for (const auto& item : list) {
                const std::string key = "status.indicators[" + std::to_string(i++) + "]";
                in.keys(item, key, {"id", "criterion", "met", "not_met", "decimals"});
                StatusIndicator s;
                if (!item["id"]) in.fail(item, key, "an indicator needs an id, e.g. id: \"10\"");
                s.id = in.text(item["id"], key + ".id");
                // The criterion defaults to the id's first number: "17.1" → 17.
                const auto head = parse_int(split(s.id, '.').front());
                s.criterion =
                    item["criterion"]
                        ? static_cast<int>(in.integer(item["criterion"], key + ".criterion"))
                        : static_cast<int>(head.value_or(0));
                if (s.criterion < 1 || s.criterion > kCriteriaCount)
                    in.fail(item, key + ".criterion", "expected a criterion between 1 and 20");
                if (item["met"] || item["not_met"]) {
                    if (!item["met"] || !item["not_met"])
                        in.fail(item, key,
                                "a valued indicator needs both 'met' and 'not_met' ranges");
                    s.valued = true;
                    s.met = in.range(item["met"], key + ".met");
                    s.not_met = in.range(item["not_met"], key + ".not_met");
                }
                if (item["decimals"])
                    s.decimals = static_cast<int>(in.integer(item["decimals"], key + ".decimals"));
                r.status_indicators.push_back(std::move(s));
            }
        }
    }
    if (const auto n = root["criteria_met_probability"]) {
        if (!n.IsMap())
            in.fail(n, "criteria_met_probability", "expected a mapping like {\"2\": 0.45}");
        for (const auto& [name, value] : in.entries(n, "criteria_met_probability")) {
            const std::string key = "criteria_met_probability." + name;
            const auto c = parse_int(name);
            if (!c || *c < 1 || *c > kCriteriaCount)
                in.fail(value, key, "unknown key; expected a criterion number 1–20");
            r.criteria_met_probability[static_cast<std::size_t>(*c)] = in.share(value, key);
        }
    }
    if (const auto n = root["communes_from"]) {
        // Real outlines: a file (relative to the recipe) whose units replace `communes`.
        in.keys(n, "communes_from", {"file", "layer", "province_code", "epsg"});
        if (!n["file"])
            in.fail(n, "communes_from", "give the outlines' file: communes_from: {file: …}");
        if (root["communes"])
            in.fail(n, "communes_from", "give either communes or communes_from, not both");
        OutlineOptions o;
        if (n["layer"]) o.layer = in.text(n["layer"], "communes_from.layer");
        if (n["province_code"])
            o.province_code = in.text(n["province_code"], "communes_from.province_code");
        if (n["epsg"]) o.epsg = static_cast<int>(in.integer(n["epsg"], "communes_from.epsg"));
        const fs::path file =
            fs::path(path).parent_path() / in.text(n["file"], "communes_from.file");
        add_outlines(r, file.lexically_normal().string(), o);
    }
    if (const auto n = root["nest_in"]) {
        // Real outlines of a later period, split into the recipe's own communes (outlines.h).
        in.keys(n, "nest_in", {"file", "layer", "crosswalk", "from", "to"});
        for (const char* needed : {"file", "crosswalk", "from", "to"})
            if (!n[needed])
                in.fail(n, "nest_in",
                        std::string("give '") + needed +
                            "': nest_in: {file: UNITS.gpkg, crosswalk: CW.csv, from: 2017, to: "
                            "2025}");
        if (!root["communes"] || !root["communes"].IsSequence())
            in.fail(n, "nest_in",
                    "nest_in splits real units into the recipe's list of communes; "
                    "give that list as communes: [...]");
        if (root["communes_from"])
            in.fail(n, "nest_in", "give either communes_from or nest_in, not both");
        const fs::path dir = fs::path(path).parent_path();
        NestOptions o;
        o.outlines = (dir / in.text(n["file"], "nest_in.file")).lexically_normal().string();
        o.crosswalk =
            (dir / in.text(n["crosswalk"], "nest_in.crosswalk")).lexically_normal().string();
        if (n["layer"]) o.layer = in.text(n["layer"], "nest_in.layer");
        o.from_period = in.text(n["from"], "nest_in.from");
        o.to_period = in.text(n["to"], "nest_in.to");
        nest_in_outlines(r, o);
    }
    if (!outlines_follow) check_recipe(r, path);
    return r;
}

}  // namespace

Recipe load_recipe(const std::string& path, bool outlines_follow) {
    const YAML::Node root = yaml::load_file(path, "recipe file");
    return yaml::guarded(path, [&] { return read_recipe(path, root, outlines_follow); });
}

}  // namespace ntm::synth
