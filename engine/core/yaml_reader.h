#pragma once
// The one way ntmsim reads its YAML files (scenarios, criteria sets, recipes, manifests, priors):
// every complaint is a ConfigError naming the file, the line and the dotted key, and no
// yaml-cpp exception (a value of the wrong kind, a missing node) escapes as an internal error.
#include <yaml-cpp/yaml.h>

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace ntm::yaml {

// Loads a file. A folder, a file that cannot be opened or a syntax error is a ConfigError with
// the line; `what` names the kind of file in the message ("scenario file", "recipe file").
YAML::Node load_file(const std::string& path, std::string_view what);

// "FILE, line N" when the node comes from the file, else "FILE".
std::string where(const std::string& file, const YAML::Node& node);

// Runs `read` and turns any yaml-cpp exception it lets through into a ConfigError naming the
// file and the line. A safety net under the readers' own checks, which name the key too.
template <typename Read>
auto guarded(const std::string& file, Read&& read) -> decltype(read()) {
    try {
        return read();
    } catch (const YAML::Exception& e) {
        std::string at = file;
        if (!e.mark.is_null()) at += ", line " + std::to_string(e.mark.line + 1);
        throw ConfigError(at + ": a value of the wrong kind (" + e.msg +
                          "); check the value at that line against docs/scenarios.md or "
                          "docs/criteria.md");
    }
}

class Reader {
 public:
    explicit Reader(std::string file) : m_file(std::move(file)) {}
    const std::string& file() const { return m_file; }

    // Throws a ConfigError at the node's line (or the file's name alone when the node is
    // missing: callers that can, pass the enclosing mapping instead).
    [[noreturn]] void fail(const YAML::Node& node, const std::string& key,
                           const std::string& what) const;
    std::string where(const YAML::Node& node) const { return yaml::where(m_file, node); }

    // The text of a mapping's key, which must be a plain scalar (not a list or mapping).
    std::string key_name(const YAML::Node& key, const std::string& path) const;

    // A mapping's entries in file order; each key a plain name given once.
    std::vector<std::pair<std::string, YAML::Node>> entries(const YAML::Node& map,
                                                            const std::string& path) const;
    // Checks that `map` is a mapping whose keys are all in `allowed`, each given once.
    void keys(const YAML::Node& map, const std::string& path,
              const std::set<std::string>& allowed) const;

    std::string text(const YAML::Node& n, const std::string& key) const;
    // A finite number within [min, max].
    double number(const YAML::Node& n, const std::string& key, double min = -1e300,
                  double max = 1e300) const;

 private:
    std::string m_file;
};

}  // namespace ntm::yaml
