// ntmsim's side of the peer comparison (benchmarks/peers/README.md): loads a study area once, then
// times one indicator task at a time on the layers that task reads, for each thread count, and
// writes the per-commune values at full precision for the equality check against the peers.
//
//   bench_indicators AREA --task load|roads|points|served [--threads 1,2] [--repeat R]
//                    [--out VALUES.csv]
//
// Tasks (the same work every peer does; docs in benchmarks/peers/README.md):
//   load    read the GeoPackage into memory (every layer, checked and in the working CRS)
//   roads   road length per commune and class, clipped to the commune
//   points  schools per commune (point in polygon) and the distance from each commune's centroid
//           to the nearest school meeting the standard
//   served  farmland within the service width of a lined canal, per commune (strips unioned,
//           farmland clipped to the commune): the area holds only lined canals, so no marginal
//           credits are computed
// Prints one JSON object per (task, threads) on standard output: {"task", "threads", "seconds"
// (best of R), "peak_rss_kib"}.
#include <omp.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "indicators/measure.h"
#include "io/load.h"

using namespace ntm;

namespace {

long peak_rss_kib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;  // KiB on Linux
}

std::vector<int> parse_threads(const std::string& s) {
    std::vector<int> out;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, ',')) out.push_back(std::stoi(item));
    if (out.empty()) throw UsageError("--threads takes a list like 1,2");
    return out;
}

// The area with only the layers a task reads (the others empty), so measure_area does that
// task's work and nothing else.
StudyArea subset(const StudyArea& full, const std::string& task) {
    StudyArea a;
    a.name = full.name;
    a.crs = full.crs;
    a.communes = full.communes;
    if (task == "roads") a.roads = full.roads;
    if (task == "points") a.schools = full.schools;
    if (task == "served") {
        a.farmland = full.farmland;
        for (const auto& c : full.canals)
            if (c.lined) a.canals.push_back(c);
    }
    a.rebuild_index();
    return a;
}

void write_values(const std::string& path, const std::string& task, const StudyArea& area,
                  const indicators::AreaMeasures& m) {
    std::ofstream out(path);
    if (!out) throw InputError("cannot write " + path);
    out << "code,key,value\n";
    char buf[64];
    auto put = [&](const std::string& code, const std::string& key, double v) {
        std::snprintf(buf, sizeof buf, "%.17g", v);
        out << code << ',' << key << ',' << buf << '\n';
    };
    for (std::size_t i = 0; i < area.communes.size(); ++i) {
        const auto& code = area.communes[i].code;
        const auto& inv = m.communes[i];
        if (task == "roads") {
            for (std::size_t c = 0; c < kRoadClasses.size(); ++c) {
                double total = 0;
                for (const double v : inv.road_m[c]) total += v;
                if (total > 0)
                    put(code, std::string("road_").append(token(kRoadClasses[c])), total);
            }
        } else if (task == "points") {
            long long all = 0, standard = 0;
            for (const auto& level : inv.schools) {
                all += level[0] + level[1];
                standard += level[1];
            }
            put(code, "schools", static_cast<double>(all));
            put(code, "schools_standard", static_cast<double>(standard));
            if (inv.nearest_standard_school_m >= 0)
                put(code, "nearest_standard_school_m", inv.nearest_standard_school_m);
        } else if (task == "served") {
            put(code, "served_m2", inv.served_m2);
        }
    }
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
    try {
        if (argc < 2 || std::strcmp(argv[1], "--help") == 0) {
            std::fputs(
                "usage: bench_indicators AREA --task load|roads|points|served [--threads 1,2] "
                "[--repeat R] [--out VALUES.csv]\n",
                stderr);
            return 2;
        }
        const std::string path = argv[1];
        std::string task, out_path;
        std::vector<int> threads{1, 2};
        int repeat = 1;
        for (int i = 2; i < argc; ++i) {
            const std::string a = argv[i];
            if (i + 1 >= argc) throw UsageError(a + " takes a value");
            if (a == "--task")
                task = argv[++i];
            else if (a == "--threads")
                threads = parse_threads(argv[++i]);
            else if (a == "--repeat")
                repeat = std::stoi(argv[++i]);
            else if (a == "--out")
                out_path = argv[++i];
            else
                throw UsageError("unknown option " + a);
        }
        if (task != "load" && task != "roads" && task != "points" && task != "served")
            throw UsageError("--task takes load, roads, points or served");

        for (const int t : threads) {
            omp_set_num_threads(t);
            double best = -1;
            if (task == "load") {
                for (int r = 0; r < repeat; ++r) {
                    const auto t0 = std::chrono::steady_clock::now();
                    const auto loaded = io::load_study_area(path);
                    const double s = seconds_since(t0);
                    if (loaded.problems.errors() > 0)
                        throw InputError(path + " has errors: run ntmsim validate");
                    if (best < 0 || s < best) best = s;
                }
            } else {
                const auto loaded = io::load_study_area(path);
                if (loaded.problems.errors() > 0)
                    throw InputError(path + " has errors: run ntmsim validate");
                const StudyArea area = subset(loaded.area, task);
                indicators::MeasureOptions options;
                options.served = task == "served";
                indicators::AreaMeasures m;
                for (int r = 0; r < repeat; ++r) {
                    const auto t0 = std::chrono::steady_clock::now();
                    m = indicators::measure_area(area, options);
                    const double s = seconds_since(t0);
                    if (best < 0 || s < best) best = s;
                }
                if (!out_path.empty() && t == threads.front())
                    write_values(out_path, task, area, m);
            }
            std::printf(
                "{\"task\": \"%s\", \"threads\": %d, \"seconds\": %.6f, \"peak_rss_kib\": %ld}\n",
                task.c_str(), t, best, peak_rss_kib());
            std::fflush(stdout);
        }
        return 0;
    } catch (const UsageError& e) {
        std::fprintf(stderr, "bench_indicators: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_indicators: %s\n", e.what());
        return 1;
    }
}
