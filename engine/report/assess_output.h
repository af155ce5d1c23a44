#pragma once
// Writing an assessment: a GeoPackage with the communes (one column per criterion and the
// counts), an indicators table and a gaps table, and the same three tables as CSV beside it.
#include <string>
#include <vector>

#include "criteria/evaluate.h"

namespace ntm::report {

struct Assessment {
    const StudyArea* area = nullptr;
    const criteria::CriteriaSet* set = nullptr;
    const indicators::AreaMeasures* measures = nullptr;
    const std::vector<criteria::CommuneResult>* results = nullptr;
    int year = 0;
};

// Writes OUT.gpkg and OUT-communes.csv, OUT-indicators.csv, OUT-gaps.csv beside it; returns
// the paths written. Existing outputs are replaced only with overwrite.
// The files write_assessment writes for OUT.gpkg: OUT.gpkg, OUT-communes.csv, OUT-indicators.csv,
// OUT-gaps.csv (checked and reserved by the command before any work).
std::vector<std::string> assessment_outputs(const std::string& gpkg_path);
std::vector<std::string> write_assessment(const Assessment& a, const std::string& gpkg_path,
                                          bool overwrite);

// Column name of a criterion in the communes layer: "c_2", "c_20".
std::string criterion_column(const std::string& id);

}  // namespace ntm::report
