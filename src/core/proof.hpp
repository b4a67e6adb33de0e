#pragma once
// The interface every proof program implements: options in, a ProofReport out.
#include <cstdint>
#include <string>
#include <vector>

#include "arith/precision.hpp"
#include "core/distributor.hpp"
#include "core/result.hpp"
#include "models/rounding_semantics.hpp"

namespace freelunch {

enum class Grid { quick, full };

struct ProofOptions {
  std::vector<arith::Precision> precisions;  // empty: the proof's default list
  Grid grid = Grid::quick;
  std::uint64_t seed = 1;
  unsigned jobs = 1;
  models::RoundingSemantics semantics;
  bool progress = true;  // a progress line on stderr for long sweeps
  std::string store;     // results store of this run (result_store.hpp); empty: none
  // --shard i/k: run only the instances with index % k == i, into the store's shard file
  // (instances.hpp); k = 1 runs all of them.
  std::size_t shard_index = 0;
  std::size_t shard_count = 1;
  bool sharded() const { return shard_count > 1; }
  // --mpi: the processes that share the instances (core/distributor.hpp); null: this process alone
  Distributor* distributor = nullptr;
  bool distributed() const { return distributor && distributor->processes() > 1; }
};

inline std::string to_string(Grid g) { return g == Grid::full ? "full" : "quick"; }

}  // namespace freelunch
