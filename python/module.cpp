// _freelunch: the compiled half of the Python module. One entry, `run`, runs a freelunch command
// in process (cli::run_captured) and returns what its --json printed; python/freelunch/ builds the
// API on it, so the module and the command line share every key and every number.
//
// The command runs on a worker thread while the calling thread waits without the GIL, waking
// every 50 ms to let Python handle signals: Ctrl-C requests cooperative cancellation
// (core/cancel.hpp: polled at every step of a model and every instance of a sweep), the worker
// unwinds, and the call raises KeyboardInterrupt, leaving the interpreter and the library usable.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "arith/mpfr_guard.hpp"
#include "cli/app.hpp"
#include "core/cancel.hpp"
#include "core/version.hpp"

namespace py = pybind11;

namespace {

struct Worker {
  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;
  freelunch::cli::CapturedRun result;
};

py::tuple run(const std::vector<std::string>& args, std::optional<std::string> stdin_text) {
  auto worker = std::make_shared<Worker>();
  bool interrupted = false;
  {
    py::gil_scoped_release release;
    std::thread thread([worker, args, stdin_text = std::move(stdin_text)]() mutable {
      freelunch::cli::CapturedRun r = freelunch::cli::run_captured(args, std::move(stdin_text));
      freelunch::arith::mpfr_release_thread_caches();
      std::lock_guard<std::mutex> lock(worker->mutex);
      worker->result = std::move(r);
      worker->done = true;
      worker->finished.notify_all();
    });
    std::unique_lock<std::mutex> lock(worker->mutex);
    while (!worker->done) {
      if (worker->finished.wait_for(lock, std::chrono::milliseconds(50), [&] { return worker->done; })) break;
      if (interrupted) continue;  // cancellation requested: wait for the worker to unwind
      lock.unlock();
      {
        py::gil_scoped_acquire acquire;
        if (PyErr_CheckSignals() != 0) {  // the handler raised (KeyboardInterrupt): keep it set
          interrupted = true;
          freelunch::request_cancel();
        }
      }
      lock.lock();
    }
    lock.unlock();
    thread.join();
  }
  if (interrupted) {
    freelunch::clear_cancel();
    throw py::error_already_set();
  }
  const freelunch::cli::CapturedRun& r = worker->result;
  using Error = freelunch::cli::CapturedRun::Error;
  switch (r.error) {
    case Error::none:
      break;
    case Error::usage:
      throw py::value_error(r.message);
    case Error::cancelled:
      PyErr_SetNone(PyExc_KeyboardInterrupt);
      throw py::error_already_set();
    case Error::internal:
      throw std::runtime_error("freelunch internal error: " + r.message);
  }
  return py::make_tuple(r.exit_code, py::bytes(r.json));
}

}  // namespace

PYBIND11_MODULE(_freelunch, m) {
  m.doc() = "freelunch's engine; use the `freelunch` package, which wraps this module";
  m.def("run", &run, py::arg("args"), py::arg("stdin") = py::none(),
        "Runs `freelunch ARGS...` in process; returns (exit code, the JSON lines it emitted as bytes). "
        "Usage errors raise ValueError with the command's one-line message; Ctrl-C raises KeyboardInterrupt.");
  m.attr("__version__") = freelunch::kToolVersion;
}
