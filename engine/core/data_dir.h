#pragma once
#include <string>

namespace ntm {
// Where ntmsim's bundled data (scenarios/, datasets/) lives: $NTM_DATA_DIR, else the source tree
// the program was built from.
std::string data_dir();
}  // namespace ntm
