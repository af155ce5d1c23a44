#pragma once
// Checks across a loaded study area: duplicate codes, assets outside every commune, status rows
// naming unknown communes or indicators.
#include "io/catalogue.h"
#include "io/problems.h"
#include "model/study_area.h"

namespace ntm::io {

void check_study_area(const StudyArea& area, const Catalogue& catalogue, Problems& problems);

}  // namespace ntm::io
