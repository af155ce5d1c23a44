#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/error.h"
#include "core/output.h"
#include "core/progress.h"
#include "io/write.h"
#include "synth/generate.h"
#include "synth/outlines.h"
#include "synth/recipe.h"

namespace po = boost::program_options;

namespace ntm::cli {

int cmd_generate(const Args& args) {
    po::options_description opts(
        "ntmsim generate --communes N --seed S -o OUT.gpkg\n"
        "ntmsim generate --recipe RECIPE.yaml -o OUT.gpkg\n"
        "ntmsim generate --communes-from UNITS.gpkg [--recipe RECIPE.yaml] -o OUT.gpkg\n\n"
        "Writes a synthetic study area: irregular communes that tile the area, a connected road\n"
        "network of every class, canals branching from main to field canals with farmland along\n"
        "them, schools and facilities near settlements, and a status table. The same recipe and\n"
        "seed give the same bytes on any number of threads.\n\n"
        "With --communes-from, the communes are the real units of a file (fields code, name, and\n"
        "optionally kind: commune / ward / special_zone, province, province_code, group), and the\n"
        "assets are drawn inside their polygons, sized from each unit's area; wards are kept as\n"
        "urban units, not assessed. The rest of the recipe (default: the built-in one) "
        "applies.\n\nOptions");
    std::string recipe_path, output, format = "gpkg", communes_from, layer, province;
    int epsg = 0;
    int communes = 0, threads = 0;
    unsigned long long seed = 1;
    opts.add_options()("help,h", "show this help")("communes", po::value(&communes),
                                                   "number of communes (about 15 km² each)")(
        "seed", po::value(&seed), "random seed (default 1); with --recipe, overrides its seed")(
        "recipe", po::value(&recipe_path), "a recipe file, e.g. datasets/canloc/recipe.yaml")(
        "communes-from", po::value(&communes_from), "real unit outlines (any OGR vector file)")(
        "layer", po::value(&layer),
        "with --communes-from: the layer (default: communes, else the first)")(
        "province", po::value(&province),
        "with --communes-from: keep the units with this province_code")(
        "epsg", po::value(&epsg),
        "with --communes-from: the working CRS (default: the UTM zone of the centre)")(
        "output,o", po::value(&output), "output GeoPackage (or folder, with --format)")(
        "format", po::value(&format), "gpkg (default), shp, geojson, fgb or csv")(
        "overwrite", "replace an existing output")("threads", po::value(&threads),
                                                   "threads to use (default: all cores)");
    po::variables_map vm;
    if (!parse_args(args, opts, "", nullptr, 0, vm)) return kExitOk;
    if (output.empty()) throw UsageError("give the output: -o OUT.gpkg");
    if (recipe_path.empty() && communes <= 0 && communes_from.empty()) {
        throw UsageError(
            "give --communes N (a positive number), --recipe FILE or --communes-from FILE");
    }
    if (!communes_from.empty() && communes > 0) {
        throw UsageError(
            "--communes and --communes-from do not go together: the file lists the communes");
    }
    if (communes_from.empty() && (!layer.empty() || !province.empty() || epsg))
        throw UsageError("--layer, --province and --epsg go with --communes-from");
    if (!recipe_path.empty() && communes > 0) {
        throw UsageError(
            "--communes and --recipe do not go together: the recipe lists its communes");
    }
    set_threads(threads);
    const auto fmt = io::parse_area_format(format);
    if (!recipe_path.empty()) check_output_apart(output, {recipe_path});
    const OutputReservation reserved(
        output, fmt == io::AreaFormat::GeoPackage ? OutputKind::File : OutputKind::Folder,
        vm.count("overwrite") > 0);

    synth::Recipe recipe = recipe_path.empty()
                               ? synth::default_recipe(communes, seed)
                               : synth::load_recipe(recipe_path, !communes_from.empty());
    if (!recipe_path.empty() && vm.count("seed")) recipe.seed = seed;
    if (!communes_from.empty()) {
        synth::OutlineOptions options;
        options.layer = layer;
        options.province_code = province;
        options.epsg = epsg;
        synth::add_outlines(recipe, communes_from, options);
        synth::check_recipe(recipe, communes_from);
    }
    if (!recipe.outlines_source.empty())
        std::printf("working CRS %s: %s\n", synth::working_crs(recipe).label().c_str(),
                    recipe.crs_reason.c_str());

    const auto t0 = std::chrono::steady_clock::now();
    const StudyArea area = synth::generate(recipe);
    const auto t1 = std::chrono::steady_clock::now();
    io::write_study_area(area, output, fmt, vm.count("overwrite") > 0);
    const auto t2 = std::chrono::steady_clock::now();
    auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
    std::printf(
        "%s: %zu communes, %zu road segments, %zu canal segments, %zu farmland parcels, "
        "%zu schools, %zu facilities, %zu status rows (generated in %.1f s, written in "
        "%.1f s)\n",
        output.c_str(), area.communes.size(), area.roads.size(), area.canals.size(),
        area.farmland.size(), area.schools.size(), area.facilities.size(), area.status.size(),
        secs(t0, t1), secs(t1, t2));
    return kExitOk;
}

}  // namespace ntm::cli
