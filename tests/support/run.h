#pragma once
// Running a program from a test and capturing what it prints.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace ntm::test {

struct RunResult {
    int exit_code = -1;
    std::string out;  // stdout (stderr goes to the test log)
};

inline RunResult run(const std::string& command) {
    RunResult r;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return r;
    std::array<char, 4096> buf{};
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
    const int status = ::pclose(pipe);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

inline std::string quote(const std::string& s) {
    std::string q = "'";
    for (const char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

}  // namespace ntm::test
