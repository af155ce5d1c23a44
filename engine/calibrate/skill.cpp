#include "calibrate/skill.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace ntm::calibrate {

double quantile(std::vector<double> sample, double q) {
    if (sample.empty()) throw Error(ErrorKind::Internal, "quantile of an empty sample");
    std::sort(sample.begin(), sample.end());
    const double h = static_cast<double>(sample.size() - 1) * std::clamp(q, 0.0, 1.0);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, sample.size() - 1);
    return sample[lo] + (h - static_cast<double>(lo)) * (sample[hi] - sample[lo]);
}

double crps(const std::vector<double>& ensemble, double y) {
    if (ensemble.empty()) throw Error(ErrorKind::Internal, "CRPS of an empty ensemble");
    std::vector<double> x = ensemble;
    std::sort(x.begin(), x.end());
    const auto n = static_cast<double>(x.size());
    double abs_err = 0, spread = 0;
    // E|X − X'| over all ordered pairs (i = j included) = (2 / n²) Σ_i (2i − n − 1) x_(i), i
    // = 1..n.
    for (std::size_t i = 0; i < x.size(); ++i) {
        abs_err += std::abs(x[i] - y);
        spread += (2.0 * static_cast<double>(i + 1) - n - 1.0) * x[i];
    }
    return abs_err / n - spread / (n * n);
}

Forecast score_ensemble(const std::vector<double>& ensemble, double observed) {
    Forecast f;
    f.median = quantile(ensemble, 0.5);
    f.low = quantile(ensemble, 0.05);
    f.high = quantile(ensemble, 0.95);
    f.crps = crps(ensemble, observed);
    return f;
}

std::optional<double> relative_error(double forecast, double observed) {
    if (observed == 0) return std::nullopt;
    return std::abs(forecast - observed) / std::abs(observed);
}

std::optional<double> last_value(const std::vector<YearValue>& history, double year) {
    const YearValue* last = nullptr;
    for (const auto& h : history)
        if (h.year < year && (!last || h.year > last->year)) last = &h;
    if (!last) return std::nullopt;
    return last->value;
}

std::optional<double> linear_trend(const std::vector<YearValue>& history, double year) {
    double n = 0, sx = 0, sy = 0;
    for (const auto& h : history)
        if (h.year < year) {
            n += 1;
            sx += h.year;
            sy += h.value;
        }
    if (n < 2) return std::nullopt;
    const double mx = sx / n, my = sy / n;
    double sxx = 0, sxy = 0;
    for (const auto& h : history)
        if (h.year < year) {
            sxx += (h.year - mx) * (h.year - mx);
            sxy += (h.year - mx) * (h.value - my);
        }
    if (sxx == 0) return std::nullopt;  // all in one year
    return my + sxy / sxx * (year - mx);
}

std::optional<double> linear_trend(const std::vector<YearValue>& history, double year, double low,
                                   double high) {
    const auto t = linear_trend(history, year);
    if (!t) return t;
    return std::clamp(*t, low, high);
}

}  // namespace ntm::calibrate
