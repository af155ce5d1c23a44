#include "io/manifest.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>

#include "core/error.h"
#include "core/yaml_reader.h"
#include "model/study_area.h"

namespace fs = std::filesystem;

namespace ntm::io {

namespace {
std::string resolve(const std::string& base, const std::string& p) {
    const fs::path path(p);
    return path.is_absolute() ? p : (fs::path(base) / path).lexically_normal().string();
}
}  // namespace

Manifest read_manifest(const std::string& path) {
    Manifest m;
    m.path = path;
    m.base_dir = fs::path(path).has_parent_path() ? fs::path(path).parent_path().string() : ".";
    const YAML::Node root = yaml::load_file(path, "area file");
    const yaml::Reader r(path);
    return yaml::guarded(path, [&] {
        if (root.IsNull()) return m;
        r.keys(root, "", {"name", "source", "crs", "working_crs", "layers"});
        if (root["name"]) m.name = r.text(root["name"], "name");
        if (root["source"]) m.source = resolve(m.base_dir, r.text(root["source"], "source"));
        if (root["crs"]) m.crs = r.text(root["crs"], "crs");
        if (root["working_crs"]) m.working_crs = r.text(root["working_crs"], "working_crs");
        if (const auto layers = root["layers"]) {
            std::set<std::string> ours(std::begin(kLayerNames), std::end(kLayerNames));
            r.keys(layers, "layers", ours);
            for (const auto& [name, spec] : r.entries(layers, "layers")) {
                const std::string where = "layers." + name;
                LayerMapping lm;
                if (spec.IsNull()) {
                    m.layers[name] = lm;
                    continue;
                }
                r.keys(spec, where,
                       {"source", "layer", "open_options", "fields", "values", "defaults"});
                if (spec["source"])
                    lm.source = resolve(m.base_dir, r.text(spec["source"], where + ".source"));
                if (spec["layer"]) lm.layer = r.text(spec["layer"], where + ".layer");
                if (const auto oo = spec["open_options"]) {
                    if (!oo.IsSequence())
                        r.fail(oo, where + ".open_options",
                               "expected a list like [ENCODING=UTF-8]");
                    for (const auto& o : oo)
                        lm.open_options.push_back(r.text(o, where + ".open_options"));
                }
                if (const auto f = spec["fields"]) {
                    if (!f.IsMap())
                        r.fail(f, where + ".fields", "expected a mapping: our_field: their_field");
                    for (const auto& [our_field, their_field] : r.entries(f, where + ".fields"))
                        lm.fields[our_field] = r.text(their_field, where + ".fields." + our_field);
                }
                if (const auto v = spec["values"]) {
                    if (!v.IsMap())
                        r.fail(v, where + ".values",
                               "expected a mapping: field: {their_value: our_value}");
                    for (const auto& [field, table] : r.entries(v, where + ".values")) {
                        if (!table.IsMap())
                            r.fail(table, where + ".values." + field,
                                   "expected a mapping {their_value: our_value}");
                        for (const auto& [their_value, our_value] :
                             r.entries(table, where + ".values." + field))
                            lm.values[field][their_value] =
                                r.text(our_value, where + ".values." + field);
                    }
                }
                if (const auto d = spec["defaults"]) {
                    if (!d.IsMap())
                        r.fail(d, where + ".defaults", "expected a mapping: field: value");
                    for (const auto& [field, value] : r.entries(d, where + ".defaults"))
                        lm.defaults[field] = r.text(value, where + ".defaults." + field);
                }
                m.layers[name] = std::move(lm);
            }
        }
        return m;
    });
}

}  // namespace ntm::io
