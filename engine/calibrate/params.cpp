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

// A hazard key: soft.base / soft.per_bn_spent (default) or soft.ID.base / soft.ID.per_bn_spent.
bool soft_key(const std::string& key, std::string& id, bool& base) {
    static const std::regex kSoft(R"(soft\.(?:([^.]+(?:\.[^.]+)*)\.)?(base|per_bn_spent))");
    std::smatch m;
    if (!std::regex_match(key, m, kSoft)) return false;
    id = m[1].matched ? m[1].str() : "default";
    base = m[2] == "base";
    return true;
}

// Sets a distribution's mean, keeping its spread (a beta's sd is cut to stay valid).
void set_mean(Distribution& d, double mean) {
    switch (d.kind) {
        case Distribution::Kind::Fixed:
        case Distribution::Kind::Normal:
        case Distribution::Kind::Lognormal: d.mean = mean; break;
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

[[noreturn]] void bad(const std::string& arg, const std::string& what) {
    throw UsageError("--fit " + arg + ": " + what);
}

}  // namespace

std::string param_help() {
    return "soft.base, soft.per_bn_spent, soft.ID.base, soft.ID.per_bn_spent, participation, overrun, "
           "funding.realisation, funding.growth, funding.SOURCE.amount, income.growth";
}

double param_value(const Scenario& s, const std::string& key) {
    std::string id;
    bool base = false;
    if (soft_key(key, id, base)) {
        const auto& h = id == "default" ? s.soft_default : s.hazard(id);
        return base ? h.base : h.per_bn_spent;
    }
    if (key == "participation") {
        const auto* p = find_source(s, Source::People);
        return p ? p->participation.expected() : 0;
    }
    if (key == "overrun") return s.overrun.expected();
    if (key == "funding.realisation") return 1;
    if (key == "funding.growth") {
        for (const auto& f : s.funding)
            if (pooled(f.source) && f.amount > 0) return f.growth;
        return 0;
    }
    if (key == "income.growth") return s.income_growth ? s.income_growth->expected() : 0;
    static const std::regex kAmount(R"(funding\.([a-z]+)\.amount)");
    std::smatch m;
    Source src{};
    if (std::regex_match(key, m, kAmount) && source_by_name(m[1], src)) {
        const auto* f = find_source(s, src);
        return f ? f->amount : 0;
    }
    throw UsageError("--fit " + key + ": unknown key; use " + param_help());
}

Param parse_param(const std::string& arg, const Scenario& base) {
    Param p;
    const auto eq = arg.find('=');
    p.key = arg.substr(0, eq);
    const double now = param_value(base, p.key);  // throws on an unknown key
    std::string id;
    bool hazard_base = false;
    if (soft_key(p.key, id, hazard_base)) {
        p.low = 0;
        p.high = hazard_base ? 1 : 0.1;
    } else if (p.key == "participation") {
        if (!find_source(base, Source::People)) bad(arg, "the scenario has no people source to fit");
        p.low = 0.01;
        p.high = 0.99;
    } else if (p.key == "overrun") {
        p.low = 0.5;
        p.high = 3;
    } else if (p.key == "funding.realisation" || p.key == "funding.growth") {
        bool any = false;
        for (const auto& f : base.funding) any = any || (pooled(f.source) && f.amount > 0);
        if (!any) bad(arg, "the scenario has no pooled source with an amount to scale");
        p.low = p.key == "funding.growth" ? -0.2 : 0.05;
        p.high = p.key == "funding.growth" ? 0.5 : 2;
    } else if (p.key == "income.growth") {
        if (!base.income_growth) bad(arg, "the scenario models no income growth (key income.growth)");
        p.low = -0.05;
        p.high = 0.25;
    } else {  // funding.SOURCE.amount
        Source src{};
        source_by_name(p.key.substr(8, p.key.size() - 15), src);
        if (!find_source(base, src)) bad(arg, "the scenario has no source '" + std::string(scenario::source_name(src)) + "'");
        if (src == Source::People) bad(arg, "the people source has no amount; fit participation instead");
        p.low = 0;
        p.high = std::max(1.0, 3 * now);
    }
    if (eq != std::string::npos) {
        const auto range = arg.substr(eq + 1);
        const auto colon = range.find(':');
        const auto lo = colon == std::string::npos ? std::nullopt : parse_double(range.substr(0, colon));
        const auto hi = colon == std::string::npos ? std::nullopt : parse_double(range.substr(colon + 1));
        if (!lo || !hi) bad(arg, "bounds are written LOW:HIGH, e.g. soft.base=0.02:0.4");
        if (!(*lo < *hi)) bad(arg, "LOW must be below HIGH");
        p.low = *lo;
        p.high = *hi;
        if ((p.key == "participation" || hazard_base) && (p.low < 0 || p.high > 1)) bad(arg, "a share or chance: bounds within 0:1");
        if ((p.key == "overrun" || (p.key.rfind("funding.", 0) == 0 && p.key != "funding.growth")) && p.low < 0)
            bad(arg, "bounds cannot be negative");
    }
    return p;
}

Scenario with_params(const Scenario& base, const std::vector<Param>& params, const std::vector<double>& values) {
    Scenario s = base;
    for (std::size_t i = 0; i < params.size(); ++i) {
        const auto& key = params[i].key;
        const double v = values[i];
        std::string id;
        bool hazard_base = false;
        if (soft_key(key, id, hazard_base)) {
            if (id == "default") {
                (hazard_base ? s.soft_default.base : s.soft_default.per_bn_spent) = v;
            } else {
                auto h = s.hazard(id);
                (hazard_base ? h.base : h.per_bn_spent) = v;
                s.soft[id] = h;
            }
        } else if (key == "participation") {
            set_mean(find_source(s, Source::People)->participation, v);
        } else if (key == "overrun") {
            set_mean(s.overrun, v);
        } else if (key == "funding.realisation") {
            for (auto& f : s.funding)
                if (pooled(f.source)) f.amount = find_source(base, f.source)->amount * v;
        } else if (key == "funding.growth") {
            for (auto& f : s.funding)
                if (pooled(f.source)) f.growth = v;
        } else if (key == "income.growth") {
            set_mean(*s.income_growth, v);
        } else {
            Source src{};
            source_by_name(key.substr(8, key.size() - 15), src);
            find_source(s, src)->amount = v;
        }
    }
    return s;
}

namespace {

// The shortest text that reads back as the same double (0.15, not 0.14999999999999999), so the
// file reproduces the fit exactly and reads cleanly.
std::string num(double v) {
    std::array<char, 32> buf{};
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    return std::string(buf.data(), r.ptr);
}

void emit_distribution(YAML::Emitter& e, const Distribution& d) {
    switch (d.kind) {
        case Distribution::Kind::Fixed: e << num(d.mean); return;
        case Distribution::Kind::Normal:
        case Distribution::Kind::Lognormal:
            e << YAML::Flow << YAML::BeginMap << YAML::Key << (d.kind == Distribution::Kind::Normal ? "normal" : "lognormal")
              << YAML::Value << YAML::BeginMap << YAML::Key << "mean" << YAML::Value << num(d.mean) << YAML::Key << "sd"
              << YAML::Value << num(d.sd) << YAML::EndMap << YAML::EndMap;
            return;
        case Distribution::Kind::Beta:
            e << YAML::Flow << YAML::BeginMap << YAML::Key << "beta" << YAML::Value << YAML::BeginMap << YAML::Key << "mean"
              << YAML::Value << num(d.mean) << YAML::Key << "sd" << YAML::Value << num(d.sd) << YAML::EndMap << YAML::EndMap;
            return;
        case Distribution::Kind::Uniform:
            e << YAML::Flow << YAML::BeginMap << YAML::Key << "uniform" << YAML::Value << YAML::BeginMap << YAML::Key << "low"
              << YAML::Value << num(d.low) << YAML::Key << "high" << YAML::Value << num(d.high) << YAML::EndMap << YAML::EndMap;
            return;
        case Distribution::Kind::Triangular:
            e << YAML::Flow << YAML::BeginMap << YAML::Key << "triangular" << YAML::Value << YAML::BeginMap << YAML::Key
              << "low" << YAML::Value << num(d.low) << YAML::Key << "mode" << YAML::Value << num(d.mode) << YAML::Key << "high"
              << YAML::Value << num(d.high) << YAML::EndMap << YAML::EndMap;
            return;
    }
}

void emit_funding(YAML::Emitter& e, const FundingSource& f) {
    e << YAML::Flow << YAML::BeginMap << YAML::Key << "source" << YAML::Value << std::string(scenario::source_name(f.source));
    if (f.source != Source::People) e << YAML::Key << "amount" << YAML::Value << num(f.amount);
    if (f.growth != 0) e << YAML::Key << "growth" << YAML::Value << num(f.growth);
    if (!f.uncertainty.is_fixed() || f.uncertainty.mean != 1) {
        e << YAML::Key << "uncertainty" << YAML::Value;
        emit_distribution(e, f.uncertainty);
    }
    if (f.source == Source::People) {
        e << YAML::Key << "per_household_mVND" << YAML::Value << num(f.per_household_mvnd) << YAML::Key << "participation"
          << YAML::Value;
        emit_distribution(e, f.participation);
        e << YAML::Key << "labour_days_per_household" << YAML::Value << num(f.labour_days_per_household) << YAML::Key
          << "labour_day_mVND" << YAML::Value << num(f.labour_day_mvnd) << YAML::Key << "donated_land_m2_per_household"
          << YAML::Value << num(f.donated_land_m2_per_household) << YAML::Key << "land_mVND_per_m2" << YAML::Value
          << num(f.land_mvnd_per_m2);
    }
    if (f.source == Source::Credit) {
        e << YAML::Key << "repay_years" << YAML::Value << f.repay_years;
        if (f.debt_cap < 1e299) e << YAML::Key << "debt_cap" << YAML::Value << num(f.debt_cap);
    }
    e << YAML::EndMap;
}

}  // namespace

void write_text_atomically(const std::string& path, const std::string& text) {
    // Callers check --overwrite themselves (before any work).
    write_file_atomically(path, text, true);
}

void write_calibrated_scenario(const std::string& path, const std::string& base_path, const Scenario& s,
                               const std::vector<Param>& params, const std::vector<std::string>& header, bool overwrite) {
    if (fs::exists(path) && !overwrite) throw InputError(path + ": already exists; choose another name or pass --overwrite");
    // The parent by a relative path when both files lie under the working folder (a project
    // folder that moves as a whole), else by its absolute path.
    const auto dir = fs::absolute(path).parent_path();
    const auto base_abs = fs::weakly_canonical(fs::absolute(base_path));
    const auto cwd = fs::current_path();
    auto under_cwd = [&](const fs::path& p) {
        const auto rel = fs::relative(p, cwd);
        return !rel.empty() && rel.begin()->string() != "..";
    };
    const auto parent = under_cwd(base_abs) && under_cwd(fs::weakly_canonical(dir)) ? fs::relative(base_abs, fs::weakly_canonical(dir)).generic_string()
                                                                                   : base_abs.generic_string();
    YAML::Emitter e;
    e << YAML::BeginMap;
    e << YAML::Key << "name" << YAML::Value << s.name;
    e << YAML::Key << "extends" << YAML::Value << parent;
    bool funding = false, soft = false;
    for (const auto& p : params) {
        funding = funding || p.key == "participation" || p.key.rfind("funding.", 0) == 0;
        soft = soft || p.key.rfind("soft.", 0) == 0;
    }
    if (funding) {
        e << YAML::Key << "funding" << YAML::Value << YAML::BeginSeq;
        for (const auto& f : s.funding) emit_funding(e, f);
        e << YAML::EndSeq;
    }
    for (const auto& p : params)
        if (p.key == "overrun") {
            e << YAML::Key << "costs" << YAML::Value << YAML::BeginMap << YAML::Key << "overrun" << YAML::Value;
            emit_distribution(e, s.overrun);
            e << YAML::EndMap;
        }
    if (soft) {
        e << YAML::Key << "soft_criteria" << YAML::Value << YAML::BeginMap;
        std::vector<std::string> ids;
        for (const auto& p : params) {
            std::string id;
            bool b = false;
            if (soft_key(p.key, id, b) && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
        }
        for (const auto& id : ids) {
            const auto& h = id == "default" ? s.soft_default : s.hazard(id);
            e << YAML::Key << id << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "base" << YAML::Value
              << num(h.base) << YAML::Key << "per_bn_spent" << YAML::Value << num(h.per_bn_spent) << YAML::EndMap;
        }
        e << YAML::EndMap;
    }
    for (const auto& p : params)
        if (p.key == "income.growth") {
            e << YAML::Key << "income" << YAML::Value << YAML::BeginMap << YAML::Key << "growth" << YAML::Value;
            emit_distribution(e, *s.income_growth);
            e << YAML::EndMap;
        }
    e << YAML::EndMap;
    if (!e.good()) throw Error(ErrorKind::Internal, "writing the calibrated scenario: " + e.GetLastError());
    std::string text;
    for (const auto& line : header) text += "# " + line + "\n";
    text += e.c_str();
    text += "\n";
    write_text_atomically(path, text);
}

}  // namespace ntm::calibrate
