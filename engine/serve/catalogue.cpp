#include "serve/catalogue.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>

#include "core/error.h"
#include "core/progress.h"
#include "core/text.h"
#include "criteria/criteria_set.h"
#include "geo/gdal.h"
#include "geo/geojson.h"
#include "render/style.h"
#include "report/results_reader.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace ntm::serve {

namespace {

const char* kJson = "application/json; charset=utf-8";
const char* kGeoJson = "application/geo+json; charset=utf-8";
const std::vector<std::string> kPlanLayers = {"road_plan", "canal_plan", "school_plan",
                                              "facility_plan"};
// The sources in the order of the scenario's funding block (scenario::kSources).
const std::vector<std::string> kSourceOrder = {"central", "province",   "district", "commune",
                                               "people",  "enterprise", "credit",   "other"};

// Probabilities and means to three decimals: what a map or a panel shows, and a third of the bytes.
double round3(double v) { return std::round(v * 1000.0) / 1000.0; }
// Money of a roadmap to four decimals of a billion VND, as roadmap.csv has it.
double round4(double v) { return std::round(v * 10000.0) / 10000.0; }

json rounded(const std::vector<double>& v) {
    json a = json::array();
    for (double x : v) a.push_back(round3(x));
    return a;
}

// Whether `p`, links resolved, lies inside `root` (links resolved too).
bool inside(const fs::path& root, const fs::path& p) {
    std::error_code ec;
    const auto r = fs::canonical(root, ec);
    if (ec) return false;
    const auto c = fs::canonical(p, ec);
    if (ec) return false;
    const auto [r_end, c_end] = std::mismatch(r.begin(), r.end(), c.begin(), c.end());
    return r_end == r.end();
}

bool is_results_folder(const fs::path& p) {
    return fs::is_regular_file(p / "run.csv") && fs::is_regular_file(p / "communes.csv");
}

bool is_roadmap_folder(const fs::path& p) {
    return fs::is_regular_file(p / "roadmap.csv") && fs::is_regular_file(p / "works.gpkg");
}

// A folder holding one file of a pair but not the other: said once, since it is not served.
void warn_if_half(const fs::path& p) {
    const std::pair<const char*, const char*> pairs[] = {{"run.csv", "communes.csv"},
                                                         {"roadmap.csv", "works.gpkg"}};
    const char* writers[] = {"ntmsim simulate", "ntmsim plan"};
    for (std::size_t k = 0; k < 2; ++k) {
        const bool a = fs::is_regular_file(p / pairs[k].first),
                   b = fs::is_regular_file(p / pairs[k].second);
        if (a == b) continue;
        warn(p.string() + ": has " + (a ? pairs[k].first : pairs[k].second) + " but no " +
             (a ? pairs[k].second : pairs[k].first) + "; not served (was `" + writers[k] +
             "` stopped before the end? run it again)");
    }
}

// The pooled sources and the people as `ntmsim plan` names them in roadmap.xlsx (cmd_plan.cpp's
// source_vi), back to the ids of roadmap.csv.
const std::map<std::string, std::string> kSourceOfVietnamese = {
    {"Ngân sách Trung ương", "central"}, {"Ngân sách tỉnh", "province"},
    {"Ngân sách huyện", "district"},     {"Ngân sách xã", "commune"},
    {"Nhân dân đóng góp", "people"},     {"Doanh nghiệp", "enterprise"},
    {"Vốn tín dụng", "credit"},          {"Nguồn khác", "other"}};

// The `name:` of plan.yaml (one double-quoted line, as `ntmsim plan` writes it), or "".
std::string plan_name(const fs::path& file) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("name: \"", 0) != 0 || line.size() < 8 || line.back() != '"') continue;
        std::string out;
        for (std::size_t i = 7; i + 1 < line.size(); ++i) {
            if (line[i] == '\\' && i + 2 < line.size()) ++i;
            out += line[i];
        }
        return out;
    }
    return "";
}

// The first year with P ≥ 0.5 (as results.gpkg's median_year), or null.
json median_year(const std::vector<double>& p, int start) {
    for (std::size_t y = 0; y < p.size(); ++y)
        if (p[y] >= 0.5) return start + static_cast<int>(y);
    return nullptr;
}

// A column's index, or an error naming the file and the column.
int column(const geo::LayerReader& layer, const std::string& name,
           const char* writer = "ntmsim simulate") {
    const int i = layer.field_index(name);
    if (i < 0)
        throw InputError(layer.path() + ": no column '" + name + "'; was it written by " + writer +
                         "?");
    return i;
}

double number(const geo::Feature& f, int i, const geo::LayerReader& layer,
              const std::string& field) {
    const auto& v = f.values[static_cast<std::size_t>(i)];
    if (!v || v->empty()) return std::nan("");
    const auto d = parse_double(*v);
    if (!d)
        throw InputError(layer.path() + ", row " + std::to_string(f.fid) + ", column '" + field +
                         "': '" + *v + "' is not a number");
    return *d;
}

}  // namespace

