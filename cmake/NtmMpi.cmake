# MPI scale-out (docs/scale.md): NTM_WITH_MPI is on by default when Open MPI (libopenmpi-dev,
# openmpi-bin) and Boost.Serialization are installed (scripts/install-deps.sh installs them).
find_package(MPI QUIET COMPONENTS CXX)
find_package(Boost 1.74 QUIET COMPONENTS serialization)
set(_ntm_mpi_found OFF)
if(MPI_CXX_FOUND AND Boost_SERIALIZATION_FOUND AND MPIEXEC_EXECUTABLE)
  set(_ntm_mpi_found ON)
endif()
option(NTM_WITH_MPI "Build the MPI scale-out of ntmsim simulate (Open MPI)" ${_ntm_mpi_found})
if(NTM_WITH_MPI AND NOT _ntm_mpi_found)
  message(FATAL_ERROR "NTM_WITH_MPI is on but MPI (C++), mpirun or Boost.Serialization was not found: "
                      "install libopenmpi-dev openmpi-bin libboost-serialization-dev (scripts/install-deps.sh) "
                      "or configure with -DNTM_WITH_MPI=OFF")
endif()
message(STATUS "ntmsim: MPI scale-out ${NTM_WITH_MPI}")
