#pragma once
// The one exception hierarchy of ntmsim. Every message says what went wrong, where (file,
// layer, feature, field, line) and what to do about it.
#include <stdexcept>
#include <string>

namespace ntm {

enum class ErrorKind { Input, Config, Usage, Gdal, Geos, Internal };

class Error : public std::runtime_error {
 public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), m_kind(kind) {}
    ErrorKind kind() const { return m_kind; }

 private:
    ErrorKind m_kind;
};

// Bad input data: a file, layer, feature or field the user can fix.
class InputError : public Error {
 public:
    explicit InputError(const std::string& m) : Error(ErrorKind::Input, m) {}
};
// A bad configuration file (area.yaml, criteria set, scenario, recipe).
class ConfigError : public Error {
 public:
    explicit ConfigError(const std::string& m) : Error(ErrorKind::Config, m) {}
};
// A command line the program cannot act on.
class UsageError : public Error {
 public:
    explicit UsageError(const std::string& m) : Error(ErrorKind::Usage, m) {}
};
class GdalError : public Error {
 public:
    explicit GdalError(const std::string& m) : Error(ErrorKind::Gdal, m) {}
};
class GeosError : public Error {
 public:
    explicit GeosError(const std::string& m) : Error(ErrorKind::Geos, m) {}
};

// Where something is in the input: each part is optional and printed only when set.
struct Location {
    std::string file;
    std::string layer;
    long long feature = -1;  // OGR feature id; -1 when not about one feature
    std::string field;
    long long line = -1;  // line in a text file; -1 when not known

    std::string str() const;
};

// Process exit codes, documented in docs/user-guide.md.
inline constexpr int kExitOk = 0;
inline constexpr int kExitProblems = 1;  // bad input or validation problems found
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInternal = 3;

}  // namespace ntm
