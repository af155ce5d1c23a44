#pragma once
// The catalogue of indicator ids (scenarios/criteria/indicators.yaml), so status rows can be
// checked and named.
#include <map>
#include <string>

namespace ntm::io {

struct IndicatorInfo {
    std::string id;
    std::string unit;  // met, share, mvnd_per_person_year
    std::string kind;  // measured, status
    std::string name_vi;
    std::string name_en;
};

struct Catalogue {
    std::string path;
    std::map<std::string, IndicatorInfo> indicators;
    const IndicatorInfo* find(const std::string& id) const;
};

Catalogue load_catalogue(const std::string& path);
Catalogue default_catalogue();

}  // namespace ntm::io
