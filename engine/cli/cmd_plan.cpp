// ntmsim plan: the cheapest schedule of works that reaches the scenario's targets, or the funding
// gap by source and year (docs/plan.md).
#include <xlsxwriter.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/error.h"
#include "core/progress.h"
#include "core/text.h"
#include "criteria/criteria_set.h"
#include "geo/gdal.h"
#include "indicators/measure.h"
#include "plan/optimise.h"
#include "report/csv_table.h"
#include "report/export.h"
#include "report/qgis_style.h"
#include "report/workbook.h"
#include "sim/roadmap_input.h"
#include "sim/targets.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace ntm::cli {

namespace {

using plan::Source;
using T = geo::FieldDef::Type;
constexpr std::size_t idx(auto e) { return static_cast<std::size_t>(e); }
// The largest reserve factor --confidence tries (1.25, 1.5, 2, 3, 5, 9): beyond it, what fails is
// not money.
constexpr double kMaxReserve = 9;

std::string source_vi(Source s) {
    switch (s) {
        case Source::Central:
            return "Ngân sách Trung ương";
        case Source::Province:
            return "Ngân sách tỉnh";
        case Source::District:
            return "Ngân sách huyện";
        case Source::Commune:
            return "Ngân sách xã";
        case Source::People:
            return "Nhân dân đóng góp";
        case Source::Enterprise:
            return "Doanh nghiệp";
        case Source::Credit:
            return "Vốn tín dụng";
        case Source::Other:
            return "Nguồn khác";
    }
    return "?";
}

std::string unit_vi(const std::string& unit) {
    if (unit == "unit") return "công trình";
    if (unit == "year") return "năm";
    return unit;
}

// One line of the roadmap: a payment with what it buys.
struct Line {
    std::uint32_t commune = 0;
    int year = 0;
    std::string criteria, work, unit, layer, new_facility, programme;
    long long fid = -1;
    double quantity = 0, cost = 0;
    Source source = Source::Central;
    int work_index = -1;
};

std::vector<Line> lines_of(const plan::Problem& p, const plan::Outcome& o) {
    std::vector<Line> out;
    for (const auto& pay : o.payments) {
        Line l;
        l.commune = pay.commune;
        l.year = p.start + pay.year;
        l.cost = pay.amount_bn;
        l.source = pay.source;
        if (pay.work >= 0) {
            const auto& w = p.works[static_cast<std::size_t>(pay.work)];
            std::set<std::string> ids;
            for (const auto& e : w.effects)
                ids.insert(p.criteria[p.indicators[e.indicator].criterion].id);
            std::vector<std::string> sorted(ids.begin(), ids.end());
            std::sort(sorted.begin(), sorted.end(), [](const std::string& a, const std::string& b) {
                return a.size() != b.size() ? a.size() < b.size() : a < b;
            });
            l.criteria = join(sorted, "; ");
            l.work = w.label;
            l.quantity = w.quantity;
            l.unit = w.unit;
            l.layer = w.layer;
            l.fid = w.fid;
            l.new_facility = w.new_facility;
            l.work_index = pay.work;
        } else {
            const auto& cr = p.criteria[static_cast<std::size_t>(pay.criterion)];
            l.criteria = cr.id;
            l.programme = cr.id;
            l.work = "programme for criterion " + cr.id;
            l.quantity = 1;
            l.unit = "year";
        }
        out.push_back(std::move(l));
    }
    std::stable_sort(out.begin(), out.end(), [](const Line& a, const Line& b) {
        return a.commune != b.commune ? a.commune < b.commune : a.year < b.year;
    });
    return out;
}

std::string yaml_text(const std::string& s) {
    std::string out = "\"";
    for (const char ch : s) {
        if (ch == '"' || ch == '\\') out += '\\';
        out += ch;
    }
    return out + "\"";
}

void write_csv(const std::string& path, const plan::Problem& p, const std::vector<Line>& lines) {
    report::CsvTable t(path, {{"commune_code", T::String},
                              {"commune", T::String},
                              {"year", T::Integer},
                              {"criteria", T::String},
                              {"work", T::String},
                              {"layer", T::String},
                              {"fid", T::Integer},
                              {"quantity", T::Real},
                              {"unit", T::String},
                              {"cost_bn", T::Real},
                              {"source", T::String}});
    for (const auto& l : lines) {
        const auto& c = p.communes[l.commune];
        t.row({c.code, c.name, static_cast<long long>(l.year), l.criteria, l.work, l.layer,
               l.fid >= 0 ? geo::FieldValue(l.fid) : geo::FieldValue(),
               std::stod(format_fixed(l.quantity, 3)), l.unit, std::stod(format_fixed(l.cost, 4)),
               std::string(scenario::source_name(l.source))});
    }
    t.close();
}

void write_plan_yaml(const std::string& path, const std::string& extends,
                     const scenario::Scenario& sc, const plan::Problem& p, const plan::Outcome& o) {
    std::ofstream f(path);
    f << "# Written by ntmsim plan: the scenario " << yaml_text(sc.name)
      << " with the plan's works fixed by year.\n"
      << "# `ntmsim simulate` pays for these works first in their year (docs/plan.md).\n"
      << "extends: " << yaml_text(extends) << "\n"
      << "name: " << yaml_text("Plan: " + sc.name) << "\n"
      << scenario::schedule_yaml(sim::schedule_of(p, o));
    if (!f) throw InputError(path + ": cannot write");
}

// The planner's workbook: a district summary, the money by source and year, and one sheet per
// commune in the layout of a district's "lộ trình" table.
void write_xlsx(const std::string& path, const plan::Problem& p, const plan::PlanResult& r,
                const std::vector<Line>& lines, const std::string& title) {
    const auto [wb, head] = report::start_workbook(path, title);
    lxw_format* title_f = workbook_add_format(wb);
    format_set_bold(title_f);
    format_set_font_size(title_f, 13);
    lxw_format* money = workbook_add_format(wb);
    format_set_num_format(money, "#,##0.000");
    lxw_format* qty = workbook_add_format(wb);
    format_set_num_format(qty, "#,##0.00");
    lxw_format* whole = workbook_add_format(wb);
    format_set_num_format(whole, "0");
    lxw_format* total_f = workbook_add_format(wb);
    format_set_bold(total_f);
    format_set_num_format(total_f, "#,##0.000");

    auto header = [&](lxw_worksheet* ws, lxw_row_t row,
                      const std::vector<std::pair<std::string, double>>& cols) {
        worksheet_set_row(ws, row, 32, nullptr);
        for (std::size_t k = 0; k < cols.size(); ++k) {
            const auto col = static_cast<lxw_col_t>(k);
            worksheet_write_string(ws, row, col, cols[k].first.c_str(), head);
            worksheet_set_column(ws, col, col, cols[k].second, nullptr);
        }
        worksheet_freeze_panes(ws, row + 1, 0);
    };
    const int Y = p.years;
    const int first = p.start, last = p.start + Y - 1;

    // District summary.
    {
        lxw_worksheet* ws = workbook_add_worksheet(wb, "Tổng hợp huyện");
        worksheet_write_string(ws, 0, 0,
                               ("TỔNG HỢP LỘ TRÌNH XÂY DỰNG NÔNG THÔN MỚI GIAI ĐOẠN " +
                                std::to_string(first) + "–" + std::to_string(last))
                                   .c_str(),
                               title_f);
        std::vector<std::pair<std::string, double>> cols = {
            {"Mã xã", 10}, {"Xã", 18}, {"Tiêu chí đạt đầu kỳ", 12}};
        for (int y = first; y <= last; ++y)
            cols.push_back({"Tiêu chí đạt cuối " + std::to_string(y), 12});
        cols.push_back({"Năm đạt chuẩn", 10});
        for (int y = first; y <= last; ++y)
            cols.push_back({"Kinh phí " + std::to_string(y) + " (tỷ đồng)", 14});
        cols.push_back({"Tổng kinh phí (tỷ đồng)", 14});
        cols.push_back({"Mục tiêu", 28});
        header(ws, 2, cols);
        std::vector<double> column_total(static_cast<std::size_t>(Y), 0.0);
        lxw_row_t row = 3;
        for (std::size_t c = 0; c < p.communes.size(); ++c, ++row) {
            lxw_col_t col = 0;
            worksheet_write_string(ws, row, col++, p.communes[c].code.c_str(), nullptr);
            worksheet_write_string(ws, row, col++, p.communes[c].name.c_str(), nullptr);
            // Met at the start: with nothing built or pushed.
            plan::Schedule none;
            none.work_year.assign(p.works.size(), -1);
            none.pushed.assign(p.criteria.size(),
                               std::vector<char>(static_cast<std::size_t>(Y), 0));
            const auto start = plan::settle(p, none);
            worksheet_write_number(ws, row, col++, start.met_count[c][0], whole);
            int reached = 0;
            for (int y = 0; y < Y; ++y) {
                worksheet_write_number(ws, row, col++,
                                       r.outcome.met_count[c][static_cast<std::size_t>(y)], whole);
                if (!reached && r.outcome.at_standard[c][static_cast<std::size_t>(y)])
                    reached = first + y;
            }
            if (reached) {
                worksheet_write_number(ws, row, col++, reached, whole);
            } else {
                worksheet_write_string(ws, row, col++, "chưa đạt", nullptr);
            }
            double total = 0;
            for (int y = 0; y < Y; ++y) {
                double v = 0;
                for (const auto& l : lines)
                    if (l.commune == c && l.year == first + y) v += l.cost;
                column_total[static_cast<std::size_t>(y)] += v;
                total += v;
                worksheet_write_number(ws, row, col++, v, money);
            }
            worksheet_write_number(ws, row, col++, total, total_f);
            std::string goal;
            for (const auto& t : p.targets)
                if (t.commune == c) {
                    goal = "đạt chuẩn năm " + std::to_string(first + t.by);
                    if (t.min_count > 0)
                        goal += ", ≥ " + std::to_string(t.min_count) + " tiêu chí cuối " +
                                std::to_string(first + t.min_count_by);
                }
            worksheet_write_string(ws, row, col++, goal.c_str(), nullptr);
        }
        const auto money_col = static_cast<lxw_col_t>(3 + Y + 1);
        worksheet_write_string(ws, row, 1, "Tổng cộng", total_f);
        double all = 0;
        for (int y = 0; y < Y; ++y) {
            worksheet_write_number(ws, row, static_cast<lxw_col_t>(money_col + y),
                                   column_total[static_cast<std::size_t>(y)], total_f);
            all += column_total[static_cast<std::size_t>(y)];
        }
        worksheet_write_number(ws, row, static_cast<lxw_col_t>(money_col + Y), all, total_f);
    }
    // Money by source and year.
    {
        lxw_worksheet* ws = workbook_add_worksheet(wb, "Cân đối nguồn vốn");
        worksheet_write_string(ws, 0, 0, "CÂN ĐỐI NGUỒN VỐN THEO NĂM (tỷ đồng)", title_f);
        header(ws, 2,
               {{"Nguồn vốn", 24},
                {"Năm", 8},
                {"Huy động trong năm", 14},
                {"Chi cho công trình", 14},
                {"Trả nợ vay", 12},
                {"Chuyển năm sau", 14},
                {"Cần bổ sung", 14}});
        lxw_row_t row = 3;
        const auto& L = r.outcome.ledger;
        for (const auto src : scenario::kSources) {
            bool any = false;
            for (int y = 0; y < Y; ++y) {
                const auto yy = static_cast<std::size_t>(y);
                any = any || L.available[idx(src)][yy] > 0 || L.spent[idx(src)][yy] > 0 ||
                      r.extra[idx(src)][yy] > 0;
            }
            if (!any) continue;
            for (int y = 0; y < Y; ++y, ++row) {
                const auto yy = static_cast<std::size_t>(y);
                const double extra = r.extra[idx(src)][yy];
                worksheet_write_string(ws, row, 0, source_vi(src).c_str(), nullptr);
                worksheet_write_number(ws, row, 1, first + y, whole);
                worksheet_write_number(ws, row, 2, L.available[idx(src)][yy] - extra, money);
                worksheet_write_number(ws, row, 3, L.spent[idx(src)][yy], money);
                worksheet_write_number(ws, row, 4, L.repaid[idx(src)][yy], money);
                worksheet_write_number(ws, row, 5, L.carried[idx(src)][yy], money);
                worksheet_write_number(ws, row, 6, extra, money);
            }
        }
    }
    // One sheet per commune.
    std::set<std::string> used;
    for (std::size_t c = 0; c < p.communes.size(); ++c) {
        std::string name = p.communes[c].name;
        for (char& ch : name)
            if (std::string("[]:*?/\\").find(ch) != std::string::npos) ch = '-';
        // Excel allows 31 characters in a sheet name: cut at a UTF-8 boundary.
        auto cut = [](std::string s, std::size_t chars) {
            std::size_t count = 0, k = 0;
            for (; k < s.size(); ++k)
                if ((static_cast<unsigned char>(s[k]) & 0xC0) != 0x80 && count++ == chars) break;
            return s.substr(0, k);
        };
        name = cut(name, 24);
        if (!used.insert(name).second) name = cut(name, 16) + " " + p.communes[c].code;
        used.insert(name);
        lxw_worksheet* ws = workbook_add_worksheet(wb, name.c_str());
        worksheet_write_string(ws, 0, 0,
                               ("LỘ TRÌNH XÂY DỰNG NÔNG THÔN MỚI XÃ " + p.communes[c].name +
                                " GIAI ĐOẠN " + std::to_string(first) + "–" + std::to_string(last))
                                   .c_str(),
                               title_f);
        header(ws, 2,
               {{"Năm", 8},
                {"Tiêu chí", 10},
                {"Công trình / nội dung", 48},
                {"Lớp dữ liệu", 12},
                {"FID", 8},
                {"Khối lượng", 12},
                {"Đơn vị", 11},
                {"Kinh phí (tỷ đồng)", 14},
                {"Nguồn vốn", 22}});
        lxw_row_t row = 3;
        double total = 0;
        for (const auto& l : lines) {
            if (l.commune != c) continue;
            worksheet_write_number(ws, row, 0, l.year, whole);
            worksheet_write_string(ws, row, 1, l.criteria.c_str(), nullptr);
            worksheet_write_string(ws, row, 2, l.work.c_str(), nullptr);
            worksheet_write_string(ws, row, 3, l.layer.c_str(), nullptr);
            if (l.fid >= 0) worksheet_write_number(ws, row, 4, static_cast<double>(l.fid), whole);
            worksheet_write_number(ws, row, 5, l.quantity, qty);
            worksheet_write_string(ws, row, 6, unit_vi(l.unit).c_str(), nullptr);
            worksheet_write_number(ws, row, 7, l.cost, money);
            worksheet_write_string(ws, row, 8, source_vi(l.source).c_str(), nullptr);
            total += l.cost;
            ++row;
        }
        worksheet_write_string(ws, row, 2, "Tổng cộng", total_f);
        worksheet_write_number(ws, row, 7, total, total_f);
    }
    if (workbook_close(wb) != LXW_NO_ERROR) throw InputError(path + ": cannot write the workbook");
}

// Works by year as GeoPackage layers (lines: roads and canals; points: schools and facilities),
// styled for QGIS by year.
void write_gpkg(const std::string& path, const StudyArea& area, const sim::RoadmapInput& in,
                const std::vector<Line>& lines) {
    const auto& p = in.problem;
    auto sink = geo::VectorSink::create(path, "GPKG");
    sink.begin_transaction();
    const geo::Crs* crs = area.crs.known() ? &area.crs : nullptr;
    const std::vector<geo::FieldDef> fields = {
        {"commune_code", T::String}, {"commune", T::String}, {"year", T::Integer},
        {"criteria", T::String},     {"work", T::String},    {"layer", T::String},
        {"src_fid", T::Integer},     {"quantity", T::Real},  {"unit", T::String},
        {"cost_bn", T::Real},        {"sources", T::String}};
    auto line_layer =
        sink.create_layer("plan_lines", crs, geo::GeomKind::Line, true, fields, {"FID=fid"});
    auto point_layer =
        sink.create_layer("plan_points", crs, geo::GeomKind::Point, false, fields, {"FID=fid"});
    // One feature per work: its payments summed, with their sources.
    std::map<int, std::vector<const Line*>> by_work;
    for (const auto& l : lines)
        if (l.work_index >= 0) by_work[l.work_index].push_back(&l);
    for (const auto& [w, parts] : by_work) {
        const auto& pr = in.project[static_cast<std::size_t>(w)];
        geo::GeometryValue g;
        bool is_line = false;
        switch (pr.kind) {
            case sim::AssetKind::Road:
                g = geo::make_geometry(area.roads[pr.asset].geometry);
                is_line = true;
                break;
            case sim::AssetKind::Canal:
                g = geo::make_geometry(area.canals[pr.asset].geometry);
                is_line = true;
                break;
            case sim::AssetKind::School:
                g = geo::make_geometry(area.schools[pr.asset].location);
                break;
            case sim::AssetKind::Facility:
                g = geo::make_geometry(area.facilities[pr.asset].location);
                break;
            case sim::AssetKind::NewFacility:
                continue;  // no place yet: in the CSV and the workbook only
        }
        const auto& first = *parts.front();
        double cost = 0;
        std::vector<std::string> sources;
        for (const auto* l : parts) {
            cost += l->cost;
            sources.push_back(std::string(scenario::source_name(l->source)) + " " +
                              format_fixed(l->cost, 3));
        }
        const auto& c = p.communes[first.commune];
        const std::vector<geo::FieldValue> v = {c.code,
                                                c.name,
                                                static_cast<long long>(first.year),
                                                first.criteria,
                                                first.work,
                                                first.layer,
                                                first.fid,
                                                first.quantity,
                                                first.unit,
                                                cost,
                                                join(sources, "; ")};
        (is_line ? line_layer : point_layer).write(v, &g);
    }
    report::QgisStyles styles(sink);
    styles.add(report::roadmap_styles(p.start, p.start + p.years - 1));
    sink.commit();
}

void print_summary(const plan::Problem& p, const plan::PlanResult& r) {
    std::printf(
        "\nsolver: %s, %s, objective %.3f, bound %.3f, gap %.4f%%, %lld nodes (%zu columns, %zu "
        "rows)\n",
        r.solver.c_str(), std::string(plan::status_name(r.status)).c_str(), r.objective, r.bound,
        100 * r.gap, r.nodes, r.columns, r.rows);
    std::printf("greedy start: %.3f bn%s\n", r.greedy_cost,
                r.greedy_sound ? "" : " (does not meet every target within the money)");
    std::printf("\n%s %6s %10s %10s %12s  %s\n", pad_right("commune", 20).c_str(), "code",
                "standard", "criteria", "cost (bn)", "target");
    for (std::size_t k = 0; k < p.targets.size(); ++k) {
        const auto& t = p.targets[k];
        const auto c = t.commune;
        int reached = 0;
        for (int y = 0; y < p.years; ++y)
            if (!reached && r.outcome.at_standard[c][static_cast<std::size_t>(y)])
                reached = p.start + y;
        double cost = 0;
        for (const auto& pay : r.outcome.payments)
            if (pay.commune == c) cost += pay.amount_bn;
        const int count_year = t.min_count > 0 ? t.min_count_by : t.by;
        std::string status = r.outcome.target_met[k] ? "met" : "NOT met";
        if (!r.unreachable[k].empty()) status = "cannot be met: " + r.unreachable[k];
        std::printf("%s %6s %10s %6d/%zu %12.3f  %s\n", pad_right(p.communes[c].name, 20).c_str(),
                    p.communes[c].code.c_str(), reached ? std::to_string(reached).c_str() : "-",
                    r.outcome.met_count[c][static_cast<std::size_t>(count_year)],
                    p.communes[c].criteria.size(), cost, status.c_str());
    }
    std::printf("total: %.3f bn\n", r.outcome.cost_bn);
    if (r.funding_gap) {
        std::printf(
            "\nThe money cannot meet every target. The least extra money that would (bn):\n");
        for (const auto src : scenario::kSources) {
            double total = 0;
            for (const double v : r.extra[idx(src)]) total += v;
            if (total <= 1e-9) continue;
            std::printf("  %-12s", std::string(scenario::source_name(src)).c_str());
            for (int y = 0; y < p.years; ++y)
                std::printf("  %d: %8.3f", p.start + y,
                            r.extra[idx(src)][static_cast<std::size_t>(y)]);
            std::printf("\n");
        }
        std::printf("Within the money there is, these targets fail:");
        int failing = 0;
        for (std::size_t k = 0; k < p.targets.size(); ++k)
            if (k < r.met_within_money.size() && !r.met_within_money[k]) {
                std::printf("%s %s", failing++ ? "," : "",
                            p.communes[p.targets[k].commune].name.c_str());
            }
        std::printf("%s\n", failing ? "" : " none");
    }
}

// The chance of each target under the scenario's uncertainty: plan.yaml simulated over `draws`
// draws (its seed: common random numbers with any other run of it).
struct Odds {
    sim::TargetOdds odds;
    std::vector<std::string> code, name;
};

Odds odds_of(const io::LoadResult& loaded, const indicators::AreaMeasures& measures,
             const criteria::CriteriaSet& set, const scenario::Scenario& sc, std::uint32_t draws) {
    const auto in = sim::compile(loaded.area, measures, set, sc, loaded.area.layers);
    Odds out;
    out.odds = sim::target_odds(in, draws);
    for (const auto& t : out.odds.targets) {
        out.code.push_back(in.communes[t.commune].code);
        out.name.push_back(in.communes[t.commune].name);
    }
    return out;
}

double share(std::uint32_t count, std::uint32_t draws) {
    return draws ? static_cast<double>(count) / draws : 0.0;
}

void write_targets_csv(const std::string& path, const Odds& o) {
    report::CsvTable t(path, {{"commune_code", T::String},
                              {"commune", T::String},
                              {"by", T::Integer},
                              {"p_standard", T::Real},
                              {"min_criteria", T::Integer},
                              {"min_criteria_by", T::Integer},
                              {"p_min_criteria", T::Real},
                              {"p_met", T::Real},
                              {"draws", T::Integer}});
    const auto n = o.odds.draws;
    for (std::size_t k = 0; k < o.odds.targets.size(); ++k) {
        const auto& tg = o.odds.targets[k];
        t.row({o.code[k], o.name[k], static_cast<long long>(tg.by),
               std::stod(format_fixed(share(tg.standard, n), 4)),
               static_cast<long long>(tg.min_criteria),
               tg.min_criteria > 0 ? geo::FieldValue(static_cast<long long>(tg.min_criteria_by))
                                   : geo::FieldValue(),
               std::stod(format_fixed(share(tg.count, n), 4)),
               std::stod(format_fixed(share(tg.both, n), 4)), static_cast<long long>(n)});
    }
    t.close();
}

void print_odds(const Odds& o) {
    const auto n = o.odds.draws;
    std::printf(
        "\nP(target met) under the scenario's uncertainty (plan.yaml simulated, %u draws):\n", n);
    std::printf("%s %6s %6s %11s %16s %9s\n", pad_right("commune", 20).c_str(), "code", "by",
                "P(standard)", "P(criteria)", "P(met)");
    for (std::size_t k = 0; k < o.odds.targets.size(); ++k) {
        const auto& tg = o.odds.targets[k];
        const std::string count = tg.min_criteria > 0
                                      ? "≥" + std::to_string(tg.min_criteria) + " by " +
                                            std::to_string(tg.min_criteria_by) + " " +
                                            format_fixed(share(tg.count, n), 3)
                                      : "-";
        std::printf("%s %6s %6d %11.3f %16s %9.3f\n", pad_right(o.name[k], 20).c_str(),
                    o.code[k].c_str(), tg.by, share(tg.standard, n), count.c_str(),
                    share(tg.both, n));
    }
    std::printf("every target met: %.3f\n", o.odds.p_all());
}

// The money of each source over the plan's years at its expected value (the people's: every
// commune's), which a reserve factor scales.
std::array<double, scenario::kSources.size()> expected_money(const scenario::Scenario& sc,
                                                             const StudyArea& area, int years) {
    std::array<double, scenario::kSources.size()> out{};
    long long households = 0;
    for (const auto& c : area.communes) households += c.households;
    for (const auto& f : sc.funding) {
        if (f.source == Source::Credit) continue;
        for (int y = 0; y < years; ++y) {
            if (f.source == Source::People) {
                const double per_household = f.per_household_mvnd +
                                             f.labour_days_per_household * f.labour_day_mvnd +
                                             f.donated_land_m2_per_household * f.land_mvnd_per_m2;
                out[idx(f.source)] += static_cast<double>(households) * per_household *
                                      std::clamp(f.participation.expected(), 0.0, 1.0) / 1000.0;
            } else {
                out[idx(f.source)] +=
                    f.amount * std::pow(1 + f.growth, y) * f.uncertainty.expected();
            }
        }
    }
    return out;
}

}  // namespace

