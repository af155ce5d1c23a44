#include "render/map.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <optional>

#include "core/error.h"
#include "core/output.h"
#include "core/text.h"
#include "render/canvas.h"
#include "render/legend.h"

namespace ntm::render {

using detail::Anchor;

namespace {

constexpr Color kText{30, 30, 30};
constexpr Color kSubtleText{90, 90, 90};
constexpr Color kBoundary{110, 110, 110};

// Sizes grow with the page so a 2400 px print map is not set in 11 px type.
double scale_of(int width, int height) {
    return std::clamp(std::min(width, height) / 800.0, 0.85, 3.0);
}

struct PageLayout {
    double s = 1;  // type and line scale
    double margin = 16;
    double title_size = 22, subtitle_size = 14;
    Rect panel;  // legend, north arrow and scale bar
    Rect map_area;
};

PageLayout page_layout(const MapSpec& spec) {
    PageLayout l;
    l.s = scale_of(spec.width, spec.height);
    l.margin = 16 * l.s;
    l.title_size = 22 * l.s;
    l.subtitle_size = 14 * l.s;
    const double w = spec.width, h = spec.height;
    double band = l.margin;
    if (!spec.title.empty()) band += 1.3 * l.title_size;
    if (!spec.subtitle.empty()) band += 1.4 * l.subtitle_size;
    band += 8 * l.s;
    const double panel_w = std::clamp(0.24 * w, 150.0, 360.0);
    l.panel = {w - panel_w, band, panel_w - l.margin, h - band - l.margin};
    l.map_area = {l.margin, band, std::max(1.0, w - panel_w - 2 * l.margin),
                  std::max(1.0, h - band - l.margin)};
    return l;
}

bool finite(const Point& p) { return std::isfinite(p.x) && std::isfinite(p.y); }

Box data_bounds(const MapSpec& spec) {
    Box b;
    for (const auto& f : spec.polygons) {
        for (const auto& poly : f.geometry.polygons) {
            for (const auto& p : poly.outer) {
                if (finite(p)) b.expand(p);
            }
        }
    }
    for (const auto& layer : spec.lines) {
        for (const auto& f : layer.features) {
            for (const auto& part : f.geometry.parts) {
                for (const auto& p : part.points) {
                    if (finite(p)) b.expand(p);
                }
            }
        }
    }
    for (const auto& layer : spec.points) {
        for (const auto& f : layer.features) {
            if (finite(f.at)) b.expand(f.at);
        }
    }
    if (b.empty) b.expand(Point{0, 0});
    // A single point or a straight line still gets a readable extent (1 km).
    if (b.width() <= 0 || b.height() <= 0) {
        const double pad = std::max({b.width(), b.height(), 1000.0}) / 2;
        const Point c{(b.min_x + b.max_x) / 2, (b.min_y + b.max_y) / 2};
        b = Box{};
        b.expand(Point{c.x - pad, c.y - pad});
        b.expand(Point{c.x + pad, c.y + pad});
    }
    return b;
}

MapFrame frame_for(const MapSpec& spec, const PageLayout& l) {
    const Box b = data_bounds(spec);
    const Rect& a = l.map_area;
    MapFrame f;
    f.map_area = a;
    f.pixels_per_metre = std::min(a.width / b.width(), a.height / b.height());
    f.origin_x =
        a.x + (a.width - b.width() * f.pixels_per_metre) / 2 - b.min_x * f.pixels_per_metre;
    f.origin_y =
        a.y + (a.height - b.height() * f.pixels_per_metre) / 2 + b.max_y * f.pixels_per_metre;
    return f;
}

// --- geometry helpers for labels -----------------------------------------------------------

// Even-odd over every ring, so holes count whatever their orientation.
bool inside(const MultiPolygon& mp, const Point& p) {
    bool in = false;
    const auto ring_test = [&](const Ring& r) {
        for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++) {
            const Point& a = r[i];
            const Point& b = r[j];
            if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x) {
                in = !in;
            }
        }
    };
    for (const auto& poly : mp.polygons) {
        if (poly.outer.empty()) continue;
        ring_test(poly.outer);
        for (const auto& h : poly.holes) {
            if (!h.empty()) ring_test(h);
        }
    }
    return in;
}

// Distance from p to the nearest edge of the polygon's rings.
double clearance(const Polygon& poly, const Point& p) {
    double best = std::numeric_limits<double>::infinity();
    const auto ring = [&](const Ring& r) {
        for (std::size_t i = 1; i < r.size(); ++i) {
            const Point& a = r[i - 1];
            const Point& b = r[i];
            const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
            const double t =
                len2 > 0 ? std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0.0, 1.0) : 0;
            best = std::min(best, std::hypot(p.x - a.x - t * dx, p.y - a.y - t * dy));
        }
    };
    ring(poly.outer);
    for (const auto& h : poly.holes) ring(h);
    return best;
}

