#include "sim/draws.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "core/error.h"
#include "core/output.h"
#include "core/wide_int.h"

namespace ntm::sim {

namespace {
constexpr char kMagic[8] = {'N', 'T', 'M', 'D', 'R', 'A', 'W', '1'};

template <typename T>
void get(std::istream& in, T& v, const std::string& path) {
    if (!in.read(reinterpret_cast<char*>(&v), sizeof v))
        throw InputError(path + ": draws file is cut short");
}
}  // namespace

void DrawTable::resize(std::uint32_t first, std::uint32_t count, std::uint32_t n_communes,
                       std::uint32_t n_years) {
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
    StagedOutput out(path, OutputKind::File, true);
    const int fd = ::open(out.path().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw InputError(path + ": cannot write (" + std::strerror(errno) +
                         "); check that the folder is writable");
    try {
        const std::uint32_t header[4] = {t.first_draw, t.draws, t.communes,
                                         t.years};  // little-endian hosts only
        write_all(fd, kMagic, sizeof kMagic, path);
        write_all(fd, header, sizeof header, path);
        write_all(fd, t.reached.data(), t.reached.size(), path);
        write_all(fd, t.spent.data(), t.spent.size() * sizeof(double), path);
        write_all(fd, t.gap.data(), t.gap.size() * sizeof(double), path);
    } catch (...) {
        ::close(fd);
        throw;
    }
    if (::close(fd) != 0)
        throw InputError(path + ": writing failed (" + std::strerror(errno) +
                         "); is the disk full?");
    out.commit();
}

DrawTable read_draws(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError(path +
                         ": cannot open; is this a results folder written by ntmsim simulate?");
    char magic[8];
    if (!in.read(magic, sizeof magic) || std::memcmp(magic, kMagic, sizeof magic) != 0)
        throw InputError(path + ": not an ntmsim draws file");
    DrawTable t;
    std::uint32_t first = 0, draws = 0, communes = 0, years = 0;
    get(in, first, path);
    get(in, draws, path);
    get(in, communes, path);
    get(in, years, path);
    // The header's sizes must account for the file exactly before anything is allocated.
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    const UInt128 expected = sizeof kMagic + 16 + static_cast<UInt128>(draws) * communes +
                             static_cast<UInt128>(draws) * years * 2 * sizeof(double);
    if (ec || years > 255 || static_cast<UInt128>(size) != expected ||
        std::uint64_t{first} + draws > std::numeric_limits<std::uint32_t>::max()) {
        throw InputError(path + ": the draws file is cut short or damaged (its header gives " +
                         std::to_string(draws) + " draws, " + std::to_string(communes) +
                         " communes, " + std::to_string(years) + " years, which the file's " +
                         std::to_string(size) + " bytes do not match); run simulate again");
    }
    t.resize(first, draws, communes, years);
    if (!in.read(reinterpret_cast<char*>(t.reached.data()),
                 static_cast<std::streamsize>(t.reached.size())) ||
        !in.read(reinterpret_cast<char*>(t.spent.data()),
                 static_cast<std::streamsize>(t.spent.size() * sizeof(double))) ||
        !in.read(reinterpret_cast<char*>(t.gap.data()),
                 static_cast<std::streamsize>(t.gap.size() * sizeof(double))))
        throw InputError(path + ": draws file is cut short");
    for (const auto r : t.reached)
        if (r > years)
            throw InputError(
                path +
                ": the draws file is damaged (a year index past the period); run simulate again");
    return t;
}

}  // namespace ntm::sim
