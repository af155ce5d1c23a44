#include "calibrate/priors.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/text.h"
#include "core/yaml_reader.h"

namespace ntm::calibrate {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Beta shape parameters from a mean and sd.
void beta_shape(const Prior& p, double& a, double& b) {
    const double common = p.mean * (1 - p.mean) / (p.sd * p.sd) - 1;
    a = p.mean * common;
    b = (1 - p.mean) * common;
}

// −2 log density up to a constant, not yet shifted to 0 at the mode.
double raw_penalty(const Prior& p, double x) {
    switch (p.kind) {
        case Prior::Kind::Flat:
            return 0;
        case Prior::Kind::Normal: {
            const double z = (x - p.mean) / p.sd;
            return z * z;
        }
        case Prior::Kind::Lognormal: {
            if (x <= 0) return kInf;
            const double mu = std::log(p.mean) - 0.5 * p.sd * p.sd;
            const double z = (std::log(x) - mu) / p.sd;
            return z * z + 2 * std::log(x);
        }
        case Prior::Kind::Beta: {
            if (x <= 0 || x >= 1) return kInf;
            double a = 0, b = 0;
            beta_shape(p, a, b);
            return -2 * ((a - 1) * std::log(x) + (b - 1) * std::log(1 - x));
        }
    }
    return 0;
}

double mode(const Prior& p) {
    switch (p.kind) {
        case Prior::Kind::Flat:
        case Prior::Kind::Normal:
            return p.mean;
        case Prior::Kind::Lognormal:
            return p.mean * std::exp(-1.5 * p.sd * p.sd);  // exp(μ − s²)
        case Prior::Kind::Beta: {
            double a = 0, b = 0;
            beta_shape(p, a, b);
            return (a - 1) / (a + b - 2);
        }
    }
    return p.mean;
}

class Reader : public yaml::Reader {
 public:
    using yaml::Reader::Reader;

    void apply(const YAML::Node& block, CalibrationSpec& spec) const {
        if (!block.IsMap()) fail(block, "calibration", "expected a mapping with fit and priors");
        keys(block, "calibration", {"fit", "priors"});
        if (const auto f = block["fit"]) {
            if (!f.IsSequence())
                fail(f, "calibration.fit",
                     "expected a list of keys, e.g. [soft.lead_years, funding.realisation]");
            spec.fit.clear();
            for (const auto& k : f) {
                if (!k.IsScalar())
                    fail(k, "calibration.fit", "expected a key such as soft.lead_years");
                spec.fit.push_back(k.Scalar());
            }
        }
        if (const auto ps = block["priors"]) {
            if (!ps.IsMap())
                fail(ps, "calibration.priors",
                     "expected KEY: {normal|lognormal|beta: {mean, sd}, bounds, source}");
            for (const auto& [key, value] : entries(ps, "calibration.priors"))
                spec.priors[key] = prior(value, "calibration.priors." + key);
        }
    }

