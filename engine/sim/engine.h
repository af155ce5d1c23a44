#pragma once
// The year-by-year Monte Carlo projection (docs/model.md, "The projection").
// Thread contract: a DrawRunner belongs to one thread (it holds the draw's scratch state);
// simulate() runs draws in parallel with one runner per thread.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/aggregate.h"
#include "sim/input.h"

namespace ntm::sim {

class DrawRunner {
   public:
    explicit DrawRunner(const SimInput& in);

    // Runs draw `draw` and adds it to `agg`. With `ledger`, also returns each year's money; with
    // `trace` (a commune index ≥ 0), appends that commune's story, year by year, to `story`.
    void run(std::uint32_t draw, Aggregate& agg, std::vector<YearLedger>* ledger = nullptr,
             int trace = -1, std::string* story = nullptr);

   private:
    struct PlanItem {
        std::uint32_t slot;
        std::uint32_t end;  // projects [cursor, end) of the slot
        double cost;        // with the year's overrun
        bool closes;        // the slot is met once these are done
    };

    double slot_value(std::size_t s, double x, double D) const;
    bool slot_met(std::size_t s, double x, double D, int y) const;
    void plan_commune(std::size_t c, int y, double overrun, std::vector<PlanItem>& out) const;
    bool criterion_met(std::size_t c, std::size_t j, int y) const;
    std::string describe(const Project& p) const;

    const SimInput& m_in;
    // Scratch state of one draw.
    std::vector<double> m_x_plan, m_D_plan, m_x_done, m_D_done;
    std::vector<std::uint32_t> m_cursor;
    std::vector<std::uint32_t> m_cursor_by_year;  // [slot][y]: funded cursor at the end of y
    std::vector<char> m_status_met;               // [c][j]
    std::vector<double> m_income;                 // [c][j]
    std::vector<char> m_met;                      // [c][j] at the end of the last year
    std::vector<double> m_local;                  // communes' own money (the people's)
    std::vector<int> m_reached_year;
    std::vector<double> m_need, m_spent;
    std::vector<std::vector<PlanItem>> m_plans;
    struct Pending {
        std::uint32_t slot;
        double dx, dD;
        int due;
    };
    std::vector<Pending> m_pending;
};

// Runs draws [first, first + count) in parallel (OpenMP) and returns their aggregate, the same
// for any thread count. `progress` (optional) is called with the number of draws finished.
Aggregate simulate(const SimInput& in, std::uint32_t first, std::uint32_t count,
                   const std::function<void(std::size_t)>& progress = {});

}  // namespace ntm::sim
