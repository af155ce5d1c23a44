#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/error.h"
#include "core/text.h"
#include "io/load.h"
#include "units/crosswalk.h"
#include "units/remap.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace ntm::cli {

int cmd_remap(const Args& args) {
    po::options_description opts(
        "ntmsim remap INPUT... --crosswalk CW.csv --from PERIOD --to PERIOD -o OUTDIR\n\n"
        "Moves tables keyed by unit code (a status table, `assess` CSVs, `simulate` results\n"
        "folders) from one period's units to another's through a crosswalk (docs/units.md):\n"
        "counts and money summed, shares weighted by population (or area), a merged unit's\n"
        "criteria met only where every part met them. Units are (code, period): codes are reused.\n"
        "Writes each table under OUTDIR with the same name, and remap-report.csv: every link\n"
        "used, with the share each old unit gave (split units are listed on the screen "
        "too).\n\nOptions");
    std::vector<std::string> inputs;
    std::string crosswalk, from, to, outdir, area, weight_by = "population";
    opts.add_options()("help,h", "show this help")(
        "crosswalk", po::value(&crosswalk),
        "the crosswalk CSV (from_code, to_code, part[, share, periods, names])")(
        "from", po::value(&from), "the period of the input's units, e.g. 2017")(
        "to", po::value(&to), "the period to move them to, e.g. 2025")(
        "reverse", "use the crosswalk backwards (its --to units back to its --from units)")(
        "area", po::value(&area), "the old period's study area, for weights (population, area)")(
        "weight", po::value(&weight_by),
        "population (default) or area: what shares are weighted by")(
        "output,o", po::value(&outdir), "output folder")("overwrite", "replace existing outputs");
    po::variables_map vm;
    if (!parse_args(args, opts, "inputs", po::value<std::vector<std::string>>(), -1, vm))
        return kExitOk;
    if (vm.count("inputs")) inputs = vm["inputs"].as<std::vector<std::string>>();
    if (inputs.empty()) throw UsageError("give the tables or results folders to remap");
    if (crosswalk.empty() || from.empty() || to.empty())
        throw UsageError("give --crosswalk FILE, --from PERIOD and --to PERIOD");
    if (outdir.empty()) throw UsageError("give the output folder: -o OUTDIR");
    if (weight_by != "population" && weight_by != "area")
        throw UsageError("--weight is population or area");
    const bool reverse = vm.count("reverse") > 0;

    // Weights of the old units, from their study area when given.
    const std::string old_period = reverse ? to : from;
    std::map<units::UnitKey, double> weight;
    if (!area.empty()) {
        const auto loaded = io::load_study_area(area);
        for (const auto& c : loaded.area.communes)
            weight[{c.code, old_period}] = weight_by == "area" ? ntm::area(c.geometry) / 1e6
                                                               : static_cast<double>(c.population);
    } else if (weight_by == "area") {
        throw UsageError("--weight area needs --area AREA (the old period's study area)");
    }
    units::Crosswalk cw = reverse ? units::load_crosswalk(crosswalk, to, from).reversed(weight)
                                  : units::load_crosswalk(crosswalk, from, to);

    // The tables: files as given, folders' CSV files with a unit code column.
    std::vector<std::string> tables;
    for (const auto& in : inputs) {
        if (fs::is_directory(in)) {
            std::vector<std::string> found;
            for (const auto& e : fs::directory_iterator(in))
                if (e.path().extension() == ".csv") found.push_back(e.path().string());
            std::sort(found.begin(), found.end());
            for (const auto& f : found)
                if (!units::code_column(units::read_table(f)).empty()) tables.push_back(f);
        } else if (fs::exists(in)) {
            tables.push_back(in);
        } else {
            throw InputError(in + ": no such file or folder");
        }
    }
    if (tables.empty())
        throw InputError("no table with a 'code' or 'commune_code' column in the inputs");
    fs::create_directories(outdir);
    std::map<const units::Link*, double> used;
    for (const auto& t : tables) {
        const auto out_path = (fs::path(outdir) / fs::path(t).filename()).string();
        if (fs::exists(out_path) && !vm.count("overwrite"))
            throw UsageError(out_path + " exists; add --overwrite to replace it");
        const auto in = units::read_table(t);
        const auto r = units::remap_table(in, cw, weight);
        units::write_table(r.table, out_path);
        for (const auto& u : r.used) used[u.link] = u.weight;
        std::printf("%s: %zu rows of period %s → %zu rows of period %s\n", out_path.c_str(),
                    in.rows.size(), cw.from_period.c_str(), r.table.rows.size(),
                    cw.to_period.c_str());
    }
    // The report: every link used, and the split units on the screen.
    units::Table report;
    report.columns = {"from_period", "from_code", "from_name", "to_period",    "to_code",
                      "to_name",     "part",      "share",     "share_source", "weight"};
    std::map<units::UnitKey, std::vector<const units::Link*>> splits;
    for (const auto& l : cw.links) {
        const auto it = used.find(&l);
        if (it == used.end()) continue;
        report.rows.push_back({l.from.period, l.from.code, l.from_name, l.to.period, l.to.code,
                               l.to_name, l.full ? "full" : "partial", format_fixed(l.share, 6),
                               l.share_given ? "given" : "equal split [assumption]",
                               format_fixed(it->second, 3)});
        if (!l.full) splits[l.from].push_back(&l);
    }
    units::write_table(report, (fs::path(outdir) / "remap-report.csv").string());
    std::printf("%zu links used; %zu old unit(s) split between new ones", report.rows.size(),
                splits.size());
    std::printf(splits.empty() ? "\n" : ":\n");
    for (const auto& [unit, links] : splits) {
        std::printf("  %s %s →", units::label(unit).c_str(), links.front()->from_name.c_str());
        for (const auto* l : links)
            std::printf(" %s %s %.1f%%%s;", l->to.code.c_str(), l->to_name.c_str(), 100 * l->share,
                        l->share_given ? "" : " (equal split, assumption)");
        std::printf("\n");
    }
    std::printf("report: %s\n", (fs::path(outdir) / "remap-report.csv").string().c_str());
    return kExitOk;
}

}  // namespace ntm::cli