namespace {

// One row of roadmap.csv: a payment with what it buys.
struct RoadmapRow {
    std::string code, commune, criteria, work, layer, unit, source;
    int year = 0;
    long long fid = -1;
    double quantity = 0, cost = 0;
};

// A target of the plan as roadmap.xlsx's district summary shows it.
struct RoadmapTarget {
    std::string code, name, goal;  // goal: as the workbook words it
    int by = 0, count = 0, count_by = 0;
    int reached = 0;             // the year at the standard, 0: not within the plan
    int criteria_at_count = -1;  // criteria met at the end of count_by
    bool met = false;
    std::string why;  // when not met
};

// What roadmap.xlsx adds to the CSV: the period, the targets and the extra money needed.
struct RoadmapBook {
    int start = 0, end = 0;
    std::vector<RoadmapTarget> targets;
    std::map<std::string, std::vector<double>> gap;  // source → extra money needed per year (bn)
};

// roadmap.csv, as `ntmsim plan` writes it (docs/plan.md).
std::vector<RoadmapRow> read_roadmap_csv(const fs::path& file) {
    auto src = geo::VectorSource::open(file.string(), {"AUTODETECT_TYPE=NO"});
    auto layer = src.layer(0);
    const char* w = "ntmsim plan";
    const int ic = column(layer, "commune_code", w), in = column(layer, "commune", w),
              iy = column(layer, "year", w), ik = column(layer, "criteria", w),
              iw = column(layer, "work", w), il = column(layer, "layer", w),
              iff = column(layer, "fid", w), iq = column(layer, "quantity", w),
              iu = column(layer, "unit", w), ico = column(layer, "cost_bn", w),
              is = column(layer, "source", w);
    std::vector<RoadmapRow> rows;
    geo::Feature f;
    auto text = [&](int i) { return f.values[static_cast<std::size_t>(i)].value_or(""); };
    while (layer.next(f)) {
        RoadmapRow r;
        r.code = text(ic);
        r.commune = text(in);
        r.criteria = text(ik);
        r.work = text(iw);
        r.layer = text(il);
        r.unit = text(iu);
        r.source = text(is);
        const double year = number(f, iy, layer, "year");
        if (std::isnan(year))
            throw InputError(layer.path() + ", row " + std::to_string(f.fid) + ": no year");
        r.year = static_cast<int>(year);
        const double fid = number(f, iff, layer, "fid");
        r.fid = std::isnan(fid) ? -1 : static_cast<long long>(fid);
        r.quantity = number(f, iq, layer, "quantity");
        r.cost = number(f, ico, layer, "cost_bn");
        if (std::isnan(r.cost))
            throw InputError(layer.path() + ", row " + std::to_string(f.fid) + ": no cost_bn");
        rows.push_back(std::move(r));
    }
    return rows;
}

// The rows of a sheet of roadmap.xlsx as text, from its header row (the one whose first cell is
// `first`) to the end; a title and blank rows come before it in the workbook.
std::vector<std::vector<std::string>> sheet_rows(const geo::VectorSource& book,
                                                 const std::string& sheet, const std::string& first,
                                                 std::vector<std::string>& header) {
    auto layer = book.layer(sheet);
    std::vector<std::vector<std::string>> rows;
    geo::Feature f;
    bool in_table = false;
    while (layer.next(f)) {
        std::vector<std::string> cells;
        for (const auto& v : f.values) cells.push_back(trim(v.value_or("")));
        if (!in_table) {
            if (!cells.empty() && cells[0] == first) {
                header = cells;
                in_table = true;
            }
            continue;
        }
        rows.push_back(std::move(cells));
    }
    if (!in_table)
        throw InputError(book.path() + ", sheet '" + sheet + "': no header row starting with '" +
                         first + "'");
    return rows;
}

int header_index(const std::vector<std::string>& header, const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    return it == header.end() ? -1 : static_cast<int>(it - header.begin());
}

// The targets (from "Tổng hợp huyện": criteria met by year, year at the standard, the goal) and
// the extra money needed by source and year ("Cân đối nguồn vốn") of roadmap.xlsx.
RoadmapBook read_roadmap_xlsx(const fs::path& file) {
    RoadmapBook r;
    const auto book =
        geo::VectorSource::open(file.string(), {"HEADERS=DISABLE", "FIELD_TYPES=STRING"});
    std::vector<std::string> head;
    const auto rows = sheet_rows(book, "Tổng hợp huyện", "Mã xã", head);
    std::map<int, int> met_col;  // year → column of the criteria met at its end
    for (std::size_t k = 0; k < head.size(); ++k) {
        const std::string prefix = "Tiêu chí đạt cuối ";
        if (head[k].rfind(prefix, 0) == 0)
            if (const auto y = parse_double(head[k].substr(prefix.size())))
                met_col[static_cast<int>(*y)] = static_cast<int>(k);
    }
    const int i_reached = header_index(head, "Năm đạt chuẩn"),
              i_goal = header_index(head, "Mục tiêu");
    if (met_col.empty() || i_reached < 0 || i_goal < 0)
        throw InputError(file.string() +
                         ", sheet 'Tổng hợp huyện': the columns of `ntmsim plan` are not there");
    r.start = met_col.begin()->first;
    r.end = met_col.rbegin()->first;
    const std::regex by_re("đạt chuẩn năm (\\d+)"), count_re("≥ (\\d+) tiêu chí cuối (\\d+)");
    std::vector<RoadmapTarget> targets;
    for (const auto& row : rows) {
        auto cell = [&](int i) {
            return i >= 0 && static_cast<std::size_t>(i) < row.size()
                       ? row[static_cast<std::size_t>(i)]
                       : std::string();
        };
        if (cell(0).empty() || cell(1) == "Tổng cộng") continue;
        const std::string goal = cell(i_goal);
        std::smatch m;
        if (!std::regex_search(goal, m, by_re)) continue;  // a commune that is not a target
        RoadmapTarget t;
        t.code = cell(0);
        t.name = cell(1);
        t.goal = goal;
        t.by = std::stoi(m[1]);
        if (std::regex_search(goal, m, count_re)) {
            t.count = std::stoi(m[1]);
            t.count_by = std::stoi(m[2]);
        }
        if (const auto y = parse_double(cell(i_reached))) t.reached = static_cast<int>(*y);
        if (t.count > 0 && met_col.count(t.count_by))
            if (const auto n = parse_double(cell(met_col.at(t.count_by))))
                t.criteria_at_count = static_cast<int>(*n);
        // Every part of the goal that fails, in the order of the goal.
        std::vector<std::string> why;
        if (!t.reached)
            why.push_back("not at the standard by " + std::to_string(r.end));
        else if (t.reached > t.by)
            why.push_back("at the standard in " + std::to_string(t.reached) + ", after " +
                          std::to_string(t.by));
        if (t.count > 0 && t.criteria_at_count < t.count)
            why.push_back(std::to_string(std::max(t.criteria_at_count, 0)) +
                          " criteria at the end of " + std::to_string(t.count_by) + ", " +
                          std::to_string(t.count) + " asked");
        t.why = join(why, "; ");
        t.met = why.empty();
        targets.push_back(std::move(t));
    }
    r.targets = std::move(targets);
    const auto money = sheet_rows(book, "Cân đối nguồn vốn", "Nguồn vốn", head);
    const int i_year = header_index(head, "Năm"), i_extra = header_index(head, "Cần bổ sung");
    if (i_year < 0 || i_extra < 0)
        throw InputError(file.string() +
                         ", sheet 'Cân đối nguồn vốn': the columns of `ntmsim plan` are not there");
    const std::size_t Y = static_cast<std::size_t>(r.end - r.start + 1);
    for (const auto& row : money) {
        if (row.size() <= static_cast<std::size_t>(std::max(i_year, i_extra))) continue;
        const auto src = kSourceOfVietnamese.find(row[0]);
        const auto year = parse_double(row[static_cast<std::size_t>(i_year)]);
        const auto extra = parse_double(row[static_cast<std::size_t>(i_extra)]);
        if (src == kSourceOfVietnamese.end() || !year || !extra || *extra <= 0) continue;
        const int y = static_cast<int>(*year) - r.start;
        if (y < 0 || static_cast<std::size_t>(y) >= Y) continue;
        auto& series = r.gap[src->second];
        series.resize(Y, 0.0);
        series[static_cast<std::size_t>(y)] += *extra;
    }
    return r;
}

}  // namespace

