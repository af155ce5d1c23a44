#include "dist/mpi_team.h"

#include <mpi.h>

#include <algorithm>
#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <limits>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/progress.h"
#include "core/text.h"
#include "dist/serialize.h"

namespace ntm::dist {

namespace {

constexpr int kTagResults = 1;
// MPI counts are ints: byte buffers travel in pieces of at most 1 GiB.
constexpr std::size_t kPiece = std::size_t{1} << 30;

template <typename... T>
std::string to_bytes(const T&... values) {
    std::ostringstream out(std::ios::binary);
    {
        boost::archive::binary_oarchive archive(out, boost::archive::no_header);
        (archive << ... << values);
    }
    return std::move(out).str();
}

template <typename... T>
void from_bytes(const std::string& bytes, T&... values) {
    std::istringstream in(bytes, std::ios::binary);
    boost::archive::binary_iarchive archive(in, boost::archive::no_header);
    (archive >> ... >> values);
}

void check(int rc, const char* what) {
    if (rc != MPI_SUCCESS) throw Error(ErrorKind::Internal, std::string("MPI ") + what + " failed");
}

void bcast_bytes(std::string& bytes, int root, int rank) {
    std::uint64_t n = bytes.size();
    check(MPI_Bcast(&n, 1, MPI_UINT64_T, root, MPI_COMM_WORLD), "broadcast");
    if (rank != root) bytes.resize(n);
    for (std::size_t at = 0; at < n; at += kPiece) {
        const auto len = static_cast<int>(std::min<std::size_t>(kPiece, n - at));
        check(MPI_Bcast(bytes.data() + at, len, MPI_BYTE, root, MPI_COMM_WORLD), "broadcast");
    }
}

void send_bytes(const std::string& bytes, int to) {
    const std::uint64_t n = bytes.size();
    check(MPI_Send(&n, 1, MPI_UINT64_T, to, kTagResults, MPI_COMM_WORLD), "send");
    for (std::size_t at = 0; at < n; at += kPiece) {
        const auto len = static_cast<int>(std::min<std::size_t>(kPiece, n - at));
        check(MPI_Send(bytes.data() + at, len, MPI_BYTE, to, kTagResults, MPI_COMM_WORLD), "send");
    }
}

std::string recv_bytes(int from) {
    std::uint64_t n = 0;
    check(MPI_Recv(&n, 1, MPI_UINT64_T, from, kTagResults, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
          "receive");
    std::string bytes(n, '\0');
    for (std::size_t at = 0; at < n; at += kPiece) {
        const auto len = static_cast<int>(std::min<std::size_t>(kPiece, n - at));
        check(MPI_Recv(bytes.data() + at, len, MPI_BYTE, from, kTagResults, MPI_COMM_WORLD,
                       MPI_STATUS_IGNORE),
              "receive");
    }
    return bytes;
}

// Waits for every rank to get here without spinning a core: Open MPI's blocking collectives
// poll, and a rank waiting for rank 0 to measure the area would take a core from it.
void quiet_barrier() {
    MPI_Request request;
    check(MPI_Ibarrier(MPI_COMM_WORLD, &request), "barrier");
    for (int done = 0;;) {
        check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), "barrier");
        if (done) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

class MpiTeam final : public sim::Team {
 public:
    MpiTeam() {
        int provided = 0;
        // OpenMP threads run the draws, but only the main thread calls MPI.
        check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "initialisation");
        MPI_Comm_rank(MPI_COMM_WORLD, &m_rank);
        MPI_Comm_size(MPI_COMM_WORLD, &m_size);
    }
    ~MpiTeam() override {
        int finalized = 0;
        MPI_Finalized(&finalized);
        if (!finalized) MPI_Finalize();
    }

    int rank() const override { return m_rank; }
    int size() const override { return m_size; }

    void agree(const std::function<void()>& work) override {
        int kind = -1;  // −1: fine, else the ErrorKind
        std::string message;
        try {
            work();
        } catch (const Error& e) {
            kind = static_cast<int>(e.kind());
            message = e.what();
        } catch (const std::exception& e) {
            kind = static_cast<int>(ErrorKind::Internal);
            message = std::string("internal error: ") + e.what();
        }
        quiet_barrier();
        std::vector<int> kinds(static_cast<std::size_t>(m_size));
        check(MPI_Allgather(&kind, 1, MPI_INT, kinds.data(), 1, MPI_INT, MPI_COMM_WORLD),
              "status exchange");
        if (std::all_of(kinds.begin(), kinds.end(), [](int k) { return k < 0; })) return;
        // Somebody failed: every rank learns every message, and all throw the same error.
        std::vector<std::string> messages(static_cast<std::size_t>(m_size));
        for (int r = 0; r < m_size; ++r) {
            std::string m = r == m_rank ? message : std::string();
            bcast_bytes(m, r, m_rank);
            messages[static_cast<std::size_t>(r)] = std::move(m);
        }
        int first = -1;
        bool same = true;
        for (int r = 0; r < m_size; ++r) {
            const auto i = static_cast<std::size_t>(r);
            if (kinds[i] < 0) {
                same = false;
                continue;
            }
            if (first < 0) first = r;
            same = same && messages[i] == messages[static_cast<std::size_t>(first)];
        }
        std::string text;
        if (same) {
            text = messages[static_cast<std::size_t>(first)] + " (on all " +
                   std::to_string(m_size) + " ranks)";
        } else {
            for (int r = 0; r < m_size; ++r) {
                const auto i = static_cast<std::size_t>(r);
                if (kinds[i] < 0) continue;
                if (!text.empty()) text += "\n";
                text += "rank " + std::to_string(r) + " of " + std::to_string(m_size) + ": " +
                        messages[i];
            }
        }
        throw sim::TeamFailed(static_cast<ErrorKind>(kinds[static_cast<std::size_t>(first)]), text);
    }

    void share_input(sim::SimInput& in, const scenario::Scenario& sc,
                     const criteria::CriteriaSet& set) override {
        const auto t0 = std::chrono::steady_clock::now();
        std::string bytes;
        if (root()) bytes = to_bytes(in);
        bcast_bytes(bytes, 0, m_rank);
        if (root()) {
            const double secs =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            note("sent the compiled input (" +
                 format_fixed(static_cast<double>(bytes.size()) / 1e6, 1) + " MB) to " +
                 (m_size == 2 ? std::string("the other rank")
                              : "the other " + std::to_string(m_size - 1) + " ranks") +
                 " in " + format_fixed(secs, 2) + " s");
            return;
        }
        in = sim::SimInput{};
        from_bytes(bytes, in);
        in.area = nullptr;
        in.scenario = &sc;
        sim::attach_criteria(in, sc, set);  // the union of a run that changes set is rebuilt here
    }

    void combine(sim::Aggregate& agg, sim::DrawTable& draws) override {
        if (!root()) {
            send_bytes(to_bytes(agg, draws), 0);
            return;
        }
        // Rank order, one part in memory at a time: the sums are exact integers, and the draw
        // tables must follow each other.
        const auto t0 = std::chrono::steady_clock::now();
        std::size_t received = 0;
        for (int r = 1; r < m_size; ++r) {
            sim::Aggregate part;
            sim::DrawTable part_draws;
            const std::string bytes = recv_bytes(r);
            received += bytes.size();
            from_bytes(bytes, part, part_draws);
            agg.merge(part);
            draws.append(part_draws);
        }
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        note("merged the results of " + std::to_string(m_size - 1) +
             (m_size == 2 ? " other rank (" : " other ranks (") +
             format_fixed(static_cast<double>(received) / 1e6, 1) + " MB) in " +
             format_fixed(secs, 2) + " s");
    }

 private:
    int m_rank = 0, m_size = 1;
};

}  // namespace

bool launched_by_mpi() {
    for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"})
        if (std::getenv(var)) return true;
    return false;
}

int run_on_ranks(const std::function<int(sim::Team&)>& job) {
    std::exception_ptr failure;
    int code = kExitOk;
    {
        MpiTeam team;
        // One voice: the other ranks keep warnings and errors but not notes and progress.
        if (!team.root()) {
            set_quiet(true);
            Progress::set_enabled(false);
        }
        try {
            code = job(team);
        } catch (const sim::TeamFailed&) {
            // Rank 0 reports the failure and its exit code is the job's. The other ranks end
            // with 0: mpiexec stops the whole job as soon as any rank ends non-zero, and could
            // kill rank 0 before it has written the message.
            if (team.root()) failure = std::current_exception();
        } catch (const std::exception& e) {
            std::fprintf(stderr,
                         "ntmsim simulate: rank %d of %d failed outside a checked step: %s; "
                         "stopping the job\n",
                         team.rank(), team.size(), e.what());
            std::fflush(stderr);
            MPI_Abort(MPI_COMM_WORLD, kExitInternal);
        }
    }
    if (failure) std::rethrow_exception(failure);
    return code;
}

}  // namespace ntm::dist
