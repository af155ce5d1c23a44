#include "sim/aggregate.h"

#include <algorithm>
#include <cmath>

namespace ntm::sim {

double YearLedger::available() const {
    double r = 0;
    for (std::size_t i = 0; i < realised.size(); ++i)
        if (scenario::kSources[i] != scenario::Source::Credit) r += realised[i];
    return r + carried_in + borrowed;
}

Int128 to_fixed(double bn) {
    // Exact for any amount below 10²⁰ bn; the scenario's checks keep amounts far below.
    return static_cast<Int128>(std::round(bn * 1e9));
}
double from_fixed(Int128 units) { return static_cast<double>(units) / 1e9; }

Aggregate::Aggregate(const SimInput& in)
    : communes(in.communes.size()),
      years(static_cast<std::size_t>(in.years)),
      criteria(in.criteria_count()) {
    reached.assign(communes * years, 0);
    at_standard.assign(communes * years, 0);
    met_hist.assign(communes * years * (criteria + 1), 0);
    criterion_met.assign(communes * years * criteria, 0);
    lost.assign(communes * years, 0);
    slot_base.resize(in.slots.size() + 1);
    std::uint64_t base = 0;
    for (std::size_t s = 0; s < in.slots.size(); ++s) {
        slot_base[s] = base;
        base += years * (in.slots[s].count + 1ULL);
    }
    slot_base[in.slots.size()] = base;
    slot_hist.assign(base, 0);
    district_at_standard.assign(years * (communes + 1), 0);
    district_reached.assign(years * (communes + 1), 0);
    money.assign(years * kMoneyFields, MoneySum{});
    registered.assign(communes * years, 0);
    binding.assign(communes * criteria * kBindingReasons, 0);
}

std::string_view binding_name(BindingReason r) {
    switch (r) {
        case kBindMoney:
            return "money";
        case kBindCapacity:
            return "capacity";
        case kBindLeadTime:
            return "lead time";
        case kBindUnknown:
            return "no data";
        case kBindNotPushed:
            return "not planned";
        case kBindingReasons:
            break;
    }
    return "?";
}

std::uint64_t Aggregate::bytes_for(const SimInput& in) {
    const std::uint64_t c = in.communes.size(),
                        y = static_cast<std::uint64_t>(std::max(in.years, 0)),
                        k = in.criteria_count();
    std::uint64_t slots = 0;
    for (const auto& s : in.slots) slots += y * (s.count + 1ULL);
    return c * y * (4 + 4 + 8 + 4 * (k + 1) + 4 * k + 4) + c * k * kBindingReasons * 4 + slots * 4 +
           in.slots.size() * 8 + 2 * y * (c + 1) * 4 + y * kMoneyFields * sizeof(MoneySum);
}

void Aggregate::merge(const Aggregate& o) {
    draws += o.draws;
    auto add = [](auto& a, const auto& b) {
        for (std::size_t i = 0; i < a.size(); ++i) a[i] += b[i];
    };
    add(reached, o.reached);
    add(at_standard, o.at_standard);
    add(met_hist, o.met_hist);
    add(criterion_met, o.criterion_met);
    add(lost, o.lost);
    add(slot_hist, o.slot_hist);
    add(district_at_standard, o.district_at_standard);
    add(district_reached, o.district_reached);
    add(money, o.money);
    add(registered, o.registered);
    add(binding, o.binding);
}

}  // namespace ntm::sim
