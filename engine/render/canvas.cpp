#include "render/canvas.h"

#include <cairo-svg.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <numbers>
#include <set>

#include "core/error.h"
#include "core/text.h"
#include "render/raster.h"

namespace ntm::render {

namespace fs = std::filesystem;

ImageFormat format_from_path(const std::string& path) {
    const std::string ext = to_lower_ascii(fs::path(path).extension().string());
    if (ext == ".png") return ImageFormat::Png;
    if (ext == ".svg") return ImageFormat::Svg;
    throw UsageError(path + ": unknown image format '" + ext + "'; name the file .png or .svg");
}

Raster decode_png(std::string_view png) {
    struct Reader {
        std::string_view bytes;
        std::size_t pos = 0;
    } reader{png};
    const auto read = [](void* closure, unsigned char* data, unsigned int length) {
        auto* r = static_cast<Reader*>(closure);
        if (r->bytes.size() - r->pos < length) return CAIRO_STATUS_READ_ERROR;
        std::memcpy(data, r->bytes.data() + r->pos, length);
        r->pos += length;
        return CAIRO_STATUS_SUCCESS;
    };
    cairo_surface_t* surface = cairo_image_surface_create_from_png_stream(read, &reader);
    const auto status = cairo_surface_status(surface);
    if (status != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        throw Error(ErrorKind::Internal,
                    std::string("decoding PNG: Cairo error: ") + cairo_status_to_string(status));
    }
    cairo_surface_flush(surface);
    Raster raster;
    raster.width = cairo_image_surface_get_width(surface);
    raster.height = cairo_image_surface_get_height(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    const unsigned char* data = cairo_image_surface_get_data(surface);
    const cairo_format_t format = cairo_image_surface_get_format(surface);
    raster.pixels.reserve(static_cast<std::size_t>(raster.width) *
                          static_cast<std::size_t>(raster.height));
    for (int y = 0; y < raster.height; ++y) {
        const auto* row =
            reinterpret_cast<const std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
        for (int x = 0; x < raster.width; ++x) {
            // Native-endian 0xAARRGGBB; opaque pixels are not premultiplied in effect.
            const std::uint32_t p =
                format == CAIRO_FORMAT_RGB24 || format == CAIRO_FORMAT_ARGB32 ? row[x] : 0;
            raster.pixels.push_back({static_cast<std::uint8_t>(p >> 16),
                                     static_cast<std::uint8_t>(p >> 8),
                                     static_cast<std::uint8_t>(p)});
        }
    }
    cairo_surface_destroy(surface);
    return raster;
}

namespace detail {

namespace {

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

[[noreturn]] void cairo_failed(cairo_status_t status, std::string_view what) {
    throw Error(ErrorKind::Internal,
                std::string(what) + ": Cairo error: " + cairo_status_to_string(status));
}

// Cairo numbers each surface from a process-wide counter and writes it into the SVG as
// id="surfaceN", so the same map drawn twice would differ. Renumber them in order of appearance.
std::string renumber_surface_ids(const std::string& svg) {
    static constexpr std::string_view kKey = "surface";
    std::map<std::string, int> renumbered;
    std::string out;
    out.reserve(svg.size());
    std::size_t pos = 0;
    while (true) {
        const std::size_t hit = svg.find(kKey, pos);
        if (hit == std::string::npos) break;
        std::size_t end = hit + kKey.size();
        while (end < svg.size() && svg[end] >= '0' && svg[end] <= '9') ++end;
        const bool is_id =
            end > hit + kKey.size() && hit > 0 && (svg[hit - 1] == '"' || svg[hit - 1] == '#');
        out.append(svg, pos, hit + kKey.size() - pos);
        if (is_id) {
            const std::string old = svg.substr(hit + kKey.size(), end - hit - kKey.size());
            const auto it = renumbered.emplace(old, static_cast<int>(renumbered.size()) + 1).first;
            out += std::to_string(it->second);
            pos = end;
        } else {
            pos = hit + kKey.size();
        }
    }
    out.append(svg, pos, std::string::npos);
    return out;
}

// Every Cairo SVG names its glyphs glyph0-1, glyph0-2, … and its gradients linear0, …; two maps
// inlined in one HTML page would then borrow each other's glyphs. Prefix every id (and every
// reference to one) with a hash of the drawing: unique per drawing, yet the same for the same
// input. Cairo writes colours as rgb(), so a '#' only starts a reference.
std::string prefix_ids(const std::string& svg) {
    std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a
    for (const char c : svg) {
        hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    }
    static constexpr std::string_view kHex = "0123456789abcdef";
    std::string prefix = "n";
    for (int i = 0; i < 12; ++i) prefix += kHex[(hash >> (4 * i)) & 0xFU];
    prefix += '-';

    static constexpr std::string_view kId = "id=\"";
    std::set<std::string, std::less<>> ids;
    for (std::size_t at = svg.find(kId); at != std::string::npos; at = svg.find(kId, at + 1)) {
        const std::size_t begin = at + kId.size(), end = svg.find('"', begin);
        if (end == std::string::npos) break;
        ids.insert(svg.substr(begin, end - begin));
    }
    const auto name_char = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
    };
    std::string out;
    out.reserve(svg.size() + svg.size() / 8);
    std::size_t i = 0;
    while (i < svg.size()) {
        if (svg.compare(i, kId.size(), kId) == 0 && (i == 0 || svg[i - 1] == ' ')) {
            out += kId;
            out += prefix;
            i += kId.size();
            continue;
        }
        if (svg[i] == '#') {
            std::size_t end = i + 1;
            while (end < svg.size() && name_char(svg[end])) ++end;
            if (end < svg.size() && (svg[end] == '"' || svg[end] == ')') &&
                ids.contains(std::string_view(svg).substr(i + 1, end - i - 1))) {
                out += '#';
                out += prefix;
                out.append(svg, i + 1, end - i - 1);
                i = end;
                continue;
            }
        }
        out += svg[i++];
    }
    return out;
}

// Cairo draws glyphs as paths, so the SVG holds no text; <title> and <desc> give it a name that
// browsers, screen readers and searches can see.
std::string add_title(const std::string& svg, std::string_view title, std::string_view desc) {
    const std::size_t open = svg.find("<svg");
    const std::size_t close = open == std::string::npos ? open : svg.find('>', open);
    if (close == std::string::npos) return svg;
    std::string text;
    if (!title.empty()) text += "\n<title>" + xml_escape(valid_utf8(title)) + "</title>";
    if (!desc.empty()) text += "\n<desc>" + xml_escape(valid_utf8(desc)) + "</desc>";
    std::string out = svg;
    out.insert(close + 1, text);
    return out;
}

void apply_font_options(cairo_t* cr) {
    cairo_font_options_t* options = cairo_font_options_create();
    cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    cairo_set_font_options(cr, options);
    cairo_font_options_destroy(options);
}

}  // namespace

Canvas::Canvas(ImageFormat format, int width, int height) : m_format(format) {
    cairo_surface_t* surface = nullptr;
    if (format == ImageFormat::Png) {
        surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
    } else {
        surface = cairo_svg_surface_create_for_stream(append_to_string, &m_svg, width, height);
        cairo_svg_surface_restrict_to_version(surface, CAIRO_SVG_VERSION_1_1);
        // Pixels, so an inline SVG in HTML has the size a PNG of the same spec would have.
        cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX);
    }
    m_surface.reset(surface);
    if (const auto status = cairo_surface_status(surface); status != CAIRO_STATUS_SUCCESS) {
        cairo_failed(status, "creating a " + std::to_string(width) + "×" + std::to_string(height) +
                                 " surface");
    }
    m_cr.reset(cairo_create(surface));
    apply_font_options(m_cr.get());
}

std::string Canvas::finish(std::string_view title, std::string_view desc) {
    if (const auto status = cairo_status(m_cr.get()); status != CAIRO_STATUS_SUCCESS) {
        cairo_failed(status, "drawing");
    }
    m_cr.reset();
    if (m_format == ImageFormat::Png) {
        std::string png;
        cairo_surface_flush(m_surface.get());
        const auto status =
            cairo_surface_write_to_png_stream(m_surface.get(), append_to_string, &png);
        if (status != CAIRO_STATUS_SUCCESS) cairo_failed(status, "encoding PNG");
        m_surface.reset();
        return png;
    }
    cairo_surface_finish(m_surface.get());
    if (const auto status = cairo_surface_status(m_surface.get()); status != CAIRO_STATUS_SUCCESS) {
        cairo_failed(status, "encoding SVG");
    }
    m_surface.reset();
    return add_title(prefix_ids(renumber_surface_ids(m_svg)), title, desc);
}

std::string inline_svg(std::string svg) {
    if (svg.rfind("<?xml", 0) == 0) {
        const std::size_t end = svg.find("?>");
        if (end != std::string::npos) {
            std::size_t cut = end + 2;
            while (cut < svg.size() && (svg[cut] == '\n' || svg[cut] == '\r')) ++cut;
            svg.erase(0, cut);
        }
    }
    return svg;
}

Measurer::Measurer() : m_canvas(ImageFormat::Png, 1, 1) {}

void check_size(int width, int height) {
    // Cairo's image surfaces stop at 32767; anything near that is a mistake for a map or chart.
    if (width < 16 || height < 16 || width > 20000 || height > 20000) {
        throw UsageError("image size " + std::to_string(width) + "×" + std::to_string(height) +
                         " is out of range; use 16 to 20000 pixels a side");
    }
}

void set_color(cairo_t* cr, Color c, double alpha) {
    // x / 255 survives Cairo's conversion to 16 and back to 8 bits exactly, so pixels can be
    // compared with the ramp's colours in tests.
    const double r = c.r / 255.0, g = c.g / 255.0, b = c.b / 255.0;
    if (alpha >= 1.0) {
        cairo_set_source_rgb(cr, r, g, b);
    } else {
        cairo_set_source_rgba(cr, r, g, b, alpha);
    }
}

void set_font(cairo_t* cr, double size, bool bold) {
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

double text_width(cairo_t* cr, std::string_view text) {
    const std::string s = valid_utf8(text);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s.c_str(), &e);
    return e.x_advance;
}

namespace {

double anchored_x(cairo_t* cr, const std::string& s, double x, Anchor anchor) {
    if (anchor == Anchor::Start) return x;
    cairo_text_extents_t e;
    cairo_text_extents(cr, s.c_str(), &e);
    return anchor == Anchor::Middle ? x - e.x_advance / 2 : x - e.x_advance;
}

}  // namespace

void draw_text(cairo_t* cr, std::string_view text, double x, double y, Anchor anchor) {
    if (text.empty()) return;
    const std::string s = valid_utf8(text);
    cairo_move_to(cr, anchored_x(cr, s, x, anchor), y);
    cairo_show_text(cr, s.c_str());
}

void draw_text_halo(cairo_t* cr, std::string_view text, double x, double y, Anchor anchor,
                    Color fill, Color halo_color, double halo) {
    if (text.empty()) return;
    const std::string s = valid_utf8(text);
    cairo_save(cr);
    cairo_move_to(cr, anchored_x(cr, s, x, anchor), y);
    cairo_text_path(cr, s.c_str());
    set_color(cr, halo_color);
    cairo_set_line_width(cr, 2 * halo);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke_preserve(cr);
    set_color(cr, fill);
    cairo_fill(cr);
    cairo_restore(cr);
}

void draw_text_vertical(cairo_t* cr, std::string_view text, double x, double y) {
    if (text.empty()) return;
    const std::string s = valid_utf8(text);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s.c_str(), &e);
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, -std::numbers::pi / 2);
    cairo_move_to(cr, -e.x_advance / 2, (font_ascent(cr) - font_descent(cr)) / 2);
    cairo_show_text(cr, s.c_str());
    cairo_restore(cr);
}

