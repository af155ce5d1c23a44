#include "core/limits.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>

#include "core/error.h"
#include "core/text.h"

namespace ntm {

namespace {

// A cgroup limit file's number, or 0 for "max" or no such file.
std::uint64_t cgroup_limit(const char* path) {
    std::ifstream in(path);
    std::string text;
    if (!(in >> text) || text == "max") return 0;
    const auto v = parse_double(text);
    return v && *v > 0 && *v < 1e19 ? static_cast<std::uint64_t>(*v) : 0;
}

}  // namespace

std::uint64_t usable_memory_bytes() {
    if (const char* env = std::getenv("NTM_MEMORY_LIMIT_MB")) {
        const auto v = parse_double(env);
        if (!v || !(*v > 0))
            throw UsageError(std::string("NTM_MEMORY_LIMIT_MB='") + env +
                             "': give a number of megabytes");
        return static_cast<std::uint64_t>(*v * 1024 * 1024);
    }
    const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
    std::uint64_t total = pages > 0 && page > 0
                              ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page)
                              : 0;
    for (const char* f :
         {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
        const auto c = cgroup_limit(f);
        if (c > 0 && (total == 0 || c < total)) total = c;
    }
    if (total == 0) total = std::uint64_t{4} << 30;  // unknown: assume a small machine of 4 GB
    return total / 10 * 8;
}

std::string human_bytes(double bytes) {
    if (bytes >= 1e9) return format_fixed(bytes / 1e9, 1) + " GB";
    if (bytes >= 1e6) return format_fixed(bytes / 1e6, 0) + " MB";
    return format_fixed(bytes / 1e3, 0) + " kB";
}

void check_memory(std::uint64_t needed, const std::string& what, const std::string& advice) {
    const auto usable = usable_memory_bytes();
    if (needed <= usable) return;
    throw UsageError(what + " needs about " + human_bytes(static_cast<double>(needed)) +
                     " of memory; this machine gives " + human_bytes(static_cast<double>(usable)) +
                     " (80% of its memory, or NTM_MEMORY_LIMIT_MB; docs/limits.md): " + advice);
}

}  // namespace ntm
