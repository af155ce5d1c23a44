#include "calibrate/observed.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <tuple>

#include "core/error.h"
#include "core/text.h"
#include "geo/gdal.h"

namespace ntm::calibrate {

std::string Measure::name() const {
    std::string n;
    switch (kind) {
        case Kind::Communes:
            n = "communes";
            break;
        case Kind::AtStandard:
            n = "at_standard";
            break;
        case Kind::MeanMet:
            return "mean_met";
        case Kind::MetBetween:
            n = "met_" + std::to_string(low) + "_" + std::to_string(high);
            break;
        case Kind::Criterion:
            n = "criterion_" + criterion;
            break;
    }
    return share ? "share_" + n : n;
}

Measure Measure::count_form() const {
    Measure m = *this;
    m.share = false;
    return m;
}

bool parse_measure(const std::string& raw, Measure& out) {
    std::string name = raw;
    out = Measure{};
    if (name.rfind("share_", 0) == 0) {
        out.share = true;
        name = name.substr(6);
    }
    static const std::regex kBetween(R"(met_(\d{1,2})_(\d{1,2}))");
    static const std::regex kCriterion(R"(criterion_([0-9A-Za-z.]+))");
    std::smatch m;
    if (name == "communes") {
        out.kind = Measure::Kind::Communes;
        return !out.share;
    }
    if (name == "at_standard") {
        out.kind = Measure::Kind::AtStandard;
        return true;
    }
    if (name == "mean_met") {
        out.kind = Measure::Kind::MeanMet;
        return !out.share;
    }
    if (std::regex_match(name, m, kBetween)) {
        out.kind = Measure::Kind::MetBetween;
        out.low = std::stoi(m[1]);
        out.high = std::stoi(m[2]);
        return out.low <= out.high;
    }
    if (std::regex_match(name, m, kCriterion)) {
        out.kind = Measure::Kind::Criterion;
        out.criterion = m[1];
        return true;
    }
    return false;
}

std::string measure_help() {
    return "communes, at_standard, mean_met, met_L_H (e.g. met_5_9), criterion_ID (e.g. "
           "criterion_2), "
           "and share_ before any count (e.g. share_at_standard)";
}

std::string when(int year, int month) {
    if (month == 12) return std::to_string(year);
    return std::to_string(year) + (month < 10 ? "-0" : "-") + std::to_string(month);
}

std::string Observation::when() const { return calibrate::when(year, month); }

std::vector<std::string> ObservedSeries::areas() const {
    std::vector<std::string> out;
    for (const auto& r : rows)
        if (std::find(out.begin(), out.end(), r.area) == out.end()) out.push_back(r.area);
    return out;
}

ObservedSeries read_observed(const std::string& path) {
    geo::ensure_gdal();
    // Every value is read as text (no type guessing), so "4.1" and "26" are parsed here, with
    // messages that name the line.
    const auto source =
        geo::VectorSource::open(path, {"AUTODETECT_TYPE=NO", "EMPTY_STRING_AS_NULL=YES"});
    if (source.driver_name() != "CSV")
        throw InputError(path +
                         ": an observed-progress file is a CSV file (columns area, year, measure, "
                         "value, source)");
    auto layer = source.layer(0);
    auto column = [&](const char* name, bool required) {
        const int i = layer.field_index(name);
        if (i < 0 && required)
            throw InputError(path + ", line 1: no '" + name +
                             "' column; the header needs area, year, measure, value " +
                             "(and optionally source)");
        return i;
    };
    const int c_area = column("area", true), c_year = column("year", true),
              c_measure = column("measure", true), c_value = column("value", true),
              c_source = column("source", false);
    ObservedSeries out;
    out.path = path;
    std::set<std::tuple<std::string, std::string, std::string>> seen;
    geo::Feature f;
    while (layer.next(f)) {
        // The CSV driver numbers data rows from 1; the header is line 1.
        const long long line = f.fid + 1;
        auto where = [&](const char* field) {
            return path + ", line " + std::to_string(line) + ", field '" + field + "'";
        };
        auto text = [&](int c, const char* field) -> std::string {
            const auto& v = f.values[static_cast<std::size_t>(c)];
            if (!v || trim(*v).empty())
                throw InputError(where(field) + ": empty; every row needs a value here");
            return std::string(trim(*v));
        };
        Observation o;
        o.line = line;
        o.area = text(c_area, "area");
        // YYYY (the year's end) or YYYY-MM (the end of that month).
        static const std::regex kYear(R"((\d{4})(?:-(\d{2}))?)");
        std::smatch ym;
        const auto year_text = text(c_year, "year");
        if (!std::regex_match(year_text, ym, kYear) || std::stoi(ym[1]) < 1900 ||
            std::stoi(ym[1]) > 2200 ||
            (ym[2].matched && (std::stoi(ym[2]) < 1 || std::stoi(ym[2]) > 12)))
            throw InputError(where("year") + ": '" + year_text +
                             "' is not a year (2014, the figure at the end of that year) or a "
                             "month (2016-09, at the end "
                             "of September 2016)");
        o.year = std::stoi(ym[1]);
        o.month = ym[2].matched ? std::stoi(ym[2]) : 12;
        const auto measure = text(c_measure, "measure");
        if (!parse_measure(measure, o.measure))
            throw InputError(where("measure") + ": unknown measure '" + measure + "'; use " +
                             measure_help());
        const auto value = parse_double(text(c_value, "value"));
        if (!value || !std::isfinite(*value))
            throw InputError(where("value") + ": '" + text(c_value, "value") + "' is not a number");
        if (*value < 0)
            throw InputError(where("value") + ": a count, mean or share cannot be negative");
        if (o.measure.share && *value > 1)
            throw InputError(where("value") + ": " + measure +
                             " is a share between 0 and 1 (write 19.7% as 0.197)");
        o.value = *value;
        if (c_source >= 0 && f.values[static_cast<std::size_t>(c_source)])
            o.source = *f.values[static_cast<std::size_t>(c_source)];
        if (!seen.insert({o.area, o.when(), o.measure.name()}).second)
            throw InputError(where("measure") + ": " + o.area + " " + o.when() + " " + measure +
                             " is given twice; keep one row");
        out.rows.push_back(std::move(o));
    }
    if (out.rows.empty())
        throw InputError(path + ": no rows; the file needs at least one observed value");
    return out;
}

}  // namespace ntm::calibrate
