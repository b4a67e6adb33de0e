// The build without MPI: --mpi says how to get it.
#include "arith/errors.hpp"
#include "cluster/mpi_session.hpp"

namespace freelunch::cluster {

bool mpi_built() { return false; }

MpiSession::MpiSession() {
  throw UsageError("--mpi: this freelunch was built without MPI; install libopenmpi-dev and openmpi-bin (scripts/setup does) and rebuild");
}
MpiSession::~MpiSession() = default;
Distributor& MpiSession::distributor() { return *distributor_; }
void abort_job_if_distributed(int) {}

}  // namespace freelunch::cluster