double font_ascent(cairo_t* cr) {
    cairo_font_extents_t e;
    cairo_font_extents(cr, &e);
    return e.ascent;
}

double font_descent(cairo_t* cr) {
    cairo_font_extents_t e;
    cairo_font_extents(cr, &e);
    return e.descent;
}

std::string valid_utf8(std::string_view s) {
    static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            n = 1;
            cp = c;
        } else if ((c & 0xE0) == 0xC0) {
            n = 2;
            cp = c & 0x1FU;
        } else if ((c & 0xF0) == 0xE0) {
            n = 3;
            cp = c & 0x0FU;
        } else if ((c & 0xF8) == 0xF0) {
            n = 4;
            cp = c & 0x07U;
        }
        bool ok = n > 0 && i + n <= s.size();
        for (std::size_t k = 1; ok && k < n; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            ok = (cc & 0xC0) == 0x80;
            cp = (cp << 6) | (cc & 0x3FU);
        }
        // Overlong forms, surrogates and values past U+10FFFF are invalid too; NUL would end
        // the C string Cairo sees.
        static constexpr std::array<std::uint32_t, 5> kMin = {0, 0, 0x80, 0x800, 0x10000};
        ok = ok && cp >= kMin[n] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF) && cp != 0;
        if (ok) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            out.append(kReplacement);
            ++i;
        }
    }
    return out;
}

