#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/error.h"
#include "core/progress.h"
#include "core/text.h"
#include "indicators/measure.h"
#include "io/load.h"

namespace po = boost::program_options;

namespace ntm::cli {

namespace {
std::string km(double m) { return format_fixed(m / 1000.0, 2); }
std::string ha(double m2) { return format_fixed(m2 / 1e4, 1); }

void print_layers(const indicators::Inventory& inv, const char* title) {
    std::printf("%s\n\nRoads (km)\n", title);
    std::printf("  %-14s", "class");
    for (const auto s : kSurfaces) std::printf(" %10s", std::string(token(s)).c_str());
    std::printf(" %10s %9s\n", "total", "hardened");
    for (const auto c : kRoadClasses) {
        const auto& row = inv.road_m[static_cast<std::size_t>(c)];
        double total = 0, hard = 0;
        std::printf("  %-14s", std::string(token(c)).c_str());
        for (const auto s : kSurfaces) {
            const double v = row[static_cast<std::size_t>(s)];
            total += v;
            if (is_hardened(s)) hard += v;
            std::printf(" %10s", km(v).c_str());
        }
        std::printf(" %10s %8s%%\n", km(total).c_str(),
                    total > 0 ? format_fixed(100 * hard / total, 1).c_str() : "-");
    }
    std::printf("  %-14s %54s\n", "all", km(inv.road_total_m()).c_str());
    std::printf("\nCanals (km)\n  %-14s %10s %10s %10s\n", "level", "lined", "unlined", "total");
    for (const auto l : kCanalLevels) {
        const auto& row = inv.canal_m[static_cast<std::size_t>(l)];
        std::printf("  %-14s %10s %10s %10s\n", std::string(token(l)).c_str(), km(row[1]).c_str(),
                    km(row[0]).c_str(), km(row[0] + row[1]).c_str());
    }
    std::printf("\nFarmland (ha)\n");
    for (const auto u : kLandUses)
        std::printf("  %-14s %10s\n", std::string(token(u)).c_str(),
                    ha(inv.farmland_m2[static_cast<std::size_t>(u)]).c_str());
    std::printf("  %-14s %10s\n", "all", ha(inv.farmland_total_m2()).c_str());
    std::printf("\nSchools (meeting the standard / all)\n");
    for (const auto l : kSchoolLevels) {
        const auto& row = inv.schools[static_cast<std::size_t>(l)];
        std::printf("  %-22s %5lld / %lld\n", std::string(token(l)).c_str(), row[1],
                    row[0] + row[1]);
    }
    std::printf("\nFacilities (meeting the standard / all)\n");
    for (const auto k : kFacilityKinds) {
        const auto& row = inv.facilities[static_cast<std::size_t>(k)];
        std::printf("  %-22s %5lld / %lld\n", std::string(token(k)).c_str(), row[1],
                    row[0] + row[1]);
    }
    std::printf("\nPopulation %lld, households %lld, area %s km²\n", inv.population, inv.households,
                format_fixed(inv.area_m2 / 1e6, 2).c_str());
}

long long count(const std::array<std::array<long long, 2>, kSchoolLevels.size()>& a, int which) {
    long long n = 0;
    for (const auto& row : a)
        n += which < 0 ? row[0] + row[1] : row[static_cast<std::size_t>(which)];
    return n;
}

double hardened(const indicators::Inventory& inv) {
    double hard = 0;
    for (const auto& row : inv.road_m)
        for (const auto s : kSurfaces)
            if (is_hardened(s)) hard += row[static_cast<std::size_t>(s)];
    return hard;
}

double lined(const indicators::Inventory& inv) {
    double m = 0;
    for (const auto& row : inv.canal_m) m += row[1];
    return m;
}
}  // namespace

int cmd_info(const Args& args) {
    po::options_description opts(
        "ntmsim info AREA [options]\n\n"
        "What a study area holds, per layer and per commune: km of road "
        "by class and surface, km of canal\nlined and unlined, ha of "
        "farmland, schools by level and standard, facilities by kind, "
        "population.\nLines and polygons are clipped to each commune.\n\n"
        "Options");
    std::string area_path, format = "text";
    int threads = 0;
    opts.add_options()("help,h", "show this help")(
        "format", po::value(&format),
        "text (default) or csv: one row per commune, then 'inside' "
        "(sum over communes) and 'layer' (each layer's own totals)")(
        "threads", po::value(&threads), "threads to use (default: all cores)")(
        "quiet,q", "no progress (it is shown on a terminal only)");
    po::variables_map vm;
    if (!parse_args(args, opts, "area", po::value(&area_path), 1, vm)) return kExitOk;
    if (area_path.empty()) throw UsageError("give the study area: ntmsim info AREA");
    if (vm.count("quiet")) Progress::set_enabled(false);
    if (format != "text" && format != "csv") throw UsageError("--format is text or csv");
    set_threads(threads);

    const auto result = io::load_study_area(area_path);
    const auto& area = result.area;
    if (area.communes.empty()) {
        for (const auto& p : result.problems.items()) std::fprintf(stderr, "%s\n", p.str().c_str());
        throw InputError(area_path + ": no communes could be read");
    }
    if (result.problems.errors()) {
        std::fprintf(stderr,
                     "warning: %zu problem(s) in the input; figures cover what could be read. "
                     "Run 'ntmsim validate %s' for the list.\n",
                     result.problems.errors(), area_path.c_str());
    }
    const auto inv = indicators::take_inventory(area);

    if (format == "csv") {
        std::printf("code,name,kind,population,households,area_km2");
        for (const auto c : kRoadClasses)
            for (const auto s : kSurfaces)
                std::printf(",road_%s_%s_km", std::string(token(c)).c_str(),
                            std::string(token(s)).c_str());
        for (const auto l : kCanalLevels)
            std::printf(",canal_%s_lined_km,canal_%s_unlined_km", std::string(token(l)).c_str(),
                        std::string(token(l)).c_str());
        for (const auto u : kLandUses)
            std::printf(",farmland_%s_ha", std::string(token(u)).c_str());
        for (const auto l : kSchoolLevels)
            std::printf(",schools_%s_standard,schools_%s_all", std::string(token(l)).c_str(),
                        std::string(token(l)).c_str());
        for (const auto k : kFacilityKinds)
            std::printf(",%s_standard,%s_all", std::string(token(k)).c_str(),
                        std::string(token(k)).c_str());
        std::printf("\n");
        auto row = [](const std::string& code, const std::string& name, const std::string& kind,
                      const indicators::Inventory& v) {
            auto quote = [](const std::string& s) {
                std::string q = "\"";
                for (const char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
                return q + "\"";
            };
            std::printf("%s,%s,%s,%lld,%lld,%s", quote(code).c_str(), quote(name).c_str(),
                        kind.c_str(), v.population, v.households,
                        format_fixed(v.area_m2 / 1e6, 6).c_str());
            for (const auto& r : v.road_m)
                for (const double m : r) std::printf(",%s", format_fixed(m / 1000, 6).c_str());
            for (const auto& r : v.canal_m)
                std::printf(",%s,%s", format_fixed(r[1] / 1000, 6).c_str(),
                            format_fixed(r[0] / 1000, 6).c_str());
            for (const double m2 : v.farmland_m2)
                std::printf(",%s", format_fixed(m2 / 1e4, 6).c_str());
            for (const auto& r : v.schools) std::printf(",%lld,%lld", r[1], r[0] + r[1]);
            for (const auto& r : v.facilities) std::printf(",%lld,%lld", r[1], r[0] + r[1]);
            std::printf("\n");
        };
        for (std::size_t i = 0; i < area.communes.size(); ++i) {
            const auto& c = area.communes[i];
            row(c.code, c.name, std::string(token(c.kind)), inv.communes[i]);
        }
        row("inside", "sum over communes", "", inv.total);
        row("layer", "each layer's own totals", "", inv.layers);
        return kExitOk;
    }

    std::printf("Study area: %s (%s), %zu communes, CRS %s\n\n", area.name.c_str(),
                area.source.c_str(), area.communes.size(), area.crs.label().c_str());
    print_layers(inv.layers, "Layer totals");
    std::printf("\nPer commune (lines and polygons clipped to the commune)\n");
    std::printf("%-8s %-16s %-9s %8s %8s %9s %6s %9s %9s %9s %8s %6s\n", "code", "name", "kind",
                "pop", "km²", "road km", "hard%", "canal km", "lined km", "farm ha", "schools",
                "facil");
    for (std::size_t i = 0; i < area.communes.size(); ++i) {
        const auto& c = area.communes[i];
        const auto& v = inv.communes[i];
        const double road = v.road_total_m();
        std::printf(
            "%s %s %-9s %8lld %8s %9s %6s %9s %9s %9s %8s %6lld\n", pad_right(c.code, 8).c_str(),
            pad_right(c.name, 16).c_str(), std::string(token(c.kind)).c_str(), v.population,
            format_fixed(v.area_m2 / 1e6, 2).c_str(), km(road).c_str(),
            road > 0 ? format_fixed(100 * hardened(v) / road, 1).c_str() : "-",
            km(v.canal_total_m()).c_str(), km(lined(v)).c_str(), ha(v.farmland_total_m2()).c_str(),
            (std::to_string(count(v.schools, 1)) + "/" + std::to_string(count(v.schools, -1)))
                .c_str(),
            [&] {
                long long n = 0;
                for (const auto& r : v.facilities) n += r[0] + r[1];
                return n;
            }());
    }
    const double outside_road = inv.layers.road_total_m() - inv.total.road_total_m();
    std::printf("\nInside the communes: %s km of road, %s km of canal, %s ha of farmland",
                km(inv.total.road_total_m()).c_str(), km(inv.total.canal_total_m()).c_str(),
                ha(inv.total.farmland_total_m2()).c_str());
    if (std::abs(outside_road) > 1)
        std::printf(" (%s km of road outside every commune)", km(outside_road).c_str());
    std::printf("\n");
    return kExitOk;
}

}  // namespace ntm::cli