// A roadmap folder written by `ntmsim plan`: roadmap.csv read at the start (a few hundred rows),
// the targets and the funding gap from roadmap.xlsx's two summary sheets when they can be read.
struct ResultsCatalogue::Roadmap {
    std::string id, dir, name;
    int start = 0, end = 0;
    std::vector<RoadmapRow> rows;
    std::optional<RoadmapBook> book;  // absent when roadmap.xlsx cannot be read
    std::string area;  // a served scenario whose communes hold every commune of the roadmap, or ""
};

struct ResultsCatalogue::Scenario {
    std::string id;
    report::ResultsFolder results;
    std::optional<criteria::CriteriaSet> set;  // absent when the set named in run.csv is gone
};

// Per commune: P(criterion met) per year, and the candidate projects (from criteria.csv and
// assets.csv), read once per scenario when a commune is first asked for.
struct ResultsCatalogue::Detail {
    struct Project {
        std::string kind, indicator;
        long long asset = -1, fid = -1;
        double cost_bn = 0;
        std::optional<int> median_year;
        std::vector<double> p;
    };
    std::vector<std::string> criterion_ids;                         // in the order of the file
    std::map<std::string, std::vector<std::vector<double>>> p_met;  // code → criterion → year
    std::map<std::string, std::vector<Project>> projects;           // code → projects
    // code → criterion id → met at the start of the period (criteria_start.csv; absent in
    // results written before it existed)
    std::map<std::string, std::map<std::string, bool>> met_at_start;
};

