#include <omp.h>

#include <algorithm>
#include <array>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/data_dir.h"
#include "core/error.h"
#include "core/limits.h"
#include "core/output.h"
#include "core/progress.h"
#include "core/text.h"
#include "criteria/evaluate.h"
#include "indicators/measure.h"
#include "io/load.h"
#include "report/assess_output.h"
#include "report/results_output.h"
#include "sim/engine.h"
#include "sim/team.h"
#if NTM_WITH_MPI
#include "dist/mpi_team.h"
#endif

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace ntm::cli {

namespace {

struct Row {
    std::string name;
    std::vector<double> reached;  // expected communes at standard by the end of each year
    int start = 0;
    double spent = 0, gap_end = 0, debt_end = 0;
    double targets = 0;  // expected target communes at the standard by their deadline
    bool has_targets = false;
};

double at_year(const Row& r, int year) {
    const int y = year - r.start;
    if (y < 0 || y >= static_cast<int>(r.reached.size())) return -1;
    return r.reached[static_cast<std::size_t>(y)];
}

void print_table(const std::vector<Row>& rows, std::size_t assessed) {
    // The 2016–2025 programme's milestones (2019, 2020, 2025); a later period shows its last three
    // years.
    std::array<int, 3> years = {2019, 2020, 2025};
    int first = 1 << 30, last = 0;
    for (const auto& r : rows) {
        first = std::min(first, r.start);
        last = std::max(last, r.start + static_cast<int>(r.reached.size()) - 1);
    }
    if (!rows.empty() && first > 2019) years = {last - 2, last - 1, last};
    std::printf(
        "\nExpected communes at the standard (of %zu); targets: of the target communes any "
        "scenario names,\n"
        "those at the standard by their deadline; money in bn VND, mean over draws: spent over the "
        "period,\n"
        "gap (plans unfunded) and debt in the last year\n\n",
        assessed);
    auto by = [](int y) { return "by " + std::to_string(y); };
    std::printf("%s %8s %8s %8s %8s %10s %10s %10s\n", pad_right("scenario", 28).c_str(),
                by(years[0]).c_str(), by(years[1]).c_str(), by(years[2]).c_str(), "targets",
                "spent", "gap end", "debt end");
    for (const auto& r : rows) {
        auto cell = [&](int year) {
            const double v = at_year(r, year);
            return v < 0 ? std::string("-") : format_fixed(v, 1);
        };
        std::printf("%s %8s %8s %8s %8s %10s %10s %10s\n", pad_right(r.name, 28).c_str(),
                    cell(years[0]).c_str(), cell(years[1]).c_str(), cell(years[2]).c_str(),
                    r.has_targets ? format_fixed(r.targets, 2).c_str() : "-",
                    format_fixed(r.spent, 1).c_str(), format_fixed(r.gap_end, 1).c_str(),
                    format_fixed(r.debt_end, 1).c_str());
    }
}

// For a scenario with explicit targets: each target's chance of its intermediate and final target
// and, where it falls short, the criterion and the constraint that kept it short most often.
std::string target_report(const std::string& name, const sim::SimInput& in,
                          const sim::Aggregate& agg) {
    const std::size_t nj = agg.criteria;
    const auto draws = static_cast<double>(agg.draws);
    std::string out;
    for (std::size_t c = 0; c < in.communes.size(); ++c) {
        const auto& ci = in.communes[c];
        if (ci.target_by == 0) continue;
        if (out.empty()) {
            out = "\n" + name +
                  ": the target communes, registered from their first year until they reach the "
                  "standard\n" +
                  pad_right("commune", 20) + " " + pad_right("met now", 8) + " " +
                  pad_right("intermediate", 18) + " " + pad_right("P(standard by)", 18) +
                  " where it falls short, most often (share of all draws)\n";
        }
        auto year_index = [&](int year) {
            return static_cast<std::size_t>(
                std::clamp(year - in.start, 0, static_cast<int>(agg.years) - 1));
        };
        std::string inter = "-";
        if (ci.min_criteria > 0) {
            const std::size_t y = year_index(ci.min_criteria_by);
            std::uint64_t n = 0;
            for (std::size_t k = static_cast<std::size_t>(ci.min_criteria); k <= nj; ++k)
                n += agg.met_hist[(c * agg.years + y) * (nj + 1) + k];
            inter = "P(>=" + std::to_string(ci.min_criteria) + " by " +
                    std::to_string(ci.min_criteria_by) + ") " +
                    format_fixed(static_cast<double>(n) / draws, 2);
        }
        const double p =
            static_cast<double>(agg.reached[agg.cy(c, year_index(ci.target_by))]) / draws;
        std::string why = "-";
        std::uint32_t best = 0;
        for (std::size_t j = 0; j < nj; ++j)
            for (std::size_t r = 0; r < sim::kBindingReasons; ++r) {
                const auto n = agg.binding[(c * nj + j) * sim::kBindingReasons + r];
                if (n > best) {
                    best = n;
                    why =
                        "criterion " + in.set->criteria[j].id + " (" + in.set->criteria[j].name.en +
                        "): " + std::string(sim::binding_name(static_cast<sim::BindingReason>(r))) +
                        " (" + format_fixed(static_cast<double>(n) / draws, 2) + ")";
                }
            }
        out += pad_right(ci.name, 20) + " " +
               pad_right(std::to_string(ci.met_at_start) + "/" + std::to_string(nj), 8) + " " +
               pad_right(inter, 18) + " " +
               pad_right(std::to_string(ci.target_by) + ": " + format_fixed(p, 2), 18) + " " + why +
               "\n";
    }
    return out;
}

}  // namespace

// Simulates each scenario on the area; writes OUTDIR/<scenario file stem>/ and prints the table.
// With a team of several MPI ranks (docs/scale.md), each scenario's draws are split over the
// ranks and merged on rank 0, which alone reads the area (unless `every_rank_assesses`), writes
// and prints; work that may fail runs inside team.agree(), so a failure anywhere ends every rank.
int simulate_all(sim::Team& team, const std::string& area_path,
                 const std::vector<std::string>& scenario_paths, const std::string& outdir,
                 const po::variables_map& vm, int draws_override, long long seed_override,
                 const std::string& trace_commune, int trace_draw,
                 bool every_rank_assesses = false) {
    // Every scenario file, criteria set and output folder is checked before the area is loaded
    // and measured, so a typo or an existing output fails in a second, not after the work.
    std::vector<scenario::Scenario> scenarios;
    std::map<std::string, criteria::CriteriaSet> sets;
    std::vector<OutputReservation> reserved;  // each result folder, locked for the whole run
    team.agree([&] {
        if (!trace_commune.empty() && team.size() > 1)
            throw UsageError("--trace follows one draw: run it without mpirun");
        std::vector<std::string> inputs = scenario_paths;
        inputs.push_back(area_path);
        if (team.root() && !outdir.empty() && trace_commune.empty())
            check_output_apart(outdir, inputs);
        std::map<std::string, std::string> stems;
        for (const auto& path : scenario_paths) {
            const auto [seen, fresh] = stems.emplace(fs::path(path).stem().string(), path);
            if (!fresh) {
                throw UsageError(path + " and " + seen->second + " would both write " +
                                 seen->first + "/: rename one of the scenario files");
            }
            if (team.root() && !outdir.empty() && trace_commune.empty())
                // The result folder is named after the file's stem: `...yaml` must not name the
                // folder above.
                check_output_name(fs::path(path).stem().string(), path);
            auto sc = scenario::load_scenario(path);
            if (draws_override > 0) sc.draws = draws_override;
            if (seed_override >= 0) sc.seed = static_cast<std::uint64_t>(seed_override);
            if (!sets.count(sc.criteria))
                sets.emplace(sc.criteria, criteria::load_criteria_set(sc.criteria));
            scenarios.push_back(std::move(sc));
        }
        // Every input read: only now is a result folder (and the output folder) made and locked.
        if (team.root() && !outdir.empty() && trace_commune.empty())
            for (const auto& path : scenario_paths)
                reserved.emplace_back((fs::path(outdir) / fs::path(path).stem()).string(),
                                      OutputKind::Folder, vm.count("overwrite") > 0);
    });
    // Only the ranks that compile the input read the area and measure it.
    const bool compiles = team.root() || every_rank_assesses;
    std::optional<io::LoadResult> loaded;
    indicators::AreaMeasures measures;
    std::map<int, int> targets;
    std::size_t assessed = 0;
    team.agree([&] {
        if (!compiles) return;
        loaded.emplace(load_usable_area(area_path));
        note("measuring " + std::to_string(loaded->area.communes.size()) + " communes");
        measures = indicators::measure_area(loaded->area);
        if (!team.root()) return;
        const auto& area = loaded->area;
        for (const auto& c : area.communes) assessed += c.kind == CommuneKind::Commune;
        // The scenario starts from the state the status table describes: say so when the two
        // are years apart (the start is measured with the latest rows up to it).
        for (const auto& sc : scenarios) {
            if (area.status.empty()) break;
            int latest = 0, first = 0;
            for (const auto& row : area.status) {
                if (row.year <= sc.start) latest = std::max(latest, row.year);
                first = first == 0 ? row.year : std::min(first, row.year);
            }
            if (latest == 0)
                warn(sc.path + ": the scenario starts in " + std::to_string(sc.start) +
                     " but the status table begins in " + std::to_string(first) +
                     ": criteria read from it are unknown at the start; start the period in " +
                     std::to_string(first) + " or give status rows for " +
                     std::to_string(sc.start));
            else if (sc.start - latest >= 3)
                warn(sc.path + ": the scenario starts in " + std::to_string(sc.start) +
                     " from status rows of " + std::to_string(latest) +
                     ": the years between are not simulated; start the period in " +
                     std::to_string(latest) + " or update the status table");
        }
        if (!outdir.empty() && trace_commune.empty()) fs::create_directories(outdir);
        // Target communes named by any of the scenarios, with their deadline: every scenario is
        // scored on them, so a scenario without targets can be compared with one that has.
        for (const auto& sc : scenarios)
            for (const auto& t : sc.targets)
                for (const auto& name : t.communes)
                    if (const int c = area.find_commune(name); c >= 0)
                        targets[c] = std::max(targets[c], t.by);
    });
    std::vector<Row> rows;
    std::string target_reports;
    for (std::size_t k = 0; k < scenarios.size(); ++k) {
        const auto& sc = scenarios[k];
        const auto& path = scenario_paths[k];
        const auto& set = sets.at(sc.criteria);
        sim::SimInput input;
        team.agree([&] {
            if (compiles)
                input = sim::compile(loaded->area, measures, set, sc, loaded->area.layers);
        });
        if (!every_rank_assesses) team.share_input(input, sc, set);

        if (!trace_commune.empty()) {
            const auto& area = loaded->area;
            const int c = area.find_commune(trace_commune);
            if (c < 0)
                throw UsageError("--trace: no commune named or coded '" + trace_commune + "'");
            sim::DrawRunner runner(input);
            sim::Aggregate one(input);
            std::string story;
            runner.run(static_cast<std::uint32_t>(trace_draw), one, nullptr, c, &story);
            std::printf("%s, draw %d, %s (%s)\n%s\n", sc.name.c_str(), trace_draw,
                        area.communes[static_cast<std::size_t>(c)].name.c_str(),
                        area.communes[static_cast<std::size_t>(c)].code.c_str(), story.c_str());
            continue;
        }

        // Memory before work: the per-draw table (merged on rank 0) and one aggregate per thread.
        check_memory(sim::DrawTable::bytes_for(
                         team.root() ? static_cast<std::uint64_t>(sc.draws)
                                     : team.block(static_cast<std::uint32_t>(sc.draws)).second,
                         input.communes.size(), static_cast<std::uint64_t>(input.years)) +
                         static_cast<std::uint64_t>(omp_get_max_threads()) *
                             sim::Aggregate::bytes_for(input),
                     path + ": " + std::to_string(sc.draws) + " draws × " +
                         std::to_string(input.communes.size()) + " communes × " +
                         std::to_string(input.years) + " years",
                     "give fewer draws (--draws; 1,000 to 10,000 give stable probabilities), a "
                     "shorter period, or spread "
                     "the draws over several machines with MPI (docs/scale.md)");
        const auto [first, count] = team.block(static_cast<std::uint32_t>(sc.draws));
        const auto t0 = std::chrono::steady_clock::now();
        sim::Aggregate agg;
        sim::DrawTable draws;
        team.agree([&] {
            if (!team.root()) {
                agg = sim::simulate(input, first, count, {}, &draws);
                return;
            }
            Progress progress(sc.name, count);
            // simulate() reports the draws done by every thread so far, from one thread: advance
            // by the difference (advancing by one per call stopped at 1/threads of the bar).
            std::size_t shown = 0;
            auto report = [&](std::size_t done) {
                progress.advance(done - shown);
                shown = done;
            };
            agg = sim::simulate(input, first, count, report, &draws);
            report(count);  // the draws the other threads finished after the last report
            progress.finish();
        });
        team.combine(agg, draws);
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        note(sc.name + ": " + std::to_string(sc.draws) + " draws × " + std::to_string(sc.years()) +
             " years × " + std::to_string(input.communes.size()) + " communes in " +
             format_fixed(secs, 2) + " s" +
             (team.size() > 1 ? " on " + std::to_string(team.size()) + " MPI ranks" : ""));
        // Written only once every rank's draws are in; a failure to write ends every rank.
        team.agree([&] {
            if (team.root() && !outdir.empty()) {
                const std::string dir = (fs::path(outdir) / fs::path(path).stem()).string();
                report::write_results(input, agg, {area_path, path}, dir, vm.count("overwrite") > 0,
                                      &draws);
            }
        });
        if (!team.root()) continue;
        Row r;
        r.name = fs::path(path).stem().string();
        r.start = sc.start;
        for (std::size_t y = 0; y < agg.years; ++y) {
            r.reached.push_back(report::expected_reached(agg, y));
            r.spent += report::mean_money(agg, y, sim::kMoneySpent);
        }
        r.gap_end = report::mean_money(agg, agg.years - 1, sim::kMoneyGap);
        for (const auto& [c, by] : targets) {
            r.has_targets = true;
            const int y = std::clamp(by - sc.start, 0, static_cast<int>(agg.years) - 1);
            r.targets +=
                static_cast<double>(
                    agg.reached[agg.cy(static_cast<std::size_t>(c), static_cast<std::size_t>(y))]) /
                static_cast<double>(agg.draws);
        }
        r.debt_end = report::mean_money(agg, agg.years - 1, sim::kMoneyDebt);
        rows.push_back(r);
        target_reports += target_report(r.name, input, agg);
    }
    if (!rows.empty()) print_table(rows, assessed);
    if (!target_reports.empty()) std::printf("%s", target_reports.c_str());
    if (!outdir.empty() && !rows.empty())
        std::printf("\nresults written under %s/\n", outdir.c_str());
    return kExitOk;
}

int cmd_simulate(const Args& args) {
    po::options_description opts(
        "ntmsim simulate AREA SCENARIO.yaml... -o OUTDIR\n\n"
        "Projects, year by year and draw by draw, which communes reach the standard under each\n"
        "scenario; writes OUTDIR/<scenario>/ (CSV tables and results.gpkg) and prints a table.\n"
        "The same seed gives every scenario the same random draws (common random numbers).\n\n"
#if NTM_WITH_MPI
        "On a cluster, start it with MPI (docs/scale.md): mpirun -np N ntmsim simulate ... splits\n"
        "each scenario's draws over the N ranks (OpenMP threads inside each), rank 0 writes, and\n"
        "the results are the bytes a one-process run writes.\n\nOptions");
#else
        "This build has no MPI scale-out (built with NTM_WITH_MPI off; docs/scale.md).\n\nOptions");
#endif
    std::string area_path, outdir, trace, mpi_assess;
    std::vector<std::string> scenarios;
    int draws = 0, threads = 0, trace_draw = 0;
    long long seed = -1;
    opts.add_options()("help,h", "show this help")("output,o", po::value(&outdir),
                                                   "output folder (one subfolder per scenario)")(
        "draws", po::value(&draws), "number of draws (overrides the scenarios')")(
        "seed", po::value(&seed), "random seed (overrides the scenarios')")(
        "threads", po::value(&threads), "threads to use (default: all cores)")(
        "trace", po::value(&trace),
        "print one commune's story (name or code) in one draw, instead of simulating")(
        "draw", po::value(&trace_draw), "the draw to --trace (default 0)")(
        "overwrite", "replace existing result folders")(
        "quiet,q", "print only warnings, errors and the scenario table (no notes, no progress)")(
        "mpi-assess", po::value(&mpi_assess)->default_value("root"),
        "under MPI: 'root' (rank 0 reads and measures the area and sends the compiled arrays to "
        "the other ranks) "
        "or 'every' (every rank reads and measures it)");
    po::variables_map vm;
    if (!parse_args(args, opts, "inputs", po::value<std::vector<std::string>>(), -1, vm))
        return kExitOk;
    const auto inputs = vm.count("inputs") ? vm["inputs"].as<std::vector<std::string>>()
                                           : std::vector<std::string>{};
    if (inputs.size() < 2)
        throw UsageError(
            "give the study area and at least one scenario: ntmsim simulate AREA SCENARIO.yaml... "
            "-o OUTDIR");
    area_path = inputs[0];
    scenarios.assign(inputs.begin() + 1, inputs.end());
    if (outdir.empty() && trace.empty()) throw UsageError("give the output folder: -o OUTDIR");
    if (vm.count("draws") && draws <= 0)
        throw UsageError("--draws " + std::to_string(draws) + ": give a positive number of draws");
    if (vm.count("seed") && seed < 0)
        throw UsageError("--seed " + std::to_string(seed) + ": give a seed of 0 or more");
    if (vm.count("draw") && !vm.count("trace"))
        throw UsageError("--draw goes with --trace: the draw whose story to print");
    if (trace_draw < 0)
        throw UsageError("--draw " + std::to_string(trace_draw) +
                         ": give a draw number of 0 or more");
    if (mpi_assess != "root" && mpi_assess != "every")
        throw UsageError("--mpi-assess: give root or every, not '" + mpi_assess + "'");
    if (vm.count("quiet")) {
        set_quiet(true);
        Progress::set_enabled(false);
    }
    set_threads(threads);
#if NTM_WITH_MPI
    if (dist::launched_by_mpi()) {
        return dist::run_on_ranks([&](sim::Team& team) {
            return simulate_all(team, area_path, scenarios, outdir, vm, draws, seed, trace,
                                trace_draw, mpi_assess == "every");
        });
    }
#endif
    sim::Team alone;
    return simulate_all(alone, area_path, scenarios, outdir, vm, draws, seed, trace, trace_draw);
}

