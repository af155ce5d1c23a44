#pragma once
// Helpers for tests that run the ntmsim program and check its files with GDAL's tools.
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/text.h"
#include "support/run.h"
#include "test_paths.h"

namespace ntm::test {

inline std::string ntmsim(const std::string& args) {
    return std::string(test::kNtmsim) + " " + args;
}

// Rows of an `ogrinfo -q -sql` answer: each feature's "name (Type) = value" lines as a map.
inline std::vector<std::map<std::string, std::string>> ogr_sql(const std::string& file,
                                                               const std::string& sql) {
    const auto r = run("ogrinfo -ro -q -dialect SQLite -sql " + quote(sql) + " " + quote(file));
    EXPECT_EQ(r.exit_code, 0) << sql;
    std::vector<std::map<std::string, std::string>> rows;
    std::istringstream in(r.out);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("OGRFeature", 0) == 0) {
            rows.emplace_back();
            continue;
        }
        const auto paren = line.find(" (");
        const auto eq = line.find(") = ");
        if (rows.empty() || paren == std::string::npos || eq == std::string::npos) continue;
        rows.back()[trim(line.substr(0, paren))] = line.substr(eq + 4);
    }
    return rows;
}

// info --format csv as rows keyed by code, each a map column → text.
inline std::map<std::string, std::map<std::string, std::string>> info_csv(const std::string& area) {
    const auto r = run(ntmsim("info --format csv " + quote(area)));
    EXPECT_EQ(r.exit_code, 0);
    std::map<std::string, std::map<std::string, std::string>> rows;
    std::istringstream in(r.out);
    std::string header, line;
    std::getline(in, header);
    const auto cols = split(header, ',');
    while (std::getline(in, line)) {
        // Codes and names are quoted and contain no commas in generated data.
        std::string plain;
        for (const char c : line)
            if (c != '"') plain += c;
        const auto vals = split(plain, ',');
        EXPECT_EQ(vals.size(), cols.size()) << line;
        std::map<std::string, std::string> row;
        for (std::size_t i = 0; i < cols.size() && i < vals.size(); ++i) row[cols[i]] = vals[i];
        rows[vals[0]] = row;
    }
    return rows;
}

inline double num(const std::string& s) { return parse_double(s).value_or(-1e300); }

}  // namespace ntm::test
