#include "report/workbook.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "core/error.h"
#include "core/output.h"
#include "core/text.h"
#include "geo/gdal.h"

namespace fs = std::filesystem;

namespace ntm::report {

namespace {

struct Words {
    const char* en;
    const char* vi;
};

// Column headers of the results (docs/formats.md) and comparison tables.
const std::map<std::string, Words>& headers() {
    static const std::map<std::string, Words> kHeaders = {
        {"code", {"Commune code", "Mã xã"}},
        {"name", {"Commune", "Tên xã"}},
        {"kind", {"Kind", "Loại"}},
        {"year", {"Year", "Năm"}},
        {"median_year", {"Median year", "Năm trung vị"}},
        {"p_standard_by_year", {"P(standard by the year)", "Xác suất đạt chuẩn đến năm"}},
        {"p_at_standard", {"P(at the standard in the year)", "Xác suất đang đạt chuẩn trong năm"}},
        {"criteria_met_mean", {"Criteria met (mean)", "Số tiêu chí đạt (trung bình)"}},
        {"criteria_met_p5", {"Criteria met (5%)", "Số tiêu chí đạt (5%)"}},
        {"criteria_met_p50", {"Criteria met (median)", "Số tiêu chí đạt (trung vị)"}},
        {"criteria_met_p95", {"Criteria met (95%)", "Số tiêu chí đạt (95%)"}},
        {"criteria_lost_mean", {"Criteria lost (mean)", "Số tiêu chí bị mất (trung bình)"}},
        {"criteria_met_start", {"Criteria met at the start", "Số tiêu chí đạt ban đầu"}},
        {"criterion", {"Criterion", "Tiêu chí"}},
        {"p_met", {"P(met)", "Xác suất đạt"}},
        {"expected_reached",
         {"Communes at the standard by the year (expected)", "Số xã đạt chuẩn (kỳ vọng)"}},
        {"expected_at_standard",
         {"Communes at the standard (expected)", "Số xã đang đạt chuẩn (kỳ vọng)"}},
        {"p_all_reached", {"P(every commune at the standard)", "Xác suất tất cả các xã đạt chuẩn"}},
        {"spent_bn", {"Spent (bn VND)", "Chi (tỷ đồng)"}},
        {"gap_bn", {"Funding gap (bn VND)", "Thiếu hụt vốn (tỷ đồng)"}},
        {"debt_bn", {"Debt (bn VND)", "Nợ (tỷ đồng)"}},
        {"item", {"Item", "Khoản mục"}},
        {"mean_bn", {"Mean (bn VND)", "Trung bình (tỷ đồng)"}},
        {"total_bn", {"Total (bn VND)", "Tổng (tỷ đồng)"}},
        {"key", {"Setting", "Thông số"}},
        {"value", {"Value", "Giá trị"}},
        {"asset", {"Asset (index in its layer)", "Công trình (số thứ tự trong lớp)"}},
        {"fid", {"Feature id", "FID"}},
        {"indicator", {"Indicator", "Chỉ tiêu"}},
        {"cost_bn", {"Cost (bn VND)", "Chi phí (tỷ đồng)"}},
        {"rank", {"Rank", "Thứ hạng"}},
        {"scenario", {"Scenario", "Kịch bản"}},
        {"target_year", {"Target year", "Năm mục tiêu"}},
        {"diff_lo95", {"Difference, 95% low", "Chênh lệch, cận dưới 95%"}},
        {"diff_hi95", {"Difference, 95% high", "Chênh lệch, cận trên 95%"}},
        {"criteria_gained", {"Criteria gained", "Số tiêu chí tăng thêm"}},
        {"cost_per_criterion_bn",
         {"Cost per criterion gained (bn VND)", "Chi phí mỗi tiêu chí tăng thêm (tỷ đồng)"}},
        {"gap_end_bn", {"Funding gap, last year (bn VND)", "Thiếu hụt vốn năm cuối (tỷ đồng)"}},
        {"debt_end_bn", {"Debt at the end (bn VND)", "Nợ cuối kỳ (tỷ đồng)"}},
        {"p_scenario", {"P(standard), scenario", "Xác suất đạt chuẩn, kịch bản"}},
        {"diff", {"Difference (points)", "Chênh lệch (điểm %)"}},
        {"met", {"Met at the start", "Đạt ban đầu"}}};
    return kHeaders;
}

// Words in the cells: kinds, money items, settings, policies.
const std::map<std::string, std::string>& vietnamese_values() {
    static const std::map<std::string, std::string> kValues = {
        {"commune", "xã"},
        {"township", "thị trấn"},
        {"road", "đường"},
        {"canal", "kênh mương"},
        {"school", "trường học"},
        {"facility", "thiết chế"},
        {"new_facility", "thiết chế mới"},
        {"realised_central", "Vốn thực hiện: ngân sách trung ương"},
        {"realised_province", "Vốn thực hiện: ngân sách tỉnh"},
        {"realised_district", "Vốn thực hiện: ngân sách huyện"},
        {"realised_commune", "Vốn thực hiện: ngân sách xã"},
        {"realised_people", "Vốn thực hiện: nhân dân đóng góp"},
        {"realised_enterprise", "Vốn thực hiện: doanh nghiệp"},
        {"realised_credit", "Vốn thực hiện: tín dụng"},
        {"realised_other", "Vốn thực hiện: khác"},
        {"carried_in", "Chuyển từ năm trước"},
        {"borrowed", "Vay"},
        {"repaid", "Trả nợ"},
        {"spent", "Đã chi"},
        {"carried_out", "Chuyển sang năm sau"},
        {"gap", "Thiếu hụt vốn"},
        {"debt", "Nợ"},
        {"spent_roads", "Chi: giao thông"},
        {"spent_irrigation", "Chi: thủy lợi"},
        {"spent_schools", "Chi: trường học"},
        {"spent_culture", "Chi: văn hóa"},
        {"scenario", "Kịch bản"},
        {"scenario_file", "Tệp kịch bản"},
        {"area", "Địa bàn"},
        {"criteria", "Bộ tiêu chí"},
        {"start", "Năm bắt đầu"},
        {"end", "Năm kết thúc"},
        {"draws", "Số lần mô phỏng"},
        {"seed", "Hạt giống ngẫu nhiên"},
        {"policy", "Cách phân bổ vốn"},
        {"communes", "Số xã"},
        {"ntmsim", "Phiên bản ntmsim"},
        {"closest_to_standard_first", "xã gần chuẩn nhất trước"},
        {"equal_share", "chia đều"},
        {"population", "theo dân số"},
        {"cost_effectiveness", "hiệu quả chi phí"},
        {"fixed_shares", "tỷ lệ cố định"}};
    return kValues;
}

const std::map<std::string, Words>& sheet_names() {
    static const std::map<std::string, Words> kSheets = {
        {"summary", {"Summary", "Tổng hợp"}},
        {"communes", {"Communes", "Các xã"}},
        {"criteria", {"Criteria", "Tiêu chí"}},
        {"funding", {"Funding", "Nguồn vốn"}},
        {"assets", {"Works", "Công trình"}},
        {"run", {"Run", "Thông tin chạy"}},
        {"district", {"Ranking", "Xếp hạng kịch bản"}},
        {"years", {"By year", "Theo năm"}},
        {"money", {"Money", "Kinh phí"}},
        {"changes", {"Changes", "Thay đổi lớn nhất"}}};
    return kSheets;
}

bool starts_with(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

bool ends_with(const std::string& s, const char* p) {
    const std::string q = p;
    return s.size() >= q.size() && s.compare(s.size() - q.size(), q.size(), q) == 0;
}

bool is_year(const std::string& s) {
    return s.size() == 4 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// How a column's numbers are shown.
enum class Kind { Text, Whole, Year, Share, Difference, Money, Mean, Real };

Kind kind_of(const std::string& table, const std::string& f) {
    if (f == "year" || f == "target_year" || f == "median_year" || starts_with(f, "year_"))
        return Kind::Year;
    if (ends_with(f, "_bn")) return Kind::Money;
    if (table == "district" && (starts_with(f, "diff") || f == "criteria_gained"))
        return Kind::Mean;  // communes, not probabilities
    if (f == "diff" || starts_with(f, "diff_") || starts_with(f, "lo_") || starts_with(f, "hi_"))
        return Kind::Difference;
    if (starts_with(f, "p_")) return Kind::Share;
    if (f == "rank" || f == "asset" || f == "fid" || f == "met" || f == "criteria_met_start" ||
        starts_with(f, "criteria_met_p"))
        return Kind::Whole;
    if (starts_with(f, "met_") || starts_with(f, "criteria_") || starts_with(f, "expected_"))
        return Kind::Mean;
    return Kind::Real;
}

// Characters, not bytes, for column widths.
std::size_t characters(const std::string& s) {
    std::size_t n = 0;
    for (const unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

}  // namespace

NewWorkbook start_workbook(const std::string& path, const std::string& title) {
    lxw_workbook_options options = {};
    options.constant_memory = LXW_FALSE;
    lxw_workbook* wb = workbook_new_opt(path.c_str(), &options);
    if (!wb) throw InputError(path + ": cannot create the workbook; check the folder and the disk");
    lxw_doc_properties props = {};
    props.title = const_cast<char*>(title.c_str());
    props.author = const_cast<char*>("ntmsim");
    props.created = 946684800;  // 2000-01-01: the same bytes on every run
    workbook_set_properties(wb, &props);
    lxw_format* head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_text_wrap(head);
    format_set_align(head, LXW_ALIGN_CENTER);
    format_set_align(head, LXW_ALIGN_VERTICAL_CENTER);
    format_set_bg_color(head, 0xDDEBF7);
    format_set_border(head, LXW_BORDER_THIN);
    return {wb, head};
}

std::string column_header(const std::string& table, const std::string& f, const std::string& lang) {
    const bool vi = lang == "vi";
    if (table == "district" && f == "name") return vi ? "Tên kịch bản" : "Scenario name";
    if (table == "district" && starts_with(f, "diff_vs_"))
        return (vi ? "Chênh lệch số xã so với " : "Difference in communes vs ") + f.substr(8);
    if (table == "assets" && f == "kind") return vi ? "Loại công trình" : "Kind of work";
    if (const auto it = headers().find(f); it != headers().end())
        return vi ? it->second.vi : it->second.en;
    if (starts_with(f, "p_std_") && is_year(f.substr(6)))
        return (vi ? "Xác suất đạt chuẩn đến " : "P(standard by ") + f.substr(6) + (vi ? "" : ")");
    if (starts_with(f, "met_") && is_year(f.substr(4)))
        return (vi ? "Số tiêu chí đạt " : "Criteria met ") + f.substr(4);
    if (starts_with(f, "p_") && is_year(f.substr(2)))
        return (vi ? "Xác suất hoàn thành đến " : "P(done by ") + f.substr(2) + (vi ? "" : ")");
    // A comparison's columns per scenario.
    static const std::vector<std::pair<std::string, Words>> kPerScenario = {
        {"diff_", {"Difference in P(standard): ", "Chênh lệch xác suất đạt chuẩn: "}},
        {"lo_", {"Difference, 95% low: ", "Chênh lệch, cận dưới 95%: "}},
        {"hi_", {"Difference, 95% high: ", "Chênh lệch, cận trên 95%: "}},
        {"year_", {"Median year: ", "Năm đạt chuẩn (trung vị): "}},
        {"met_", {"Criteria met: ", "Số tiêu chí đạt: "}},
        {"p_", {"P(standard): ", "Xác suất đạt chuẩn: "}}};
    for (const auto& [prefix, words] : kPerScenario)
        if (starts_with(f, prefix.c_str()))
            return (vi ? words.vi : words.en) + f.substr(prefix.size());
    return f;
}

int write_workbook(const std::vector<std::pair<std::string, std::string>>& tables,
                   const std::string& path, const std::string& lang, bool overwrite) {
    const bool vi = lang == "vi";
    // libxlsxwriter writes a file by name: a private temporary, whose bytes then go through the
    // one atomic write every output uses.
    const fs::path temp =
        fs::temp_directory_path() / ("ntmsim-" + std::to_string(std::hash<std::string>{}(path)) +
                                     "-" + std::to_string(::getpid()) + ".xlsx");
    const auto [wb, head] = start_workbook(temp.string(), vi ? "Kết quả ntmsim" : "ntmsim results");
    std::map<Kind, lxw_format*> formats;
    for (const auto& [k, num] :
         std::vector<std::pair<Kind, const char*>>{{Kind::Whole, "0"},
                                                   {Kind::Year, "0"},
                                                   {Kind::Share, "0.0%"},
                                                   {Kind::Difference, "+0.0%;-0.0%;0.0%"},
                                                   {Kind::Money, "#,##0.000"},
                                                   {Kind::Mean, "0.00"},
                                                   {Kind::Real, "0.000"}}) {
        formats[k] = workbook_add_format(wb);
        format_set_num_format(formats[k], num);
    }
    int sheets = 0;
    for (const auto& [table, csv] : tables) {
        const auto src = geo::VectorSource::open(csv, {"AUTODETECT_TYPE=YES"});
        auto layer = src.layer(0);
        if (layer.feature_count() >= 1048575) continue;
        const auto it = sheet_names().find(table);
        const std::string sheet =
            it != sheet_names().end() ? (vi ? it->second.vi : it->second.en) : table;
        lxw_worksheet* ws = workbook_add_worksheet(wb, sheet.c_str());
        const auto& names = layer.field_names();
        const auto& types = layer.field_types();
        std::vector<Kind> kinds;
        std::vector<std::size_t> widths;
        for (std::size_t c = 0; c < names.size(); ++c) {
            const bool numeric = types[c] == 1 || types[c] == 2;
            kinds.push_back(numeric ? kind_of(table, names[c]) : Kind::Text);
            const std::string h = column_header(table, names[c], lang);
            worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), h.c_str(), head);
            // Headers wrap over two lines: half their length, at least the longest word.
            widths.push_back(std::max<std::size_t>(8, (characters(h) + 1) / 2 + 2));
        }
        geo::Feature f;
        lxw_row_t row = 1;
        while (layer.next(f)) {
            for (std::size_t c = 0; c < names.size(); ++c) {
                const auto& v = f.values[c];
                if (!v || v->empty()) continue;
                const auto col = static_cast<lxw_col_t>(c);
                if (kinds[c] != Kind::Text) {
                    if (const auto d = parse_double(*v)) {
                        worksheet_write_number(ws, row, col, *d, formats[kinds[c]]);
                        widths[c] = std::max<std::size_t>(widths[c], 10);
                        continue;
                    }
                }
                std::string text = *v;
                if (vi)
                    if (const auto t = vietnamese_values().find(text);
                        t != vietnamese_values().end())
                        text = t->second;
                worksheet_write_string(ws, row, col, text.c_str(), nullptr);
                widths[c] = std::max(widths[c], std::min<std::size_t>(60, characters(text) + 2));
            }
            ++row;
        }
        for (std::size_t c = 0; c < names.size(); ++c)
            worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                                 static_cast<double>(widths[c]), nullptr);
        worksheet_set_row(ws, 0, 32, nullptr);
        worksheet_freeze_panes(ws, 1, 0);
        if (row > 1 && !names.empty())
            worksheet_autofilter(ws, 0, 0, row - 1, static_cast<lxw_col_t>(names.size() - 1));
        ++sheets;
    }
    const lxw_error err = workbook_close(wb);
    if (err != LXW_NO_ERROR) {
        fs::remove(temp);
        throw InputError(path + ": the workbook could not be written (" +
                         std::string(lxw_strerror(err)) + "); check the disk");
    }
    std::ifstream in(temp, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    in.close();
    fs::remove(temp);
    write_file_atomically(path, bytes.str(), overwrite);
    return sheets;
}

}  // namespace ntm::report