// The centroid when it falls inside (the usual case); otherwise, for a crescent, a ring or a
// commune in parts, the middle of a horizontal run across the largest part, tried at a few
// heights, the one farthest from the boundary. Not the pole of inaccessibility, but always
// inside and clear of the edges.
std::optional<Point> label_point(const MultiPolygon& mp) {
    if (is_empty(mp)) return std::nullopt;
    const Point c = centroid(mp);
    if (finite(c) && inside(mp, c)) return c;
    const Polygon* largest = nullptr;
    double largest_area = -1;
    for (const auto& poly : mp.polygons) {
        const double a = area(poly);
        if (a > largest_area) {
            largest_area = a;
            largest = &poly;
        }
    }
    if (!largest || largest->outer.size() < 4) return std::nullopt;
    const Box b = bounds(*largest);
    std::optional<Point> best;
    double best_clearance = 0;
    for (int k = 1; k < 16; ++k) {
        const double y = b.min_y + b.height() * k / 16;
        std::vector<double> xs;
        const auto cross = [&](const Ring& r) {
            for (std::size_t i = 1; i < r.size(); ++i) {
                const Point& p = r[i - 1];
                const Point& q = r[i];
                if ((p.y > y) != (q.y > y))
                    xs.push_back(p.x + (q.x - p.x) * (y - p.y) / (q.y - p.y));
            }
        };
        cross(largest->outer);
        for (const auto& h : largest->holes) cross(h);
        std::sort(xs.begin(), xs.end());
        for (std::size_t i = 0; i + 1 < xs.size(); i += 2) {
            const Point mid{(xs[i] + xs[i + 1]) / 2, y};
            const double d = clearance(*largest, mid);
            if (d > best_clearance) {
                best_clearance = d;
                best = mid;
            }
        }
    }
    return best ? best : (finite(c) ? std::optional<Point>(c) : std::nullopt);
}

// --- drawing -------------------------------------------------------------------------------

void ring_path(cairo_t* cr, const MapFrame& f, const Ring& ring) {
    bool started = false;
    for (const auto& p : ring) {
        if (!finite(p)) continue;
        const Point q = f.to_image(p);
        if (started) {
            cairo_line_to(cr, q.x, q.y);
        } else {
            cairo_move_to(cr, q.x, q.y);
            started = true;
        }
    }
    if (started) cairo_close_path(cr);
}

void polygon_path(cairo_t* cr, const MapFrame& f, const MultiPolygon& mp) {
    for (const auto& poly : mp.polygons) {
        ring_path(cr, f, poly.outer);
        for (const auto& h : poly.holes) ring_path(cr, f, h);
    }
}

void line_path(cairo_t* cr, const MapFrame& f, const MultiLineString& ml) {
    for (const auto& part : ml.parts) {
        bool started = false;
        for (const auto& p : part.points) {
            if (!finite(p)) continue;
            const Point q = f.to_image(p);
            if (started) {
                cairo_line_to(cr, q.x, q.y);
            } else {
                cairo_move_to(cr, q.x, q.y);
                started = true;
            }
        }
    }
}

void draw_polygons(cairo_t* cr, const MapSpec& spec, const MapFrame& f, double s) {
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    for (const auto& feature : spec.polygons) {
        polygon_path(cr, f, feature.geometry);
        detail::set_color(cr, spec.ramp.color(feature.value));
        cairo_fill(cr);
    }
    // Boundaries after every fill, so a shared edge is drawn the same from both sides.
    cairo_set_line_width(cr, 0.8 * s);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    detail::set_color(cr, kBoundary);
    for (const auto& feature : spec.polygons) {
        polygon_path(cr, f, feature.geometry);
        cairo_stroke(cr);
    }
}

void draw_lines(cairo_t* cr, const MapSpec& spec, const MapFrame& f) {
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for (const auto& layer : spec.lines) {
        cairo_set_line_width(cr, layer.width_px);
        for (const auto& feature : layer.features) {
            line_path(cr, f, feature.geometry);
            detail::set_color(cr, layer.ramp ? layer.ramp->color(feature.value) : layer.color);
            cairo_stroke(cr);
        }
    }
}

