#pragma once
// Plain values shared by maps and charts: colours, colour ramps, output formats. Nothing here
// touches Cairo, so the rest of the engine can build a map or chart description without it.
#include <cstdint>
#include <string>
#include <vector>

namespace ntm::render {

struct Color {
    std::uint8_t r = 0, g = 0, b = 0;
    bool operator==(const Color&) const = default;
};

inline constexpr Color kWhite{255, 255, 255};
inline constexpr Color kNoDataGrey{217, 217, 217};
// Works not built in most draws: a mid grey, visible as a thin line on the communes' fills.
inline constexpr Color kNotBuiltGrey{150, 150, 150};

// A rectangle in image pixels, y down.
struct Rect {
    double x = 0, y = 0, width = 0, height = 0;
    bool contains(double px, double py) const {
        return px >= x && px < x + width && py >= y && py < y + height;
    }
};

enum class ImageFormat { Png, Svg };

// .png or .svg, in any case; anything else is a UsageError naming the path.
ImageFormat format_from_path(const std::string& path);

// Value → colour. Two kinds:
// - continuous: `colors` are stops spaced evenly from domain_min to domain_max and interpolated
//   in between; the legend is a gradient bar with `ticks` labelled by `labels`;
// - classed: class i holds [breaks[i], breaks[i + 1]) (the last class includes its upper
//   bound) and is painted colors[i]; the legend lists each class with labels[i]. The last break
//   may be +infinity ("after the period").
// Values outside the range take the colour of the nearest end; NaN takes no_data.
// A plain value: callers may edit titles and labels after a factory has filled them.
struct ColorRamp {
    std::string title;  // legend heading
    bool continuous = true;
    std::vector<Color> colors;
    double domain_min = 0, domain_max = 1;  // continuous only
    std::vector<double> breaks;             // classed only: colors.size() + 1 ascending bounds
    std::vector<double> ticks;              // continuous only: where the legend labels sit
    std::vector<std::string> labels;        // one per tick (continuous) or per class (classed)
    Color no_data = kNoDataGrey;
    std::string no_data_label = "no data";

    Color color(double value) const;
};

// Probabilities 0–1, ColorBrewer YlGnBu (light = unlikely, dark blue = likely). classes == 0:
// continuous with ticks every 25 %; 2–9: that many equal classes, labelled "20–40 %".
ColorRamp sequential_ramp(std::string title, int classes = 0);
// Differences −1…+1 (e.g. of probabilities between two scenarios), ColorBrewer RdBu: red below
// zero, near-white at zero, blue above. classes == 0: continuous; otherwise 2–11 equal classes
// (an odd count gives a neutral class around zero).
ColorRamp diverging_ramp(std::string title, int classes = 0);
// Expected years first_year…last_year as one class each, early dark and late light, plus a last
// class for values after last_year labelled after_label. A value is a year (2019.0), rounded.
ColorRamp year_ramp(std::string title, int first_year, int last_year,
                    std::string after_label = "after the period");

// The palette of each measure, defined here once and used by the PNG/SVG maps, the HTML report,
// the QGIS styles written into every GeoPackage (report/qgis_style.h) and the viewer (served in
// api/index.json). Every ramp below is classed, so a class means the same colour everywhere.
//
// P(standard by a year): five 20 % classes of YlGnBu.
ColorRamp probability_ramp(std::string title);
// Criteria met (a count, or its mean over draws) out of `total`: five equal classes of YlGnBu
// labelled in criteria ("0–4", …, "16–20").
ColorRamp count_ramp(std::string title, int total);
// The median year a commune reaches the standard: year_ramp (YlGnBu, early dark).
// The median year a work is built: one class per year, early dark red to late light orange
// (YlOrRd), apart from the communes' blues; works with no median year (not built in most draws)
// have their own class, drawn grey and thin, never left out.
ColorRamp works_year_ramp(std::string title, int first_year, int last_year);
// A difference of probabilities between two scenarios (−1…+1): RdBu in seven classes centred on
// zero (±5, ±20, ±50 percentage points), the middle class neutral, red for worse, blue for better.
ColorRamp difference_ramp(std::string title);

// "#rrggbb".
std::string hex(Color c);

// The colours charts give series and stacks in order (Okabe–Ito, readable by colour-blind
// readers), repeating after eight.
Color palette_color(std::size_t index);

}  // namespace ntm::render
