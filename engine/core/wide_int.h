#pragma once
// 128-bit integers (GCC and Clang), for exact sums that 64 bits cannot hold: money over every
// draw and year, the sizes of files and tables computed from their headers.
#include <string>

namespace ntm {

__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

// A 128-bit integer as decimal text.
inline std::string to_string(Int128 v) {
    if (v == 0) return "0";
    const bool negative = v < 0;
    UInt128 u = negative ? UInt128(0) - static_cast<UInt128>(v) : static_cast<UInt128>(v);
    std::string s;
    while (u > 0) {
        s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
        u /= 10;
    }
    return negative ? "-" + s : s;
}

}  // namespace ntm
