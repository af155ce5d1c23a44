#pragma once
// What the simulation keeps across draws: integer counts and fixed-point money sums only, so
// aggregates of disjoint draw ranges merge exactly in any order (threads, MPI ranks) and memory
// does not grow with the number of draws.
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/wide_int.h"
#include "scenario/scenario.h"
#include "sim/input.h"

namespace ntm::sim {

// Money of one year of one draw, in bn VND.
struct YearLedger {
    std::array<double, scenario::kSources.size()> realised{};  // credit: the year's borrowing
    double carried_in = 0;  // pooled, earmarked and communes' own money from the year before
    double borrowed = 0;
    double repaid = 0;
    double spent = 0;             // on works (= Σ spent_by_sector)
    double spent_programmes = 0;  // on soft-criteria programmes
    std::array<double, scenario::kSectorCount> spent_by_sector{};
    double carried_out = 0;    // left for next year
    double gap = 0;            // what the year's plans needed beyond the money they got
    double debt = 0;           // outstanding at the end of the year (arrears included)
    double available() const;  // realised (credit excluded) + carried_in + borrowed
};

// Money fields kept per year, in this order.
enum MoneyField : std::size_t {
    kMoneyCarriedIn = 0,
    kMoneyBorrowed,
    kMoneyRepaid,
    kMoneySpent,
    kMoneyCarriedOut,
    kMoneyGap,
    kMoneyDebt,
    kMoneySpentProgrammes,  // soft-criteria programmes (not in any sector)
    kMoneySpentSector0,     // then one per sector
    kMoneyRealised0 = kMoneySpentSector0 + scenario::kSectorCount,  // then one per source
    kMoneyFields = kMoneyRealised0 + scenario::kSources.size(),
};

// Why a criterion of a commune was still not met (reported for target communes at their deadline).
enum BindingReason : std::uint8_t {
    kBindMoney = 0,  // its works or programme could not be paid that year
    kBindCapacity,   // the commune's yearly capacity for works was used up
    kBindLeadTime,   // its programme was pushed and paid, but needs more years of effort
    kBindUnknown,    // the indicator cannot be measured (no data): it can never be met
    kBindNotPushed,  // nothing was spent on it (not planned that year)
    kBindingReasons,
};
std::string_view binding_name(BindingReason r);

// Fixed point: 1 unit = 1 VND (10⁻⁹ bn), so sums are exact integers. One year of one draw is
// at most a few 10⁶ bn (the scenario's amounts are range-checked), 10¹⁵ units; a sum over draws
// is kept in 128 bits, which no number of draws (2³² at most) can overflow: 64 bits overflowed
// at 150,000 bn a year × 100,000 draws (issue 17).
Int128 to_fixed(double bn);
struct MoneySum {
    Int128 units = 0;
    MoneySum& operator+=(Int128 v) {
        units += v;
        return *this;
    }
    MoneySum& operator+=(const MoneySum& o) { return *this += o.units; }
    bool operator==(const MoneySum&) const = default;
};
double from_fixed(Int128 units);
inline double from_fixed(const MoneySum& m) { return from_fixed(m.units); }

struct Aggregate {
    std::size_t communes = 0, years = 0, criteria = 0;
    std::uint64_t draws = 0;
    std::vector<std::uint32_t> reached;        // [c][y]: standard reached by the end of y
    std::vector<std::uint32_t> at_standard;    // [c][y]: at the standard in y
    std::vector<std::uint32_t> met_hist;       // [c][y][k]: k criteria met, k = 0..criteria
    std::vector<std::uint32_t> criterion_met;  // [c][y][j]
    std::vector<std::uint64_t> lost;           // [c][y]: criteria lost that year, summed
    std::vector<std::uint64_t> slot_base;      // per slot: where its [y][position] counts start
    std::vector<std::uint32_t> slot_hist;      // [slot][y][projects completed by the end of y]
    std::vector<std::uint32_t> district_at_standard;  // [y][k communes at the standard]
    std::vector<std::uint32_t> district_reached;      // [y][k communes that reached it by y]
    std::vector<MoneySum> money;                      // [y][field]
    std::vector<std::uint32_t> registered;  // [c][y]: draws in which c was registered in y
    // [c][j][reason]: draws in which criterion j kept target commune c from the standard at its
    // deadline, by the constraint that bound it (BindingReason).
    std::vector<std::uint32_t> binding;

    explicit Aggregate(const SimInput& in);
    // The bytes an Aggregate of `in` holds (simulate keeps one per thread).
    static std::uint64_t bytes_for(const SimInput& in);
    Aggregate() = default;
    void merge(const Aggregate& other);  // exact: integer sums
    bool operator==(const Aggregate&) const = default;

    std::size_t cy(std::size_t c, std::size_t y) const { return c * years + y; }
};

}  // namespace ntm::sim