void draw_points(cairo_t* cr, const MapSpec& spec, const MapFrame& f, double s) {
    for (const auto& layer : spec.points) {
        for (const auto& feature : layer.features) {
            if (!finite(feature.at)) continue;
            const Point q = f.to_image(feature.at);
            cairo_new_sub_path(cr);
            cairo_arc(cr, q.x, q.y, layer.radius_px, 0, 2 * std::numbers::pi);
            detail::set_color(cr, layer.ramp ? layer.ramp->color(feature.value) : layer.color);
            cairo_fill_preserve(cr);
            cairo_set_line_width(cr, 0.8 * s);
            detail::set_color(cr, kText);
            cairo_stroke(cr);
        }
    }
}

// Larger communes first; a label that would touch one already placed, or leave the map area,
// is dropped rather than drawn over it.
void draw_labels(cairo_t* cr, const MapSpec& spec, const MapFrame& f, double s) {
    struct Candidate {
        std::size_t index;
        double area;
        Point at;  // image
    };
    std::vector<Candidate> candidates;
    for (std::size_t i = 0; i < spec.polygons.size(); ++i) {
        const auto& feature = spec.polygons[i];
        if (feature.label.empty()) continue;
        if (const auto p = label_point(feature.geometry)) {
            candidates.push_back({i, area(feature.geometry), f.to_image(*p)});
        }
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& a, const Candidate& b) { return a.area > b.area; });
    detail::set_font(cr, 11 * s);
    const double ascent = detail::font_ascent(cr), descent = detail::font_descent(cr);
    const double halo = 2 * s;
    std::vector<Rect> placed;
    for (const auto& c : candidates) {
        const std::string& text = spec.polygons[c.index].label;
        const double w = detail::text_width(cr, text);
        const double baseline = c.at.y + (ascent - descent) / 2;
        const Rect box{c.at.x - w / 2 - halo, baseline - ascent - halo, w + 2 * halo,
                       ascent + descent + 2 * halo};
        const Rect& a = f.map_area;
        if (box.x < a.x - 8 * s || box.y < a.y - 8 * s ||
            box.x + box.width > a.x + a.width + 8 * s ||
            box.y + box.height > a.y + a.height + 8 * s) {
            continue;
        }
        const bool overlaps = std::any_of(placed.begin(), placed.end(), [&](const Rect& r) {
            return box.x < r.x + r.width && r.x < box.x + box.width && box.y < r.y + r.height &&
                   r.y < box.y + box.height;
        });
        if (overlaps) continue;
        placed.push_back(box);
        detail::draw_text_halo(cr, text, c.at.x, baseline, Anchor::Middle, kText, kWhite, halo);
    }
}

void draw_title(cairo_t* cr, const MapSpec& spec, const PageLayout& l) {
    const double avail = spec.width - 2 * l.margin;
    double y = l.margin;
    if (!spec.title.empty()) {
        detail::set_font(cr, l.title_size, true);
        const double w = detail::text_width(cr, spec.title);
        if (w > avail) detail::set_font(cr, std::max(8.0, l.title_size * avail / w), true);
        y += l.title_size;
        detail::set_color(cr, kText);
        detail::draw_text(cr, spec.title, l.margin, y, Anchor::Start);
        y += 0.3 * l.title_size;
    }
    if (!spec.subtitle.empty()) {
        detail::set_font(cr, l.subtitle_size);
        const double w = detail::text_width(cr, spec.subtitle);
        if (w > avail) detail::set_font(cr, std::max(7.0, l.subtitle_size * avail / w));
        y += 1.1 * l.subtitle_size;
        detail::set_color(cr, kSubtleText);
        detail::draw_text(cr, spec.subtitle, l.margin, y, Anchor::Start);
    }
}

// Grid north: the map is drawn in its projected CRS with y up the page.
void draw_north_arrow(cairo_t* cr, double cx, double bottom, double s) {
    const double h = 30 * s, w = 14 * s;
    const double base = bottom, tip = base - h, notch = base - h * 0.28;
    detail::set_font(cr, 13 * s, true);
    detail::set_color(cr, kText);
    detail::draw_text(cr, "N", cx, tip - 4 * s, Anchor::Middle);
    cairo_set_line_width(cr, 1 * s);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    cairo_move_to(cr, cx, tip);
    cairo_line_to(cr, cx - w / 2, base);
    cairo_line_to(cr, cx, notch);
    cairo_close_path(cr);
    cairo_fill(cr);
    cairo_move_to(cr, cx, tip);
    cairo_line_to(cr, cx - w / 2, base);
    cairo_line_to(cr, cx, notch);
    cairo_line_to(cr, cx + w / 2, base);
    cairo_close_path(cr);
    cairo_stroke(cr);
}

