#pragma once
// The bundled Can Lộc area, read and measured, with the criteria set its scenarios use: what the
// tests on real data start from (once per suite: reading and measuring take seconds).
#include <string>

#include "criteria/criteria_set.h"
#include "indicators/measure.h"
#include "io/load.h"
#include "test_paths.h"

namespace ntm::test {

struct CanLocArea {
    io::LoadResult loaded = io::load_study_area(std::string(kSourceDir) + "/datasets/canloc");
    indicators::AreaMeasures measures = indicators::measure_area(loaded.area);
    criteria::CriteriaSet set = criteria::load_criteria_set("hatinh-2017");
};

}  // namespace ntm::test
