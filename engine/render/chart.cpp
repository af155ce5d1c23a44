#include "render/chart.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "core/error.h"
#include "core/output.h"
#include "render/canvas.h"
#include "render/legend.h"

namespace ntm::render {

using detail::Anchor;

namespace {

constexpr Color kText{30, 30, 30};
constexpr Color kSubtleText{90, 90, 90};
constexpr Color kAxis{85, 85, 85};
constexpr Color kGrid{225, 225, 225};

// What both chart kinds share: the text around the plot and the y axis.
struct Frame {
    double s = 1;
    double margin = 14;
    Rect plot;
    double legend_x = 0;
    double y_lo = 0, y_hi = 1, y_step = 1;
    std::vector<double> y_ticks;

    double py(double v) const { return plot.y + plot.height * (1 - (v - y_lo) / (y_hi - y_lo)); }
};

struct Texts {
    const std::string& title;
    const std::string& subtitle;
    const std::string& x_label;
    const std::string& y_label;
    int width, height;
};

struct LegendEntry {
    detail::KeySymbol symbol;
    Color color;
    std::string name;
};

double scale_of(int width, int height) {
    return std::clamp(std::min(width, height) / 600.0, 0.8, 3.0);
}

// y range: the given bounds, else the data's widened to round ticks.
void set_y_axis(Frame& f, double lo, double hi, bool fixed_lo, bool fixed_hi) {
    if (!std::isfinite(lo)) lo = 0;
    if (!std::isfinite(hi)) hi = lo + 1;
    if (hi <= lo) hi = lo + 1;
    f.y_step = detail::nice_step(hi - lo, 5);
    if (!fixed_lo) lo = std::floor(lo / f.y_step + 1e-9) * f.y_step;
    if (!fixed_hi) hi = std::ceil(hi / f.y_step - 1e-9) * f.y_step;
    f.y_lo = lo;
    f.y_hi = hi;
    f.y_ticks = detail::ticks_between(lo, hi, f.y_step);
}

// Places the plot between the title band, the y tick labels, the x labels and the legend.
void place_plot(Frame& f, cairo_t* cr, const Texts& t, const std::vector<LegendEntry>& legend) {
    const double s = f.s;
    double top = f.margin;
    if (!t.title.empty()) top += 18 * s * 1.3;
    if (!t.subtitle.empty()) top += 12 * s * 1.4;
    top += 10 * s;
    double legend_w = 0;
    for (const auto& e : legend) {
        legend_w = std::max(legend_w, detail::key_row_width(cr, e.name, s));
    }
    legend_w = std::min(legend_w, 0.35 * t.width);
    f.legend_x = t.width - f.margin - legend_w;
    detail::set_font(cr, 11 * s);
    double tick_w = 0;
    for (const double v : f.y_ticks) {
        tick_w = std::max(tick_w, detail::text_width(cr, detail::tick_label(v, f.y_step)));
    }
    const double left = f.margin + (t.y_label.empty() ? 0 : 12 * s * 1.5) + tick_w + 8 * s;
    const double right = legend.empty() ? t.width - f.margin : f.legend_x - 14 * s;
    const double bottom = f.margin + 11 * s * 1.8 + (t.x_label.empty() ? 0 : 12 * s * 1.6);
    f.plot = {left, top, std::max(1.0, right - left), std::max(1.0, t.height - top - bottom)};
}

// A 1 px line centred on a pixel, so gridlines stay sharp in the PNG.
double crisp(double v) { return std::floor(v) + 0.5; }

void draw_frame(cairo_t* cr, const Frame& f, const Texts& t, Color background) {
    const double s = f.s;
    detail::set_color(cr, background);
    cairo_paint(cr);
    double y = f.margin;
    const double avail = t.width - 2 * f.margin;
    if (!t.title.empty()) {
        detail::set_font(cr, 18 * s, true);
        const double w = detail::text_width(cr, t.title);
        if (w > avail) detail::set_font(cr, std::max(8.0, 18 * s * avail / w), true);
        y += 18 * s;
        detail::set_color(cr, kText);
        detail::draw_text(cr, t.title, f.margin, y, Anchor::Start);
        y += 0.3 * 18 * s;
    }
    if (!t.subtitle.empty()) {
        detail::set_font(cr, 12 * s);
        y += 1.1 * 12 * s;
        detail::set_color(cr, kSubtleText);
        detail::draw_text(cr, t.subtitle, f.margin, y, Anchor::Start);
    }
    // Horizontal gridlines and y tick labels.
    cairo_set_line_width(cr, 1);
    detail::set_font(cr, 11 * s);
    for (const double v : f.y_ticks) {
        const double py = crisp(f.py(v));
        detail::set_color(cr, kGrid);
        cairo_move_to(cr, f.plot.x, py);
        cairo_line_to(cr, f.plot.x + f.plot.width, py);
        cairo_stroke(cr);
        detail::set_color(cr, kText);
        detail::draw_text(cr, detail::tick_label(v, f.y_step), f.plot.x - 6 * s, py + 4 * s,
                          Anchor::End);
    }
    const Rect& p = f.plot;
    detail::set_font(cr, 12 * s);
    detail::set_color(cr, kText);
    if (!t.y_label.empty()) {
        detail::draw_text_vertical(cr, t.y_label, f.margin + 12 * s * 0.6, p.y + p.height / 2);
    }
    if (!t.x_label.empty()) {
        detail::draw_text(cr, t.x_label, p.x + p.width / 2, t.height - f.margin - 2 * s,
                          Anchor::Middle);
    }
}

void draw_axes(cairo_t* cr, const Frame& f) {
    const Rect& p = f.plot;
    cairo_set_line_width(cr, 1);
    detail::set_color(cr, kAxis);
    const double x = crisp(p.x), y = crisp(p.y + p.height);
    cairo_move_to(cr, x, crisp(p.y));
    cairo_line_to(cr, x, y);
    cairo_line_to(cr, p.x + p.width, y);
    cairo_stroke(cr);
}

void draw_legend(cairo_t* cr, const Frame& f, const std::vector<LegendEntry>& legend, int width) {
    double y = f.plot.y;
    const double w = width - f.margin - f.legend_x;
    for (const auto& e : legend) {
        y = detail::draw_key_row(cr, e.symbol, e.color, e.name, f.legend_x, y, w, f.s);
    }
}

[[noreturn]] void bad_length(const std::string& what, const std::string& name, std::size_t got,
                             std::size_t want) {
    throw Error(ErrorKind::Internal, what + " '" + name + "' has " + std::to_string(got) +
                                         " values for " + std::to_string(want) + " x positions");
}

// --- line chart ------------------------------------------------------------------------------

struct LineLayout {
    Frame f;
    double x_lo = 0, x_hi = 1, x_step = 1;
    std::vector<double> x_ticks;
    double pad = 0;  // keeps markers at the ends inside the plot
    std::vector<LegendEntry> legend;

