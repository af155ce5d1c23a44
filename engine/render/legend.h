#pragma once
// Private to the render layer: legend blocks shared by maps and charts.
#include <cairo.h>

#include <string_view>

#include "render/style.h"

namespace ntm::render::detail {

// The ramp's title, then its classes as swatches (classed) or a gradient bar with ticks
// (continuous), then the no-data swatch when asked. Drawn from (x, top) within `width`;
// returns the y below the block. `s` scales type and swatches.
double draw_ramp_legend(cairo_t* cr, const ColorRamp& ramp, double x, double top, double width,
                        double s, bool show_no_data);

enum class KeySymbol { Box, Line, LineWithBand, Point };
// One legend row: a symbol in `color` and its text. Returns the y below the row.
double draw_key_row(cairo_t* cr, KeySymbol symbol, Color color, std::string_view text, double x,
                    double top, double width, double s);
// The width draw_key_row needs for `text` at scale s.
double key_row_width(cairo_t* cr, std::string_view text, double s);

}  // namespace ntm::render::detail
