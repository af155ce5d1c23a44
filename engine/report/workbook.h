#pragma once
// The Excel workbook of `ntmsim export --format xlsx`: one sheet per CSV table of a results or
// comparison folder, formatted as a planner would format it (a bold, wrapped header row frozen in
// place, an autofilter, column widths that fit, percentages, billions of VND with three decimals,
// years as years), in Vietnamese (headers, sheet names and the words in the cells) or English.
#include <string>
#include <utility>
#include <vector>

struct lxw_workbook;
struct lxw_format;

namespace ntm::report {

// A libxlsxwriter workbook as ntmsim starts them: fixed document properties (title, author, a
// creation date of 2000-01-01, so the file is the same bytes on every run) and the header format
// every sheet shares (bold, wrapped, centred, light blue, boxed). Throws InputError naming `path`.
struct NewWorkbook {
    lxw_workbook* workbook = nullptr;
    lxw_format* header = nullptr;
};
NewWorkbook start_workbook(const std::string& path, const std::string& title);

// `tables`: (table name, CSV path) in sheet order; `lang`: vi or en. Written to `path` through a
// temporary file (core/output.h); tables longer than Excel's 1,048,576 rows are left out.
// Returns the number of sheets written.
int write_workbook(const std::vector<std::pair<std::string, std::string>>& tables,
                   const std::string& path, const std::string& lang, bool overwrite);

// The Vietnamese or English column header of a results or comparison table's column.
std::string column_header(const std::string& table, const std::string& field,
                          const std::string& lang);

}  // namespace ntm::report
