#include "units/remap.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/error.h"
#include "core/text.h"
#include "geo/gdal.h"

namespace fs = std::filesystem;

namespace ntm::units {
namespace {

enum class Role { Code, Name, Key, Verdict, Count, Sum, Mean, Text };

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// `assets`: a table of single assets (results' assets.csv), whose rows keep their identity.
Role role_of(const std::string& c, const std::string& code, bool assets) {
    if (c == code) return Role::Code;
    if (c == "name") return Role::Name;
    if (c == "year" || c == "criterion" || c == "indicator" || c == "measure" || c == "op")
        return Role::Key;
    if (assets && (c == "kind" || c == "asset" || c == "fid")) return Role::Key;
    if (c.rfind("c_", 0) == 0 || c == "verdict" || c == "met" || c == "standard")
        return Role::Verdict;
    if (c == "assessed") return Role::Text;
    if (c == "criteria_met" || c == "criteria_not_met" || c == "criteria_unknown")
        return Role::Count;
    static const std::set<std::string> kSums = {
        "population", "households", "numerator", "denominator", "students",
        "schools",    "facilities", "spent",     "gap",         "debt"};
    if (kSums.count(c) || ends_with(c, "_bn") || ends_with(c, "_km") || ends_with(c, "_ha") ||
        ends_with(c, "_km2") || ends_with(c, "_m") || ends_with(c, "_count") ||
        c.rfind("n_", 0) == 0)
        return Role::Sum;
    return Role::Mean;  // numbers; text columns become Role::Text once seen
}

// A verdict's rank: met < unknown < not met; the merged verdict is the worst part's.
int verdict_rank(const std::string& v) {
    const std::string f = to_lower_ascii(v);
    if (f == "met" || f == "yes" || f == "true" || f == "1") return 0;
    if (f == "not_met" || f == "no" || f == "false" || f == "0") return 2;
    return 1;
}

// Natural order: numbers by value, then text.
bool natural_less(const std::string& a, const std::string& b) {
    const auto x = parse_double(a), y = parse_double(b);
    if (x && y && *x != *y) return *x < *y;
    if (x.has_value() != y.has_value()) return x.has_value();
    return a < b;
}

std::string number_text(double v) {
    if (std::abs(v - std::round(v)) < 1e-9 && std::abs(v) < 1e15)
        return std::to_string(std::llround(v));
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    return buf;
}

}  // namespace

Table read_table(const std::string& path) {
    const auto source =
        geo::VectorSource::open(path, {"AUTODETECT_TYPE=NO", "KEEP_GEOM_COLUMNS=YES"});
    auto reader = source.layer(0);
    Table t;
    t.path = path;
    t.columns = reader.field_names();
    geo::Feature f;
    while (reader.next(f)) {
        std::vector<std::string> row;
        for (const auto& v : f.values) row.push_back(v ? *v : std::string{});
        t.rows.push_back(std::move(row));
    }
    return t;
}

void write_table(const Table& t, const std::string& path) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary);
        if (!out)
            throw InputError(path + ": cannot write; check the folder exists and is writable");
        auto cell = [&](const std::string& v) {
            if (v.find_first_of(",\"\n") == std::string::npos) return v;
            std::string q = "\"";
            for (char ch : v) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
            return q + "\"";
        };
        for (std::size_t i = 0; i < t.columns.size(); ++i)
            out << (i ? "," : "") << cell(t.columns[i]);
        out << "\n";
        for (const auto& r : t.rows) {
            for (std::size_t i = 0; i < r.size(); ++i) out << (i ? "," : "") << cell(r[i]);
            out << "\n";
        }
        if (!out) throw InputError(path + ": writing failed (disk full?)");
    }
    fs::rename(tmp, path);
}

std::string code_column(const Table& t) {
    for (const char* c : {"code", "commune_code"})
        if (std::find(t.columns.begin(), t.columns.end(), c) != t.columns.end()) return c;
    return {};
}

