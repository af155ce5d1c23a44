#pragma once
// Real commune outlines for `ntmsim generate --communes-from FILE`: a communes layer (code, name,
// kind, and optionally province, group) read with GDAL, projected into one metric CRS, checked,
// and put into a recipe's commune list, so the generator draws its assets inside real polygons.
// Thread contract: call from one thread.
#include <set>
#include <string>

#include "synth/recipe.h"

namespace ntm::synth {

struct OutlineOptions {
    std::string layer;          // empty: "communes", else the first layer
    std::string province_code;  // keep only units whose province_code is this; empty: all
    int epsg = 0;               // the working CRS; 0: the WGS 84 UTM zone of the units' centre
    std::string epsg_reason = "given with --epsg";  // why `epsg`, when it is given
    std::set<std::string> codes;                    // keep only these units; empty: all
};

// Replaces recipe.commune_list with the file's units (in the file's order), each with its outline,
// area, kind (wards → township: urban, not assessed), province and commune group; sets the
// recipe's EPSG and the reason for it. Throws InputError naming the file, layer, feature and unit
// for an invalid or empty polygon, a missing code or a code used twice.
void add_outlines(Recipe& recipe, const std::string& path, const OutlineOptions& options);

}  // namespace ntm::synth

namespace ntm::synth {

// Nesting a recipe's own communes (of an earlier period) inside the real units they became: each
// real unit of the outlines file is split into the recipe communes the crosswalk sends to it, in
// recipe order, with areas in proportion to their area_km2 (a commune marked area_kept keeps its
// own; the others share what is left), by partition_by_area's straight cuts, so the parts of a
// real unit tile it exactly. The recipe keeps its epsg.
struct NestOptions {
    std::string outlines;   // the later period's units (code, name; any OGR vector file)
    std::string layer;      // empty: "communes", else the first layer
    std::string crosswalk;  // from the recipe's communes to the file's units (units/crosswalk.h)
    std::string from_period, to_period;
};

// Gives every commune of recipe.commune_list its outline and area. Throws InputError naming the
// commune, period and file for a commune the crosswalk does not send to exactly one unit as a
// whole (full), or a unit the outlines file does not hold.
void nest_in_outlines(Recipe& recipe, const NestOptions& options);

}  // namespace ntm::synth
