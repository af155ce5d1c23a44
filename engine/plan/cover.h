#pragma once
// The least cost of meeting one indicator: which of its candidate works, each with a gain towards
// the threshold and a cost, cover a shortfall at the least total cost (a covering knapsack).
//
// The model (model.cpp) uses the bound to state what meeting an indicator costs at least, which the
// linear relaxation cannot see by itself: it pays a fraction of the last school or canal, while a
// plan pays for whole works. The greedy start (greedy.cpp) pays the cover itself.
//
// Thread contract: pure functions, safe to call from any thread.
#include <cstddef>
#include <vector>

namespace ntm::plan {

inline constexpr std::size_t kCoverWork = std::size_t{1} << 23;

struct CoverItem {
    double gain = 0;  // towards the threshold, in the units of the shortfall
    double cost = 0;  // bn, ≥ 0
};

// A lower bound on the least cost of items whose gains add up to at least `shortfall` (+inf when
// all of them together fall short), never above the true least cost. Exact up to 24 items with a
// gain (every subset of each half, met in the middle); beyond, dynamic programming over the
// shortfall cut into steps (about `work` cell updates) with the gains rounded up to whole steps,
// within that rounding below the least cost. Items with no gain are ignored.
double least_cover_cost(const std::vector<CoverItem>& items, double shortfall,
                        std::size_t work = kCoverWork);

// A true cover (its gains add up to the shortfall) and cheap: the cheapest up to 24 items; beyond,
// the cheapest up to the rounding with the gains rounded down this time, then improved in true
// arithmetic by exchanging up to two items for up to two others (or none). Empty when nothing is
// needed or the items fall short.
struct Cover {
    std::vector<std::size_t> chosen;  // indices in `items`, ascending
    double cost = 0;
};
Cover cheap_cover(const std::vector<CoverItem>& items, double shortfall,
                  std::size_t work = kCoverWork);

}  // namespace ntm::plan
