#include "io/problems.h"

namespace ntm::io {

std::string Problem::str() const {
    std::string s;
    switch (severity) {
        case Severity::Error:
            s = "error";
            break;
        case Severity::Warning:
            s = "warning";
            break;
        case Severity::Repaired:
            s = "repaired";
            break;
    }
    s += " [" + code + "]";
    const std::string loc = where.str();
    if (!loc.empty()) s += " " + loc;
    s += ": " + what;
    if (!hint.empty()) s += ". " + hint;
    return s;
}

void Problems::error(std::string code, Location where, std::string what, std::string hint) {
    m_items.push_back({Problem::Severity::Error, std::move(code), std::move(where), std::move(what),
                       std::move(hint)});
}

void Problems::warning(std::string code, Location where, std::string what, std::string hint) {
    m_items.push_back({Problem::Severity::Warning, std::move(code), std::move(where),
                       std::move(what), std::move(hint)});
}

void Problems::repaired(std::string code, Location where, std::string what) {
    m_items.push_back(
        {Problem::Severity::Repaired, std::move(code), std::move(where), std::move(what), {}});
}

void Problems::append(const Problems& other) {
    m_items.insert(m_items.end(), other.m_items.begin(), other.m_items.end());
}

std::size_t Problems::errors() const {
    std::size_t n = 0;
    for (const auto& p : m_items) n += p.severity == Problem::Severity::Error;
    return n;
}

std::size_t Problems::warnings() const {
    std::size_t n = 0;
    for (const auto& p : m_items) n += p.severity == Problem::Severity::Warning;
    return n;
}

std::size_t Problems::count(const std::string& code) const {
    std::size_t n = 0;
    for (const auto& p : m_items) n += p.code == code;
    return n;
}

}  // namespace ntm::io