ResultsCatalogue::ResultsCatalogue(std::string outdir, CatalogueOptions options)
    : m_outdir(std::move(outdir)), m_options(std::move(options)) {
    if (!fs::is_directory(m_outdir))
        throw InputError(m_outdir +
                         ": not a folder; give the output folder of `ntmsim run -o OUTDIR`, "
                         "`ntmsim simulate -o OUTDIR` "
                         "or `ntmsim plan -o PLANDIR`");
    std::vector<fs::path> found, found_roadmaps;
    // A results or roadmap folder is served and not looked into; any other is, two levels down.
    auto visit = [&](const fs::path& p) {
        const bool results = is_results_folder(p), roadmap = is_roadmap_folder(p);
        if (results) found.push_back(p);
        if (roadmap) found_roadmaps.push_back(p);
        if (!results && !roadmap) warn_if_half(p);
        return results || roadmap;
    };
    visit(m_outdir);
    std::vector<fs::path> level = {m_outdir};
    for (int depth = 0; depth < 2; ++depth) {
        std::vector<fs::path> next;
        for (const auto& dir : level) {
            std::vector<fs::path> children;
            // A link is followed only when it stays inside the served folder.
            for (const auto& e : fs::directory_iterator(dir))
                if (e.is_directory() && (!e.is_symlink() || inside(m_outdir, e.path())))
                    children.push_back(e.path());
            std::sort(children.begin(), children.end());
            for (const auto& c : children)
                if (!visit(c)) next.push_back(c);
        }
        level = std::move(next);
    }
    std::set<std::string> ids;
    for (const auto& dir : found) {
        auto s = std::make_unique<Scenario>();
        s->results = report::read_results(dir.string());
        s->id = s->results.label;
        if (!ids.insert(s->id).second) {
            warn(dir.string() + ": a results folder named '" + s->id +
                 "' was found before; this one is not served");
            continue;
        }
        try {
            s->set = criteria::load_criteria_set(s->results.criteria);
        } catch (const Error& e) {
            warn(dir.string() + ": criteria set '" + s->results.criteria + "' not found (" +
                 e.what() + "); the viewer shows criterion ids without names");
        }
        m_scenarios.push_back(std::move(s));
    }
    std::set<std::string> roadmap_ids;
    for (const auto& dir : found_roadmaps) {
        auto r = std::make_unique<Roadmap>();
        r->dir = dir.string();
        r->id = fs::absolute(dir).lexically_normal().filename().string();
        if (r->id.empty())
            r->id = fs::absolute(dir).lexically_normal().parent_path().filename().string();
        if (!roadmap_ids.insert(r->id).second) {
            warn(dir.string() + ": a roadmap folder named '" + r->id +
                 "' was found before; this one is not served");
            continue;
        }
        r->rows = read_roadmap_csv(dir / "roadmap.csv");
        r->name = plan_name(dir / "plan.yaml");
        if (r->name.empty()) r->name = r->id;
        try {
            r->book = read_roadmap_xlsx(dir / "roadmap.xlsx");
            r->start = r->book->start;
            r->end = r->book->end;
        } catch (const Error& e) {
            warn(dir.string() + ": the targets and the funding gap are not shown (" + e.what() +
                 ")");
        }
        if (!r->start) {  // the period from the payments when the workbook says nothing
            for (const auto& row : r->rows) {
                r->start = r->start ? std::min(r->start, row.year) : row.year;
                r->end = std::max(r->end, row.year);
            }
        }
        // Outlines from a results folder of the same area: one whose communes hold the roadmap's.
        std::set<std::string> codes;
        for (const auto& row : r->rows) codes.insert(row.code);
        if (r->book)
            for (const auto& t : r->book->targets) codes.insert(t.code);
        for (const auto& s : m_scenarios) {
            std::set<std::string> have;
            for (const auto& c : s->results.communes) have.insert(c.code);
            if (std::includes(have.begin(), have.end(), codes.begin(), codes.end())) {
                r->area = s->id;
                break;
            }
        }
        m_roadmaps.push_back(std::move(r));
    }
    if (m_scenarios.empty() && m_roadmaps.empty())
        throw InputError(
            m_outdir +
            ": no results folders (with run.csv and communes.csv) and no roadmap folders (with "
            "roadmap.csv "
            "and works.gpkg) in it or two levels below; write them with `ntmsim run -o " +
            m_outdir + "`, `ntmsim simulate AREA S.yaml -o " + m_outdir +
            "` or `ntmsim plan AREA S.yaml -o " + m_outdir + "/plan`");
    // The baseline first, as `ntmsim run` prints it.
    std::stable_sort(m_scenarios.begin(), m_scenarios.end(), [](const auto& a, const auto& b) {
        return (a->id == "baseline") > (b->id == "baseline");
    });
}

ResultsCatalogue::~ResultsCatalogue() = default;

namespace {

// The ids of served folders (scenarios or roadmaps), and one of them by id.
template <class Folder>
std::vector<std::string> ids_of(const std::vector<std::unique_ptr<Folder>>& folders) {
    std::vector<std::string> out;
    for (const auto& f : folders) out.push_back(f->id);
    return out;
}

template <class Folder>
const Folder* find_id(const std::vector<std::unique_ptr<Folder>>& folders, const std::string& id) {
    for (const auto& f : folders)
        if (f->id == id) return f.get();
    return nullptr;
}

}  // namespace

std::vector<std::string> ResultsCatalogue::roadmaps() const { return ids_of(m_roadmaps); }

const ResultsCatalogue::Roadmap* ResultsCatalogue::find_roadmap(const std::string& id) const {
    return find_id(m_roadmaps, id);
}

std::vector<std::string> ResultsCatalogue::scenarios() const { return ids_of(m_scenarios); }

const ResultsCatalogue::Scenario* ResultsCatalogue::find(const std::string& id) const {
    return find_id(m_scenarios, id);
}

