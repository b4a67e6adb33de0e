// --mpi with OpenMPI: a dynamic work queue on rank 0 (mpi_session.hpp).
#include "cluster/mpi_session.hpp"

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace freelunch::cluster {
namespace {

enum Tag : int { kWork = 1, kDone = 2, kResult = 3 };

bool g_session_alive = false;

void check(int rc, const char* what) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(rc, text, &length);
  throw std::runtime_error(std::string("MPI_") + what + " failed: " + std::string(text, static_cast<std::size_t>(length)));
}

// OpenMPI's blocking calls poll at full speed; a process that waits (the root for results, a
// worker for its next instance) would take a core from a worker computing on the same machine
// (`-np K` on K cores, or --oversubscribe). So waits poll with a growing pause, up to 2 ms:
// nothing next to an instance's run time.
class Backoff {
 public:
  void pause() {
    std::this_thread::sleep_for(delay_);
    delay_ = std::min(delay_ * 2, std::chrono::microseconds(2000));
  }

 private:
  std::chrono::microseconds delay_{20};
};

MPI_Status wait_for_message(int source, int tag) {
  Backoff backoff;
  for (;;) {
    int arrived = 0;
    MPI_Status status;
    check(MPI_Iprobe(source, tag, MPI_COMM_WORLD, &arrived, &status), "Iprobe");
    if (arrived) return status;
    backoff.pause();
  }
}

void wait_for_request(MPI_Request& request, const char* what) {
  Backoff backoff;
  for (;;) {
    int done = 0;
    check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), what);
    if (done) return;
    backoff.pause();
  }
}

int message_length(std::size_t bytes) {
  if (bytes > static_cast<std::size_t>(INT_MAX)) throw std::runtime_error("an instance's results exceed 2 GB; MPI cannot send them in one message");
  return static_cast<int>(bytes);
}

class MpiDistributor final : public Distributor {
 public:
  MpiDistributor(int rank, int size) : rank_(rank), size_(size) {}
  bool root() const override { return rank_ == 0; }
  std::size_t processes() const override { return static_cast<std::size_t>(size_); }

  void run(const std::vector<std::size_t>& todo, const std::function<std::string(std::size_t)>& compute,
           const std::function<void(std::size_t, std::string)>& on_result) override {
    if (root())
      hand_out(todo, on_result);
    else
      work(compute);
  }

  std::string broadcast(const std::string& text) override {
    std::uint64_t length = root() ? text.size() : 0;
    bcast(&length, 1, MPI_UINT64_T);
    std::string out = root() ? text : std::string(length, '\0');
    constexpr std::uint64_t kChunk = 1u << 30;
    for (std::uint64_t offset = 0; offset < length; offset += kChunk)
      bcast(out.data() + offset, static_cast<int>(std::min(kChunk, length - offset)), MPI_BYTE);
    return out;
  }

 private:
  void bcast(void* data, int count, MPI_Datatype type) {
    MPI_Request request;
    check(MPI_Ibcast(data, count, type, 0, MPI_COMM_WORLD, &request), "Ibcast");
    wait_for_request(request, "Ibcast");
  }

  // Root: every worker gets an index (or "done" when none is left); each result earns its worker
  // the next index before the root stores it, so the worker is never idle while the store syncs.
  void hand_out(const std::vector<std::size_t>& todo, const std::function<void(std::size_t, std::string)>& on_result) {
    std::size_t next = 0;
    int busy = 0;
    auto hand = [&](int worker) {
      if (next < todo.size()) {
        const std::uint64_t index = todo[next++];
        check(MPI_Send(&index, 1, MPI_UINT64_T, worker, kWork, MPI_COMM_WORLD), "Send");
        ++busy;
      } else {
        check(MPI_Send(nullptr, 0, MPI_BYTE, worker, kDone, MPI_COMM_WORLD), "Send");
      }
    };
    for (int worker = 1; worker < size_; ++worker) hand(worker);
    while (busy > 0) {
      MPI_Status status = wait_for_message(MPI_ANY_SOURCE, kResult);
      int length = 0;
      check(MPI_Get_count(&status, MPI_BYTE, &length), "Get_count");
      std::string message(static_cast<std::size_t>(length), '\0');
      check(MPI_Recv(message.data(), length, MPI_BYTE, status.MPI_SOURCE, kResult, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "Recv");
      --busy;
      if (message.size() < sizeof(std::uint64_t)) throw std::runtime_error("rank " + std::to_string(status.MPI_SOURCE) + " sent a malformed result");
      std::uint64_t index = 0;
      std::memcpy(&index, message.data(), sizeof index);
      hand(status.MPI_SOURCE);
      on_result(static_cast<std::size_t>(index), message.substr(sizeof index));
    }
  }

  // Worker: the result of each index, prefixed by the index, until "done".
  void work(const std::function<std::string(std::size_t)>& compute) {
    for (;;) {
      const MPI_Status status = wait_for_message(0, MPI_ANY_TAG);
      if (status.MPI_TAG == kDone) {
        check(MPI_Recv(nullptr, 0, MPI_BYTE, 0, kDone, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "Recv");
        return;
      }
      std::uint64_t index = 0;
      check(MPI_Recv(&index, 1, MPI_UINT64_T, 0, kWork, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "Recv");
      std::string message(sizeof index, '\0');
      std::memcpy(message.data(), &index, sizeof index);
      message += compute(static_cast<std::size_t>(index));
      check(MPI_Send(message.data(), message_length(message.size()), MPI_BYTE, 0, kResult, MPI_COMM_WORLD), "Send");
    }
  }

  int rank_;
  int size_;
};

}  // namespace

bool mpi_built() { return true; }

MpiSession::MpiSession() {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized) throw std::logic_error("one MpiSession per process");
  int provided = 0;
  check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "Init_thread");
  // Errors as return codes, so that they reach the one-line error and MPI_Abort of the command line.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "Comm_size");
  distributor_ = std::make_unique<MpiDistributor>(rank_, size_);
  g_session_alive = true;
}

MpiSession::~MpiSession() {
  // Unwinding from an error: the other ranks may be waiting for this one, so MPI_Finalize could
  // wait forever; the command line prints the error and ends the job (abort_job_if_distributed).
  if (std::uncaught_exceptions() > 0) return;
  g_session_alive = false;
  MPI_Finalize();
}

Distributor& MpiSession::distributor() { return *distributor_; }

void abort_job_if_distributed(int code) {
  if (!g_session_alive) return;
  std::fflush(stdout);
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, code);
}

}  // namespace freelunch::cluster
