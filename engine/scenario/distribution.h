#pragma once
// Distributions written in-house on the counter-based RNG, so their bits never change with the
// standard library. A distribution draws values; used as a factor (an amount's uncertainty, a
// cost overrun) its mean is 1 unless the file says otherwise.
#include <string>

#include "core/rng.h"

namespace ntm::scenario {

struct Distribution {
    enum class Kind { Fixed, Normal, Lognormal, Triangular, Uniform, Beta };
    Kind kind = Kind::Fixed;
    double mean = 1;                     // Fixed: the value; Normal, Lognormal, Beta: the mean
    double sd = 0;                       // Normal, Lognormal, Beta
    double low = 0, mode = 0, high = 0;  // Triangular (low, mode, high), Uniform (low, high)
    // Beta's shape parameters, derived from mean and sd when loaded.
    double alpha = 0, beta = 0;

    static Distribution fixed(double v) {
        Distribution d;
        d.mean = v;
        return d;
    }
    bool is_fixed() const { return kind == Kind::Fixed; }
    // Normal is truncated at 0 when `non_negative` (amounts, factors); Lognormal has the given
    // mean: mean × exp(sd·z − sd²/2).
    double sample(RngStream& rng, bool non_negative = true) const;
    double expected() const;
    // The value below which a share `p` (0 < p < 1) of draws falls, by the same
    // parameterisation as sample() (a normal's truncation at 0 taken as max(0, q)).
    double quantile(double p) const;
    std::string describe() const;
};

// Standard gamma with shape a > 0 (Marsaglia–Tsang), for Beta.
double sample_gamma(RngStream& rng, double shape);

}  // namespace ntm::scenario
