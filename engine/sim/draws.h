#pragma once
// Per-draw outcomes, kept beside the aggregate so scenarios can be compared draw by draw: with
// common random numbers the paired differences are much tighter than the difference of two
// independent estimates. Stored in a results folder as draws.bin (format in docs/formats.md).
#include <cstdint>
#include <string>
#include <vector>

namespace ntm::sim {

struct DrawTable {
    // The bytes a table of this size holds: draws × (communes + 16 × years).
    static std::uint64_t bytes_for(std::uint64_t draws, std::uint64_t communes,
                                   std::uint64_t years) {
        return draws * (communes + 2 * sizeof(double) * years);
    }
    std::uint32_t first_draw = 0;
    std::uint32_t draws = 0;
    std::uint32_t communes = 0;
    std::uint32_t years = 0;
    // [draw][commune]: 1 + the year index in which the standard was first reached; 0: not reached.
    std::vector<std::uint8_t> reached;
    // [draw][year]: money spent and the funding gap, bn.
    std::vector<double> spent, gap;

    void resize(std::uint32_t first, std::uint32_t count, std::uint32_t n_communes,
                std::uint32_t n_years);
    std::uint8_t& reached_at(std::uint32_t d, std::uint32_t c) {
        return reached[std::size_t{d} * communes + c];
    }
    std::uint8_t reached_at(std::uint32_t d, std::uint32_t c) const {
        return reached[std::size_t{d} * communes + c];
    }
    // Appends another table of the draws that follow this one (exact).
    void append(const DrawTable& next);
    bool operator==(const DrawTable&) const = default;
};

// Little-endian binary: "NTMDRAW1", then first_draw, draws, communes, years (uint32 each), the
// reached matrix (uint8), then spent and gap (float64, [draw][year]). Written atomically.
void write_draws(const DrawTable& t, const std::string& path);
DrawTable read_draws(const std::string& path);  // throws InputError on a bad file

}  // namespace ntm::sim
