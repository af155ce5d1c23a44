#pragma once
#include <string>

namespace ntm {
// Where ntmsim's bundled data (scenarios/, datasets/, viewer/dist/) lives: $NTM_DATA_DIR; else
// PREFIX/share/ntmsim when the program is installed as PREFIX/bin/ntmsim (`cmake --install`), or
// the program's own folder when it holds the data; else the source tree it was built from.
std::string data_dir();
}  // namespace ntm
