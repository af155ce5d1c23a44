#include "render/legend.h"

#include <algorithm>
#include <numbers>

#include "render/canvas.h"

namespace ntm::render::detail {

namespace {

constexpr Color kText{30, 30, 30};
constexpr Color kOutline{150, 150, 150};

double row_height(double s) { return 18 * s; }

// Shrinks the current font so `text` fits `avail` pixels; long names stay whole.
void fit_font(cairo_t* cr, std::string_view text, double size, double avail, bool bold, double s) {
    set_font(cr, size, bold);
    const double w = text_width(cr, text);
    if (w > avail && avail > 0) set_font(cr, std::max(7 * s, size * avail / w), bold);
}

void swatch(cairo_t* cr, Color c, double x, double y, double w, double h, double s) {
    cairo_rectangle(cr, x, y, w, h);
    set_color(cr, c);
    cairo_fill_preserve(cr);
    // An outline keeps the palest colours visible against a white page.
    set_color(cr, kOutline);
    cairo_set_line_width(cr, 0.8 * s);
    cairo_stroke(cr);
}

}  // namespace

double key_row_width(cairo_t* cr, std::string_view text, double s) {
    set_font(cr, 11 * s);
    return 30 * s + text_width(cr, text);
}

double draw_key_row(cairo_t* cr, KeySymbol symbol, Color color, std::string_view text, double x,
                    double top, double width, double s) {
    const double sw = 22 * s, sh = 13 * s, sy = top + 2 * s, mid = sy + sh / 2;
    cairo_save(cr);
    switch (symbol) {
        case KeySymbol::Box:
            swatch(cr, color, x, sy, sw, sh, s);
            break;
        case KeySymbol::LineWithBand:
            cairo_rectangle(cr, x, sy, sw, sh);
            set_color(cr, color, 0.2);
            cairo_fill(cr);
            [[fallthrough]];
        case KeySymbol::Line:
            cairo_move_to(cr, x, mid);
            cairo_line_to(cr, x + sw, mid);
            set_color(cr, color);
            cairo_set_line_width(cr, 2.5 * s);
            cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
            cairo_stroke(cr);
            break;
        case KeySymbol::Point:
            cairo_new_sub_path(cr);
            cairo_arc(cr, x + sw / 2, mid, 4.5 * s, 0, 2 * std::numbers::pi);
            set_color(cr, color);
            cairo_fill_preserve(cr);
            set_color(cr, kText);
            cairo_set_line_width(cr, 0.8 * s);
            cairo_stroke(cr);
            break;
    }
    fit_font(cr, text, 11 * s, width - 30 * s, false, s);
    set_color(cr, kText);
    draw_text(cr, text, x + 30 * s, top + 13 * s, Anchor::Start);
    cairo_restore(cr);
    return top + row_height(s);
}

double draw_ramp_legend(cairo_t* cr, const ColorRamp& ramp, double x, double top, double width,
                        double s, bool show_no_data) {
    double y = top;
    cairo_save(cr);
    if (!ramp.title.empty()) {
        fit_font(cr, ramp.title, 12 * s, width, true, s);
        set_color(cr, kText);
        draw_text(cr, ramp.title, x, y + 12 * s, Anchor::Start);
        y += 20 * s;
    }
    if (ramp.continuous && !ramp.colors.empty()) {
        // A vertical bar, high values on top, ticks on its right.
        const double bw = 18 * s, bh = 150 * s, y0 = y + 4 * s;
        cairo_pattern_t* gradient = cairo_pattern_create_linear(0, y0 + bh, 0, y0);
        const std::size_t n = ramp.colors.size();
        for (std::size_t k = 0; k < n; ++k) {
            const Color c = ramp.colors[k];
            const double offset =
                n == 1 ? 0.0 : static_cast<double>(k) / static_cast<double>(n - 1);
            cairo_pattern_add_color_stop_rgb(gradient, offset, c.r / 255.0, c.g / 255.0,
                                             c.b / 255.0);
        }
        cairo_rectangle(cr, x, y0, bw, bh);
        cairo_set_source(cr, gradient);
        cairo_fill_preserve(cr);
        cairo_pattern_destroy(gradient);
        set_color(cr, kOutline);
        cairo_set_line_width(cr, 0.8 * s);
        cairo_stroke(cr);
        set_font(cr, 11 * s);
        const double span = ramp.domain_max - ramp.domain_min;
        for (std::size_t i = 0; i < ramp.ticks.size() && i < ramp.labels.size(); ++i) {
            const double t = span > 0 ? (ramp.ticks[i] - ramp.domain_min) / span : 0;
            if (t < -1e-9 || t > 1 + 1e-9) continue;
            const double ty = y0 + bh * (1 - t);
            set_color(cr, kText);
            cairo_set_line_width(cr, 1 * s);
            cairo_move_to(cr, x + bw, ty);
            cairo_line_to(cr, x + bw + 4 * s, ty);
            cairo_stroke(cr);
            draw_text(cr, ramp.labels[i], x + bw + 7 * s, ty + 4 * s, Anchor::Start);
        }
        y = y0 + bh + 10 * s;
    } else {
        for (std::size_t i = 0; i < ramp.colors.size(); ++i) {
            // Both arms string_view: a "" arm would make the other a temporary std::string copy.
            const std::string_view label =
                i < ramp.labels.size() ? std::string_view(ramp.labels[i]) : std::string_view();
            y = draw_key_row(cr, KeySymbol::Box, ramp.colors[i], label, x, y, width, s);
        }
    }
    if (show_no_data) {
        y = draw_key_row(cr, KeySymbol::Box, ramp.no_data, ramp.no_data_label, x, y, width, s);
    }
    cairo_restore(cr);
    return y;
}

}  // namespace ntm::render::detail
