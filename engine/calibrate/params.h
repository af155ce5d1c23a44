#pragma once
// The scenario parameters a calibration can fit (`--fit KEY[=LOW:HIGH]`), how a value is put
// into a scenario, and the calibrated scenario file written afterwards.
// Thread contract: plain functions on values; call from any thread.
#include <string>
#include <vector>

#include "calibrate/priors.h"
#include "scenario/scenario.h"

namespace ntm::calibrate {

// Keys (docs/validation.md), one row each in the table of params.cpp (a new model parameter is
// one more row there):
//   soft.lead_years, soft.background, soft.cost   the default soft-criteria programme (mean years
//   of
//                                         pushed effort needed, effort a year without a push, bn a
//                                         pushed year)
//   soft.ID.lead_years, …                 one criterion's programme (ID as in soft_criteria)
//   registration.quota                    mean share of all communes the province keeps registered
//   campaign.people                       mean factor of a campaign on the people's contribution
//   effects.sd                            sd of the communes' log propensity
//   participation                         mean share of households contributing (people source)
//   overrun                               mean cost overrun factor (costs.overrun)
//   funding.realisation                   factor on every pooled source's amount (central,
//                                         province, district, commune, enterprise, other): the
//                                         share of the planned money that is realised
//   funding.growth                        yearly growth of every pooled source (the same for all)
//   funding.SOURCE.amount                 one source's yearly amount (bn)
//   income.growth                         mean yearly income growth (needs income: in the file)
struct Param {
    std::string key;
    double low = 0, high = 0;
    Prior prior;                // flat unless the scenario's calibration block gives one
    bool bounds_given = false;  // KEY=LOW:HIGH on the command line: they win over the block's
};

// Parses KEY or KEY=LOW:HIGH against the base scenario (default bounds per key). Throws
// UsageError naming the argument on an unknown key, bad bounds, or a key the scenario cannot
// take (participation without a people source, income.growth without income:).
Param parse_param(const std::string& arg, const scenario::Scenario& base);
// As parse_param, then the scenario's calibration block: the key's prior, and its bounds unless
// the argument gave some. Throws ConfigError when the block's bounds exceed what the key can
// take (a share outside 0:1) or exclude the scenario's own value's range entirely.
Param parse_param(const std::string& arg, const scenario::Scenario& base,
                  const CalibrationSpec& spec);
// Throws ConfigError naming the prior's place when the block has a prior for a key no row knows.
void check_prior_keys(const CalibrationSpec& spec, const scenario::Scenario& base);
std::string param_help();

// The key's value in the scenario (funding.realisation: 1, the file's amounts).
double param_value(const scenario::Scenario& s, const std::string& key);

// The base scenario with each key set to its value (funding.realisation scales the base's amounts).
scenario::Scenario with_params(const scenario::Scenario& base, const std::vector<Param>& params,
                               const std::vector<double>& values);

// Writes `text` to `path` through a temporary file beside it, renamed into place.
void write_text_atomically(const std::string& path, const std::string& text);

// Writes a scenario file that extends `base_path` (by a path relative to the new file) and sets
// the fitted keys, with `header` lines as comments at the top. Written atomically; an existing
// file is an InputError unless `overwrite`.
void write_calibrated_scenario(const std::string& path, const std::string& base_path,
                               const scenario::Scenario& calibrated,
                               const std::vector<Param>& params,
                               const std::vector<std::string>& header, bool overwrite);

}  // namespace ntm::calibrate
