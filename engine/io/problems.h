#pragma once
// Problems found in input data. Loading collects every problem rather than stopping at the first,
// so `ntmsim validate` can list them all.
#include <string>
#include <vector>

#include "core/error.h"

namespace ntm::io {

struct Problem {
    enum class Severity { Error, Warning, Repaired };
    Severity severity = Severity::Error;
    std::string code;  // stable kind, e.g. "invalid-geometry", "unknown-value"
    Location where;
    std::string what;  // what is wrong
    std::string hint;  // what to do

    std::string str() const;
};

class Problems {
 public:
    void error(std::string code, Location where, std::string what, std::string hint = {});
    void warning(std::string code, Location where, std::string what, std::string hint = {});
    void repaired(std::string code, Location where, std::string what);
    void add(Problem p) { m_items.push_back(std::move(p)); }
    void append(const Problems& other);

    const std::vector<Problem>& items() const { return m_items; }
    std::size_t errors() const;
    std::size_t warnings() const;
    bool has_errors() const { return errors() > 0; }
    std::size_t count(const std::string& code) const;

 private:
    std::vector<Problem> m_items;
};

}  // namespace ntm::io
