#include "criteria/criteria_set.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "core/data_dir.h"
#include "core/error.h"
#include "core/text.h"
#include "core/yaml_reader.h"

namespace fs = std::filesystem;

namespace ntm::criteria {

std::string_view measure_name(Measure m) {
    switch (m) {
        case Measure::RoadHardenedShare:
            return "road_hardened_share";
        case Measure::FarmlandServedShare:
            return "farmland_served_share";
        case Measure::SchoolStandardShare:
            return "school_standard_share";
        case Measure::FacilityStandardPresent:
            return "facility_standard_present";
        case Measure::FacilityStandardShare:
            return "facility_standard_share";
        case Measure::Status:
            return "status";
    }
    return "?";
}

std::string_view op_text(Op op) {
    switch (op) {
        case Op::Ge:
            return ">=";
        case Op::Gt:
            return ">";
        case Op::Le:
            return "<=";
        case Op::Lt:
            return "<";
        case Op::Eq:
            return "==";
    }
    return "?";
}

bool compare(double v, Op op, double t) {
    const double eps = 1e-9 * std::max(1.0, std::abs(t));
    switch (op) {
        case Op::Ge:
            return v >= t - eps;
        case Op::Gt:
            return v > t + eps;
        case Op::Le:
            return v <= t + eps;
        case Op::Lt:
            return v < t - eps;
        case Op::Eq:
            return std::abs(v - t) <= eps;
    }
    return false;
}

double ByYear::at(int year) const {
    double v = steps.front().second;
    for (const auto& [y, value] : steps) {
        if (y <= year) v = value;
    }
    return v;
}

double Threshold::at(Region region, CommuneGroup group, int year, const std::string& where) const {
    if (const auto g = by_group.find(group); g != by_group.end()) return g->second.at(year);
    if (const auto it = by_region.find(region); it != by_region.end()) return it->second.at(year);
    if (fallback) return fallback->at(year);
    if (!by_group.empty()) {
        throw ConfigError(where + ": no threshold for commune " + std::string(token(group)) +
                          " and no default; add " + std::string(token(group)) + ": or default:");
    }
    throw ConfigError(where + ": no threshold for region " + std::string(token(region)) +
                      " and no default; add " + std::string(token(region)) + ": or default:");
}

const Criterion* CriteriaSet::find(const std::string& wanted) const {
    for (const auto& c : criteria)
        if (c.id == wanted) return &c;
    return nullptr;
}

namespace {

class Reader : public yaml::Reader {
 public:
    using yaml::Reader::Reader;

    std::string required(const YAML::Node& map, const std::string& name,
                         const std::string& path) const {
        const auto n = map[name];
        if (!n) fail(map, path + "." + name, "missing; every entry needs " + name);
        return text(n, path + "." + name);
    }

    Text names(const YAML::Node& node, const std::string& key) const {
        if (!node) fail(node, key, "missing; give {vi: …, en: …}");
        keys(node, key, {"vi", "en"});
        return Text{node["vi"] ? text(node["vi"], key + ".vi") : "",
                    node["en"] ? text(node["en"], key + ".en") : ""};
    }

    double number_or_flag(const YAML::Node& node, const std::string& key, bool& boolean) const {
        if (!node.IsScalar()) fail(node, key, "expected a number or true/false");
        const auto s = node.Scalar();
        if (s == "true" || s == "false") {
            boolean = true;
            return s == "true" ? 1.0 : 0.0;
        }
        const auto v = parse_double(s);
        if (!v) fail(node, key, "'" + s + "' is not a number");
        if (!std::isfinite(*v))
            fail(node, key,
                 "'" + s + "' is not a finite number; give a threshold a commune can meet");
        return *v;
    }

    ByYear by_year_or_value(const YAML::Node& node, const std::string& key, bool& boolean) const {
        ByYear out;
        if (node.IsMap()) {
            keys(node, key, {"by_year"});
            const auto years = node["by_year"];
            if (!years.IsMap() || years.size() == 0)
                fail(years, key + ".by_year", "expected {year: value, …}");
            for (const auto& [year, value] : entries(years, key + ".by_year")) {
                const auto y = parse_int(year);
                if (!y || *y < 1900 || *y > 2200)
                    fail(value, key + ".by_year", "'" + year + "' is not a year (1900–2200)");
                out.steps.emplace_back(
                    static_cast<int>(*y),
                    number_or_flag(value, key + ".by_year." + std::to_string(*y), boolean));
            }
            std::sort(out.steps.begin(), out.steps.end());
            return out;
        }
        out.steps.emplace_back(0, number_or_flag(node, key, boolean));
        return out;
    }

