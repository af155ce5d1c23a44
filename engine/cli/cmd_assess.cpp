#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/error.h"
#include "core/output.h"
#include "core/progress.h"
#include "core/text.h"
#include "criteria/evaluate.h"
#include "indicators/measure.h"
#include "io/load.h"
#include "report/assess_output.h"

namespace po = boost::program_options;

namespace ntm::cli {
namespace {

// Irrigation that the canals on the map cannot close (issue 18): a commune whose served share,
// with every unlined canal lined (the pieces' marginal areas add up without double counting),
// still misses an indicator on farmland served. Returns "NAME at most P%" per such commune and
// indicator, in commune order.
std::vector<std::string> irrigation_out_of_reach(
    const criteria::CriteriaSet& set, const StudyArea& area, const indicators::AreaMeasures& m,
    const std::vector<criteria::CommuneResult>& results, int year, std::string& indicator_text) {
    std::vector<double> potential(area.communes.size(), 0.0);
    for (std::size_t c = 0; c < area.communes.size(); ++c) potential[c] = m.communes[c].served_m2;
    for (const auto& piece : m.canal_pieces)
        if (!piece.lined) potential[piece.commune] += piece.marginal_served_m2;
    std::vector<std::string> out;
    for (const auto& criterion : set.criteria)
        for (const auto& rule : criterion.indicators) {
            if (rule.measure != criteria::Measure::FarmlandServedShare) continue;
            for (std::size_t c = 0; c < area.communes.size(); ++c) {
                const auto& commune = area.communes[c];
                const double farmland = m.communes[c].farmland_total_m2();
                if (!results[c].assessed || farmland <= 0) continue;
                const double t = rule.threshold.at(commune.region, commune.group, year,
                                                   rule.where + " (indicator " + rule.id + ")");
                const double best = potential[c] / farmland;
                if (criteria::compare(best, rule.op, t)) continue;
                indicator_text = rule.id + " (" + rule.name.en + ")";
                out.push_back(commune.name + " at most " + format_fixed(100 * best, 1) + "% of " +
                              format_fixed(100 * t, 0) + "%");
            }
        }
    return out;
}

}  // namespace

int cmd_assess(const Args& args) {
    po::options_description opts(
        "ntmsim assess AREA --criteria SET --year Y [-o OUT.gpkg]\n\n"
        "Measures every commune's indicators from the map and the status table and evaluates\n"
        "them against a criteria set: which criteria are met now and exactly what is missing, in\n"
        "km, ha and schools. Townships are reported but not assessed.\n\nOptions");
    std::string area_path, set_name, output;
    int year = 0, threads = 0;
    opts.add_options()("help,h", "show this help")(
        "criteria", po::value(&set_name),
        "criteria set: vn-2016, hatinh-2017, vn-2021, vn-2026 or a YAML file")(
        "year", po::value(&year), "the year to assess (thresholds and status rows of that year)")(
        "output,o", po::value(&output),
        "write OUT.gpkg (communes, indicators, gaps) and OUT-*.csv")(
        "overwrite", "replace existing outputs")("threads", po::value(&threads),
                                                 "threads to use (default: all cores)")(
        "quiet,q", "print only the per-commune table, not the gaps, and no progress");
    po::variables_map vm;
    if (!parse_args(args, opts, "area", po::value(&area_path), 1, vm)) return kExitOk;
    if (area_path.empty())
        throw UsageError("give the study area: ntmsim assess AREA --criteria SET --year Y");
    if (set_name.empty())
        throw UsageError("give --criteria (vn-2016, hatinh-2017, vn-2021, vn-2026 or a YAML file)");
    if (year <= 0) throw UsageError("give --year, e.g. --year 2017");
    if (year < 1990 || year > 2100)
        throw UsageError("--year " + std::to_string(year) +
                         ": give the four-digit year to assess, between 1990 and 2100 (e.g. 2017)");
    if (vm.count("quiet")) Progress::set_enabled(false);
    set_threads(threads);
    // The outputs are checked and locked before anything is read (core/output.h).
    std::vector<OutputReservation> reserved;
    if (!output.empty()) {
        for (const auto& out : report::assessment_outputs(output)) {
            check_output_apart(out, {area_path, set_name});
            reserved.emplace_back(out, OutputKind::File, vm.count("overwrite") > 0);
        }
    }

    const auto set = criteria::load_criteria_set(set_name);
    const auto loaded = load_usable_area(area_path);
    const auto& area = loaded.area;
    const auto t0 = std::chrono::steady_clock::now();
    const auto measures = indicators::measure_area(area);
    const auto results = criteria::evaluate(set, area, measures, year, area.layers);
    // Status rows are read as of the latest year up to the one assessed: say so when that is
    // years before it, or when there is none.
    if (!area.status.empty()) {
        int latest = 0;
        for (const auto& row : area.status)
            if (row.year <= year) latest = std::max(latest, row.year);
        if (latest == 0)
            warn("the status table has no row for " + std::to_string(year) +
                 " or before: every criterion read from it is unknown; give rows for that year");
        else if (year - latest >= 3)
            warn("the latest status rows up to " + std::to_string(year) + " are from " +
                 std::to_string(latest) +
                 ": criteria read from the status table are assessed as they were then");
    }
    if (const auto unused = criteria::unused_status_indicators(set, area); !unused.empty()) {
        std::vector<std::string> shown(
            unused.begin(),
            unused.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(unused.size(), 8)));
        warn(std::to_string(unused.size()) +
             " indicator id(s) of the status table are read by no indicator of " + set.id + " (" +
             join(shown, ", ") + (unused.size() > shown.size() ? ", …" : "") +
             "): their rows are ignored; check the ids if they were meant for this set");
    }
    if (area.layers.canals && area.layers.farmland) {
        std::string which;
        const auto short_of = irrigation_out_of_reach(set, area, measures, results, year, which);
        if (!short_of.empty()) {
            std::vector<std::string> shown(
                short_of.begin(),
                short_of.begin() +
                    static_cast<std::ptrdiff_t>(std::min<std::size_t>(short_of.size(), 6)));
            warn(std::to_string(short_of.size()) + " commune(s) cannot meet indicator " + which +
                 " with the canals on the map, even with every canal lined (" + join(shown, "; ") +
                 (short_of.size() > shown.size() ? "; …" : "") +
                 "): add the canals that are planned to the canals layer, or expect the "
                 "criterion to stay unmet in every forecast");
        }
    }
    const auto t1 = std::chrono::steady_clock::now();

