#include "io/manifest.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>

#include "core/error.h"
#include "model/study_area.h"

namespace fs = std::filesystem;

namespace ntm::io {

namespace {
[[noreturn]] void bad(const std::string& file, const YAML::Node& node, const std::string& key,
                      const std::string& what) {
    throw ConfigError(file + ", line " + std::to_string(node.Mark().line + 1) + ", key '" + key +
                      "': " + what);
}

std::string scalar(const std::string& file, const YAML::Node& node, const std::string& key) {
    if (!node.IsScalar()) bad(file, node, key, "expected a text value");
    return node.as<std::string>();
}

void check_keys(const std::string& file, const YAML::Node& map, const std::string& where,
                const std::set<std::string>& allowed) {
    if (!map.IsMap()) bad(file, map, where, "expected a mapping of keys to values");
    for (const auto& kv : map) {
        const auto key = kv.first.as<std::string>();
        if (!allowed.count(key)) {
            std::string list;
            for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
            bad(file, kv.first, where.empty() ? key : where + "." + key,
                "unknown key; allowed here: " + list);
        }
    }
}

std::string resolve(const std::string& base, const std::string& p) {
    const fs::path path(p);
    return path.is_absolute() ? p : (fs::path(base) / path).lexically_normal().string();
}
}  // namespace

Manifest read_manifest(const std::string& path) {
    Manifest m;
    m.path = path;
    m.base_dir = fs::path(path).has_parent_path() ? fs::path(path).parent_path().string() : ".";
    YAML::Node root;
    if (std::filesystem::is_directory(path)) throw ConfigError(path + ": is a folder, not a YAML file; give the file's path");
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::BadFile&) {
        throw ConfigError(path + ": cannot open the file");
    } catch (const YAML::Exception& e) {
        throw ConfigError(path + ", line " + std::to_string(e.mark.line + 1) + ": not valid YAML: " +
                          e.msg);
    }
    if (root.IsNull()) return m;
    check_keys(path, root, "", {"name", "source", "crs", "working_crs", "layers"});
    if (root["name"]) m.name = scalar(path, root["name"], "name");
    if (root["source"]) m.source = resolve(m.base_dir, scalar(path, root["source"], "source"));
    if (root["crs"]) m.crs = scalar(path, root["crs"], "crs");
    if (root["working_crs"]) m.working_crs = scalar(path, root["working_crs"], "working_crs");
    if (const auto layers = root["layers"]) {
        std::set<std::string> ours(std::begin(kLayerNames), std::end(kLayerNames));
        check_keys(path, layers, "layers", ours);
        for (const auto& kv : layers) {
            const auto name = kv.first.as<std::string>();
            const std::string where = "layers." + name;
            const YAML::Node& spec = kv.second;
            LayerMapping lm;
            if (spec.IsNull()) {
                m.layers[name] = lm;
                continue;
            }
            check_keys(path, spec, where, {"source", "layer", "open_options", "fields", "values", "defaults"});
            if (spec["source"]) lm.source = resolve(m.base_dir, scalar(path, spec["source"], where + ".source"));
            if (spec["layer"]) lm.layer = scalar(path, spec["layer"], where + ".layer");
            if (const auto oo = spec["open_options"]) {
                if (!oo.IsSequence()) bad(path, oo, where + ".open_options", "expected a list like [ENCODING=UTF-8]");
                for (const auto& o : oo) lm.open_options.push_back(scalar(path, o, where + ".open_options"));
            }
            if (const auto f = spec["fields"]) {
                if (!f.IsMap()) bad(path, f, where + ".fields", "expected a mapping: our_field: their_field");
                for (const auto& fkv : f)
                    lm.fields[fkv.first.as<std::string>()] = scalar(path, fkv.second, where + ".fields." + fkv.first.as<std::string>());
            }
            if (const auto v = spec["values"]) {
                if (!v.IsMap()) bad(path, v, where + ".values", "expected a mapping: field: {their_value: our_value}");
                for (const auto& vkv : v) {
                    const auto field = vkv.first.as<std::string>();
                    if (!vkv.second.IsMap()) bad(path, vkv.second, where + ".values." + field, "expected a mapping {their_value: our_value}");
                    for (const auto& e : vkv.second)
                        lm.values[field][e.first.as<std::string>()] = scalar(path, e.second, where + ".values." + field);
                }
            }
            if (const auto d = spec["defaults"]) {
                if (!d.IsMap()) bad(path, d, where + ".defaults", "expected a mapping: field: value");
                for (const auto& dkv : d)
                    lm.defaults[dkv.first.as<std::string>()] = scalar(path, dkv.second, where + ".defaults." + dkv.first.as<std::string>());
            }
            m.layers[name] = std::move(lm);
        }
    }
    return m;
}

}  // namespace ntm::io