RemapResult remap_table(const Table& in, const Crosswalk& cw,
                        const std::map<UnitKey, double>& weight) {
    const std::string code_col = code_column(in);
    if (code_col.empty())
        throw InputError(in.path + ": no column 'code' or 'commune_code'; nothing to remap by");
    const std::size_t nc = in.columns.size();
    std::vector<Role> role(nc);
    std::size_t code_i = 0, name_i = nc, pop_i = nc;
    const bool assets =
        std::find(in.columns.begin(), in.columns.end(), "asset") != in.columns.end();
    for (std::size_t i = 0; i < nc; ++i) {
        role[i] = role_of(in.columns[i], code_col, assets);
        if (role[i] == Role::Code) code_i = i;
        if (role[i] == Role::Name) name_i = i;
        if (in.columns[i] == "population") pop_i = i;
    }
    // A column whose non-empty values are not all numbers is text.
    for (std::size_t i = 0; i < nc; ++i) {
        if (role[i] != Role::Sum && role[i] != Role::Mean) continue;
        for (const auto& r : in.rows)
            if (!r[i].empty() && !parse_double(r[i])) {
                role[i] = Role::Text;
                break;
            }
    }
    // Names in the target period by code, to recognise a code reused across periods.
    std::map<std::string, std::string> target_name;
    for (const auto& l : cw.links) target_name.emplace(l.to.code, l.to_name);

    // Each input row contributes to the new units its old unit went into.
    struct Part {
        std::size_t row;
        const Link* link;
        double weight;
    };
    using GroupKey = std::vector<std::string>;  // new code, then the key columns' values
    std::map<GroupKey, std::vector<Part>, bool (*)(const GroupKey&, const GroupKey&)> groups(
        [](const GroupKey& a, const GroupKey& b) {
            return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                                natural_less);
        });
    std::set<const Link*> used_links;
    std::map<const Link*, double> used_weight;
    for (std::size_t ri = 0; ri < in.rows.size(); ++ri) {
        const auto& r = in.rows[ri];
        const std::string where = in.path + ", line " + std::to_string(ri + 2);
        const UnitKey unit{r[code_i], cw.from_period};
        const std::string name = name_i < nc ? r[name_i] : std::string{};
        const auto* links = cw.links_from(unit);
        if (!links) {
            if (const auto t = target_name.find(unit.code);
                t != target_name.end() && !name.empty() &&
                fold_token(t->second) == fold_token(name)) {
                throw InputError(
                    where + ": code " + unit.code + " '" + name + "' is the unit " + unit.code +
                    " of period " + cw.to_period + ", not of period " + cw.from_period +
                    "; codes are reused across periods, so this table is already of period " +
                    cw.to_period);
            }
            throw InputError(where + ": unit " + label(unit) +
                             (name.empty() ? "" : " '" + name + "'") + " is not in the crosswalk " +
                             cw.path + "; add its row (from_code " + unit.code + ", from_period " +
                             cw.from_period + ", to_code, part)");
        }
        const Link& first = cw.links[links->front()];
        if (!name.empty() && !first.from_name.empty() &&
            fold_token(first.from_name) != fold_token(name)) {
            if (const auto t = target_name.find(unit.code);
                t != target_name.end() && fold_token(t->second) == fold_token(name)) {
                throw InputError(where + ": code " + unit.code + " is '" + first.from_name +
                                 "' in period " + cw.from_period + " but '" + name +
                                 "' in period " + cw.to_period +
                                 "; codes are reused across periods and this row is of period " +
                                 cw.to_period + ": remap only tables of period " + cw.from_period);
            }
        }
        double w = 1;
        if (const auto it = weight.find(unit); it != weight.end()) {
            w = it->second;
        } else if (pop_i < nc) {
            w = parse_double(r[pop_i]).value_or(1);
        }
        for (const auto li : *links) {
            const Link* l = &cw.links[li];
            GroupKey key{l->to.code};
            for (std::size_t i = 0; i < nc; ++i)
                if (role[i] == Role::Key) key.push_back(r[i]);
            groups[key].push_back({ri, l, w});
            used_links.insert(l);
            used_weight[l] = w;
        }
    }

    RemapResult out;
    out.table.path = in.path;
    out.table.columns = in.columns;
    std::vector<std::size_t> verdict_cols;
    for (std::size_t i = 0; i < nc; ++i)
        if (role[i] == Role::Verdict && in.columns[i].rfind("c_", 0) == 0)
            verdict_cols.push_back(i);
    for (const auto& [key, parts] : groups) {
        std::vector<std::string> row(nc);
        const Link* l0 = parts.front().link;
        for (std::size_t i = 0; i < nc; ++i) {
            const auto& first = in.rows[parts.front().row][i];
            switch (role[i]) {
                case Role::Code:
                    row[i] = l0->to.code;
                    break;
                case Role::Name:
                    row[i] = l0->to_name.empty() ? first : l0->to_name;
                    break;
                case Role::Key:
                    row[i] = first;
                    break;
                case Role::Verdict: {
                    int worst = -1;
                    std::string text;
                    bool any = false;
                    for (const auto& p : parts) {
                        const auto& v = in.rows[p.row][i];
                        if (v.empty()) continue;
                        any = true;
                        if (verdict_rank(v) > worst) worst = verdict_rank(v), text = v;
                    }
                    row[i] = any ? text : std::string{};
                    break;
                }
                case Role::Count:
                    break;  // recounted below
                case Role::Sum: {
                    double s = 0;
                    bool any = false;
                    for (const auto& p : parts)
                        if (const auto v = parse_double(in.rows[p.row][i]))
                            s += *v * p.link->share, any = true;
                    row[i] = any ? number_text(s) : std::string{};
                    break;
                }
                case Role::Mean: {
                    double s = 0, ws = 0;
                    for (const auto& p : parts)
                        if (const auto v = parse_double(in.rows[p.row][i])) {
                            s += *v * p.weight * p.link->share;
                            ws += p.weight * p.link->share;
                        }
                    row[i] = ws > 0 ? number_text(s / ws) : std::string{};
                    break;
                }
                case Role::Text: {
                    row[i] = first;
                    for (const auto& p : parts)
                        if (in.rows[p.row][i] != first) row[i] = "mixed";
                    break;
                }
            }
        }
        // Criteria counts from the merged verdicts, when the table has them.
        for (std::size_t i = 0; i < nc; ++i) {
            if (role[i] != Role::Count) continue;
            if (verdict_cols.empty()) {
                row[i] = in.rows[parts.front().row][i];
                continue;
            }
            int n = 0;
            bool any = false;
            const int want = in.columns[i] == "criteria_met"       ? 0
                             : in.columns[i] == "criteria_unknown" ? 1
                                                                   : 2;
            for (auto c : verdict_cols) {
                if (row[c].empty()) continue;
                any = true;
                n += verdict_rank(row[c]) == want;
            }
            row[i] = any ? std::to_string(n) : std::string{};
        }
        out.table.rows.push_back(std::move(row));
    }
    for (const auto& l : cw.links)
        if (used_links.count(&l)) out.used.push_back({&l, used_weight[&l]});
    return out;
}

}  // namespace ntm::units
