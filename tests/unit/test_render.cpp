#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <sstream>

#include "core/error.h"
#include "render/chart.h"
#include "render/map.h"
#include "render/raster.h"

// Cairo's toy text API resolves "DejaVu Sans" through fontconfig, which keeps process-lifetime
// caches (about 1 KB, not growing with the number of drawings) that only FcFini frees. Without
// this, LeakSanitizer fails the program at exit in the asan preset. Unused in other builds.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }

namespace ntm::render {
namespace {

namespace fs = std::filesystem;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ColorBrewer YlGnBu ends and middle, RdBu middle, and the no-data grey, written out by hand.
constexpr Color kYlGnBu0{0xff, 0xff, 0xd9};
constexpr Color kYlGnBu50{0x41, 0xb6, 0xc4};
constexpr Color kYlGnBu100{0x08, 0x1d, 0x58};
constexpr Color kGrey{0xd9, 0xd9, 0xd9};

std::string str(Color c) {
    std::ostringstream o;
    o << "rgb(" << +c.r << "," << +c.g << "," << +c.b << ")";
    return o.str();
}

MultiPolygon square(double x0, double y0, double side) {
    return {{Polygon{{{x0, y0}, {x0 + side, y0}, {x0 + side, y0 + side}, {x0, y0 + side}, {x0, y0}},
                     {}}}};
}

// 2 × 2 communes of 1 km: south-west 0, south-east 0.5, north-west 1, north-east no data.
MapSpec grid_map() {
    MapSpec spec;
    spec.title = "Xác suất đạt chuẩn NTM";
    spec.subtitle = "Huyện Can Lộc, năm 2020";
    spec.width = 800;
    spec.height = 600;
    spec.background = {245, 245, 240};
    spec.ramp = sequential_ramp("P(đạt chuẩn)");
    spec.polygons = {{square(0, 0, 1000), 0.0, ""},
                     {square(1000, 0, 1000), 0.5, ""},
                     {square(0, 1000, 1000), 1.0, ""},
                     {square(1000, 1000, 1000), kNaN, ""}};
    return spec;
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::uint32_t be32(const std::string& s, std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<unsigned char>(s[at + i]);
    return v;
}

class TempDir {
 public:
    TempDir()
        : m_path(fs::temp_directory_path() / ("ntm_test_render_" + std::to_string(getpid()))) {
        fs::remove_all(m_path);
        fs::create_directories(m_path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::permissions(m_path, fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(m_path, ec);
    }
    const fs::path& path() const { return m_path; }
    std::vector<std::string> entries() const {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(m_path)) names.push_back(e.path().filename());
        std::sort(names.begin(), names.end());
        return names;
    }

 private:
    fs::path m_path;
};

TEST(Ramp, ColorsByHand) {
    const ColorRamp seq = sequential_ramp("p");
    EXPECT_EQ(seq.color(0), kYlGnBu0);
    EXPECT_EQ(seq.color(0.5), kYlGnBu50);
    EXPECT_EQ(seq.color(1), kYlGnBu100);
    EXPECT_EQ(seq.color(-3), kYlGnBu0);  // clamped
    EXPECT_EQ(seq.color(kNaN), kGrey);
    // Halfway between stops 0 (ff ff d9) and 1 (ed f8 b1): f6 fc c5.
    EXPECT_EQ(seq.color(1.0 / 16), (Color{0xf6, 0xfc, 0xc5}));

    const ColorRamp five = sequential_ramp("p", 5);
    ASSERT_EQ(five.colors.size(), 5u);
    EXPECT_EQ(five.labels[1], "20–40%");
    EXPECT_EQ(five.color(0.1), kYlGnBu0);
    EXPECT_EQ(five.color(0.5), kYlGnBu50);  // class 2 of 0..4 = the middle stop
    EXPECT_EQ(five.color(1.0), kYlGnBu100);

    const ColorRamp div = diverging_ramp("d");
    EXPECT_EQ(div.color(0), (Color{0xf7, 0xf7, 0xf7}));
    EXPECT_EQ(div.color(-1), (Color{0x67, 0x00, 0x1f}));
    EXPECT_EQ(div.color(1), (Color{0x05, 0x30, 0x61}));
    EXPECT_EQ(div.labels.front(), "−100%");
    EXPECT_EQ(div.labels.back(), "+100%");

    const ColorRamp years = year_ramp("năm", 2017, 2025);
    ASSERT_EQ(years.colors.size(), 10u);  // nine years + after the period
    EXPECT_EQ(years.labels.front(), "2017");
    EXPECT_EQ(years.labels.back(), "after the period");
    EXPECT_EQ(years.color(2017), years.colors[0]);
    const auto lightness = [](Color c) { return c.r + c.g + c.b; };
    EXPECT_LT(lightness(years.colors[0]), lightness(years.colors[8]));  // earliest darkest
    EXPECT_EQ(years.color(2016), years.colors[0]);                      // before: first class
    EXPECT_EQ(years.color(2019.2), years.colors[2]);
    EXPECT_EQ(years.color(2026), years.colors[9]);
    EXPECT_EQ(years.color(2040), years.colors[9]);
    EXPECT_EQ(years.color(kNaN), kGrey);
    EXPECT_NE(years.colors[9], years.colors[8]);
}

TEST(Map, FitIsCentredWithEqualScale) {
    const MapSpec spec = grid_map();
    const MapFrame f = map_frame(spec);
    const Rect& a = f.map_area;
    EXPECT_GT(a.width, 0);
    EXPECT_LE(a.x + a.width, spec.width);
    EXPECT_LE(a.y + a.height, spec.height);
    // Square data in a wider-than-tall area: fills the height, centred in the width.
    EXPECT_DOUBLE_EQ(f.pixels_per_metre, a.height / 2000);
    const Point sw = f.to_image({0, 0}), ne = f.to_image({2000, 2000});
    EXPECT_NEAR(sw.y, a.y + a.height, 1e-9);
    EXPECT_NEAR(ne.y, a.y, 1e-9);
    EXPECT_NEAR((sw.x + ne.x) / 2, a.x + a.width / 2, 1e-9);
    EXPECT_NEAR(ne.x - sw.x, sw.y - ne.y, 1e-9);  // equal scale
}

TEST(Map, PngHasSizeAndRampColours) {
    const TempDir dir;
    const MapSpec spec = grid_map();
    const fs::path out = dir.path() / "p.png";
    draw_map(spec, out.string());
    ASSERT_TRUE(fs::exists(out));
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"p.png"});  // no temporary left beside it
    const std::string bytes = read_file(out);
    ASSERT_GT(bytes.size(), 24u);
    EXPECT_EQ(bytes.substr(1, 3), "PNG");
    EXPECT_EQ(bytes.substr(12, 4), "IHDR");
    EXPECT_EQ(be32(bytes, 16), 800u);
    EXPECT_EQ(be32(bytes, 20), 600u);

    const Raster r = decode_png(bytes);
    ASSERT_EQ(r.width, 800);
    ASSERT_EQ(r.height, 600);
    const MapFrame f = map_frame(spec);
    const auto pixel = [&](double wx, double wy) {
        const Point p = f.to_image({wx, wy});
        return r.at(static_cast<int>(p.x), static_cast<int>(p.y));
    };
    EXPECT_EQ(str(pixel(500, 500)), str(kYlGnBu0));
    EXPECT_EQ(str(pixel(1500, 500)), str(kYlGnBu50));
    EXPECT_EQ(str(pixel(500, 1500)), str(kYlGnBu100));
    EXPECT_EQ(str(pixel(1500, 1500)), str(kGrey));
    // North is up: the north-west square is above the south-west one on the image.
    EXPECT_LT(f.to_image({500, 1500}).y, f.to_image({500, 500}).y);
    EXPECT_EQ(str(r.at(0, 0)), str(spec.background));
    EXPECT_EQ(str(r.at(799, 599)), str(spec.background));

    // Same spec, same bytes.
    EXPECT_EQ(map_image(spec, ImageFormat::Png), bytes);
}

TEST(Map, SvgIsSelfContainedWithVietnameseTitle) {
    MapSpec spec = grid_map();
    spec.polygons[0].label = "Thượng Lộc";
    spec.polygons[1].label = "Đồng Lộc";
    LineLayer roads;
    roads.name = "Đường trục xã";
    roads.features.push_back({MultiLineString{{LineString{{{100, 100}, {1900, 1900}}}}}, 1});
    spec.lines.push_back(roads);
    PointLayer schools;
    schools.name = "Trường học";
    schools.features.push_back({Point{500, 1500}, 1});
    spec.points.push_back(schools);
    const std::string svg = map_svg(spec);
    ASSERT_EQ(svg.rfind("<svg", 0), 0u);  // inline: no XML declaration
    EXPECT_NE(svg.find("width=\"800px\" height=\"600px\""), std::string::npos);
    EXPECT_NE(svg.find("<title>Xác suất đạt chuẩn NTM</title>"), std::string::npos);
    EXPECT_NE(svg.find("<desc>Huyện Can Lộc, năm 2020</desc>"), std::string::npos);
    EXPECT_NE(svg.find("</svg>"), std::string::npos);
    std::string rest = svg;
    for (const std::string ns :
         {"xmlns=\"http://www.w3.org/2000/svg\"", "xmlns:xlink=\"http://www.w3.org/1999/xlink\""}) {
        const auto at = rest.find(ns);
        ASSERT_NE(at, std::string::npos) << ns;
        rest.erase(at, ns.size());
    }
    EXPECT_EQ(rest.find("http://"), std::string::npos);
    EXPECT_EQ(rest.find("https://"), std::string::npos);
    // Cairo's process-wide surface numbering is renumbered: drawing twice gives the same text.
    EXPECT_EQ(map_svg(spec), svg);
    // A file named .svg holds the same text after an XML declaration.
    const TempDir dir;
    draw_map(spec, (dir.path() / "m.svg").string());
    EXPECT_EQ(read_file(dir.path() / "m.svg"),
              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg);

    // Every reference points at an id of this drawing, and a second drawing on the same HTML
    // page shares none of them (Cairo alone names glyphs glyph0-1, … in every SVG).
    const auto ids_of = [](const std::string& text) {
        std::set<std::string> ids;
        for (auto at = text.find(" id=\""); at != std::string::npos;
             at = text.find(" id=\"", at + 1)) {
            const auto begin = at + 5;
            ids.insert(text.substr(begin, text.find('"', begin) - begin));
        }
        return ids;
    };
    const std::set<std::string> ids = ids_of(svg);
    EXPECT_GT(ids.size(), 10u);
    for (auto at = svg.find("href=\"#"); at != std::string::npos;
         at = svg.find("href=\"#", at + 1)) {
        const auto begin = at + 7;
        const std::string ref = svg.substr(begin, svg.find('"', begin) - begin);
        ASSERT_TRUE(ids.contains(ref)) << ref;
    }
    spec.title = "Năm đạt chuẩn";
    const std::set<std::string> other = ids_of(map_svg(spec));
    for (const auto& id : other) EXPECT_FALSE(ids.contains(id)) << id;
}

TEST(Map, BadUtf8LabelDoesNotBlankTheMap) {
    MapSpec spec = grid_map();
    spec.polygons[0].label = "X\xC3";  // truncated sequence
    const Raster r = decode_png(map_image(spec, ImageFormat::Png));
    const Point p = map_frame(spec).to_image({1500, 1500});
    EXPECT_EQ(str(r.at(static_cast<int>(p.x), static_cast<int>(p.y))), str(kGrey));
}

// A ring-shaped commune: its centroid lies in the hole, so the label must go elsewhere.
TEST(Map, LabelOfRingStaysOffTheHole) {
    MapSpec spec;
    spec.width = 600;
    spec.height = 400;
    Polygon ring{{{0, 0}, {3000, 0}, {3000, 3000}, {0, 3000}, {0, 0}},
                 {{{1000, 1000}, {2000, 1000}, {2000, 2000}, {1000, 2000}, {1000, 1000}}}};
    spec.polygons = {{MultiPolygon{{ring}}, 1.0, "Vượng Lộc"}};
    const Raster with = decode_png(map_image(spec, ImageFormat::Png));
    spec.labels = false;
    const Raster without = decode_png(map_image(spec, ImageFormat::Png));
    EXPECT_NE(with.pixels, without.pixels);  // the label was drawn somewhere
    const Point hole = map_frame(spec).to_image({1500, 1500});
    const int hx = static_cast<int>(hole.x), hy = static_cast<int>(hole.y);
    EXPECT_EQ(str(with.at(hx, hy)), str(kWhite));  // but not in the hole
    for (int dy = -30; dy <= 30; ++dy) {
        for (int dx = -30; dx <= 30; ++dx) {
            ASSERT_EQ(with.at(hx + dx, hy + dy), without.at(hx + dx, hy + dy)) << dx << "," << dy;
        }
    }
}

TEST(Map, UnwritablePathThrowsAndLeavesNothing) {
    const TempDir dir;
    const MapSpec spec = grid_map();
    // A parent folder that does not exist (fails for root too).
    const fs::path missing = dir.path() / "no-such-folder" / "m.png";
    try {
        draw_map(spec, missing.string());
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find(missing.string()), std::string::npos) << e.what();
    }
    EXPECT_TRUE(dir.entries().empty());

