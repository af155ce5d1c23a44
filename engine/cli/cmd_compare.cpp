#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <regex>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/error.h"
#include "core/output.h"
#include "core/progress.h"
#include "core/text.h"
#include "report/compare.h"

namespace po = boost::program_options;

namespace ntm::cli {

namespace {
// "communes at standard by 2019" or just "2019": the year to rank by.
int target_year_of(const std::string& target) {
    static const std::regex year(R"((19|20|21)\d\d)");
    std::smatch m;
    std::string last;
    for (auto it = std::sregex_iterator(target.begin(), target.end(), year);
         it != std::sregex_iterator(); ++it)
        last = it->str();
    if (last.empty())
        throw UsageError("--target needs a year, e.g. --target \"communes at standard by 2019\"");
    return static_cast<int>(*parse_int(last));
}
}  // namespace

void print_comparison(const std::vector<report::ScenarioScore>& scores,
                      const std::string& reference, int year, std::size_t communes) {
    std::printf(
        "\nScenarios ranked by communes expected at the standard by %d (of %zu assessed); the "
        "difference with\n"
        "%s is paired draw by draw (common random numbers), with its 95%% interval; money in bn "
        "VND\n\n",
        year, communes, reference.c_str());
    std::printf("%4s  %s %9s %24s %10s %10s %10s\n", "rank", pad_right("scenario", 22).c_str(),
                "expected", ("vs " + reference).c_str(), "spent", "bn/crit.", "gap end");
    std::vector<const report::ScenarioScore*> order;
    for (const auto& s : scores) order.push_back(&s);
    std::sort(order.begin(), order.end(), [](auto a, auto b) { return a->rank < b->rank; });
    for (const auto* s : order) {
        const std::string diff = s->label == reference
                                     ? std::string("—")
                                     : (s->diff >= 0 ? "+" : "") + format_fixed(s->diff, 2) + " [" +
                                           format_fixed(s->lo, 2) + ", " + format_fixed(s->hi, 2) +
                                           "]";
        std::printf(
            "%4d  %s %9s %24s %10s %10s %10s\n", s->rank, pad_right(s->label, 22).c_str(),
            format_fixed(s->expected, 2).c_str(), diff.c_str(), format_fixed(s->spent, 1).c_str(),
            s->cost_per_criterion > 0 ? format_fixed(s->cost_per_criterion, 2).c_str() : "-",
            format_fixed(s->gap_end, 1).c_str());
    }
}

int cmd_compare(const Args& args) {
    po::options_description opts(
        "ntmsim compare OUTDIR/A OUTDIR/B ... -o CMPDIR [--target \"communes at standard by "
        "2019\"]\n\n"
        "Compares scenarios simulated on the same area with the same seed: side by side per "
        "commune\n"
        "and for the district, with paired differences against the first folder and their 95%\n"
        "intervals, the communes whose outcome changes most, money by source and cost per "
        "criterion\n"
        "gained; ranks the scenarios by the target.\n\nOptions");
    std::string output, target;
    opts.add_options()("help,h", "show this help")("output,o", po::value(&output), "output folder")(
        "target", po::value(&target),
        "what to rank by: \"communes at standard by YEAR\" (default: the last year)")(
        "allow-different-seeds",
        "compare runs with different seeds or draw counts (with a warning)")(
        "overwrite", "replace an existing output folder");
    po::variables_map vm;
    if (!parse_args(args, opts, "inputs", po::value<std::vector<std::string>>(), -1, vm))
        return kExitOk;
    const auto inputs = vm.count("inputs") ? vm["inputs"].as<std::vector<std::string>>()
                                           : std::vector<std::string>{};
    if (inputs.size() < 2)
        throw UsageError(
            "give at least two results folders: ntmsim compare OUTDIR/A OUTDIR/B -o CMPDIR");
    if (output.empty()) throw UsageError("give the output folder: -o CMPDIR");
    check_output_apart(output, inputs);
    const OutputReservation reserved(output, OutputKind::Folder, vm.count("overwrite") > 0);
    report::CompareOptions o;
    o.allow_different_seeds = vm.count("allow-different-seeds") > 0;
    o.overwrite = vm.count("overwrite") > 0;
    if (!target.empty()) o.target_year = target_year_of(target);
    std::vector<report::ResultsFolder> results;
    for (const auto& dir : inputs) results.push_back(report::read_results(dir));
    for (const auto& w : report::check_comparable(results, o)) warn(w);
    report::write_comparison(results, o, output);
    const int year = o.target_year ? o.target_year : results[0].end;
    print_comparison(report::score(results, year), results[0].label, year,
                     results[0].communes.size());
    std::printf("\ncomparison written to %s/\n", output.c_str());
    return kExitOk;
}

}  // namespace ntm::cli
