#pragma once
// `--mpi`: one command run by every process of `mpirun -np K`, its instances shared out
// dynamically (core/distributor.hpp). Rank 0 is the root: it reads and writes the results store,
// hands each worker the next instance as soon as the worker sends back its last one, and alone
// prints and writes the outputs, which are the bytes of a single-process run. Each worker computes
// one instance at a time (run K processes per machine, not --jobs). A rank that dies ends the job
// (mpirun stops the others); every result the root had received is in the store, so the same
// command run again computes only the rest.
//
// MPI is optional at build time (CMake finds OpenMPI's libopenmpi-dev): without it, mpi_built()
// is false and MpiSession's constructor throws a UsageError saying so.
#include <memory>

#include "core/distributor.hpp"

namespace freelunch::cluster {

bool mpi_built();

// MPI_Init_thread on construction (funneled: only the main thread talks to MPI), MPI_Finalize on
// destruction. One per process.
class MpiSession {
 public:
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  Distributor& distributor();
  bool root() const { return rank_ == 0; }
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0;
  int size_ = 1;
  std::unique_ptr<Distributor> distributor_;
};

// Called by the command line after it printed an error: inside a session, ends every process of
// the job with `code` (MPI_Abort), as the others may be waiting for this one; otherwise returns.
void abort_job_if_distributed(int code);

}  // namespace freelunch::cluster
