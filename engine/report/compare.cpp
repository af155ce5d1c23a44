#include "report/compare.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "core/error.h"
#include "core/output.h"
#include "core/text.h"
#include "geo/gdal.h"
#include "report/csv_table.h"
#include "report/qgis_style.h"

namespace fs = std::filesystem;

namespace ntm::report {

namespace {
using geo::FieldDef;
using geo::FieldValue;
using T = geo::FieldDef::Type;

FieldValue text(std::string_view s) { return std::string(s); }

// Per draw: 1 if commune c reached the standard by year index ti.
bool reached_by(const sim::DrawTable& t, std::uint32_t d, std::uint32_t c, int ti) {
    const auto r = t.reached_at(d, c);
    return r != 0 && static_cast<int>(r) - 1 <= ti;
}

std::vector<double> district_counts(const ResultsFolder& r, int ti) {
    const auto& t = r.draw_table;
    std::vector<double> out(t.draws, 0.0);
    for (std::uint32_t d = 0; d < t.draws; ++d)
        for (std::uint32_t c = 0; c < t.communes; ++c) out[d] += reached_by(t, d, c, ti);
    return out;
}

}  // namespace

Paired paired_interval(const std::vector<double>& x) {
    Paired p;
    if (x.empty()) return p;
    double sum = 0;
    for (const double v : x) sum += v;
    p.mean = sum / static_cast<double>(x.size());
    double ss = 0;
    for (const double v : x) ss += (v - p.mean) * (v - p.mean);
    const double sd = x.size() > 1 ? std::sqrt(ss / static_cast<double>(x.size() - 1)) : 0.0;
    const double half = 1.96 * sd / std::sqrt(static_cast<double>(x.size()));
    p.lo = p.mean - half;
    p.hi = p.mean + half;
    return p;
}

std::vector<std::string> check_comparable(const std::vector<ResultsFolder>& rs,
                                          const CompareOptions& o) {
    std::vector<std::string> warnings;
    if (rs.size() < 2) throw UsageError("give at least two results folders to compare");
    const auto& a = rs[0];
    std::set<std::string> labels;
    for (const auto& r : rs) {
        if (!labels.insert(r.label).second)
            throw UsageError(r.dir + ": two results folders are both named '" + r.label + "'");
        auto differs = [&](const std::string& what) {
            return InputError("cannot compare " + r.dir + " with " + a.dir + ": " + what);
        };
        // The same area is recognised by its content, not its path (`datasets/canloc` and
        // `datasets/canloc/area.yaml`, or a copy elsewhere, are one area): the same communes, in
        // the same order, each with the same name and the same criteria met at the start.
        const std::string areas = fs::weakly_canonical(r.area) == fs::weakly_canonical(a.area)
                                      ? r.area
                                      : r.area + " and " + a.area;
        if (r.communes.size() != a.communes.size())
            throw differs("they are about different areas (" + areas + ": " +
                          std::to_string(r.communes.size()) + " and " +
                          std::to_string(a.communes.size()) + " communes)");
        for (std::size_t i = 0; i < r.communes.size(); ++i) {
            const auto &x = r.communes[i], &y = a.communes[i];
            if (x.code != y.code || x.name != y.name)
                throw differs("they are about different areas (" + areas + ": commune " + x.code +
                              " " + x.name + " against " + y.code + " " + y.name + ")");
            if (x.met_start != y.met_start)
                throw differs("the area's data differ (" + areas + "): commune " + x.code + " " +
                              x.name + " meets " + std::to_string(x.met_start) +
                              " criteria at the start in one and " + std::to_string(y.met_start) +
                              " in the other");
        }
        if (r.start != a.start || r.end != a.end)
            throw differs("different periods (" + std::to_string(r.start) + "–" +
                          std::to_string(r.end) + ", " + std::to_string(a.start) + "–" +
                          std::to_string(a.end) + ")");
        if (r.criteria != a.criteria)
            throw differs("different criteria sets (" + r.criteria + ", " + a.criteria + ")");
        if (r.seed != a.seed || r.draws != a.draws) {
            const std::string what =
                "different seeds or draw counts (seed " + std::to_string(r.seed) + " × " +
                std::to_string(r.draws) + " draws, seed " + std::to_string(a.seed) + " × " +
                std::to_string(a.draws) + "): their differences mix policy with noise";
            if (!o.allow_different_seeds)
                throw differs(
                    what +
                    "; rerun with the same --seed and --draws, or pass --allow-different-seeds");
            warnings.push_back(r.label + ": " + what +
                               "; the intervals treat the runs as independent");
        }
    }
    if (o.target_year && (o.target_year < a.start || o.target_year > a.end))
        throw UsageError("--target year " + std::to_string(o.target_year) +
                         " is outside the period " + std::to_string(a.start) + "–" +
                         std::to_string(a.end));
    return warnings;
}

std::vector<ScenarioScore> score(const std::vector<ResultsFolder>& rs, int target_year) {
    const auto& ref = rs[0];
    const int ti = ref.year_index(target_year ? target_year : ref.end);
    const auto ref_counts = district_counts(ref, ti);
    std::vector<ScenarioScore> out;
    for (const auto& r : rs) {
        ScenarioScore s;
        s.label = r.label;
        s.scenario = r.scenario;
        s.expected = r.expected_reached[static_cast<std::size_t>(ti)];
        const auto counts = district_counts(r, ti);
        const bool paired = r.seed == ref.seed && counts.size() == ref_counts.size();
        if (paired) {
            std::vector<double> d(counts.size());
            for (std::size_t k = 0; k < counts.size(); ++k) d[k] = counts[k] - ref_counts[k];
            const auto p = paired_interval(d);
            s.diff = p.mean;
            s.lo = p.lo;
            s.hi = p.hi;
        } else {
            // Independent runs: the variance of a difference of two means.
            const auto pa = paired_interval(counts), pb = paired_interval(ref_counts);
            s.diff = pa.mean - pb.mean;
            const double half = std::hypot(pa.hi - pa.mean, pb.hi - pb.mean);
            s.lo = s.diff - half;
            s.hi = s.diff + half;
        }
        for (const double v : r.spent) s.spent += v;
        s.gap_end = r.gap.back();
        s.debt_end = r.debt.back();
        for (const auto& c : r.communes) s.gained += c.met_mean.back() - c.met_start;
        s.cost_per_criterion = s.gained > 0 ? s.spent / s.gained : 0;
        out.push_back(s);
    }
    std::vector<std::size_t> order(out.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (out[a].expected != out[b].expected) return out[a].expected > out[b].expected;
        return out[a].spent < out[b].spent;
    });
    for (std::size_t k = 0; k < order.size(); ++k) out[order[k]].rank = static_cast<int>(k + 1);
    return out;
}