    Threshold threshold(const YAML::Node& node, const std::string& key) const {
        Threshold t;
        if (node.IsMap() && !node["by_year"]) {
            for (const auto& [name, value] : entries(node, key)) {
                const std::string sub = key + "." + name;
                if (name == "default") {
                    t.fallback = by_year_or_value(value, sub, t.boolean);
                    continue;
                }
                if (const auto group = parse_enum<CommuneGroup>(name);
                    group && name.rfind("group", 0) == 0) {
                    t.by_group[*group] = by_year_or_value(value, sub, t.boolean);
                    continue;
                }
                const auto region = parse_enum<Region>(name);
                if (!region) {
                    fail(value, sub,
                         "unknown region or commune group; use " + enum_choices<Region>() + ", " +
                             enum_choices<CommuneGroup>() + " or default");
                }
                t.by_region[*region] = by_year_or_value(value, sub, t.boolean);
            }
            if (!t.by_group.empty() && !t.by_region.empty()) {
                fail(node, key,
                     "mixes regions and commune groups; a threshold is either by region (2016–2025 "
                     "sets) "
                     "or by commune group (2026–2030 set)");
            }
            return t;
        }
        t.fallback = by_year_or_value(node, key, t.boolean);
        return t;
    }

    Indicator indicator(const YAML::Node& node, const std::string& path) const {
        keys(node, path,
             {"id", "name", "measure", "class", "levels", "kind", "indicator", "op", "threshold",
              "note"});
        Indicator ind;
        ind.where = where(node);
        ind.id = required(node, "id", path);
        const std::string p = path + "[" + ind.id + "]";
        if (node["name"]) ind.name = names(node["name"], p + ".name");
        const auto measure = required(node, "measure", p);
        static const std::map<std::string, Measure> kMeasures = {
            {"road_hardened_share", Measure::RoadHardenedShare},
            {"farmland_served_share", Measure::FarmlandServedShare},
            {"school_standard_share", Measure::SchoolStandardShare},
            {"facility_standard_present", Measure::FacilityStandardPresent},
            {"facility_standard_share", Measure::FacilityStandardShare},
            {"status", Measure::Status}};
        const auto mit = kMeasures.find(measure);
        if (mit == kMeasures.end()) {
            fail(node["measure"], p + ".measure",
                 "unknown measure '" + measure +
                     "'; use road_hardened_share, farmland_served_share, "
                     "school_standard_share, facility_standard_present, facility_standard_share or "
                     "status");
        }
        ind.measure = mit->second;
        auto param = [&](const char* name) {
            if (!node[name])
                fail(node, p + "." + name, std::string("measure ") + measure + " needs " + name);
            return text(node[name], p + "." + name);
        };
        switch (ind.measure) {
            case Measure::RoadHardenedShare: {
                const auto c = param("class");
                ind.road_class = parse_enum<RoadClass>(c);
                if (!ind.road_class)
                    fail(node["class"], p + ".class",
                         "unknown road class '" + c + "'; use " + enum_choices<RoadClass>());
                break;
            }
            case Measure::SchoolStandardShare:
                if (const auto lv = node["levels"]) {
                    if (!lv.IsSequence())
                        fail(lv, p + ".levels", "expected a list, e.g. [primary, lower_secondary]");
                    for (const auto& l : lv) {
                        const auto e = parse_enum<SchoolLevel>(text(l, p + ".levels"));
                        if (!e)
                            fail(l, p + ".levels",
                                 "unknown school level; use " + enum_choices<SchoolLevel>());
                        ind.levels.push_back(*e);
                    }
                }
                break;
            case Measure::FacilityStandardPresent:
            case Measure::FacilityStandardShare: {
                const auto k = param("kind");
                ind.kind = parse_enum<FacilityKind>(k);
                if (!ind.kind)
                    fail(node["kind"], p + ".kind",
                         "unknown facility kind '" + k + "'; use " + enum_choices<FacilityKind>());
                break;
            }
            case Measure::Status:
                ind.status_indicator = param("indicator");
                break;
            case Measure::FarmlandServedShare:
                break;
        }
        const auto op = required(node, "op", p);
        static const std::map<std::string, Op> kOps = {
            {">=", Op::Ge}, {">", Op::Gt}, {"<=", Op::Le}, {"<", Op::Lt}, {"==", Op::Eq}};
        const auto oit = kOps.find(op);
        if (oit == kOps.end())
            fail(node["op"], p + ".op", "unknown operator '" + op + "'; use >=, >, <=, < or ==");
        ind.op = oit->second;
        if (!node["threshold"])
            fail(node, p + ".threshold",
                 "missing; give a number, true/false, {REGION: …, default: …}, {group1: …, "
                 "group2: …, group3: …} or {by_year: {…}}");
        ind.threshold = threshold(node["threshold"], p + ".threshold");
        if (node["note"]) ind.note = text(node["note"], p + ".note");
        return ind;
    }

