#pragma once
// The ranks of an MPI job as a sim::Team (docs/scale.md). Every rank runs the same `ntmsim
// simulate` command line; rank 0 reads the area, writes the results and prints; the draws of
// each scenario are split into contiguous blocks, one per rank, and merged on rank 0 in rank
// order, so the output is the bytes a one-process run writes.
#include <functional>

#include "sim/team.h"

namespace ntm::dist {

// True when this process was started by an MPI launcher (Open MPI's mpirun / mpiexec, or Slurm
// srun with PMIx or PMI-2): MPI is initialised only then, so the same binary runs alone without
// any MPI start-up.
bool launched_by_mpi();

// Initialises MPI, runs `job` with the team of ranks and finalises MPI. When the job fails on
// any rank (sim::TeamFailed from agree()), rank 0 throws the error for the command to report
// and the other ranks return its exit code, quietly. An error that escapes a collective step
// prints which rank failed and aborts the whole job (MPI_Abort): the others could not go on.
int run_on_ranks(const std::function<int(sim::Team&)>& job);

}  // namespace ntm::dist