void write_comparison(const std::vector<ResultsFolder>& rs, const CompareOptions& o,
                      const std::string& dir) {
    const auto& ref = rs[0];
    const int target = o.target_year ? o.target_year : ref.end;
    const int ti = ref.year_index(target);
    StagedOutput staged(dir, OutputKind::Folder, o.overwrite);
    auto path = [&](const std::string& leaf) { return staged.path(leaf); };
    {
        const auto scores = score(rs, target);
        {
            CsvTable t(path("district.csv"), {{"rank", T::Integer},
                                              {"scenario", T::String},
                                              {"name", T::String},
                                              {"target_year", T::Integer},
                                              {"expected_at_standard", T::Real},
                                              {"diff_vs_" + ref.label, T::Real},
                                              {"diff_lo95", T::Real},
                                              {"diff_hi95", T::Real},
                                              {"spent_bn", T::Real},
                                              {"criteria_gained", T::Real},
                                              {"cost_per_criterion_bn", T::Real},
                                              {"gap_end_bn", T::Real},
                                              {"debt_end_bn", T::Real}});
            for (const auto& s : scores)
                t.row({static_cast<long long>(s.rank), text(s.label), text(s.scenario),
                       static_cast<long long>(target), s.expected, s.diff, s.lo, s.hi, s.spent,
                       s.gained, s.cost_per_criterion, s.gap_end, s.debt_end});
            t.close();
        }
        {
            CsvTable t(path("years.csv"), {{"scenario", T::String},
                                           {"year", T::Integer},
                                           {"expected_at_standard", T::Real},
                                           {"spent_bn", T::Real},
                                           {"gap_bn", T::Real},
                                           {"criteria_met_mean", T::Real}});
            for (const auto& r : rs)
                for (int y = 0; y < r.years(); ++y) {
                    double met = 0;
                    for (const auto& c : r.communes) met += c.met_mean[static_cast<std::size_t>(y)];
                    t.row(
                        {text(r.label), static_cast<long long>(r.start + y),
                         r.expected_reached[static_cast<std::size_t>(y)],
                         r.spent[static_cast<std::size_t>(y)], r.gap[static_cast<std::size_t>(y)],
                         r.communes.empty() ? 0.0 : met / static_cast<double>(r.communes.size())});
                }
            t.close();
        }
        {
            CsvTable t(path("money.csv"),
                       {{"scenario", T::String}, {"item", T::String}, {"total_bn", T::Real}});
            for (const auto& r : rs)
                for (const auto& [item, series] : r.funding) {
                    double total = 0;
                    for (const double v : series) total += v;
                    // Stocks (debt, carried) are not summed over years: report the last year's.
                    if (item == "debt" || item == "carried_out" || item == "carried_in")
                        total = series.back();
                    t.row({text(r.label), text(item), total});
                }
            t.close();
        }
        // Per commune: P(standard by the target year) per scenario and the paired difference.
        std::vector<FieldDef> fields = {{"code", T::String}, {"name", T::String}};
        for (const auto& r : rs) {
            fields.push_back({"p_" + r.label, T::Real});
            fields.push_back({"met_" + r.label, T::Real});
            fields.push_back(
                {"year_" + r.label, T::Integer});  // median year the standard is reached
            if (&r != &ref) {
                fields.push_back({"diff_" + r.label, T::Real});
                fields.push_back({"lo_" + r.label, T::Real});
                fields.push_back({"hi_" + r.label, T::Real});
            }
        }
        struct Change {
            double diff;
            std::size_t commune;
            std::size_t scenario;
        };
        std::vector<Change> changes;
        std::vector<std::vector<FieldValue>> commune_rows;
        // The draws tables hold every commune of the area, townships too, in the area's order
        // (results.gpkg's); ref.communes (communes.csv) only the assessed ones: pair each by code.
        std::map<std::string, std::uint32_t> draw_index;
        {
            const std::string gpkg = (fs::path(ref.dir) / "results.gpkg").string();
            auto src = geo::VectorSource::open(gpkg);
            auto layer = src.layer("communes");
            const int code_field = layer.field_index("code");
            if (code_field < 0)
                throw InputError(gpkg + ", layer communes: no field 'code'; run simulate again");
            geo::Feature f;
            std::uint32_t i = 0;
            while (layer.next(f))
                draw_index[f.values[static_cast<std::size_t>(code_field)].value_or("")] = i++;
        }
        for (std::size_t c = 0; c < ref.communes.size(); ++c) {
            const auto at = draw_index.find(ref.communes[c].code);
            if (at == draw_index.end())
                throw InputError(ref.dir + "/results.gpkg: commune " + ref.communes[c].code +
                                 " of communes.csv is not in its communes layer; run simulate "
                                 "again");
            const std::uint32_t dc = at->second;
            std::vector<FieldValue> row = {text(ref.communes[c].code), text(ref.communes[c].name)};
            for (std::size_t s = 0; s < rs.size(); ++s) {
                const auto& r = rs[s];
                row.push_back(r.communes[c].p_reached[static_cast<std::size_t>(ti)]);
                row.push_back(r.communes[c].met_mean[static_cast<std::size_t>(ti)]);
                FieldValue median;
                for (std::size_t y = 0; y < r.communes[c].p_reached.size(); ++y)
                    if (r.communes[c].p_reached[y] >= 0.5) {
                        median = static_cast<long long>(r.start + static_cast<int>(y));
                        break;
                    }
                row.push_back(median);
                if (s == 0) continue;
                const auto& ta = r.draw_table;
                const auto& tb = ref.draw_table;
                std::vector<double> d;
                if (ta.draws == tb.draws && r.seed == ref.seed) {
                    for (std::uint32_t k = 0; k < ta.draws; ++k)
                        d.push_back(static_cast<double>(reached_by(ta, k, dc, ti)) -
                                    static_cast<double>(reached_by(tb, k, dc, ti)));
                }
                const auto p = paired_interval(d);
                const double diff = r.communes[c].p_reached[static_cast<std::size_t>(ti)] -
                                    ref.communes[c].p_reached[static_cast<std::size_t>(ti)];
                row.push_back(diff);
                row.push_back(d.empty() ? FieldValue() : FieldValue(p.lo));
                row.push_back(d.empty() ? FieldValue() : FieldValue(p.hi));
                changes.push_back({diff, c, s});
            }
            commune_rows.push_back(row);
        }
        {
            CsvTable t(path("communes.csv"), fields);
            for (const auto& row : commune_rows) t.row(row);
            t.close();
        }
        std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) {
            return std::abs(a.diff) > std::abs(b.diff);
        });
        {
            CsvTable t(path("changes.csv"), {{"scenario", T::String},
                                             {"code", T::String},
                                             {"name", T::String},
                                             {"target_year", T::Integer},
                                             {"p_" + ref.label, T::Real},
                                             {"p_scenario", T::Real},
                                             {"diff", T::Real}});
            for (const auto& ch : changes) {
                if (std::abs(ch.diff) < 1e-12) break;
                const auto& r = rs[ch.scenario];
                t.row({text(r.label), text(ref.communes[ch.commune].code),
                       text(ref.communes[ch.commune].name), static_cast<long long>(target),
                       ref.communes[ch.commune].p_reached[static_cast<std::size_t>(ti)],
                       r.communes[ch.commune].p_reached[static_cast<std::size_t>(ti)], ch.diff});
            }
            t.close();
        }
        // A GeoPackage with the communes and the same columns, for difference maps in GIS.
        {
            auto src = geo::VectorSource::open((fs::path(ref.dir) / "results.gpkg").string());
            auto layer = src.layer("communes");
            auto sink = geo::VectorSink::create(path("compare.gpkg"), "GPKG");
            sink.begin_transaction();
            const auto crs = layer.crs();
            auto w = sink.create_layer("communes", crs.known() ? &crs : nullptr,
                                       geo::GeomKind::Polygon, true, fields, {"FID=fid"});
            std::map<std::string, std::size_t> by_code;
            for (std::size_t i = 0; i < commune_rows.size(); ++i) by_code[ref.communes[i].code] = i;
            geo::Feature f;
            const int code_field = layer.field_index("code");
            while (layer.next(f)) {
                const auto code = f.values[static_cast<std::size_t>(code_field)].value_or("");
                const auto it = by_code.find(code);
                if (it != by_code.end()) {
                    w.write(commune_rows[it->second], &f.geometry);
                    continue;
                }
                // A township is not compared: kept with no values, so maps show it as not
                // assessed rather than as a hole.
                std::vector<FieldValue> row(fields.size());
                row[0] = code;
                const int name_field = layer.field_index("name");
                if (name_field >= 0)
                    if (const auto& n = f.values[static_cast<std::size_t>(name_field)]) row[1] = *n;
                w.write(row, &f.geometry);
            }
            std::vector<std::string> diffs, ps;
            for (const auto& r : rs) {
                ps.push_back(r.label);
                if (&r != &ref) diffs.push_back(r.label);
            }
            QgisStyles styles(sink);
            styles.add(comparison_styles(diffs, ps, target));
            sink.commit();
        }
    }
    staged.commit();
}

}  // namespace ntm::report
