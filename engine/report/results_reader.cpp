#include "report/results_reader.h"

#include <algorithm>
#include <filesystem>

#include "core/error.h"
#include "core/text.h"
#include "geo/gdal.h"

namespace fs = std::filesystem;

namespace ntm::report {

namespace {

// The rows of a CSV table as maps column → text.
std::vector<std::map<std::string, std::string>> read_csv(const std::string& path) {
    if (!fs::exists(path))
        throw InputError(path + ": missing; is this a results folder written by ntmsim simulate?");
    auto src = geo::VectorSource::open(path, {"AUTODETECT_TYPE=NO"});
    auto layer = src.layer(0);
    std::vector<std::map<std::string, std::string>> rows;
    geo::Feature f;
    while (layer.next(f)) {
        std::map<std::string, std::string> row;
        for (std::size_t i = 0; i < layer.field_names().size(); ++i)
            row[layer.field_names()[i]] = f.values[i].value_or("");
        rows.push_back(std::move(row));
    }
    return rows;
}

double num(const std::map<std::string, std::string>& row, const std::string& key,
           const std::string& where) {
    const auto it = row.find(key);
    if (it == row.end()) throw InputError(where + ": no column '" + key + "'");
    const auto v = parse_double(it->second);
    if (!v)
        throw InputError(where + ": '" + it->second + "' in column '" + key + "' is not a number");
    return *v;
}

}  // namespace

int ResultsFolder::year_index(int year) const { return std::clamp(year - start, 0, years() - 1); }

ResultsFolder read_results(const std::string& dir) {
    ResultsFolder r;
    r.dir = dir;
    r.label = fs::path(dir).filename().string();
    if (r.label.empty()) r.label = fs::path(dir).parent_path().filename().string();
    if (!fs::is_directory(dir))
        throw InputError(dir + ": not a results folder (ntmsim simulate writes one per scenario)");
    for (const auto& row : read_csv((fs::path(dir) / "run.csv").string()))
        r.run[row.at("key")] = row.at("value");
    auto need = [&](const char* key) {
        const auto it = r.run.find(key);
        if (it == r.run.end()) throw InputError(dir + "/run.csv: no '" + std::string(key) + "'");
        return it->second;
    };
    r.scenario = need("scenario");
    r.area = need("area");
    r.criteria = need("criteria");
    r.start = static_cast<int>(parse_int(need("start")).value_or(0));
    r.end = static_cast<int>(parse_int(need("end")).value_or(0));
    r.seed = static_cast<std::uint64_t>(parse_int(need("seed")).value_or(0));
    r.draws = static_cast<std::uint64_t>(parse_int(need("draws")).value_or(0));
    const std::size_t Y = static_cast<std::size_t>(r.years());

    const std::string summary = (fs::path(dir) / "summary.csv").string();
    for (const auto& row : read_csv(summary)) {
        r.expected_reached.push_back(num(row, "expected_reached", summary));
        r.spent.push_back(num(row, "spent_bn", summary));
        r.gap.push_back(num(row, "gap_bn", summary));
        r.debt.push_back(num(row, "debt_bn", summary));
    }
    const std::string funding = (fs::path(dir) / "funding.csv").string();
    for (const auto& row : read_csv(funding)) {
        auto& series = r.funding[row.at("item")];
        series.push_back(num(row, "mean_bn", funding));
    }
    const std::string communes = (fs::path(dir) / "communes.csv").string();
    std::map<std::string, std::size_t> index;
    for (const auto& row : read_csv(communes)) {
        const std::string code = row.at("code");
        auto it = index.find(code);
        if (it == index.end()) {
            it = index.emplace(code, r.communes.size()).first;
            ResultsFolder::Commune c;
            c.code = code;
            c.name = row.at("name");
            c.met_start = static_cast<int>(num(row, "criteria_met_start", communes));
            r.communes.push_back(c);
        }
        auto& c = r.communes[it->second];
        c.p_reached.push_back(num(row, "p_standard_by_year", communes));
        c.met_mean.push_back(num(row, "criteria_met_mean", communes));
        c.met_p5.push_back(static_cast<int>(num(row, "criteria_met_p5", communes)));
        c.met_p95.push_back(static_cast<int>(num(row, "criteria_met_p95", communes)));
    }
    for (const auto& c : r.communes)
        if (c.p_reached.size() != Y)
            throw InputError(communes + ": commune " + c.code + " does not have one row per year");
    if (r.expected_reached.size() != Y)
        throw InputError(summary + ": not one row per year of " + std::to_string(r.start) + "–" +
                         std::to_string(r.end));
    r.draw_table = sim::read_draws((fs::path(dir) / "draws.bin").string());
    return r;
}

}  // namespace ntm::report