double nice_floor(double v) {
    const double p = std::pow(10.0, std::floor(std::log10(v)));
    for (const double m : {5.0, 2.0, 1.0}) {
        if (m * p <= v * (1 + 1e-9)) return m * p;
    }
    return p;
}

double nice_step(double range, int count) {
    if (!(range > 0)) return 1;
    const double raw = range / std::max(1, count);
    const double p = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double m : {1.0, 2.0, 2.5, 5.0}) {
        if (raw <= m * p * (1 + 1e-9)) return m * p;
    }
    return 10 * p;
}

std::vector<double> ticks_between(double lo, double hi, double step) {
    std::vector<double> ticks;
    const double eps = step * 1e-6;
    const auto first = static_cast<long long>(std::ceil((lo - eps) / step));
    const auto last = static_cast<long long>(std::floor((hi + eps) / step));
    for (long long k = first; k <= last && ticks.size() < 1000; ++k) {
        ticks.push_back(static_cast<double>(k) * step);
    }
    return ticks;
}

std::string tick_label(double value, double step) {
    int decimals = 0;
    while (decimals < 6 && std::abs(step * std::pow(10.0, decimals) -
                                    std::round(step * std::pow(10.0, decimals))) > 1e-6) {
        ++decimals;
    }
    if (std::abs(value) < step * 1e-6) value = 0;  // no "-0"
    return format_fixed(value, decimals);
}

}  // namespace detail
}  // namespace ntm::render
