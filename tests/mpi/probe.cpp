// A test program for the MPI team's failure path: rank 1 of the job throws an input error in a
// checked step while the others succeed; every rank must stop, rank 0 reporting rank 1's error.
// (Giving one rank of `ntmsim simulate` bad input on one machine would need a test hook in the
// product; this drives the same code, dist::run_on_ranks and Team::agree, directly.)
#include <cstdio>

#include "core/error.h"
#include "dist/mpi_team.h"

int main() {
    using namespace ntm;
    try {
        return dist::run_on_ranks([](sim::Team& team) {
            team.agree([&] {
                if (team.rank() == 1) throw InputError("probe: input failure on rank 1 only");
            });
            std::puts("probe: went on after a failed step");
            return kExitOk;
        });
    } catch (const Error& e) {
        std::fprintf(stderr, "probe: error: %s\n", e.what());
        return e.kind() == ErrorKind::Input ? kExitProblems : kExitInternal;
    }
}
