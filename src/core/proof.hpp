#pragma once
// The interface every proof program implements: options in, a ProofReport out.
#include <cstdint>
#include <string>
#include <vector>

#include "arith/precision.hpp"
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
};

inline std::string to_string(Grid g) { return g == Grid::full ? "full" : "quick"; }

}  // namespace freelunch
