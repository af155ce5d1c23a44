#include "report/assess_output.h"

#include <filesystem>

#include "core/error.h"
#include "core/text.h"
#include "geo/gdal.h"
#include "report/qgis_style.h"

namespace fs = std::filesystem;

namespace ntm::report {

namespace {
using geo::FieldDef;
using geo::FieldValue;
using T = geo::FieldDef::Type;

FieldValue text(std::string_view s) { return std::string(s); }
FieldValue yes_no(bool b) { return std::string(b ? "yes" : "no"); }
FieldValue opt(const std::optional<double>& v) { return v ? FieldValue(*v) : FieldValue(); }

struct Tables {
    std::vector<FieldDef> commune_fields, indicator_fields, gap_fields;
};

Tables table_fields(const criteria::CriteriaSet& set) {
    Tables t;
    t.commune_fields = {{"code", T::String},
                        {"name", T::String},
                        {"kind", T::String},
                        {"region", T::String},
                        {"population", T::Integer},
                        {"assessed", T::String},
                        {"criteria_met", T::Integer},
                        {"criteria_not_met", T::Integer},
                        {"criteria_unknown", T::Integer},
                        {"criteria_total", T::Integer},
                        {"standard", T::String}};
    for (const auto& c : set.criteria)
        t.commune_fields.push_back({criterion_column(c.id), T::String});
    t.indicator_fields = {
        {"code", T::String},      {"name", T::String},    {"criterion", T::String},
        {"indicator", T::String}, {"measure", T::String}, {"value", T::Real},
        {"op", T::String},        {"threshold", T::Real}, {"numerator", T::Real},
        {"denominator", T::Real}, {"verdict", T::String}, {"why_unknown", T::String}};
    t.gap_fields = {{"code", T::String},      {"name", T::String}, {"criterion", T::String},
                    {"indicator", T::String}, {"amount", T::Real}, {"unit", T::String},
                    {"gap", T::String}};
    return t;
}

// Calls row(commune index, values) for each commune row.
template <typename Emit>
void commune_rows(const Assessment& a, Emit emit) {
    for (std::size_t ci = 0; ci < a.area->communes.size(); ++ci) {
        const auto& c = a.area->communes[ci];
        const auto& r = (*a.results)[ci];
        std::vector<FieldValue> v = {text(c.code),          text(c.name), text(token(c.kind)),
                                     text(token(c.region)), c.population, yes_no(r.assessed)};
        // Townships are reported but not assessed: their criteria columns stay empty.
        v.resize(v.size() + 5 + a.set->criteria.size());
        if (r.assessed) {
            std::size_t k = 6;
            v[k++] = static_cast<long long>(r.met);
            v[k++] = static_cast<long long>(r.not_met);
            v[k++] = static_cast<long long>(r.unknown);
            v[k++] = static_cast<long long>(a.set->criteria.size());
            v[k++] = yes_no(r.standard);
            for (const auto& cr : r.criteria) v[k++] = text(criteria::verdict_text(cr.verdict));
        }
        emit(ci, v);
    }
}

template <typename Emit>
void indicator_rows(const Assessment& a, Emit emit) {
    for (std::size_t ci = 0; ci < a.area->communes.size(); ++ci) {
        const auto& c = a.area->communes[ci];
        const auto& r = (*a.results)[ci];
        if (!r.assessed) continue;
        for (const auto& cr : r.criteria)
            for (const auto& ir : cr.indicators)
                emit(std::vector<FieldValue>{
                    text(c.code), text(c.name), text(cr.rule->id), text(ir.rule->id),
                    text(criteria::measure_name(ir.rule->measure)), opt(ir.value),
                    text(criteria::op_text(ir.rule->op)), ir.threshold, ir.numerator,
                    ir.denominator, text(criteria::verdict_text(ir.verdict)),
                    ir.why_unknown.empty() ? FieldValue() : text(ir.why_unknown)});
    }
}

template <typename Emit>
void gap_rows(const Assessment& a, Emit emit) {
    for (std::size_t ci = 0; ci < a.area->communes.size(); ++ci) {
        const auto& c = a.area->communes[ci];
        const auto& r = (*a.results)[ci];
        if (!r.assessed) continue;
        for (const auto& cr : r.criteria)
            for (const auto& ir : cr.indicators)
                if (ir.gap)
                    emit(std::vector<FieldValue>{text(c.code), text(c.name), text(cr.rule->id),
                                                 text(ir.rule->id), ir.gap->amount,
                                                 text(ir.gap->unit), text(ir.gap->text)});
    }
}

}  // namespace

std::string criterion_column(const std::string& id) {
    std::string out = "c_";
    for (const char ch : id) out += (ch == '.' ? '_' : ch);
    return out;
}

std::vector<std::string> assessment_outputs(const std::string& gpkg_path) {
    const fs::path base = fs::path(gpkg_path).replace_extension();
    return {gpkg_path, base.string() + "-communes.csv", base.string() + "-indicators.csv",
            base.string() + "-gaps.csv"};
}

std::vector<std::string> write_assessment(const Assessment& a, const std::string& gpkg_path,
                                          bool overwrite) {
    const Tables t = table_fields(*a.set);
    const auto outputs = assessment_outputs(gpkg_path);
    const std::string& csv_communes = outputs[1];
    const std::string& csv_indicators = outputs[2];
    const std::string& csv_gaps = outputs[3];
    if (!overwrite) {
        for (const auto& p : {gpkg_path, csv_communes, csv_indicators, csv_gaps})
            if (fs::exists(p))
                throw InputError(p + ": already exists; choose another output or pass --overwrite");
    }
    const geo::Crs* crs = a.area->crs.known() ? &a.area->crs : nullptr;
    {
        auto sink = geo::VectorSink::create(gpkg_path, "GPKG", overwrite);
        sink.begin_transaction();
        auto communes = sink.create_layer("communes", crs, geo::GeomKind::Polygon, true,
                                          t.commune_fields, {"FID=fid"});
        commune_rows(a, [&](std::size_t ci, const std::vector<FieldValue>& v) {
            const auto g = geo::make_geometry(a.area->communes[ci].geometry);
            communes.write(v, &g);
        });
        auto inds = sink.create_layer("indicators", nullptr, geo::GeomKind::None, false,
                                      t.indicator_fields, {"FID=fid"});
        indicator_rows(a, [&](const std::vector<FieldValue>& v) { inds.write(v, nullptr); });
        auto gaps = sink.create_layer("gaps", nullptr, geo::GeomKind::None, false, t.gap_fields,
                                      {"FID=fid"});
        gap_rows(a, [&](const std::vector<FieldValue>& v) { gaps.write(v, nullptr); });
        auto run = sink.create_layer("assessment", nullptr, geo::GeomKind::None, false,
                                     {{"key", T::String}, {"value", T::String}}, {"FID=fid"});
        run.write({text("area"), text(a.area->source)}, nullptr);
        run.write({text("criteria_set"), text(a.set->id)}, nullptr);
        run.write({text("criteria_set_file"), text(a.set->path)}, nullptr);
        run.write({text("year"), text(std::to_string(a.year))}, nullptr);
        run.write({text("crs"), text(a.area->crs.label())}, nullptr);
        QgisStyles styles(sink);
        styles.add(assessment_styles(static_cast<int>(a.set->criteria.size())));
        sink.commit();
    }
    auto csv = [&](const std::string& path, const std::vector<FieldDef>& fields, auto rows) {
        auto sink = geo::VectorSink::create(path, "CSV", overwrite);
        auto w = sink.create_layer(fs::path(path).stem().string(), nullptr, geo::GeomKind::None,
                                   false, fields);
        rows(w);
        sink.commit();
    };
    csv(csv_communes, t.commune_fields, [&](geo::LayerWriter& w) {
        commune_rows(a,
                     [&](std::size_t, const std::vector<FieldValue>& v) { w.write(v, nullptr); });
    });
    csv(csv_indicators, t.indicator_fields, [&](geo::LayerWriter& w) {
        indicator_rows(a, [&](const std::vector<FieldValue>& v) { w.write(v, nullptr); });
    });
    csv(csv_gaps, t.gap_fields, [&](geo::LayerWriter& w) {
        gap_rows(a, [&](const std::vector<FieldValue>& v) { w.write(v, nullptr); });
    });
    return {gpkg_path, csv_communes, csv_indicators, csv_gaps};
}

}  // namespace ntm::report
