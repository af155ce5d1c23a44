#include "core/data_dir.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "core/paths.h"

namespace ntm {

namespace {

namespace fs = std::filesystem;

// A folder holds ntmsim's data when it has the bundled criteria sets.
bool holds_data(const fs::path& dir) {
    std::error_code ec;
    return fs::is_regular_file(dir / "scenarios" / "criteria" / "indicators.yaml", ec);
}

}  // namespace

std::string data_dir() {
    if (const char* d = std::getenv("NTM_DATA_DIR"); d && *d) return d;
    // Installed (`cmake --install`: PREFIX/bin/ntmsim and PREFIX/share/ntmsim/), or a copy of
    // the program placed beside the data; else the source tree it was built from.
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path bin = exe.parent_path();
        for (const fs::path& dir : {bin.parent_path() / "share" / "ntmsim", bin})
            if (holds_data(dir)) return dir.string();
    }
    return kSourceDir;
}

}  // namespace ntm
