// Times the Monte Carlo projection (sim::simulate) on one area and scenario, for 1 and 2 threads
// (or the thread counts given), after loading, measuring and compiling once (not timed).
// Prints wall time, ns per commune-year-draw, the speed-up over the first thread count, peak
// RSS, and checks that every thread count gives the same aggregate (operator==).
//
//   bench_simulate AREA SCENARIO.yaml [--draws N] [--threads 1,2] [--repeat R] [--deterministic]
//                  [--dump DIR] [--csv FILE]
//
// --dump DIR writes the compiled SimInput as .npy arrays plus scenario.json, the input of
// sim_numpy.py (benchmarks/README.md lists the files). --deterministic turns every
// uncertainty off in memory (funds, participation, overruns, programme lead times at their
// expected values; no commune effects), so the projection is the same in every draw.
#include <omp.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "criteria/criteria_set.h"
#include "indicators/measure.h"
#include "io/load.h"
#include "report/results_output.h"
#include "scenario/scenario.h"
#include "sim/engine.h"

namespace fs = std::filesystem;
using namespace ntm;

namespace {

double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

long peak_rss_kib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;  // KiB on Linux
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// --- .npy writing (format version 1.0, little-endian, C order) -------------------------------

template <typename T>
const char* npy_descr();
template <>
const char* npy_descr<double>() {
    return "<f8";
}
template <>
const char* npy_descr<std::int64_t>() {
    return "<i8";
}
template <>
const char* npy_descr<std::int32_t>() {
    return "<i4";
}
template <>
const char* npy_descr<std::uint32_t>() {
    return "<u4";
}
template <>
const char* npy_descr<std::uint8_t>() {
    return "|u1";
}

template <typename T>
void write_npy(const fs::path& path, const std::vector<T>& data, std::vector<std::size_t> shape) {
    std::string dims;
    for (const auto d : shape) dims += std::to_string(d) + ", ";
    if (shape.size() > 1) dims.resize(dims.size() - 2);  // (n,) for one dimension
    std::string header = std::string("{'descr': '") + npy_descr<T>() +
                         "', 'fortran_order': False, 'shape': (" + dims + "), }";
    const std::size_t unpadded = 10 + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header += '\n';
    std::ofstream f(path, std::ios::binary);
    f.write("\x93NUMPY\x01\x00", 8);
    const auto len = static_cast<std::uint16_t>(header.size());
    const char len_bytes[2] = {static_cast<char>(len & 0xff), static_cast<char>(len >> 8)};
    f.write(len_bytes, 2);
    f << header;
    f.write(reinterpret_cast<const char*>(data.data()),
            static_cast<std::streamsize>(data.size() * sizeof(T)));
    if (!f) throw InputError(path.string() + ": could not write");
}

std::string json_number(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

std::string json_distribution(const scenario::Distribution& d) {
    const char* kind = "fixed";
    switch (d.kind) {
        case scenario::Distribution::Kind::Fixed:
            kind = "fixed";
            break;
        case scenario::Distribution::Kind::Normal:
            kind = "normal";
            break;
        case scenario::Distribution::Kind::Lognormal:
            kind = "lognormal";
            break;
        case scenario::Distribution::Kind::Triangular:
            kind = "triangular";
            break;
        case scenario::Distribution::Kind::Uniform:
            kind = "uniform";
            break;
        case scenario::Distribution::Kind::Beta:
            kind = "beta";
            break;
    }
    return std::string("{\"kind\": \"") + kind + "\", \"mean\": " + json_number(d.mean) +
           ", \"sd\": " + json_number(d.sd) + ", \"low\": " + json_number(d.low) +
           ", \"mode\": " + json_number(d.mode) + ", \"high\": " + json_number(d.high) +
           ", \"alpha\": " + json_number(d.alpha) + ", \"beta\": " + json_number(d.beta) + "}";
}

// The compiled input as plain arrays: what a draw-year reads, nothing else.
void dump(const sim::SimInput& in, const fs::path& dir) {
    fs::create_directories(dir);
    const std::size_t nc = in.communes.size(), nj = in.criteria_count(), ns = in.slots.size(),
                      Y = static_cast<std::size_t>(in.years);
    std::vector<std::int64_t> households(nc);
    std::vector<std::uint8_t> assessed(nc), has_status(nc * nj), status_met0(nc * nj),
        has_income(nc * nj);
    std::vector<std::int32_t> target_by(nc);
    std::vector<double> soft_lead(nc * nj), soft_background(nc * nj), soft_cost(nc * nj);
    for (std::size_t c = 0; c < nc; ++c) {
        const auto& ci = in.communes[c];
        households[c] = ci.households;
        assessed[c] = ci.assessed;
        target_by[c] = ci.target_by;
        for (std::size_t j = 0; j < nj; ++j) {
            const auto& p = ci.criteria[j];
            has_status[c * nj + j] = p.has_status;
            status_met0[c * nj + j] = p.status_met0;
            has_income[c * nj + j] = p.has_income;
            const auto& prog = in.scenario->programme(in.set->criteria[j].id);
            soft_lead[c * nj + j] = prog.lead_years.expected();
            soft_background[c * nj + j] = prog.background;
            soft_cost[c * nj + j] = prog.cost_bn;
        }
    }
    write_npy(dir / "commune_households.npy", households, {nc});
    write_npy(dir / "commune_assessed.npy", assessed, {nc});
    write_npy(dir / "commune_target_by.npy", target_by, {nc});
    write_npy(dir / "crit_has_status.npy", has_status, {nc, nj});
    write_npy(dir / "crit_status_met0.npy", status_met0, {nc, nj});
    write_npy(dir / "crit_has_income.npy", has_income, {nc, nj});
    write_npy(dir / "crit_soft_lead.npy", soft_lead, {nc, nj});
    write_npy(dir / "crit_soft_background.npy", soft_background, {nc, nj});
    write_npy(dir / "crit_soft_cost.npy", soft_cost, {nc, nj});

    std::vector<std::uint32_t> commune(ns), criterion(ns), first(ns), count(ns);
    std::vector<std::uint8_t> sector(ns), op(ns), measurable(ns);
    std::vector<double> x0(ns), D0(ns), threshold(ns * Y);
    for (std::size_t s = 0; s < ns; ++s) {
        const auto& sl = in.slots[s];
        commune[s] = sl.commune;
        criterion[s] = sl.criterion;
        sector[s] = static_cast<std::uint8_t>(sl.sector);
        op[s] = static_cast<std::uint8_t>(sl.op);
        measurable[s] = sl.measurable;
        x0[s] = sl.x0;
        D0[s] = sl.D0;
        first[s] = sl.first;
        count[s] = sl.count;
        for (std::size_t y = 0; y < Y; ++y) threshold[s * Y + y] = sl.threshold[y];
    }
    write_npy(dir / "slot_commune.npy", commune, {ns});
    write_npy(dir / "slot_criterion.npy", criterion, {ns});
    write_npy(dir / "slot_sector.npy", sector, {ns});
    write_npy(dir / "slot_op.npy", op, {ns});  // 0 >=, 1 >, 2 <=, 3 <, 4 ==
    write_npy(dir / "slot_measurable.npy", measurable, {ns});
    write_npy(dir / "slot_x0.npy", x0, {ns});
    write_npy(dir / "slot_D0.npy", D0, {ns});
    write_npy(dir / "slot_threshold.npy", threshold, {ns, Y});
    write_npy(dir / "slot_first.npy", first, {ns});
    write_npy(dir / "slot_count.npy", count, {ns});

    const std::size_t np = in.projects.size();
    std::vector<double> cost(np), dx(np), dD(np);
    for (std::size_t k = 0; k < np; ++k) {
        cost[k] = in.projects[k].cost_bn;
        dx[k] = in.projects[k].dx;
        dD[k] = in.projects[k].dD;
    }
    write_npy(dir / "project_cost_bn.npy", cost, {np});
    write_npy(dir / "project_dx.npy", dx, {np});
    write_npy(dir / "project_dD.npy", dD, {np});

    const auto& sc = *in.scenario;
    std::ostringstream j;
    j << "{\n  \"name\": \"" << sc.name << "\",\n  \"start\": " << in.start
      << ",\n  \"years\": " << in.years << ",\n  \"seed\": " << sc.seed
      << ",\n  \"communes\": " << nc << ",\n  \"criteria\": " << nj << ",\n  \"policy\": \""
      << scenario::policy_name(sc.policy)
      << "\",\n  \"sector_shares\": " << (sc.sector_shares ? "true" : "false")
      << ",\n  \"build_lag_years\": " << sc.build_lag_years
      << ",\n  \"income_growth\": " << (sc.income_growth ? "true" : "false")
      << ",\n  \"capacity_per_commune_bn\": " << json_number(sc.capacity_per_commune_bn)
      << ",\n  \"overrun\": " << json_distribution(sc.overrun) << ",\n  \"funding\": [";
    for (std::size_t i = 0; i < sc.funding.size(); ++i) {
        const auto& f = sc.funding[i];
        j << (i ? ",\n" : "\n") << "    {\"source\": \"" << scenario::source_name(f.source)
          << "\", \"amount\": " << json_number(f.amount)
          << ", \"growth\": " << json_number(f.growth)
          << ", \"uncertainty\": " << json_distribution(f.uncertainty)
          << ", \"per_household_mvnd\": "
          << json_number(f.per_household_mvnd + f.labour_days_per_household * f.labour_day_mvnd +
                         f.donated_land_m2_per_household * f.land_mvnd_per_m2)
          << ", \"participation\": " << json_distribution(f.participation)
          << ", \"repay_years\": " << f.repay_years << ", \"debt_cap\": " << json_number(f.debt_cap)
          << "}";
    }
    j << "\n  ]\n}\n";
    std::ofstream(dir / "scenario.json") << j.str();
}

// Every uncertainty at its expected value; soft hazards at 0 (nothing spent) or 1 (anything spent,
// or a base of at least a half), so every draw is the same projection.
void make_deterministic(scenario::Scenario& sc) {
    for (auto& f : sc.funding) {
        f.uncertainty = scenario::Distribution::fixed(
            f.uncertainty.is_fixed() ? f.uncertainty.mean : f.uncertainty.expected());
        f.participation = scenario::Distribution::fixed(f.participation.expected());
    }
    sc.overrun = scenario::Distribution::fixed(1);
    sc.income_growth.reset();
    auto fix = [](scenario::SoftProgramme& p) {
        p.lead_years = scenario::Distribution::fixed(p.lead_years.expected());
    };
    fix(sc.soft_default);
    for (auto& [id, p] : sc.soft) fix(p);
    sc.commune_effect_sd = 0;
}

std::vector<int> parse_list(const std::string& s) {
    std::vector<int> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) out.push_back(std::stoi(item));
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> pos;
    int draws = 0, repeat = 1;
    std::vector<int> threads = {1, 2};
    std::string dump_dir, csv_path;
    bool deterministic = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "bench_simulate: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--draws")
            draws = std::stoi(value());
        else if (a == "--threads")
            threads = parse_list(value());
        else if (a == "--repeat")
            repeat = std::stoi(value());
        else if (a == "--dump")
            dump_dir = value();
        else if (a == "--csv")
            csv_path = value();
        else if (a == "--deterministic")
            deterministic = true;
        else if (a == "-h" || a == "--help") {
            std::printf(
                "bench_simulate AREA SCENARIO.yaml [--draws N] [--threads 1,2] [--repeat R] "
                "[--deterministic] [--dump DIR] [--csv FILE]\n");
            return 0;
        } else
            pos.push_back(a);
    }
    if (pos.size() != 2 || threads.empty() || repeat < 1) {
        std::fprintf(stderr,
                     "usage: bench_simulate AREA SCENARIO.yaml [--draws N] [--threads 1,2] "
                     "[--repeat R] [--deterministic] [--dump DIR] [--csv FILE]\n");
        return 2;
    }
    try {
        const auto t_load = std::chrono::steady_clock::now();
        const auto loaded = io::load_study_area(pos[0]);
        if (loaded.problems.has_errors())
            throw InputError(pos[0] + ": the study area has errors (ntmsim validate lists them)");
        const auto measures = indicators::measure_area(loaded.area);
        auto sc = scenario::load_scenario(pos[1]);
        if (draws > 0) sc.draws = draws;
        if (deterministic) make_deterministic(sc);
        const auto set = criteria::load_criteria_set(sc.criteria);
        const auto t_compile = std::chrono::steady_clock::now();
        const auto in = sim::compile(loaded.area, measures, set, sc, loaded.area.layers);
        const double compile_s = seconds_since(t_compile);
        const double prepare_s = seconds_since(t_load);
        const std::size_t nc = in.communes.size();
        const auto n = static_cast<double>(nc) * in.years * sc.draws;
        std::printf(
            "area %s: %zu communes, %zu slots, %zu projects; scenario %s: %d years × %d draws = "
            "%.3g commune-year-draws\n",
            pos[0].c_str(), nc, in.slots.size(), in.projects.size(), sc.name.c_str(), in.years,
            sc.draws, n);
        std::printf("load + measure + compile %.2f s (compile %.3f s), peak RSS %.1f MiB\n",
                    prepare_s, compile_s, static_cast<double>(peak_rss_kib()) / 1024);
        if (!dump_dir.empty()) {
            dump(in, dump_dir);
            std::printf("compiled input written to %s/\n", dump_dir.c_str());
        }

        std::vector<sim::Aggregate> results;
        std::vector<double> best,
            best_cpu;  // wall; CPU seconds of the process (all threads) in the best run
        for (const int t : threads) {
            omp_set_num_threads(t);
            double b = 1e300, b_cpu = 0;
            sim::Aggregate agg;
            for (int r = 0; r < repeat; ++r) {
                const double cpu0 = cpu_seconds();
                const auto t0 = std::chrono::steady_clock::now();
                agg = sim::simulate(in, 0, static_cast<std::uint32_t>(sc.draws));
                const double wall = seconds_since(t0);
                if (wall < b) {
                    b = wall;
                    b_cpu = cpu_seconds() - cpu0;
                }
            }
            best.push_back(b);
            best_cpu.push_back(b_cpu);
            results.push_back(std::move(agg));
        }
        const long rss = peak_rss_kib();
        bool same = true;
        for (std::size_t i = 1; i < results.size(); ++i) same = same && results[i] == results[0];

        std::printf(
            "\n| threads | wall s | ns per commune-year-draw | speed-up | CPU s "
            "|\n|---:|---:|---:|---:|---:|\n");
        for (std::size_t i = 0; i < threads.size(); ++i)
            std::printf("| %d | %.3f | %.1f | %.2f× | %.3f |\n", threads[i], best[i],
                        best[i] * 1e9 / n, best[0] / best[i], best_cpu[i]);
        std::printf("\nload average %s", [] {
            static char buf[64] = "?";
            if (FILE* f = std::fopen("/proc/loadavg", "r")) {
                if (!std::fgets(buf, sizeof buf, f)) buf[0] = 0;
                std::fclose(f);
            }
            return buf;
        }());
        std::printf("\npeak RSS %.1f MiB; aggregates %s across thread counts\n",
                    static_cast<double>(rss) / 1024, same ? "identical" : "DIFFER");
        std::printf("expected communes at the standard by year:");
        for (std::size_t y = 0; y < results[0].years; ++y)
            std::printf(" %.3f", report::expected_reached(results[0], y));
        std::printf("\n");
        if (!csv_path.empty()) {
            std::ofstream f(csv_path);
            f << "threads,wall_s,ns_per_cyd,speedup,cpu_s,peak_rss_mib,communes,years,draws,"
                 "identical\n";
            for (std::size_t i = 0; i < threads.size(); ++i) {
                f << threads[i] << ',' << best[i] << ',' << best[i] * 1e9 / n << ','
                  << best[0] / best[i] << ',' << best_cpu[i] << ','
                  << static_cast<double>(rss) / 1024 << ',' << nc << ',' << in.years << ','
                  << sc.draws << ',' << (same ? 1 : 0) << '\n';
            }
            // Expected communes at the standard (in the year, and reached by the year), for the
            // peer check.
            std::ofstream e(fs::path(csv_path).replace_extension(".expected.csv"));
            e << "year,at_standard,reached\n";
            const auto& agg = results[0];
            for (std::size_t y = 0; y < agg.years; ++y) {
                std::uint64_t at = 0;
                for (std::size_t c = 0; c < agg.communes; ++c) at += agg.at_standard[agg.cy(c, y)];
                char line[128];
                std::snprintf(line, sizeof line, "%zu,%.12f,%.12f\n", in.start + y,
                              static_cast<double>(at) / static_cast<double>(agg.draws),
                              report::expected_reached(agg, y));
                e << line;
            }
        }
        return same ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_simulate: %s\n", e.what());
        return 1;
    }
}
