#pragma once
// Priors on the parameters a calibration fits, declared in a scenario's `calibration:` block
// (docs/validation.md):
//
//   calibration:
//     fit: [soft.lead_years, registration.quota, funding.realisation]   # the backtest's default
//     keys priors:
//       soft.lead_years: {lognormal: {mean: 3, sd: 0.4}, bounds: [0.5, 12], source: "DOMAIN §7 …"}
//       funding.realisation: {lognormal: {mean: 1, sd: 0.3}, bounds: [0.2, 3], source:
//       "[assumption]"}
//
// A prior is normal {mean, sd}, lognormal {mean, sd} (the variable's mean and the sd of its
// logarithm, as a scenario's lognormal), or beta {mean, sd} (a share or chance); every prior names
// its source. A child file's block overrides its parent's key by key.
// Thread contract: plain values and functions; call from any thread.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scenario/scenario.h"

namespace ntm::calibrate {

struct Prior {
    enum class Kind { Flat, Normal, Lognormal, Beta };
    Kind kind = Kind::Flat;
    double mean = 0, sd = 0;
    std::string source;  // where the figures come from, or [assumption]
    std::string where;   // file and line, for messages

    bool flat() const { return kind == Kind::Flat; }
    // −2 log density at x, up to a constant that does not depend on x; +∞ outside the support.
    // 0 for a flat prior. On the scale of Σz², so the penalised objective is −2 log posterior.
    double penalty(double x) const;
    // The prior's variance (+∞ for a flat prior): the precision 1/variance is what it adds to the
    // fit's information in the normal approximation of the posterior.
    double variance() const;
    std::string describe() const;  // "beta(mean 0.08, sd 0.05)", "flat"
};

struct PriorSpec {
    Prior prior;
    std::optional<double> low, high;  // bounds: [low, high]
};

struct CalibrationSpec {
    std::vector<std::string> fit;  // default keys, in order; empty: the caller's default
    std::map<std::string, PriorSpec> priors;
};

// Reads the `calibration:` blocks of the scenario's files, its ancestors first (a child's key
// replaces its parent's; a child's `fit` list replaces the parent's). Throws ConfigError naming
// the file, line and key on a bad block (unknown key, a prior without a source, an invalid
// distribution, bounds that exclude the prior's mean).
CalibrationSpec read_calibration(const scenario::Scenario& s);

}  // namespace ntm::calibrate