PayloadPtr ResultsCatalogue::cached(const std::string& key,
                                    const std::function<std::string()>& make, const char* type) {
    {
        std::lock_guard lock(m_mutex);
        if (const auto it = m_cache.find(key); it != m_cache.end()) return it->second;
    }
    // Made outside the lock so a slow layer does not hold up the others; two threads asking at
    // once may both make it, and the first one stored wins.
    auto p = std::make_shared<Payload>();
    p->content_type = type;
    p->body = make();
    p->deflated = geo::zlib_deflate(p->body);
    std::lock_guard lock(m_mutex);
    return m_cache.emplace(key, std::move(p)).first->second;
}

PayloadPtr ResultsCatalogue::get(const std::string& path) {
    const auto parts = split(path, '/');
    auto strip = [](const std::string& name, const std::string& ext) -> std::optional<std::string> {
        if (name.size() <= ext.size() ||
            name.compare(name.size() - ext.size(), ext.size(), ext) != 0)
            return std::nullopt;
        return name.substr(0, name.size() - ext.size());
    };
    if (parts.size() == 1 && parts[0] == "index.json")
        return cached(
            path, [&] { return index_json(); }, kJson);
    if (parts.size() == 2 && parts[0] == "values") {
        const auto id = strip(parts[1], ".json");
        const Scenario* s = id ? find(*id) : nullptr;
        if (!s) return nullptr;
        return cached(
            path, [&] { return values_json(*s); }, kJson);
    }
    if (parts.size() == 2 && parts[0] == "area") {
        const auto id = strip(parts[1], ".geojson");
        const Scenario* s = id ? find(*id) : nullptr;
        if (!s) return nullptr;
        return cached(
            path,
            [&] {
                geo::GeoJsonOptions o;
                o.fields = {"code", "name", "kind"};
                o.simplify = m_options.simplify_metres;
                o.precision = m_options.precision;
                return geo::layer_to_geojson((fs::path(s->results.dir) / "results.gpkg").string(),
                                             "communes", o);
            },
            kGeoJson);
    }
    if (parts.size() == 3 && parts[0] == "plan") {
        const Scenario* s = find(parts[1]);
        const auto layer = strip(parts[2], ".geojson");
        if (!s || !layer ||
            std::find(kPlanLayers.begin(), kPlanLayers.end(), *layer) == kPlanLayers.end())
            return nullptr;
        return cached(
            path,
            [&] {
                geo::GeoJsonOptions o;
                o.fields = {"code", "indicator", "cost_bn", "median_year"};
                o.precision = m_options.precision;
                return geo::layer_to_geojson((fs::path(s->results.dir) / "results.gpkg").string(),
                                             *layer, o);
            },
            kGeoJson);
    }
    if (parts.size() == 3 && parts[0] == "roadmap") {
        const Roadmap* r = find_roadmap(parts[1]);
        if (!r) return nullptr;
        if (parts[2] == "works.geojson")
            return cached(
                path, [&] { return roadmap_works(*r); }, kGeoJson);
        if (parts[2] == "summary.json")
            return cached(
                path, [&] { return roadmap_summary(*r); }, kJson);
        return nullptr;
    }
    if (parts.size() == 3 && parts[0] == "commune") {
        const Scenario* s = find(parts[1]);
        const auto code = strip(parts[2], ".json");
        if (!s || !code) return nullptr;
        const auto& cs = s->results.communes;
        if (std::none_of(cs.begin(), cs.end(), [&](const auto& c) { return c.code == *code; }))
            return nullptr;
        return cached(
            path, [&] { return commune_json(*s, *code); }, kJson);
    }
    return nullptr;
}

std::string ResultsCatalogue::index_json() {
    json j;
    j["basemap"] = m_options.basemap.empty() ? json(nullptr) : json(m_options.basemap);
    j["scenarios"] = json::array();
    json sets = json::object();
    for (const auto& s : m_scenarios) {
        const auto& r = s->results;
        j["scenarios"].push_back({{"id", s->id},
                                  {"name", r.scenario},
                                  {"area", r.area},
                                  {"criteria", r.criteria},
                                  {"start", r.start},
                                  {"end", r.end},
                                  {"draws", r.draws},
                                  {"seed", r.seed},
                                  {"policy", r.run.count("policy") ? r.run.at("policy") : ""}});
        if (!s->set || sets.contains(r.criteria)) continue;
        json criteria = json::array();
        for (const auto& c : s->set->criteria)
            criteria.push_back({{"id", c.id}, {"vi", c.name.vi}, {"en", c.name.en}});
        sets[r.criteria] = {
            {"vi", s->set->name.vi}, {"en", s->set->name.en}, {"criteria", criteria}};
    }
    j["criteria_sets"] = sets;
    j["roadmaps"] = json::array();
    for (const auto& r : m_roadmaps) {
        std::set<std::string> communes, works;
        double total = 0;
        for (const auto& row : r->rows) {
            communes.insert(row.code);
            works.insert(row.code + "/" + row.layer + "/" + std::to_string(row.fid) + "/" +
                         row.work);
            total += row.cost;
        }
        json e = {{"id", r->id},
                  {"name", r->name},
                  {"area", r->area.empty() ? json(nullptr) : json(r->area)},
                  {"start", r->start},
                  {"end", r->end},
                  {"communes", communes.size()},
                  {"works", works.size()},
                  {"total_bn", round4(total)},
                  {"targets", nullptr},
                  {"targets_met", nullptr},
                  {"all_met", nullptr},
                  {"funding_gap_bn", nullptr}};
        if (r->book) {
            const auto& t = r->book->targets;
            const auto met = std::count_if(t.begin(), t.end(), [](const auto& x) { return x.met; });
            double gap = 0;
            for (const auto& [src, series] : r->book->gap)
                for (double v : series) gap += v;
            e["targets"] = t.size();
            e["targets_met"] = met;
            e["all_met"] = static_cast<std::size_t>(met) == t.size();
            e["funding_gap_bn"] = round4(gap);
        }
        j["roadmaps"].push_back(e);
    }
    return j.dump();
}