    double px(double v) const {
        return f.plot.x + pad + (f.plot.width - 2 * pad) * (v - x_lo) / (x_hi - x_lo);
    }
};

Color series_color(const LineSeries& series, std::size_t i) {
    return series.color ? *series.color : palette_color(i);
}

void check(const LineChartSpec& spec) {
    detail::check_size(spec.width, spec.height);
    const std::size_t n = spec.x.size();
    for (const auto& series : spec.series) {
        if (series.y.size() != n) bad_length("series", series.name, series.y.size(), n);
        if (series.low.size() != series.high.size() ||
            (!series.low.empty() && series.low.size() != n)) {
            bad_length("band of series", series.name, series.low.size(), n);
        }
    }
}

LineLayout line_layout(const LineChartSpec& spec, cairo_t* cr) {
    LineLayout l;
    l.f.s = scale_of(spec.width, spec.height);
    l.f.margin = 14 * l.f.s;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const auto& series : spec.series) {
        for (const auto* values : {&series.y, &series.low, &series.high}) {
            for (const double v : *values) {
                if (std::isfinite(v)) {
                    lo = std::min(lo, v);
                    hi = std::max(hi, v);
                }
            }
        }
    }
    if (!std::isfinite(lo)) lo = hi = 0;
    lo = std::min(lo, 0.0);  // counts and probabilities read honestly from zero
    set_y_axis(l.f, spec.y_min.value_or(lo), spec.y_max.value_or(hi), spec.y_min.has_value(),
               spec.y_max.has_value());
    for (std::size_t i = 0; i < spec.series.size(); ++i) {
        const auto& series = spec.series[i];
        l.legend.push_back(
            {series.low.empty() ? detail::KeySymbol::Line : detail::KeySymbol::LineWithBand,
             series_color(series, i), series.name});
    }
    const Texts t{spec.title, spec.subtitle, spec.x_label, spec.y_label, spec.width, spec.height};
    place_plot(l.f, cr, t, l.legend);

