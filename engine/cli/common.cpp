#include "cli/common.h"

#include <cstdio>
#include <iostream>

#include "core/error.h"
#include "core/progress.h"

namespace po = boost::program_options;

namespace ntm::cli {

bool parse_args(const Args& args, const po::options_description& opts,
                const std::string& positional, const po::value_semantic* value, int count,
                po::variables_map& vm) {
    po::options_description all;
    all.add(opts);
    // -q on every command: those without their own get it here (no progress, no notes).
    po::options_description common("Common options");
    const bool own_quiet = opts.find_nothrow("quiet", false) != nullptr;
    if (!own_quiet)
        common.add_options()("quiet,q",
                             "no progress and no notes (progress shows on a terminal only)");
    all.add(common);
    po::positional_options_description pos;
    if (!positional.empty()) {
        po::options_description hidden;
        hidden.add_options()(positional.c_str(), value);
        all.add(hidden);
        pos.add(positional.c_str(), count);
    }
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
        std::cout << opts << "\n";
        if (!own_quiet) std::cout << common << "\n";
        return false;
    }
    if (!own_quiet && vm.count("quiet")) {
        set_quiet(true);
        Progress::set_enabled(false);
    }
    return true;
}

io::LoadResult load_usable_area(const std::string& path) {
    auto loaded = io::load_study_area(path);
    if (loaded.problems.has_errors()) {
        for (const auto& p : loaded.problems.items())
            if (p.severity == io::Problem::Severity::Error)
                std::fprintf(stderr, "%s\n", p.str().c_str());
        throw InputError(path + ": " + std::to_string(loaded.problems.errors()) +
                         " problem(s) in the input; fix them first (ntmsim validate lists them)");
    }
    return loaded;
}

}  // namespace ntm::cli
