#include "render/style.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/text.h"

namespace ntm::render {

namespace {

// ColorBrewer (Cynthia Brewer, Apache-2.0 licensed colour values).
constexpr std::array<Color, 9> kYlGnBu = {{{0xff, 0xff, 0xd9},
                                           {0xed, 0xf8, 0xb1},
                                           {0xc7, 0xe9, 0xb4},
                                           {0x7f, 0xcd, 0xbb},
                                           {0x41, 0xb6, 0xc4},
                                           {0x1d, 0x91, 0xc0},
                                           {0x22, 0x5e, 0xa8},
                                           {0x25, 0x34, 0x94},
                                           {0x08, 0x1d, 0x58}}};
constexpr std::array<Color, 11> kRdBu = {{{0x67, 0x00, 0x1f},
                                          {0xb2, 0x18, 0x2b},
                                          {0xd6, 0x60, 0x4d},
                                          {0xf4, 0xa5, 0x82},
                                          {0xfd, 0xdb, 0xc7},
                                          {0xf7, 0xf7, 0xf7},
                                          {0xd1, 0xe5, 0xf0},
                                          {0x92, 0xc5, 0xde},
                                          {0x43, 0x93, 0xc3},
                                          {0x21, 0x66, 0xac},
                                          {0x05, 0x30, 0x61}}};
// YlOrRd from its dark end: the works' years, apart from the communes' blues.
constexpr std::array<Color, 7> kYlOrRdDark = {{{0x80, 0x00, 0x26},
                                               {0xbd, 0x00, 0x26},
                                               {0xe3, 0x1a, 0x1c},
                                               {0xfc, 0x4e, 0x2a},
                                               {0xfd, 0x8d, 0x3c},
                                               {0xfe, 0xb2, 0x4c},
                                               {0xfe, 0xd9, 0x76}}};
// Okabe & Ito (2008), "Color Universal Design"; yellow last but one as it is faint on white.
constexpr std::array<Color, 8> kOkabeIto = {{{0x00, 0x72, 0xb2},
                                             {0xd5, 0x5e, 0x00},
                                             {0x00, 0x9e, 0x73},
                                             {0xcc, 0x79, 0xa7},
                                             {0xe6, 0x9f, 0x00},
                                             {0x56, 0xb4, 0xe9},
                                             {0xf0, 0xe4, 0x42},
                                             {0x00, 0x00, 0x00}}};
// Years after the period: warm, apart from both the blues and the no-data grey.
constexpr Color kAfterPeriod{0xf4, 0xa5, 0x82};
constexpr std::string_view kMinus = "\xE2\x88\x92";  // U+2212, wider than a hyphen

std::uint8_t lerp_channel(std::uint8_t a, std::uint8_t b, double f) {
    return static_cast<std::uint8_t>(std::lround(a + (b - a) * f));
}

// The colour at t ∈ [0, 1] along evenly spaced stops; exact at the stops themselves.
template <typename Stops>
Color sample(const Stops& stops, double t) {
    const std::size_t n = std::size(stops);
    if (n == 0) return kNoDataGrey;
    if (n == 1 || !(t > 0)) return stops[0];
    if (t >= 1) return stops[n - 1];
    const double pos = t * static_cast<double>(n - 1);
    const auto i = static_cast<std::size_t>(std::floor(pos));
    const double f = pos - static_cast<double>(i);
    if (f == 0) return stops[i];
    return {lerp_channel(stops[i].r, stops[i + 1].r, f),
            lerp_channel(stops[i].g, stops[i + 1].g, f),
            lerp_channel(stops[i].b, stops[i + 1].b, f)};
}

std::string percent(double v, bool sign) {
    const double p = std::round(v * 100);
    std::string s = format_fixed(std::abs(p), 0) + "%";
    if (p < 0) return std::string(kMinus) + s;
    if (p > 0 && sign) return "+" + s;
    return p == 0 ? "0" : s;
}

void check_classes(int classes, int max, const char* what) {
    if (classes < 0 || classes == 1 || classes > max) {
        throw Error(ErrorKind::Internal, std::string(what) + ": " + std::to_string(classes) +
                                             " classes; use 0 (continuous) or 2 to " +
                                             std::to_string(max));
    }
}

template <typename Stops>
ColorRamp classed(std::string title, const Stops& stops, int classes, double lo, double hi,
                  bool sign) {
    ColorRamp r;
    r.title = std::move(title);
    r.continuous = false;
    for (int i = 0; i <= classes; ++i) r.breaks.push_back(lo + (hi - lo) * i / classes);
    for (int i = 0; i < classes; ++i) {
        r.colors.push_back(sample(stops, static_cast<double>(i) / (classes - 1)));
        const double a = r.breaks[static_cast<std::size_t>(i)];
        const double b = r.breaks[static_cast<std::size_t>(i) + 1];
        // "20–40%" for shares; signed bounds need words between them: "−20% to 0".
        r.labels.push_back(sign ? percent(a, true) + " to " + percent(b, true)
                                : format_fixed(std::round(a * 100), 0) + "\xE2\x80\x93" +
                                      format_fixed(std::round(b * 100), 0) + "%");
    }
    return r;
}

}  // namespace

Color ColorRamp::color(double value) const {
    if (std::isnan(value) || colors.empty()) return no_data;
    if (continuous) {
        const double span = domain_max - domain_min;
        return sample(colors, span > 0 ? (value - domain_min) / span : 0.0);
    }
    // breaks[1 .. n-1] separate the n classes.
    const auto inner_begin = breaks.size() > 1 ? breaks.begin() + 1 : breaks.end();
    const auto inner_end = breaks.size() > 1 ? breaks.end() - 1 : breaks.end();
    auto k =
        static_cast<std::size_t>(std::upper_bound(inner_begin, inner_end, value) - inner_begin);
    return colors[std::min(k, colors.size() - 1)];
}

ColorRamp sequential_ramp(std::string title, int classes) {
    check_classes(classes, 9, "sequential ramp");
    if (classes > 0) return classed(std::move(title), kYlGnBu, classes, 0, 1, false);
    ColorRamp r;
    r.title = std::move(title);
    r.colors.assign(kYlGnBu.begin(), kYlGnBu.end());
    r.domain_min = 0;
    r.domain_max = 1;
    r.ticks = {0, 0.25, 0.5, 0.75, 1};
    for (const double t : r.ticks) r.labels.push_back(percent(t, false));
    return r;
}

ColorRamp diverging_ramp(std::string title, int classes) {
    check_classes(classes, 11, "diverging ramp");
    if (classes > 0) return classed(std::move(title), kRdBu, classes, -1, 1, true);
    ColorRamp r;
    r.title = std::move(title);
    r.colors.assign(kRdBu.begin(), kRdBu.end());
    r.domain_min = -1;
    r.domain_max = 1;
    r.ticks = {-1, -0.5, 0, 0.5, 1};
    for (const double t : r.ticks) r.labels.push_back(percent(t, true));
    return r;
}

ColorRamp year_ramp(std::string title, int first_year, int last_year, std::string after_label) {
    if (last_year < first_year || last_year - first_year > 100) {
        throw Error(ErrorKind::Internal, "year ramp: years " + std::to_string(first_year) + "–" +
                                             std::to_string(last_year) + " are not a period");
    }
    ColorRamp r;
    r.title = std::move(title);
    r.continuous = false;
    const int n = last_year - first_year + 1;
    for (int i = 0; i < n; ++i) {
        // Early (good) dark blue to late light green; neither the near-black end, where dark
        // blues merge, nor the palest yellow, which would read as empty next to the page.
        const double t = n == 1 ? 0.92 : 0.92 - 0.77 * i / (n - 1);
        r.colors.push_back(sample(kYlGnBu, t));
        r.breaks.push_back(first_year + i - 0.5);
        r.labels.push_back(std::to_string(first_year + i));
    }
    r.breaks.push_back(last_year + 0.5);
    r.breaks.push_back(std::numeric_limits<double>::infinity());
    r.colors.push_back(kAfterPeriod);
    r.labels.push_back(std::move(after_label));
    return r;
}

ColorRamp probability_ramp(std::string title) { return sequential_ramp(std::move(title), 5); }

ColorRamp count_ramp(std::string title, int total) {
    if (total < 1) total = 1;
    ColorRamp r = classed(std::move(title), kYlGnBu, 5, 0, total, false);
    for (std::size_t i = 0; i < r.labels.size(); ++i)
        r.labels[i] = format_fixed(std::round(r.breaks[i]), 0) + "\xE2\x80\x93" +
                      format_fixed(std::round(r.breaks[i + 1]), 0);
    return r;
}

ColorRamp works_year_ramp(std::string title, int first_year, int last_year) {
    ColorRamp r = year_ramp(std::move(title), first_year, last_year, "");
    // One class per year along the reds; no "after the period" class: a work with no median
    // year has none (NaN) and is drawn in the no-data class.
    r.colors.pop_back();
    r.labels.pop_back();
    r.breaks.pop_back();
    const std::size_t n = r.colors.size();
    for (std::size_t i = 0; i < n; ++i)
        r.colors[i] =
            sample(kYlOrRdDark, n == 1 ? 0 : static_cast<double>(i) / static_cast<double>(n - 1));
    r.no_data = kNotBuiltGrey;
    r.no_data_label = "not built in most draws";
    return r;
}

ColorRamp difference_ramp(std::string title) {
    ColorRamp r;
    r.title = std::move(title);
    r.continuous = false;
    r.breaks = {-1, -0.5, -0.2, -0.05, 0.05, 0.2, 0.5, 1};
    // RdBu's classes 1, 2, 3, 5 (neutral), 7, 8, 9: strong enough at both ends to read.
    for (const int i : {1, 2, 3, 5, 7, 8, 9})
        r.colors.push_back(kRdBu[static_cast<std::size_t>(i)]);
    // Percentage points, signed: "−50 to −20 pt", "±5 pt", "+5 to +20 pt".
    auto points = [](double v) {
        const std::string s = percent(v, true);
        return s.substr(0, s.size() - 1);  // without the % sign
    };
    for (std::size_t i = 0; i + 1 < r.breaks.size(); ++i) {
        const double a = r.breaks[i], b = r.breaks[i + 1];
        r.labels.push_back(a < 0 && b > 0 ? "\xC2\xB1" + points(b).substr(1) + " pt"
                                          : points(a) + " to " + points(b) + " pt");
    }
    return r;
}

std::string hex(Color c) {
    static const char* kDigits = "0123456789abcdef";
    std::string s = "#";
    for (const std::uint8_t v : {c.r, c.g, c.b}) {
        s += kDigits[v >> 4];
        s += kDigits[v & 15];
    }
    return s;
}

Color palette_color(std::size_t index) { return kOkabeIto[index % kOkabeIto.size()]; }

}  // namespace ntm::render
