#pragma once
// Charts of simulation results (PNG or SVG): a line chart over years with optional uncertainty
// bands, and a stacked bar chart over years. Axes, ticks, gridlines, title, axis labels and a
// legend on the right.
//
// Thread contract: as map.h; the functions share no state of their own.
#include <optional>
#include <string>
#include <vector>

#include "render/style.h"

namespace ntm::render {

struct LineSeries {
    std::string name;            // legend entry
    std::vector<double> y;       // one per LineChartSpec::x; NaN leaves a gap
    std::vector<double> low;     // optional band, e.g. the 5th percentile: empty, or one per x
    std::vector<double> high;    // e.g. the 95th percentile; set together with low
    std::optional<Color> color;  // default: palette_color(series index)
};

struct LineChartSpec {
    std::string title;
    std::string subtitle;
    std::string x_label;
    std::string y_label;
    std::vector<double> x;  // years, ascending
    std::vector<LineSeries> series;
    // Axis range; unset: from the data (bands included) and zero, widened to round ticks.
    std::optional<double> y_min, y_max;
    int width = 1000;
    int height = 600;
    Color background = kWhite;
};

struct BarStack {
    std::string name;            // legend entry, e.g. a funding source
    std::vector<double> values;  // one per BarChartSpec::x (bn VND); NaN counts as 0
    std::optional<Color> color;  // default: palette_color(stack index)
};

// Stacked bars: stacks[0] at the bottom; negative values stack downwards from zero.
struct BarChartSpec {
    std::string title;
    std::string subtitle;
    std::string x_label;
    std::string y_label;
    std::vector<std::string> x;  // one bar per entry, e.g. "2017" … "2025"
    std::vector<BarStack> stacks;
    std::optional<double> y_max;  // unset: from the data, widened to a round tick
    int width = 1000;
    int height = 600;
    Color background = kWhite;
};

// The plot area (inside the axes) in pixels, as drawn.
Rect plot_area(const LineChartSpec& spec);
Rect plot_area(const BarChartSpec& spec);

// As map.h: encoded bytes, inline SVG text (no XML declaration, prefixed ids), atomic file
// (format from the extension or given).
// A series or stack whose length differs from x's is an Error of kind Internal (a caller bug).
std::string line_chart_image(const LineChartSpec& spec, ImageFormat format);
std::string line_chart_svg(const LineChartSpec& spec);
void draw_line_chart(const LineChartSpec& spec, const std::string& path);
void draw_line_chart(const LineChartSpec& spec, const std::string& path, ImageFormat format);

std::string bar_chart_image(const BarChartSpec& spec, ImageFormat format);
std::string bar_chart_svg(const BarChartSpec& spec);
void draw_bar_chart(const BarChartSpec& spec, const std::string& path);
void draw_bar_chart(const BarChartSpec& spec, const std::string& path, ImageFormat format);

}  // namespace ntm::render
