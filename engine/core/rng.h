#pragma once
// Counter-based random numbers (Philox4x32-10, Random123). A number is a pure function of its
// key (seed) and counter (draw, commune, year, stream), so results never depend on the thread
// count, the schedule or the number of processes. Distributions are written here, not taken from
// <random>, so their bits do not change with the standard library.
#include <Random123/philox.h>

#include <cmath>
#include <cstdint>
#include <string_view>

namespace ntm {

// Streams name what a number is used for, so two uses never share a counter.
enum class Stream : std::uint32_t {
    GenerateLayout = 1,
    GenerateRoads,
    GenerateCanals,
    GenerateFarmland,
    GenerateSchools,
    GenerateFacilities,
    GenerateStatus,
    GenerateAttributes,
    // The simulation: counters are (draw, commune or source << 8 | year index, n).
    SimFunds = 32,
    SimCredit,
    SimParticipation,
    SimOverrun,
    SimSoft,
    SimIncome,
    SimEffect,    // a commune's propensity in a draw
    SimCampaign,  // how much a campaign raises the people's contribution in a commune
    SimQuota,     // the province's registration pace in a draw
    // Calibration: parameter sets drawn around a fit, counters (set, 0, n).
    CalibrateParameters = 64,
};

class Rng {
 public:
    using Engine = r123::Philox4x32;

    explicit Rng(std::uint64_t seed) {
        m_key = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
    }

    // Four 32-bit words for the counter (a, b, c, d).
    Engine::ctr_type bits(std::uint32_t a, std::uint32_t b, std::uint32_t c,
                          std::uint32_t d) const {
        Engine engine;
        return engine(Engine::ctr_type{{a, b, c, d}}, m_key);
    }

    // Uniform in [0, 1) with 53 random bits, from the first two words of the block.
    double uniform(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) const {
        const auto r = bits(a, b, c, d);
        const std::uint64_t hi = r[0] >> 5;  // 27 bits
        const std::uint64_t lo = r[1] >> 6;  // 26 bits
        return static_cast<double>((hi << 26) | lo) * 0x1.0p-53;
    }

 private:
    Engine::key_type m_key;
};

// A sequence of numbers for one (stream, a, b) position: the n-th call uses counter d = n.
// Cheap to create; pass by value into each parallel item.
class RngStream {
 public:
    RngStream(const Rng& rng, Stream stream, std::uint32_t a, std::uint32_t b)
        : m_rng(&rng), m_stream(static_cast<std::uint32_t>(stream)), m_a(a), m_b(b) {}
    // For (stream, draw, key, year index): the counter is (stream | (year + 1) << 8, draw, key, n),
    // apart from every counter of the four-word form above. The simulation keys a commune by its
    // code (commune_key), so a layer's order changes no number.
    RngStream(const Rng& rng, Stream stream, std::uint32_t draw, std::uint32_t key, int year)
        : m_rng(&rng),
          m_stream(static_cast<std::uint32_t>(stream) |
                   (static_cast<std::uint32_t>(year + 1) << 8)),
          m_a(draw),
          m_b(key) {}

    double uniform() { return m_rng->uniform(m_stream, m_a, m_b, m_next++); }
    double uniform(double low, double high) { return low + (high - low) * uniform(); }
    // Integer in [0, n).
    std::uint32_t below(std::uint32_t n) {
        return static_cast<std::uint32_t>(uniform() * static_cast<double>(n)) % n;
    }
    bool chance(double p) { return uniform() < p; }
    // Standard normal by Box–Muller (one of the pair is discarded to keep the counter simple).
    double normal() {
        double u1 = uniform();
        const double u2 = uniform();
        if (u1 <= 0) u1 = 0x1.0p-53;
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
    }
    double normal(double mean, double sd) { return mean + sd * normal(); }

 private:
    const Rng* m_rng;
    std::uint32_t m_stream, m_a, m_b;
    std::uint32_t m_next = 0;
};

// A commune's key for its random streams: FNV-1a of its code (stable under any reordering; two
// codes sharing a key would only share draws).
inline std::uint32_t commune_key(std::string_view code) {
    std::uint32_t h = 2166136261U;
    for (const char ch : code) {
        h ^= static_cast<unsigned char>(ch);
        h *= 16777619U;
    }
    return h;
}

}  // namespace ntm