std::string ResultsCatalogue::roadmap_works(const Roadmap& r) {
    // Both layers of works.gpkg in one collection: lines (roads, canals) and points (schools,
    // facilities); new facilities have no place yet and are in roadmap.csv only.
    json all = {{"type", "FeatureCollection"}, {"features", json::array()}};
    const std::string gpkg = (fs::path(r.dir) / "works.gpkg").string();
    for (const char* layer : {"plan_lines", "plan_points"}) {
        geo::GeoJsonOptions o;
        o.fields = {"commune_code", "commune",  "year", "criteria", "work",   "layer",
                    "src_fid",      "quantity", "unit", "cost_bn",  "sources"};
        o.precision = m_options.precision;
        auto part = json::parse(geo::layer_to_geojson(gpkg, layer, o));
        for (auto& f : part["features"]) {
            // Money to four decimals of a billion as in roadmap.csv, quantities to three.
            auto& p = f["properties"];
            if (p["cost_bn"].is_number()) p["cost_bn"] = round4(p["cost_bn"].get<double>());
            if (p["quantity"].is_number())
                p["quantity"] = std::round(p["quantity"].get<double>() * 1000.0) / 1000.0;
            all["features"].push_back(std::move(f));
        }
    }
    return all.dump();
}

std::string ResultsCatalogue::roadmap_summary(const Roadmap& r) {
    const int Y = r.end - r.start + 1;
    struct Commune {
        std::string name;
        std::map<std::string, std::vector<double>> money;  // source → per year
        std::vector<std::set<std::string>> works;          // per year: the works paid
        json rows = json::array();
    };
    std::map<std::string, Commune> communes;
    std::set<std::string> used;
    for (const auto& row : r.rows) {
        auto& c = communes[row.code];
        c.name = row.commune;
        if (c.works.empty()) c.works.resize(static_cast<std::size_t>(Y));
        const int y = row.year - r.start;
        if (y < 0 || y >= Y) continue;
        auto& m = c.money[row.source];
        m.resize(static_cast<std::size_t>(Y), 0.0);
        m[static_cast<std::size_t>(y)] += row.cost;
        c.works[static_cast<std::size_t>(y)].insert(row.layer + "/" + std::to_string(row.fid) +
                                                    "/" + row.work);
        used.insert(row.source);
        c.rows.push_back(
            {{"year", row.year},
             {"criteria", row.criteria},
             {"work", row.work},
             {"layer", row.layer},
             {"fid", row.fid >= 0 ? json(row.fid) : json(nullptr)},
             {"quantity", std::isnan(row.quantity) ? json(nullptr) : json(row.quantity)},
             {"unit", row.unit},
             {"cost_bn", round4(row.cost)},
             {"source", row.source}});
    }
    std::vector<std::string> sources;
    for (const auto& s : kSourceOrder)
        if (used.count(s)) sources.push_back(s);
    for (const auto& s : used)
        if (std::find(sources.begin(), sources.end(), s) == sources.end()) sources.push_back(s);
    std::map<std::string, const RoadmapTarget*> target_of;
    if (r.book)
        for (const auto& t : r.book->targets) target_of[t.code] = &t;
    auto target_json = [](const RoadmapTarget& t) {
        return json{{"code", t.code},
                    {"name", t.name},
                    {"goal", t.goal},
                    {"by", t.by},
                    {"min_criteria", t.count ? json(t.count) : json(nullptr)},
                    {"min_criteria_by", t.count ? json(t.count_by) : json(nullptr)},
                    {"reached", t.reached ? json(t.reached) : json(nullptr)},
                    {"criteria_at_min_by",
                     t.criteria_at_count >= 0 ? json(t.criteria_at_count) : json(nullptr)},
                    {"met", t.met},
                    {"why", t.why.empty() ? json(nullptr) : json(t.why)}};
    };
    json years = json::array();
    for (int y = r.start; y <= r.end; ++y) years.push_back(y);
    json list = json::array();
    for (auto& [code, c] : communes) {
        json money = json::object(), works = json::array();
        double total = 0;
        for (const auto& s : sources) {
            if (!c.money.count(s)) continue;
            json a = json::array();
            for (double v : c.money.at(s)) {
                a.push_back(round4(v));
                total += v;
            }
            money[s] = a;
        }
        for (const auto& w : c.works) works.push_back(w.size());
        const auto t = target_of.find(code);
        list.push_back({{"code", code},
                        {"name", c.name},
                        {"total_bn", round4(total)},
                        {"works", works},
                        {"money", money},
                        {"target", t != target_of.end() ? target_json(*t->second) : json(nullptr)},
                        {"rows", c.rows}});
    }
    json targets = nullptr, gap = nullptr;
    if (r.book) {
        targets = json::array();
        for (const auto& t : r.book->targets) targets.push_back(target_json(t));
        gap = json::object();
        for (const auto& [src, series] : r.book->gap) {
            json a = json::array();
            for (double v : series) a.push_back(round4(v));
            gap[src] = a;
        }
    }
    json j = {{"id", r.id},       {"name", r.name},     {"start", r.start},
              {"end", r.end},     {"years", years},     {"sources", sources},
              {"communes", list}, {"targets", targets}, {"funding_gap", gap}};
    return j.dump();
}

