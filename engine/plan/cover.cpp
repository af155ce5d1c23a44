#include "plan/cover.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

namespace ntm::plan {

namespace {

constexpr double kNone = std::numeric_limits<double>::infinity();
constexpr std::size_t kNoItem = std::numeric_limits<std::size_t>::max();
constexpr int kMaxExchanges = 200;

// least[k]: the least cost of gaining at least k steps (k = need: need or more), over items whose
// gains are already in whole steps. With `took`, records for each item and state whether the item
// improved it, and where the capped state came from, so a cheapest set can be read back.
struct Steps {
    std::vector<double> least;
    std::vector<std::uint64_t> took;       // [item][state] bits
    std::vector<std::size_t> capped_from;  // [item]: the state the capped state was reached from
    std::size_t states = 0;

    Steps(const std::vector<std::size_t>& steps, const std::vector<double>& cost, std::size_t need,
          bool record) {
        states = need + 1;
        least.assign(states, kNone);
        least[0] = 0;
        const std::size_t words = (states + 63) / 64;
        if (record) {
            took.assign(steps.size() * words, 0);
            capped_from.assign(steps.size(), 0);
        }
        for (std::size_t n = 0; n < steps.size(); ++n) {
            const std::size_t g = std::min(steps[n], need);
            if (g == 0) continue;
            // Descending, so each item is used at most once.
            for (std::size_t k = need + 1; k-- > 0;) {
                if (least[k] == kNone) continue;
                const std::size_t to = std::min(need, k + g);
                const double c = least[k] + cost[n];
                if (c < least[to]) {
                    least[to] = c;
                    if (record) {
                        took[n * words + to / 64] |= std::uint64_t{1} << (to % 64);
                        if (to == need) capped_from[n] = k;
                    }
                }
            }
        }
    }

    // The items of the cheapest set reaching `need`, read back from the last item to the first.
    std::vector<std::size_t> chosen(std::size_t n_items, const std::vector<std::size_t>& steps,
                                    std::size_t need) const {
        std::vector<std::size_t> out;
        const std::size_t words = (states + 63) / 64;
        std::size_t k = need;
        for (std::size_t n = n_items; n-- > 0 && k > 0;) {
            if (!((took[n * words + k / 64] >> (k % 64)) & 1)) continue;
            out.push_back(n);
            k = k == need ? capped_from[n] : k - std::min(steps[n], need);
        }
        return out;
    }
};

// The items with a gain, their total gain, and the shortfall cut into steps.
struct Scaled {
    std::vector<std::size_t> useful;
    std::vector<double> cost;
    std::vector<std::size_t> up, down;  // gains in steps, rounded up and down
    double all = 0;
    std::size_t cells = 0;