    // /proc refuses new files, root or not.
    EXPECT_THROW(draw_map(spec, "/proc/ntmsim-render-test.png"), InputError);
    EXPECT_FALSE(fs::exists("/proc/ntmsim-render-test.png"));

    // The temporary file is written, then the rename fails (a folder holds the name): the
    // temporary must be gone and the folder untouched.
    fs::create_directory(dir.path() / "taken.png");
    EXPECT_THROW(draw_map(spec, (dir.path() / "taken.png").string()), InputError);
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"taken.png"});
    EXPECT_TRUE(fs::is_empty(dir.path() / "taken.png"));

    // A read-only folder; root ignores permissions, so only checked for other users.
    if (geteuid() != 0) {
        const fs::path ro = dir.path() / "ro";
        fs::create_directory(ro);
        fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
        EXPECT_THROW(draw_map(spec, (ro / "m.png").string()), InputError);
        fs::permissions(ro, fs::perms::owner_all);
        EXPECT_TRUE(fs::is_empty(ro));
    }
}

TEST(Map, FormatFromExtension) {
    EXPECT_EQ(format_from_path("a/b.PNG"), ImageFormat::Png);
    EXPECT_EQ(format_from_path("b.svg"), ImageFormat::Svg);
    EXPECT_THROW(format_from_path("b.jpg"), UsageError);
    EXPECT_THROW(format_from_path("b"), UsageError);
}

