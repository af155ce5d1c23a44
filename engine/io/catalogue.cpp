#include "io/catalogue.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>

#include "core/data_dir.h"
#include "core/error.h"

namespace ntm::io {

const IndicatorInfo* Catalogue::find(const std::string& id) const {
    const auto it = indicators.find(id);
    return it == indicators.end() ? nullptr : &it->second;
}

Catalogue load_catalogue(const std::string& path) {
    Catalogue c;
    c.path = path;
    YAML::Node root;
    if (std::filesystem::is_directory(path))
        throw ConfigError(path + ": is a folder, not a YAML file; give the file's path");
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::BadFile&) {
        throw ConfigError(path +
                          ": cannot open the indicator catalogue; set NTM_DATA_DIR to the "
                          "folder holding scenarios/criteria/");
    } catch (const YAML::Exception& e) {
        throw ConfigError(path + ", line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    for (const auto& node : root["indicators"]) {
        IndicatorInfo info;
        try {
            info.id = node["id"].as<std::string>();
            info.unit = node["unit"].as<std::string>();
            info.kind = node["kind"].as<std::string>();
            info.name_vi = node["vi"].as<std::string>();
            info.name_en = node["en"].as<std::string>();
        } catch (const YAML::Exception&) {
            throw ConfigError(path + ", line " + std::to_string(node.Mark().line + 1) +
                              ": an indicator needs id, unit, kind, vi and en");
        }
        c.indicators[info.id] = info;
    }
    return c;
}

Catalogue default_catalogue() {
    return load_catalogue(data_dir() + "/scenarios/criteria/indicators.yaml");
}

}  // namespace ntm::io
