#include "core/error.h"

namespace ntm {

std::string Location::str() const {
    std::string out;
    auto add = [&out](const std::string& part) {
        if (!out.empty()) out += ", ";
        out += part;
    };
    if (!file.empty()) add(file);
    if (line >= 0) add("line " + std::to_string(line));
    if (!layer.empty()) add("layer '" + layer + "'");
    if (feature >= 0) add("feature " + std::to_string(feature));
    if (!field.empty()) add("field '" + field + "'");
    return out;
}

}  // namespace ntm