namespace {

// A classed ramp of render/style.h for the viewer: the maps' and QGIS styles' own classes.
json ramp_json(const render::ColorRamp& r) {
    json breaks = json::array(), colors = json::array();
    for (const double b : r.breaks) breaks.push_back(std::isfinite(b) ? json(b) : json(nullptr));
    for (const auto c : r.colors) colors.push_back(render::hex(c));
    return {{"breaks", breaks},
            {"colors", colors},
            {"labels", r.labels},
            {"no_data", render::hex(r.no_data)}};
}

}  // namespace

std::string ResultsCatalogue::values_json(const Scenario& s) {
    const auto& r = s.results;
    json code = json::array(), name = json::array(), met_start = json::array(), p = json::array(),
         met = json::array(), median = json::array();
    for (const auto& c : r.communes) {
        code.push_back(c.code);
        name.push_back(c.name);
        met_start.push_back(c.met_start);
        p.push_back(rounded(c.p_reached));
        met.push_back(rounded(c.met_mean));
        median.push_back(median_year(c.p_reached, r.start));
    }
    json funding = json::object();
    for (const auto& [item, series] : r.funding)
        if (item.rfind("realised_", 0) == 0) funding[item.substr(9)] = rounded(series);
    json j = {{"id", s.id},
              {"name", r.scenario},
              {"start", r.start},
              {"end", r.end},
              {"criteria_count", s.set ? json(s.set->criteria.size()) : json(nullptr)},
              {"communes",
               {{"code", code},
                {"name", name},
                {"met_start", met_start},
                {"p", p},
                {"met", met},
                {"median", median}}},
              {"summary",
               {{"expected_reached", rounded(r.expected_reached)},
                {"spent", rounded(r.spent)},
                {"gap", rounded(r.gap)},
                {"debt", rounded(r.debt)}}},
              {"funding", funding},
              // One palette per measure, defined in render/style.h for maps, QGIS and here.
              {"palettes",
               {{"p", ramp_json(render::probability_ramp(""))},
                {"met", ramp_json(render::count_ramp(
                            "", s.set ? static_cast<int>(s.set->criteria.size()) : 20))},
                {"median", ramp_json(render::year_ramp("", r.start, r.end))},
                {"works", ramp_json(render::works_year_ramp("", r.start, r.end))}}}};
    return j.dump();
}

void ResultsCatalogue::warm(const std::atomic<bool>& stop) {
    // What the first page asks for: per id, each path with the id in place of '%'.
    auto ahead = [&](const std::vector<std::string>& ids,
                     std::initializer_list<const char*> kinds) {
        for (const auto& id : ids) {
            try {
                for (const char* kind : kinds) {
                    if (stop) return false;
                    std::string path = kind;
                    path.replace(path.find('%'), 1, id);
                    get(path);
                }
            } catch (const Error&) {
            }
        }
        return true;
    };
    if (!ahead(scenarios(), {"values/%.json", "area/%.geojson"})) return;
    if (!ahead(roadmaps(), {"roadmap/%/works.geojson", "roadmap/%/summary.json"})) return;
    for (const auto& s : m_scenarios) {
        try {
            if (!stop && !detail(*s, &stop)) return;
        } catch (const Error&) {
        }
    }
}

