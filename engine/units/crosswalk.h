#pragma once
// Units over time: administrative units keyed by (code, period), never by code alone (codes are
// reused: new Gia Hanh is 18466, the old Khánh Vĩnh Yên's code), and a crosswalk from one
// period's units to another's, each link full (the whole old unit went into the new one) or
// partial (the old unit was split) with the share of the old unit that went.
// Thread contract: a loaded Crosswalk is immutable; any number of threads may read it.
#include <compare>
#include <map>
#include <string>
#include <vector>

namespace ntm::units {

struct UnitKey {
    std::string code;
    std::string period;
    auto operator<=>(const UnitKey&) const = default;
};
// "18466 (2025)"
std::string label(const UnitKey& u);

struct Link {
    UnitKey from;
    std::string from_name;
    UnitKey to;
    std::string to_name;
    bool full = true;
    double share = 1;         // of the old unit that went into the new one
    bool share_given = true;  // false: a partial unit split equally among its parts [assumption]
    std::string where;        // file and line, for messages
};

struct Crosswalk {
    std::string path;
    std::string from_period, to_period;
    std::vector<Link> links;                              // in file order
    std::map<UnitKey, std::vector<std::size_t>> by_from;  // old unit → its links

    const std::vector<std::size_t>* links_from(const UnitKey& u) const;
    // The same links backwards (new → old). The share of a new unit going back to an old one is
    // that old part's weight (its area or population × the share it gave) over the new unit's
    // total, so totals are kept both ways. `weight` by old unit; missing units weigh 1.
    Crosswalk reversed(const std::map<UnitKey, double>& weight) const;
};

// Reads a crosswalk CSV with either
//  - ntmsim's columns: from_code, to_code, part (full / partial), and optionally from_period,
//    to_period, from_name, to_name, share (of the old unit; 1 for full links), or
//  - the official 2025 file's columns: old_code, new_code, part, old_name, new_name
//    (data/vn-admin-2025/crosswalk-2025-07-01.csv),
// keeping the links from `from_period` to `to_period` (a file without period columns holds only
// those). Partial links without a share split their old unit equally [assumption, reported].
// Throws InputError naming the file, line, unit and period for: a missing code, an unknown part,
// a share outside (0, 1], a full link with other links from the same unit, a link given twice,
// or shares of one old unit that do not add up to 1.
Crosswalk load_crosswalk(const std::string& path, const std::string& from_period,
                         const std::string& to_period);

}  // namespace ntm::units
