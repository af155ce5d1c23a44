#pragma once
// Boost.Serialization of what ranks send each other: the compiled simulation input (the compact
// arrays, never geometries) and the partial results. Binary archives: the ranks of a job run the
// same build on the same kind of machine.
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>

#include "sim/aggregate.h"
#include "sim/draws.h"
#include "sim/input.h"

namespace boost::serialization {

template <class Archive>
void serialize(Archive& a, ntm::sim::Project& p, unsigned) {
    a& p.cost_bn& p.dx& p.dD& p.kind& p.asset;
}

template <class Archive>
void serialize(Archive& a, ntm::sim::Slot& s, unsigned) {
    a& s.commune& s.criterion& s.sector& s.op& s.measurable& s.x0& s.D0& s.threshold& s.first& s
        .count& s.indicator;
}

template <class Archive>
void serialize(Archive& a, ntm::sim::CriterionParts& p, unsigned) {
    a& p.slots& p.has_status& p.status_met0& p.has_income& p.income0& p.income_op& p
        .income_threshold;
}

template <class Archive>
void serialize(Archive& a, ntm::sim::CommuneInput& c, unsigned) {
    a& c.code& c.name& c.assessed& c.population& c.households& c.key& c.rank& c.target_by& c
        .target_from& c.min_criteria& c.min_criteria_by& c.met_at_start& c.fixed_share& c.criteria;
}

template <class Archive>
void serialize(Archive& a, ntm::sim::ScheduleItem& i, unsigned) {
    a& i.commune& i.year& i.slots& i.projects& i.status& i.entries& i.label;
}

// The arrays only: the area, scenario and criteria set pointers are the receiver's own (the
// schedule's entries are read from the receiver's scenario; its items, matched on rank 0, come
// with the arrays).
template <class Archive>
void serialize(Archive& a, ntm::sim::SimInput& in, unsigned) {
    a& in.start& in.years& in.communes& in.slots& in.projects& in.schedule& in.scheduled;
}

// A 128-bit sum as its high and low 64 bits (both ways: saved, or loaded then put together).
template <class Archive>
void serialize(Archive& a, ntm::sim::MoneySum& m, unsigned) {
    auto hi = static_cast<std::int64_t>(m.units >> 64);
    auto lo = static_cast<std::uint64_t>(m.units);
    a& hi& lo;
    m.units = static_cast<ntm::Int128>(
        (static_cast<ntm::UInt128>(static_cast<std::uint64_t>(hi)) << 64) | lo);
}

template <class Archive>
void serialize(Archive& a, ntm::sim::Aggregate& g, unsigned) {
    a& g.communes& g.years& g.criteria& g.draws& g.reached& g.at_standard& g.met_hist& g
        .criterion_met& g.lost& g.slot_base& g.slot_hist& g.district_at_standard& g
        .district_reached& g.money& g.registered& g.binding;
}

template <class Archive>
void serialize(Archive& a, ntm::sim::DrawTable& t, unsigned) {
    a& t.first_draw& t.draws& t.communes& t.years& t.reached& t.spent& t.gap;
}

}  // namespace boost::serialization
