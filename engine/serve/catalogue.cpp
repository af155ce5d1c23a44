#include "serve/catalogue.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "core/error.h"
#include "core/progress.h"
#include "core/text.h"
#include "criteria/criteria_set.h"
#include "geo/gdal.h"
#include "geo/geojson.h"
#include "report/results_reader.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace ntm::serve {

namespace {

const char* kJson = "application/json; charset=utf-8";
const char* kGeoJson = "application/geo+json; charset=utf-8";
const std::vector<std::string> kPlanLayers = {"road_plan", "canal_plan", "school_plan", "facility_plan"};

// Probabilities and means to three decimals: what a map or a panel shows, and a third of the bytes.
double round3(double v) { return std::round(v * 1000.0) / 1000.0; }

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

// The first year with P ≥ 0.5 (as results.gpkg's median_year), or null.
json median_year(const std::vector<double>& p, int start) {
    for (std::size_t y = 0; y < p.size(); ++y)
        if (p[y] >= 0.5) return start + static_cast<int>(y);
    return nullptr;
}

// A column's index, or an error naming the file and the column.
int column(const geo::LayerReader& layer, const std::string& name) {
    const int i = layer.field_index(name);
    if (i < 0) throw InputError(layer.path() + ": no column '" + name + "'; was it written by ntmsim simulate?");
    return i;
}

double number(const geo::Feature& f, int i, const geo::LayerReader& layer, const std::string& field) {
    const auto& v = f.values[static_cast<std::size_t>(i)];
    if (!v || v->empty()) return std::nan("");
    const auto d = parse_double(*v);
    if (!d) throw InputError(layer.path() + ", row " + std::to_string(f.fid) + ", column '" + field + "': '" + *v + "' is not a number");
    return *d;
}

}  // namespace

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
    std::vector<std::string> criterion_ids;                       // in the order of the file
    std::map<std::string, std::vector<std::vector<double>>> p_met;  // code → criterion → year
    std::map<std::string, std::vector<Project>> projects;          // code → projects
};

ResultsCatalogue::ResultsCatalogue(std::string outdir, CatalogueOptions options)
    : m_outdir(std::move(outdir)), m_options(std::move(options)) {
    if (!fs::is_directory(m_outdir))
        throw InputError(m_outdir + ": not a folder; give the output folder of `ntmsim run -o OUTDIR` or `ntmsim simulate -o OUTDIR`");
    std::vector<fs::path> found;
    if (is_results_folder(m_outdir)) found.push_back(m_outdir);
    std::vector<fs::path> level = {m_outdir};
    for (int depth = 0; depth < 2; ++depth) {
        std::vector<fs::path> next;
        for (const auto& dir : level) {
            std::vector<fs::path> children;
            // A link is followed only when it stays inside the served folder.
            for (const auto& e : fs::directory_iterator(dir))
                if (e.is_directory() && (!e.is_symlink() || inside(m_outdir, e.path()))) children.push_back(e.path());
            std::sort(children.begin(), children.end());
            for (const auto& c : children) {
                if (is_results_folder(c)) found.push_back(c);
                else next.push_back(c);
            }
        }
        level = std::move(next);
    }
    std::set<std::string> ids;
    for (const auto& dir : found) {
        auto s = std::make_unique<Scenario>();
        s->results = report::read_results(dir.string());
        s->id = s->results.label;
        if (!ids.insert(s->id).second) {
            warn(dir.string() + ": a results folder named '" + s->id + "' was found before; this one is not served");
            continue;
        }
        try {
            s->set = criteria::load_criteria_set(s->results.criteria);
        } catch (const Error& e) {
            warn(dir.string() + ": criteria set '" + s->results.criteria + "' not found (" + e.what() +
                 "); the viewer shows criterion ids without names");
        }
        m_scenarios.push_back(std::move(s));
    }
    if (m_scenarios.empty())
        throw InputError(m_outdir + ": no results folders (with run.csv and communes.csv) in it or two levels below; "
                                    "write them with `ntmsim run -o " + m_outdir + "` or `ntmsim simulate AREA S.yaml -o " + m_outdir + "`");
    // The baseline first, as `ntmsim run` prints it.
    std::stable_sort(m_scenarios.begin(), m_scenarios.end(),
                     [](const auto& a, const auto& b) { return (a->id == "baseline") > (b->id == "baseline"); });
}

