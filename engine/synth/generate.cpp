#include "synth/generate.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <memory>
#include <numeric>
#include <queue>
#include <string>
#include <tuple>
#include <utility>

#include "core/error.h"
#include "core/rng.h"
#include "core/spatial_index.h"
#include "geo/crs.h"
#include "geo/kernels.h"

namespace ntm::synth {

int CommuneDesign::criteria_met() const {
    int n = 0;
    for (int c = 1; c <= kCriteriaCount; ++c) n += met[static_cast<std::size_t>(c)] ? 1 : 0;
    return n;
}

namespace {

constexpr double kSqrt3 = 1.7320508075688772;
constexpr double kPi = 3.14159265358979323846;
constexpr double kInf = std::numeric_limits<double>::infinity();

// The second counter word of a draw: what it is for (high byte) and a sub-index, so two uses of
// one stream and item never share numbers.
enum Key : std::uint32_t {
    kJitter = 1,
    kBlob,
    kSplit,
    kGrowNoise,
    kVillage,
    kCellKind,
    kLandUse,
    kEdgeWeight,
    kEdgeShape,
    kAxisExtra,
    kExtraEdge,
    kSpur,
    kSurface,
    kHarden,
    kMainLined,
    kCanalWeight,
    kServed,
    kSchool,
    kFacility,
    kCriteria,
    kIndicator,
    kPopulation,
    kShares,
};

RngStream draw(const Rng& rng, Stream stream, std::size_t item, Key key, std::uint32_t sub = 0) {
    return RngStream(rng, stream, static_cast<std::uint32_t>(item),
                     (static_cast<std::uint32_t>(key) << 24) | (sub & 0xFFFFFFu));
}

double uniform_in(RngStream& r, const Range& range) { return r.uniform(range.low, range.high); }

double round_to(double v, int decimals) {
    const double f = std::pow(10.0, decimals);
    return std::round(v * f) / f;
}

// Runs fn(i) for i in [0, n) with OpenMP. No exception leaves the parallel region: each item
// keeps its own, and the one from the lowest item is rethrown, whatever the thread count.
template <typename F>
void parallel_for(int n, F&& fn) {
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(std::max(n, 0)));
#pragma omp parallel for schedule(dynamic, 4)
    for (int i = 0; i < n; ++i) {
        try {
            fn(i);
        } catch (...) {
            errors[static_cast<std::size_t>(i)] = std::current_exception();
        }
    }
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);
}

// ---------------------------------------------------------------------------------------------
// Small plane geometry.

double dist(const Point& a, const Point& b) { return std::hypot(a.x - b.x, a.y - b.y); }