    Scaled(const std::vector<CoverItem>& items, double shortfall, std::size_t work) {
        for (std::size_t n = 0; n < items.size(); ++n)
            if (items[n].gain > 0) {
                useful.push_back(n);
                all += items[n].gain;
            }
        cells = std::clamp<std::size_t>(work / std::max<std::size_t>(useful.size(), 1), 1 << 10,
                                        1 << 20);
        const double step = shortfall / static_cast<double>(cells);
        for (const auto n : useful) {
            const double g = std::min(items[n].gain, shortfall) / step;
            cost.push_back(items[n].cost);
            up.push_back(static_cast<std::size_t>(std::ceil(g)));
            down.push_back(static_cast<std::size_t>(std::floor(g)));
        }
    }
};

// The exact least cost when there are few items: every subset of each half, met in the middle.
// Returns the cost (+inf: none reaches `need`) and the chosen items (positions in `gain`).
constexpr std::size_t kExactItems = 24;

std::pair<double, std::vector<std::size_t>> split_search(const std::vector<double>& gain,
                                                         const std::vector<double>& cost,
                                                         double need) {
    const std::size_t n = gain.size(), half = n / 2;
    struct Subset {
        double gain = 0, cost = 0;
        std::uint32_t mask = 0;
    };
    auto all_of = [&](std::size_t from, std::size_t to) {
        std::vector<Subset> out{Subset{}};
        for (std::size_t k = from; k < to; ++k) {
            const std::size_t size = out.size();
            for (std::size_t s = 0; s < size; ++s)
                out.push_back({out[s].gain + gain[k], out[s].cost + cost[k],
                               out[s].mask | (std::uint32_t{1} << (k - from))});
        }
        return out;
    };
    const auto left = all_of(0, half);
    auto right = all_of(half, n);
    std::stable_sort(right.begin(), right.end(),
                     [](const Subset& a, const Subset& b) { return a.gain < b.gain; });
    // cheapest_from[k]: the cheapest right subset gaining at least right[k].gain.
    std::vector<std::size_t> cheapest_from(right.size());
    for (std::size_t k = right.size(); k-- > 0;)
        cheapest_from[k] = k + 1 < right.size() && right[cheapest_from[k + 1]].cost < right[k].cost
                               ? cheapest_from[k + 1]
                               : k;
    double best = kNone;
    std::uint32_t best_left = 0, best_right = 0;
    for (const auto& l : left) {
        const auto at = std::lower_bound(right.begin(), right.end(), need - l.gain,
                                         [](const Subset& x, double v) { return x.gain < v; });
        if (at == right.end()) continue;
        const auto& r = right[cheapest_from[static_cast<std::size_t>(at - right.begin())]];
        if (l.cost + r.cost < best) {
            best = l.cost + r.cost;
            best_left = l.mask;
            best_right = r.mask;
        }
    }
    std::vector<std::size_t> chosen;
    for (std::size_t k = 0; k < n; ++k)
        if (k < half ? (best_left >> k) & 1 : (best_right >> (k - half)) & 1) chosen.push_back(k);
    return {best, chosen};
}

}  // namespace

double least_cover_cost(const std::vector<CoverItem>& items, double shortfall, std::size_t work) {
    if (!(shortfall > 0)) return 0;
    const Scaled s(items, shortfall, work);
    if (s.all < shortfall) return kNone;
    if (s.useful.size() <= kExactItems) {
        std::vector<double> gain;
        for (const auto n : s.useful) gain.push_back(items[n].gain);
        // A hair below the shortfall, so rounding in the sums never loses a true cover.
        return split_search(gain, s.cost, shortfall * (1 - 1e-12)).first;
    }
    // One step is given away for floating-point error, so every true cover is a cover here too.
    return Steps(s.up, s.cost, s.cells - 1, false).least[s.cells - 1];
}

Cover cheap_cover(const std::vector<CoverItem>& items, double shortfall, std::size_t work) {
    Cover out;
    if (!(shortfall > 0)) return out;
    const Scaled s(items, shortfall, work);
    if (s.all < shortfall) return out;
    const auto& useful = s.useful;
    const auto& cost = s.cost;
    const std::size_t cells = s.cells;
    const double all = s.all;
    std::vector<char> in(useful.size(), 0);
    double gain = 0;
    if (useful.size() <= kExactItems) {
        std::vector<double> gains;
        for (const auto n : useful) gains.push_back(items[n].gain);
        for (const auto n : split_search(gains, cost, shortfall).second) {
            in[n] = 1;
            gain += gains[n];
        }
    } else if (const Steps dp(s.down, cost, cells, true); dp.least[cells] == kNone) {
        // Rounding down lost too much (many tiny gains): take them all, then drop what is not
        // needed.
        std::fill(in.begin(), in.end(), 1);
        gain = all;
    } else {
        for (const auto n : dp.chosen(useful.size(), s.down, cells)) {
            in[n] = 1;
            gain += items[useful[n]].gain;
        }
    }
    // Improve in true arithmetic: exchange up to two items of the cover for up to two outside
    // (none: a drop) while the shortfall stays covered, the exchange saving most first, until none
    // saves anything. With road pieces, whose cost follows their length, this brings the cover's
    // excess over the shortfall down to a sliver.
    auto g_of = [&](std::size_t n) { return items[useful[n]].gain; };
    struct Group {
        double gain = 0, cost = 0;
        std::size_t a = kNoItem, b = kNoItem;
    };
    auto groups = [&](char member) {
        std::vector<Group> out_groups{Group{}};
        for (std::size_t a = 0; a < useful.size(); ++a) {
            if (in[a] != member) continue;
            out_groups.push_back({g_of(a), cost[a], a, kNoItem});
            for (std::size_t b = a + 1; b < useful.size(); ++b)
                if (in[b] == member)
                    out_groups.push_back({g_of(a) + g_of(b), cost[a] + cost[b], a, b});
        }
        return out_groups;
    };
    for (int round = 0; round < kMaxExchanges; ++round) {
        const auto leave = groups(1);
        auto enter = groups(0);
        // Outside groups by gain, with the cheapest of those gaining at least as much.
        std::stable_sort(enter.begin(), enter.end(),
                         [](const Group& x, const Group& y) { return x.gain < y.gain; });
        std::vector<std::size_t> cheapest_from(enter.size());
        for (std::size_t k = enter.size(); k-- > 0;)
            cheapest_from[k] =
                k + 1 < enter.size() && enter[cheapest_from[k + 1]].cost <= enter[k].cost
                    ? cheapest_from[k + 1]
                    : k;
        double best = 0;
        const Group* best_leave = nullptr;
        const Group* best_enter = nullptr;
        for (const auto& l : leave) {
            const double needed = shortfall - (gain - l.gain);
            const auto at = std::lower_bound(enter.begin(), enter.end(), needed,
                                             [](const Group& x, double v) { return x.gain < v; });
            if (at == enter.end()) continue;
            const auto& e = enter[cheapest_from[static_cast<std::size_t>(at - enter.begin())]];
            if (l.cost - e.cost > best && gain - l.gain + e.gain >= shortfall) {
                best = l.cost - e.cost;
                best_leave = &l;
                best_enter = &e;
            }
        }
        if (!best_leave) break;
        for (const auto n : {best_leave->a, best_leave->b})
            if (n != kNoItem) {
                in[n] = 0;
                gain -= g_of(n);
            }
        for (const auto n : {best_enter->a, best_enter->b})
            if (n != kNoItem) {
                in[n] = 1;
                gain += g_of(n);
            }
    }
    for (std::size_t n = 0; n < useful.size(); ++n)
        if (in[n]) {
            out.chosen.push_back(useful[n]);
            out.cost += cost[n];
        }
    return out;
}

}  // namespace ntm::plan
