#pragma once
// Helpers for tests that run the ntmsim program and check its files with GDAL's tools.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
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

// Road length per unit against GDAL's SQLite dialect (SpatiaLite's ST_Length(ST_Intersection)) on
// the same file: per unit and class from `assess` (the denominators of indicators 2.1–2.4, in
// OUT.gpkg) and per unit over all classes from `info`, each within 1e-6 relative. Returns the
// number of (unit, class) pairs compared with assess; `units` is how many units info lists.
struct RoadAgreement {
    int compared = 0;           // (unit, class) pairs compared with assess
    double worst = 0;           // worst relative difference with assess
    double km = 0;              // road km inside the units, by GDAL
    std::size_t info_rows = 0;  // units info lists
};

inline RoadAgreement expect_road_lengths_agree_with_gdal(const std::string& area,
                                                         const std::string& assessed) {
    RoadAgreement result;
    std::map<std::pair<std::string, std::string>, double> ours, oracle;
    const std::map<std::string, std::string> class_of = {
        {"2.1", "commune_axis"}, {"2.2", "village_axis"}, {"2.3", "alley"}, {"2.4", "field"}};
    for (const auto& row : ogr_sql(assessed,
                                   "SELECT code, indicator, denominator FROM indicators WHERE "
                                   "indicator IN ('2.1','2.2','2.3','2.4')"))
        ours[{row.at("code"), class_of.at(row.at("indicator"))}] = num(row.at("denominator"));
    const auto rows = ogr_sql(
        area,
        "SELECT c.code AS code, r.class AS class, SUM(ST_Length(ST_Intersection(c.geom, r.geom))) "
        "AS m "
        "FROM communes c JOIN rtree_roads_geom t ON t.minx <= ST_MaxX(c.geom) AND t.maxx >= "
        "ST_MinX(c.geom) "
        "AND t.miny <= ST_MaxY(c.geom) AND t.maxy >= ST_MinY(c.geom) JOIN roads r ON r.fid = t.id "
        "WHERE ST_Intersects(c.geom, r.geom) GROUP BY c.code, r.class");
    std::map<std::string, double> oracle_total;  // all classes, per unit, km
    for (const auto& row : rows) {
        oracle_total[row.at("code")] += num(row.at("m")) / 1000;
        result.km += num(row.at("m")) / 1000;
        if (row.at("class") != "other")
            oracle[{row.at("code"), row.at("class")}] = num(row.at("m"));
    }
    for (const auto& [key, m] : oracle) {
        if (m < 1e-6) continue;
        if (!ours.count(key)) continue;  // wards and townships are not assessed: no indicator rows
        const double rel = std::abs(ours[key] - m) / m;
        EXPECT_LT(rel, 1e-6) << key.first << " " << key.second << ": " << ours[key] << " vs " << m;
        result.worst = std::max(result.worst, rel);
        ++result.compared;
    }
    const auto info = info_csv(area);
    result.info_rows = info.size();
    for (const auto& [code, row] : info) {
        if (code == "inside" || code == "layer") continue;
        double km = 0;
        for (const auto& [col, v] : row)
            if (col.rfind("road_", 0) == 0) km += num(v);
        // info prints 6 decimals (1 mm): 25 columns' rounding on top of the 1e-6 relative
        // agreement.
        EXPECT_NEAR(km, oracle_total[code], 1e-6 * oracle_total[code] + 25 * 5e-7) << code;
    }
    return result;
}

}  // namespace ntm::test
