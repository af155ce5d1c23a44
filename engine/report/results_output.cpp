#include "report/results_output.h"

#include <filesystem>

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
FieldValue real(double v) { return v; }
FieldValue integer(long long v) { return v; }

double share(std::uint64_t count, std::uint64_t draws) {
    return draws ? static_cast<double>(count) / static_cast<double>(draws) : 0.0;
}

// P(project at `position` of a slot completed by the end of year y).
double p_completed(const sim::Aggregate& agg, const sim::SimInput& in, std::size_t slot,
                   std::size_t y, std::uint32_t position) {
    const auto count = in.slots[slot].count;
    const std::uint64_t base = agg.slot_base[slot] + y * (count + 1ULL);
    std::uint64_t n = 0;
    for (std::uint32_t pos = position + 1; pos <= count; ++pos) n += agg.slot_hist[base + pos];
    return share(n, agg.draws);
}

}  // namespace

double expected_reached(const sim::Aggregate& agg, std::size_t y) {
    double e = 0;
    for (std::size_t k = 0; k <= agg.communes; ++k)
        e += static_cast<double>(k) *
             static_cast<double>(agg.district_reached[y * (agg.communes + 1) + k]);
    return agg.draws ? e / static_cast<double>(agg.draws) : 0;
}

double mean_money(const sim::Aggregate& agg, std::size_t y, std::size_t field) {
    return agg.draws ? sim::from_fixed(agg.money[y * sim::kMoneyFields + field]) /
                           static_cast<double>(agg.draws)
                     : 0;
}

CommuneOutlook commune_outlook(const sim::SimInput& in, const sim::Aggregate& agg, std::size_t c) {
    CommuneOutlook o;
    const std::size_t nj = agg.criteria;
    for (std::size_t y = 0; y < agg.years; ++y) {
        o.p_reached.push_back(share(agg.reached[agg.cy(c, y)], agg.draws));
        double mean = 0;
        std::uint64_t cum = 0;
        int p5 = -1, p50 = -1, p95 = -1;
        for (std::size_t k = 0; k <= nj; ++k) {
            const auto n = agg.met_hist[(c * agg.years + y) * (nj + 1) + k];
            mean += static_cast<double>(k) * static_cast<double>(n);
            cum += n;
            // Quantile q: the smallest k whose cumulative count reaches q × draws.
            if (p5 < 0 && cum * 100 >= 5 * agg.draws) p5 = static_cast<int>(k);
            if (p50 < 0 && cum * 100 >= 50 * agg.draws) p50 = static_cast<int>(k);
            if (p95 < 0 && cum * 100 >= 95 * agg.draws) p95 = static_cast<int>(k);
        }
        o.met_mean.push_back(agg.draws ? mean / static_cast<double>(agg.draws) : 0);
        o.met_p5.push_back(p5);
        o.met_p50.push_back(p50);
        o.met_p95.push_back(p95);
        if (o.median_year == 0 && o.p_reached.back() >= 0.5)
            o.median_year = in.start + static_cast<int>(y);
    }
    return o;
}

