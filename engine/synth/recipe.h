#pragma once
// A recipe: everything that defines a synthetic study area. generate() turns a recipe into the
// same bytes every time, so a recipe file plus its seed is the whole provenance of a dataset.
// Thread contract: a Recipe is a plain value; any number of threads may read one.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/geometry.h"
#include "geo/crs.h"
#include "model/enums.h"

namespace ntm::synth {

// Hà Tĩnh's set has 20 criteria (the national 19 plus "model residential areas"); index 0 unused.
inline constexpr int kCriteriaCount = 20;
using CriteriaMet = std::array<bool, kCriteriaCount + 1>;

// A closed interval to draw a value from, uniformly.
struct Range {
    double low = 0;
    double high = 0;
};

// One commune (or township) the recipe names explicitly.
struct CommuneSpec {
    std::string code;  // stable id; empty: made from the commune's position
    std::string name;
    CommuneKind kind = CommuneKind::Commune;
    long long population = 0;  // 0: area × density
    double area_km2 = 0;       // target natural area; 0: the recipe's mean commune area
    // Nested in a real unit (recipe nest_in): keep area_km2 (a real figure) rather than scale it
    // with the unit's other parts.
    bool area_kept = false;
    // Criteria met in the status year; none: drawn from criteria_met_probability.
    std::optional<CriteriaMet> met;
    // A real unit (generate --communes-from): its outline in the recipe's CRS, which then replaces
    // the synthetic district; empty for a synthetic commune.
    MultiPolygon outline;
    std::string province;  // empty: the recipe's
    CommuneGroup group = CommuneGroup::Group2;
};

// A status-table indicator: either a met flag, or a value drawn from the met or not-met range.
// The ranges sit clearly on either side of every criteria set's threshold, so a later criteria
// set cannot flip a designed verdict.
struct StatusIndicator {
    std::string id;     // "17.1"
    int criterion = 0;  // 17
    bool valued = false;
    Range met;
    Range not_met;
    int decimals = 3;  // values are rounded, so a written file reads cleanly
};

// Hardened (asphalt or concrete) length share by road class, for one verdict of criterion 2.
struct TransportShares {
    Range village_axis;
    Range alley;
    Range field;
};

struct Recipe {
    std::string name = "synthetic";
    std::uint64_t seed = 1;

    // Either `communes` generated ones, or the explicit list (which then wins).
    int communes = 0;
    std::vector<CommuneSpec> commune_list;

    std::string district = "Huyện Tổng hợp";
    std::string province = "Tỉnh Tổng hợp";
    Region region = Region::BTB;
    int epsg = 3405;  // VN-2000 / UTM zone 48N
    // A working CRS without an EPSG code (WKT), chosen for real outlines across UTM zones; when
    // set it replaces `epsg`.
    std::string crs_wkt;
    // Where real outlines came from (generate --communes-from), for the area's source; empty when
    // the communes are synthetic.
    std::string outlines_source;
    std::string crs_reason;  // why `epsg`, when it was chosen from real outlines
    double centre_lon = 105.73;
    double centre_lat = 18.43;

    // Layout: communes are unions of small "hamlet cells" that tile the district exactly. With real
    // outlines, the per-commune road and canal lengths below are for a unit of this area and
    // scale with each unit's own area.
    double mean_commune_area_km2 = 15;
    double hamlet_cell_km2 = 0.25;
    double village_cell_share = 0.15;  // cells that are settlements (thôn, xóm)
    double other_cell_share = 0.04;    // cells that are neither village nor farmland (ponds, hills)
    double population_density = 450;   // persons per km² when a commune gives no population
    double persons_per_household = 3.8;

    // Roads: about this many km per commune, cut into pieces of about piece_m.
    double road_km_per_commune = 40;
    double road_piece_m = 400;
    double alley_share = 0.2;       // of the road km, as spurs around villages
    double extra_link_share = 0.3;  // commune links beyond a spanning tree
    TransportShares transport_met{{0.88, 1.0}, {0.68, 0.90}, {0.68, 0.90}};
    TransportShares transport_not_met{{0.35, 0.55}, {0.20, 0.40}, {0.20, 0.40}};

    // Canals: about this many km per commune; a level-1 main about every main_spacing_km.
    double canal_km_per_commune = 10;
    double main_spacing_km = 10;
    double main_lined_share = 0.3;
    // Farmland on each side served by a lined canal, by level (1, 2, 3, field). With ~10 km of
    // canal per ~15 km² commune, canals run 1.5–2 km apart, so each must serve most of a
    // kilometre on either side for a commune to reach 80% (indicator 3.1) at all. Mains serve
    // nothing directly, so a main crossing many communes cannot decide their verdicts.
    std::array<double, 4> service_width_m = {0, 1000, 950, 900};
    // Share of farmland within the service width of lined canals (indicator 3.1).
    Range irrigation_met{0.88, 0.97};
    Range irrigation_not_met{0.35, 0.65};

    double schools_per_commune = 3.3;

    int status_year = 2017;
    std::vector<StatusIndicator> status_indicators;
    // Chance that a commune with no explicit `met` list meets each criterion (index 1..20).
    std::array<double, kCriteriaCount + 1> criteria_met_probability{};
};

// The built-in status indicators with their met / not-met value ranges.
std::vector<StatusIndicator> default_status_indicators();

// The recipe behind `ntmsim generate --communes N --seed S`.
Recipe default_recipe(int communes, std::uint64_t seed);

// The recipe's working CRS: crs_wkt when set, else EPSG:epsg.
geo::Crs working_crs(const Recipe& recipe);

// Reads a recipe YAML file. Unknown keys and wrong types are errors (ConfigError naming the
// file, line and key), so a typo never silently falls back to a default.
// `outlines_follow`: the communes come later (generate --communes-from), so a recipe without
// `communes` is not an error.
Recipe load_recipe(const std::string& path, bool outlines_follow = false);

// Throws ConfigError when the recipe cannot be generated (no communes, bad ranges…).
void check_recipe(const Recipe& recipe, const std::string& where);

}  // namespace ntm::synth
