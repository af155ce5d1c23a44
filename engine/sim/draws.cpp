#include "sim/draws.h"

#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/error.h"

namespace ntm::sim {

namespace {
constexpr char kMagic[8] = {'N', 'T', 'M', 'D', 'R', 'A', 'W', '1'};

template <typename T>
void put(std::ostream& out, const T& v) {
    out.write(reinterpret_cast<const char*>(&v), sizeof v);  // x86-64 and arm64: little-endian
}
template <typename T>
void get(std::istream& in, T& v, const std::string& path) {
    if (!in.read(reinterpret_cast<char*>(&v), sizeof v)) throw InputError(path + ": draws file is cut short");
}
}  // namespace

void DrawTable::resize(std::uint32_t first, std::uint32_t count, std::uint32_t n_communes, std::uint32_t n_years) {
    first_draw = first;
    draws = count;
    communes = n_communes;
    years = n_years;
    reached.assign(std::size_t{count} * n_communes, 0);
    spent.assign(std::size_t{count} * n_years, 0.0);
    gap.assign(std::size_t{count} * n_years, 0.0);
}

void DrawTable::append(const DrawTable& next) {
    if (draws == 0) {
        *this = next;
        return;
    }
    if (next.first_draw != first_draw + draws || next.communes != communes || next.years != years) {
        throw Error(ErrorKind::Internal, "draw tables do not follow each other");
    }
    draws += next.draws;
    reached.insert(reached.end(), next.reached.begin(), next.reached.end());
    spent.insert(spent.end(), next.spent.begin(), next.spent.end());
    gap.insert(gap.end(), next.gap.begin(), next.gap.end());
}

void write_draws(const DrawTable& t, const std::string& path) {
    const std::string temp = path + ".tmp";
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out) throw InputError(path + ": cannot write; check that the folder is writable");
        out.write(kMagic, sizeof kMagic);
        put(out, t.first_draw);
        put(out, t.draws);
        put(out, t.communes);
        put(out, t.years);
        out.write(reinterpret_cast<const char*>(t.reached.data()), static_cast<std::streamsize>(t.reached.size()));
        out.write(reinterpret_cast<const char*>(t.spent.data()), static_cast<std::streamsize>(t.spent.size() * sizeof(double)));
        out.write(reinterpret_cast<const char*>(t.gap.data()), static_cast<std::streamsize>(t.gap.size() * sizeof(double)));
        if (!out) {
            std::filesystem::remove(temp);
            throw InputError(path + ": writing failed (disk full?)");
        }
    }
    std::filesystem::rename(temp, path);
}

DrawTable read_draws(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path + ": cannot open; is this a results folder written by ntmsim simulate?");
    char magic[8];
    if (!in.read(magic, sizeof magic) || std::memcmp(magic, kMagic, sizeof magic) != 0)
        throw InputError(path + ": not an ntmsim draws file");
    DrawTable t;
    std::uint32_t first = 0, draws = 0, communes = 0, years = 0;
    get(in, first, path);
    get(in, draws, path);
    get(in, communes, path);
    get(in, years, path);
    t.resize(first, draws, communes, years);
    if (!in.read(reinterpret_cast<char*>(t.reached.data()), static_cast<std::streamsize>(t.reached.size())) ||
        !in.read(reinterpret_cast<char*>(t.spent.data()), static_cast<std::streamsize>(t.spent.size() * sizeof(double))) ||
        !in.read(reinterpret_cast<char*>(t.gap.data()), static_cast<std::streamsize>(t.gap.size() * sizeof(double))))
        throw InputError(path + ": draws file is cut short");
    return t;
}

}  // namespace ntm::sim
