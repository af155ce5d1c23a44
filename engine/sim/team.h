#pragma once
// The processes that share one `simulate` job: this process alone, or the ranks of an MPI job
// (dist/mpi_team.h, docs/scale.md). The job's code is written once against this interface; the
// single-process team below does each step in place, so a run without MPI is the plain run.
//
// Contract for the MPI team: every rank calls the same members in the same order (they are
// collective), and work that may throw runs inside agree(), so that a failure on one rank ends
// every rank with the same error instead of leaving the others waiting.
#include <cstdint>
#include <functional>
#include <utility>

#include "core/error.h"
#include "sim/aggregate.h"
#include "sim/draws.h"
#include "sim/input.h"

namespace ntm::sim {

// Thrown on every rank by agree() when the work failed on any: the message names the ranks and
// their errors; the kind is that of the lowest failing rank.
class TeamFailed : public Error {
 public:
    using Error::Error;
};

class Team {
 public:
    Team() = default;
    Team(const Team&) = delete;
    Team& operator=(const Team&) = delete;
    virtual ~Team() = default;

    virtual int rank() const { return 0; }
    virtual int size() const { return 1; }
    bool root() const { return rank() == 0; }

    // Runs `work` here; on a team of several, waits for every rank's and throws TeamFailed on
    // all of them when any threw.
    virtual void agree(const std::function<void()>& work) { work(); }

    // Gives every rank the root's compiled input; the other ranks' `in` is replaced, its
    // scenario and criteria set pointing at their own copies and its area left null (the
    // simulation reads only the arrays; the area is for traces and for writing results).
    virtual void share_input(SimInput& in, const scenario::Scenario&,
                             const criteria::CriteriaSet&) {
        (void)in;
    }

    // Adds every other rank's aggregate and draw table to the root's, in rank order.
    virtual void combine(Aggregate& agg, DrawTable& draws) {
        (void)agg;
        (void)draws;
    }

    // This rank's share of draws [0, total): a contiguous block, ranks in order.
    std::pair<std::uint32_t, std::uint32_t> block(std::uint32_t total) const {
        const auto n = static_cast<std::uint64_t>(size()), r = static_cast<std::uint64_t>(rank());
        const auto first = static_cast<std::uint32_t>(total * r / n);
        const auto end = static_cast<std::uint32_t>(total * (r + 1) / n);
        return {first, end - first};
    }
};

}  // namespace ntm::sim
