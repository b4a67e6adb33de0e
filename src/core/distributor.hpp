#pragma once
// Runs a proof's instances on other processes (`--mpi`). Every process runs the same command, so
// every process reaches each call of run_instances (core/instances.hpp) in the same order with
// the same instance list; there the processes call the distributor collectively. One process, the
// root, owns the results store and the outputs; the others (workers) compute the instances the
// root hands them, one at a time, and send back their results as text. The interface knows
// nothing of MPI: src/cluster/ implements it with MPI when the build has it.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace freelunch {

class Distributor {
 public:
  virtual ~Distributor() = default;
  virtual bool root() const = 0;
  virtual std::size_t processes() const = 0;  // the root and the workers

  // Collective. On the root: hands every index of `todo`, in order, to the next idle worker and
  // calls on_result(index, text) as each result arrives (in arrival order); returns when all have
  // arrived. On a worker: computes compute(index) for each index handed to it and sends the
  // text back; returns when the root says the list is done (`todo` and on_result are not used).
  virtual void run(const std::vector<std::size_t>& todo, const std::function<std::string(std::size_t)>& compute,
                   const std::function<void(std::size_t, std::string)>& on_result) = 0;

  // Collective: returns the root's `text` on every process.
  virtual std::string broadcast(const std::string& text) = 0;
};

}  // namespace freelunch
