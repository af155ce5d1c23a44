#include "units/crosswalk.h"

#include <cmath>
#include <set>

#include "core/error.h"
#include "core/text.h"
#include "geo/gdal.h"

namespace ntm::units {

std::string label(const UnitKey& u) { return u.code + " (" + u.period + ")"; }

const std::vector<std::size_t>* Crosswalk::links_from(const UnitKey& u) const {
    const auto it = by_from.find(u);
    return it == by_from.end() ? nullptr : &it->second;
}

Crosswalk Crosswalk::reversed(const std::map<UnitKey, double>& weight) const {
    Crosswalk back;
    back.path = path + " (reversed)";
    back.from_period = to_period;
    back.to_period = from_period;
    auto w = [&](const UnitKey& u) {
        const auto it = weight.find(u);
        return it == weight.end() ? 1.0 : it->second;
    };
    std::map<UnitKey, double> into;  // new unit → total weight it received
    for (const auto& l : links) into[l.to] += w(l.from) * l.share;
    for (const auto& l : links) {
        Link b;
        b.from = l.to;
        b.from_name = l.to_name;
        b.to = l.from;
        b.to_name = l.from_name;
        const double total = into[l.to];
        b.share = total > 0 ? w(l.from) * l.share / total : 0;
        b.full = std::abs(b.share - 1) < 1e-12;
        b.share_given = l.share_given;
        b.where = l.where;
        back.by_from[b.from].push_back(back.links.size());
        back.links.push_back(std::move(b));
    }
    return back;
}

Crosswalk load_crosswalk(const std::string& path, const std::string& from_period,
                         const std::string& to_period) {
    const auto source = geo::VectorSource::open(path, {"AUTODETECT_TYPE=NO"});
    auto reader = source.layer(0);
    const bool official =
        reader.field_index("old_code") >= 0 && reader.field_index("new_code") >= 0;
    const std::string c_from = official ? "old_code" : "from_code",
                      c_to = official ? "new_code" : "to_code";
    const std::string n_from = official ? "old_name" : "from_name",
                      n_to = official ? "new_name" : "to_name";
    for (const auto& c : {c_from, c_to, std::string("part")}) {
        if (reader.field_index(c) < 0) {
            throw InputError(
                path + ": no column '" + c +
                "'; a crosswalk needs from_code, to_code and part (or the official old_code, "
                "new_code, part); see docs/units.md");
        }
    }
    auto get = [&](const geo::Feature& f, const std::string& name) {
        const int i = reader.field_index(name);
        if (i < 0) return std::string{};
        const auto& v = f.values[static_cast<std::size_t>(i)];
        return v ? trim(*v) : std::string{};
    };
    Crosswalk cw;
    cw.path = path;
    cw.from_period = from_period;
    cw.to_period = to_period;
    std::set<std::pair<UnitKey, UnitKey>> seen;
    geo::Feature f;
    long long line = 1;
    while (reader.next(f)) {
        ++line;
        const std::string where = path + ", line " + std::to_string(line);
        const std::string fp = get(f, "from_period"), tp = get(f, "to_period");
        if ((!fp.empty() && fp != from_period) || (!tp.empty() && tp != to_period)) continue;
        Link l;
        l.where = where;
        l.from = {get(f, c_from), from_period};
        l.to = {get(f, c_to), to_period};
        l.from_name = get(f, n_from);
        l.to_name = get(f, n_to);
        if (l.from.code.empty() || l.to.code.empty()) {
            throw InputError(where + ": a link without a code (" + c_from + " '" + l.from.code +
                             "', " + c_to + " '" + l.to.code +
                             "'); every link names its old and new unit by code");
        }
        const std::string part = to_lower_ascii(get(f, "part"));
        if (part != "full" && part != "partial")
            throw InputError(where + ": part is '" + part + "'; use full or partial");
        l.full = part == "full";
        const std::string share = get(f, "share");
        if (share.empty()) {
            l.share_given = l.full;
        } else {
            const auto v = parse_double(share);
            if (!v || !(*v > 0 && *v <= 1))
                throw InputError(where + ": share '" + share + "' of unit " + label(l.from) +
                                 " is not in (0, 1]");
            l.share = *v;
        }
        if (l.full && std::abs(l.share - 1) > 1e-9) {
            throw InputError(where + ": unit " + label(l.from) + " is 'full' but its share is " +
                             share + "; a full link gives the whole unit (share 1): write partial");
        }
        if (!seen.insert({l.from, l.to}).second)
            throw InputError(where + ": the link " + label(l.from) + " → " + label(l.to) +
                             " is given twice");
        cw.by_from[l.from].push_back(cw.links.size());
        cw.links.push_back(std::move(l));
    }
    if (cw.links.empty()) {
        throw InputError(path + ": no links from period " + from_period + " to period " +
                         to_period +
                         "; check --from and --to against the file's from_period / to_period");
    }
    for (auto& [unit, idx] : cw.by_from) {
        bool any_full = false;
        int unshared = 0;
        double given = 0;
        for (auto i : idx) {
            const auto& l = cw.links[i];
            any_full |= l.full;
            if (l.share_given)
                given += l.share;
            else
                ++unshared;
        }
        const auto& first = cw.links[idx.front()];
        if (any_full && idx.size() > 1) {
            throw InputError(first.where + ": unit " + label(unit) + " '" + first.from_name +
                             "' is 'full' in one link but has " + std::to_string(idx.size()) +
                             " links; a unit split between new units is 'partial' in each");
        }
        // Partial links without a share: the rest of the unit, split equally [assumption].
        if (unshared > 0) {
            const double each = (1 - given) / unshared;
            if (each <= 0) {
                throw InputError(first.where + ": unit " + label(unit) +
                                 "'s given shares already add up to " + format_fixed(given, 6) +
                                 "; nothing is left for its links without a share");
            }
            for (auto i : idx)
                if (!cw.links[i].share_given) cw.links[i].share = each;
            given = 1;
        }
        if (std::abs(given - 1) > 1e-6) {
            throw InputError(first.where + ": the shares of unit " + label(unit) + " '" +
                             first.from_name + "' add up to " + format_fixed(given, 6) +
                             ", not 1; correct them so the whole unit goes somewhere");
        }
    }
    return cw;
}

}  // namespace ntm::units
