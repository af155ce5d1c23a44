#pragma once
// libFuzzer harnesses (docs/fuzzing.md): each writes the fuzzer's bytes to a file and calls one
// of ntmsim's readers on it. A reader may refuse the input with an ntm::Error (that is the point:
// a clear error); anything else (a crash, a hang, a sanitizer report, another exception) is a bug.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ntm::fuzz {

// A folder of this process's own under /dev/shm (or the temporary folder), removed at exit.
inline const std::filesystem::path& work_dir() {
    static const std::filesystem::path dir = [] {
        std::filesystem::path base = std::filesystem::exists("/dev/shm")
                                         ? "/dev/shm"
                                         : std::filesystem::temp_directory_path();
        auto d = base / ("ntmsim-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(d);
        std::atexit([] {
            std::error_code ec;
            std::filesystem::remove_all(work_dir(), ec);
        });
        return d;
    }();
    return dir;
}

inline std::string put(const std::string& name, std::string_view bytes) {
    const auto path = (work_dir() / name).string();
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path;
}

// Runs `read`; an ntm::Error is an accepted answer, any other exception aborts (a finding).
template <typename Read>
void expect_clear(Read read) {
    try {
        read();
    } catch (const ntm::Error&) {
    } catch (const std::exception& e) {
        std::fprintf(stderr, "not an ntm::Error: %s\n", e.what());
        std::abort();
    }
}

}  // namespace ntm::fuzz
