#pragma once
// The year-by-year Monte Carlo projection (docs/model.md, "The projection").
// Thread contract: a DrawRunner belongs to one thread (it holds the draw's scratch state);
// simulate() runs draws in parallel with one runner per thread.
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/aggregate.h"
#include "sim/draws.h"
#include "sim/input.h"

namespace ntm::sim {

class DrawRunner {
 public:
    explicit DrawRunner(const SimInput& in);

    // Runs draw `draw` and adds it to `agg`. With `ledger`, also returns each year's money; with
    // `trace` (a commune index ≥ 0), appends that commune's story, year by year, to `story`.
    void run(std::uint32_t draw, Aggregate& agg, std::vector<YearLedger>* ledger = nullptr,
             int trace = -1, std::string* story = nullptr);

    // For simulate(): adds draw `draw` to `agg` as year-to-year differences of the per-commune and
    // per-slot counts, so a commune whose state did not change costs no write; `agg` holds counts
    // again after integrate_differences() (simulate() does both).
    void run_differences(std::uint32_t draw, Aggregate& agg);

    // Writes the last draw's outcome into row `row` of `t`: the year each commune first reached
    // the standard, and each year's spending and funding gap (for paired comparisons).
    void record(DrawTable& t, std::uint32_t row) const;

    // The last draw's outcome, for whoever needs more than the aggregate (the plan's targets, the
    // reproduction test): the year index each commune first reached the standard (-1: never), the
    // criteria it met at the end of year index y, and the payments of the plan's schedule.
    int reached_year(std::size_t c) const { return m_reached_year[c]; }
    int met_count(std::size_t c, int y) const {
        return m_met_count_by_year[c * static_cast<std::size_t>(m_in.years) +
                                   static_cast<std::size_t>(y)];
    }
    struct ScheduledPayment {
        std::uint32_t entry = 0;  // index in Scenario::schedule
        int year = 0;             // index of the year it was paid
        double amount_bn = 0;     // with the draw's overrun
    };
    const std::vector<ScheduledPayment>& scheduled_payments() const { return m_payments; }

 private:
    struct PlanItem {
        std::uint32_t slot;
        std::uint32_t end;  // projects [cursor, end) of the slot
        double cost;        // with the year's overrun
        bool closes;        // the slot is met once these are done
    };
    struct Year;  // what one year of a draw carries from step to step (engine.cpp)

    double slot_value(std::size_t s, double x, double D) const;
    bool slot_met(std::size_t s, double x, double D, int y) const;
    void plan_commune(std::size_t c, int y, double overrun, std::vector<PlanItem>& out);
    bool criterion_met(std::size_t c, std::size_t j, int y) const;
    // Whether criterion j of commune c, in force in year y, lacks nothing but its programme: every
    // asset part and the income met (its status part is not looked at).
    bool only_programme_open(std::size_t c, std::size_t j, int y) const;
    std::string describe(const Project& p) const;

    void run_draw(std::uint32_t draw, Aggregate& agg, bool differences,
                  std::vector<YearLedger>* ledger, int trace, std::string* story);
    // The year of a draw, in the order of the real cycle (DOMAIN.md §7, docs/model.md):
    void start_draw(
        std::uint32_t draw);        // commune effects, programme lead times, the registration pace
    void complete_works(Year& t);   // works funded `build_lag_years` ago are finished
    void grow_income(Year& t);      // income indicators move along their trajectory
    void realise_funds(Year& t);    // the state's and enterprises' money, the year's credit line
    void plan(Year& t);             // register the communes to finish (targets, then the rule)
    void mobilise(Year& t);         // the people's contribution, campaigns in registered communes
    void repay(Year& t);            // loans falling due come out of the pool first
    void pay_schedule(Year& t);     // the plan's works of the year (and slipped ones) first
    void release_to_pool(Year& t);  // what the rest of the schedule will not need goes to the pool
    void allocate(
        Year& t);  // each commune's plan; borrow; fund registered communes, then the policy
    void fund(Year& t, std::size_t c,
              void* purse);  // one commune's plan from its own money and `purse`
    void build(Year& t);     // funded works upgrade their assets (now or after the lag)
    void soft_programmes(
        Year& t);  // programmes of registered communes; background effort elsewhere
    void evaluate(Year& t, Aggregate& agg,
                  bool differences);                         // criteria, the standard, recognition
    void record(Year& t, Aggregate& agg, bool differences);  // money, works, the year's ledger

