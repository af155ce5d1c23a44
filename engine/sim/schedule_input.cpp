// The plan's `schedule:` matched with the compiled input (docs/plan.md, "Simulating the plan"):
// each entry names a commune by code and a work by its layer and feature id, a new facility by its
// kind, or a year of a programme by its criterion id. An entry the input does not have is refused
// with its file, line and key: a plan made on another area, or an area edited since, must not be
// simulated as if it were this one.
#include <algorithm>
#include <map>

#include "core/error.h"
#include "sim/input.h"

namespace ntm::sim {

namespace {

const Origin* origin_of(const StudyArea& a, const Project& p) {
    switch (p.kind) {
        case AssetKind::Road:
            return &a.roads[p.asset].origin;
        case AssetKind::Canal:
            return &a.canals[p.asset].origin;
        case AssetKind::School:
            return &a.schools[p.asset].origin;
        case AssetKind::Facility:
            return &a.facilities[p.asset].origin;
        case AssetKind::NewFacility:
            return nullptr;
    }
    return nullptr;
}

// The facility kind a new-facility project of slot `s` builds (the kind its indicator asks for).
std::string new_facility_kind(const SimInput& in, const Slot& s) {
    for (const auto& rule : in.set->criteria[s.criterion].indicators)
        if (rule.id == s.indicator && rule.kind) return std::string(token(*rule.kind));
    return "facility";
}

}  // namespace

void compile_schedule(SimInput& in) {
    const auto& sc = *in.scenario;
    const auto& area = *in.area;
    in.schedule.clear();
    in.scheduled.assign(in.communes.size(), 0);
    if (sc.schedule.empty()) return;

    std::map<std::string, std::size_t> item_of;  // commune | work | year → item
    std::map<std::string, int> year_of_work;     // commune | work → the year it is scheduled
    std::map<std::pair<std::uint32_t, std::string>, std::size_t>
        new_claimed;  // (commune, kind) → count
    for (std::uint32_t e = 0; e < sc.schedule.size(); ++e) {
        const auto& w = sc.schedule[e];
        const std::string where =
            (w.file.empty() ? sc.path : w.file) +
            (w.line > 0 ? ", line " + std::to_string(w.line) : std::string()) +
            ", key 'schedule[].";
        auto fail = [&](const std::string& key, const std::string& what) {
            throw ConfigError(where + key + "': " + what);
        };
        const int found = area.find_commune(w.commune);
        if (found < 0)
            fail("commune", "no commune coded '" + w.commune +
                                "' in the study area; was the plan made on another area? Plan "
                                "again on this one");
        const auto c = static_cast<std::uint32_t>(found);
        const auto& ci = in.communes[c];
        if (!ci.assessed)
            fail("commune", "'" + w.commune +
                                "' is a township, which is not assessed against the criteria; "
                                "remove the entry");
        bool funded = false;
        for (const auto& f : sc.funding) funded = funded || f.source == w.source;
        if (!funded)
            fail("source", "the scenario has no '" + std::string(scenario::source_name(w.source)) +
                               "' among its funding sources; add it under funding: or pay the work "
                               "from another source");
        const int y = w.year - in.start;
        if (y < 0 || y >= in.years)
            fail("year", std::to_string(w.year) + " is outside the simulated years " +
                             std::to_string(in.start) + "–" +
                             std::to_string(in.start + in.years - 1));

        std::string work;  // the work's key within the commune
        if (!w.programme.empty())
            work = "programme " + w.programme;
        else if (!w.layer.empty())
            work = w.layer + " fid " + std::to_string(w.fid);
        else
            work = "new " + w.new_facility;
        const std::string key = ci.code + "|" + work + "|" + std::to_string(y);
        if (const auto it = item_of.find(key); it != item_of.end()) {
            in.schedule[it->second].entries.push_back(e);  // another part of the same work
            continue;
        }
        ScheduleItem item;
        item.commune = c;
        item.year = y;
        item.entries.push_back(e);
        item.label = work;
        if (!w.programme.empty()) {
            int j = -1;
            for (std::size_t k = 0; k < in.set->criteria.size(); ++k)
                if (in.set->criteria[k].id == w.programme) j = static_cast<int>(k);
            if (j < 0)
                fail("programme",
                     "criterion '" + w.programme + "' is not in the criteria set " + in.set->id);
            const auto& parts = ci.criteria[static_cast<std::size_t>(j)];
            if (!parts.has_status && !parts.has_income)
                fail("programme", "criterion '" + w.programme + "' of commune " + ci.code +
                                      " has no part that a programme advances (it is measured from "
                                      "assets only); remove the entry");
            item.status = j;
            item.label = "programme for criterion " + w.programme;
        } else {
            const auto [it, fresh] = year_of_work.emplace(ci.code + "|" + work, w.year);
            if (!fresh && !w.layer.empty())
                fail("year", "the work " + work + " of commune " + ci.code + " is scheduled in " +
                                 std::to_string(it->second) + " and again in " +
                                 std::to_string(w.year) + "; a work is built once");
            std::size_t skip = 0;
            if (w.layer.empty())
                skip = new_claimed[{c, w.new_facility}]++;  // the next indicator wanting one
            for (const auto& parts : ci.criteria)
                for (const auto s : parts.slots) {
                    const auto& sl = in.slots[s];
                    bool kept = false;
                    for (std::uint32_t k = 0; k < sl.count && !kept; ++k) {
                        const auto& p = in.projects[sl.first + k];
                        if (w.layer.empty()) {
                            if (p.kind != AssetKind::NewFacility ||
                                new_facility_kind(in, sl) != w.new_facility)
                                continue;
                            if (skip > 0) {
                                --skip;
                                continue;
                            }
                            if (!item.projects.empty()) continue;  // one new facility per item
                        } else {
                            const Origin* o = origin_of(area, p);
                            if (!o || o->layer != w.layer || o->fid != w.fid) continue;
                        }
                        item.slots.push_back(s);
                        item.projects.push_back(sl.first + k);
                        kept = true;
                    }
                }
            if (item.projects.empty()) {
                if (w.layer.empty())
                    fail("new_facility", "commune " + ci.code +
                                             " has no indicator asking for a new " +
                                             w.new_facility +
                                             " (it has one already, or the criteria set does not "
                                             "ask for it); plan again on this area");
                fail("fid", "commune " + ci.code + " has no work on " + w.layer + " fid " +
                                std::to_string(w.fid) +
                                " (no such feature in the commune, or it already meets what the "
                                "criteria ask); plan again on this area");
            }
        }
        item_of.emplace(key, in.schedule.size());
        in.schedule.push_back(std::move(item));
        in.scheduled[c] = 1;
    }
    // Paid in year order; within a year in the order of the file.
    std::stable_sort(in.schedule.begin(), in.schedule.end(),
                     [](const ScheduleItem& a, const ScheduleItem& b) { return a.year < b.year; });
}

}  // namespace ntm::sim