    l.x_lo = std::numeric_limits<double>::infinity();
    l.x_hi = -l.x_lo;
    bool integral = true;
    for (const double x : spec.x) {
        if (!std::isfinite(x)) continue;
        l.x_lo = std::min(l.x_lo, x);
        l.x_hi = std::max(l.x_hi, x);
        integral = integral && x == std::round(x);
    }
    if (!std::isfinite(l.x_lo)) l.x_lo = l.x_hi = 0;
    if (l.x_hi <= l.x_lo) {
        l.x_lo -= 0.5;
        l.x_hi += 0.5;
    }
    l.pad = 12 * l.f.s;
    const int count = std::max(2, static_cast<int>(l.f.plot.width / (70 * l.f.s)));
    l.x_step = detail::nice_step(l.x_hi - l.x_lo, count);
    // Years: no "2017.5".
    if (integral && l.x_step != std::round(l.x_step)) l.x_step = std::ceil(l.x_step);
    l.x_ticks = detail::ticks_between(l.x_lo, l.x_hi, l.x_step);
    return l;
}

// Calls f(begin, end) for each run of indices where ok(i) holds.
template <typename Ok, typename F>
void for_each_run(std::size_t n, Ok ok, F f) {
    std::size_t i = 0;
    while (i < n) {
        while (i < n && !ok(i)) ++i;
        std::size_t j = i;
        while (j < n && ok(j)) ++j;
        if (j > i) f(i, j);
        i = j;
    }
}

std::string draw_line(const LineChartSpec& spec, ImageFormat format) {
    check(spec);
    detail::Canvas canvas(format, spec.width, spec.height);
    cairo_t* cr = canvas.cr();
    const LineLayout l = line_layout(spec, cr);
    const Frame& f = l.f;
    const double s = f.s;
    const Texts t{spec.title, spec.subtitle, spec.x_label, spec.y_label, spec.width, spec.height};
    draw_frame(cr, f, t, spec.background);
    // Vertical gridlines and x tick labels.
    detail::set_font(cr, 11 * s);
    cairo_set_line_width(cr, 1);
    for (const double x : l.x_ticks) {
        const double px = crisp(l.px(x));
        detail::set_color(cr, kGrid);
        cairo_move_to(cr, px, f.plot.y);
        cairo_line_to(cr, px, f.plot.y + f.plot.height);
        cairo_stroke(cr);
        detail::set_color(cr, kText);
        detail::draw_text(cr, detail::tick_label(x, l.x_step), px,
                          f.plot.y + f.plot.height + 16 * s, Anchor::Middle);
    }
    draw_axes(cr, f);

    cairo_save(cr);
    cairo_rectangle(cr, f.plot.x, f.plot.y - 6 * s, f.plot.width + 6 * s, f.plot.height + 6 * s);
    cairo_clip(cr);
    const std::size_t n = spec.x.size();
    const auto finite_x = [&](std::size_t i) { return std::isfinite(spec.x[i]); };
    for (std::size_t k = 0; k < spec.series.size(); ++k) {  // bands under every line
        const auto& series = spec.series[k];
        if (series.low.empty()) continue;
        for_each_run(
            n,
            [&](std::size_t i) {
                return finite_x(i) && std::isfinite(series.low[i]) && std::isfinite(series.high[i]);
            },
            [&](std::size_t b, std::size_t e) {
                for (std::size_t i = b; i < e; ++i) {
                    cairo_line_to(cr, l.px(spec.x[i]), f.py(series.high[i]));
                }
                for (std::size_t i = e; i-- > b;) {
                    cairo_line_to(cr, l.px(spec.x[i]), f.py(series.low[i]));
                }
                cairo_close_path(cr);
                detail::set_color(cr, series_color(series, k), 0.2);
                cairo_fill(cr);
            });
    }
    cairo_set_line_width(cr, 2.5 * s);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    const bool markers = n <= 40;
    for (std::size_t k = 0; k < spec.series.size(); ++k) {
        const auto& series = spec.series[k];
        const Color c = series_color(series, k);
        detail::set_color(cr, c);
        for_each_run(
            n, [&](std::size_t i) { return finite_x(i) && std::isfinite(series.y[i]); },
            [&](std::size_t b, std::size_t e) {
                for (std::size_t i = b; i < e; ++i) {
                    cairo_line_to(cr, l.px(spec.x[i]), f.py(series.y[i]));
                }
                cairo_stroke(cr);
                if (!markers) return;
                for (std::size_t i = b; i < e; ++i) {
                    cairo_new_sub_path(cr);
                    cairo_arc(cr, l.px(spec.x[i]), f.py(series.y[i]), 3.5 * s, 0,
                              2 * std::numbers::pi);
                }
                cairo_fill(cr);
            });
    }
    cairo_restore(cr);
    draw_legend(cr, f, l.legend, spec.width);
    return canvas.finish(spec.title, spec.subtitle);
}

// --- stacked bar chart -----------------------------------------------------------------------

Color stack_color(const BarStack& stack, std::size_t i) {
    return stack.color ? *stack.color : palette_color(i);
}

double bar_value(const BarStack& stack, std::size_t i) {
    const double v = stack.values[i];
    return std::isfinite(v) ? v : 0.0;
}

void check(const BarChartSpec& spec) {
    detail::check_size(spec.width, spec.height);
    for (const auto& stack : spec.stacks) {
        if (stack.values.size() != spec.x.size()) {
            bad_length("stack", stack.name, stack.values.size(), spec.x.size());
        }
    }
}

struct BarLayout {
    Frame f;
    std::vector<LegendEntry> legend;
};

BarLayout bar_layout(const BarChartSpec& spec, cairo_t* cr) {
    BarLayout l;
    l.f.s = scale_of(spec.width, spec.height);
    l.f.margin = 14 * l.f.s;
    double lo = 0, hi = 0;
    for (std::size_t i = 0; i < spec.x.size(); ++i) {
        double up = 0, down = 0;
        for (const auto& stack : spec.stacks) {
            const double v = bar_value(stack, i);
            (v >= 0 ? up : down) += v;
        }
        lo = std::min(lo, down);
        hi = std::max(hi, up);
    }
    set_y_axis(l.f, lo, spec.y_max.value_or(hi), false, spec.y_max.has_value());
    // Top of the legend = top of the stack.
    for (std::size_t k = spec.stacks.size(); k-- > 0;) {
        l.legend.push_back(
            {detail::KeySymbol::Box, stack_color(spec.stacks[k], k), spec.stacks[k].name});
    }
    const Texts t{spec.title, spec.subtitle, spec.x_label, spec.y_label, spec.width, spec.height};
    place_plot(l.f, cr, t, l.legend);
    return l;
}

std::string draw_bars(const BarChartSpec& spec, ImageFormat format) {
    check(spec);
    detail::Canvas canvas(format, spec.width, spec.height);
    cairo_t* cr = canvas.cr();
    const BarLayout l = bar_layout(spec, cr);
    const Frame& f = l.f;
    const double s = f.s;
    const Texts t{spec.title, spec.subtitle, spec.x_label, spec.y_label, spec.width, spec.height};
    draw_frame(cr, f, t, spec.background);

    const std::size_t n = spec.x.size();
    const double band = n > 0 ? f.plot.width / static_cast<double>(n) : f.plot.width;
    const double bar_w = 0.7 * band;
    // Every k-th label when they would not fit side by side.
    detail::set_font(cr, 11 * s);
    double label_w = 0;
    for (const auto& x : spec.x) label_w = std::max(label_w, detail::text_width(cr, x));
    const auto every =
        static_cast<std::size_t>(std::max(1.0, std::ceil((label_w + 6 * s) / std::max(band, 1.0))));
    detail::set_color(cr, kText);
    for (std::size_t i = 0; i < n; i += every) {
        detail::draw_text(cr, spec.x[i], f.plot.x + band * (static_cast<double>(i) + 0.5),
                          f.plot.y + f.plot.height + 16 * s, Anchor::Middle);
    }

    cairo_save(cr);
    cairo_rectangle(cr, f.plot.x, f.plot.y, f.plot.width, f.plot.height);
    cairo_clip(cr);
    for (std::size_t i = 0; i < n; ++i) {
        const double x0 = f.plot.x + band * static_cast<double>(i) + (band - bar_w) / 2;
        double up = 0, down = 0;
        for (std::size_t k = 0; k < spec.stacks.size(); ++k) {
            const double v = bar_value(spec.stacks[k], i);
            if (v == 0) continue;
            double& base = v > 0 ? up : down;
            const double y0 = f.py(base), y1 = f.py(base + v);
            base += v;
            cairo_rectangle(cr, x0, std::min(y0, y1), bar_w, std::abs(y1 - y0));
            detail::set_color(cr, stack_color(spec.stacks[k], k));
            cairo_fill_preserve(cr);
            // A thin line of background between stacks tells similar colours apart.
            detail::set_color(cr, spec.background);
            cairo_set_line_width(cr, 0.8 * s);
            cairo_stroke(cr);
        }
    }
    cairo_restore(cr);
    draw_axes(cr, f);
    if (f.y_lo < 0) {
        cairo_set_line_width(cr, 1);
        detail::set_color(cr, kAxis);
        cairo_move_to(cr, f.plot.x, crisp(f.py(0)));
        cairo_line_to(cr, f.plot.x + f.plot.width, crisp(f.py(0)));
        cairo_stroke(cr);
    }
    draw_legend(cr, f, l.legend, spec.width);
    return canvas.finish(spec.title, spec.subtitle);
}

}  // namespace