std::string distance_label(double metres) {
    if (metres >= 1000) {
        const double km = metres / 1000;
        return format_fixed(km, km == std::round(km) ? 0 : 1) + " km";
    }
    return format_fixed(metres, metres == std::round(metres) ? 0 : 1) + " m";
}

// A round length (1, 2 or 5 × 10^k m) no longer than the panel, in four alternating blocks.
void draw_scale_bar(cairo_t* cr, const MapFrame& f, double x, double baseline, double max_px,
                    double s) {
    if (!(f.pixels_per_metre > 0) || max_px <= 0) return;
    const double metres = detail::nice_floor(max_px / f.pixels_per_metre);
    const double len = metres * f.pixels_per_metre;
    const double bar_h = 6 * s, top = baseline - bar_h;
    cairo_set_line_width(cr, 1 * s);
    for (int i = 0; i < 4; ++i) {
        cairo_rectangle(cr, x + len * i / 4, top, len / 4, bar_h);
        detail::set_color(cr, i % 2 == 0 ? kText : kWhite);
        cairo_fill_preserve(cr);
        detail::set_color(cr, kText);
        cairo_stroke(cr);
    }
    detail::set_font(cr, 11 * s);
    detail::set_color(cr, kText);
    detail::draw_text(cr, "0", x, top - 4 * s, Anchor::Middle);
    detail::draw_text(cr, distance_label(metres), x + len, top - 4 * s, Anchor::Middle);
}

void draw_panel(cairo_t* cr, const MapSpec& spec, const PageLayout& l, const MapFrame& f) {
    const Rect& p = l.panel;
    const double s = l.s;
    // The polygons' ramp always shows its no-data swatch, so readers know what grey means.
    double y = detail::draw_ramp_legend(cr, spec.ramp, p.x, p.y, p.width, s, true);
    // A ramp for a layer coloured by value (with its no-data swatch when a feature has none),
    // else one key row; the same for line and point layers.
    const auto layer_rows = [&](const auto& layers, detail::KeySymbol symbol) {
        for (const auto& layer : layers) {
            y += 10 * s;
            if (layer.ramp) {
                const bool nan = std::any_of(layer.features.begin(), layer.features.end(),
                                             [](const auto& x) { return std::isnan(x.value); });
                y = detail::draw_ramp_legend(cr, *layer.ramp, p.x, y, p.width, s, nan);
            } else {
                y = detail::draw_key_row(cr, symbol, layer.color, layer.name, p.x, y, p.width, s);
            }
        }
    };
    layer_rows(spec.lines, detail::KeySymbol::Line);
    layer_rows(spec.points, detail::KeySymbol::Point);
    // Scale bar at the foot of the panel, the north arrow above it.
    const double bar_baseline = p.y + p.height;
    const double label_pad = 20 * s;  // half the widest end label may hang past the bar
    draw_scale_bar(cr, f, p.x + 6 * s, bar_baseline, p.width - 6 * s - label_pad, s);
    // Above the bar (6) and its labels (4 + 11 px type), with a gap.
    draw_north_arrow(cr, p.x + 14 * s, bar_baseline - (6 + 4 + 11 + 14) * s, s);
}

}  // namespace

MapFrame map_frame(const MapSpec& spec) {
    detail::check_size(spec.width, spec.height);
    return frame_for(spec, page_layout(spec));
}

std::string map_image(const MapSpec& spec, ImageFormat format) {
    detail::check_size(spec.width, spec.height);
    const PageLayout layout = page_layout(spec);
    const MapFrame frame = frame_for(spec, layout);
    detail::Canvas canvas(format, spec.width, spec.height);
    cairo_t* cr = canvas.cr();
    detail::set_color(cr, spec.background);
    cairo_paint(cr);
    cairo_save(cr);
    draw_polygons(cr, spec, frame, layout.s);
    draw_lines(cr, spec, frame);
    draw_points(cr, spec, frame, layout.s);
    cairo_restore(cr);
    if (spec.labels) draw_labels(cr, spec, frame, layout.s);
    draw_panel(cr, spec, layout, frame);
    draw_title(cr, spec, layout);
    return canvas.finish(spec.title, spec.subtitle);
}

std::string map_svg(const MapSpec& spec) {
    return detail::inline_svg(map_image(spec, ImageFormat::Svg));
}

void draw_map(const MapSpec& spec, const std::string& path) {
    draw_map(spec, path, format_from_path(path));
}

void draw_map(const MapSpec& spec, const std::string& path, ImageFormat format) {
    ntm::write_file_atomically(path, map_image(spec, format), true);
}

}  // namespace ntm::render
