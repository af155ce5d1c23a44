#pragma once
// Private to the render layer (not included by its public headers): the one place Cairo handles
// are owned, plus the text, number and file helpers maps and charts share.
#include <cairo.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"
#include "render/style.h"

namespace ntm::render::detail {

// One drawing: an image surface (PNG) or an SVG surface streaming into memory. Font options are
// fixed (no hinting, grey antialiasing) so text measures the same on both surfaces and on any
// machine's fontconfig settings.
class Canvas {
 public:
    Canvas(ImageFormat format, int width, int height);
    Canvas(const Canvas&) = delete;
    Canvas& operator=(const Canvas&) = delete;

    cairo_t* cr() const { return m_cr.get(); }
    // Finishes the drawing and returns the PNG bytes or SVG text; `title` and `desc` become the
    // SVG's <title> and <desc>. Throws Error(Internal) if Cairo reported an error while drawing.
    std::string finish(std::string_view title, std::string_view desc);

 private:
    struct SurfaceDeleter {
        void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
    };
    struct ContextDeleter {
        void operator()(cairo_t* c) const { cairo_destroy(c); }
    };
    ImageFormat m_format;
    std::string m_svg;  // the SVG stream's sink; must outlive the surface
    std::unique_ptr<cairo_surface_t, SurfaceDeleter> m_surface;
    std::unique_ptr<cairo_t, ContextDeleter> m_cr;
};

// A context on a 1×1 image surface with the same font options, for measuring text in layouts.
// The SVG without its XML declaration, to be placed inside an HTML page.
std::string inline_svg(std::string svg);

class Measurer {
 public:
    Measurer();
    cairo_t* cr() const { return m_canvas.cr(); }

 private:
    Canvas m_canvas;
};

void check_size(int width, int height);
void set_color(cairo_t* cr, Color c, double alpha = 1.0);

// Text in "DejaVu Sans" (covers Vietnamese). Strings are made valid UTF-8 first: Cairo puts the
// whole context into an error state on a bad byte, which would blank the rest of the drawing.
void set_font(cairo_t* cr, double size, bool bold = false);
double text_width(cairo_t* cr, std::string_view text);
enum class Anchor { Start, Middle, End };
// Draws at baseline y; anchored horizontally at x.
void draw_text(cairo_t* cr, std::string_view text, double x, double y, Anchor anchor);
// Same, with a halo of `halo` pixels in the halo colour drawn underneath, for labels on a map.
void draw_text_halo(cairo_t* cr, std::string_view text, double x, double y, Anchor anchor,
                    Color fill, Color halo_color, double halo);
// Text rotated 90° anticlockwise (for a y-axis label), centred on (x, y).
void draw_text_vertical(cairo_t* cr, std::string_view text, double x, double y);
// Ascent and descent of the current font, in pixels.
double font_ascent(cairo_t* cr);
double font_descent(cairo_t* cr);

std::string valid_utf8(std::string_view s);

// Round numbers for axes and scale bars: the largest 1, 2 or 5 × 10^k not above v (v > 0) ...
double nice_floor(double v);
// ... and a step of 1, 2, 2.5 or 5 × 10^k near range / count.
double nice_step(double range, int count);
// Ticks at multiples of step within [lo, hi] (inclusive, with a small tolerance).
std::vector<double> ticks_between(double lo, double hi, double step);
// A tick label with as many decimals as the step needs; locale independent.
std::string tick_label(double value, double step);

}  // namespace ntm::render::detail