ResultsCatalogue::~ResultsCatalogue() = default;

std::vector<std::string> ResultsCatalogue::scenarios() const {
    std::vector<std::string> out;
    for (const auto& s : m_scenarios) out.push_back(s->id);
    return out;
}

const ResultsCatalogue::Scenario* ResultsCatalogue::find(const std::string& id) const {
    for (const auto& s : m_scenarios)
        if (s->id == id) return s.get();
    return nullptr;
}

PayloadPtr ResultsCatalogue::cached(const std::string& key, const std::function<std::string()>& make, const char* type) {
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
        if (name.size() <= ext.size() || name.compare(name.size() - ext.size(), ext.size(), ext) != 0) return std::nullopt;
        return name.substr(0, name.size() - ext.size());
    };
    if (parts.size() == 1 && parts[0] == "index.json") return cached(path, [&] { return index_json(); }, kJson);
    if (parts.size() == 2 && parts[0] == "values") {
        const auto id = strip(parts[1], ".json");
        const Scenario* s = id ? find(*id) : nullptr;
        if (!s) return nullptr;
        return cached(path, [&] { return values_json(*s); }, kJson);
    }
    if (parts.size() == 2 && parts[0] == "area") {
        const auto id = strip(parts[1], ".geojson");
        const Scenario* s = id ? find(*id) : nullptr;
        if (!s) return nullptr;
        return cached(path, [&] {
            geo::GeoJsonOptions o;
            o.fields = {"code", "name", "kind"};
            o.simplify = m_options.simplify_metres;
            o.precision = m_options.precision;
            return geo::layer_to_geojson((fs::path(s->results.dir) / "results.gpkg").string(), "communes", o);
        }, kGeoJson);
    }
    if (parts.size() == 3 && parts[0] == "plan") {
        const Scenario* s = find(parts[1]);
        const auto layer = strip(parts[2], ".geojson");
        if (!s || !layer || std::find(kPlanLayers.begin(), kPlanLayers.end(), *layer) == kPlanLayers.end()) return nullptr;
        return cached(path, [&] {
            geo::GeoJsonOptions o;
            o.fields = {"code", "indicator", "cost_bn", "median_year"};
            o.precision = m_options.precision;
            return geo::layer_to_geojson((fs::path(s->results.dir) / "results.gpkg").string(), *layer, o);
        }, kGeoJson);
    }
    if (parts.size() == 3 && parts[0] == "commune") {
        const Scenario* s = find(parts[1]);
        const auto code = strip(parts[2], ".json");
        if (!s || !code) return nullptr;
        const auto& cs = s->results.communes;
        if (std::none_of(cs.begin(), cs.end(), [&](const auto& c) { return c.code == *code; })) return nullptr;
        return cached(path, [&] { return commune_json(*s, *code); }, kJson);
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
        j["scenarios"].push_back({{"id", s->id}, {"name", r.scenario}, {"area", r.area}, {"criteria", r.criteria},
                                  {"start", r.start}, {"end", r.end}, {"draws", r.draws}, {"seed", r.seed},
                                  {"policy", r.run.count("policy") ? r.run.at("policy") : ""}});
        if (!s->set || sets.contains(r.criteria)) continue;
        json criteria = json::array();
        for (const auto& c : s->set->criteria) criteria.push_back({{"id", c.id}, {"vi", c.name.vi}, {"en", c.name.en}});
        sets[r.criteria] = {{"vi", s->set->name.vi}, {"en", s->set->name.en}, {"criteria", criteria}};
    }
    j["criteria_sets"] = sets;
    return j.dump();
}

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
    json j = {{"id", s.id}, {"name", r.scenario}, {"start", r.start}, {"end", r.end},
              {"criteria_count", s.set ? json(s.set->criteria.size()) : json(nullptr)},
              {"communes", {{"code", code}, {"name", name}, {"met_start", met_start}, {"p", p}, {"met", met}, {"median", median}}},
              {"summary", {{"expected_reached", rounded(r.expected_reached)}, {"spent", rounded(r.spent)},
                           {"gap", rounded(r.gap)}, {"debt", rounded(r.debt)}}},
              {"funding", funding}};
    return j.dump();
}