int cmd_run(const Args& args) {
    po::options_description opts(
        "ntmsim run [-o OUTDIR] [--study canloc|hatinh-2025]\n\n"
        "README's main job: assess the bundled Can Lộc area against Hà Tĩnh's 2017 criteria,\n"
        "simulate every bundled Can Lộc scenario, and print the scenario table. With --study\n"
        "hatinh-2025: Hà Tĩnh's 69 real 2025 units (generated from "
        "datasets/hatinh-2025/recipe.yaml\n"
        "when missing), assessed against the 2026–2030 criteria (vn-2026) and simulated "
        "2026–2030.\n\nOptions");
    std::string outdir = "out", study = "canloc";
    int draws = 0, threads = 0;
    opts.add_options()("help,h", "show this help")("output,o", po::value(&outdir),
                                                   "output folder (default: out)")(
        "draws", po::value(&draws), "number of draws (default: the scenarios' own)")(
        "study", po::value(&study),
        "canloc (default: 2017–2025) or hatinh-2025 (the 2025 map, 2026–2030)")(
        "threads", po::value(&threads), "threads to use (default: all cores)");
    po::variables_map vm;
    if (!parse_args(args, opts, "", nullptr, 0, vm)) return kExitOk;
#if NTM_WITH_MPI
    if (dist::launched_by_mpi())
        throw UsageError(
            "run is the one-machine job; under mpirun or srun use ntmsim simulate (docs/scale.md)");
#endif
    set_threads(threads);
    // What each study runs: its area, criteria, first year, scenarios, target and map year.
    struct Study {
        std::string area, criteria, year, target, map_year, assessed;
        std::vector<std::string> scenarios;
    };
    Study st;
    std::vector<std::string> scenarios;
    if (study == "canloc") {
        st = {data_dir() + "/datasets/canloc",
              "hatinh-2017",
              "2017",
              "communes at standard by 2019",
              "2019",
              "canloc-2017.gpkg",
              {}};
        const std::string scen_dir = data_dir() + "/scenarios/canloc";
        for (const auto& e : fs::directory_iterator(scen_dir))
            if (e.path().extension() == ".yaml") scenarios.push_back(e.path().string());
    } else if (study == "hatinh-2025") {
        st = {data_dir() + "/datasets/hatinh-2025",
              "vn-2026",
              "2026",
              "communes at standard by 2030",
              "2030",
              "hatinh-2026.gpkg",
              {}};
        scenarios.push_back(data_dir() + "/scenarios/hatinh/2026-2030.yaml");
        const std::string gpkg = st.area + "/hatinh-2025.gpkg";
        if (!fs::exists(gpkg)) {
            std::printf("generating %s from its recipe\n", gpkg.c_str());
            const int g = cmd_generate({"--recipe", st.area + "/recipe.yaml", "-o", gpkg});
            if (g != kExitOk) return g;
        }
    } else {
        throw UsageError("--study is canloc or hatinh-2025, not '" + study + "'");
    }
    const std::string& area = st.area;
    std::sort(scenarios.begin(), scenarios.end(), [](const std::string& a, const std::string& b) {
        const bool ab = fs::path(a).stem() == "baseline", bb = fs::path(b).stem() == "baseline";
        return ab != bb ? ab : a < b;
    });
    if (scenarios.empty()) throw InputError(data_dir() + "/scenarios/canloc: no scenario files");
    fs::create_directories(outdir);
    // The assessment of where the communes stand in 2017.
    {
        Args assess = {area,          "--criteria", st.criteria,
                       "--year",      st.year,      "-q",
                       "--overwrite", "-o",         (fs::path(outdir) / st.assessed).string()};
        const int rc = cmd_assess(assess);
        if (rc != kExitOk) return rc;
    }
    po::variables_map over;
    po::store(po::command_line_parser(Args{"--overwrite"})
                  .options([] {
                      po::options_description d;
                      d.add_options()("overwrite", "");
                      return d;
                  }())
                  .run(),
              over);
    const std::string results = (fs::path(outdir) / "scenarios").string();
    sim::Team alone;
    const int rc = simulate_all(alone, area, scenarios, results, over, draws, -1, "", 0);
    if (rc != kExitOk) return rc;
    // The comparison (against the baseline) and what people pass on: a styled GeoPackage for
    // QGIS, HTML reports, Excel.
    // One scenario (hatinh-2025) has nothing to compare with.
    const bool compared = scenarios.size() > 1;
    if (compared) {
        Args compare = {"--target", st.target, "--overwrite", "-o",
                        (fs::path(outdir) / "comparison").string()};
        for (const auto& s : scenarios)
            compare.push_back((fs::path(results) / fs::path(s).stem()).string());
        if (const int c = cmd_compare(compare); c != kExitOk) return c;
    }
    const std::string baseline = (fs::path(results) / fs::path(scenarios.front()).stem()).string();
    std::vector<std::pair<std::string, Args>> exports = {
        {"styled GeoPackage (opens styled in QGIS)",
         {baseline, "--format", "gpkg", "--year", st.map_year, "-o",
          (fs::path(outdir) / "baseline.gpkg").string()}},
        {"HTML report",
         {baseline, "--format", "html", "--year", st.map_year, "-o",
          (fs::path(outdir) / "baseline-report.html").string()}},
        {"Excel workbook",
         {baseline, "--format", "xlsx", "--lang", "vi", "-o",
          (fs::path(outdir) / "baseline.xlsx").string()}},
        {"map",
         {baseline, "--format", "png", "--year", st.map_year, "--lang", "vi", "-o",
          (fs::path(outdir) / ("baseline-" + st.map_year + ".png")).string()}}};
    if (compared) {
        exports.insert(exports.begin() + 2,
                       {"HTML report",
                        {(fs::path(outdir) / "comparison").string(), "--format", "html", "-o",
                         (fs::path(outdir) / "comparison-report.html").string()}});
    }
    std::printf("\n");
    for (auto [what, a] : exports) {
        a.push_back("--overwrite");
        std::printf("%s: ", what.c_str());
        std::fflush(stdout);
        if (const int c = cmd_export(a); c != kExitOk) return c;
    }
    print_viewer_command(outdir);
    return kExitOk;
}

}  // namespace ntm::cli
