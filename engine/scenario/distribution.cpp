#include "scenario/distribution.h"

#include <algorithm>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/triangular.hpp>
#include <cmath>

#include "core/text.h"

namespace ntm::scenario {

double sample_gamma(RngStream& rng, double shape) {
    if (shape < 1) {
        // Boost a shape below 1 to shape + 1 and scale back (Marsaglia–Tsang's note).
        const double g = sample_gamma(rng, shape + 1);
        double u = rng.uniform();
        if (u <= 0) u = 0x1.0p-53;
        return g * std::pow(u, 1.0 / shape);
    }
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    while (true) {
        const double z = rng.normal();
        const double v1 = 1 + c * z;
        if (v1 <= 0) continue;
        const double v = v1 * v1 * v1;
        double u = rng.uniform();
        if (u <= 0) u = 0x1.0p-53;
        // The squeeze of Marsaglia and Tsang accepts ~98% of draws without a logarithm; it
        // accepts only what the full test below accepts, so the values drawn do not change.
        const double z2 = z * z;
        if (u < 1 - 0.0331 * z2 * z2) return d * v;
        if (std::log(u) < 0.5 * z2 + d - d * v + d * std::log(v)) return d * v;
    }
}

double Distribution::sample(RngStream& rng, bool non_negative) const {
    switch (kind) {
        case Kind::Fixed:
            return mean;
        case Kind::Normal: {
            const double v = mean + sd * rng.normal();
            return non_negative ? std::max(0.0, v) : v;
        }
        case Kind::Lognormal:
            return mean * std::exp(sd * rng.normal() - 0.5 * sd * sd);
        case Kind::Uniform:
            return low + (high - low) * rng.uniform();
        case Kind::Triangular: {
            const double u = rng.uniform();
            const double f = (mode - low) / (high - low);
            return u < f ? low + std::sqrt(u * (high - low) * (mode - low))
                         : high - std::sqrt((1 - u) * (high - low) * (high - mode));
        }
        case Kind::Beta: {
            const double x = sample_gamma(rng, alpha);
            const double y = sample_gamma(rng, beta);
            return x / (x + y);
        }
    }
    return mean;
}

double Distribution::expected() const {
    switch (kind) {
        case Kind::Uniform:
            return (low + high) / 2;
        case Kind::Triangular:
            return (low + mode + high) / 3;
        default:
            return mean;
    }
}

double Distribution::quantile(double p) const {
    namespace bm = boost::math;
    switch (kind) {
        case Kind::Fixed:
            return mean;
        case Kind::Normal:
            return sd > 0 ? std::max(0.0, bm::quantile(bm::normal_distribution<>(mean, sd), p))
                          : mean;
        case Kind::Lognormal:
            return mean *
                   std::exp(sd * bm::quantile(bm::normal_distribution<>(0, 1), p) - 0.5 * sd * sd);
        case Kind::Uniform:
            return low + (high - low) * p;
        case Kind::Triangular:
            return bm::quantile(bm::triangular_distribution<>(low, mode, high), p);
        case Kind::Beta:
            return bm::quantile(bm::beta_distribution<>(alpha, beta), p);
    }
    return mean;
}

std::string Distribution::describe() const {
    switch (kind) {
        case Kind::Fixed:
            return format_fixed(mean, 3);
        case Kind::Normal:
            return "normal(mean " + format_fixed(mean, 3) + ", sd " + format_fixed(sd, 3) + ")";
        case Kind::Lognormal:
            return "lognormal(mean " + format_fixed(mean, 3) + ", sd " + format_fixed(sd, 3) + ")";
        case Kind::Uniform:
            return "uniform(" + format_fixed(low, 3) + ", " + format_fixed(high, 3) + ")";
        case Kind::Triangular:
            return "triangular(" + format_fixed(low, 3) + ", " + format_fixed(mode, 3) + ", " +
                   format_fixed(high, 3) + ")";
        case Kind::Beta:
            return "beta(mean " + format_fixed(mean, 3) + ", sd " + format_fixed(sd, 3) + ")";
    }
    return "?";
}

}  // namespace ntm::scenario