    bool is_scheduled(std::size_t c) const { return !m_in.scheduled.empty() && m_in.scheduled[c]; }
    // A commune the floor supports: assessed, not registered, meeting fewer than `floor` criteria.
    bool below_floor(std::size_t c, int floor) const {
        return floor > 0 && m_in.communes[c].assessed && m_registered[c] == kNotRegistered &&
               m_met_count[c] < floor;
    }
    bool thresholds_move(std::size_t c, int y) const {
        return m_thresholds_move[c * static_cast<std::size_t>(m_in.years) +
                                 static_cast<std::size_t>(y)] != 0;
    }
    // The communes `keep` selects, closest to the standard first (fewest criteria not met at the
    // end of last year); among equals the draw's order (the more mobilised first, then by code).
    template <typename Keep>
    const std::vector<std::uint32_t>& closest_order(Keep keep);

    const SimInput& m_in;
    // Fixed for the input, computed once per runner.
    std::vector<char> m_thresholds_move;  // [c][y]: a threshold of the commune differs from y − 1's
    std::vector<std::uint32_t>
        m_status_first;  // [c]: its status criteria are m_status_j[first[c], first[c + 1])
    std::vector<std::uint16_t> m_status_j;
    // Per status criterion (index into m_status_j): its programme.
    std::vector<const scenario::Distribution*> m_soft_lead;
    std::vector<double> m_soft_cost, m_soft_background;
    std::vector<std::uint32_t> m_by_rank;  // communes in the order of their codes
    // What a draw-year reads of each slot and criterion, in flat arrays (SimInput's structs hold
    // strings and vectors, so reading them through the structs misses the cache).
    struct SlotHot {
        std::uint32_t first = 0, count = 0;
        criteria::Op op = criteria::Op::Ge;
        bool measurable = true;
    };
    std::vector<SlotHot> m_slot;
    std::vector<std::uint32_t> m_commune_slot_first,
        m_commune_slot;  // [c]: its slots, all criteria
    std::vector<std::uint32_t>
        m_crit_slot_first;  // [c][j]: its slots are m_commune_slot[first, next first)
    enum : std::uint8_t { kCritStatus = 1, kCritIncome = 2 };
    std::vector<std::uint8_t> m_crit_kind;  // [c][j]: which parts it has besides slots
    std::vector<double> m_threshold;        // [s][y]
    // Scratch state of one draw.
    std::vector<double> m_x_plan, m_D_plan, m_x_done, m_D_done;
    std::vector<std::uint32_t> m_cursor;
    std::vector<std::uint32_t> m_cursor_by_year;  // [slot][y]: funded cursor at the end of y
    std::vector<char> m_status_met;               // [c][j]
    std::vector<double> m_income;                 // [c][j]
    std::vector<char> m_met;                      // [c][j] at the end of the last year
    std::vector<double> m_local;                  // communes' own money (the people's, campaigns')
    std::vector<int> m_reached_year;
    std::vector<double> m_year_spent, m_year_gap;  // the last draw's, per year
    std::vector<double> m_need, m_spent;
    std::vector<std::vector<PlanItem>> m_plans;
    std::vector<double> m_overrun;  // [c] this year's, drawn only for communes with a plan
    std::vector<std::uint16_t>
        m_met_count;  // [c]: criteria met at the end of the last year (m_met)
    std::vector<std::uint16_t> m_status_open;  // [c]: status criteria not met yet
    std::vector<char>
        m_closed;  // [c]: nothing left to build at the plan state, until thresholds move
    std::vector<char> m_dirty;    // [c]: something its criteria depend on changed this year
    std::vector<char> m_changed;  // [c][j]: something criterion j of c depends on changed this year
    void touch(std::size_t c, std::size_t j) {
        m_dirty[c] = 1;
        m_changed[c * m_in.criteria_count() + j] = 1;
    }
    // The draw's commune effects and registration.
    std::vector<double> m_effect;    // [c]: its propensity, a factor of mean 1 (effects.sd)
    std::vector<double> m_campaign;  // [c]: the campaign's factor on its people's contribution
    std::vector<std::uint32_t> m_draw_order;  // communes by effect (highest first), then by code
    std::vector<std::uint32_t> m_draw_pos;    // [c]: its position in m_draw_order
    enum : std::uint8_t { kNotRegistered = 0, kRegisteredTarget = 1, kRegisteredRule = 2 };
    std::vector<std::uint8_t> m_registered;  // [c]
    double m_quota_share = 0;
    std::vector<double> m_effort, m_lead;  // per status criterion: years of effort so far, needed
    std::vector<char> m_prog_paid;         // per status criterion: this year's push is paid
    std::vector<std::uint32_t> m_floor_items;  // scratch: a floor commune's open programmes
    std::vector<std::uint8_t> m_reason;        // [c][j]: BindingReason of the year, when not met
    struct Funded {
        std::uint32_t slot;
        double dx, dD;
    };
    std::vector<Funded> m_funded;  // this year's works, in the order they were funded
    std::vector<std::uint32_t> m_order, m_bucket;  // the policy's order of communes, counting sort
    std::vector<double> m_repay_due;               // [y]: loan repayments falling due
    std::vector<char> m_open_j;                    // scratch of the cost-effectiveness policy
    // Slots whose cursor moved this year (differences mode), with their cursor at the year's start.
    std::vector<std::uint32_t> m_touched, m_touched_stamp, m_cursor_start;
    std::uint32_t m_stamp = 0;
    // Per slot, the walk along its projects from the cursor at the plan state: it changes only when
    // the slot is funded or its threshold moves, so it is kept across years (the cost is not: it
    // carries the year's overrun).
    enum Walk : std::uint8_t { kWalkUnknown, kWalkNothing, kWalkPartial, kWalkCloses };
    std::vector<Walk> m_walk;
    // The state every draw starts from (the constructor evaluates it once).
    struct Start {
        std::vector<double> x, D, income;
        std::vector<char> status_met, met;
        std::vector<std::uint16_t> met_count, status_open;
    } m_start;
    std::vector<std::uint32_t> m_walk_end;
    struct Pending {
        std::uint32_t slot;
        double dx, dD;
        int due;
    };
    std::vector<Pending> m_pending;
    std::vector<std::uint16_t> m_met_count_by_year;  // [c][y] of the last draw
    // The plan's schedule (SimInput::schedule): each pooled source's money is the schedule's
    // until release_to_pool() hands on what its remaining works will not need.
    static constexpr std::size_t kSourceCount = scenario::kSources.size();
    std::vector<int> m_item_paid;    // per item: the year index it was paid, -1 not yet
    std::vector<int> m_item_status;  // per item: its status criterion (index in m_status_j), or -1
    std::array<double, kSourceCount> m_account{};
    std::vector<double> m_sched_repay_due;  // [y]: repayments of the schedule's loans
    double m_sched_arrears = 0;
    double m_credit_reserve = 0;  // credit the schedule will still borrow: kept from the policy
    std::vector<std::array<double, kSourceCount>> m_claims;  // scratch of the release
    std::vector<double> m_proj_due;                          // scratch of the release
    std::vector<ScheduledPayment> m_payments;
};

// Turns an aggregate of run_differences() draws into counts (a running sum over the years).
void integrate_differences(const SimInput& in, Aggregate& agg);

// Runs draws [first, first + count) in parallel (OpenMP) and returns their aggregate, the same
// for any thread count. `progress` (optional) is called, from one thread, with the number of draws
// finished so far by every thread.
// With `draws`, also fills the per-draw table (resized here).
Aggregate simulate(const SimInput& in, std::uint32_t first, std::uint32_t count,
                   const std::function<void(std::size_t)>& progress = {},
                   DrawTable* draws = nullptr);

}  // namespace ntm::sim
