#include "core/data_dir.h"

#include <cstdlib>

#include "core/paths.h"

namespace ntm {
std::string data_dir() {
    if (const char* d = std::getenv("NTM_DATA_DIR"); d && *d) return d;
    return kSourceDir;
}
}  // namespace ntm
