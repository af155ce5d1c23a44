#include "calibrate/params.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>

#include "core/error.h"
#include "core/output.h"
#include "core/text.h"

namespace fs = std::filesystem;

namespace ntm::calibrate {

namespace {

using scenario::Distribution;
using scenario::FundingSource;
using scenario::Scenario;
using scenario::Source;

bool pooled(Source s) { return s != Source::People && s != Source::Credit; }

FundingSource* find_source(Scenario& s, Source wanted) {
    for (auto& f : s.funding)
        if (f.source == wanted) return &f;
    return nullptr;
}
const FundingSource* find_source(const Scenario& s, Source wanted) {
    for (const auto& f : s.funding)
        if (f.source == wanted) return &f;
    return nullptr;
}

bool source_by_name(const std::string& name, Source& out) {
    for (const auto s : scenario::kSources)
        if (scenario::source_name(s) == name) {
            out = s;
            return true;
        }
    return false;
}

// Sets a distribution's mean, keeping its spread (a beta's sd is cut to stay valid).
void set_mean(Distribution& d, double mean) {
    switch (d.kind) {
        case Distribution::Kind::Fixed:
        case Distribution::Kind::Normal:
        case Distribution::Kind::Lognormal:
            d.mean = mean;
            break;
        case Distribution::Kind::Uniform:
        case Distribution::Kind::Triangular: {
            const double shift = mean - d.expected();
            d.low += shift;
            d.mode += shift;
            d.high += shift;
            break;
        }
        case Distribution::Kind::Beta: {
            d.mean = mean;
            const double max_sd = std::sqrt(mean * (1 - mean));
            if (d.sd >= max_sd) d.sd = 0.9 * max_sd;
            const double common = mean * (1 - mean) / (d.sd * d.sd) - 1;
            d.alpha = mean * common;
            d.beta = (1 - mean) * common;
            break;
        }
    }
}

// The shortest text that reads back as the same double (0.15, not 0.14999999999999999), so the
// file reproduces the fit exactly and reads cleanly.
std::string num(double v) {
    std::array<char, 32> buf{};
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    return std::string(buf.data(), r.ptr);
}

YAML::Node flow_map() {
    YAML::Node n(YAML::NodeType::Map);
    n.SetStyle(YAML::EmitterStyle::Flow);
    return n;
}

YAML::Node distribution_node(const Distribution& d) {
    if (d.kind == Distribution::Kind::Fixed) return YAML::Node(num(d.mean));
    YAML::Node args = flow_map(), out = flow_map();
    switch (d.kind) {
        case Distribution::Kind::Fixed:
            break;
        case Distribution::Kind::Normal:
        case Distribution::Kind::Lognormal:
        case Distribution::Kind::Beta:
            args["mean"] = num(d.mean);
            args["sd"] = num(d.sd);
            out[d.kind == Distribution::Kind::Normal      ? "normal"
                : d.kind == Distribution::Kind::Lognormal ? "lognormal"
                                                          : "beta"] = args;
            break;
        case Distribution::Kind::Uniform:
            args["low"] = num(d.low);
            args["high"] = num(d.high);
            out["uniform"] = args;
            break;
        case Distribution::Kind::Triangular:
            args["low"] = num(d.low);
            args["mode"] = num(d.mode);
            args["high"] = num(d.high);
            out["triangular"] = args;
            break;
    }
    return out;
}

YAML::Node funding_node(const FundingSource& f) {
    YAML::Node n = flow_map();
    n["source"] = std::string(scenario::source_name(f.source));
    if (f.source != Source::People) n["amount"] = num(f.amount);
    if (f.growth != 0) n["growth"] = num(f.growth);
    if (!f.uncertainty.is_fixed() || f.uncertainty.mean != 1)
        n["uncertainty"] = distribution_node(f.uncertainty);
    if (f.source == Source::People) {
        n["per_household_mVND"] = num(f.per_household_mvnd);
        n["participation"] = distribution_node(f.participation);
        n["labour_days_per_household"] = num(f.labour_days_per_household);
        n["labour_day_mVND"] = num(f.labour_day_mvnd);
        n["donated_land_m2_per_household"] = num(f.donated_land_m2_per_household);
        n["land_mVND_per_m2"] = num(f.land_mvnd_per_m2);
    }
    if (f.source == Source::Credit) {
        n["repay_years"] = f.repay_years;
        if (f.debt_cap < 1e299) n["debt_cap"] = num(f.debt_cap);
    }
    return n;
}

// --- the table of keys --------------------------------------------------------------------------

enum class Limit { Any, NonNegative, Share };

// One row per key: its pattern, default bounds, and how it is read from, put into and written
// to a scenario. `arg` is the pattern's first group (a criterion id, a source name), or empty.
struct KeyRow {
    const char* pattern;  // regular expression over the whole key
    const char* help;
    double low, high;  // default bounds; high < low: 3 × the scenario's value, at least 1
    Limit limit;
    // Why the scenario cannot take the key, or empty.
    std::string (*unusable)(const Scenario& s, const std::string& arg);
    double (*get)(const Scenario& s, const std::string& arg);
    void (*set)(Scenario& s, const Scenario& base, const std::string& arg, double v);
    // Writes the key's part of the scenario into the calibrated file's root.
    void (*write)(YAML::Node& root, const Scenario& s, const std::string& arg);
};

std::string usable(const Scenario&, const std::string&) { return {}; }

std::string needs_pooled(const Scenario& s, const std::string&) {
    for (const auto& f : s.funding)
        if (pooled(f.source) && f.amount > 0) return {};
    return "the scenario has no pooled source with an amount to scale";
}

std::string needs_people(const Scenario& s, const std::string&) {
    return find_source(s, Source::People) ? std::string()
                                          : "the scenario has no people source to fit";
}

void write_funding(YAML::Node& root, const Scenario& s, const std::string&) {
    YAML::Node list(YAML::NodeType::Sequence);
    for (const auto& f : s.funding) list.push_back(funding_node(f));
    root["funding"] = list;
}

scenario::SoftProgramme& programme_of(Scenario& s, const std::string& id) {
    if (id.empty()) return s.soft_default;
    if (!s.soft.count(id)) s.soft[id] = s.soft_default;
    return s.soft[id];
}

const scenario::SoftProgramme& programme_of(const Scenario& s, const std::string& id) {
    return id.empty() ? s.soft_default : s.programme(id);
}

void write_programme(YAML::Node& root, const Scenario& s, const std::string& id) {
    const auto& p = programme_of(s, id);
    YAML::Node n = flow_map();
    n["lead_years"] = distribution_node(p.lead_years);
    n["cost_bn"] = num(p.cost_bn);
    n["background"] = num(p.background);
    root["soft_criteria"][id.empty() ? "default" : id] = n;
}

const std::vector<KeyRow>& key_table() {
    static const std::vector<KeyRow> kRows = {
        {R"(soft\.lead_years)", "soft.lead_years", 0.5, 15, Limit::NonNegative, usable,
         [](const Scenario& s, const std::string&) { return s.soft_default.lead_years.expected(); },
         [](Scenario& s, const Scenario&, const std::string&, double v) {
             set_mean(s.soft_default.lead_years, v);
         },
         write_programme},
        {R"(soft\.background)", "soft.background", 0, 1, Limit::Share, usable,
         [](const Scenario& s, const std::string&) { return s.soft_default.background; },
         [](Scenario& s, const Scenario&, const std::string&, double v) {
             s.soft_default.background = v;
         },
         write_programme},
        {R"(soft\.cost)", "soft.cost", 0, -1, Limit::NonNegative, usable,
         [](const Scenario& s, const std::string&) { return s.soft_default.cost_bn; },
         [](Scenario& s, const Scenario&, const std::string&, double v) {
             s.soft_default.cost_bn = v;
         },
         write_programme},
        {R"(soft\.(.+)\.lead_years)", "soft.ID.lead_years", 0.5, 15, Limit::NonNegative, usable,
         [](const Scenario& s, const std::string& id) {
             return programme_of(s, id).lead_years.expected();
         },
         [](Scenario& s, const Scenario&, const std::string& id, double v) {
             set_mean(programme_of(s, id).lead_years, v);
         },
         write_programme},
        {R"(soft\.(.+)\.background)", "soft.ID.background", 0, 1, Limit::Share, usable,
         [](const Scenario& s, const std::string& id) { return programme_of(s, id).background; },
         [](Scenario& s, const Scenario&, const std::string& id, double v) {
             programme_of(s, id).background = v;
         },
         write_programme},
        {R"(soft\.(.+)\.cost)", "soft.ID.cost", 0, -1, Limit::NonNegative, usable,
         [](const Scenario& s, const std::string& id) { return programme_of(s, id).cost_bn; },
         [](Scenario& s, const Scenario&, const std::string& id, double v) {
             programme_of(s, id).cost_bn = v;
         },
         write_programme},
        {R"(registration\.quota)", "registration.quota", 0.005, 0.8, Limit::Share,
         [](const Scenario& s, const std::string&) {
             return s.registration.quota_share ? std::string()
                                               : "the scenario registers no communes by rule (key "
                                                 "registration.quota.share)";
         },
         [](const Scenario& s, const std::string&) {
             return s.registration.quota_share ? s.registration.quota_share->expected() : 0.0;
         },
         [](Scenario& s, const Scenario&, const std::string&, double v) {
             set_mean(*s.registration.quota_share, v);
         },
         [](YAML::Node& root, const Scenario& s, const std::string&) {
             root["registration"]["quota"]["share"] =
                 distribution_node(*s.registration.quota_share);
         }},
        {R"(campaign\.people)", "campaign.people", 0.5, 6, Limit::NonNegative, usable,
         [](const Scenario& s, const std::string&) { return s.campaign.people.expected(); },
         [](Scenario& s, const Scenario&, const std::string&, double v) {
             set_mean(s.campaign.people, v);
         },
         [](YAML::Node& root, const Scenario& s, const std::string&) {
             root["campaign"]["people"] = distribution_node(s.campaign.people);
         }},
        {R"(effects\.sd)", "effects.sd", 0, 1.5, Limit::NonNegative, usable,
         [](const Scenario& s, const std::string&) { return s.commune_effect_sd; },
         [](Scenario& s, const Scenario&, const std::string&, double v) {
             s.commune_effect_sd = v;
         },
         [](YAML::Node& root, const Scenario& s, const std::string&) {
             root["effects"]["sd"] = num(s.commune_effect_sd);
         }},
        {R"(participation)", "participation", 0.01, 0.99, Limit::Share, needs_people,
         [](const Scenario& s, const std::string&) {
             const auto* p = find_source(s, Source::People);
             return p ? p->participation.expected() : 0.0;
         },
         [](Scenario& s, const Scenario&, const std::string&, double v) {
             set_mean(find_source(s, Source::People)->participation, v);
         },
         write_funding},
        {R"(overrun)", "overrun", 0.5, 3, Limit::NonNegative, usable,
         [](const Scenario& s, const std::string&) { return s.overrun.expected(); },
         [](Scenario& s, const Scenario&, const std::string&, double v) { set_mean(s.overrun, v); },
         [](YAML::Node& root, const Scenario& s, const std::string&) {
             root["costs"]["overrun"] = distribution_node(s.overrun);
         }},
        {R"(funding\.realisation)", "funding.realisation", 0.05, 2, Limit::NonNegative,
         needs_pooled, [](const Scenario&, const std::string&) { return 1.0; },
         [](Scenario& s, const Scenario& base, const std::string&, double v) {
             for (auto& f : s.funding)
                 if (pooled(f.source)) f.amount = find_source(base, f.source)->amount * v;
         },
         write_funding},
        {R"(funding\.growth)", "funding.growth", -0.2, 0.5, Limit::Any, needs_pooled,
         [](const Scenario& s, const std::string&) {
             for (const auto& f : s.funding)
                 if (pooled(f.source) && f.amount > 0) return f.growth;
             return 0.0;
         },
         [](Scenario& s, const Scenario&, const std::string&, double v) {
             for (auto& f : s.funding)
                 if (pooled(f.source)) f.growth = v;
         },
         write_funding},
        {R"(funding\.([a-z]+)\.amount)", "funding.SOURCE.amount", 0, -1, Limit::NonNegative,
         [](const Scenario& s, const std::string& name) -> std::string {
             Source src{};
             if (!source_by_name(name, src)) return "no funding source is called '" + name + "'";
             if (src == Source::People)
                 return "the people source has no amount; fit participation instead";
             if (!find_source(s, src)) return "the scenario has no source '" + name + "'";
             return {};
         },
         [](const Scenario& s, const std::string& name) {
             Source src{};
             const auto* f = source_by_name(name, src) ? find_source(s, src) : nullptr;
             return f ? f->amount : 0.0;
         },
         [](Scenario& s, const Scenario&, const std::string& name, double v) {
             Source src{};
             source_by_name(name, src);
             find_source(s, src)->amount = v;
         },
         write_funding},
        {R"(income\.growth)", "income.growth", -0.05, 0.25, Limit::Any,
         [](const Scenario& s, const std::string&) {
             return s.income_growth ? std::string()
                                    : "the scenario models no income growth (key income.growth)";
         },
         [](const Scenario& s, const std::string&) {
             return s.income_growth ? s.income_growth->expected() : 0.0;
         },
         [](Scenario& s, const Scenario&, const std::string&, double v) {
             set_mean(*s.income_growth, v);
         },
         [](YAML::Node& root, const Scenario& s, const std::string&) {
             root["income"]["growth"] = distribution_node(*s.income_growth);
         }},
    };
    return kRows;
}

// The row a key matches, and its argument; nullptr when none does.
const KeyRow* find_row(const std::string& key, std::string& arg) {
    for (const auto& row : key_table()) {
        std::smatch m;
        if (std::regex_match(key, m, std::regex(row.pattern))) {
            arg = m.size() > 1 ? m[1].str() : std::string();
            return &row;
        }
    }
    return nullptr;
}

const KeyRow& row_of(const std::string& key, std::string& arg) {
    const auto* row = find_row(key, arg);
    if (!row) throw UsageError("--fit " + key + ": unknown key; use " + param_help());
    return *row;
}

[[noreturn]] void bad(const std::string& arg, const std::string& what) {
    throw UsageError("--fit " + arg + ": " + what);
}

}  // namespace

std::string param_help() {
    std::string out;
    for (const auto& row : key_table()) out += (out.empty() ? "" : ", ") + std::string(row.help);
    return out;
}

double param_value(const Scenario& s, const std::string& key) {
    std::string arg;
    return row_of(key, arg).get(s, arg);
}

Param parse_param(const std::string& arg, const Scenario& base) {
    Param p;
    const auto eq = arg.find('=');
    p.key = arg.substr(0, eq);
    std::string sub;
    const auto& row = row_of(p.key, sub);  // throws on an unknown key
    if (const auto why = row.unusable(base, sub); !why.empty()) bad(arg, why);
    const double now = row.get(base, sub);
    p.low = row.low;
    p.high = row.high < row.low ? std::max(1.0, 3 * now) : row.high;
    if (eq != std::string::npos) {
        const auto range = arg.substr(eq + 1);
        const auto colon = range.find(':');
        const auto lo =
            colon == std::string::npos ? std::nullopt : parse_double(range.substr(0, colon));
        const auto hi =
            colon == std::string::npos ? std::nullopt : parse_double(range.substr(colon + 1));
        if (!lo || !hi) bad(arg, "bounds are written LOW:HIGH, e.g. soft.lead_years=1:6");
        if (!(*lo < *hi)) bad(arg, "LOW must be below HIGH");
        p.low = *lo;
        p.high = *hi;
        p.bounds_given = true;
        if (row.limit == Limit::Share && (p.low < 0 || p.high > 1))
            bad(arg, "a share or chance: bounds within 0:1");
        if (row.limit == Limit::NonNegative && p.low < 0) bad(arg, "bounds cannot be negative");
    }
    return p;
}

Param parse_param(const std::string& arg, const Scenario& base, const CalibrationSpec& spec) {
    Param p = parse_param(arg, base);
    const auto it = spec.priors.find(p.key);
    if (it == spec.priors.end()) return p;
    const auto& ps = it->second;
    p.prior = ps.prior;
    if (!p.bounds_given && ps.low) {
        std::string sub;
        const auto& row = row_of(p.key, sub);
        if (row.limit == Limit::Share && (*ps.low < 0 || *ps.high > 1))
            throw ConfigError(ps.prior.where + ", key 'calibration.priors." + p.key +
                              ".bounds': a share or chance: bounds within 0:1");
        if (row.limit == Limit::NonNegative && *ps.low < 0)
            throw ConfigError(ps.prior.where + ", key 'calibration.priors." + p.key +
                              ".bounds': bounds cannot be negative");
        p.low = *ps.low;
        p.high = *ps.high;
    }
    return p;
}

void check_prior_keys(const CalibrationSpec& spec, const Scenario&) {
    for (const auto& [key, ps] : spec.priors) {
        std::string arg;
        if (!find_row(key, arg))
            throw ConfigError(ps.prior.where + ", key 'calibration.priors." + key +
                              "': unknown parameter; use " + param_help());
    }
}

Scenario with_params(const Scenario& base, const std::vector<Param>& params,
                     const std::vector<double>& values) {
    Scenario s = base;
    for (std::size_t i = 0; i < params.size(); ++i) {
        std::string arg;
        row_of(params[i].key, arg).set(s, base, arg, values[i]);
    }
    return s;
}

void write_text_atomically(const std::string& path, const std::string& text) {
    // Callers check --overwrite themselves (before any work).
    write_file_atomically(path, text, true);
}

void write_calibrated_scenario(const std::string& path, const std::string& base_path,
                               const Scenario& s, const std::vector<Param>& params,
                               const std::vector<std::string>& header, bool overwrite) {
    if (fs::exists(path) && !overwrite)
        throw InputError(path + ": already exists; choose another name or pass --overwrite");
    // The parent by a relative path when both files lie under the working folder (a project
    // folder that moves as a whole), else by its absolute path.
    const auto dir = fs::absolute(path).parent_path();
    const auto base_abs = fs::weakly_canonical(fs::absolute(base_path));
    const auto cwd = fs::current_path();
    auto under_cwd = [&](const fs::path& p) {
        const auto rel = fs::relative(p, cwd);
        return !rel.empty() && rel.begin()->string() != "..";
    };
    const auto parent = under_cwd(base_abs) && under_cwd(fs::weakly_canonical(dir))
                            ? fs::relative(base_abs, fs::weakly_canonical(dir)).generic_string()
                            : base_abs.generic_string();
    YAML::Node root(YAML::NodeType::Map);
    root["name"] = s.name;
    root["extends"] = parent;
    for (const auto& p : params) {
        std::string arg;
        row_of(p.key, arg).write(root, s, arg);
    }
    YAML::Emitter e;
    e << root;
    if (!e.good())
        throw Error(ErrorKind::Internal, "writing the calibrated scenario: " + e.GetLastError());
    std::string text;
    for (const auto& line : header) text += "# " + line + "\n";
    text += e.c_str();
    text += "\n";
    write_text_atomically(path, text);
}

}  // namespace ntm::calibrate