    Criterion criterion(const YAML::Node& node, const std::string& path) const {
        keys(node, path, {"id", "name", "group", "indicators"});
        Criterion c;
        c.id = required(node, "id", path);
        const std::string p = "criteria[" + c.id + "]";
        c.name = names(node["name"], p + ".name");
        if (node["group"]) c.group = names(node["group"], p + ".group");
        const auto inds = node["indicators"];
        if (!inds || !inds.IsSequence() || inds.size() == 0)
            fail(node, p + ".indicators", "a criterion needs a list of indicators");
        std::set<std::string> seen;
        for (const auto& i : inds) {
            c.indicators.push_back(indicator(i, p + ".indicators"));
            if (!seen.insert(c.indicators.back().id).second)
                fail(i, p + ".indicators",
                     "indicator id '" + c.indicators.back().id + "' appears twice");
        }
        return c;
    }
};

std::string resolve(const std::string& name_or_path, const std::string& folder) {
    std::error_code ec;  // a name too long or unreadable is a set not found, not an exception
    if (fs::is_regular_file(name_or_path, ec)) return name_or_path;
    const std::string dir = folder.empty() ? data_dir() + "/scenarios/criteria" : folder;
    const std::string p = dir + "/" + name_or_path + ".yaml";
    if (fs::exists(p, ec)) return p;
    std::vector<std::string> known;
    if (fs::is_directory(dir, ec))
        for (const auto& e : fs::directory_iterator(dir))
            if (e.path().extension() == ".yaml" && e.path().stem() != "indicators")
                known.push_back(e.path().stem().string());
    std::sort(known.begin(), known.end());
    throw ConfigError("criteria set '" + name_or_path + "' not found (looked for " + p +
                      "); known sets: " + join(known, ", ") + ", or give a path to a YAML file");
}

constexpr std::size_t kMaxCriteria = 1000;

CriteriaSet load(const std::string& path, std::vector<std::string>& chain);

CriteriaSet read_set(const std::string& path, std::vector<std::string>& chain) {
    std::error_code ec;
    std::string canonical = fs::weakly_canonical(path, ec).string();
    if (ec) canonical = path;
    if (std::find(chain.begin(), chain.end(), canonical) != chain.end()) {
        throw ConfigError(path + ": 'extends' goes round in a circle (" + join(chain, " → ") + ")");
    }
    chain.push_back(canonical);
    const YAML::Node root = yaml::load_file(path, "criteria set file");
    const Reader r(path);
    r.keys(root, "", {"id", "name", "source", "extends", "remove", "criteria"});
    CriteriaSet set;
    set.path = path;
    set.id = r.required(root, "id", "");
    set.name = r.names(root["name"], "name");
    if (root["source"]) set.source = r.text(root["source"], "source");
    if (const auto ext = root["extends"]) {
        const auto parent_name = r.text(ext, "extends");
        const std::string dir = fs::path(path).parent_path().string();
        std::string parent_path;
        // Beside the file first (a family of sets in one folder), then the bundled sets.
        try {
            parent_path = resolve(parent_name, dir.empty() ? "." : dir);
        } catch (const ConfigError&) {
            try {
                parent_path = resolve(parent_name, "");
            } catch (const ConfigError& e) {
                r.fail(ext, "extends", e.what());
            }
        }
        auto parent = load(parent_path, chain);
        set.criteria = std::move(parent.criteria);
        set.lineage = std::move(parent.lineage);
    }
    set.lineage.insert(set.lineage.begin(), set.id);
    if (const auto rm = root["remove"]) {
        if (!rm.IsSequence()) r.fail(rm, "remove", "expected a list of criterion ids");
        for (const auto& n : rm) {
            const auto id = r.text(n, "remove");
            const auto it = std::find_if(set.criteria.begin(), set.criteria.end(),
                                         [&](const Criterion& c) { return c.id == id; });
            if (it == set.criteria.end())
                r.fail(n, "remove", "no criterion '" + id + "' to remove in the parent set");
            set.criteria.erase(it);
        }
    }
    const auto list = root["criteria"];
    if (list && !list.IsSequence()) r.fail(list, "criteria", "expected a list of criteria");
    std::set<std::string> here;
    for (const auto& node : list) {
        auto c = r.criterion(node, "criteria");
        if (!here.insert(c.id).second)
            r.fail(node, "criteria", "criterion id '" + c.id + "' appears twice in this file");
        const auto it = std::find_if(set.criteria.begin(), set.criteria.end(),
                                     [&](const Criterion& x) { return x.id == c.id; });
        if (it != set.criteria.end()) {
            *it = std::move(c);  // replaces the parent's criterion in place
        } else {
            set.criteria.push_back(std::move(c));
        }
    }
    if (set.criteria.empty()) throw ConfigError(path + ": the set has no criteria");
    // An assessment writes a column per criterion; GeoPackage (SQLite) tables hold at most 2,000
    // columns. National sets have 10–20 criteria.
    if (set.criteria.size() > kMaxCriteria)
        throw ConfigError(path + ": " + std::to_string(set.criteria.size()) +
                          " criteria; a set holds at most " + std::to_string(kMaxCriteria) +
                          " (the assessment's table has a column per criterion and must fit a "
                          "GeoPackage); split the set");
    chain.pop_back();
    return set;
}

CriteriaSet load(const std::string& path, std::vector<std::string>& chain) {
    return yaml::guarded(path, [&] { return read_set(path, chain); });
}

}  // namespace

CriteriaSet merge_criteria_sets(const std::vector<CriteriaSet>& sets, const std::string& where) {
    if (sets.empty()) throw ConfigError(where + ": no criteria set to merge");
    CriteriaSet merged = sets.front();
    for (std::size_t p = 1; p < sets.size(); ++p) {
        merged.id += "+" + sets[p].id;
        for (const auto& crit : sets[p].criteria) {
            auto it = std::find_if(merged.criteria.begin(), merged.criteria.end(),
                                   [&](const Criterion& c) { return c.id == crit.id; });
            if (it == merged.criteria.end()) {
                merged.criteria.push_back(crit);
                continue;
            }
            for (const auto& ind : crit.indicators) {
                const auto same = std::find_if(it->indicators.begin(), it->indicators.end(),
                                               [&](const Indicator& i) { return i.id == ind.id; });
                if (same == it->indicators.end()) {
                    it->indicators.push_back(ind);
                } else if (same->measure != ind.measure || same->road_class != ind.road_class ||
                           same->kind != ind.kind || same->levels != ind.levels ||
                           same->status_indicator != ind.status_indicator) {
                    throw ConfigError(
                        where + ": indicator " + ind.id + " of criterion " + crit.id +
                        " measures something else in " + sets[p].id + " (" + ind.where +
                        ") than in " + sets.front().id + " (" + same->where +
                        "); sets in one run may change thresholds, not what an indicator measures");
                }
            }
        }
    }
    return merged;
}

CriteriaSet load_criteria_set(const std::string& name_or_path, const std::string& folder) {
    std::vector<std::string> chain;
    std::error_code ec;
    // "a+b": the union of sets a and b, as a run that changes set writes it in its results.
    if (const auto plus = name_or_path.find('+');
        plus != std::string::npos && !fs::exists(name_or_path, ec)) {
        std::vector<CriteriaSet> parts;
        std::size_t from = 0;
        while (true) {
            const auto end = name_or_path.find('+', from);
            parts.push_back(load_criteria_set(
                name_or_path.substr(from,
                                    end == std::string::npos ? std::string::npos : end - from),
                folder));
            if (end == std::string::npos) break;
            from = end + 1;
        }
        return merge_criteria_sets(parts, name_or_path);
    }
    return load(resolve(name_or_path, folder), chain);
}

}  // namespace ntm::criteria
