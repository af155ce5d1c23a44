#include "sim/targets.h"

#include <omp.h>

#include <algorithm>

#include "sim/engine.h"

namespace ntm::sim {

TargetOdds target_odds(const SimInput& in, std::uint32_t draws) {
    TargetOdds out;
    out.draws = draws;
    std::vector<std::uint32_t> communes;
    for (std::uint32_t c = 0; c < in.communes.size(); ++c)
        if (in.communes[c].target_by != 0) communes.push_back(c);
    std::sort(communes.begin(), communes.end(), [&](std::uint32_t a, std::uint32_t b) {
        return in.communes[a].rank < in.communes[b].rank;
    });
    for (const auto c : communes) {
        const auto& ci = in.communes[c];
        const bool counted = in.schedule.empty() || in.scheduled[c];
        out.targets.push_back(
            {c, ci.target_by, ci.min_criteria, ci.min_criteria_by, 0, 0, 0, counted});
    }
    const std::size_t nt = out.targets.size();
    // Per draw and target: bit 0 the standard by its year, bit 1 the count by its year.
    std::vector<std::uint8_t> met(std::size_t{draws} * nt, 0);
    const int last = in.start + in.years - 1;
#pragma omp parallel
    {
        DrawRunner runner(in);
        Aggregate agg(in);
#pragma omp for schedule(dynamic, 1)
        for (long long d = 0; d < static_cast<long long>(draws); ++d) {
            runner.run(static_cast<std::uint32_t>(d), agg);
            for (std::size_t k = 0; k < nt; ++k) {
                const auto& t = out.targets[k];
                const int reached = runner.reached_year(t.commune);
                const bool standard = reached >= 0 && in.start + reached <= t.by;
                bool count = true;
                if (t.min_criteria > 0) {
                    const int y = std::min(t.min_criteria_by, last) - in.start;
                    count = y >= 0 && runner.met_count(t.commune, y) >= t.min_criteria;
                }
                met[static_cast<std::size_t>(d) * nt + k] =
                    static_cast<std::uint8_t>((standard ? 1 : 0) | (count ? 2 : 0));
            }
        }
    }
    for (std::uint32_t d = 0; d < draws; ++d) {
        bool all = true;
        for (std::size_t k = 0; k < nt; ++k) {
            const auto m = met[std::size_t{d} * nt + k];
            out.targets[k].standard += m & 1;
            out.targets[k].count += (m >> 1) & 1;
            out.targets[k].both += m == 3;
            all = all && (m == 3 || !out.targets[k].counted);
        }
        out.all += all;
    }
    return out;
}

}  // namespace ntm::sim