std::shared_ptr<const ResultsCatalogue::Detail> ResultsCatalogue::detail(
    const Scenario& s, const std::atomic<bool>* stop) {
    {
        std::lock_guard lock(m_mutex);
        if (const auto it = m_details.find(s.id); it != m_details.end()) return it->second;
    }
    auto d = std::make_shared<Detail>();
    const std::size_t Y = static_cast<std::size_t>(s.results.years());
    {
        auto src = geo::VectorSource::open((fs::path(s.results.dir) / "criteria.csv").string(),
                                           {"AUTODETECT_TYPE=NO"});
        auto layer = src.layer(0);
        const int ic = column(layer, "code"), iy = column(layer, "year"),
                  ik = column(layer, "criterion"), ip = column(layer, "p_met");
        std::map<std::string, std::size_t> index;
        geo::Feature f;
        while (layer.next(f)) {
            if (stop && *stop) return nullptr;
            const std::string crit = f.values[static_cast<std::size_t>(ik)].value_or("");
            auto [it, added] = index.emplace(crit, d->criterion_ids.size());
            if (added) d->criterion_ids.push_back(crit);
            const double year = number(f, iy, layer, "year");
            const int y = static_cast<int>(year) - s.results.start;
            if (!(y >= 0 && static_cast<std::size_t>(y) < Y))
                throw InputError(layer.path() + ", row " + std::to_string(f.fid) + ": year " +
                                 format_fixed(year, 0) + " is outside the run's period");
            auto& rows = d->p_met[f.values[static_cast<std::size_t>(ic)].value_or("")];
            if (rows.size() <= it->second)
                rows.resize(it->second + 1, std::vector<double>(Y, std::nan("")));
            rows[it->second][static_cast<std::size_t>(y)] = number(f, ip, layer, "p_met");
        }
    }
    if (const auto start = fs::path(s.results.dir) / "criteria_start.csv"; fs::exists(start)) {
        auto src = geo::VectorSource::open(start.string(), {"AUTODETECT_TYPE=NO"});
        auto layer = src.layer(0);
        const int ic = column(layer, "code"), ik = column(layer, "criterion"),
                  im = column(layer, "met");
        geo::Feature f;
        while (layer.next(f))
            d->met_at_start[f.values[static_cast<std::size_t>(ic)].value_or("")]
                           [f.values[static_cast<std::size_t>(ik)].value_or("")] =
                number(f, im, layer, "met") != 0;
    }
    {
        auto src = geo::VectorSource::open((fs::path(s.results.dir) / "assets.csv").string(),
                                           {"AUTODETECT_TYPE=NO"});
        auto layer = src.layer(0);
        const int ik = column(layer, "kind"), ia = column(layer, "asset"),
                  iff = column(layer, "fid"), ic = column(layer, "code"),
                  ii = column(layer, "indicator"), ico = column(layer, "cost_bn"),
                  im = column(layer, "median_year");
        std::vector<int> ip;
        for (int y = s.results.start; y <= s.results.end; ++y)
            ip.push_back(column(layer, "p_" + std::to_string(y)));
        geo::Feature f;
        while (layer.next(f)) {
            if (stop && *stop) return nullptr;
            Detail::Project p;
            p.kind = f.values[static_cast<std::size_t>(ik)].value_or("");
            p.indicator = f.values[static_cast<std::size_t>(ii)].value_or("");
            p.asset = static_cast<long long>(number(f, ia, layer, "asset"));
            p.fid = static_cast<long long>(number(f, iff, layer, "fid"));
            p.cost_bn = number(f, ico, layer, "cost_bn");
            const double m = number(f, im, layer, "median_year");
            if (!std::isnan(m)) p.median_year = static_cast<int>(m);
            for (std::size_t y = 0; y < ip.size(); ++y)
                p.p.push_back(number(f, ip[y], layer,
                                     "p_" + std::to_string(s.results.start + static_cast<int>(y))));
            d->projects[f.values[static_cast<std::size_t>(ic)].value_or("")].push_back(
                std::move(p));
        }
    }
    std::lock_guard lock(m_mutex);
    return m_details.emplace(s.id, std::move(d)).first->second;
}

std::string ResultsCatalogue::commune_json(const Scenario& s, const std::string& code) {
    const auto& r = s.results;
    const auto& c = *std::find_if(r.communes.begin(), r.communes.end(),
                                  [&](const auto& x) { return x.code == code; });
    const auto d = detail(s);
    json years = json::array();
    for (int y = r.start; y <= r.end; ++y) years.push_back(y);
    std::map<std::string, const criteria::Indicator*> indicators;
    if (s.set)
        for (const auto& k : s.set->criteria)
            for (const auto& i : k.indicators) indicators[i.id] = &i;
    json crits = json::array();
    const auto pit = d->p_met.find(code);
    for (std::size_t k = 0; k < d->criterion_ids.size(); ++k) {
        const std::string& id = d->criterion_ids[k];
        const criteria::Criterion* def = s.set ? s.set->find(id) : nullptr;
        json p = json::array();
        if (pit != d->p_met.end() && k < pit->second.size())
            for (double v : pit->second[k])
                p.push_back(std::isnan(v) ? json(nullptr) : json(round3(v)));
        json start = nullptr;
        if (const auto st = d->met_at_start.find(code); st != d->met_at_start.end())
            if (const auto m = st->second.find(id); m != st->second.end()) start = m->second;
        crits.push_back({{"id", id},
                         {"vi", def ? def->name.vi : id},
                         {"en", def ? def->name.en : id},
                         {"start", start},
                         {"p", p}});
    }
    json projects = json::array();
    if (const auto it = d->projects.find(code); it != d->projects.end())
        for (const auto& p : it->second) {
            const auto ind = indicators.find(p.indicator);
            projects.push_back(
                {{"kind", p.kind},
                 {"asset", p.asset},
                 {"fid", p.fid},
                 {"indicator", p.indicator},
                 {"indicator_vi", ind != indicators.end() ? ind->second->name.vi : ""},
                 {"indicator_en", ind != indicators.end() ? ind->second->name.en : ""},
                 {"cost_bn", round3(p.cost_bn)},
                 {"median_year", p.median_year ? json(*p.median_year) : json(nullptr)},
                 {"p", rounded(p.p)}});
        }
    json j = {{"scenario", s.id},
              {"code", c.code},
              {"name", c.name},
              {"years", years},
              {"met_start", c.met_start},
              {"p", rounded(c.p_reached)},
              {"met_mean", rounded(c.met_mean)},
              {"met_p5", c.met_p5},
              {"met_p95", c.met_p95},
              {"median_year", median_year(c.p_reached, r.start)},
              {"criteria", crits},
              {"projects", projects}};
    return j.dump();
}

}  // namespace ntm::serve