void write_results(const sim::SimInput& in, const sim::Aggregate& agg, const ResultsMeta& meta,
                   const std::string& dir, bool overwrite, const sim::DrawTable* draws) {
    const auto& area = *in.area;
    const auto& sc = *in.scenario;
    const std::size_t Y = agg.years, nc = agg.communes, nj = agg.criteria;
    // Everything goes into a temporary folder swapped into place at the end (core/output.h).
    StagedOutput staged(dir, OutputKind::Folder, overwrite);
    auto path = [&](const char* leaf) { return staged.path(leaf); };
    {
        {
            CsvTable t(path("run.csv"), {{"key", T::String}, {"value", T::String}});
            t.row({text("scenario"), text(sc.name)});
            t.row({text("scenario_file"), text(meta.scenario_file)});
            t.row({text("area"), text(meta.area)});
            t.row({text("area_name"), text(area.name)});
            t.row({text("criteria"), text(in.set->id)});
            t.row({text("start"), text(std::to_string(sc.start))});
            t.row({text("end"), text(std::to_string(sc.end))});
            t.row({text("draws"), text(std::to_string(agg.draws))});
            t.row({text("seed"), text(std::to_string(sc.seed))});
            t.row({text("policy"), text(scenario::policy_name(sc.policy))});
            t.row({text("communes"), text(std::to_string(nc))});
            t.row({text("ntmsim"), text(meta.version)});
            t.close();
        }
        {
            CsvTable t(path("summary.csv"), {{"year", T::Integer},
                                             {"expected_reached", T::Real},
                                             {"expected_at_standard", T::Real},
                                             {"p_all_reached", T::Real},
                                             {"spent_bn", T::Real},
                                             {"gap_bn", T::Real},
                                             {"debt_bn", T::Real}});
            for (std::size_t y = 0; y < Y; ++y) {
                double at = 0;
                for (std::size_t k = 0; k <= nc; ++k)
                    at += static_cast<double>(k) *
                          static_cast<double>(agg.district_at_standard[y * (nc + 1) + k]);
                std::size_t assessed = 0;
                for (const auto& c : in.communes) assessed += c.assessed;
                t.row({integer(sc.start + static_cast<int>(y)), real(expected_reached(agg, y)),
                       real(agg.draws ? at / static_cast<double>(agg.draws) : 0),
                       real(share(agg.district_reached[y * (nc + 1) + assessed], agg.draws)),
                       real(mean_money(agg, y, sim::kMoneySpent)),
                       real(mean_money(agg, y, sim::kMoneyGap)),
                       real(mean_money(agg, y, sim::kMoneyDebt))});
            }
            t.close();
        }
        {
            CsvTable t(path("funding.csv"),
                       {{"year", T::Integer}, {"item", T::String}, {"mean_bn", T::Real}});
            for (std::size_t y = 0; y < Y; ++y) {
                const long long year = sc.start + static_cast<int>(y);
                for (std::size_t i = 0; i < scenario::kSources.size(); ++i)
                    t.row({integer(year),
                           text("realised_" +
                                std::string(scenario::source_name(scenario::kSources[i]))),
                           real(mean_money(agg, y, sim::kMoneyRealised0 + i))});
                const std::pair<const char*, std::size_t> items[] = {
                    {"carried_in", sim::kMoneyCarriedIn},
                    {"borrowed", sim::kMoneyBorrowed},
                    {"repaid", sim::kMoneyRepaid},
                    {"spent", sim::kMoneySpent},
                    {"carried_out", sim::kMoneyCarriedOut},
                    {"gap", sim::kMoneyGap},
                    {"debt", sim::kMoneyDebt}};
                for (const auto& [name, field] : items)
                    t.row({integer(year), text(name), real(mean_money(agg, y, field))});
                for (std::size_t i = 0; i < scenario::kSectorCount; ++i)
                    t.row({integer(year),
                           text("spent_" + std::string(scenario::sector_name(
                                               static_cast<scenario::Sector>(i)))),
                           real(mean_money(agg, y, sim::kMoneySpentSector0 + i))});
            }
            t.close();
        }
        std::vector<CommuneOutlook> outlook;
        for (std::size_t c = 0; c < nc; ++c) outlook.push_back(commune_outlook(in, agg, c));
        {
            CsvTable t(path("communes.csv"), {{"code", T::String},
                                              {"name", T::String},
                                              {"year", T::Integer},
                                              {"p_standard_by_year", T::Real},
                                              {"p_at_standard", T::Real},
                                              {"criteria_met_mean", T::Real},
                                              {"criteria_met_p5", T::Integer},
                                              {"criteria_met_p50", T::Integer},
                                              {"criteria_met_p95", T::Integer},
                                              {"criteria_lost_mean", T::Real},
                                              {"criteria_met_start", T::Integer}});
            for (std::size_t c = 0; c < nc; ++c) {
                if (!in.communes[c].assessed) continue;
                for (std::size_t y = 0; y < Y; ++y) {
                    const auto& o = outlook[c];
                    t.row({text(in.communes[c].code), text(in.communes[c].name),
                           integer(sc.start + static_cast<int>(y)), real(o.p_reached[y]),
                           real(share(agg.at_standard[agg.cy(c, y)], agg.draws)),
                           real(o.met_mean[y]), integer(o.met_p5[y]), integer(o.met_p50[y]),
                           integer(o.met_p95[y]),
                           real(agg.draws ? static_cast<double>(agg.lost[agg.cy(c, y)]) /
                                                static_cast<double>(agg.draws)
                                          : 0),
                           integer(in.communes[c].met_at_start)});
                }
            }
            t.close();
        }
        {
            CsvTable t(path("criteria.csv"), {{"code", T::String},
                                              {"year", T::Integer},
                                              {"criterion", T::String},
                                              {"p_met", T::Real}});
            for (std::size_t c = 0; c < nc; ++c) {
                if (!in.communes[c].assessed) continue;
                for (std::size_t y = 0; y < Y; ++y)
                    for (std::size_t j = 0; j < nj; ++j)
                        t.row({text(in.communes[c].code), integer(sc.start + static_cast<int>(y)),
                               text(in.set->criteria[j].id),
                               real(share(agg.criterion_met[(c * Y + y) * nj + j], agg.draws))});
            }
            t.close();
        }
        {
            // Where each commune stands at the start of the period (the assessment the
            // simulation starts from): the checklist's "start of the first year".
            CsvTable t(path("criteria_start.csv"),
                       {{"code", T::String}, {"criterion", T::String}, {"met", T::Integer}});
            for (std::size_t c = 0; c < nc; ++c) {
                if (!in.communes[c].assessed) continue;
                const auto& m = in.communes[c].met_at_start_by_criterion;
                for (std::size_t j = 0; j < nj; ++j)
                    t.row({text(in.communes[c].code), text(in.set->criteria[j].id),
                           integer(j < m.size() ? m[j] : 0)});
            }
            t.close();
        }
        // Assets: every candidate project, with P(done by each year) and the median year.
        std::vector<FieldDef> asset_fields = {{"kind", T::String},        {"asset", T::Integer},
                                              {"fid", T::Integer},        {"code", T::String},
                                              {"indicator", T::String},   {"cost_bn", T::Real},
                                              {"median_year", T::Integer}};
        for (std::size_t y = 0; y < Y; ++y)
            asset_fields.push_back(
                {"p_" + std::to_string(sc.start + static_cast<int>(y)), T::Real});
        {
            CsvTable t(path("assets.csv"), asset_fields);
            auto sink = geo::VectorSink::create(path("results.gpkg"), "GPKG");
            sink.begin_transaction();
            const geo::Crs* crs = area.crs.known() ? &area.crs : nullptr;
            std::vector<FieldDef> commune_fields = {{"code", T::String},
                                                    {"name", T::String},
                                                    {"kind", T::String},
                                                    {"median_year", T::Integer}};
            for (std::size_t y = 0; y < Y; ++y)
                commune_fields.push_back(
                    {"p_std_" + std::to_string(sc.start + static_cast<int>(y)), T::Real});
            for (std::size_t y = 0; y < Y; ++y)
                commune_fields.push_back(
                    {"met_" + std::to_string(sc.start + static_cast<int>(y)), T::Real});
            auto communes = sink.create_layer("communes", crs, geo::GeomKind::Polygon, true,
                                              commune_fields, {"FID=fid"});
            for (std::size_t c = 0; c < nc; ++c) {
                const auto& o = outlook[c];
                std::vector<FieldValue> v = {text(area.communes[c].code),
                                             text(area.communes[c].name),
                                             text(token(area.communes[c].kind)),
                                             o.median_year ? integer(o.median_year) : FieldValue()};
                for (std::size_t y = 0; y < Y; ++y)
                    v.push_back(in.communes[c].assessed ? real(o.p_reached[y]) : FieldValue());
                for (std::size_t y = 0; y < Y; ++y)
                    v.push_back(in.communes[c].assessed ? real(o.met_mean[y]) : FieldValue());
                const auto g = geo::make_geometry(area.communes[c].geometry);
                communes.write(v, &g);
            }
            std::vector<FieldDef> line_fields = {{"asset", T::Integer},
                                                 {"code", T::String},
                                                 {"indicator", T::String},
                                                 {"cost_bn", T::Real},
                                                 {"median_year", T::Integer}};
            for (std::size_t y = 0; y < Y; ++y)
                line_fields.push_back(
                    {"p_" + std::to_string(sc.start + static_cast<int>(y)), T::Real});
            auto roads = sink.create_layer("road_plan", crs, geo::GeomKind::Line, true, line_fields,
                                           {"FID=fid"});
            auto canals = sink.create_layer("canal_plan", crs, geo::GeomKind::Line, true,
                                            line_fields, {"FID=fid"});
            auto schools = sink.create_layer("school_plan", crs, geo::GeomKind::Point, false,
                                             line_fields, {"FID=fid"});
            auto facilities = sink.create_layer("facility_plan", crs, geo::GeomKind::Point, false,
                                                line_fields, {"FID=fid"});
            for (std::size_t s = 0; s < in.slots.size(); ++s) {
                const auto& sl = in.slots[s];
                for (std::uint32_t k = 0; k < sl.count; ++k) {
                    const auto& p = in.projects[sl.first + k];
                    std::vector<double> ps;
                    int median = 0;
                    for (std::size_t y = 0; y < Y; ++y) {
                        ps.push_back(p_completed(agg, in, s, y, k));
                        if (!median && ps.back() >= 0.5) median = sc.start + static_cast<int>(y);
                    }
                    long long fid = -1;
                    geo::GeometryValue g;
                    switch (p.kind) {
                        case sim::AssetKind::Road:
                            fid = area.roads[p.asset].origin.fid;
                            g = geo::make_geometry(area.roads[p.asset].geometry);
                            break;
                        case sim::AssetKind::Canal:
                            fid = area.canals[p.asset].origin.fid;
                            g = geo::make_geometry(area.canals[p.asset].geometry);
                            break;
                        case sim::AssetKind::School:
                            fid = area.schools[p.asset].origin.fid;
                            g = geo::make_geometry(area.schools[p.asset].location);
                            break;
                        case sim::AssetKind::Facility:
                            fid = area.facilities[p.asset].origin.fid;
                            g = geo::make_geometry(area.facilities[p.asset].location);
                            break;
                        case sim::AssetKind::NewFacility:
                            g = geo::make_geometry(centroid(area.communes[sl.commune].geometry));
                            break;
                    }
                    const std::string& code = in.communes[sl.commune].code;
                    std::vector<FieldValue> row = {text(sim::asset_kind_name(p.kind)),
                                                   integer(p.asset),
                                                   fid >= 0 ? integer(fid) : FieldValue(),
                                                   text(code),
                                                   text(sl.indicator),
                                                   real(p.cost_bn),
                                                   median ? integer(median) : FieldValue()};
                    for (const double v : ps) row.push_back(real(v));
                    t.row(row);
                    std::vector<FieldValue> feature = {integer(p.asset), text(code),
                                                       text(sl.indicator), real(p.cost_bn),
                                                       median ? integer(median) : FieldValue()};
                    for (const double v : ps) feature.push_back(real(v));
                    switch (p.kind) {
                        case sim::AssetKind::Road:
                            roads.write(feature, &g);
                            break;
                        case sim::AssetKind::Canal:
                            canals.write(feature, &g);
                            break;
                        case sim::AssetKind::School:
                            schools.write(feature, &g);
                            break;
                        default:
                            facilities.write(feature, &g);
                            break;
                    }
                }
            }
            t.close();
            auto summary = sink.create_layer("summary", nullptr, geo::GeomKind::None, false,
                                             {{"year", T::Integer},
                                              {"expected_reached", T::Real},
                                              {"spent_bn", T::Real},
                                              {"gap_bn", T::Real},
                                              {"debt_bn", T::Real}},
                                             {"FID=fid"});
            for (std::size_t y = 0; y < Y; ++y)
                summary.write(
                    {integer(sc.start + static_cast<int>(y)), real(expected_reached(agg, y)),
                     real(mean_money(agg, y, sim::kMoneySpent)),
                     real(mean_money(agg, y, sim::kMoneyGap)),
                     real(mean_money(agg, y, sim::kMoneyDebt))},
                    nullptr);
            QgisStyles styles(sink);
            styles.add(results_styles(sc.start, sc.end, sc.end,
                                      static_cast<int>(in.set->criteria.size())));
            sink.commit();
        }
        if (draws) sim::write_draws(*draws, path("draws.bin"));
    }
    staged.commit();
}

}  // namespace ntm::report