    const std::size_t total = set.criteria.size();
    std::printf("Assessment of %s against %s (%s), %d\n\n", area.name.c_str(), set.id.c_str(),
                set.name.en.c_str(), year);
    std::printf("%s %s %7s %7s  %-8s  %s\n", pad_right("code", 8).c_str(),
                pad_right("commune", 16).c_str(), "met", "unknown", "standard", "criteria not met");
    int at_standard = 0, assessed = 0;
    for (std::size_t ci = 0; ci < area.communes.size(); ++ci) {
        const auto& c = area.communes[ci];
        const auto& r = results[ci];
        if (!r.assessed) {
            std::printf("%s %s %7s %7s  %-8s  %s\n", pad_right(c.code, 8).c_str(),
                        pad_right(c.name, 16).c_str(), "-", "-", "-",
                        (std::string(token(c.kind)) + ", not assessed").c_str());
            continue;
        }
        ++assessed;
        at_standard += r.standard;
        std::vector<std::string> missing;
        for (const auto& cr : r.criteria)
            if (cr.verdict == criteria::Verdict::NotMet) missing.push_back(cr.rule->id);
        std::printf("%s %s %7s %7d  %-8s  %s\n", pad_right(c.code, 8).c_str(),
                    pad_right(c.name, 16).c_str(),
                    (std::to_string(r.met) + "/" + std::to_string(total)).c_str(), r.unknown,
                    r.standard ? "yes" : "no", join(missing, " ").c_str());
    }
    std::printf("\n%d of %d communes meet all %zu criteria (%s s)\n", at_standard, assessed, total,
                format_fixed(std::chrono::duration<double>(t1 - t0).count(), 2).c_str());

    if (!vm.count("quiet")) {
        std::printf("\nWhat is missing\n");
        for (std::size_t ci = 0; ci < area.communes.size(); ++ci) {
            const auto& r = results[ci];
            if (!r.assessed || r.standard) continue;
            std::printf("\n%s (%s)\n", area.communes[ci].name.c_str(),
                        area.communes[ci].code.c_str());
            for (const auto& cr : r.criteria) {
                for (const auto& ir : cr.indicators) {
                    if (ir.gap) {
                        std::printf("  %-5s %s\n", ir.rule->id.c_str(), ir.gap->text.c_str());
                    } else if (ir.verdict == criteria::Verdict::Unknown) {
                        std::printf("  %-5s unknown: %s\n", ir.rule->id.c_str(),
                                    ir.why_unknown.c_str());
                    }
                }
            }
        }
    }
    if (!output.empty()) {
        report::Assessment a{&area, &set, &measures, &results, year};
        const auto written = report::write_assessment(a, output, vm.count("overwrite") > 0);
        std::printf("\nwritten: %s\n", join(written, ", ").c_str());
    }
    return kExitOk;
}

}  // namespace ntm::cli
