#pragma once
// Real commune outlines for `ntmsim generate --communes-from FILE`: a communes layer (code, name,
// kind, and optionally province, group) read with GDAL, projected into one metric CRS, checked,
// and put into a recipe's commune list, so the generator draws its assets inside real polygons.
// Thread contract: call from one thread.
#include <string>

#include "synth/recipe.h"

namespace ntm::synth {

struct OutlineOptions {
    std::string layer;          // empty: "communes", else the first layer
    std::string province_code;  // keep only units whose province_code is this; empty: all
    int epsg = 0;               // the working CRS; 0: the WGS 84 UTM zone of the units' centre
};

// Replaces recipe.commune_list with the file's units (in the file's order), each with its outline,
// area, kind (wards → township: urban, not assessed), province and commune group; sets the
// recipe's EPSG and the reason for it. Throws InputError naming the file, layer, feature and unit
// for an invalid or empty polygon, a missing code or a code used twice.
void add_outlines(Recipe& recipe, const std::string& path, const OutlineOptions& options);

}  // namespace ntm::synth