Rect plot_area(const LineChartSpec& spec) {
    check(spec);
    const detail::Measurer m;
    return line_layout(spec, m.cr()).f.plot;
}

Rect plot_area(const BarChartSpec& spec) {
    check(spec);
    const detail::Measurer m;
    return bar_layout(spec, m.cr()).f.plot;
}

std::string line_chart_image(const LineChartSpec& spec, ImageFormat format) {
    return draw_line(spec, format);
}

std::string line_chart_svg(const LineChartSpec& spec) {
    return detail::inline_svg(draw_line(spec, ImageFormat::Svg));
}

void draw_line_chart(const LineChartSpec& spec, const std::string& path) {
    draw_line_chart(spec, path, format_from_path(path));
}

void draw_line_chart(const LineChartSpec& spec, const std::string& path, ImageFormat format) {
    ntm::write_file_atomically(path, draw_line(spec, format), true);
}

std::string bar_chart_image(const BarChartSpec& spec, ImageFormat format) {
    return draw_bars(spec, format);
}

std::string bar_chart_svg(const BarChartSpec& spec) {
    return detail::inline_svg(draw_bars(spec, ImageFormat::Svg));
}

void draw_bar_chart(const BarChartSpec& spec, const std::string& path) {
    draw_bar_chart(spec, path, format_from_path(path));
}

void draw_bar_chart(const BarChartSpec& spec, const std::string& path, ImageFormat format) {
    ntm::write_file_atomically(path, draw_bars(spec, format), true);
}

}  // namespace ntm::render
