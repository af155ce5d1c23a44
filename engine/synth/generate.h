#pragma once
// Synthetic study areas. Communes are unions of jittered hexagon-like "hamlet cells" that tile an
// irregular district exactly; roads run between hamlet centres, canals along cell edges, and
// farmland fills the cells beside the canals. Every random number is a Philox draw keyed by the
// position it is for, and every parallel loop writes into slots indexed by its item, so the
// output is a pure function of the recipe, whatever the OpenMP thread count.
// Thread contract: call from one thread; it runs OpenMP loops inside.
#include <vector>

#include "model/study_area.h"
#include "synth/recipe.h"

namespace ntm::synth {

// What the generator designed for one commune, so tests and reports can check the assets.
struct CommuneDesign {
    CriteriaMet met{};                 // criteria met in the status year (index 1..20)
    double village_axis_hardened = 0;  // designed hardened length shares (criterion 2)
    double alley_hardened = 0;
    double field_hardened = 0;
    double served_target = 0;  // designed share of farmland served by lined canals (3.1)
    int criteria_met() const;
};

struct Generated {
    StudyArea area;
    std::vector<CommuneDesign> design;  // one per area.communes, same order
};

Generated generate_with_design(const Recipe& recipe);
StudyArea generate(const Recipe& recipe);

}  // namespace ntm::synth