double point_segment_distance(const Point& p, const Point& a, const Point& b) {
    const double dx = b.x - a.x, dy = b.y - a.y;
    const double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
    t = std::clamp(t, 0.0, 1.0);
    return std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

double cross(const Point& o, const Point& a, const Point& b) {
    return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

bool segments_intersect(const Point& a, const Point& b, const Point& c, const Point& d) {
    const double d1 = cross(c, d, a), d2 = cross(c, d, b), d3 = cross(a, b, c), d4 = cross(a, b, d);
    return ((d1 > 0) != (d2 > 0) || d1 == 0 || d2 == 0) &&
           ((d3 > 0) != (d4 > 0) || d3 == 0 || d4 == 0) &&
           std::max(std::min(a.x, b.x), std::min(c.x, d.x)) <=
               std::min(std::max(a.x, b.x), std::max(c.x, d.x)) &&
           std::max(std::min(a.y, b.y), std::min(c.y, d.y)) <=
               std::min(std::max(a.y, b.y), std::max(c.y, d.y));
}

double segment_distance(const Point& a, const Point& b, const Point& c, const Point& d) {
    if (segments_intersect(a, b, c, d)) return 0;
    return std::min({point_segment_distance(a, c, d), point_segment_distance(b, c, d),
                     point_segment_distance(c, a, b), point_segment_distance(d, a, b)});
}

bool in_triangle(const Point& p, const Point& a, const Point& b, const Point& c) {
    const double d1 = cross(a, b, p), d2 = cross(b, c, p), d3 = cross(c, a, p);
    const bool neg = d1 < 0 || d2 < 0 || d3<0, pos = d1> 0 || d2 > 0 || d3 > 0;
    return !(neg && pos);
}

struct Tri {
    Point a, b, c;
    Box box() const {
        Box bx;
        bx.expand(a);
        bx.expand(b);
        bx.expand(c);
        return bx;
    }
    double area() const { return std::abs(cross(a, b, c)) / 2; }
};

// Every point of the triangle is within w of the segment: distance to a segment is convex, so
// checking the corners is enough.
bool triangle_within(const Tri& t, const Point& a, const Point& b, double w) {
    return point_segment_distance(t.a, a, b) <= w && point_segment_distance(t.b, a, b) <= w &&
           point_segment_distance(t.c, a, b) <= w;
}

double triangle_segment_distance(const Tri& t, const Point& a, const Point& b) {
    if (in_triangle(a, t.a, t.b, t.c) || in_triangle(b, t.a, t.b, t.c)) return 0;
    return std::min({segment_distance(a, b, t.a, t.b), segment_distance(a, b, t.b, t.c),
                     segment_distance(a, b, t.c, t.a)});
}

Box expanded(Box b, double d) {
    b.min_x -= d;
    b.min_y -= d;
    b.max_x += d;
    b.max_y += d;
    return b;
}

Box segment_box(const Point& a, const Point& b) {
    Box bx;
    bx.expand(a);
    bx.expand(b);
    return bx;
}

// ---------------------------------------------------------------------------------------------
// The hamlet lattice: a jittered triangular lattice of sites. Its dual cells (each site's ring of
// triangle centroids) are star-shaped and tile the plane exactly, and every cell corner is shared
// by exactly three cells, so a union of cells always has simple, disjoint boundary rings.
//
// Directions around a site, counter-clockwise: 0 E, 1 NE, 2 NW, 3 W, 4 SW, 5 SE. Odd rows are
// shifted half a spacing east. Triangle k of a site is (site, neighbour k, neighbour k+1); each
// site owns two triangles (k = 0 "up" and k = 1 "down") and three site edges (k = 0, 1, 2).
class Lattice {
 public:
    Lattice(int nx, int ny, double spacing, Point origin)
        : m_nx(nx), m_ny(ny), m_s(spacing), m_origin(origin) {}

    int nx() const { return m_nx; }
    int ny() const { return m_ny; }
    int size() const { return m_nx * m_ny; }
    double spacing() const { return m_s; }
    int col(int v) const { return v % m_nx; }
    int row(int v) const { return v / m_nx; }
    Point nominal(int v) const {
        const int i = col(v), j = row(v);
        return {m_origin.x + m_s * (i + ((j & 1) ? 0.5 : 0.0)), m_origin.y + m_s * kSqrt3 / 2 * j};
    }

    int neighbour(int v, int k) const {
        static constexpr int kEven[6][2] = {{1, 0}, {0, 1}, {-1, 1}, {-1, 0}, {-1, -1}, {0, -1}};
        static constexpr int kOdd[6][2] = {{1, 0}, {1, 1}, {0, 1}, {-1, 0}, {0, -1}, {1, -1}};
        const int i = col(v), j = row(v);
        const auto& d = (j & 1) ? kOdd[k] : kEven[k];
        const int ni = i + d[0], nj = j + d[1];
        if (ni < 0 || nj < 0 || ni >= m_nx || nj >= m_ny) return -1;
        return nj * m_nx + ni;
    }
    // Triangle (v, neighbour k, neighbour k+1).
    int triangle(int v, int k) const {
        k = ((k % 6) + 6) % 6;
        switch (k) {
            case 0:
                return v * 2;
            case 1:
                return v * 2 + 1;
            case 2:
                return neighbour(v, 3) * 2;
            case 3:
                return neighbour(v, 4) * 2 + 1;
            case 4:
                return neighbour(v, 4) * 2;
            default:
                return neighbour(v, 5) * 2 + 1;
        }
    }
    // Site edge (v, neighbour k).
    int edge(int v, int k) const { return k < 3 ? v * 3 + k : neighbour(v, k) * 3 + (k - 3); }
    // The three sites of a triangle, in a fixed order.
    std::array<int, 3> triangle_sites(int t) const {
        const int u = t / 2;
        if (t % 2 == 0) return {u, neighbour(u, 0), neighbour(u, 1)};
        return {u, neighbour(u, 1), neighbour(u, 2)};
    }
    std::array<int, 3> triangle_edges(int t) const {
        const int u = t / 2;
        if (t % 2 == 0) return {u * 3, u * 3 + 1, neighbour(u, 0) * 3 + 2};
        return {u * 3 + 1, u * 3 + 2, neighbour(u, 2) * 3};
    }
    // The two triangles either side of a site edge: its dual edge, a cell boundary segment.
    std::pair<int, int> dual_ends(int e) const {
        const int v = e / 3, dir = e % 3;
        return {triangle(v, dir - 1), triangle(v, dir)};
    }
    std::pair<int, int> edge_sites(int e) const { return {e / 3, neighbour(e / 3, e % 3)}; }

 private:
    int m_nx, m_ny;
    double m_s;
    Point m_origin;
};

// Marks for site edges (roads) and dual edges (canals): none, or the enum value.
constexpr std::int8_t kNone = -1;

struct CommuneLayout {
    std::vector<int> sites;  // sorted
    int centre_site = -1;
    std::vector<int> villages;  // village sites, the centre first
    double area = 0;            // m²
    Point centroid;
    double target = 0;  // m²
};

class Generator {
 public:
    explicit Generator(const Recipe& recipe) : m_recipe(recipe), m_rng(recipe.seed) {}

    Generated run();

 private:
    void make_specs();
    void make_lattice();
    void choose_district();
    void assign_real_cells();
    bool real() const { return !m_recipe.outlines_source.empty(); }
    // Real outlines: a commune's roads and canals scale with its area (the recipe's per-commune
    // lengths are for a commune of layout.mean_commune_area_km2); synthetic communes: 1.
    double size_factor(int ci) const {
        if (!real()) return 1;
        return m_communes[static_cast<std::size_t>(ci)].area /
               (m_recipe.mean_commune_area_km2 * 1e6);
    }
    void place_seeds(std::vector<int>& seeds);
    void grow_communes(const std::vector<int>& seeds);
    void refine_communes();
    void describe_communes();
    void design_communes();
    MultiPolygon commune_geometry(int c) const;
    void mark_commune_axes();
    void mark_commune_roads(int c);
    std::vector<Road> commune_roads(int c) const;
    void mark_mains();
    void mark_level2();
    void mark_commune_canals(int c);
    void farmland_and_lining();
    std::vector<Canal> commune_canals(int c) const;
    void schools_and_facilities(int c, std::vector<School>& schools,
                                std::vector<Facility>& facilities) const;
    std::vector<StatusRow> commune_status(int c) const;
    // Real outlines: a school or facility placed beyond its unit's polygon (near a coast or a
    // narrow edge) moves to the nearest of the unit's own cell sites, which lie inside it.
    void keep_inside(int c, std::vector<School>& schools, std::vector<Facility>& facilities) const;
    std::vector<std::uint8_t> failing_indicators(int c) const;

    double cell_area(int v) const;
    double edge_length(int e) const {
        const auto [a, b] = m_lattice->edge_sites(e);
        return dist(m_site[static_cast<std::size_t>(a)], m_site[static_cast<std::size_t>(b)]);
    }
    double dual_length(int e) const {
        const auto [a, b] = m_lattice->dual_ends(e);
        return dist(m_centre[static_cast<std::size_t>(a)], m_centre[static_cast<std::size_t>(b)]);
    }
    int owner(int v) const { return v < 0 ? -2 : m_owner[static_cast<std::size_t>(v)]; }
    // The commune both side cells of a dual edge belong to, or -1 when they differ.
    int inner_commune(int e) const {
        const auto [a, b] = m_lattice->edge_sites(e);
        const int ca = owner(a), cb = owner(b);
        return (ca >= 0 && ca == cb) ? ca : -1;
    }
    double min_neighbour_distance(int v) const;
    double service_width(int level) const {
        return m_recipe.service_width_m[static_cast<std::size_t>(level)];
    }
    Tri fan_triangle(int v, int k) const {
        return {m_site[static_cast<std::size_t>(v)],
                m_centre[static_cast<std::size_t>(m_lattice->triangle(v, k - 1))],
                m_centre[static_cast<std::size_t>(m_lattice->triangle(v, k))]};
    }

    const Recipe& m_recipe;
    Rng m_rng;
    std::vector<CommuneSpec> m_specs;
    std::unique_ptr<Lattice> m_lattice;
    std::vector<Point> m_site;        // per lattice site
    std::vector<Point> m_centre;      // per triangle: the centroid, a cell corner
    std::vector<int> m_owner;         // per site: commune, -1 unassigned district, -2 outside
    std::vector<int> m_local;         // per site: index in its commune's site list
    std::vector<std::int8_t> m_kind;  // per site: 0 farmland, 1 village, 2 other
    std::vector<int> m_district;      // district sites, sorted
    std::vector<CommuneLayout> m_communes;
    std::vector<CommuneDesign> m_design;
    std::vector<std::int8_t> m_road;    // per site edge: RoadClass or kNone
    std::vector<std::int8_t> m_canal;   // per site edge (its dual edge): CanalLevel or kNone
    std::vector<std::uint8_t> m_lined;  // per site edge
    std::vector<std::vector<std::uint8_t>> m_farm_fan;  // per commune: 6 flags per site
    Point m_origin_centre;
};

// ---------------------------------------------------------------------------------------------

const char* const kSyllables[] = {
    "An",    "Bình",  "Phú",  "Thạnh", "Hòa", "Tân", "Long", "Phước", "Thuận", "Hưng",
    "Lộc",   "Mỹ",    "Xuân", "Đông",  "Tây", "Nam", "Bắc",  "Trung", "Yên",   "Vĩnh",
    "Quang", "Thanh", "Sơn",  "Kim",   "Gia", "Đức", "Hồng", "Minh",  "Thịnh", "Tiến",
};
constexpr int kSyllableCount = static_cast<int>(std::size(kSyllables));

void Generator::make_specs() {
    if (!m_recipe.commune_list.empty()) {
        m_specs = m_recipe.commune_list;
    } else {
        m_specs.resize(static_cast<std::size_t>(m_recipe.communes));
        for (int i = 0; i < m_recipe.communes; ++i) {
            auto& s = m_specs[static_cast<std::size_t>(i)];
            // Two syllables, as most commune names; a number once the pairs run out.
            const int pairs = kSyllableCount * (kSyllableCount - 1);
            const int p = i % pairs, a = p / (kSyllableCount - 1);
            int b = p % (kSyllableCount - 1);
            if (b >= a) ++b;
            s.name = std::string(kSyllables[a]) + " " + kSyllables[b];
            if (i >= pairs) s.name += " " + std::to_string(i / pairs + 1);
        }
    }
    for (std::size_t i = 0; i < m_specs.size(); ++i) {
        auto& s = m_specs[i];
        if (s.code.empty()) s.code = std::to_string(900000 + i);
        if (s.area_km2 <= 0) s.area_km2 = m_recipe.mean_commune_area_km2;
    }
}

void Generator::make_lattice() {
    double total_km2 = 0;
    for (const auto& s : m_specs) total_km2 += s.area_km2;
    const double cell_m2 = m_recipe.hamlet_cell_km2 * 1e6;
    const double spacing = std::sqrt(2 * cell_m2 / kSqrt3);
    // Room for the district's irregular outline (up to ~1.35 × its mean radius) and a margin.
    double half_w = std::sqrt(total_km2 * 1e6 / kPi) * 1.45 + 3 * spacing, half_h = half_w;
    if (real()) {
        // Real outlines: the lattice covers their bounds with a margin of a few cells.
        Box b;
        for (const auto& spec : m_specs) b.expand(bounds(spec.outline));
        half_w = b.width() / 2 + 3 * spacing;
        half_h = b.height() / 2 + 3 * spacing;
        m_origin_centre = {(b.min_x + b.max_x) / 2, (b.min_y + b.max_y) / 2};
    }
    const int nx = static_cast<int>(std::ceil(2 * half_w / spacing)) + 6;
    const int ny = static_cast<int>(std::ceil(2 * half_h / (spacing * kSqrt3 / 2))) + 6;

    if (!real()) {
        const geo::Crs crs = working_crs(m_recipe);
        const geo::Transform to_metric(geo::crs_from_epsg(4326), crs);
        m_origin_centre = to_metric.apply(Point{m_recipe.centre_lon, m_recipe.centre_lat});
    }
    // Whole metres keep the coordinates readable; the lattice is centred on the recipe's point.
    const Point origin{std::round(m_origin_centre.x - spacing * (nx / 2)),
                       std::round(m_origin_centre.y - spacing * kSqrt3 / 2 * (ny / 2))};
    m_lattice = std::make_unique<Lattice>(nx, ny, spacing, origin);

    const int n = m_lattice->size();
    m_site.resize(static_cast<std::size_t>(n));
    // Jitter up to 0.18 spacing keeps every lattice triangle counter-clockwise, so the dual cells
    // stay simple and star-shaped.
    parallel_for(n, [&](int v) {
        auto r = draw(m_rng, Stream::GenerateLayout, static_cast<std::size_t>(v), kJitter);
        const double rad = 0.18 * spacing * std::sqrt(r.uniform());
        const double ang = 2 * kPi * r.uniform();
        const Point p = m_lattice->nominal(v);
        m_site[static_cast<std::size_t>(v)] = {p.x + rad * std::cos(ang),
                                               p.y + rad * std::sin(ang)};
    });
    m_centre.assign(static_cast<std::size_t>(2 * n), Point{kInf, kInf});
    parallel_for(2 * n, [&](int t) {
        const auto s = m_lattice->triangle_sites(t);
        if (s[1] < 0 || s[2] < 0) return;
        const Point& a = m_site[static_cast<std::size_t>(s[0])];
        const Point& b = m_site[static_cast<std::size_t>(s[1])];
        const Point& c = m_site[static_cast<std::size_t>(s[2])];
        m_centre[static_cast<std::size_t>(t)] = {(a.x + b.x + c.x) / 3, (a.y + b.y + c.y) / 3};
    });
}

double Generator::cell_area(int v) const {
    double a = 0;
    for (int k = 0; k < 6; ++k) {
        const Point& p = m_centre[static_cast<std::size_t>(m_lattice->triangle(v, k - 1))];
        const Point& q = m_centre[static_cast<std::size_t>(m_lattice->triangle(v, k))];
        a += p.x * q.y - q.x * p.y;
    }
    return a / 2;
}

double Generator::min_neighbour_distance(int v) const {
    double d = kInf;
    for (int k = 0; k < 6; ++k) {
        const int nb = m_lattice->neighbour(v, k);
        if (nb >= 0)
            d = std::min(
                d, dist(m_site[static_cast<std::size_t>(v)], m_site[static_cast<std::size_t>(nb)]));
    }
    return d;
}

void Generator::choose_district() {
    const Lattice& L = *m_lattice;
    const int n = L.size();
    double total_km2 = 0;
    for (const auto& s : m_specs) total_km2 += s.area_km2;
    const double cell_m2 = m_recipe.hamlet_cell_km2 * 1e6;
    const std::size_t wanted = static_cast<std::size_t>(std::llround(total_km2 * 1e6 / cell_m2));

    // An irregular outline: a radius modulated by a few low harmonics, and a mild stretch.
    auto r = draw(m_rng, Stream::GenerateLayout, 0, kBlob);
    double amp[6] = {}, phase[6] = {};
    for (int k = 2; k <= 5; ++k) {
        amp[k] = r.uniform(0.02, 0.12) / (k - 1);
        phase[k] = r.uniform(0, 2 * kPi);
    }
    const double stretch = r.uniform(1.0, 1.3);
    std::vector<std::pair<double, int>> rank;
    rank.reserve(static_cast<std::size_t>(n));
    for (int v = 0; v < n; ++v) {
        const int i = L.col(v), j = L.row(v);
        if (i < 3 || j < 3 || i >= L.nx() - 3 || j >= L.ny() - 3) continue;
        const Point p = m_site[static_cast<std::size_t>(v)];
        const double dx = (p.x - m_origin_centre.x) / stretch,
                     dy = (p.y - m_origin_centre.y) * stretch;
        const double theta = std::atan2(dy, dx);
        double f = 1;
        for (int k = 2; k <= 5; ++k) f += amp[k] * std::cos(k * theta + phase[k]);
        rank.emplace_back(std::hypot(dx, dy) / f, v);
    }
    std::sort(rank.begin(), rank.end());
    if (rank.size() < wanted) throw Error(ErrorKind::Internal, "synthetic lattice too small");
    m_owner.assign(static_cast<std::size_t>(n), -2);
    for (std::size_t i = 0; i < wanted; ++i) m_owner[static_cast<std::size_t>(rank[i].second)] = -1;

    // Keep the part connected to the centre, then fill any enclosed hole, so the district is one
    // piece with no holes.
    auto flood = [&](int start, auto&& inside) {
        std::vector<std::uint8_t> seen(static_cast<std::size_t>(n), 0);
        std::vector<int> stack{start};
        seen[static_cast<std::size_t>(start)] = 1;
        while (!stack.empty()) {
            const int v = stack.back();
            stack.pop_back();
            for (int k = 0; k < 6; ++k) {
                const int nb = L.neighbour(v, k);
                if (nb < 0 || seen[static_cast<std::size_t>(nb)] || !inside(nb)) continue;
                seen[static_cast<std::size_t>(nb)] = 1;
                stack.push_back(nb);
            }
        }
        return seen;
    };
    const auto connected = flood(rank.front().second,
                                 [&](int v) { return m_owner[static_cast<std::size_t>(v)] == -1; });
    for (int v = 0; v < n; ++v)
        if (!connected[static_cast<std::size_t>(v)]) m_owner[static_cast<std::size_t>(v)] = -2;
    const auto outside =
        flood(0, [&](int v) { return m_owner[static_cast<std::size_t>(v)] == -2; });
    for (int v = 0; v < n; ++v) {
        const int i = L.col(v), j = L.row(v);
        const bool interior = i >= 3 && j >= 3 && i < L.nx() - 3 && j < L.ny() - 3;
        if (!outside[static_cast<std::size_t>(v)] && interior)
            m_owner[static_cast<std::size_t>(v)] = -1;
    }
    m_district.clear();
    for (int v = 0; v < n; ++v)
        if (m_owner[static_cast<std::size_t>(v)] == -1) m_district.push_back(v);
    if (m_district.size() < 4 * m_specs.size())
        throw Error(ErrorKind::Internal, "synthetic district has too few cells for its communes");
}

// Real outlines: a cell belongs to the unit whose polygon holds its site (the first unit in file
// order, should two overlap). A unit smaller than a cell gets the free-most site nearest its
// centre, taken from a neighbour that keeps at least one cell, so every unit has assets to draw.
void Generator::assign_real_cells() {
    const Lattice& L = *m_lattice;
    const int n = L.size();
    const int nc = static_cast<int>(m_specs.size());
    std::vector<std::vector<int>> inside(static_cast<std::size_t>(nc));
    parallel_for(nc, [&](int ci) {
        const auto& outline = m_specs[static_cast<std::size_t>(ci)].outline;
        const geo::PolygonClipper clipper(outline);
        const Box b = bounds(outline);
        const double row_h = L.spacing() * kSqrt3 / 2;
        const Point o = L.nominal(0);
        const int j0 = std::max(0, static_cast<int>(std::floor((b.min_y - o.y) / row_h)) - 1);
        const int j1 =
            std::min(L.ny() - 1, static_cast<int>(std::ceil((b.max_y - o.y) / row_h)) + 1);
        const int i0 = std::max(0, static_cast<int>(std::floor((b.min_x - o.x) / L.spacing())) - 2);
        const int i1 =
            std::min(L.nx() - 1, static_cast<int>(std::ceil((b.max_x - o.x) / L.spacing())) + 2);
        auto& list = inside[static_cast<std::size_t>(ci)];
        for (int j = j0; j <= j1; ++j)
            for (int i = i0; i <= i1; ++i) {
                const int v = j * L.nx() + i;
                const Point& p = m_site[static_cast<std::size_t>(v)];
                if (p.x < b.min_x || p.x > b.max_x || p.y < b.min_y || p.y > b.max_y) continue;
                if (clipper.contains(p)) list.push_back(v);
            }
    });
    m_owner.assign(static_cast<std::size_t>(n), -2);
    std::vector<int> count(static_cast<std::size_t>(nc), 0);
    for (int ci = 0; ci < nc; ++ci)
        for (int v : inside[static_cast<std::size_t>(ci)])
            if (m_owner[static_cast<std::size_t>(v)] == -2) {
                m_owner[static_cast<std::size_t>(v)] = ci;
                ++count[static_cast<std::size_t>(ci)];
            }
    for (int ci = 0; ci < nc; ++ci) {
        if (count[static_cast<std::size_t>(ci)] > 0) continue;
        const Point c = centroid(m_specs[static_cast<std::size_t>(ci)].outline);
        int best = -1;
        double best_d = kInf;
        for (int v = 0; v < n; ++v) {
            const int o = m_owner[static_cast<std::size_t>(v)];
            if (o >= 0 && count[static_cast<std::size_t>(o)] < 2) continue;
            const double d = dist(m_site[static_cast<std::size_t>(v)], c);
            if (d < best_d) best_d = d, best = v;
        }
        if (best < 0) throw Error(ErrorKind::Internal, "no lattice cell left for a small unit");
        const int o = m_owner[static_cast<std::size_t>(best)];
        if (o >= 0) --count[static_cast<std::size_t>(o)];
        m_owner[static_cast<std::size_t>(best)] = ci;
        ++count[static_cast<std::size_t>(ci)];
    }
    m_district.clear();
    for (int v = 0; v < n; ++v)
        if (m_owner[static_cast<std::size_t>(v)] >= 0) m_district.push_back(v);
    m_communes.assign(static_cast<std::size_t>(nc), {});
}

// Seeds by recursive bisection of the district into parts of the communes' target areas, cut
// along slightly random directions; growing regions from them gives compact, irregular communes.
void Generator::place_seeds(std::vector<int>& seeds) {
    const std::size_t nc = m_specs.size();
    seeds.assign(nc, -1);
    struct Node {
        std::vector<int> sites;
        std::size_t lo, hi;
        std::uint32_t id;
    };
    std::vector<Node> stack;
    stack.push_back({m_district, 0, nc, 1});
    std::vector<std::uint8_t> taken(static_cast<std::size_t>(m_lattice->size()), 0);
    while (!stack.empty()) {
        Node node = std::move(stack.back());
        stack.pop_back();
        if (node.hi - node.lo == 1 || node.sites.size() <= 1) {
            // The free site nearest the part's centre.
            double sx = 0, sy = 0;
            for (int v : node.sites) {
                sx += m_site[static_cast<std::size_t>(v)].x;
                sy += m_site[static_cast<std::size_t>(v)].y;
            }
            const Point c{sx / static_cast<double>(node.sites.size()),
                          sy / static_cast<double>(node.sites.size())};
            for (std::size_t k = node.lo; k < node.hi; ++k) {
                int best = -1;
                double best_d = kInf;
                for (int v : node.sites) {
                    if (taken[static_cast<std::size_t>(v)]) continue;
                    const double d = dist(m_site[static_cast<std::size_t>(v)], c);
                    if (d < best_d) best_d = d, best = v;
                }
                if (best < 0)
                    for (int v : m_district)
                        if (!taken[static_cast<std::size_t>(v)]) {
                            best = v;
                            break;
                        }
                taken[static_cast<std::size_t>(best)] = 1;
                seeds[k] = best;
            }
            continue;
        }
        const std::size_t mid = (node.lo + node.hi) / 2;
        double t_lo = 0, t_all = 0;
        for (std::size_t k = node.lo; k < node.hi; ++k) {
            t_all += m_specs[k].area_km2;
            if (k < mid) t_lo += m_specs[k].area_km2;
        }
        Box b;
        for (int v : node.sites) b.expand(m_site[static_cast<std::size_t>(v)]);
        auto r = draw(m_rng, Stream::GenerateLayout, node.id, kSplit);
        const double angle = (b.width() >= b.height() ? 0.0 : kPi / 2) + r.uniform(-0.35, 0.35);
        const double ux = std::cos(angle), uy = std::sin(angle);
        std::vector<std::pair<double, int>> proj;
        proj.reserve(node.sites.size());
        double total_area = 0;
        for (int v : node.sites) {
            const Point& p = m_site[static_cast<std::size_t>(v)];
            proj.emplace_back(p.x * ux + p.y * uy, v);
            total_area += cell_area(v);
        }
        std::sort(proj.begin(), proj.end());
        const double cut = total_area * t_lo / t_all;
        double acc = 0;
        std::size_t split_at = 0;
        while (split_at < proj.size() && acc < cut) acc += cell_area(proj[split_at++].second);
        const std::size_t need_lo = mid - node.lo, need_hi = node.hi - mid;
        split_at = std::clamp(split_at, need_lo, proj.size() - std::min(need_hi, proj.size()));
        Node a{{}, node.lo, mid, node.id * 2}, c{{}, mid, node.hi, node.id * 2 + 1};
        for (std::size_t i = 0; i < proj.size(); ++i)
            (i < split_at ? a : c).sites.push_back(proj[i].second);
        std::sort(a.sites.begin(), a.sites.end());
        std::sort(c.sites.begin(), c.sites.end());
        stack.push_back(std::move(c));
        stack.push_back(std::move(a));
    }
}

// Balanced region growing: the commune furthest below its target grows next, by the free cell
// nearest its seed (with noise, for irregular boundaries).
void Generator::grow_communes(const std::vector<int>& seeds) {
    const std::size_t nc = m_specs.size();
    double total_target = 0, total_area = 0;
    for (const auto& s : m_specs) total_target += s.area_km2;
    for (int v : m_district) total_area += cell_area(v);
    m_communes.assign(nc, {});
    for (std::size_t c = 0; c < nc; ++c)
        m_communes[c].target = m_specs[c].area_km2 / total_target * total_area;

    using Entry = std::pair<double, int>;
    std::vector<std::priority_queue<Entry, std::vector<Entry>, std::greater<>>> frontier(nc);
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> turn;
    auto key = [&](std::size_t c, int v) {
        auto r = draw(m_rng, Stream::GenerateLayout, static_cast<std::size_t>(v), kGrowNoise);
        return dist(m_site[static_cast<std::size_t>(v)],
                    m_site[static_cast<std::size_t>(seeds[c])]) *
               (1 + 0.5 * r.uniform());
    };
    auto claim = [&](std::size_t c, int v) {
        m_owner[static_cast<std::size_t>(v)] = static_cast<int>(c);
        m_communes[c].area += cell_area(v);
        for (int k = 0; k < 6; ++k) {
            const int nb = m_lattice->neighbour(v, k);
            if (nb >= 0 && m_owner[static_cast<std::size_t>(nb)] == -1)
                frontier[c].emplace(key(c, nb), nb);
        }
        turn.emplace(m_communes[c].area / m_communes[c].target, static_cast<int>(c));
    };
    for (std::size_t c = 0; c < nc; ++c) claim(c, seeds[c]);
    while (!turn.empty()) {
        const auto [ratio, ci] = turn.top();
        turn.pop();
        const auto c = static_cast<std::size_t>(ci);
        if (ratio != m_communes[c].area / m_communes[c].target) continue;  // stale
        while (!frontier[c].empty() &&
               m_owner[static_cast<std::size_t>(frontier[c].top().second)] != -1)
            frontier[c].pop();
        if (frontier[c].empty()) continue;  // boxed in; refinement evens it out
        const int v = frontier[c].top().second;
        frontier[c].pop();
        claim(c, v);
    }
}

// Moves boundary cells from communes above their target to neighbours below it, as long as the
// giver stays connected, until areas are within about a cell of their targets.
void Generator::refine_communes() {
    const Lattice& L = *m_lattice;
    auto cost = [&](double area, double target) {
        return (area - target) * (area - target) / target;
    };
    for (int pass = 0; pass < 200; ++pass) {
        bool moved = false;
        for (int v : m_district) {
            const int a = m_owner[static_cast<std::size_t>(v)];
            int ring[6];
            int same = 0;
            for (int k = 0; k < 6; ++k) {
                ring[k] = owner(L.neighbour(v, k));
                same += ring[k] == a;
            }
            if (same == 0 || same == 6) continue;
            // The giver's cells around v must form one run, so taking v cannot split it.
            int runs = 0;
            for (int k = 0; k < 6; ++k) runs += (ring[k] == a) && (ring[(k + 5) % 6] != a);
            if (runs != 1) continue;
            auto& ca = m_communes[static_cast<std::size_t>(a)];
            const double cell = cell_area(v);
            int best = -1;
            double best_gain = 1e-9 * cell;
            for (int k = 0; k < 6; ++k) {
                const int b = ring[k];
                if (b < 0 || b == a) continue;
                const auto& cb = m_communes[static_cast<std::size_t>(b)];
                const double gain = cost(ca.area, ca.target) + cost(cb.area, cb.target) -
                                    cost(ca.area - cell, ca.target) -
                                    cost(cb.area + cell, cb.target);
                if (gain > best_gain) best_gain = gain, best = b;
            }
            if (best < 0) continue;
            m_owner[static_cast<std::size_t>(v)] = best;
            ca.area -= cell;
            m_communes[static_cast<std::size_t>(best)].area += cell;
            moved = true;
        }
        if (!moved) break;
    }
}

void Generator::describe_communes() {
    const std::size_t nc = m_specs.size();
    for (auto& c : m_communes) c.sites.clear();
    for (int v : m_district)
        m_communes[static_cast<std::size_t>(m_owner[static_cast<std::size_t>(v)])].sites.push_back(
            v);
    m_local.assign(static_cast<std::size_t>(m_lattice->size()), -1);
    m_kind.assign(static_cast<std::size_t>(m_lattice->size()), 0);
    parallel_for(static_cast<int>(nc), [&](int ci) {
        auto& c = m_communes[static_cast<std::size_t>(ci)];
        double area = 0, sx = 0, sy = 0;
        for (std::size_t i = 0; i < c.sites.size(); ++i) {
            const int v = c.sites[i];
            m_local[static_cast<std::size_t>(v)] = static_cast<int>(i);
            const double a = cell_area(v);
            area += a;
            sx += a * m_site[static_cast<std::size_t>(v)].x;
            sy += a * m_site[static_cast<std::size_t>(v)].y;
        }
        c.area = area;
        c.centroid = {sx / area, sy / area};
        double best = kInf;
        for (int v : c.sites) {
            const double d = dist(m_site[static_cast<std::size_t>(v)], c.centroid);
            if (d < best) best = d, c.centre_site = v;
        }
        // Villages spread over the commune: each is the best of a few random candidates, the one
        // farthest from the villages chosen so far.
        const auto nv = static_cast<std::size_t>(std::clamp<long>(
            std::lround(m_recipe.village_cell_share * static_cast<double>(c.sites.size())),
            std::min(2L, static_cast<long>(c.sites.size())), static_cast<long>(c.sites.size())));
        c.villages = {c.centre_site};
        std::vector<std::uint8_t> is_village(c.sites.size(), 0);
        is_village[static_cast<std::size_t>(m_local[static_cast<std::size_t>(c.centre_site)])] = 1;
        auto r = draw(m_rng, Stream::GenerateLayout, static_cast<std::size_t>(ci), kVillage);
        while (c.villages.size() < nv) {
            int pick = -1;
            double pick_d = -1;
            for (int t = 0; t < 4; ++t) {
                const auto li = r.below(static_cast<std::uint32_t>(c.sites.size()));
                if (is_village[li]) continue;
                const int v = c.sites[li];
                double d = kInf;
                for (int u : c.villages)
                    d = std::min(d, dist(m_site[static_cast<std::size_t>(u)],
                                         m_site[static_cast<std::size_t>(v)]));
                if (d > pick_d) pick_d = d, pick = v;
            }
            if (pick < 0) continue;
            is_village[static_cast<std::size_t>(m_local[static_cast<std::size_t>(pick)])] = 1;
            c.villages.push_back(pick);
        }
        for (std::size_t i = 0; i < c.sites.size(); ++i) {
            const int v = c.sites[i];
            if (is_village[i]) {
                m_kind[static_cast<std::size_t>(v)] = 1;
            } else {
                auto rk =
                    draw(m_rng, Stream::GenerateLayout, static_cast<std::size_t>(v), kCellKind);
                m_kind[static_cast<std::size_t>(v)] = rk.chance(m_recipe.other_cell_share) ? 2 : 0;
            }
        }
    });
}

void Generator::design_communes() {
    const std::size_t nc = m_specs.size();
    m_design.assign(nc, {});
    for (std::size_t c = 0; c < nc; ++c) {
        auto& d = m_design[c];
        const auto& spec = m_specs[c];
        if (spec.met) {
            d.met = *spec.met;
        } else if (spec.kind == CommuneKind::Township) {
            for (int k = 1; k <= kCriteriaCount; ++k) d.met[static_cast<std::size_t>(k)] = true;
        } else {
            auto r = draw(m_rng, Stream::GenerateStatus, c, kCriteria);
            for (int k = 1; k <= kCriteriaCount; ++k)
                d.met[static_cast<std::size_t>(k)] =
                    r.chance(m_recipe.criteria_met_probability[static_cast<std::size_t>(k)]);
        }
        auto r = draw(m_rng, Stream::GenerateRoads, c, kShares);
        const auto& t = d.met[2] ? m_recipe.transport_met : m_recipe.transport_not_met;
        d.village_axis_hardened = uniform_in(r, t.village_axis);
        d.alley_hardened = uniform_in(r, t.alley);
        d.field_hardened = uniform_in(r, t.field);
        auto s = draw(m_rng, Stream::GenerateCanals, c, kServed);
        d.served_target =
            uniform_in(s, d.met[3] ? m_recipe.irrigation_met : m_recipe.irrigation_not_met);
    }
}

// The commune's outline from its cells' outer edges: every cell corner is shared by three cells,
// so each corner has zero or two boundary edges and the rings come out simple and disjoint.
MultiPolygon Generator::commune_geometry(int ci) const {
    const auto& c = m_communes[static_cast<std::size_t>(ci)];
    std::vector<std::pair<int, int>> edges;  // corner → next corner, the commune on the left
    for (int v : c.sites)
        for (int k = 0; k < 6; ++k)
            if (owner(m_lattice->neighbour(v, k)) != ci)
                edges.emplace_back(m_lattice->triangle(v, k - 1), m_lattice->triangle(v, k));
    std::sort(edges.begin(), edges.end());
    std::vector<std::uint8_t> used(edges.size(), 0);
    std::vector<Ring> rings;
    for (std::size_t start = 0; start < edges.size(); ++start) {
        if (used[start]) continue;
        Ring ring;
        std::size_t i = start;
        while (!used[i]) {
            used[i] = 1;
            ring.push_back(m_centre[static_cast<std::size_t>(edges[i].first)]);
            const int next = edges[i].second;
            const auto it = std::lower_bound(edges.begin(), edges.end(), std::make_pair(next, -1));
            if (it == edges.end() || it->first != next)
                throw Error(ErrorKind::Internal, "synthetic commune boundary does not close");
            i = static_cast<std::size_t>(it - edges.begin());
        }
        ring.push_back(ring.front());
        rings.push_back(std::move(ring));
    }
    // The region is connected, so exactly one ring runs counter-clockwise: the outer one.
    Polygon polygon;
    for (auto& r : rings) {
        if (signed_area(r) > 0) {
            if (!polygon.outer.empty())
                throw Error(ErrorKind::Internal, "synthetic commune is not connected");
            polygon.outer = std::move(r);
        } else {
            polygon.holes.push_back(std::move(r));
        }
    }
    return MultiPolygon{{std::move(polygon)}};
}

void Generator::keep_inside(int ci, std::vector<School>& schools,
                            std::vector<Facility>& facilities) const {
    const geo::PolygonClipper clipper(m_specs[static_cast<std::size_t>(ci)].outline);
    const auto& sites = m_communes[static_cast<std::size_t>(ci)].sites;
    auto fix = [&](Point& p) {
        if (clipper.contains(p)) return;
        double best = kInf;
        Point to = p;
        for (int v : sites)
            if (const double d = dist(m_site[static_cast<std::size_t>(v)], p); d < best)
                best = d, to = m_site[static_cast<std::size_t>(v)];
        p = to;
    };
    for (auto& x : schools) fix(x.location);
    for (auto& x : facilities) fix(x.location);
}

// ---------------------------------------------------------------------------------------------
// Roads run along site edges, so they meet only at sites and every junction is a shared end point.

double edge_weight(const Rng& rng, int e, double length, double noise) {
    auto r = draw(rng, Stream::GenerateRoads, static_cast<std::size_t>(e), kEdgeWeight);
    return length * (1 + noise * r.uniform());
}

void Generator::mark_commune_axes() {
    const Lattice& L = *m_lattice;
    const std::size_t nc = m_specs.size();
    // Neighbouring communes, from the site edges that cross a boundary.
    std::vector<std::pair<int, int>> pairs;
    for (int v : m_district)
        for (int k = 0; k < 3; ++k) {
            const int a = owner(v), b = owner(L.neighbour(v, k));
            if (b >= 0 && a != b) pairs.emplace_back(std::min(a, b), std::max(a, b));
        }
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    // A spanning tree of commune centres (Kruskal) plus some extra links.
    auto centre = [&](int c) {
        return m_site[static_cast<std::size_t>(
            m_communes[static_cast<std::size_t>(c)].centre_site)];
    };
    std::vector<std::pair<double, std::size_t>> order;
    for (std::size_t i = 0; i < pairs.size(); ++i)
        order.emplace_back(dist(centre(pairs[i].first), centre(pairs[i].second)), i);
    std::sort(order.begin(), order.end());
    std::vector<int> parent(nc);
    std::iota(parent.begin(), parent.end(), 0);
    auto find = [&](int x) {
        while (parent[static_cast<std::size_t>(x)] != x)
            x = parent[static_cast<std::size_t>(x)] =
                parent[static_cast<std::size_t>(parent[static_cast<std::size_t>(x)])];
        return x;
    };
    std::vector<std::pair<int, int>> links;
    for (const auto& [d, i] : order) {
        const auto [a, b] = pairs[i];
        const int ra = find(a), rb = find(b);
        auto r = draw(m_rng, Stream::GenerateRoads, static_cast<std::size_t>(a), kAxisExtra,
                      static_cast<std::uint32_t>(b));
        if (ra != rb) {
            parent[static_cast<std::size_t>(ra)] = rb;
            links.push_back(pairs[i]);
        } else if (r.chance(m_recipe.extra_link_share)) {
            links.push_back(pairs[i]);
        }
    }
    std::sort(links.begin(), links.end());
    // Each link: the cheapest path of site edges from one centre to the other within the two.
    std::vector<std::vector<int>> paths(links.size());
    parallel_for(static_cast<int>(links.size()), [&](int li) {
        const auto [a, b] = links[static_cast<std::size_t>(li)];
        const auto& ca = m_communes[static_cast<std::size_t>(a)];
        const auto& cb = m_communes[static_cast<std::size_t>(b)];
        const std::size_t na = ca.sites.size(), n = na + cb.sites.size();
        auto node = [&](int v) {
            const int o = owner(v);
            if (o == a) return static_cast<std::size_t>(m_local[static_cast<std::size_t>(v)]);
            if (o == b) return na + static_cast<std::size_t>(m_local[static_cast<std::size_t>(v)]);
            return n;
        };
        auto site_of = [&](std::size_t i) { return i < na ? ca.sites[i] : cb.sites[i - na]; };
        std::vector<double> d(n, kInf);
        std::vector<int> via(n, -1);
        using Entry = std::pair<double, std::size_t>;
        std::priority_queue<Entry, std::vector<Entry>, std::greater<>> q;
        const std::size_t s = node(ca.centre_site), t = node(cb.centre_site);
        d[s] = 0;
        q.emplace(0, s);
        while (!q.empty()) {
            const auto [du, u] = q.top();
            q.pop();
            if (du > d[u]) continue;
            if (u == t) break;
            const int vu = site_of(u);
            for (int k = 0; k < 6; ++k) {
                const int nb = L.neighbour(vu, k);
                const std::size_t w = node(nb);
                if (w == n) continue;
                const int e = L.edge(vu, k);
                const double nd = du + edge_weight(m_rng, e, edge_length(e), 0.3);
                if (nd < d[w]) d[w] = nd, via[w] = e, q.emplace(nd, w);
            }
        }
        auto& path = paths[static_cast<std::size_t>(li)];
        for (std::size_t u = t; u != s && via[u] >= 0;) {
            const int e = via[u];
            path.push_back(e);
            const auto [x, y] = L.edge_sites(e);
            u = node(site_of(u) == x ? y : x);
        }
    });
    for (const auto& path : paths)
        for (int e : path)
            m_road[static_cast<std::size_t>(e)] = static_cast<std::int8_t>(RoadClass::CommuneAxis);
}

// Inside one commune: a tree of site edges from the centre reaching every hamlet; the branches
// to villages are village axes, the rest field roads; then extra links until the road length.
void Generator::mark_commune_roads(int ci) {
    const Lattice& L = *m_lattice;
    const auto& c = m_communes[static_cast<std::size_t>(ci)];
    const std::size_t n = c.sites.size();
    std::vector<double> d(n, kInf);
    std::vector<int> via(n, -1);
    using Entry = std::pair<double, std::size_t>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> q;
    const auto s = static_cast<std::size_t>(m_local[static_cast<std::size_t>(c.centre_site)]);
    d[s] = 0;
    q.emplace(0, s);
    while (!q.empty()) {
        const auto [du, u] = q.top();
        q.pop();
        if (du > d[u]) continue;
        for (int k = 0; k < 6; ++k) {
            const int nb = L.neighbour(c.sites[u], k);
            if (owner(nb) != ci) continue;
            const auto w = static_cast<std::size_t>(m_local[static_cast<std::size_t>(nb)]);
            const int e = L.edge(c.sites[u], k);
            const double nd = du + edge_weight(m_rng, e, edge_length(e), 0.8);
            if (nd < d[w]) d[w] = nd, via[w] = e, q.emplace(nd, w);
        }
    }
    auto set = [&](int e, RoadClass rc) {
        auto& slot = m_road[static_cast<std::size_t>(e)];
        if (slot == kNone || static_cast<int>(rc) < slot) slot = static_cast<std::int8_t>(rc);
    };
    auto other_end = [&](int e, int v) {
        const auto [x, y] = L.edge_sites(e);
        return v == x ? y : x;
    };
    for (int village : c.villages)
        for (int v = village;
             via[static_cast<std::size_t>(m_local[static_cast<std::size_t>(v)])] >= 0;) {
            const int e = via[static_cast<std::size_t>(m_local[static_cast<std::size_t>(v)])];
            set(e, RoadClass::VillageAxis);
            v = other_end(e, v);
        }
    for (std::size_t u = 0; u < n; ++u)
        if (via[u] >= 0) set(via[u], RoadClass::Field);
    // Length so far of the roads this commune owns (edges from its sites), and what is left
    // for extra links once the alleys are set aside.
    double km = 0;
    std::vector<int> spare;
    for (int v : c.sites)
        for (int k = 0; k < 3; ++k) {
            const int nb = L.neighbour(v, k);
            const int e = L.edge(v, k);
            if (m_road[static_cast<std::size_t>(e)] != kNone)
                km += edge_length(e) / 1000;
            else if (owner(nb) == ci)
                spare.push_back(e);
        }
    const double room =
        m_recipe.road_km_per_commune * size_factor(ci) * (1 - m_recipe.alley_share) - km;
    std::vector<std::pair<double, int>> keyed;
    for (int e : spare)
        keyed.emplace_back(
            draw(m_rng, Stream::GenerateRoads, static_cast<std::size_t>(e), kExtraEdge).uniform(),
            e);
    std::sort(keyed.begin(), keyed.end());
    double added = 0;
    for (std::size_t i = 0; i < keyed.size(); ++i) {
        if (i >= 2 && added >= room) break;  // at least two, so every commune has an "other" road
        const int e = keyed[i].second;
        auto r = draw(m_rng, Stream::GenerateRoads, static_cast<std::size_t>(e), kExtraEdge, 1);
        set(e, (i == 0 || r.chance(0.25)) ? RoadClass::Other : RoadClass::Field);
        added += edge_length(e) / 1000;
    }
}

std::vector<Road> Generator::commune_roads(int ci) const {
    const Lattice& L = *m_lattice;
    const auto& c = m_communes[static_cast<std::size_t>(ci)];
    const auto& design = m_design[static_cast<std::size_t>(ci)];
    std::vector<Road> roads;
    auto add = [&](RoadClass rc, std::vector<Point> pts) {
        Road r;
        r.road_class = rc;
        static constexpr double kWidth[] = {6.5, 4.5, 3.0, 3.0, 3.5};
        r.width_m = kWidth[static_cast<int>(rc)];
        r.geometry.parts.push_back(LineString{std::move(pts)});
        roads.push_back(std::move(r));
    };
    for (int v : c.sites)
        for (int k = 0; k < 3; ++k) {
            const int e = L.edge(v, k);
            const auto cls = m_road[static_cast<std::size_t>(e)];
            if (cls == kNone) continue;
            const auto [x, y] = L.edge_sites(e);
            const Point a = m_site[static_cast<std::size_t>(x)],
                        b = m_site[static_cast<std::size_t>(y)];
            const double len = dist(a, b);
            const int pieces =
                std::max(1, static_cast<int>(std::lround(len / m_recipe.road_piece_m)));
            const double nx = -(b.y - a.y) / len, ny = (b.x - a.x) / len;
            auto r = draw(m_rng, Stream::GenerateRoads, static_cast<std::size_t>(e), kEdgeShape);
            auto at = [&](int i) {
                if (i == 0) return a;
                if (i == pieces) return b;
                const double t = static_cast<double>(i) / pieces;
                return Point{a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t};
            };
            for (int i = 0; i < pieces; ++i) {
                const Point p = at(i), q = at(i + 1);
                // A slight bend in the middle of each piece, so roads do not look ruled.
                const double off = r.uniform(-0.04, 0.04) * len / pieces;
                add(static_cast<RoadClass>(cls),
                    {p, {(p.x + q.x) / 2 + nx * off, (p.y + q.y) / 2 + ny * off}, q});
            }
        }
    // Alleys: short bent spurs from each village, between the directions of the site edges.
    double spacing_sum = 0;
    for (int v : c.villages) spacing_sum += min_neighbour_distance(v);
    const double mean_spur = 0.36 * spacing_sum / static_cast<double>(c.villages.size());
    const auto per_village = static_cast<int>(std::clamp<long>(
        std::lround(m_recipe.road_km_per_commune * size_factor(ci) * m_recipe.alley_share * 1000 /
                    mean_spur / static_cast<double>(c.villages.size())),
        1L, 6L));
    for (int v : c.villages) {
        auto r = draw(m_rng, Stream::GenerateRoads, static_cast<std::size_t>(v), kSpur);
        const double dmin = min_neighbour_distance(v);
        const auto first = static_cast<int>(r.below(6));
        static constexpr int kSpread[] = {0, 3, 1, 4, 2, 5};
        const Point p0 = m_site[static_cast<std::size_t>(v)];
        for (int s = 0; s < per_village; ++s) {
            const double theta =
                kPi / 6 + kPi / 3 * ((first + kSpread[s]) % 6) + r.uniform(-0.17, 0.17);
            const double len = r.uniform(0.30, 0.42) * dmin;
            const double bend = theta + r.uniform(-0.35, 0.35);
            const Point p1{p0.x + 0.55 * len * std::cos(theta),
                           p0.y + 0.55 * len * std::sin(theta)};
            const Point p2{p1.x + 0.45 * len * std::cos(bend), p1.y + 0.45 * len * std::sin(bend)};
            add(RoadClass::Alley, {p0, p1, p2});
        }
    }
    // Surfaces: hardened pieces picked in random order until the designed length share, so the
    // share lands on its side of the threshold (at least the target when met, at most when not).
    std::vector<std::size_t> by_class[5];
    for (std::size_t i = 0; i < roads.size(); ++i)
        by_class[static_cast<int>(roads[i].road_class)].push_back(i);
    auto rs = draw(m_rng, Stream::GenerateRoads, static_cast<std::size_t>(ci), kSurface);
    for (std::size_t i : by_class[static_cast<int>(RoadClass::CommuneAxis)])
        roads[i].surface = rs.chance(0.6) ? Surface::Asphalt : Surface::Concrete;
    for (std::size_t i : by_class[static_cast<int>(RoadClass::Other)])
        roads[i].surface = kSurfaces[rs.below(4)];
    const std::pair<RoadClass, double> targets[] = {
        {RoadClass::VillageAxis, design.village_axis_hardened},
        {RoadClass::Alley, design.alley_hardened},
        {RoadClass::Field, design.field_hardened}};
    for (const auto& [rc, share] : targets) {
        auto& idx = by_class[static_cast<int>(rc)];
        auto rh = draw(m_rng, Stream::GenerateRoads, static_cast<std::size_t>(ci), kHarden,
                       static_cast<std::uint32_t>(rc));
        std::vector<std::pair<double, std::size_t>> keyed;
        double total = 0;
        for (std::size_t i : idx) {
            keyed.emplace_back(rh.uniform(), i);
            total += length(roads[i].geometry);
        }
        std::sort(keyed.begin(), keyed.end());
        double hard = 0;
        bool open = true;
        for (const auto& [key, i] : keyed) {
            const double len = length(roads[i].geometry);
            // Met: harden until the share is reached. Not met: harden every piece that still
            // fits under the share, so the share ends just below its target.
            if (design.met[2])
                open = open && hard < share * total;
            else
                open = hard + len <= share * total;
            if (open) {
                hard += len;
                roads[i].surface = rh.chance(0.85) ? Surface::Concrete : Surface::Asphalt;
            } else {
                roads[i].surface = rh.chance(0.5) ? Surface::Earth : Surface::Gravel;
            }
        }
    }
    return roads;
}

// ---------------------------------------------------------------------------------------------
// Canals run along cell edges (dual edges), so they never lie on a road.

void Generator::mark_mains() {
    const Lattice& L = *m_lattice;
    Box b;
    for (int v : m_district) b.expand(m_site[static_cast<std::size_t>(v)]);
    const double spacing = m_recipe.main_spacing_km * 1000;
    const int count = std::max(1, static_cast<int>(std::lround(b.height() / spacing)));
    const double band = b.height() / count;
    // Ends of a main: corners inside the district (all three cells in it), so they have
    // canal-able edges around them.
    std::vector<int> vertices;
    for (int v : m_district)
        for (int k = 0; k < 2; ++k) {
            const int t = L.triangle(v, k);
            const auto s3 = L.triangle_sites(t);
            if (owner(s3[1]) >= 0 && owner(s3[2]) >= 0) vertices.push_back(t);
        }
    std::vector<double> d(m_centre.size(), kInf);
    std::vector<int> via(m_centre.size(), -1);
    for (int m = 0; m < count; ++m) {
        const double y0 = b.min_y + band * (m + 0.5);
        auto near_line = [&](int t, double half) {
            return std::abs(m_centre[static_cast<std::size_t>(t)].y - y0) <= half;
        };
        int s = -1, t = -1;
        for (int x : vertices) {
            if (!near_line(x, std::max(band / 8, 2 * L.spacing()))) continue;
            if (s < 0 ||
                m_centre[static_cast<std::size_t>(x)].x < m_centre[static_cast<std::size_t>(s)].x)
                s = x;
            if (t < 0 ||
                m_centre[static_cast<std::size_t>(x)].x > m_centre[static_cast<std::size_t>(t)].x)
                t = x;
        }
        if (s < 0 || s == t) continue;
        std::vector<int> touched{s};
        using Entry = std::pair<double, int>;
        std::priority_queue<Entry, std::vector<Entry>, std::greater<>> q;
        d[static_cast<std::size_t>(s)] = 0;
        q.emplace(0, s);
        while (!q.empty()) {
            const auto [du, u] = q.top();
            q.pop();
            if (du > d[static_cast<std::size_t>(u)]) continue;
            if (u == t) break;
            for (int e : L.triangle_edges(u)) {
                const auto [x, y] = L.edge_sites(e);
                if (owner(x) < 0 || owner(y) < 0) continue;
                const auto [p, q2] = L.dual_ends(e);
                const int w = p == u ? q2 : p;
                if (!near_line(w, band * 0.35)) continue;
                auto r = draw(m_rng, Stream::GenerateCanals, static_cast<std::size_t>(e),
                              kCanalWeight, static_cast<std::uint32_t>(m + 1));
                const double nd = du + dual_length(e) * (1 + 0.6 * r.uniform());
                if (nd < d[static_cast<std::size_t>(w)]) {
                    if (d[static_cast<std::size_t>(w)] == kInf) touched.push_back(w);
                    d[static_cast<std::size_t>(w)] = nd;
                    via[static_cast<std::size_t>(w)] = e;
                    q.emplace(nd, w);
                }
            }
        }
        if (d[static_cast<std::size_t>(t)] < kInf)
            for (int u = t; u != s;) {
                const int e = via[static_cast<std::size_t>(u)];
                m_canal[static_cast<std::size_t>(e)] = static_cast<std::int8_t>(CanalLevel::Level1);
                const auto [p, q2] = L.dual_ends(e);
                u = p == u ? q2 : p;
            }
        for (int x : touched)
            d[static_cast<std::size_t>(x)] = kInf, via[static_cast<std::size_t>(x)] = -1;
    }
}

// Level-2 canals: from a point inside each commune to the nearest main, along the shortest path
// of cell edges; communes on the way share them.
void Generator::mark_level2() {
    const Lattice& L = *m_lattice;
    std::vector<double> d(m_centre.size(), kInf);
    std::vector<int> via(m_centre.size(), -1);
    using Entry = std::pair<double, int>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> q;
    for (int v : m_district)
        for (int k = 0; k < 3; ++k) {
            const int e = v * 3 + k;
            if (m_canal[static_cast<std::size_t>(e)] !=
                static_cast<std::int8_t>(CanalLevel::Level1))
                continue;
            const auto [p, r] = L.dual_ends(e);
            for (int t : {p, r})
                if (d[static_cast<std::size_t>(t)] != 0)
                    d[static_cast<std::size_t>(t)] = 0, q.emplace(0, t);
        }
    if (q.empty()) return;
    while (!q.empty()) {
        const auto [du, u] = q.top();
        q.pop();
        if (du > d[static_cast<std::size_t>(u)]) continue;
        for (int e : L.triangle_edges(u)) {
            const auto [x, y] = L.edge_sites(e);
            if (owner(x) < 0 || owner(y) < 0) continue;
            const auto [p, r] = L.dual_ends(e);
            const int w = p == u ? r : p;
            auto rw =
                draw(m_rng, Stream::GenerateCanals, static_cast<std::size_t>(e), kCanalWeight);
            const double nd = du + dual_length(e) * (1 + 0.6 * rw.uniform());
            if (nd < d[static_cast<std::size_t>(w)])
                d[static_cast<std::size_t>(w)] = nd, via[static_cast<std::size_t>(w)] = e,
                q.emplace(nd, w);
        }
    }
    for (const auto& c : m_communes) {
        int u = L.triangle(c.centre_site, 0);
        while (via[static_cast<std::size_t>(u)] >= 0) {
            const int e = via[static_cast<std::size_t>(u)];
            auto& slot = m_canal[static_cast<std::size_t>(e)];
            if (slot != kNone) break;  // the rest of the way is already a canal
            slot = static_cast<std::int8_t>(CanalLevel::Level2);
            const auto [p, r] = L.dual_ends(e);
            u = p == u ? r : p;
        }
    }
}

// Level-3 and field canals inside one commune: a tree of cell edges grown from the level-2
// canal, each branch towards the corner farthest from any canal so far, until the canal length.
void Generator::mark_commune_canals(int ci) {
    const Lattice& L = *m_lattice;
    const auto& c = m_communes[static_cast<std::size_t>(ci)];
    std::vector<int> own;      // dual edges with this commune on both sides
    std::vector<int> corners;  // their end corners
    double existing_km = 0;
    for (int v : c.sites)
        for (int k = 0; k < 3; ++k) {
            const int e = v * 3 + k;
            const int nb = L.neighbour(v, k);
            if (m_canal[static_cast<std::size_t>(e)] != kNone) existing_km += dual_length(e) / 1000;
            if (owner(nb) != ci) continue;
            own.push_back(e);
            const auto [p, r] = L.dual_ends(e);
            corners.push_back(p);
            corners.push_back(r);
        }
    std::sort(corners.begin(), corners.end());
    corners.erase(std::unique(corners.begin(), corners.end()), corners.end());
    const std::size_t n = corners.size();
    if (n == 0) return;
    auto local = [&](int t) {
        return static_cast<std::size_t>(std::lower_bound(corners.begin(), corners.end(), t) -
                                        corners.begin());
    };
    std::vector<std::vector<int>> adjacent(n);
    for (int e : own) {
        const auto [p, r] = L.dual_ends(e);
        adjacent[local(p)].push_back(e);
        adjacent[local(r)].push_back(e);
    }
    std::vector<std::uint8_t> in_net(n, 0);
    for (std::size_t i = 0; i < n; ++i)
        for (int e : L.triangle_edges(corners[i]))
            if (m_canal[static_cast<std::size_t>(e)] != kNone) in_net[i] = 1;
    // The head: the corner nearest the commune's centre.
    std::size_t head = 0;
    for (std::size_t i = 1; i < n; ++i)
        if (dist(m_centre[static_cast<std::size_t>(corners[i])], c.centroid) <
            dist(m_centre[static_cast<std::size_t>(corners[head])], c.centroid))
            head = i;
    in_net[head] = 1;
    std::vector<double> d(n, kInf);
    std::vector<int> via(n, -1);
    using Entry = std::pair<double, std::size_t>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> q;
    for (std::size_t i = 0; i < n; ++i)
        if (in_net[i]) d[i] = 0, q.emplace(0, i);
    while (!q.empty()) {
        const auto [du, u] = q.top();
        q.pop();
        if (du > d[u]) continue;
        for (int e : adjacent[u]) {
            const auto [p, r] = L.dual_ends(e);
            const std::size_t w = local(p) == u ? local(r) : local(p);
            auto rw =
                draw(m_rng, Stream::GenerateCanals, static_cast<std::size_t>(e), kCanalWeight);
            const double nd = du + dual_length(e) * (1 + 0.6 * rw.uniform());
            if (nd < d[w]) d[w] = nd, via[w] = e, q.emplace(nd, w);
        }
    }
    std::vector<double> gap(n, kInf);
    auto update_gap = [&](std::size_t i) {
        const Point& p = m_centre[static_cast<std::size_t>(corners[i])];
        for (std::size_t j = 0; j < n; ++j)
            gap[j] = std::min(gap[j], dist(p, m_centre[static_cast<std::size_t>(corners[j])]));
    };
    for (std::size_t i = 0; i < n; ++i)
        if (in_net[i]) update_gap(i);
    const double target_km =
        std::max(0.0, m_recipe.canal_km_per_commune * size_factor(ci) - existing_km);
    double km = 0, level3_km = 0;
    while (km < target_km) {
        std::size_t far = n;
        for (std::size_t i = 0; i < n; ++i)
            if (d[i] < kInf && gap[i] > 0 && (far == n || gap[i] > gap[far])) far = i;
        if (far == n) break;
        const bool level3 = level3_km < 0.4 * target_km;
        for (std::size_t u = far; !in_net[u];) {
            const int e = via[u];
            m_canal[static_cast<std::size_t>(e)] =
                static_cast<std::int8_t>(level3 ? CanalLevel::Level3 : CanalLevel::Field);
            const double len = dual_length(e) / 1000;
            km += len;
            if (level3) level3_km += len;
            in_net[u] = 1;
            update_gap(u);
            const auto [p, r] = L.dual_ends(e);
            u = local(p) == u ? local(r) : local(p);
        }
        gap[far] = 0;
    }
}

// Farmland is the fan triangles (site and one cell edge) of farm cells lying wholly within the
// service width of one of the commune's own canals; then canals are lined from the head outwards
// until the designed share of farmland is served. A met commune counts only farmland wholly
// inside its lined canals' reach (a lower bound); a commune that must not meet 3.1 counts any
// farmland touched by any lined canal (an upper bound), and never lines a canal whose reach
// touches another commune that must not meet it, so the measured share stays on its side.
void Generator::farmland_and_lining() {
    const Lattice& L = *m_lattice;
    const std::size_t nc = m_specs.size();
    m_lined.assign(m_canal.size(), 0);
    m_farm_fan.assign(nc, {});
    // Mains are lined by chance; their service width is the recipe's (0 by default).
    for (int v : m_district)
        for (int k = 0; k < 3; ++k) {
            const int e = v * 3 + k;
            if (m_canal[static_cast<std::size_t>(e)] !=
                static_cast<std::int8_t>(CanalLevel::Level1))
                continue;
            auto r = draw(m_rng, Stream::GenerateCanals, static_cast<std::size_t>(e), kMainLined);
            m_lined[static_cast<std::size_t>(e)] = r.chance(m_recipe.main_lined_share) ? 1 : 0;
        }
    auto segment = [&](int e) {
        const auto [p, r] = L.dual_ends(e);
        return std::make_pair(m_centre[static_cast<std::size_t>(p)],
                              m_centre[static_cast<std::size_t>(r)]);
    };
    // The commune's own serving canals, in lining order: level 2, then 3, then field, each from
    // the commune's centre outwards.
    auto serving = [&](int ci) {
        const auto& c = m_communes[static_cast<std::size_t>(ci)];
        std::vector<std::tuple<int, double, int>> keyed;
        for (int v : c.sites)
            for (int k = 0; k < 3; ++k) {
                const int e = v * 3 + k;
                const auto lv = m_canal[static_cast<std::size_t>(e)];
                if (lv == kNone || lv == static_cast<std::int8_t>(CanalLevel::Level1)) continue;
                if (service_width(lv) <= 0 || owner(L.neighbour(v, k)) != ci) continue;
                const auto [a, b] = segment(e);
                keyed.emplace_back(lv, dist(Point{(a.x + b.x) / 2, (a.y + b.y) / 2}, c.centroid),
                                   e);
            }
        std::sort(keyed.begin(), keyed.end());
        std::vector<int> out;
        for (const auto& kk : keyed) out.push_back(std::get<2>(kk));
        return out;
    };
    struct Fan {
        Tri tri;
        double area;
        std::size_t slot;  // cell × 6 + k
    };
    // Farmland fans of a commune, with the own canals each lies wholly within.
    auto farmland = [&](int ci, const std::vector<int>& own, std::vector<Fan>& fans,
                        std::vector<std::vector<std::size_t>>& full) {
        const auto& c = m_communes[static_cast<std::size_t>(ci)];
        auto& flags = m_farm_fan[static_cast<std::size_t>(ci)];
        flags.assign(c.sites.size() * 6, 0);
        full.assign(own.size(), {});
        std::vector<Box> boxes;
        for (int e : own) {
            const auto [a, b] = segment(e);
            boxes.push_back(
                expanded(segment_box(a, b), service_width(m_canal[static_cast<std::size_t>(e)])));
        }
        for (std::size_t i = 0; i < c.sites.size(); ++i) {
            const int v = c.sites[i];
            if (m_kind[static_cast<std::size_t>(v)] != 0) continue;
            for (int k = 0; k < 6; ++k) {
                const Tri t = fan_triangle(v, k);
                const Box tb = t.box();
                std::vector<std::size_t> hits;
                for (std::size_t p = 0; p < own.size(); ++p) {
                    if (!boxes[p].intersects(tb)) continue;
                    const auto [a, b] = segment(own[p]);
                    if (triangle_within(t, a, b,
                                        service_width(m_canal[static_cast<std::size_t>(own[p])])))
                        hits.push_back(p);
                }
                if (hits.empty()) continue;
                flags[i * 6 + static_cast<std::size_t>(k)] = 1;
                for (std::size_t p : hits) full[p].push_back(fans.size());
                fans.push_back({t, t.area(), i * 6 + static_cast<std::size_t>(k)});
            }
        }
    };
    // Phase 1: communes meeting criterion 3 line canals until the lower bound reaches the target.
    std::vector<std::vector<int>> own_of(nc);
    parallel_for(static_cast<int>(nc), [&](int ci) {
        auto& own = own_of[static_cast<std::size_t>(ci)];
        own = serving(ci);
        std::vector<Fan> fans;
        std::vector<std::vector<std::size_t>> full;
        farmland(ci, own, fans, full);
        const auto& design = m_design[static_cast<std::size_t>(ci)];
        if (!design.met[3]) return;
        double total = 0;
        for (const auto& f : fans) total += f.area;
        std::vector<std::uint8_t> covered(fans.size(), 0);
        double served = 0;
        for (std::size_t p = 0; p < own.size() && served < design.served_target * total; ++p) {
            m_lined[static_cast<std::size_t>(own[p])] = 1;
            for (std::size_t f : full[p])
                if (!covered[f]) covered[f] = 1, served += fans[f].area;
        }
    });
    // Indexes for phase 2: the canals lined so far, and the boundary edges between communes.
    std::vector<int> lined;
    std::vector<Box> lined_boxes;
    std::vector<int> borders;
    std::vector<Box> border_boxes;
    for (int v : m_district)
        for (int k = 0; k < 3; ++k) {
            const int e = v * 3 + k;
            const auto [a, b] = segment(e);
            const int o1 = owner(v), o2 = owner(L.neighbour(v, k));
            if (o2 >= 0 && o1 != o2) {
                borders.push_back(e);
                border_boxes.push_back(segment_box(a, b));
            }
            const auto lv = m_canal[static_cast<std::size_t>(e)];
            if (lv == kNone || !m_lined[static_cast<std::size_t>(e)] || service_width(lv) <= 0)
                continue;
            lined.push_back(e);
            lined_boxes.push_back(expanded(segment_box(a, b), service_width(lv)));
        }
    const BoxIndex lined_index(lined_boxes), border_index(border_boxes);
    // Phase 2, in parallel: each commune not meeting 3 lists its farmland fans and counts those
    // already touched by the canals lined in phase 1.
    struct Pending {
        std::vector<Fan> fans;
        std::vector<std::uint8_t> touched;
        double total = 0, served = 0;
    };
    std::vector<Pending> pending(nc);
    parallel_for(static_cast<int>(nc), [&](int ci) {
        if (m_design[static_cast<std::size_t>(ci)].met[3]) return;
        const auto& c = m_communes[static_cast<std::size_t>(ci)];
        const auto& flags = m_farm_fan[static_cast<std::size_t>(ci)];
        auto& pd = pending[static_cast<std::size_t>(ci)];
        for (std::size_t i = 0; i < c.sites.size(); ++i)
            for (int k = 0; k < 6; ++k)
                if (flags[i * 6 + static_cast<std::size_t>(k)]) {
                    const Tri t = fan_triangle(c.sites[i], k);
                    pd.fans.push_back({t, t.area(), i * 6 + static_cast<std::size_t>(k)});
                    pd.total += t.area();
                }
        pd.touched.assign(pd.fans.size(), 0);
        for (std::size_t f = 0; f < pd.fans.size(); ++f)
            for (auto i : lined_index.query(pd.fans[f].tri.box())) {
                const int e = lined[i];
                const auto [a, b] = segment(e);
                if (triangle_segment_distance(pd.fans[f].tri, a, b) <
                    service_width(m_canal[static_cast<std::size_t>(e)])) {
                    pd.touched[f] = 1;
                    pd.served += pd.fans[f].area;
                    break;
                }
            }
    });
    // Phase 2, in commune order: line each commune's canals, from its head outwards, that keep
    // every commune that must not meet 3 (itself and neighbours within reach) within its target.
    // Sequential, because a canal's reach crosses boundaries; the order makes it deterministic.
    for (std::size_t ci = 0; ci < nc; ++ci) {
        if (m_design[ci].met[3]) continue;
        for (int e : own_of[ci]) {
            const auto [a, b] = segment(e);
            const double w = service_width(m_canal[static_cast<std::size_t>(e)]);
            const Box reach = expanded(segment_box(a, b), w);
            std::vector<int> affected{static_cast<int>(ci)};
            for (auto i : border_index.query(reach)) {
                const auto [x, y] = L.edge_sites(borders[i]);
                for (int o : {owner(x), owner(y)})
                    if (o != static_cast<int>(ci) && !m_design[static_cast<std::size_t>(o)].met[3])
                        affected.push_back(o);
            }
            std::sort(affected.begin() + 1, affected.end());
            affected.erase(std::unique(affected.begin() + 1, affected.end()), affected.end());
            std::vector<std::vector<std::size_t>> newly(affected.size());
            bool fits = true;
            for (std::size_t j = 0; j < affected.size() && fits; ++j) {
                auto& pd = pending[static_cast<std::size_t>(affected[j])];
                double extra = 0;
                for (std::size_t f = 0; f < pd.fans.size(); ++f) {
                    if (pd.touched[f] || !pd.fans[f].tri.box().intersects(reach)) continue;
                    if (triangle_segment_distance(pd.fans[f].tri, a, b) < w) {
                        newly[j].push_back(f);
                        extra += pd.fans[f].area;
                    }
                }
                const double cap =
                    m_design[static_cast<std::size_t>(affected[j])].served_target * pd.total;
                if (pd.served + extra > cap) fits = false;
            }
            if (!fits) continue;  // a canal farther out may still fit
            for (std::size_t j = 0; j < affected.size(); ++j) {
                auto& pd = pending[static_cast<std::size_t>(affected[j])];
                for (std::size_t f : newly[j]) {
                    pd.touched[f] = 1;
                    pd.served += pd.fans[f].area;
                }
            }
            m_lined[static_cast<std::size_t>(e)] = 1;
        }
    }
}

std::vector<Canal> Generator::commune_canals(int ci) const {
    const Lattice& L = *m_lattice;
    const auto& c = m_communes[static_cast<std::size_t>(ci)];
    std::vector<Canal> canals;
    for (int v : c.sites)
        for (int k = 0; k < 3; ++k) {
            const int e = v * 3 + k;
            const auto lv = m_canal[static_cast<std::size_t>(e)];
            if (lv == kNone || owner(L.neighbour(v, k)) < 0) continue;
            const auto [p, r] = L.dual_ends(e);
            Canal canal;
            canal.level = static_cast<CanalLevel>(lv);
            canal.lined = m_lined[static_cast<std::size_t>(e)] != 0;
            canal.service_width_m = service_width(lv);
            canal.geometry.parts.push_back(LineString{
                {m_centre[static_cast<std::size_t>(p)], m_centre[static_cast<std::size_t>(r)]}});
            canals.push_back(std::move(canal));
        }
    return canals;
}

// ---------------------------------------------------------------------------------------------

Point offset(const Point& p, double distance, double angle) {
    return {p.x + distance * std::cos(angle), p.y + distance * std::sin(angle)};
}

void Generator::schools_and_facilities(int ci, std::vector<School>& schools,
                                       std::vector<Facility>& facilities) const {
    const auto& c = m_communes[static_cast<std::size_t>(ci)];
    const auto& spec = m_specs[static_cast<std::size_t>(ci)];
    const auto& design = m_design[static_cast<std::size_t>(ci)];
    auto r = draw(m_rng, Stream::GenerateSchools, static_cast<std::size_t>(ci), kSchool);
    const double spc = m_recipe.schools_per_commune;
    int count = static_cast<int>(std::floor(spc));
    if (r.chance(spc - std::floor(spc))) ++count;
    static constexpr SchoolLevel kOrder[] = {
        SchoolLevel::Preschool, SchoolLevel::Primary,   SchoolLevel::LowerSecondary,
        SchoolLevel::Primary,   SchoolLevel::Preschool, SchoolLevel::LowerSecondary};
    static constexpr const char* kPrefix[] = {"Trường Mầm non ", "Trường Tiểu học ",
                                              "Trường THCS "};
    static constexpr double kPupils[] = {0.045, 0.085, 0.06};  // of the population, by level
    int per_level[3] = {};
    for (int i = 0; i < count; ++i) ++per_level[static_cast<int>(kOrder[i])];
    // Not meeting criterion 5: at most half the schools meet the standard.
    std::vector<std::uint8_t> standard(static_cast<std::size_t>(count), design.met[5] ? 1 : 0);
    if (!design.met[5]) {
        const auto k = r.below(static_cast<std::uint32_t>(count / 2 + 1));
        for (std::uint32_t j = 0; j < k; ++j)
            standard[r.below(static_cast<std::uint32_t>(count))] = 1;
    }
    int seen[3] = {};
    const auto nv = c.villages.size();
    for (int i = 0; i < count; ++i) {
        const int lv = static_cast<int>(kOrder[i]);
        School s;
        s.level = kOrder[i];
        s.name =
            kPrefix[lv] + spec.name + (++seen[lv] > 1 ? " số " + std::to_string(seen[lv]) : "");
        s.meets_standard = standard[static_cast<std::size_t>(i)] != 0;
        s.students =
            std::llround(static_cast<double>(spec.population) * kPupils[lv] / per_level[lv]);
        const int v = c.villages[static_cast<std::size_t>(i) % nv];
        s.location = offset(m_site[static_cast<std::size_t>(v)],
                            r.uniform(0.10, 0.22) * min_neighbour_distance(v),
                            kPi / 2 * (i % 4) + r.uniform(0.2, 1.3));
        schools.push_back(std::move(s));
    }
    // Facilities near the centre, a cultural house in every village.
    auto rf = draw(m_rng, Stream::GenerateFacilities, static_cast<std::size_t>(ci), kFacility);
    const Point centre = m_site[static_cast<std::size_t>(c.centre_site)];
    const double dc = min_neighbour_distance(c.centre_site);
    auto facility = [&](FacilityKind kind, std::string name, bool standard_, double quadrant) {
        Facility f;
        f.kind = kind;
        f.name = std::move(name);
        f.meets_standard = standard_;
        f.location =
            offset(centre, rf.uniform(0.10, 0.22) * dc, kPi / 2 * quadrant + rf.uniform(0.2, 1.3));
        facilities.push_back(std::move(f));
    };
    const bool c6 = design.met[6];
    facility(FacilityKind::CommuneCulturalHouse, "Nhà văn hóa xã " + spec.name,
             c6 || rf.chance(0.6), 0);
    const bool has_sports = c6 || rf.chance(0.7);
    if (has_sports)
        facility(FacilityKind::SportsGround, "Sân thể thao xã " + spec.name, c6 || rf.chance(0.5),
                 1);
    if (design.met[7] || rf.chance(0.8))
        facility(FacilityKind::Market, "Chợ " + spec.name, design.met[7], 2);
    // The health station stands for indicator 15.2 (commune health standard).
    bool health_standard = design.met[15];
    const auto fails = failing_indicators(ci);
    for (std::size_t i = 0; i < m_recipe.status_indicators.size(); ++i)
        if (m_recipe.status_indicators[i].id == "15.2") health_standard = !fails[i];
    facility(FacilityKind::HealthStation, "Trạm y tế xã " + spec.name, health_standard, 3);
    // Not meeting criterion 6 with every other part in place: some village house falls short.
    std::vector<std::uint8_t> village_ok(nv, 1);
    if (!c6) {
        const auto bad = 1 + rf.below(static_cast<std::uint32_t>(std::max<std::size_t>(1, nv / 2)));
        for (std::uint32_t j = 0; j < bad; ++j)
            village_ok[rf.below(static_cast<std::uint32_t>(nv))] = 0;
    }
    for (std::size_t i = 0; i < nv; ++i) {
        const int v = c.villages[i];
        Facility f;
        f.kind = FacilityKind::VillageCulturalHouse;
        f.name = "Nhà văn hóa thôn " + std::to_string(i + 1) + ", " + spec.name;
        f.meets_standard = village_ok[i] != 0;
        f.location = offset(m_site[static_cast<std::size_t>(v)],
                            rf.uniform(0.06, 0.12) * min_neighbour_distance(v),
                            -kPi / 2 + rf.uniform(-0.5, 0.5));
        facilities.push_back(std::move(f));
    }
}

std::vector<std::uint8_t> Generator::failing_indicators(int ci) const {
    const auto& design = m_design[static_cast<std::size_t>(ci)];
    const auto& list = m_recipe.status_indicators;
    // Which indicators of a criterion that is not met fall short: each with even odds, at least
    // one, except criterion 3, whose shortfall is in the canals (3.1) and only sometimes in 3.2.
    std::vector<std::uint8_t> fails(list.size(), 0);
    for (int k = 1; k <= kCriteriaCount; ++k) {
        if (design.met[static_cast<std::size_t>(k)]) continue;
        std::vector<std::size_t> mine;
        for (std::size_t i = 0; i < list.size(); ++i)
            if (list[i].criterion == k) mine.push_back(i);
        if (mine.empty()) continue;
        auto r = draw(m_rng, Stream::GenerateStatus, static_cast<std::size_t>(ci), kIndicator,
                      static_cast<std::uint32_t>(k));
        bool any = false;
        for (std::size_t i : mine)
            if (r.chance(k == 3 ? 0.3 : 0.5)) fails[i] = 1, any = true;
        if (!any && k != 3) fails[mine[r.below(static_cast<std::uint32_t>(mine.size()))]] = 1;
    }
    return fails;
}

std::vector<StatusRow> Generator::commune_status(int ci) const {
    const auto& spec = m_specs[static_cast<std::size_t>(ci)];
    const auto& list = m_recipe.status_indicators;
    const auto fails = failing_indicators(ci);
    std::vector<StatusRow> rows;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const auto& ind = list[i];
        StatusRow row;
        row.commune_code = spec.code;
        row.year = m_recipe.status_year;
        row.indicator = ind.id;
        const bool met = !fails[i];
        if (ind.valued) {
            auto r = draw(m_rng, Stream::GenerateStatus, static_cast<std::size_t>(ci), kIndicator,
                          0x10000u + static_cast<std::uint32_t>(i));
            row.value = round_to(uniform_in(r, met ? ind.met : ind.not_met), ind.decimals);
        } else {
            row.met = met;
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

Generated Generator::run() {
    check_recipe(m_recipe, "recipe '" + m_recipe.name + "'");
    make_specs();
    make_lattice();
    if (real()) {
        assign_real_cells();
    } else {
        choose_district();
        std::vector<int> seeds;
        place_seeds(seeds);
        grow_communes(seeds);
        refine_communes();
    }
    describe_communes();
    design_communes();

    const int nc = static_cast<int>(m_specs.size());
    m_road.assign(static_cast<std::size_t>(m_lattice->size()) * 3, kNone);
    m_canal.assign(static_cast<std::size_t>(m_lattice->size()) * 3, kNone);
    mark_commune_axes();
    parallel_for(nc, [&](int c) { mark_commune_roads(c); });
    mark_mains();
    mark_level2();
    parallel_for(nc, [&](int c) { mark_commune_canals(c); });
    farmland_and_lining();

    // Per-commune records into slots, then concatenated in commune order.
    struct Slot {
        Commune commune;
        std::vector<Road> roads;
        std::vector<Canal> canals;
        std::vector<Farmland> farmland;
        std::vector<School> schools;
        std::vector<Facility> facilities;
        std::vector<StatusRow> status;
    };
    std::vector<Slot> slots(static_cast<std::size_t>(nc));
    parallel_for(nc, [&](int ci) {
        auto& slot = slots[static_cast<std::size_t>(ci)];
        const auto& spec = m_specs[static_cast<std::size_t>(ci)];
        const auto& layout = m_communes[static_cast<std::size_t>(ci)];
        auto& cm = slot.commune;
        cm.code = spec.code;
        cm.name = spec.name;
        cm.district = m_recipe.district;
        cm.province = spec.province.empty() ? m_recipe.province : spec.province;
        cm.region = m_recipe.region;
        cm.group = spec.group;
        cm.kind = spec.kind;
        cm.geometry = real() ? spec.outline : commune_geometry(ci);
        if (spec.population > 0) {
            cm.population = spec.population;
        } else {
            auto r =
                draw(m_rng, Stream::GenerateAttributes, static_cast<std::size_t>(ci), kPopulation);
            cm.population =
                std::llround(layout.area / 1e6 * m_recipe.population_density * r.uniform(0.8, 1.2));
        }
        cm.households =
            std::llround(static_cast<double>(cm.population) / m_recipe.persons_per_household);
        slot.roads = commune_roads(ci);
        slot.canals = commune_canals(ci);
        // Farmland parcels: runs of adjacent farmland fans in a cell, each a star-shaped polygon.
        const auto& flags = m_farm_fan[static_cast<std::size_t>(ci)];
        for (std::size_t i = 0; i < layout.sites.size(); ++i) {
            const int v = layout.sites[i];
            const std::uint8_t* f = &flags[i * 6];
            int count = 0;
            for (int k = 0; k < 6; ++k) count += f[k];
            if (count == 0) continue;
            auto r = draw(m_rng, Stream::GenerateFarmland, static_cast<std::size_t>(v), kLandUse);
            const double u = r.uniform();
            const LandUse use =
                u < 0.75 ? LandUse::Rice : (u < 0.9 ? LandUse::Annual : LandUse::Perennial);
            auto corner = [&](int k) {
                return m_centre[static_cast<std::size_t>(m_lattice->triangle(v, k))];
            };
            if (count == 6) {
                Ring ring;
                for (int k = 0; k < 6; ++k) ring.push_back(corner(k));
                ring.push_back(ring.front());
                slot.farmland.push_back({use, MultiPolygon{{Polygon{std::move(ring), {}}}}, {}});
                continue;
            }
            for (int a = 0; a < 6; ++a) {
                if (!f[a] || f[(a + 5) % 6]) continue;  // a run starts at a
                Ring ring{m_site[static_cast<std::size_t>(v)], corner(a - 1)};
                for (int k = a; f[k % 6] && k < a + 6; ++k) ring.push_back(corner(k % 6));
                ring.push_back(ring.front());
                slot.farmland.push_back({use, MultiPolygon{{Polygon{std::move(ring), {}}}}, {}});
            }
        }
        schools_and_facilities(ci, slot.schools, slot.facilities);
        if (real()) keep_inside(ci, slot.schools, slot.facilities);
        slot.status = commune_status(ci);
    });

    Generated out;
    StudyArea& area = out.area;
    area.name = m_recipe.name;
    area.source =
        "synthetic: recipe '" + m_recipe.name + "', seed " + std::to_string(m_recipe.seed);
    area.crs = working_crs(m_recipe);
    area.crs_reason = "chosen by the synthetic recipe";
    if (real()) {
        area.source += ", real outlines from " + m_recipe.outlines_source;
        area.crs_reason = m_recipe.crs_reason;
    }
    for (auto& s : slots) {
        area.communes.push_back(std::move(s.commune));
        for (auto& x : s.roads) area.roads.push_back(std::move(x));
        for (auto& x : s.canals) area.canals.push_back(std::move(x));
        for (auto& x : s.farmland) area.farmland.push_back(std::move(x));
        for (auto& x : s.schools) area.schools.push_back(std::move(x));
        for (auto& x : s.facilities) area.facilities.push_back(std::move(x));
        for (auto& x : s.status) area.status.push_back(std::move(x));
    }
    area.rebuild_index();
    out.design = std::move(m_design);
    return out;
}

}  // namespace

Generated generate_with_design(const Recipe& recipe) { return Generator(recipe).run(); }

StudyArea generate(const Recipe& recipe) { return generate_with_design(recipe).area; }

}  // namespace ntm::synth