void ResultsCatalogue::warm(const std::atomic<bool>& stop) {
    for (const auto& s : m_scenarios) {
        try {
            for (const char* kind : {"values/%.json", "area/%.geojson"}) {
                if (stop) return;
                std::string path = kind;
                path.replace(path.find('%'), 1, s->id);
                get(path);
            }
        } catch (const Error&) {
        }
    }
    for (const auto& s : m_scenarios) {
        try {
            if (!stop && !detail(*s, &stop)) return;
        } catch (const Error&) {
        }
    }
}

std::shared_ptr<const ResultsCatalogue::Detail> ResultsCatalogue::detail(const Scenario& s, const std::atomic<bool>* stop) {
    {
        std::lock_guard lock(m_mutex);
        if (const auto it = m_details.find(s.id); it != m_details.end()) return it->second;
    }
    auto d = std::make_shared<Detail>();
    const std::size_t Y = static_cast<std::size_t>(s.results.years());
    {
        auto src = geo::VectorSource::open((fs::path(s.results.dir) / "criteria.csv").string(), {"AUTODETECT_TYPE=NO"});
        auto layer = src.layer(0);
        const int ic = column(layer, "code"), iy = column(layer, "year"), ik = column(layer, "criterion"),
                  ip = column(layer, "p_met");
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
                throw InputError(layer.path() + ", row " + std::to_string(f.fid) + ": year " + format_fixed(year, 0) +
                                 " is outside the run's period");
            auto& rows = d->p_met[f.values[static_cast<std::size_t>(ic)].value_or("")];
            if (rows.size() <= it->second) rows.resize(it->second + 1, std::vector<double>(Y, std::nan("")));
            rows[it->second][static_cast<std::size_t>(y)] = number(f, ip, layer, "p_met");
        }
    }
    {
        auto src = geo::VectorSource::open((fs::path(s.results.dir) / "assets.csv").string(), {"AUTODETECT_TYPE=NO"});
        auto layer = src.layer(0);
        const int ik = column(layer, "kind"), ia = column(layer, "asset"), iff = column(layer, "fid"),
                  ic = column(layer, "code"), ii = column(layer, "indicator"), ico = column(layer, "cost_bn"),
                  im = column(layer, "median_year");
        std::vector<int> ip;
        for (int y = s.results.start; y <= s.results.end; ++y) ip.push_back(column(layer, "p_" + std::to_string(y)));
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
            for (std::size_t y = 0; y < ip.size(); ++y) p.p.push_back(number(f, ip[y], layer, "p_" + std::to_string(s.results.start + static_cast<int>(y))));
            d->projects[f.values[static_cast<std::size_t>(ic)].value_or("")].push_back(std::move(p));
        }
    }
    std::lock_guard lock(m_mutex);
    return m_details.emplace(s.id, std::move(d)).first->second;
}

std::string ResultsCatalogue::commune_json(const Scenario& s, const std::string& code) {
    const auto& r = s.results;
    const auto& c = *std::find_if(r.communes.begin(), r.communes.end(), [&](const auto& x) { return x.code == code; });
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
            for (double v : pit->second[k]) p.push_back(std::isnan(v) ? json(nullptr) : json(round3(v)));
        crits.push_back({{"id", id}, {"vi", def ? def->name.vi : id}, {"en", def ? def->name.en : id}, {"p", p}});
    }
    json projects = json::array();
    if (const auto it = d->projects.find(code); it != d->projects.end())
        for (const auto& p : it->second) {
            const auto ind = indicators.find(p.indicator);
            projects.push_back({{"kind", p.kind}, {"asset", p.asset}, {"fid", p.fid}, {"indicator", p.indicator},
                                {"indicator_vi", ind != indicators.end() ? ind->second->name.vi : ""},
                                {"indicator_en", ind != indicators.end() ? ind->second->name.en : ""},
                                {"cost_bn", round3(p.cost_bn)},
                                {"median_year", p.median_year ? json(*p.median_year) : json(nullptr)},
                                {"p", rounded(p.p)}});
        }
    json j = {{"scenario", s.id}, {"code", c.code}, {"name", c.name}, {"years", years}, {"met_start", c.met_start},
              {"p", rounded(c.p_reached)}, {"met_mean", rounded(c.met_mean)}, {"met_p5", c.met_p5}, {"met_p95", c.met_p95},
              {"median_year", median_year(c.p_reached, r.start)}, {"criteria", crits}, {"projects", projects}};
    return j.dump();
}

}  // namespace ntm::serve