 private:
    PriorSpec prior(const YAML::Node& n, const std::string& key) const {
        if (!n.IsMap())
            fail(n, key,
                 "expected {normal|lognormal|beta: {mean, sd}, bounds: [LOW, HIGH], source: TEXT}");
        PriorSpec out;
        Prior& p = out.prior;
        p.where = where(n);
        int kinds = 0;
        for (const auto& [k, value] : entries(n, key)) {
            const std::string sub = key + "." + k;
            if (k == "normal" || k == "lognormal" || k == "beta") {
                ++kinds;
                p.kind = k == "normal"      ? Prior::Kind::Normal
                         : k == "lognormal" ? Prior::Kind::Lognormal
                                            : Prior::Kind::Beta;
                const auto& d = value;
                if (!d.IsMap() || !d["mean"] || !d["sd"] || d.size() != 2)
                    fail(d, sub, "needs exactly mean and sd");
                p.mean = number(d["mean"], sub + ".mean");
                p.sd = number(d["sd"], sub + ".sd");
                if (!(p.sd > 0)) fail(d["sd"], sub + ".sd", "a prior's sd must be above 0");
                if (p.kind == Prior::Kind::Lognormal && !(p.mean > 0))
                    fail(d["mean"], sub + ".mean", "a lognormal's mean must be above 0");
                if (p.kind == Prior::Kind::Beta) {
                    if (!(p.mean > 0 && p.mean < 1))
                        fail(d["mean"], sub + ".mean", "a beta's mean lies between 0 and 1");
                    if (!(p.sd * p.sd < p.mean * (1 - p.mean)))
                        fail(d["sd"], sub + ".sd", "a beta needs sd² < mean × (1 − mean)");
                    double a = 0, b = 0;
                    beta_shape(p, a, b);
                    if (a <= 1 || b <= 1)
                        fail(d["sd"], sub + ".sd",
                             "this sd gives a beta whose density is infinite at 0 or 1 (shape " +
                                 format_fixed(a, 2) + ", " + format_fixed(b, 2) +
                                 "); give a smaller sd, so both shapes exceed 1");
                }
            } else if (k == "bounds") {
                const auto& b = value;
                if (!b.IsSequence() || b.size() != 2) fail(b, sub, "expected [LOW, HIGH]");
                out.low = number(b[0], sub);
                out.high = number(b[1], sub);
                if (!(*out.low < *out.high)) fail(b, sub, "LOW must be below HIGH");
            } else if (k == "source") {
                if (!value.IsScalar() || trim(value.Scalar()).empty())
                    fail(value, sub,
                         "name where the prior's figures come from (DOMAIN.md §…) or write "
                         "[assumption]");
                p.source = value.Scalar();
            } else {
                fail(value, sub,
                     "unknown key; allowed here: normal, lognormal, beta, bounds, source");
            }
        }
        if (kinds > 1) fail(n, key, "give one distribution (normal, lognormal or beta)");
        if (kinds == 1 && p.source.empty())
            fail(n, key,
                 "every prior names its source: add source: \"DOMAIN.md §…\" or source: "
                 "\"[assumption] …\"");
        if (kinds == 1 && out.low && (p.mean < *out.low || p.mean > *out.high))
            fail(n, key,
                 "the prior's mean " + format_fixed(p.mean, 4) + " lies outside its bounds");
        return out;
    }
};

}  // namespace

double Prior::penalty(double x) const {
    if (kind == Kind::Flat) return 0;
    return raw_penalty(*this, x) - raw_penalty(*this, mode(*this));
}

double Prior::variance() const {
    switch (kind) {
        case Kind::Flat:
            return kInf;
        case Kind::Normal:
        case Kind::Beta:
            return sd * sd;
        case Kind::Lognormal:
            return mean * mean * (std::exp(sd * sd) - 1);
    }
    return kInf;
}

std::string Prior::describe() const {
    const std::string args = "(mean " + format_fixed(mean, 4) + ", sd " + format_fixed(sd, 4) + ")";
    switch (kind) {
        case Kind::Flat:
            return "flat";
        case Kind::Normal:
            return "normal" + args;
        case Kind::Lognormal:
            return "lognormal" + args;
        case Kind::Beta:
            return "beta" + args;
    }
    return "?";
}

CalibrationSpec read_calibration(const scenario::Scenario& s) {
    CalibrationSpec spec;
    // lineage holds the files this one first: apply the ancestors first.
    for (auto it = s.lineage.rbegin(); it != s.lineage.rend(); ++it) {
        YAML::Node root;
        try {
            root = YAML::LoadFile(*it);
        } catch (const YAML::Exception& e) {
            throw ConfigError(
                *it +
                ": cannot read the scenario file again for its calibration block: " + e.what());
        }
        if (root.IsMap() && root["calibration"])
            yaml::guarded(*it, [&] { Reader(*it).apply(root["calibration"], spec); });
    }
    return spec;
}

}  // namespace ntm::calibrate