int cmd_plan(const Args& args) {
    po::options_description opts(
        "usage: ntmsim plan AREA SCENARIO.yaml -o PLANDIR [options]\n\n"
        "The cheapest schedule of works (which work, in which commune and year, paid from which "
        "source) that\n"
        "brings the scenario's target communes (registration.targets, else allocation.targets) to "
        "the\n"
        "standard by their year, with at least the asked number of criteria by an earlier year; "
        "when the\n"
        "money cannot, the least extra money per source and year, and which targets fail within "
        "the money.\n"
        "Money, costs and participation at their expected values (every uncertainty off). Writes "
        "into PLANDIR:\n"
        "roadmap.csv, roadmap.xlsx (Vietnamese, one sheet per commune and a district summary), "
        "works.gpkg\n"
        "(works by year, styled for QGIS) and plan.yaml (the scenario with the works fixed by "
        "year). Then simulates\n"
        "plan.yaml under the scenario's uncertainty and writes targets.csv: per target, P(standard "
        "by its year),\n"
        "P(at least the asked criteria by the intermediate year) and P(both); with --confidence P, "
        "the smallest\n"
        "reserve (a factor on the money of every source but credit) at which every target is met "
        "with probability\n"
        "at least P, written to reserve.csv.\n\noptions");
    std::string outdir, objective = "min-cost";
    double time_limit = 60, gap = 1e-6;
    int threads = 1;
    int draws = 500;
    double confidence = 0, lead_quantile = sim::kPlannedLeadQuantile;
    opts.add_options()("output,o", po::value(&outdir),
                       "output folder PLANDIR (must not exist unless --overwrite)")(
        "objective", po::value(&objective),
        "min-cost (default): every target at the least cost; max-communes: the most "
        "targets within the money, ties broken by cost")(
        "time-limit", po::value(&time_limit),
        "seconds the solver may take (default 60); the gap is reported")(
        "gap", po::value(&gap), "stop when the optimality gap is at most this (default 1e-6)")(
        "solver-threads", po::value(&threads),
        "CBC threads (default 1; more runs CBC's deterministic parallel mode)")(
        "draws", po::value(&draws),
        "draws to simulate plan.yaml with for P(target met) (default 500; 0: skip)")(
        "confidence", po::value(&confidence),
        "0 < P < 1: the reserve factor at which every target is met with "
        "probability at least P (bisection over simulations with the same seed)")(
        "lead-quantile", po::value(&lead_quantile),
        "0 < Q < 1: plan each soft-criteria programme for this quantile of its lead time (default "
        "0.5, the median; "
        "0.9: it finishes in time in 9 communes of 10)")(
        "overwrite", "replace PLANDIR if it exists")("verbose", "show the solver's log")(
        "help,h", "show this help");
    po::variables_map vm;
    if (!parse_args(args, opts, "inputs", po::value<std::vector<std::string>>(), 2, vm))
        return kExitOk;
    const auto positional = vm.count("inputs") ? vm["inputs"].as<std::vector<std::string>>()
                                               : std::vector<std::string>{};
    if (positional.size() != 2)
        throw UsageError(
            "give the area and one scenario: ntmsim plan AREA SCENARIO.yaml -o PLANDIR");
    if (outdir.empty()) throw UsageError("give the output folder: -o PLANDIR");
    if (objective != "min-cost" && objective != "max-communes")
        throw UsageError("--objective: use min-cost or max-communes");
    if (time_limit <= 0) throw UsageError("--time-limit: seconds above 0");
    if (gap < 0) throw UsageError("--gap: 0 or more");
    if (threads < 1) throw UsageError("--solver-threads: at least 1");
    if (draws < 0) throw UsageError("--draws: 0 or more");
    if (!(lead_quantile > 0 && lead_quantile < 1))
        throw UsageError("--lead-quantile: a share between 0 and 1, e.g. 0.9");
    if (vm.count("confidence") && !(confidence > 0 && confidence < 1))
        throw UsageError("--confidence: a probability strictly between 0 and 1, such as 0.9");
    if (vm.count("confidence") && draws == 0)
        throw UsageError("--confidence needs draws: give --draws N with N > 0");
    if (fs::exists(outdir) && !vm.count("overwrite"))
        throw InputError(outdir +
                         ": already exists; choose another output folder or pass --overwrite");

    const auto sc = scenario::load_scenario(positional[1]);
    const auto set = criteria::load_criteria_set(sc.criteria);
    const auto loaded = load_usable_area(positional[0]);
    note("measuring " + std::to_string(loaded.area.communes.size()) + " communes");
    const auto measures = indicators::measure_area(loaded.area);
    const auto input = sim::compile(loaded.area, measures, set, sc, loaded.area.layers);
    const auto rin = sim::roadmap_input(input, objective == "max-communes", lead_quantile);
    const auto& p = rin.problem;
    note("planning " + std::to_string(p.targets.size()) + " target communes over " +
         std::to_string(p.years) + " years: " + std::to_string(p.works.size()) +
         " candidate works");

    plan::PlanOptions po_;
    po_.objective =
        objective == "max-communes" ? plan::Objective::MaxCommunes : plan::Objective::MinCost;
    po_.solve.time_limit_s = time_limit;
    po_.solve.relative_gap = gap;
    po_.solve.threads = threads;
    po_.solve.verbose = vm.count("verbose") > 0;
    const auto solver = plan::make_cbc_solver();
    const auto r = plan::plan_roadmap(p, po_, *solver);
    if (!r.solved) {
        throw InputError(std::string("the solver found no schedule (") +
                         std::string(plan::status_name(r.status)) +
                         "); a capacity per commune too small for the works a target needs can "
                         "cause this: check capacity.per_commune_bn");
    }
    const auto lines = lines_of(p, r.outcome);

    // Written aside and moved into place: a reader sees the old folder or the new one.
    const fs::path target(outdir);
    const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
    fs::create_directories(parent);
    const fs::path temp = parent / (".ntmsim-tmp-" + target.filename().string());
    fs::remove_all(temp);
    fs::create_directories(temp);
    write_csv((temp / "roadmap.csv").string(), p, lines);
    write_xlsx((temp / "roadmap.xlsx").string(), p, r, lines, sc.name);
    write_gpkg((temp / "works.gpkg").string(), loaded.area, rin, lines);
    const auto extends =
        fs::relative(fs::absolute(positional[1]), fs::absolute(target)).generic_string();
    write_plan_yaml((temp / "plan.yaml").string(), extends, sc, p, r.outcome);

    // The plan under uncertainty: plan.yaml as `ntmsim simulate` reads it (the folder written aside
    // is a sibling of PLANDIR, so its `extends:` resolves alike).
    std::optional<Odds> odds;
    double factor = 0, p_at_most = 0;
    std::array<double, scenario::kSources.size()> money{};
    if (draws > 0) {
        const auto plan_sc = scenario::load_scenario((temp / "plan.yaml").string());
        note("simulating plan.yaml: " + std::to_string(draws) + " draws");
        odds = odds_of(loaded, measures, set, plan_sc, static_cast<std::uint32_t>(draws));
        write_targets_csv((temp / "targets.csv").string(), *odds);
        if (vm.count("confidence")) {
            // Every evaluation runs draws 0..N-1 with the scenario's seed (common random numbers),
            // so P(every target met) moves with the reserve alone; bisection to 0.005.
            auto p_all = [&](double f) {
                const double pa = odds_of(loaded, measures, set, scenario::with_reserve(plan_sc, f),
                                          static_cast<std::uint32_t>(draws))
                                      .odds.p_all();
                note("reserve factor " + format_fixed(f, 4) + ": P(every target met) " +
                     format_fixed(pa, 3));
                return pa;
            };
            double lo = 1, hi = 1;
            if (odds->odds.p_all() < confidence) {
                hi = 1.25;
                while ((p_at_most = p_all(hi)) < confidence) {
                    lo = hi;
                    hi = 1 + 2 * (hi - 1);
                    if (hi > kMaxReserve) break;
                }
                if (hi <= kMaxReserve)
                    while (hi - lo > 0.005) {
                        const double mid = 0.5 * (lo + hi);
                        (p_all(mid) >= confidence ? hi : lo) = mid;
                    }
            }
            factor = hi <= kMaxReserve ? hi : -1;
            money = expected_money(plan_sc, loaded.area, p.years);
            report::CsvTable t((temp / "reserve.csv").string(), {{"source", T::String},
                                                                 {"expected_bn", T::Real},
                                                                 {"factor", T::Real},
                                                                 {"extra_bn", T::Real}});
            for (const auto src : scenario::kSources) {
                if (money[idx(src)] <= 0) continue;
                t.row({std::string(scenario::source_name(src)),
                       std::stod(format_fixed(money[idx(src)], 3)),
                       factor > 0 ? geo::FieldValue(std::stod(format_fixed(factor, 4)))
                                  : geo::FieldValue(),
                       factor > 0 ? geo::FieldValue(
                                        std::stod(format_fixed((factor - 1) * money[idx(src)], 3)))
                                  : geo::FieldValue()});
            }
            t.close();
        }
    }
    if (fs::exists(target)) fs::remove_all(target);
    fs::rename(temp, target);

    print_summary(p, r);
    if (odds) print_odds(*odds);
    if (vm.count("confidence")) {
        if (factor < 0) {
            std::printf(
                "\nno reserve up to %.0f times the money meets every target with probability %.3f "
                "(at that reserve: %.3f): "
                "what fails is not money (programme lead times, capacity); see targets.csv for the "
                "target that falls short\n",
                kMaxReserve, confidence, p_at_most);
        } else {
            std::printf(
                "\nreserve for P(every target met) >= %.3f: factor %.4f on the money of every "
                "source but credit "
                "(%d–%d, bn):\n",
                confidence, factor, p.start, p.start + p.years - 1);
            double total = 0;
            for (const auto src : scenario::kSources) {
                if (money[idx(src)] <= 0) continue;
                std::printf("  %-12s expected %9.3f  extra %8.3f\n",
                            std::string(scenario::source_name(src)).c_str(), money[idx(src)],
                            (factor - 1) * money[idx(src)]);
                total += (factor - 1) * money[idx(src)];
            }
            std::printf("  %-12s %18s %8.3f\n", "total", "", total);
        }
    }
    std::printf("\nwrote %s: roadmap.csv, roadmap.xlsx, works.gpkg, plan.yaml%s%s\n",
                outdir.c_str(), odds ? ", targets.csv" : "",
                vm.count("confidence") ? ", reserve.csv" : "");
    return kExitOk;
}

}  // namespace ntm::cli
