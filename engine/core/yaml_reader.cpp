#include "core/yaml_reader.h"

#include <cmath>
#include <filesystem>
#include <map>
#include <vector>

#include "core/text.h"

namespace ntm::yaml {

YAML::Node load_file(const std::string& path, std::string_view what) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw ConfigError(path + ": is a folder, not a YAML file; give the file's path");
    try {
        return YAML::LoadFile(path);
    } catch (const YAML::BadFile&) {
        throw ConfigError(path + ": cannot open the " + std::string(what) + "; check the path");
    } catch (const YAML::Exception& e) {
        throw ConfigError(path + ", line " + std::to_string(e.mark.line + 1) +
                          ": not valid YAML: " + e.msg + "; fix the syntax at that line");
    }
}

std::string where(const std::string& file, const YAML::Node& node) {
    // An invalid node (a missing key looked up) has no mark, and asking for it throws.
    if (!node.IsDefined() || node.Mark().is_null()) return file;
    return file + ", line " + std::to_string(node.Mark().line + 1);
}

void Reader::fail(const YAML::Node& node, const std::string& key, const std::string& what) const {
    throw ConfigError(where(node) + ", key '" + key + "': " + what);
}

std::string Reader::key_name(const YAML::Node& key, const std::string& path) const {
    if (!key.IsScalar())
        fail(key, path.empty() ? "(top level)" : path,
             "a key must be a plain name, not a list or a mapping (a stray '?' or '[' before it?)");
    return key.Scalar();
}

std::vector<std::pair<std::string, YAML::Node>> Reader::entries(const YAML::Node& map,
                                                                const std::string& path) const {
    if (!map.IsMap()) fail(map, path, "expected a mapping of keys to values");
    std::vector<std::pair<std::string, YAML::Node>> out;
    std::map<std::string, YAML::Node> seen;
    for (const auto& kv : map) {
        const auto k = key_name(kv.first, path);
        if (const auto [it, fresh] = seen.emplace(k, kv.first); !fresh)
            fail(kv.first, path.empty() ? k : path + "." + k,
                 "given twice (first at line " + std::to_string(it->second.Mark().line + 1) +
                     "); YAML keeps only one of them, so remove the other");
        out.emplace_back(k, kv.second);
    }
    return out;
}

void Reader::keys(const YAML::Node& map, const std::string& path,
                  const std::set<std::string>& allowed) const {
    if (!map.IsMap()) fail(map, path, "expected a mapping of keys to values");
    for (const auto& kv : map) {
        const auto k = key_name(kv.first, path);
        if (!allowed.count(k))
            fail(kv.first, path.empty() ? k : path + "." + k,
                 "unknown key; allowed here: " + join({allowed.begin(), allowed.end()}, ", "));
    }
    entries(map, path);  // each key once
}

std::string Reader::text(const YAML::Node& n, const std::string& key) const {
    if (!n.IsDefined()) fail(n, key, "missing");
    if (!n.IsScalar()) fail(n, key, "expected a text value");
    return n.Scalar();
}

double Reader::number(const YAML::Node& n, const std::string& key, double min, double max) const {
    if (!n.IsDefined()) fail(n, key, "missing");
    if (!n.IsScalar()) fail(n, key, "expected a number");
    const auto v = parse_double(n.Scalar());
    if (!v || !std::isfinite(*v)) fail(n, key, "'" + n.Scalar() + "' is not a number");
    if (*v < min || *v > max) {
        fail(n, key,
             format_fixed(*v, 4) + " is out of range [" +
                 (min < -1e299 ? std::string("−∞") : format_fixed(min, 2)) + ", " +
                 (max > 1e299 ? std::string("∞") : format_fixed(max, 2)) + "]");
    }
    return *v;
}

}  // namespace ntm::yaml