// Pixels inside `area` within `tol` of colour c per channel.
int count_color(const Raster& r, const Rect& area, Color c, int tol = 0) {
    int n = 0;
    for (int y = static_cast<int>(area.y); y < static_cast<int>(area.y + area.height); ++y) {
        for (int x = static_cast<int>(area.x); x < static_cast<int>(area.x + area.width); ++x) {
            const Color p = r.at(x, y);
            if (std::abs(p.r - c.r) <= tol && std::abs(p.g - c.g) <= tol &&
                std::abs(p.b - c.b) <= tol) {
                ++n;
            }
        }
    }
    return n;
}

LineChartSpec criteria_chart() {
    LineChartSpec spec;
    spec.title = "Số tiêu chí đạt theo năm";
    spec.x_label = "Năm";
    spec.y_label = "Tiêu chí đạt (kỳ vọng)";
    spec.width = 800;
    spec.height = 500;
    spec.x = {2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025};
    LineSeries base{"baseline", {10, 11, 12, 13, 14, 15, 15.5, 16, 16.5}, {}, {}, {}};
    LineSeries fast{"targets-first", {10, 12, 13.5, 15, kNaN, 17, 18, 18.5, 19}, {}, {}, {}};
    for (const double y : fast.y) {
        fast.low.push_back(y - 1.5);
        fast.high.push_back(y + 1);
    }
    spec.series = {base, fast};
    spec.y_max = 19;
    return spec;
}

