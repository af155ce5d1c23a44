#include <boost/program_options.hpp>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/error.h"
#include "core/text.h"
#include "io/load.h"
#include "io/write.h"

namespace po = boost::program_options;

namespace ntm::cli {

namespace {
void print_report(const io::LoadResult& r) {
    const auto& a = r.area;
    std::printf("Study area: %s (%s)\n", a.name.c_str(), a.source.c_str());
    if (a.crs.known()) {
        std::printf("Working CRS: %s, %s\n", a.crs.label().c_str(), a.crs_reason.c_str());
    } else {
        std::printf("Working CRS: none could be chosen\n");
    }
    std::printf("\n%-11s %-9s %9s %9s  %s\n", "layer", "format", "read", "kept", "source");
    for (const auto& l : r.layers) {
        if (!l.present) {
            std::printf("%-11s %-9s %9s %9s  (not found)\n", l.name.c_str(), "-", "-", "-");
            continue;
        }
        const std::string src = l.source + (l.layer != l.name ? " [" + l.layer + "]" : "");
        std::printf("%-11s %-9s %9lld %9lld  %s\n", l.name.c_str(), l.driver.substr(0, 9).c_str(),
                    l.features_read, l.features_kept, src.c_str());
    }
}
}  // namespace

int cmd_validate(const Args& args) {
    po::options_description opts(
        "ntmsim validate AREA [options]\n\n"
        "Checks a study area and lists every problem with its place "
        "(file, layer, feature, field).\nExit 0: usable; 1: problems "
        "found; 2: bad command line.\n\nOptions");
    std::string area_path, output;
    int threads = 0;
    opts.add_options()("help,h", "show this help")(
        "repair", "repair invalid polygons with GEOS MakeValid and report each repair")(
        "output,o", po::value(&output),
        "with --repair: write the repaired area to this GeoPackage "
        "(the input is never changed)")("overwrite", "replace an existing --output")(
        "threads", po::value(&threads), "threads to use (default: all cores)")(
        "quiet,q", "print only the problems and the summary")(
        "all",
        "print every problem (by default, after 5 of a kind in a layer the rest are counted)");
    po::variables_map vm;
    if (!parse_args(args, opts, "area", po::value(&area_path), 1, vm)) return kExitOk;
    if (area_path.empty()) throw UsageError("give the study area to check: ntmsim validate AREA");
    if (!output.empty() && !vm.count("repair")) throw UsageError("--output goes with --repair");
    set_threads(threads);

    io::LoadOptions options;
    options.repair = vm.count("repair") > 0;
    const auto result = io::load_study_area(area_path, options);
    if (!vm.count("quiet")) {
        print_report(result);
        std::printf("\n");
    }
    // One broken commune can strand hundreds of assets: after a few of a kind in a layer, count
    // the rest, so the other kinds of problem stay in view.
    const std::size_t shown_per_kind = vm.count("all") ? SIZE_MAX : 5;
    std::map<std::pair<std::string, std::string>, std::size_t> seen, total;
    for (const auto& p : result.problems.items())
        ++total[{p.code, p.where.file + "|" + p.where.layer}];
    for (const auto& p : result.problems.items()) {
        const auto key = std::make_pair(p.code, p.where.file + "|" + p.where.layer);
        const auto n = ++seen[key];
        if (n <= shown_per_kind) {
            std::printf("%s\n", p.str().c_str());
        } else if (n == shown_per_kind + 1) {
            std::printf("... and %zu more [%s] in layer '%s' (ntmsim validate --all lists them)\n",
                        total[key] - shown_per_kind, p.code.c_str(), p.where.layer.c_str());
        }
    }
    const auto errors = result.problems.errors();
    const auto warnings = result.problems.warnings();
    const auto repaired = result.problems.items().size() - errors - warnings;
    std::printf("%s%zu error%s, %zu warning%s, %zu repaired: %s\n",
                result.problems.items().empty() ? "" : "\n", errors, errors == 1 ? "" : "s",
                warnings, warnings == 1 ? "" : "s", repaired,
                errors ? "the study area has problems to fix" : "the study area is usable");
    if (!output.empty()) {
        if (errors) {
            std::printf("not writing %s: fix the errors above first\n", output.c_str());
        } else {
            io::write_study_area(result.area, output, io::AreaFormat::GeoPackage,
                                 vm.count("overwrite") > 0);
            std::printf("repaired study area written to %s\n", output.c_str());
        }
    }
    return errors ? kExitProblems : kExitOk;
}

}  // namespace ntm::cli
