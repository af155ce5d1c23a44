// ntmsim: the command-line program.
#include <omp.h>

#include <algorithm>
#include <boost/program_options/errors.hpp>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "cli/commands.h"
#include "core/error.h"

namespace {

const char* kUsage = R"(ntmsim: plan and simulate Vietnam's New Rural Development programme (NTM)

usage: ntmsim COMMAND [options]

commands:
  validate AREA [--repair] [--all]  check a study area; list every problem with its place
  info     AREA                     km of road and canal, ha of farmland, schools, facilities
                                    and population, per layer and per commune
  assess   AREA --criteria SET --year Y [-o OUT.gpkg]
                                    which criteria each commune meets, and what is missing
                                    in km, ha and schools
  simulate AREA SCENARIO.yaml... -o OUTDIR [--draws N] [--seed S]
                                    year-by-year Monte Carlo projection per scenario
  simulate AREA SCENARIO.yaml --trace COMMUNE [--draw K]
                                    one commune's story in one draw
  compare  OUTDIR/A OUTDIR/B ... -o CMPDIR [--target "communes at standard by 2019"]
                                    scenarios side by side, paired differences with intervals
  export   OUTDIR/S --format gpkg|geojson|shp|fgb|csv|xlsx|tif|kml|png|svg|html -o PATH
                                    results for GIS tools and people
  serve    OUTDIR [--port 8080] [--host 127.0.0.1]
                                    the viewer in a browser: maps, charts and comparisons
                                    of the results in OUTDIR
  plan     AREA SCENARIO.yaml -o PLANDIR [--objective min-cost|max-communes]
                                    the cheapest schedule of works (commune, year, work,
                                    source) that meets the scenario's targets, or the
                                    funding gap by source and year
  run      [-o out] [--study S]     the main job on the bundled Can Lộc data (or hatinh-2025): assess,
                                    simulate, compare and export into out/
  remap    INPUT... --crosswalk CW.csv --from P --to P -o OUTDIR
                                    move status tables, assessments and results from one
                                    period's units to another's (merged and split units)
  calibrate AREA SCENARIO.yaml --observed FILE.csv --fit KEY[=LOW:HIGH]... --until YEAR
                                    fit scenario parameters to observed progress; write a
                                    calibrated scenario
  backtest AREA SCENARIO.yaml --observed FILE.csv --train-until YEAR -o OUTDIR
                                    calibrate on the years up to YEAR, forecast the rest and
                                    score it against observed values and naive forecasts
  generate --communes N --seed S -o OUT.gpkg
  generate --recipe RECIPE.yaml -o OUT.gpkg
  generate --communes-from UNITS.gpkg -o OUT.gpkg
                                    a synthetic study area of any size

AREA is a GeoPackage, a folder of layer files (communes, roads, canals, farmland, schools,
facilities, status: any OGR format), or an area.yaml mapping your own layers and fields.

Run 'ntmsim COMMAND --help' for a command's options.
Exit codes: 0 fine, 1 problems in the input, 2 bad command line, 3 internal failure.
)";

}  // namespace

int main(int argc, char** argv) {
    using namespace ntm;
    const std::map<std::string, std::function<int(const cli::Args&)>> commands = {
        {"validate", cli::cmd_validate}, {"info", cli::cmd_info},
        {"generate", cli::cmd_generate}, {"assess", cli::cmd_assess},
        {"simulate", cli::cmd_simulate}, {"run", cli::cmd_run},
        {"remap", cli::cmd_remap},       {"compare", cli::cmd_compare},
        {"export", cli::cmd_export},     {"calibrate", cli::cmd_calibrate},
        {"backtest", cli::cmd_backtest}, {"serve", cli::cmd_serve},
        {"plan", cli::cmd_plan},
    };
    if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
        std::fputs(kUsage, argc < 2 ? stderr : stdout);
        return argc < 2 ? kExitUsage : kExitOk;
    }
    if (std::strcmp(argv[1], "--version") == 0) {
        std::puts("ntmsim 0.1.0");
        return kExitOk;
    }
    const auto it = commands.find(argv[1]);
    if (it == commands.end()) {
        std::fprintf(stderr, "ntmsim: unknown command '%s'\n\n%s", argv[1], kUsage);
        return kExitUsage;
    }
    cli::Args args(argv + 2, argv + argc);
    try {
        return it->second(args);
    } catch (const boost::program_options::error& e) {
        std::fprintf(stderr, "ntmsim %s: %s (see 'ntmsim %s --help')\n", argv[1], e.what(),
                     argv[1]);
        return kExitUsage;
    } catch (const Error& e) {
        std::fprintf(stderr, "ntmsim %s: error: %s\n", argv[1], e.what());
        switch (e.kind()) {
            case ErrorKind::Usage:
                return kExitUsage;
            case ErrorKind::Input:
            case ErrorKind::Config:
            case ErrorKind::Gdal:
                return kExitProblems;  // GDAL's errors are about the user's files
            default:
                return kExitInternal;
        }
    } catch (const std::filesystem::filesystem_error& e) {
        // A folder that cannot be read or written, a full disk, a loop of links: the user's to fix.
        std::fprintf(stderr, "ntmsim %s: error: %s%s%s: %s\n", argv[1], e.path1().string().c_str(),
                     e.path2().empty() ? "" : " → ", e.path2().string().c_str(),
                     e.code().message().c_str());
        return kExitProblems;
    } catch (const std::bad_alloc&) {
        std::fprintf(
            stderr,
            "ntmsim %s: error: not enough memory; use fewer draws, --summary-only, or more "
            "machines (MPI), see docs/limits.md\n",
            argv[1]);
        return kExitProblems;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ntmsim %s: internal error: %s\n", argv[1], e.what());
        return kExitInternal;
    }
}

namespace ntm::cli {
void set_threads(int threads) {
    // Far more threads than cores only costs memory (each has its own stack) and, past a few
    // thousand, crashes the OpenMP runtime: the bound is docs/limits.md's.
    const int most = std::max(64, 4 * omp_get_num_procs());
    if (threads < 0 || threads > most) {
        throw UsageError(
            "--threads " + std::to_string(threads) + ": give 1 to " + std::to_string(most) +
            " (4 per core on this machine, at least 64), or leave it out to use every core");
    }
    if (threads > 0) omp_set_num_threads(threads);
}
}  // namespace ntm::cli