TEST(Chart, LineChartDrawsSeriesInsidePlot) {
    const LineChartSpec spec = criteria_chart();
    const Raster r = decode_png(line_chart_image(spec, ImageFormat::Png));
    ASSERT_EQ(r.width, 800);
    ASSERT_EQ(r.height, 500);
    const Rect plot = plot_area(spec);
    EXPECT_GT(plot.width, 400);
    EXPECT_GT(plot.height, 250);
    EXPECT_LE(plot.x + plot.width, 800);
    EXPECT_GT(count_color(r, plot, palette_color(0)), 200);
    EXPECT_GT(count_color(r, plot, palette_color(1)), 200);
    EXPECT_EQ(str(r.at(0, 0)), str(kWhite));
    // Deterministic, and the SVG carries the Vietnamese title.
    EXPECT_EQ(line_chart_image(spec, ImageFormat::Png), line_chart_image(spec, ImageFormat::Png));
    const std::string svg = line_chart_svg(spec);
    EXPECT_NE(svg.find("<title>Số tiêu chí đạt theo năm</title>"), std::string::npos);
    EXPECT_EQ(line_chart_svg(spec), svg);
}

TEST(Chart, StackedBarsHaveTheirHeights) {
    BarChartSpec spec;
    spec.title = "Vốn theo nguồn (tỷ đồng)";
    spec.y_label = "tỷ đồng";
    spec.width = 800;
    spec.height = 500;
    spec.x = {"2017", "2018", "2019"};
    spec.stacks = {{"Ngân sách trung ương", {10, 5, 8}, {}},
                   {"Ngân sách tỉnh", {10, 5, 8}, {}},
                   {"Nhân dân đóng góp", {10, 5, 8}, {}}};
    const Raster r = decode_png(bar_chart_image(spec, ImageFormat::Png));
    const Rect plot = plot_area(spec);
    // The tallest bar is 30; ticks of 10 make the axis 0–30.
    // First bar: stacks 0–10, 10–20, 20–30.
    const double band = plot.width / 3;
    const auto at_value = [&](int bar, double v) {
        return r.at(static_cast<int>(plot.x + band * (bar + 0.5)),
                    static_cast<int>(plot.y + plot.height * (1 - v / 30)));
    };
    EXPECT_EQ(str(at_value(0, 5)), str(palette_color(0)));
    EXPECT_EQ(str(at_value(0, 15)), str(palette_color(1)));
    EXPECT_EQ(str(at_value(0, 25)), str(palette_color(2)));
    EXPECT_EQ(str(at_value(1, 12)), str(palette_color(2)));  // second bar: 10–15 is stack 2
    EXPECT_EQ(str(at_value(1, 17)), str(kWhite));            // above the 15 bn bar
    for (std::size_t k = 0; k < 3; ++k) EXPECT_GT(count_color(r, plot, palette_color(k)), 500);

    const TempDir dir;
    draw_bar_chart(spec, (dir.path() / "bars.svg").string());
    EXPECT_NE(read_file(dir.path() / "bars.svg").find("Vốn theo nguồn"), std::string::npos);
}

TEST(Chart, MismatchedLengthsAreCallerErrors) {
    LineChartSpec line = criteria_chart();
    line.series[0].y.pop_back();
    EXPECT_THROW(line_chart_svg(line), Error);
    BarChartSpec bars;
    bars.x = {"2017"};
    bars.stacks = {{"a", {1, 2}, {}}};
    EXPECT_THROW(bar_chart_svg(bars), Error);
}

}  // namespace
}  // namespace ntm::render
